package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// The consultation report's read-only queries (wsisbot report). Each takes the period as
// $1 (first instant, NULL: from the start) and $2 (first instant after it, NULL: to the
// end), on received_at. Kind, stakeholder type and organisation are the confirmed
// values, else the suggested ones; action lines likewise.

// reportPeriod is the WHERE clause every report query shares.
const reportPeriod = `(CAST($1 AS timestamptz) IS NULL OR c.received_at >= $1)
		AND (CAST($2 AS timestamptz) IS NULL OR c.received_at < $2)`

// reportDesk is true for an event done by a member of the secretariat in Slack (see
// Event.SlackUser: a typed "slack:" actor, or a bare user ID on a desk action).
const reportDesk = `e.action NOT IN ('receive', 'follow_up')
		AND (e.actor LIKE 'slack:%' OR (e.action IN ('acknowledge', 'assign', 'classify', 'close', 'reopen', 'reply', 'promote')
			AND e.actor ~ '^[UW][A-Z0-9]+$'))`

// ReportRow is one contribution as the report lists it.
type ReportRow struct {
	Ref             string           `db:"ref" json:"ref"`
	Status          Status           `db:"status" json:"status"`
	Outcome         string           `db:"outcome" json:"outcome"` // "" while open
	Kind            ContributionKind `db:"kind" json:"kind"`
	StakeholderType string           `db:"stakeholder_type" json:"stakeholder_type"`
	ActionLines     pq.StringArray   `db:"action_lines" json:"action_lines"`
	SDGs            pq.Int64Array    `db:"sdgs" json:"sdgs"`
	Language        string           `db:"language" json:"language"`
	FromName        string           `db:"from_name" json:"from_name"`
	FromEmail       string           `db:"from_email" json:"from_email"`
	Organisation    string           `db:"organisation" json:"organisation"`
	Subject         string           `db:"subject" json:"subject"`
	ReceivedAt      time.Time        `db:"received_at" json:"received_at"`
	DeadlineName    string           `db:"deadline_name" json:"deadline_name"`
	DeadlineAt      *time.Time       `db:"deadline_at" json:"deadline"`
	Late            bool             `db:"late" json:"late"`
	Assignee        string           `db:"assignee" json:"assignee"`
	// FirstDeskAt is the first thing a member of the secretariat did with it in Slack.
	FirstDeskAt *time.Time `db:"first_desk_at" json:"first_desk_at"`
	// ClosedAt is when it was last closed (nil while open).
	ClosedAt *time.Time `db:"closed_at" json:"closed_at"`
}

const reportRowsSQL = `SELECT c.ref, c.status, COALESCE(c.outcome, '') AS outcome,
		COALESCE(c.kind, c.kind_suggested, '') AS kind,
		COALESCE(c.stakeholder_type, c.stakeholder_type_suggested, '') AS stakeholder_type,
		CASE WHEN cardinality(c.action_lines) > 0 THEN c.action_lines ELSE c.action_lines_suggested END AS action_lines,
		c.sdgs, c.language, c.from_name, c.from_email,
		CASE WHEN c.organisation <> '' THEN c.organisation ELSE c.organisation_suggested END AS organisation,
		c.subject, c.received_at, c.deadline_name, c.deadline_at, c.late, c.assignee,
		d.first_desk_at, cl.closed_at
	FROM contributions c
	LEFT JOIN LATERAL (SELECT min(e.at) AS first_desk_at FROM events e
		WHERE e.contribution_id = c.id AND ` + reportDesk + `) d ON true
	LEFT JOIN LATERAL (SELECT max(e.at) AS closed_at FROM events e
		WHERE e.contribution_id = c.id AND e.action = 'close' AND c.status = 'closed') cl ON true
	WHERE ` + reportPeriod + `
	ORDER BY c.seq`

// ReportRows lists the contributions received in [from, to) (nil: unbounded) in the
// order they were received.
func (s *Store) ReportRows(ctx context.Context, from, to *time.Time) ([]ReportRow, error) {
	var out []ReportRow
	if err := s.db.SelectContext(ctx, &out, reportRowsSQL, from, to); err != nil {
		return nil, fmt.Errorf("store: report rows: %w", err)
	}
	return out, nil
}

// ReportCount is how many contributions share one value of a dimension.
type ReportCount struct {
	// Dimension is kind, stakeholder_type, language, status, outcome, late (Key: the
	// kind, Late: the flag) or total.
	Dimension string `db:"dimension" json:"dimension"`
	Key       string `db:"key" json:"key"`
	Late      bool   `db:"late" json:"late"`
	N         int    `db:"n" json:"n"`
}

const reportCountsSQL = `WITH c AS (
		SELECT COALESCE(c.kind, c.kind_suggested, '') AS kind,
			COALESCE(c.stakeholder_type, c.stakeholder_type_suggested, '') AS stakeholder_type,
			c.language, c.status, COALESCE(c.outcome, '') AS outcome, c.late
		FROM contributions c WHERE ` + reportPeriod + `)
	SELECT CASE
			WHEN GROUPING(kind, late) = 0 THEN 'late'
			WHEN GROUPING(kind) = 0 THEN 'kind'
			WHEN GROUPING(stakeholder_type) = 0 THEN 'stakeholder_type'
			WHEN GROUPING(language) = 0 THEN 'language'
			WHEN GROUPING(status) = 0 THEN 'status'
			WHEN GROUPING(outcome) = 0 THEN 'outcome'
			ELSE 'total' END AS dimension,
		COALESCE(kind, stakeholder_type, language, status, outcome, '') AS key,
		COALESCE(late, false) AS late, count(*) AS n
	FROM c
	GROUP BY GROUPING SETS ((kind, late), (kind), (stakeholder_type), (language), (status), (outcome), ())
	ORDER BY 1, 2, 3`

// ReportCounts counts the contributions received in [from, to) by kind, stakeholder
// type, language, status, outcome, and kind and lateness, and in total.
func (s *Store) ReportCounts(ctx context.Context, from, to *time.Time) ([]ReportCount, error) {
	var out []ReportCount
	if err := s.db.SelectContext(ctx, &out, reportCountsSQL, from, to); err != nil {
		return nil, fmt.Errorf("store: report counts: %w", err)
	}
	return out, nil
}

// ReportDay is how many contributions of one kind arrived on one day.
type ReportDay struct {
	Day  time.Time        `db:"day" json:"day"` // midnight of the day, in the zone asked for, as a UTC date
	Kind ContributionKind `db:"kind" json:"kind"`
	N    int              `db:"n" json:"n"`
}

const reportDaysSQL = `SELECT CAST(timezone($3, c.received_at) AS date) AS day,
		COALESCE(c.kind, c.kind_suggested, '') AS kind, count(*) AS n
	FROM contributions c WHERE ` + reportPeriod + `
	GROUP BY 1, 2 ORDER BY 1, 2`

// ReportDays counts the contributions received in [from, to) per calendar day in the
// time zone tz (an IANA name) and kind.
func (s *Store) ReportDays(ctx context.Context, from, to *time.Time, tz string) ([]ReportDay, error) {
	var out []ReportDay
	if err := s.db.SelectContext(ctx, &out, reportDaysSQL, from, to, tz); err != nil {
		return nil, fmt.Errorf("store: report days: %w", err)
	}
	return out, nil
}

// ReportTag is how many contributions of one kind name one action line (C1..C11) or
// one SDG ("SDG 4").
type ReportTag struct {
	Kind ContributionKind `db:"kind" json:"kind"`
	Tag  string           `db:"tag" json:"tag"`
	N    int              `db:"n" json:"n"`
}

const reportTagsSQL = `WITH c AS (
		SELECT COALESCE(c.kind, c.kind_suggested, '') AS kind,
			CASE WHEN cardinality(c.action_lines) > 0 THEN c.action_lines ELSE c.action_lines_suggested END AS action_lines,
			c.sdgs
		FROM contributions c WHERE ` + reportPeriod + `)
	SELECT kind, tag, count(*) AS n FROM (
		SELECT c.kind, a.tag FROM c CROSS JOIN LATERAL (SELECT DISTINCT unnest(c.action_lines) AS tag) a
		UNION ALL
		SELECT c.kind, 'SDG ' || g.sdg FROM c CROSS JOIN LATERAL (SELECT DISTINCT unnest(c.sdgs) AS sdg) g
	) t
	GROUP BY kind, tag ORDER BY kind, tag`

// ReportTags counts the contributions received in [from, to) by kind and action line
// or SDG (each counted once per contribution).
func (s *Store) ReportTags(ctx context.Context, from, to *time.Time) ([]ReportTag, error) {
	var out []ReportTag
	if err := s.db.SelectContext(ctx, &out, reportTagsSQL, from, to); err != nil {
		return nil, fmt.Errorf("store: report tags: %w", err)
	}
	return out, nil
}

// ReportTiming is the median time from arrival to the secretariat's first action and to
// closing, for one kind ("" with All: every kind).
type ReportTiming struct {
	Kind ContributionKind `db:"kind" json:"kind"`
	All  bool             `db:"all_kinds" json:"all_kinds"`
	// FirstActionSeconds is the median in seconds over those acted on (nil: none).
	FirstActionSeconds *float64 `db:"first_action_s" json:"first_action_s"`
	Acted              int      `db:"acted" json:"acted"`
	// CloseSeconds is the median in seconds over those closed (nil: none).
	CloseSeconds *float64 `db:"close_s" json:"close_s"`
	Closed       int      `db:"closed" json:"closed"`
}

const reportTimingsSQL = `WITH c AS (
		SELECT COALESCE(c.kind, c.kind_suggested, '') AS kind,
			extract(epoch FROM d.first_desk_at - c.received_at) AS first_s,
			extract(epoch FROM cl.closed_at - c.received_at) AS close_s
		FROM contributions c
		LEFT JOIN LATERAL (SELECT min(e.at) AS first_desk_at FROM events e
			WHERE e.contribution_id = c.id AND ` + reportDesk + `) d ON true
		LEFT JOIN LATERAL (SELECT max(e.at) AS closed_at FROM events e
			WHERE e.contribution_id = c.id AND e.action = 'close' AND c.status = 'closed') cl ON true
		WHERE ` + reportPeriod + `)
	SELECT COALESCE(kind, '') AS kind, GROUPING(kind) = 1 AS all_kinds,
		CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY first_s) AS double precision) AS first_action_s,
		count(first_s) AS acted,
		CAST(percentile_cont(0.5) WITHIN GROUP (ORDER BY close_s) AS double precision) AS close_s,
		count(close_s) AS closed
	FROM c GROUP BY GROUPING SETS ((kind), ()) ORDER BY 2, 1`

// ReportTimings gives the median times to first action and to closing of the
// contributions received in [from, to), per kind and over all of them.
func (s *Store) ReportTimings(ctx context.Context, from, to *time.Time) ([]ReportTiming, error) {
	var out []ReportTiming
	if err := s.db.SelectContext(ctx, &out, reportTimingsSQL, from, to); err != nil {
		return nil, fmt.Errorf("store: report timings: %w", err)
	}
	return out, nil
}
