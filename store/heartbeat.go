package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TokenRefused is the summary an intake or a mailer reports (LastError) when the
// server refuses our renewed OAuth access token: the watchdog recognises it to say
// what to check.
const TokenRefused = "the server refused the OAuth access token"

// IntakeBeat is what the replica reading a mailbox reports of it.
type IntakeBeat struct {
	Mailbox   string // the mailbox's key (server, user and folder)
	Replica   string // who reads it
	Connected bool   // logged in and reading now
	LastError string // why not, when not connected
}

const beatIntakeSQL = `INSERT INTO intake_heartbeats (mailbox, replica, connected, last_error, beat_at, last_success_at)
		VALUES ($1, $2, $3, $4, now(), CASE WHEN $3 THEN now() END)
		ON CONFLICT (mailbox) DO UPDATE SET replica = EXCLUDED.replica, connected = EXCLUDED.connected,
			last_error = EXCLUDED.last_error, beat_at = EXCLUDED.beat_at,
			last_success_at = COALESCE(EXCLUDED.last_success_at, intake_heartbeats.last_success_at)`

// BeatIntake records beat as the mailbox's latest state, at the database's time. A
// connected beat is also the mailbox's latest success.
func (s *Store) BeatIntake(ctx context.Context, b IntakeBeat) error {
	_, err := s.db.ExecContext(ctx, beatIntakeSQL, b.Mailbox, b.Replica, b.Connected, b.LastError)
	if err != nil {
		return fmt.Errorf("store: intake heartbeat: %w", err)
	}
	return nil
}

// IntakeHealth is a mailbox's state as its last heartbeat tells it. Ages are measured
// on the database's clock, the same for every replica.
type IntakeHealth struct {
	Reported   bool          // some replica has ever reported on this mailbox
	Replica    string        // the replica of the last heartbeat
	Connected  bool          // it was connected then
	LastError  string        // and its error when it was not
	BeatAge    time.Duration // how long ago the last heartbeat was
	Succeeded  bool          // the mailbox was ever read
	SuccessAge time.Duration // how long ago it was last read (when Succeeded)
}

// Fresh reports whether the last heartbeat is younger than maxAge: a replica is alive
// and holds the mailbox.
func (h IntakeHealth) Fresh(maxAge time.Duration) bool { return h.Reported && h.BeatAge <= maxAge }

// Reading reports whether the mailbox is read now: a fresh heartbeat, connected.
func (h IntakeHealth) Reading(maxAge time.Duration) bool { return h.Fresh(maxAge) && h.Connected }

const intakeHeartbeatSQL = `SELECT replica, connected, last_error,
			EXTRACT(EPOCH FROM now() - beat_at)::float8 AS beat_age,
			EXTRACT(EPOCH FROM now() - last_success_at)::float8 AS success_age
		FROM intake_heartbeats WHERE mailbox = $1`

// IntakeHealth returns mailbox's state from its heartbeat; a mailbox nobody ever
// reported on has Reported false.
func (s *Store) IntakeHealth(ctx context.Context, mailbox string) (IntakeHealth, error) {
	var row struct {
		Replica    string          `db:"replica"`
		Connected  bool            `db:"connected"`
		LastError  string          `db:"last_error"`
		BeatAge    float64         `db:"beat_age"`
		SuccessAge sql.NullFloat64 `db:"success_age"`
	}
	err := s.db.GetContext(ctx, &row, intakeHeartbeatSQL, mailbox)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return IntakeHealth{}, nil
	case err != nil:
		return IntakeHealth{}, fmt.Errorf("store: intake health: %w", err)
	}
	h := IntakeHealth{Reported: true, Replica: row.Replica, Connected: row.Connected, LastError: row.LastError,
		BeatAge: seconds(row.BeatAge), Succeeded: row.SuccessAge.Valid}
	if row.SuccessAge.Valid {
		h.SuccessAge = seconds(row.SuccessAge.Float64)
	}
	return h, nil
}

func seconds(f float64) time.Duration { return max(0, time.Duration(f*float64(time.Second))) }
