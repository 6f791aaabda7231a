-- +goose Up
-- The Slack Web API budget the replicas share: one row per method (or method and
-- channel, for the methods Slack limits per channel), holding the theoretical arrival
-- time of the generic cell rate algorithm. A call reserves the next slot in one
-- statement and waits until it; a 429 pushes the slot past Retry-After for everyone.
-- Unlogged: a reservation is worth nothing after a crash, and each one then costs no
-- WAL flush.
CREATE UNLOGGED TABLE slack_pace (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL
);

-- +goose Down
DROP TABLE slack_pace;
