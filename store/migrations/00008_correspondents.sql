-- +goose Up
-- Mail that names a contribution (its reference tag, or a reply to a message of its
-- conversation) joins the conversation as a follow-up only when one of the
-- contribution's correspondents wrote it: its contact (the From and Reply-To of its first
-- message), an address the secretariat accepted, or an address at a domain the
-- secretariat confirmed for it (correspondents). Mail from anyone else is stored in the
-- conversation marked other_sender until the secretariat decides: it reopens nothing and
-- nobody is written to because of it.
ALTER TABLE messages ADD COLUMN other_sender boolean NOT NULL DEFAULT false;
CREATE INDEX messages_other_sender_idx ON messages (contribution_id) WHERE other_sender;

CREATE TABLE correspondents (
    contribution_id  bigint NOT NULL REFERENCES contributions (id),
    kind             text NOT NULL CHECK (kind IN ('address', 'domain')),
    value            text NOT NULL CHECK (value <> '' AND value = lower(value)),
    added_by         text NOT NULL,
    added_at         timestamptz NOT NULL,
    PRIMARY KEY (contribution_id, kind, value)
);

-- +goose Down
DROP TABLE correspondents;
DROP INDEX messages_other_sender_idx;
ALTER TABLE messages DROP COLUMN other_sender;
