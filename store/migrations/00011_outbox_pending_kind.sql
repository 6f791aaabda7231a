-- +goose Up
-- The outbox claim looks for the next due item of each kind a worker takes: with
-- thousands of Slack cards waiting, the mail workers no longer filter through them.
CREATE INDEX outbox_pending_kind_idx ON outbox (kind, next_attempt_at, id) WHERE done_at IS NULL AND failed_at IS NULL;

-- +goose Down
DROP INDEX outbox_pending_kind_idx;
