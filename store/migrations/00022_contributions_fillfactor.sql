-- +goose Up
-- A new contribution is updated soon after it is stored: its acknowledgement's status
-- and time, then its card and its search terms. The first touches no indexed column and
-- can be a heap-only update, written to none of the table's fourteen indexes (two of
-- them GIN), but only when its page has room for the new version: COPY fills pages to
-- the brim. Pages written from now on keep a fifth free for such updates.
ALTER TABLE contributions SET (fillfactor = 80);

-- +goose Down
ALTER TABLE contributions RESET (fillfactor);
