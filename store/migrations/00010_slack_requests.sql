-- +goose Up
-- The requests Slack sent that the desk accepted (an event, a click, a command), by a key
-- of each (its signature, event ID or Socket Mode envelope ID), so that a request sent
-- again (Slack's retries, or someone replaying a captured one) is done once, whichever
-- replica receives it. Rows older than the desk remembers are pruned by created_at.
CREATE TABLE slack_requests (
    request_key  text PRIMARY KEY,
    created_at   timestamptz NOT NULL
);
CREATE INDEX slack_requests_created_at ON slack_requests (created_at);

-- +goose Down
DROP TABLE slack_requests;
