-- +goose Up
-- Several mailboxes: each message and each contribution records the name of the
-- mailbox it came to (WSISBOT_IMAP_NAME, WSISBOT_MAILBOXES). What was stored before
-- came to the one mailbox there was, named "main" by default. Our own mail has none.
ALTER TABLE messages ADD COLUMN mailbox_name text NOT NULL DEFAULT 'main';
ALTER TABLE messages ALTER COLUMN mailbox_name SET DEFAULT '';
UPDATE messages SET mailbox_name = '' WHERE direction = 'out';
ALTER TABLE contributions ADD COLUMN mailbox_name text NOT NULL DEFAULT 'main';
ALTER TABLE contributions ALTER COLUMN mailbox_name SET DEFAULT '';
-- The checkpoint of a mailbox was kept under its folder's name alone ("INBOX"); it is
-- now kept under the mailbox's key (server, user and folder: "host:993/user/INBOX"),
-- so that two servers' INBOXes never share one. An SQL migration cannot know the
-- server: the row keeps its name until the first mailbox's poller adopts it (store
-- AdoptSyncState), once, before it reads anything.
COMMENT ON TABLE sync_state IS 'IMAP checkpoints, one per mailbox key (server/user/folder); a key without "/" is a checkpoint from before several mailboxes, adopted by the first mailbox';

-- +goose Down
COMMENT ON TABLE sync_state IS NULL;
ALTER TABLE contributions DROP COLUMN mailbox_name;
ALTER TABLE messages DROP COLUMN mailbox_name;
