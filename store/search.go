package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Search finds contributions for /wsis find: by reference number or sender address, by
// words of their subjects, text, senders, organisations and attachment names in the six
// languages (full-text search, migrations 00017 and 00020: words as written and
// as their language's stemmer has them, Chinese by pairs of characters), and by the
// filters of a Search. Exact reference and address matches come first, then the newest.

// Search is what /wsis find asks for. Zero fields select everything.
type Search struct {
	Text            string           // words, a phrase, a reference number or an address
	Kind            ContributionKind // the confirmed kind, else the suggested one
	Statuses        []Status         // any of these statuses
	Open            bool             // not closed
	StakeholderType string           // the confirmed stakeholder type, else the suggested one
	Late            *bool            // arrived after its deadline (true) or in time (false)
	Assignee        string           // assigned to this Slack user ID
	History         *bool            // stored as history (true) or not (false)
	Offset, Limit   int              // the page: skip Offset, at most Limit (0: 20)
}

// SearchResult is one page of what a Search found.
type SearchResult struct {
	Contributions []Contribution
	Total         int // how many match in all
}

// searchFilterClause is the filters of a Search, on contributions c ($3 to $10).
const searchFilterClause = `($3 = '' OR coalesce(c.kind, c.kind_suggested, '') = $3)
		AND (cardinality($4::text[]) = 0 OR c.status = ANY($4::text[]))
		AND (NOT $5 OR c.status <> 'closed')
		AND ($6 = '' OR coalesce(c.stakeholder_type, c.stakeholder_type_suggested, '') = $6)
		AND ($7::boolean IS NULL OR c.late = $7::boolean)
		AND ($8 = '' OR c.assignee = $8)
		AND ($9::boolean IS NULL OR c.history = $9::boolean)`

// What is indexed of a contribution (c) and of a message (m): the search column holds
// these (migration 00020), computed by IndexForSearch after the row is stored or its
// searched text changed; until then it is NULL and a search computes them.
const (
	contributionSearchVector = `wsis_search_vector(c.language, c.ref || ' ' || c.subject || ' ' || c.from_name || ' ' ||
				c.from_email || ' ' || c.organisation || ' ' || c.organisation_suggested)`
	messageSearchVector = `wsis_search_vector(m.language, m.subject || ' ' || m.text_body)`
)

// The predicates below repeat those of the indexes exactly (migrations 00017, 00019 and
// 00020), or PostgreSQL cannot use them: a row is found by its indexed terms, or, while
// it has none yet, by terms computed for the few rows the pending indexes list.
const (
	searchContributionsTextSQL = `WITH hits AS (
			SELECT c.id, true AS exact FROM contributions c
			WHERE c.ref = upper($1) OR lower(c.from_email) = lower($1)
			UNION ALL
			SELECT c.id, false FROM contributions c WHERE c.search @@ wsis_search_query($1)
			UNION ALL
			-- Not indexed yet: its terms, computed now (contributions_search_pending_idx).
			SELECT c.id, false FROM contributions c
			WHERE c.search IS NULL AND ` + contributionSearchVector + ` @@ wsis_search_query($1)
			UNION ALL
			SELECT m.contribution_id, false FROM messages m
			WHERE m.contribution_id IS NOT NULL AND m.direction = 'in' AND m.search @@ wsis_search_query($1)
			UNION ALL
			-- Not indexed yet (messages_search_pending_idx).
			SELECT m.contribution_id, false FROM messages m
			WHERE m.search IS NULL AND m.contribution_id IS NOT NULL AND m.direction = 'in'
				AND ` + messageSearchVector + ` @@ wsis_search_query($1)
			UNION ALL
			SELECT m.contribution_id, false FROM attachments a JOIN messages m ON m.id = a.message_id
			WHERE wsis_search_vector('', a.filename) @@ wsis_search_query($1) AND m.contribution_id IS NOT NULL
			UNION ALL
			-- Text that gives no term (one Chinese character, say): its substring.
			SELECT c.id, false FROM contributions c
			WHERE numnode(wsis_search_query($1)) = 0 AND (c.subject ILIKE $2 OR c.from_name ILIKE $2
				OR c.organisation ILIKE $2 OR c.organisation_suggested ILIKE $2)
		), found AS (
			SELECT id AS found_id, bool_or(exact) AS found_exact FROM hits GROUP BY id
		), page AS (
			SELECT c.id AS page_id, f.found_exact AS page_exact, c.received_at AS page_received,
				count(*) OVER () AS total
			FROM contributions c JOIN found f ON f.found_id = c.id
			WHERE ` + searchFilterClause + `
			ORDER BY f.found_exact DESC, c.received_at DESC, c.id DESC
			LIMIT $10 OFFSET $11
		)
		SELECT ` + contributionColumns + `, p.total
		FROM contributions JOIN page p ON p.page_id = contributions.id
		ORDER BY p.page_exact DESC, p.page_received DESC, p.page_id DESC`
	searchContributionsFilterSQL = `SELECT ` + contributionColumns + `, count(*) OVER () AS total
		FROM contributions c
		WHERE $1 = '' AND $2 = '' AND ` + searchFilterClause + `
		ORDER BY c.received_at DESC, c.id DESC
		LIMIT $10 OFFSET $11`
)

// searchSerialSQL keeps a search in one process: its index scans take milliseconds, and
// starting parallel workers for them costs more than it saves.
const searchSerialSQL = `SELECT set_config('max_parallel_workers_per_gather', '0', true)`

// Find runs a Search: one page of the contributions it finds, and how many there are.
func (s *Store) Find(ctx context.Context, q Search) (SearchResult, error) {
	text := strings.TrimSpace(CleanText(q.Text))
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	statuses := make([]string, 0, len(q.Statuses))
	for _, st := range q.Statuses {
		statuses = append(statuses, string(st))
	}
	query, pattern := searchContributionsFilterSQL, ""
	if text != "" {
		query, pattern = searchContributionsTextSQL, likePattern(text)
	}
	args := []any{text, pattern, string(q.Kind), pqStrings(statuses), q.Open, q.StakeholderType, q.Late, q.Assignee, q.History}
	var res SearchResult
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, searchSerialSQL); err != nil {
			return err
		}
		var rows []struct {
			Contribution
			Total int `db:"total"`
		}
		if err := tx.SelectContext(ctx, &rows, query, append(args, limit, max(q.Offset, 0))...); err != nil {
			return err
		}
		if len(rows) == 0 && q.Offset > 0 {
			// Past the last page: count what there is.
			if err := tx.SelectContext(ctx, &rows, query, append(args, 1, 0)...); err != nil {
				return err
			}
			if len(rows) > 0 {
				res.Total = rows[0].Total
			}
			return nil
		}
		res.Contributions = make([]Contribution, 0, len(rows))
		for _, r := range rows {
			res.Contributions = append(res.Contributions, r.Contribution)
			res.Total = r.Total
		}
		return nil
	})
	if err != nil {
		return SearchResult{}, fmt.Errorf("store: find contributions: %w", err)
	}
	return res, nil
}

// The rows still to index, oldest first, locked; those another replica, the desk or the
// mail workers hold are left for the next batch. The lock is the one an UPDATE takes
// (NO KEY): the intake may still store mail that refers to the contributions.
const (
	indexContributionsSQL = `UPDATE contributions c SET search = ` + contributionSearchVector + `
		WHERE c.id IN (SELECT id FROM contributions WHERE search IS NULL ORDER BY id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED)`
	indexMessagesSQL = `UPDATE messages m SET search = ` + messageSearchVector + `
		WHERE m.id IN (SELECT id FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in'
			ORDER BY id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED)`
)

// IndexForSearch computes the search terms of up to limit contributions and limit
// messages not indexed yet (stored since, or whose searched text changed), in one short
// transaction, and returns how many rows it indexed: 0 when none is left, or when the
// rows left are locked by others for now. Replicas may call it together: each takes rows
// the others do not hold. Until a row is indexed, /wsis find computes its terms itself.
func (s *Store) IndexForSearch(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = 500
	}
	n := 0
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The messages first (most of the work): the contributions, which the desk and the
		// mail workers update, are held for the shorter time.
		for _, q := range []string{indexMessagesSQL, indexContributionsSQL} {
			st, err := s.stmt(ctx, tx, q)
			if err != nil {
				return err
			}
			res, err := st.ExecContext(ctx, limit)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: index for search: %w", err)
	}
	return n, nil
}

// searchLagSQL counts the rows whose search terms are still to be computed and gives
// when the oldest of them was stored or changed (on the pending indexes).
const searchLagSQL = `SELECT
		(SELECT count(*) FROM contributions WHERE search IS NULL)
		+ (SELECT count(*) FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in') AS rows,
		least((SELECT min(updated_at) FROM contributions WHERE search IS NULL),
			(SELECT min(created_at) FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in')) AS oldest`

// SearchLag is the search index's arrears: how many rows wait for their terms, and how
// long the oldest has waited (0 when none does).
type SearchLag struct {
	Rows      int
	OldestAge time.Duration
}

// SearchLag reads the search index's arrears. What waits is still found by /wsis find,
// more slowly; arrears that only grow mean no replica's indexer works.
func (s *Store) SearchLag(ctx context.Context) (SearchLag, error) {
	var row struct {
		Rows   int        `db:"rows"`
		Oldest *time.Time `db:"oldest"`
	}
	if err := s.dbGet(ctx, &row, searchLagSQL); err != nil {
		return SearchLag{}, fmt.Errorf("store: search lag: %w", err)
	}
	lag := SearchLag{Rows: row.Rows}
	if row.Oldest != nil {
		lag.OldestAge = max(s.clock.Now().Sub(*row.Oldest), 0)
	}
	return lag, nil
}
