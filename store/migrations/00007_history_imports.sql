-- +goose Up
-- A card update done by a later update of the same card, which rendered the card's
-- latest state, records that update here: one chat.update served them both.
ALTER TABLE outbox ADD COLUMN coalesced_into bigint;

-- Mail older than the acknowledgement window on arrival (history) gets no card: it is
-- counted here instead, per import, and the channel gets one summary when the intake
-- has caught up with the mailbox. At most one import is open at a time; a restart
-- continues it.
CREATE TABLE history_imports (
    id             bigserial PRIMARY KEY,
    started_at     timestamptz NOT NULL,
    cutoff         timestamptz NOT NULL,
    messages       int NOT NULL DEFAULT 0,
    contributions  int NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL,
    closed_at      timestamptz
);
CREATE UNIQUE INDEX history_imports_open_idx ON history_imports ((closed_at IS NULL)) WHERE closed_at IS NULL;

-- /wsis find --history lists the newest history contributions.
CREATE INDEX contributions_history_idx ON contributions (received_at) WHERE history;

-- +goose Down
DROP INDEX contributions_history_idx;
DROP TABLE history_imports;
ALTER TABLE outbox DROP COLUMN coalesced_into;
