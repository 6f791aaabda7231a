-- +goose Up
-- The review of mail sorted away (the daily summary, /wsis sorted) reads the inbound
-- messages stored in a recent window that are not contributions or follow-ups.
CREATE INDEX messages_sorted_away_idx ON messages (created_at)
    WHERE direction = 'in' AND kind IN ('auto_reply', 'bounce', 'list', 'own', 'duplicate', 'quarantined');

-- +goose Down
DROP INDEX messages_sorted_away_idx;
