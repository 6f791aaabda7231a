-- +goose Up
-- The replica reading a mailbox says so here every few seconds and on every change of
-- its state, so that every replica can tell whether the mailbox is read at all (its
-- readiness and its watchdog), whoever holds the mailbox's lock. One row per mailbox:
-- only the lock holder writes it.
CREATE TABLE intake_heartbeats (
    mailbox         text PRIMARY KEY,
    replica         text NOT NULL,
    connected       boolean NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    beat_at         timestamptz NOT NULL,
    last_success_at timestamptz
);

-- +goose Down
DROP TABLE intake_heartbeats;
