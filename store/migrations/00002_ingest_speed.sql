-- +goose Up
-- The acknowledgement cap counts, for a batch's senders, the acknowledgements queued in
-- the last 24 hours: found from the recipients' messages, not by reading every
-- acknowledgement of the day (which a backlog of thousands makes slow).
CREATE INDEX messages_ack_recipient_idx ON messages (lower(COALESCE(NULLIF(reply_to, ''), from_email)))
    WHERE direction = 'in';
CREATE INDEX outbox_ack_message_idx ON outbox (message_id)
    WHERE kind = 'ack_email' AND failed_at IS NULL;
DROP INDEX outbox_recent_acks_idx;

-- A message's new text is most often all of its text: fresh_text is then NULL, read as
-- text_body, instead of a second copy of the text.
ALTER TABLE messages ALTER COLUMN fresh_text DROP NOT NULL,
    ALTER COLUMN fresh_text DROP DEFAULT,
    ALTER COLUMN fresh_text SET COMPRESSION lz4;
UPDATE messages SET fresh_text = NULL WHERE fresh_text = text_body;

-- +goose Down
UPDATE messages SET fresh_text = text_body WHERE fresh_text IS NULL;
ALTER TABLE messages ALTER COLUMN fresh_text SET DEFAULT '',
    ALTER COLUMN fresh_text SET NOT NULL;
CREATE INDEX outbox_recent_acks_idx ON outbox (created_at) WHERE kind = 'ack_email' AND failed_at IS NULL;
DROP INDEX outbox_ack_message_idx;
DROP INDEX messages_ack_recipient_idx;
