package store

import (
	"context"
	"fmt"
	"time"
)

// SlackSlot is a reserved Slack call: how long to wait before making it, and the mark
// that lets an unused slot be given back.
type SlackSlot struct {
	Wait time.Duration // 0: call now
	mark int64         // the budget's state after this reservation (tat, in microseconds)
}

// reserveSlackSlotSQL reserves the next call of key (the generic cell rate algorithm:
// tat is the theoretical arrival time; $2 the interval between calls and $3 the burst
// tolerance, both in microseconds). It returns how long the caller waits, in
// microseconds (0: it may call now), measured on the database's clock and returned as a
// duration, so replicas whose clocks differ wait alike; and the new tat, as the mark.
const reserveSlackSlotSQL = `INSERT INTO slack_pace AS p (key, tat) VALUES ($1, now() + CAST($2 AS bigint) * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET tat = greatest(p.tat, now()) + CAST($2 AS bigint) * interval '1 microsecond'
		RETURNING CAST(greatest(0, EXTRACT(EPOCH FROM p.tat - now()) * 1000000 - CAST($2 AS bigint) - CAST($3 AS bigint)) AS bigint),
			CAST(EXTRACT(EPOCH FROM p.tat) * 1000000 AS bigint)`

// ReserveSlackSlot reserves a slot for one call of key, which allows a call every
// interval with bursts of up to burst calls, shared by every replica. The slot is taken
// whether or not the call is made: give back one that will not be used
// (ReleaseSlackSlot).
func (s *Store) ReserveSlackSlot(ctx context.Context, key string, interval time.Duration, burst int) (SlackSlot, error) {
	tolerance := time.Duration(max(burst-1, 0)) * interval
	var wait int64
	var slot SlackSlot
	st, err := s.prepared(ctx, reserveSlackSlotSQL)
	if err == nil {
		err = st.QueryRowContext(ctx, key, interval.Microseconds(), tolerance.Microseconds()).Scan(&wait, &slot.mark)
	}
	if err != nil {
		return SlackSlot{}, fmt.Errorf("store: reserve slack slot %s: %w", key, err)
	}
	slot.Wait = time.Duration(wait) * time.Microsecond
	return slot, nil
}

// releaseSlackSlotSQL gives back the last slot of key when nobody has reserved one
// since ($3: its mark).
const releaseSlackSlotSQL = `UPDATE slack_pace SET tat = tat - CAST($2 AS bigint) * interval '1 microsecond'
		WHERE key = $1 AND CAST(EXTRACT(EPOCH FROM tat) * 1000000 AS bigint) = $3`

// ReleaseSlackSlot gives back a slot that will not be used (its wait was too long), so
// that callers who give up do not push the budget further away. It reports whether the
// slot was given back: only the latest reservation of key can be.
func (s *Store) ReleaseSlackSlot(ctx context.Context, key string, interval time.Duration, slot SlackSlot) (bool, error) {
	st, err := s.prepared(ctx, releaseSlackSlotSQL)
	if err != nil {
		return false, fmt.Errorf("store: release slack slot %s: %w", key, err)
	}
	res, err := st.ExecContext(ctx, key, interval.Microseconds(), slot.mark)
	if err != nil {
		return false, fmt.Errorf("store: release slack slot %s: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: release slack slot %s: %w", key, err)
	}
	return n == 1, nil
}

// delaySlackSlotSQL puts off the next call of key until at least $2 microseconds from
// now, with no burst before it ($3: the burst tolerance).
const delaySlackSlotSQL = `INSERT INTO slack_pace AS p (key, tat) VALUES ($1, now() + (CAST($2 AS bigint) + CAST($3 AS bigint)) * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET tat = greatest(p.tat, now() + (CAST($2 AS bigint) + CAST($3 AS bigint)) * interval '1 microsecond')`

// DelaySlackSlot puts off the next call of key, for every replica, until after from
// now (Slack answered 429 with Retry-After: after); the calls then resume one per
// interval, without a burst. burst and interval are key's, as given to ReserveSlackSlot.
func (s *Store) DelaySlackSlot(ctx context.Context, key string, after, interval time.Duration, burst int) error {
	tolerance := time.Duration(max(burst-1, 0)) * interval
	st, err := s.prepared(ctx, delaySlackSlotSQL)
	if err == nil {
		_, err = st.ExecContext(ctx, key, after.Microseconds(), tolerance.Microseconds())
	}
	if err != nil {
		return fmt.Errorf("store: delay slack slot %s: %w", key, err)
	}
	return nil
}

// paceQueries are prepared in the background as the store opens (see warm): the pacer
// gives the database half a second, which a first preparation on a busy database can
// take.
var paceQueries = []string{reserveSlackSlotSQL, releaseSlackSlotSQL, delaySlackSlotSQL}
