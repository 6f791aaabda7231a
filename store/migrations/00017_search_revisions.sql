-- +goose Up
-- /wsis find searches subjects, text, senders, organisations and attachment names in the
-- six languages with PostgreSQL's full-text search, from expression indexes (nothing is
-- stored twice). A text is normalised the same way when it is indexed and when it is
-- searched for (wsis_search_norm): accents folded ("révisée" is "revisee", ё is е; by
-- Unicode decomposition, without the unaccent extension), Arabic diacritics and tatweel
-- removed and the forms of alef, yeh and teh marbuta joined, and . _ - / @ read as
-- spaces (file names, addresses); the stemmers lower the case.
-- Words are indexed as they are ('simple') and as the stemmer of the text's language
-- has them (english, french, spanish, russian, arabic). Chinese does not put spaces
-- between words: every two neighbouring CJK characters are indexed as one term
-- (bigrams), and a Chinese phrase is found by all of its bigrams; this needs no
-- extension (pg_trgm is not used).

-- +goose StatementBegin
CREATE FUNCTION wsis_search_norm(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT replace(replace(regexp_replace(regexp_replace(normalize(t, NFD),
        '[\u0300-\u036f\u064B-\u065F\u0670\u0640]', '', 'g'), '[._/@-]', ' ', 'g'), 'ى', 'ي'), 'ة', 'ه')
$$;
-- +goose StatementEnd

-- wsis_search_bigrams: the CJK bigrams of t, separated by spaces. Pairs starting at the
-- even offsets of each run of CJK characters, then (the first character of each run
-- dropped) those starting at the odd ones.
-- +goose StatementBegin
CREATE FUNCTION wsis_search_bigrams(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce((SELECT string_agg(m[1], ' ') FROM regexp_matches(t,
            '([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]{2})', 'g') AS m), '')
        || ' ' ||
        coalesce((SELECT string_agg(m[1], ' ') FROM regexp_matches(
            regexp_replace(t, '(^|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]', '\1', 'g'),
            '([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]{2})', 'g') AS m), '')
$$;
-- +goose StatementEnd

-- wsis_search_words: t without its CJK characters (indexed as bigrams instead).
-- +goose StatementBegin
CREATE FUNCTION wsis_search_words(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT regexp_replace(t, '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+', ' ', 'g')
$$;
-- +goose StatementEnd

-- wsis_search_config: the stemmer of a language code ("simple" for Chinese and unknown).
-- +goose StatementBegin
CREATE FUNCTION wsis_search_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lang WHEN 'en' THEN 'pg_catalog.english'::regconfig WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        WHEN 'es' THEN 'pg_catalog.spanish'::regconfig WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
        WHEN 'ar' THEN 'pg_catalog.arabic'::regconfig ELSE 'pg_catalog.simple'::regconfig END
$$;
-- +goose StatementEnd

-- wsis_search_vector: what is indexed of a text in language lang. Only its first 60,000
-- characters: a tsvector is limited to 1 MB, and a text that exceeded it would make
-- storing its message fail; CJK bigrams of its first 20,000 only, for the same reason.
-- +goose StatementBegin
CREATE FUNCTION wsis_search_vector(lang text, t text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
-- The functions it calls are found where the migration put them, also while pg_restore
-- rebuilds the indexes with an empty search_path.
SET search_path FROM CURRENT AS $$
DECLARE
    n text := wsis_search_norm(left(coalesce(t, ''), 60000));
    w text := n;
    cfg regconfig := wsis_search_config(lang);
    v tsvector;
BEGIN
    IF n ~ '[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]' THEN
        w := wsis_search_words(n);
        v := to_tsvector('pg_catalog.simple', wsis_search_bigrams(left(n, 20000)));
    END IF;
    IF cfg = 'pg_catalog.simple'::regconfig THEN
        RETURN to_tsvector('pg_catalog.simple', w) || coalesce(v, ''::tsvector);
    END IF;
    RETURN to_tsvector('pg_catalog.simple', w) || to_tsvector(cfg, w) || coalesce(v, ''::tsvector);
END
$$;
-- +goose StatementEnd

-- wsis_search_query: what a text searched for matches. Every word must be there, as it
-- is or as one of the five stemmers has it; every CJK bigram must be there.
-- +goose StatementBegin
CREATE FUNCTION wsis_search_query(q text) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
-- The functions it calls are found where the migration put them, also while pg_restore
-- rebuilds the indexes with an empty search_path.
SET search_path FROM CURRENT AS $$
DECLARE
    n text := wsis_search_norm(coalesce(q, ''));
    w text := wsis_search_words(n);
    wq tsquery := plainto_tsquery('pg_catalog.simple', w) || plainto_tsquery('pg_catalog.english', w)
        || plainto_tsquery('pg_catalog.french', w) || plainto_tsquery('pg_catalog.spanish', w)
        || plainto_tsquery('pg_catalog.russian', w) || plainto_tsquery('pg_catalog.arabic', w);
    cq tsquery := plainto_tsquery('pg_catalog.simple', wsis_search_bigrams(n));
BEGIN
    IF numnode(wq) = 0 THEN
        RETURN cq;
    ELSIF numnode(cq) = 0 THEN
        RETURN wq;
    END IF;
    RETURN wq && cq;
END
$$;
-- +goose StatementEnd

-- The three indexes /wsis find reads, one per table; the queries repeat these
-- expressions exactly (store/search.go).
CREATE INDEX contributions_search_idx ON contributions USING gin (wsis_search_vector(language,
    ref || ' ' || subject || ' ' || from_name || ' ' || from_email || ' ' || organisation || ' ' || organisation_suggested));
CREATE INDEX messages_search_idx ON messages USING gin (wsis_search_vector(language, subject || ' ' || text_body))
    WHERE contribution_id IS NOT NULL;
CREATE INDEX attachments_search_idx ON attachments USING gin (wsis_search_vector('', filename));

-- Filters of /wsis find.
CREATE INDEX contributions_assignee_idx ON contributions (assignee) WHERE assignee <> '';

-- Resubmissions. The intake suggests that a new contribution revises an earlier one from
-- the same sender (revision_of_suggested, since 00001); the secretariat confirms it
-- (revision_of: the earlier one is then superseded) or dismisses the hint. Either
-- decision clears the suggestion and is an event in the audit trail.
ALTER TABLE contributions ADD COLUMN revision_of bigint REFERENCES contributions (id);
CREATE INDEX contributions_revision_of_idx ON contributions (revision_of) WHERE revision_of IS NOT NULL;
-- The intake compares a new contribution with the latest of the same organisation.
CREATE INDEX contributions_organisation_idx ON contributions (lower(organisation_suggested))
    WHERE organisation_suggested <> '';

-- +goose Down
DROP INDEX contributions_organisation_idx;
DROP INDEX contributions_revision_of_idx;
ALTER TABLE contributions DROP COLUMN revision_of;
DROP INDEX contributions_assignee_idx;
DROP INDEX attachments_search_idx;
DROP INDEX messages_search_idx;
DROP INDEX contributions_search_idx;
DROP FUNCTION wsis_search_query(text);
DROP FUNCTION wsis_search_vector(text, text);
DROP FUNCTION wsis_search_config(text);
DROP FUNCTION wsis_search_words(text);
DROP FUNCTION wsis_search_bigrams(text);
DROP FUNCTION wsis_search_norm(text);
