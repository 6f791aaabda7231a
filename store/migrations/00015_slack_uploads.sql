-- +goose Up
-- The attachments uploaded into their contribution's card thread, one row per attachment
-- and contribution. Each step of Slack's external upload is written and committed before
-- the next call: the file id Slack gave (so that a retry uploads to the same file rather
-- than making a second one), when its bytes were accepted, when the completion that shares
-- it in the thread was started (a retry after a lost answer asks files.info instead of
-- sharing it again), and when it was done. requested_by names the member who asked for a
-- file that is not uploaded on its own (too large, or of a type held back); '' otherwise.
CREATE TABLE slack_uploads (
    attachment_id        bigint NOT NULL REFERENCES attachments (id),
    contribution_id      bigint NOT NULL REFERENCES contributions (id),
    requested_by         text NOT NULL DEFAULT '',
    requested_at         timestamptz,
    file_id              text NOT NULL DEFAULT '',
    upload_url           text NOT NULL DEFAULT '',
    url_at               timestamptz,
    sent_at              timestamptz,
    complete_started_at  timestamptz,
    channel              text NOT NULL DEFAULT '',
    thread_ts            text NOT NULL DEFAULT '',
    done_at              timestamptz,
    error                text NOT NULL DEFAULT '',
    PRIMARY KEY (contribution_id, attachment_id)
);

-- +goose Down
DROP TABLE slack_uploads;
