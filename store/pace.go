package store

import (
	"context"
	"fmt"
	"time"
)

// reserveSlackSlotSQL reserves the next call of key (the generic cell rate algorithm:
// tat is the theoretical arrival time; $2 the interval between calls and $3 the burst
// tolerance, both in microseconds) and returns how long the caller waits for it, in
// microseconds: 0 when it may call now. The wait is measured on the database's clock
// and returned as a duration, so replicas whose clocks differ wait alike.
const reserveSlackSlotSQL = `INSERT INTO slack_pace AS p (key, tat) VALUES ($1, now() + CAST($2 AS bigint) * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET tat = greatest(p.tat, now()) + CAST($2 AS bigint) * interval '1 microsecond'
		RETURNING CAST(greatest(0, EXTRACT(EPOCH FROM p.tat - now()) * 1000000 - CAST($2 AS bigint) - CAST($3 AS bigint)) AS bigint)`

// ReserveSlackSlot reserves a slot for one call of key, which allows a call every
// interval with bursts of up to burst calls, shared by every replica, and returns how
// long to wait before making it (0: now). The slot is taken whether or not the call is
// made.
func (s *Store) ReserveSlackSlot(ctx context.Context, key string, interval time.Duration, burst int) (time.Duration, error) {
	tolerance := time.Duration(max(burst-1, 0)) * interval
	var wait int64
	err := s.db.QueryRowContext(ctx, reserveSlackSlotSQL, key, interval.Microseconds(), tolerance.Microseconds()).Scan(&wait)
	if err != nil {
		return 0, fmt.Errorf("store: reserve slack slot %s: %w", key, err)
	}
	return time.Duration(wait) * time.Microsecond, nil
}

// delaySlackSlotsSQL puts off the next call of key until at least $2 microseconds from
// now, with no burst before it ($3: the burst tolerance).
const delaySlackSlotsSQL = `INSERT INTO slack_pace AS p (key, tat) VALUES ($1, now() + (CAST($2 AS bigint) + CAST($3 AS bigint)) * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET tat = greatest(p.tat, now() + (CAST($2 AS bigint) + CAST($3 AS bigint)) * interval '1 microsecond')`

// DelaySlackSlot puts off the next call of key, for every replica, until after from
// now (Slack answered 429 with Retry-After: after); the calls then resume one per
// interval, without a burst. burst and interval are key's, as given to ReserveSlackSlot.
func (s *Store) DelaySlackSlot(ctx context.Context, key string, after, interval time.Duration, burst int) error {
	tolerance := time.Duration(max(burst-1, 0)) * interval
	if _, err := s.db.ExecContext(ctx, delaySlackSlotsSQL, key, after.Microseconds(), tolerance.Microseconds()); err != nil {
		return fmt.Errorf("store: delay slack slot %s: %w", key, err)
	}
	return nil
}
