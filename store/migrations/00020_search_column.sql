-- +goose Up
-- The terms /wsis find reads are kept in a column, computed in the background (serve's
-- search indexer, store.IndexForSearch) instead of while the intake stores mail or the
-- desk updates a contribution: building a tsvector (normalisation, regular expressions,
-- six stemmers) was about an eighth of the database's work while a backlog was stored.
-- A row whose search is NULL is not indexed yet; /wsis find computes its terms as it
-- searches, through the small indexes below that list only such rows, so that new mail
-- is found at once and a search never misses it (store/search.go).
ALTER TABLE contributions ADD COLUMN search tsvector;
ALTER TABLE messages ADD COLUMN search tsvector;

-- The same terms as the expression indexes of 00017 and 00019 held (dropped first, so
-- that the rows filled in do not compute them again for those).
DROP INDEX contributions_search_idx;
DROP INDEX messages_search_idx;
UPDATE contributions SET search = wsis_search_vector(language,
    ref || ' ' || subject || ' ' || from_name || ' ' || from_email || ' ' || organisation || ' ' || organisation_suggested);
UPDATE messages SET search = wsis_search_vector(language, subject || ' ' || text_body)
    WHERE contribution_id IS NOT NULL AND direction = 'in';
CREATE INDEX contributions_search_idx ON contributions USING gin (search);
CREATE INDEX messages_search_idx ON messages USING gin (search)
    WHERE contribution_id IS NOT NULL AND direction = 'in';
-- The rows still to index (store/search.go and IndexForSearch repeat these predicates).
CREATE INDEX contributions_search_pending_idx ON contributions (id) WHERE search IS NULL;
CREATE INDEX messages_search_pending_idx ON messages (id)
    WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in';

-- wsis_search_stale: a row whose searched text changed is to be indexed again. The
-- triggers call it only when one of those columns changed (their WHEN), so updates of
-- other columns (status, acknowledgement, card) cost nothing more and stay on their page.
-- A message's search does not depend on its contribution: a message linked to one later
-- was never indexed (the indexer reads linked inbound mail only), and one moved to another
-- keeps the same terms.
-- +goose StatementBegin
CREATE FUNCTION wsis_search_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search := NULL;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER contributions_search_stale
    BEFORE UPDATE OF language, ref, subject, from_name, from_email, organisation, organisation_suggested ON contributions
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.ref IS DISTINCT FROM NEW.ref
        OR OLD.subject IS DISTINCT FROM NEW.subject OR OLD.from_name IS DISTINCT FROM NEW.from_name
        OR OLD.from_email IS DISTINCT FROM NEW.from_email OR OLD.organisation IS DISTINCT FROM NEW.organisation
        OR OLD.organisation_suggested IS DISTINCT FROM NEW.organisation_suggested)
    EXECUTE FUNCTION wsis_search_stale();
CREATE TRIGGER messages_search_stale
    BEFORE UPDATE OF language, subject, text_body ON messages
    FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language OR OLD.subject IS DISTINCT FROM NEW.subject
        OR OLD.text_body IS DISTINCT FROM NEW.text_body)
    EXECUTE FUNCTION wsis_search_stale();

-- +goose Down
DROP TRIGGER messages_search_stale ON messages;
DROP TRIGGER contributions_search_stale ON contributions;
DROP FUNCTION wsis_search_stale();
DROP INDEX messages_search_pending_idx;
DROP INDEX contributions_search_pending_idx;
DROP INDEX messages_search_idx;
DROP INDEX contributions_search_idx;
ALTER TABLE messages DROP COLUMN search;
ALTER TABLE contributions DROP COLUMN search;
CREATE INDEX contributions_search_idx ON contributions USING gin (wsis_search_vector(language,
    ref || ' ' || subject || ' ' || from_name || ' ' || from_email || ' ' || organisation || ' ' || organisation_suggested));
CREATE INDEX messages_search_idx ON messages USING gin (wsis_search_vector(language, subject || ' ' || text_body))
    WHERE contribution_id IS NOT NULL AND direction = 'in';
