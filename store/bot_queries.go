package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The queries of the Slack desk: lists, counts and searches for the /wsis command and the
// App Home, the export, and the once-only claims of the reminders and the watchdog.

// ContributionFilter selects contributions. Zero fields select everything.
type ContributionFilter struct {
	Open           bool      // not closed
	Statuses       []Status  // any of these statuses
	DeadlineName   string    // counting against this deadline
	ReceivedBefore time.Time // received before this instant
	Limit          int       // at most this many (0: all)
}

const listContributionsSQL = `SELECT ` + contributionColumns + ` FROM contributions
		WHERE (NOT $1 OR status <> 'closed')
		AND (cardinality($2::text[]) = 0 OR status = ANY($2::text[]))
		AND ($3 = '' OR deadline_name = $3)
		AND ($4::timestamptz IS NULL OR received_at < $4::timestamptz)
		ORDER BY received_at, id
		LIMIT $5`

// ListContributions lists contributions matching f, oldest first.
func (s *Store) ListContributions(ctx context.Context, f ContributionFilter) ([]Contribution, error) {
	statuses := make([]string, 0, len(f.Statuses))
	for _, st := range f.Statuses {
		statuses = append(statuses, string(st))
	}
	var before *time.Time
	if !f.ReceivedBefore.IsZero() {
		before = &f.ReceivedBefore
	}
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	var cs []Contribution
	err := s.db.SelectContext(ctx, &cs, listContributionsSQL, f.Open, pqStrings(statuses), f.DeadlineName, before, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list contributions: %w", err)
	}
	return cs, nil
}

// likePattern makes q a substring pattern for ILIKE, its wildcards taken literally.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(q) + "%"
}

// ContributionStats counts contributions several ways. Kind and stakeholder type are the
// confirmed ones, else the suggested ones ("" when neither); the phase is the one in force
// when the contribution arrived ("" before the first phase).
type ContributionStats struct {
	Total             int
	Open              int
	ByStatus          map[Status]int
	ByKind            map[ContributionKind]int
	ByStakeholderType map[string]int
	ByPhase           map[string]int
	ByDeadline        map[string]int // open contributions per deadline name
	Late              int
}

const contributionStatsSQL = `SELECT c.status, coalesce(c.kind, c.kind_suggested, '') AS kind,
			coalesce(c.stakeholder_type, c.stakeholder_type_suggested, '') AS stakeholder_type,
			coalesce(p.code, '') AS phase, c.deadline_name, c.late, count(*) AS n
		FROM contributions c
		LEFT JOIN LATERAL (
			SELECT ph.code FROM unnest($1::text[], $2::timestamptz[]) AS ph(code, start)
			WHERE ph.start <= c.received_at ORDER BY ph.start DESC LIMIT 1
		) p ON true
		GROUP BY 1, 2, 3, 4, 5, 6`

// ContributionStats counts every contribution by status, kind, stakeholder type, phase and
// deadline.
func (s *Store) ContributionStats(ctx context.Context) (ContributionStats, error) {
	codes := make([]string, 0, len(s.phases.Phases))
	starts := make([]time.Time, 0, len(s.phases.Phases))
	for _, p := range s.phases.Phases {
		codes = append(codes, p.Code)
		starts = append(starts, p.Start)
	}
	startTexts := make([]string, len(starts))
	for i, t := range starts {
		startTexts[i] = t.UTC().Format(time.RFC3339)
	}
	var rows []struct {
		Status          string           `db:"status"`
		Kind            ContributionKind `db:"kind"`
		StakeholderType string           `db:"stakeholder_type"`
		Phase           string           `db:"phase"`
		DeadlineName    string           `db:"deadline_name"`
		Late            bool             `db:"late"`
		N               int              `db:"n"`
	}
	err := s.db.SelectContext(ctx, &rows, contributionStatsSQL, pq.StringArray(codes), pq.StringArray(startTexts))
	if err != nil {
		return ContributionStats{}, fmt.Errorf("store: contribution stats: %w", err)
	}
	st := ContributionStats{ByStatus: map[Status]int{}, ByKind: map[ContributionKind]int{}, ByStakeholderType: map[string]int{},
		ByPhase: map[string]int{}, ByDeadline: map[string]int{}}
	for _, r := range rows {
		st.Total += r.N
		st.ByStatus[Status(r.Status)] += r.N
		st.ByKind[r.Kind] += r.N
		st.ByStakeholderType[r.StakeholderType] += r.N
		st.ByPhase[r.Phase] += r.N
		if r.Late {
			st.Late += r.N
		}
		if Status(r.Status) != StatusClosed {
			st.Open += r.N
			st.ByDeadline[r.DeadlineName] += r.N
		}
	}
	return st, nil
}

const firstMessageSQL = `SELECT ` + messageColumns + ` FROM messages
		WHERE contribution_id = $1 AND kind = 'contribution' ORDER BY id LIMIT 1`

// FirstMessage is the message that opened a contribution.
func (s *Store) FirstMessage(ctx context.Context, contributionID int64) (Message, error) {
	var m Message
	err := s.db.GetContext(ctx, &m, firstMessageSQL, contributionID)
	if err != nil {
		return m, fmt.Errorf("store: first message of %d: %w", contributionID, notFound(err))
	}
	return m, nil
}

const messageCountSQL = `SELECT count(*) FROM messages WHERE contribution_id = $1 AND kind <> 'duplicate'`

// MessageCount counts the messages of a contribution's conversation, both directions,
// duplicates left out.
func (s *Store) MessageCount(ctx context.Context, contributionID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, messageCountSQL, contributionID)
	if err != nil {
		return 0, fmt.Errorf("store: message count of %d: %w", contributionID, err)
	}
	return n, nil
}

// ExportRow is one contribution with what an export lists about it.
type ExportRow struct {
	Contribution Contribution
	MessageCount int
	Attachments  []Attachment // not inline, in the order of the conversation
	Events       []Event      // oldest first
	Notes        []Note       // written in the card's thread, deleted ones included, oldest first
}

const (
	exportContributionsSQL = `SELECT ` + contributionColumns + ` FROM contributions ORDER BY seq`
	exportMessageCountsSQL = `SELECT contribution_id, count(*) AS n FROM messages
		WHERE contribution_id IS NOT NULL AND kind <> 'duplicate' GROUP BY contribution_id`
	exportAttachmentsSQL = `SELECT m.contribution_id, a.id, a.message_id, a.position, a.filename,
			a.content_type, a.size, a.sha256, a.inline
		FROM attachments a JOIN messages m ON m.id = a.message_id
		WHERE m.contribution_id IS NOT NULL AND NOT a.inline AND m.kind <> 'duplicate'
		ORDER BY m.received_at, m.id, a.position`
	exportEventsSQL = `SELECT id, contribution_id, at, actor, action, old_status, new_status, details
		FROM events WHERE contribution_id IS NOT NULL ORDER BY id`
)

// ExportRows reads every contribution, by reference number, with its message count,
// attachments and audit trail, from one consistent snapshot.
func (s *Store) ExportRows(ctx context.Context) ([]ExportRow, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: export: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var cs []Contribution
	if err := tx.SelectContext(ctx, &cs, exportContributionsSQL); err != nil {
		return nil, fmt.Errorf("store: export contributions: %w", err)
	}
	rows := make([]ExportRow, len(cs))
	index := make(map[int64]int, len(cs))
	for i, c := range cs {
		rows[i].Contribution = c
		index[c.ID] = i
	}
	var counts []struct {
		ContributionID int64 `db:"contribution_id"`
		N              int   `db:"n"`
	}
	if err := tx.SelectContext(ctx, &counts, exportMessageCountsSQL); err != nil {
		return nil, fmt.Errorf("store: export message counts: %w", err)
	}
	for _, c := range counts {
		if i, ok := index[c.ContributionID]; ok {
			rows[i].MessageCount = c.N
		}
	}
	var atts []struct {
		ContributionID int64 `db:"contribution_id"`
		Attachment
	}
	if err := tx.SelectContext(ctx, &atts, exportAttachmentsSQL); err != nil {
		return nil, fmt.Errorf("store: export attachments: %w", err)
	}
	for _, a := range atts {
		if i, ok := index[a.ContributionID]; ok {
			rows[i].Attachments = append(rows[i].Attachments, a.Attachment)
		}
	}
	var evs []Event
	if err := tx.SelectContext(ctx, &evs, exportEventsSQL); err != nil {
		return nil, fmt.Errorf("store: export events: %w", err)
	}
	for _, e := range evs {
		if i, ok := index[*e.ContributionID]; ok {
			rows[i].Events = append(rows[i].Events, e)
		}
	}
	if err := exportNotes(ctx, tx, rows, index); err != nil {
		return nil, err
	}
	return rows, nil
}

const countEventsSQL = `SELECT count(*) FROM events WHERE action = ANY($1::text[]) AND at >= $2`

// CountEvents counts events with any of the actions since an instant.
func (s *Store) CountEvents(ctx context.Context, actions []string, since time.Time) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, countEventsSQL,
		pqStrings(actions), since)
	if err != nil {
		return 0, fmt.Errorf("store: count events: %w", err)
	}
	return n, nil
}

const lastInboundSQL = `SELECT max(received_at) FROM messages WHERE direction = 'in'`

// LastInboundAt is when the most recent inbound message reached the mailbox; zero when
// none ever did.
func (s *Store) LastInboundAt(ctx context.Context) (time.Time, error) {
	var t *time.Time
	if err := s.db.GetContext(ctx, &t, lastInboundSQL); err != nil {
		return time.Time{}, fmt.Errorf("store: last inbound: %w", err)
	}
	if t == nil {
		return time.Time{}, nil
	}
	return *t, nil
}

const claimRunSQL = `INSERT INTO job_runs (job, last_run_at) VALUES ($1, $2)
			ON CONFLICT (job) DO UPDATE SET last_run_at = EXCLUDED.last_run_at
				WHERE job_runs.last_run_at < EXCLUDED.last_run_at
			RETURNING job`

// ClaimRun records that job ran for the occurrence at, unless it already ran for that
// occurrence or a later one, and queues items in the same transaction. Exactly one caller
// claims an occurrence, across replicas and restarts; it reports whether this one did.
func (s *Store) ClaimRun(ctx context.Context, job string, at time.Time, items ...OutboxItem) (bool, error) {
	claimed := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var got string
		err := tx.GetContext(ctx, &got, claimRunSQL, job, at)
		if err == errNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		claimed = true
		return s.enqueueAll(ctx, tx, items)
	})
	if err != nil {
		return false, fmt.Errorf("store: run %s: %w", job, err)
	}
	return claimed, nil
}

const lastRunSQL = `SELECT last_run_at FROM job_runs WHERE job = $1`

// LastRun is when job last ran (the occurrence it claimed); ErrNotFound when never.
func (s *Store) LastRun(ctx context.Context, job string) (time.Time, error) {
	var t time.Time
	if err := s.db.GetContext(ctx, &t, lastRunSQL, job); err != nil {
		return t, fmt.Errorf("store: last run of %s: %w", job, notFound(err))
	}
	return t, nil
}

const (
	flagPrefix        = "flag:"
	flagClearedPrefix = "flag-cleared:"
)

const (
	raiseFlagSQL = `INSERT INTO job_runs (job, last_run_at)
				SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM job_runs WHERE job = $3 AND last_run_at > $2)
				ON CONFLICT (job) DO NOTHING RETURNING job`
	clearFlagSQL   = `DELETE FROM job_runs WHERE job = $1 AND last_run_at < $2 RETURNING job`
	flagClearedSQL = `INSERT INTO job_runs (job, last_run_at) VALUES ($1, $2)
					ON CONFLICT (job) DO UPDATE SET last_run_at = greatest(job_runs.last_run_at, EXCLUDED.last_run_at)`
)

// SetFlag raises (on) or clears a named condition shared by every replica, queueing items
// in the same transaction only when this call changed it. It reports whether it did. at
// is when the condition was evaluated: an evaluation older than the flag's last change
// changes nothing, so a slow replica cannot undo what a newer look decided.
func (s *Store) SetFlag(ctx context.Context, name string, on bool, at time.Time, items ...OutboxItem) (bool, error) {
	changed := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var got string
		var err error
		if on {
			err = tx.GetContext(ctx, &got, raiseFlagSQL, flagPrefix+name, at, flagClearedPrefix+name)
		} else {
			err = tx.GetContext(ctx, &got, clearFlagSQL, flagPrefix+name, at)
			if err == nil {
				_, err = tx.ExecContext(ctx, flagClearedSQL, flagClearedPrefix+name, at)
			}
		}
		if err == errNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("flag: %w", err)
		}
		changed = true
		return s.enqueueAll(ctx, tx, items)
	})
	if err != nil {
		return false, fmt.Errorf("store: flag %s: %w", name, err)
	}
	return changed, nil
}

const flagsSQL = `SELECT job, last_run_at FROM job_runs WHERE job LIKE 'flag:%'`

// Flags lists the raised conditions and since when.
func (s *Store) Flags(ctx context.Context) (map[string]time.Time, error) {
	var rows []struct {
		Job string    `db:"job"`
		At  time.Time `db:"last_run_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, flagsSQL); err != nil {
		return nil, fmt.Errorf("store: flags: %w", err)
	}
	out := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		out[strings.TrimPrefix(r.Job, flagPrefix)] = r.At
	}
	return out, nil
}

const claimEscalationsSQL = `INSERT INTO job_runs (job, last_run_at)
			SELECT 'escalate:' || c.id, $2 FROM contributions c
			WHERE c.status = 'received' AND c.created_at < $1
				AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.job = 'escalate:' || c.id)
			ORDER BY c.created_at, c.id LIMIT $3
			ON CONFLICT (job) DO NOTHING
			RETURNING job`

// ClaimEscalations takes up to limit contributions still received (nobody acknowledged
// them) that wsisbot stored before createdBefore and were never escalated, marks them
// escalated and queues one channel notice listing them, in one transaction. Each
// contribution is escalated once, whatever the number of replicas.
func (s *Store) ClaimEscalations(ctx context.Context, createdBefore time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var jobs []string
		err := tx.SelectContext(ctx, &jobs, claimEscalationsSQL, createdBefore, s.clock.Now(), limit)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		ids = ids[:0]
		for _, j := range jobs {
			id, err := strconv.ParseInt(strings.TrimPrefix(j, "escalate:"), 10, 64)
			if err != nil {
				return fmt.Errorf("job %q: %w", j, err)
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil
		}
		slices.Sort(ids)
		// Each contribution is claimed once, so the first id names this notice uniquely.
		it, err := NewOutboxItem(OutboxSlackNotice, fmt.Sprintf("escalation:%d", ids[0]), 0, 0,
			Notice{Type: NoticeEscalation, ContributionIDs: ids})
		if err != nil {
			return err
		}
		return s.enqueueAll(ctx, tx, []OutboxItem{it})
	})
	if err != nil {
		return nil, fmt.Errorf("store: escalations: %w", err)
	}
	return ids, nil
}

// enqueueAll queues items in tx and wakes the workers when any was new.
func (s *Store) enqueueAll(ctx context.Context, tx *sqlx.Tx, items []OutboxItem) error {
	queued := false
	for _, it := range items {
		if len(it.Payload) > 0 && !json.Valid(it.Payload) {
			return fmt.Errorf("enqueue %s: payload is not JSON", it.IdempotencyKey)
		}
		created, err := s.enqueue(ctx, tx, it)
		if err != nil {
			return err
		}
		queued = queued || created
	}
	if !queued {
		return nil
	}
	return notifyOutbox(ctx, tx)
}

// slackFilePrefix names the job_runs rows that remember an uploaded Slack file:
// "slack-file:NAME:ID", last_run_at being when it was uploaded.
const slackFilePrefix = "slack-file:"

const (
	claimEverySQL = `INSERT INTO job_runs (job, last_run_at) VALUES ($1, $2)
			ON CONFLICT (job) DO UPDATE SET last_run_at = EXCLUDED.last_run_at
				WHERE job_runs.last_run_at <= $3
			RETURNING job`
	slackFileSQL = `SELECT job, last_run_at FROM job_runs WHERE starts_with(job, $1)
			ORDER BY last_run_at DESC, job DESC LIMIT 1`
	saveSlackFileSQL = `WITH gone AS (DELETE FROM job_runs WHERE starts_with(job, $1) AND job <> $2)
			INSERT INTO job_runs (job, last_run_at) VALUES ($2, $3)
			ON CONFLICT (job) DO UPDATE SET last_run_at = EXCLUDED.last_run_at`
)

// ClaimEvery records that job runs at at, unless it last ran less than every before:
// across replicas, at most one caller claims it in any such interval. It reports whether
// this one did.
func (s *Store) ClaimEvery(ctx context.Context, job string, at time.Time, every time.Duration) (bool, error) {
	var got string
	err := s.db.GetContext(ctx, &got, claimEverySQL, job, at, at.Add(-every))
	if err == errNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: claim %s: %w", job, err)
	}
	return true, nil
}

// SlackFile is the Slack file last saved under name (SaveSlackFile) and when it was
// uploaded; ErrNotFound when there is none.
func (s *Store) SlackFile(ctx context.Context, name string) (string, time.Time, error) {
	var row struct {
		Job string    `db:"job"`
		At  time.Time `db:"last_run_at"`
	}
	prefix := slackFilePrefix + name + ":"
	if err := s.db.GetContext(ctx, &row, slackFileSQL, prefix); err != nil {
		return "", time.Time{}, fmt.Errorf("store: slack file %s: %w", name, notFound(err))
	}
	return strings.TrimPrefix(row.Job, prefix), row.At, nil
}

// SaveSlackFile remembers the Slack file id uploaded at at under name, in place of the
// one before.
func (s *Store) SaveSlackFile(ctx context.Context, name, id string, at time.Time) error {
	prefix := slackFilePrefix + name + ":"
	if _, err := s.db.ExecContext(ctx, saveSlackFileSQL, prefix, prefix+id, at); err != nil {
		return fmt.Errorf("store: save slack file %s: %w", name, err)
	}
	return nil
}
