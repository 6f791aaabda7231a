-- +goose Up
-- Mail imported from archives (wsisbot import: mbox files, Maildir folders, .eml files)
-- is history: stored like the intake's, never acknowledged, without cards. Each import
-- counts here, in the transactions that store its mail, what it stored; when it ends
-- the channel gets one summary. An import stopped half-way is continued by the next
-- import of the same archives (same label), so that its summary counts all of it.
CREATE TABLE archive_imports (
    id             bigserial PRIMARY KEY,
    label          text NOT NULL,
    started_at     timestamptz NOT NULL,
    messages       int NOT NULL DEFAULT 0,
    contributions  int NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL,
    finished_at    timestamptz
);
CREATE UNIQUE INDEX archive_imports_open_idx ON archive_imports (label) WHERE finished_at IS NULL;

-- +goose Down
DROP TABLE archive_imports;
