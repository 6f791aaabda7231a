package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RunExclusive runs fn while this process holds the PostgreSQL session advisory lock
// named name, so that among several replicas exactly one runs it at a time (one poller
// per mailbox). It tries the lock every retry; once held, fn runs with a context that is
// cancelled if the lock's connection fails (checked every retry). Losing the lock is not
// the end of the work: onLost, when not nil, is told why, and RunExclusive goes back to
// trying the lock every retry, so fn runs again once it is held again. When fn returns
// by itself the lock is released and RunExclusive returns fn's error (nil: the work is
// done); otherwise RunExclusive returns only when ctx is done. When the holder dies its
// connection closes, PostgreSQL frees the lock and another replica takes over within one
// retry interval. onAcquire, when not nil, is called each time the lock is taken.
func (s *Store) RunExclusive(ctx context.Context, name string, retry time.Duration, onAcquire func(), onLost func(error), fn func(context.Context) error) error {
	for {
		held, lost, err := s.runIfLocked(ctx, name, retry, onAcquire, fn)
		if ctx.Err() != nil {
			if err == nil || errors.Is(err, context.Canceled) || lost != nil {
				return ctx.Err()
			}
			return err
		}
		if lost != nil {
			// fn stopped because the lock went away, not because its work is done.
			if onLost != nil {
				onLost(lost)
			}
		} else if held {
			return err
		}
		// Not held (someone else has it), lost, or the lock could not be asked for: try again.
		t := time.NewTimer(retry)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

const (
	tryAdvisoryLockSQL = `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`
	advisoryUnlockSQL  = `SELECT pg_advisory_unlock(hashtextextended($1, 0))`
)

// runIfLocked runs fn if the lock can be taken now. held says whether it was; lost is
// set when fn was stopped because the lock's connection failed.
func (s *Store) runIfLocked(ctx context.Context, name string, check time.Duration, onAcquire func(), fn func(context.Context) error) (held bool, lost, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, tryAdvisoryLockSQL, "wsisbot:"+name).Scan(&got); err != nil {
		return false, nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	if !got {
		return false, nil, nil
	}
	if onAcquire != nil {
		onAcquire()
	}
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	errLost := errors.New("lost")
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		t := time.NewTicker(check)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
				pctx, pcancel := context.WithTimeout(runCtx, check)
				err := conn.PingContext(pctx)
				pcancel()
				if err != nil && runCtx.Err() == nil {
					cancel(fmt.Errorf("store: lock %s %w: %w", name, errLost, err))
					return
				}
			}
		}
	}()
	err = fn(runCtx)
	cancel(nil)
	<-watchDone
	if cause := context.Cause(runCtx); errors.Is(cause, errLost) {
		lost = cause
	}
	unlockCtx, ucancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer ucancel()
	_, _ = conn.ExecContext(unlockCtx, advisoryUnlockSQL, "wsisbot:"+name)
	return true, lost, err
}
