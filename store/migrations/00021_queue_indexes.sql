-- +goose Up
-- Every outbox row is written into each of the table's indexes when it is queued, and
-- again when it is done (done_at is in the pending indexes' predicate, so that update
-- is never HOT). Two of them had no reader left: outbox_ack_message_idx served the
-- acknowledgement cap before it counted by recipient (00009), and outbox_pending_idx
-- is covered by outbox_pending_kind_idx, which has the same predicate.
DROP INDEX outbox_ack_message_idx;
DROP INDEX outbox_pending_idx;

-- A new contribution is compared with the latest 20 of its organisation (possible
-- revisions): with id in the index those are its last 20 entries, whatever the
-- organisation's size and however stale the planner's statistics.
DROP INDEX contributions_organisation_idx;
CREATE INDEX contributions_organisation_idx ON contributions (lower(organisation_suggested), id)
    WHERE organisation_suggested <> '';

-- +goose Down
DROP INDEX contributions_organisation_idx;
CREATE INDEX contributions_organisation_idx ON contributions (lower(organisation_suggested))
    WHERE organisation_suggested <> '';
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_ack_message_idx ON outbox (message_id) WHERE kind = 'ack_email' AND failed_at IS NULL;
