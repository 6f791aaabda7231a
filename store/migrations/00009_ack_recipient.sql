-- +goose Up
-- An acknowledgement's outbox item carries, in its payload, the one address it goes to
-- (decided by the intake) and the key the per-recipient cap counts it under
-- ("ack_key": lower case, no +tag, Gmail's dots ignored). The cap counts by that key,
-- and the hourly budget counts the acknowledgements of the last hour.
CREATE INDEX outbox_ack_key_idx ON outbox ((payload->>'ack_key'), created_at)
    WHERE kind = 'ack_email' AND failed_at IS NULL;
CREATE INDEX outbox_ack_created_idx ON outbox (created_at)
    WHERE kind = 'ack_email' AND failed_at IS NULL;
-- The cap no longer finds acknowledgements from the recipients' messages.
DROP INDEX messages_ack_recipient_idx;

-- Items queued before carry no recipient: the mail worker writes to the contribution's
-- From address only. So that the cap remembers the last day's acknowledgements, they
-- get the key of that address.
WITH a AS (
    SELECT o.id, split_part(split_part(lower(m.from_email), '@', 1), '+', 1) AS local,
        split_part(lower(m.from_email), '@', 2) AS domain
    FROM outbox o JOIN messages m ON m.id = o.message_id
    WHERE o.kind = 'ack_email' AND o.created_at > now() - interval '1 day' AND m.from_email LIKE '%@%'
)
UPDATE outbox o SET payload = o.payload || jsonb_build_object('ack_key',
        CASE WHEN a.domain IN ('gmail.com', 'googlemail.com') THEN replace(a.local, '.', '') || '@gmail.com'
            ELSE a.local || '@' || a.domain END)
    FROM a WHERE o.id = a.id AND NOT o.payload ? 'ack_key';

-- +goose Down
CREATE INDEX messages_ack_recipient_idx ON messages (lower(COALESCE(NULLIF(reply_to, ''), from_email)))
    WHERE direction = 'in';
DROP INDEX outbox_ack_created_idx;
DROP INDEX outbox_ack_key_idx;
