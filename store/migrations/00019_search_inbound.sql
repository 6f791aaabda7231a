-- +goose Up
-- /wsis find searches what stakeholders sent: the search index of messages holds the
-- inbound ones only. Our own acknowledgements repeat one text per language and would
-- match every contribution, and indexing them cost each acknowledgement a tsvector and
-- a GIN insert while it was recorded (store/search.go repeats this predicate).
DROP INDEX messages_search_idx;
CREATE INDEX messages_search_idx ON messages USING gin (wsis_search_vector(language, subject || ' ' || text_body))
    WHERE contribution_id IS NOT NULL AND direction = 'in';

-- A contribution's row is updated a few times after it is stored (acknowledged, its card
-- posted, taken, classified). Room left on each page lets those updates stay on the
-- page (HOT) when no indexed column changes, so that they do not insert into every
-- index again, the search index's tsvector included.
ALTER TABLE contributions SET (fillfactor = 75);

-- +goose Down
ALTER TABLE contributions RESET (fillfactor);
DROP INDEX messages_search_idx;
CREATE INDEX messages_search_idx ON messages USING gin (wsis_search_vector(language, subject || ' ' || text_body))
    WHERE contribution_id IS NOT NULL;
