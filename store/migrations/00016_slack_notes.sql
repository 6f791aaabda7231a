-- +goose Up
-- What the secretariat writes in a card's thread in Slack, kept as notes on the
-- contribution: one row per Slack message (channel and ts), its latest text, and whether
-- it was edited or deleted there. Each change is also an event in the audit trail.
CREATE TABLE slack_notes (
    id               bigserial PRIMARY KEY,
    contribution_id  bigint NOT NULL REFERENCES contributions (id),
    channel          text NOT NULL,
    ts               text NOT NULL,
    author           text NOT NULL DEFAULT '',
    text             text NOT NULL DEFAULT '',
    posted_at        timestamptz NOT NULL,
    edited_ts        text NOT NULL DEFAULT '',
    edited_at        timestamptz,
    deleted_at       timestamptz,
    UNIQUE (channel, ts)
);
CREATE INDEX slack_notes_contribution_idx ON slack_notes (contribution_id, posted_at, id);

-- A thread reply names its card by ts: find the contribution without a scan.
CREATE INDEX contributions_card_ts_idx ON contributions (slack_ts) WHERE slack_ts <> '';

-- The stale reminders look at the open contributions someone holds, every scheduler pass.
CREATE INDEX contributions_assigned_open_idx ON contributions (id) WHERE status <> 'closed' AND assignee <> '';
-- ... and for each, the last action of the secretariat on it: one probe of this index.
CREATE INDEX events_desk_moves_idx ON events (contribution_id, at) WHERE actor LIKE 'slack:%';

-- +goose Down
DROP INDEX events_desk_moves_idx;
DROP INDEX contributions_assigned_open_idx;
DROP INDEX contributions_card_ts_idx;
DROP TABLE slack_notes;
