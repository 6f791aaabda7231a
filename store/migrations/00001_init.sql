-- +goose Up
-- The consultation's intake: contributions, the messages of their conversations,
-- attachments, the audit trail, the outbox of side effects and the IMAP checkpoints.

CREATE SEQUENCE contribution_ref_seq AS bigint START 1;

CREATE TABLE contributions (
    id                          bigserial PRIMARY KEY,
    seq                         bigint NOT NULL UNIQUE,
    ref                         text NOT NULL UNIQUE,
    status                      text NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'acknowledged', 'classified', 'closed')),
    outcome                     text
        CHECK (outcome IN ('accepted', 'declined', 'spam', 'duplicate')),
    kind                        text,
    kind_suggested              text,
    stakeholder_type            text,
    stakeholder_type_suggested  text,
    action_lines                text[] NOT NULL DEFAULT '{}',
    action_lines_suggested      text[] NOT NULL DEFAULT '{}',
    sdgs                        int[] NOT NULL DEFAULT '{}',
    language                    text NOT NULL DEFAULT '',
    from_name                   text NOT NULL DEFAULT '',
    from_email                  text NOT NULL DEFAULT '',
    organisation                text NOT NULL DEFAULT '',
    organisation_suggested      text NOT NULL DEFAULT '',
    subject                     text NOT NULL DEFAULT '',
    received_at                 timestamptz NOT NULL,
    deadline_name               text NOT NULL DEFAULT '',
    deadline_at                 timestamptz,
    late                        boolean NOT NULL DEFAULT false,
    assignee                    text NOT NULL DEFAULT '',
    revision_of_suggested       bigint REFERENCES contributions (id),
    history                     boolean NOT NULL DEFAULT false,
    ack_status                  text NOT NULL DEFAULT 'pending'
        CHECK (ack_status IN ('pending', 'sent', 'suppressed', 'failed')),
    ack_suppressed_reason       text NOT NULL DEFAULT '',
    ack_sent_at                 timestamptz,
    ack_error                   text NOT NULL DEFAULT '',
    slack_channel               text NOT NULL DEFAULT '',
    slack_ts                    text NOT NULL DEFAULT '',
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    CHECK ((status = 'closed') = (outcome IS NOT NULL))
);
CREATE INDEX contributions_status_idx ON contributions (status);
CREATE INDEX contributions_from_email_idx ON contributions (lower(from_email));
CREATE INDEX contributions_received_at_idx ON contributions (received_at);

CREATE TABLE messages (
    id               bigserial PRIMARY KEY,
    contribution_id  bigint REFERENCES contributions (id),
    direction        text NOT NULL CHECK (direction IN ('in', 'out')),
    kind             text NOT NULL CHECK (kind IN ('contribution', 'follow_up', 'auto_reply',
                         'bounce', 'list', 'duplicate', 'quarantined', 'own', 'outbound')),
    kind_reason      text NOT NULL DEFAULT '',
    message_id       text,
    in_reply_to      text NOT NULL DEFAULT '',
    refs             text[] NOT NULL DEFAULT '{}',
    from_name        text NOT NULL DEFAULT '',
    from_email       text NOT NULL DEFAULT '',
    reply_to         text NOT NULL DEFAULT '',
    to_addrs         text NOT NULL DEFAULT '',
    cc_addrs         text NOT NULL DEFAULT '',
    subject          text NOT NULL DEFAULT '',
    date_header      timestamptz,
    received_at      timestamptz NOT NULL,
    headers          jsonb NOT NULL DEFAULT '{}',
    text_body        text NOT NULL DEFAULT '',
    fresh_text       text NOT NULL DEFAULT '',
    html_body        text NOT NULL DEFAULT '',
    language         text NOT NULL DEFAULT '',
    warnings         text[] NOT NULL DEFAULT '{}',
    raw              bytea NOT NULL,
    raw_sha256       text NOT NULL,
    size             bigint NOT NULL,
    mailbox          text NOT NULL DEFAULT '',
    uidvalidity      bigint NOT NULL DEFAULT 0,
    uid              bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL
);
-- Raw mail and bodies compress with lz4: several times faster than the default pglz.
ALTER TABLE messages ALTER COLUMN raw SET COMPRESSION lz4,
    ALTER COLUMN text_body SET COMPRESSION lz4,
    ALTER COLUMN html_body SET COMPRESSION lz4;
-- Exactly once: one row per mailbox position, and one non-duplicate row per Message-ID
-- (per content hash for messages without one).
CREATE UNIQUE INDEX messages_position_uq ON messages (mailbox, uidvalidity, uid) WHERE uid > 0;
CREATE UNIQUE INDEX messages_message_id_uq ON messages (message_id)
    WHERE message_id IS NOT NULL AND kind <> 'duplicate';
CREATE UNIQUE INDEX messages_raw_sha256_uq ON messages (raw_sha256)
    WHERE message_id IS NULL AND kind <> 'duplicate';
CREATE INDEX messages_contribution_idx ON messages (contribution_id);

CREATE TABLE blobs (
    sha256  text PRIMARY KEY,
    size    bigint NOT NULL,
    data    bytea COMPRESSION lz4 NOT NULL
);

CREATE TABLE attachments (
    id            bigserial PRIMARY KEY,
    message_id    bigint NOT NULL REFERENCES messages (id),
    position      int NOT NULL,
    filename      text NOT NULL,
    content_type  text NOT NULL,
    size          bigint NOT NULL,
    sha256        text NOT NULL REFERENCES blobs (sha256),
    inline        boolean NOT NULL DEFAULT false,
    UNIQUE (message_id, position)
);
CREATE INDEX attachments_sha256_idx ON attachments (sha256);

CREATE TABLE events (
    id               bigserial PRIMARY KEY,
    contribution_id  bigint REFERENCES contributions (id),
    at               timestamptz NOT NULL,
    actor            text NOT NULL,
    action           text NOT NULL,
    old_status       text NOT NULL DEFAULT '',
    new_status       text NOT NULL DEFAULT '',
    details          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_contribution_idx ON events (contribution_id, id);

-- The audit trail is append-only.
-- +goose StatementBegin
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

CREATE TABLE outbox (
    id                bigserial PRIMARY KEY,
    kind              text NOT NULL,
    idempotency_key   text NOT NULL UNIQUE,
    contribution_id   bigint REFERENCES contributions (id),
    message_id        bigint REFERENCES messages (id),
    payload           jsonb NOT NULL DEFAULT '{}',
    attempts          int NOT NULL DEFAULT 0,
    next_attempt_at   timestamptz NOT NULL,
    last_error        text NOT NULL DEFAULT '',
    done_at           timestamptz,
    failed_at         timestamptz,
    created_at        timestamptz NOT NULL
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at, id)
    WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_pending_cards_idx ON outbox (contribution_id)
    WHERE kind = 'slack_card' AND done_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_contribution_idx ON outbox (contribution_id);
CREATE INDEX outbox_recent_acks_idx ON outbox (created_at) WHERE kind = 'ack_email' AND failed_at IS NULL;

CREATE TABLE sync_state (
    mailbox      text PRIMARY KEY,
    uidvalidity  bigint NOT NULL,
    last_uid     bigint NOT NULL,
    updated_at   timestamptz NOT NULL
);

-- Jobs that must run once across replicas (digests, reminders): their last run.
CREATE TABLE job_runs (
    job         text PRIMARY KEY,
    last_run_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE sync_state;
DROP TABLE outbox;
DROP TABLE events;
DROP FUNCTION events_append_only();
DROP TABLE attachments;
DROP TABLE blobs;
DROP TABLE messages;
DROP TABLE contributions;
DROP SEQUENCE contribution_ref_seq;
