-- +goose Up
-- When a Slack post was last attempted, written and committed before the call: an item
-- whose outcome was lost (a crash after Slack answered) looks for its earlier post only
-- then, and only around that time. Keyed by the outbox item's idempotency key, without a
-- foreign key: the row is written while the item's own row is locked by its claim.
CREATE TABLE slack_post_attempts (
    idempotency_key  text PRIMARY KEY,
    started_at       timestamptz NOT NULL
);

-- +goose Down
DROP TABLE slack_post_attempts;
