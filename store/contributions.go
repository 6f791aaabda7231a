package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Status of a contribution.
type Status string

// The status lifecycle: received → taken → classified → closed (with an outcome).
const (
	StatusReceived   Status = "received"
	StatusTaken      Status = "acknowledged" // taken by a staff member (the stored value keeps its first name)
	StatusClassified Status = "classified"
	StatusClosed     Status = "closed"
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []Status{StatusReceived, StatusTaken, StatusClassified, StatusClosed}

// Outcomes a contribution can be closed with.
const (
	OutcomeAccepted  = "accepted"
	OutcomeDeclined  = "declined"
	OutcomeSpam      = "spam"
	OutcomeDuplicate = "duplicate"
)

// Outcomes lists the closing outcomes.
var Outcomes = []string{OutcomeAccepted, OutcomeDeclined, OutcomeSpam, OutcomeDuplicate}

// Actions that change a contribution; each is an event in the audit trail.
const (
	ActionReceive = "receive"
	// ActionTake: a member took the contribution (the card's Take button); it
	// becomes theirs. The stakeholder's acknowledgement is mail: ActionAckSent.
	ActionTake          = "acknowledge" // a staff member took it (the stored value keeps its first name)
	ActionClassify      = "classify"
	ActionClose         = "close"
	ActionReopen        = "reopen"
	ActionAssign        = "assign"
	ActionFollowUp      = "follow_up"
	ActionReply         = "reply"
	ActionAckSent       = "ack_sent"
	ActionAckSuppressed = "ack_suppressed"
	ActionAckFailed     = "ack_failed"
	ActionBounce        = "bounce"
	ActionCardPosted    = "card_posted"
	// ActionCopyLinked: an earlier copy of the contribution's message, sorted away
	// (a mailing list's copy, say), was linked to it.
	ActionCopyLinked = "copy_linked"
	// ActionPromote: a secretariat member said a message sorted away is a contribution.
	ActionPromote = "promote"
)

// Acknowledgement states of a contribution.
const (
	AckPending    = "pending"
	AckSent       = "sent"
	AckSuppressed = "suppressed"
	AckFailed     = "failed"
)

// ErrTransition is returned for a status change the lifecycle does not allow.
type ErrTransition struct {
	Action string
	From   Status
	Why    string
}

func (e *ErrTransition) Error() string {
	return fmt.Sprintf("store: cannot %s a contribution that is %s: %s", e.Action, e.From, e.Why)
}

// IsTransitionError reports whether err is a refused status change.
func IsTransitionError(err error) bool {
	var te *ErrTransition
	return errors.As(err, &te)
}

// nextStatus is the whole status lifecycle: what action takes a contribution from
// status from to which status. Everything that changes a status goes through it.
func nextStatus(action string, from Status, outcome string, hasAssignee bool) (Status, error) {
	refuse := func(why string) (Status, error) {
		return from, &ErrTransition{Action: action, From: from, Why: why}
	}
	switch action {
	case ActionTake:
		if from == StatusReceived {
			return StatusTaken, nil
		}
		return refuse("only a received contribution can be taken")
	case ActionClassify:
		switch from {
		case StatusTaken, StatusClassified:
			return StatusClassified, nil
		case StatusReceived:
			return refuse("take it first")
		}
		return refuse("reopen it first")
	case ActionClose:
		if from == StatusClosed {
			return refuse("it is already closed")
		}
		switch outcome {
		case OutcomeSpam, OutcomeDuplicate:
			return StatusClosed, nil
		case OutcomeAccepted, OutcomeDeclined:
			if from == StatusClassified {
				return StatusClosed, nil
			}
			return refuse("classify it before it is " + outcome)
		}
		return refuse(fmt.Sprintf("unknown outcome %q", outcome))
	case ActionReopen:
		if from != StatusClosed {
			return refuse("only a closed contribution can be reopened")
		}
		if hasAssignee {
			return StatusTaken, nil
		}
		return StatusReceived, nil
	}
	return refuse("unknown action")
}

// Contribution is one contribution to the consultation.
type Contribution struct {
	ID                       int64             `db:"id" json:"-"`
	Ref                      string            `db:"ref" json:"ref"`
	Status                   Status            `db:"status" json:"status"`
	Outcome                  *string           `db:"outcome" json:"outcome"`
	Kind                     *ContributionKind `db:"kind" json:"kind"`
	KindSuggested            *ContributionKind `db:"kind_suggested" json:"kind_suggested"`
	StakeholderType          *string           `db:"stakeholder_type" json:"stakeholder_type"`
	StakeholderTypeSuggested *string           `db:"stakeholder_type_suggested" json:"stakeholder_type_suggested"`
	ActionLines              pq.StringArray    `db:"action_lines" json:"action_lines"`
	ActionLinesSuggested     pq.StringArray    `db:"action_lines_suggested" json:"action_lines_suggested"`
	SDGs                     pq.Int64Array     `db:"sdgs" json:"sdgs"`
	Language                 string            `db:"language" json:"language"`
	FromName                 string            `db:"from_name" json:"from_name"`
	FromEmail                string            `db:"from_email" json:"from_email"`
	Organisation             string            `db:"organisation" json:"organisation"`
	OrganisationSuggested    string            `db:"organisation_suggested" json:"organisation_suggested"`
	SuggestionReasons        pq.StringArray    `db:"suggestion_reasons" json:"-"`
	Subject                  string            `db:"subject" json:"subject"`
	ReceivedAt               time.Time         `db:"received_at" json:"received_at"`
	DeadlineName             string            `db:"deadline_name" json:"deadline_name"`
	DeadlineAt               *time.Time        `db:"deadline_at" json:"deadline"`
	Late                     bool              `db:"late" json:"late"`
	Assignee                 string            `db:"assignee" json:"assignee"`
	RevisionOfSuggested      *int64            `db:"revision_of_suggested" json:"-"`
	RevisionOf               *int64            `db:"revision_of" json:"-"` // the earlier contribution this one revises (revisions.go)
	History                  bool              `db:"history" json:"history"`
	AckStatus                string            `db:"ack_status" json:"ack_status"`
	AckSuppressedReason      string            `db:"ack_suppressed_reason" json:"ack_suppressed_reason"`
	AckSentAt                *time.Time        `db:"ack_sent_at" json:"ack_sent_at"`
	AckError                 string            `db:"ack_error" json:"ack_error"`
	SlackChannel             string            `db:"slack_channel" json:"slack_channel"`
	SlackTS                  string            `db:"slack_ts" json:"slack_ts"`
	CreatedAt                time.Time         `db:"created_at" json:"created_at"`
	UpdatedAt                time.Time         `db:"updated_at" json:"updated_at"`
	// MailboxName is the configured mailbox its first message came to ("main",
	// "workshops"); its acknowledgement and replies go out from that mailbox's address.
	MailboxName string `db:"mailbox_name" json:"mailbox"`
}

// EffectiveKind is the confirmed kind, else the suggested one, else "".
func (c *Contribution) EffectiveKind() ContributionKind {
	if c.Kind != nil {
		return *c.Kind
	}
	if c.KindSuggested != nil {
		return *c.KindSuggested
	}
	return ""
}

// EffectiveStakeholderType is the confirmed stakeholder type, else the suggested one.
func (c *Contribution) EffectiveStakeholderType() string {
	if c.StakeholderType != nil {
		return *c.StakeholderType
	}
	if c.StakeholderTypeSuggested != nil {
		return *c.StakeholderTypeSuggested
	}
	return ""
}

const contributionColumns = `id, ref, status, outcome, kind, kind_suggested, stakeholder_type,
	stakeholder_type_suggested, action_lines, action_lines_suggested, sdgs, language, from_name,
	from_email, organisation, organisation_suggested, suggestion_reasons, subject, received_at, deadline_name,
	deadline_at, late, assignee, revision_of_suggested, revision_of, history, ack_status, ack_suppressed_reason,
	ack_sent_at, ack_error, slack_channel, slack_ts, created_at, updated_at, mailbox_name`

// Event is one entry of the append-only audit trail.
type Event struct {
	ID             int64           `db:"id" json:"-"`
	ContributionID *int64          `db:"contribution_id" json:"-"`
	At             time.Time       `db:"at" json:"at"`
	Actor          string          `db:"actor" json:"actor"`
	Action         string          `db:"action" json:"action"`
	OldStatus      string          `db:"old_status" json:"old_status,omitempty"`
	NewStatus      string          `db:"new_status" json:"new_status,omitempty"`
	Details        json.RawMessage `db:"details" json:"details,omitempty"`
}

// ActorSystem is the actor of what wsisbot does by itself.
const ActorSystem = "wsisbot"

// An event's actor is one of three, told apart here and nowhere else: a Slack user,
// stored as "slack:" and the user's ID (SlackActor); wsisbot itself (ActorSystem); or a
// sender's address (receive, follow_up). Only a Slack user is ever shown as a mention:
// every other actor is text, whatever it looks like.
const slackActorPrefix = "slack:"

// SlackActor is the actor of what the Slack user with this ID did ("" for none).
func SlackActor(userID string) string {
	if userID == "" {
		return ""
	}
	return slackActorPrefix + userID
}

var slackUserIDRE = regexp.MustCompile(`^[UW][A-Z0-9]+$`)

// IsSlackUserID reports whether id has the form of a Slack user ID (U…, or W… in an
// Enterprise Grid).
func IsSlackUserID(id string) bool { return slackUserIDRE.MatchString(id) }

// deskActions are what only members of the secretariat do, in Slack.
var deskActions = map[string]bool{ActionTake: true, ActionAssign: true, ActionClassify: true, ActionClose: true,
	ActionReopen: true, ActionReply: true, ActionPromote: true}

// SlackUser returns the ID of the Slack user who did e, and false when e's actor is not a
// Slack user (a sender's address, wsisbot, a name). Events written before actors were
// typed name a member by the bare ID; the audit trail is append-only, so they stay so,
// and a bare ID counts only as the actor of a desk action, never of mail received.
func (e Event) SlackUser() (string, bool) {
	if e.Action == ActionReceive || e.Action == ActionFollowUp {
		return "", false // the actor of mail received is its sender's address
	}
	if id, ok := strings.CutPrefix(e.Actor, slackActorPrefix); ok {
		return id, IsSlackUserID(id)
	}
	if deskActions[e.Action] && IsSlackUserID(e.Actor) {
		return e.Actor, true
	}
	return "", false
}

func (s *Store) insertEvent(ctx context.Context, tx *sqlx.Tx, contributionID int64, actor, action string, oldS, newS Status, details any) (int64, error) {
	d := []byte("{}")
	if details != nil {
		var err error
		if d, err = json.Marshal(details); err != nil {
			return 0, fmt.Errorf("event details: %w", err)
		}
	}
	st, err := s.stmt(ctx, tx, insertEventSQL)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowxContext(ctx, eventValues(contributionID, s.clock.Now(), CleanText(actor), action, oldS, newS, string(d))...).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert event: %w", err)
	}
	return id, nil
}

// AddEvent appends an event about contribution id (0 for none) outside any status change.
func (s *Store) AddEvent(ctx context.Context, contributionID int64, actor, action string, details any) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.insertEvent(ctx, tx, contributionID, actor, action, "", "", details)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add event: %w", err)
	}
	return nil
}

const contributionSQL = `SELECT ` + contributionColumns + ` FROM contributions WHERE id = $1`

// Contribution returns the contribution with the given id.
func (s *Store) Contribution(ctx context.Context, id int64) (Contribution, error) {
	var c Contribution
	err := s.dbGet(ctx, &c, contributionSQL, id)
	if err != nil {
		return c, fmt.Errorf("store: contribution %d: %w", id, notFound(err))
	}
	return c, nil
}

const contributionByRefSQL = `SELECT ` + contributionColumns + ` FROM contributions WHERE ref = $1`

// ContributionByRef returns the contribution with reference number ref (any case).
func (s *Store) ContributionByRef(ctx context.Context, ref string) (Contribution, error) {
	var c Contribution
	err := s.db.GetContext(ctx, &c, contributionByRefSQL, strings.ToUpper(strings.TrimSpace(ref)))
	if err != nil {
		return c, fmt.Errorf("store: contribution %s: %w", ref, notFound(err))
	}
	return c, nil
}

const lockContributionSQL = `SELECT ` + contributionColumns + ` FROM contributions WHERE id = $1 FOR UPDATE`

func lockContribution(ctx context.Context, tx *sqlx.Tx, id int64) (Contribution, error) {
	var c Contribution
	err := tx.GetContext(ctx, &c, lockContributionSQL, id)
	if err != nil {
		return c, notFound(err)
	}
	return c, nil
}

const changeStatusSQL = `UPDATE contributions SET status = $2, outcome = $3, updated_at = $4 WHERE id = $1`

// change runs one action on a contribution in a transaction: lock the row, compute the
// new status through the lifecycle, let apply write its columns, record the event and
// queue the card update. It returns the contribution as it is afterwards.
func (s *Store) change(ctx context.Context, id int64, actor, action, outcome string, details map[string]any,
	apply func(tx *sqlx.Tx, c *Contribution, to Status) error) (Contribution, error) {
	var out Contribution
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := lockContribution(ctx, tx, id)
		if err != nil {
			return err
		}
		to := c.Status
		if action != ActionAssign {
			if to, err = nextStatus(action, c.Status, outcome, c.Assignee != ""); err != nil {
				return err
			}
		} else if c.Status == StatusClosed {
			return &ErrTransition{Action: action, From: c.Status, Why: "reopen it first"}
		}
		// Status and outcome change together: a closed contribution has an outcome, an
		// open one has none.
		var newOutcome *string
		switch {
		case to == StatusClosed && action == ActionClose:
			newOutcome = &outcome
		case to == StatusClosed:
			newOutcome = c.Outcome
		}
		if _, err := tx.ExecContext(ctx, changeStatusSQL, id, string(to), newOutcome, s.clock.Now()); err != nil {
			return fmt.Errorf("update status: %w", err)
		}
		if err := apply(tx, &c, to); err != nil {
			return err
		}
		evID, err := s.insertEvent(ctx, tx, id, actor, action, c.Status, to, details)
		if err != nil {
			return err
		}
		if err := s.enqueueCardUpdate(ctx, tx, id, evID); err != nil {
			return err
		}
		if err := notifyOutbox(ctx, tx); err != nil {
			return err
		}
		out, err = lockContribution(ctx, tx, id)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store: %s %d: %w", action, id, err)
	}
	return out, nil
}

const setAssigneeSQL = `UPDATE contributions SET assignee = $2 WHERE id = $1`

// Take records that the Slack user took the contribution: received → taken (stored as
// "acknowledged", the status's name before staff "took" contributions). The
// user becomes the assignee unless someone already is.
func (s *Store) Take(ctx context.Context, id int64, user string) (Contribution, error) {
	return s.change(ctx, id, SlackActor(user), ActionTake, "", nil, func(tx *sqlx.Tx, c *Contribution, _ Status) error {
		if c.Assignee != "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, setAssigneeSQL, id, CleanText(user))
		return err
	})
}

// Assign: the Slack user makes assignee (a Slack user ID) responsible for the
// contribution; the status does not change.
func (s *Store) Assign(ctx context.Context, id int64, user, assignee string) (Contribution, error) {
	return s.change(ctx, id, SlackActor(user), ActionAssign, "", map[string]any{"assignee": assignee}, func(tx *sqlx.Tx, c *Contribution, _ Status) error {
		if _, err := tx.ExecContext(ctx, setAssigneeSQL, id, CleanText(assignee)); err != nil {
			return err
		}
		if c.Assignee == assignee {
			return nil
		}
		return s.queueAssignedDM(ctx, tx, id, user, assignee)
	})
}

// Classification is what a secretariat member confirms about a contribution.
type Classification struct {
	Kind            ContributionKind `json:"kind"`
	StakeholderType string           `json:"stakeholder_type"`
	ActionLines     []string         `json:"action_lines"`
	SDGs            []int64          `json:"sdgs"`
	Organisation    string           `json:"organisation,omitempty"`
}

// Validate checks every code against the consultation's lists.
func (cl Classification) Validate() error {
	if !ValidKind(cl.Kind) {
		return fmt.Errorf("unknown kind %q", cl.Kind)
	}
	if !ValidStakeholderType(cl.StakeholderType) {
		return fmt.Errorf("unknown stakeholder type %q", cl.StakeholderType)
	}
	for _, a := range cl.ActionLines {
		if !ValidActionLine(a) {
			return fmt.Errorf("unknown action line %q", a)
		}
	}
	for _, g := range cl.SDGs {
		if g < 1 || g > 17 {
			return fmt.Errorf("unknown SDG %d", g)
		}
	}
	return nil
}

const classifySQL = `UPDATE contributions SET kind = $2, stakeholder_type = $3, action_lines = $4,
			sdgs = $5, organisation = $6, deadline_name = $7, deadline_at = $8, late = $9 WHERE id = $1`

// Classify confirms kind, stakeholder type, action lines and SDGs: acknowledged or
// classified → classified, by the Slack user. The deadline is recomputed for the
// confirmed kind.
func (s *Store) Classify(ctx context.Context, id int64, user string, cl Classification) (Contribution, error) {
	if err := cl.Validate(); err != nil {
		return Contribution{}, fmt.Errorf("store: classify %d: %w", id, err)
	}
	lines := slices.Clone(cl.ActionLines)
	slices.Sort(lines)
	lines = slices.Compact(lines)
	sdgs := slices.Clone(cl.SDGs)
	slices.Sort(sdgs)
	sdgs = slices.Compact(sdgs)
	details := map[string]any{"kind": cl.Kind, "stakeholder_type": cl.StakeholderType, "action_lines": lines, "sdgs": sdgs}
	return s.change(ctx, id, SlackActor(user), ActionClassify, "", details, func(tx *sqlx.Tx, c *Contribution, _ Status) error {
		d := s.phases.DeadlineFor(cl.Kind, c.ReceivedAt)
		org := c.Organisation
		if cl.Organisation != "" {
			org = CleanText(cl.Organisation)
		}
		if _, err := tx.ExecContext(ctx, classifySQL,
			id, cl.Kind, cl.StakeholderType, pqStrings(lines), pq.Int64Array(append([]int64{}, sdgs...)), org,
			d.Name, d.LastInstant(), d.IsLate(c.ReceivedAt)); err != nil {
			return err
		}
		return learnTx(ctx, tx, *c, cl.Kind, cl.StakeholderType, org, s.clock.Now())
	})
}

// CloseContribution: the Slack user closes the contribution with an outcome (accepted,
// declined, spam, duplicate).
func (s *Store) CloseContribution(ctx context.Context, id int64, user, outcome, note string) (Contribution, error) {
	details := map[string]any{"outcome": outcome}
	if note != "" {
		details["note"] = note
	}
	return s.change(ctx, id, SlackActor(user), ActionClose, outcome, details, func(*sqlx.Tx, *Contribution, Status) error { return nil })
}

// Reopen: the Slack user reopens a closed contribution; a reason is required.
func (s *Store) Reopen(ctx context.Context, id int64, user, reason string) (Contribution, error) {
	if strings.TrimSpace(reason) == "" {
		return Contribution{}, fmt.Errorf("store: reopen %d: a reason is required", id)
	}
	return s.change(ctx, id, SlackActor(user), ActionReopen, "", map[string]any{"reason": reason}, func(*sqlx.Tx, *Contribution, Status) error { return nil })
}

const reopenSQL = `UPDATE contributions SET status = $2, outcome = NULL, updated_at = $3 WHERE id = $1`

// reopenTx reopens a closed contribution inside an existing transaction (a follow-up
// arrived). It does nothing to a contribution that is not closed.
func (s *Store) reopenTx(ctx context.Context, tx *sqlx.Tx, c Contribution, actor, reason string) error {
	if c.Status != StatusClosed {
		return nil
	}
	to, err := nextStatus(ActionReopen, c.Status, "", c.Assignee != "")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, reopenSQL, c.ID, string(to), s.clock.Now()); err != nil {
		return fmt.Errorf("reopen: %w", err)
	}
	_, err = s.insertEvent(ctx, tx, c.ID, actor, ActionReopen, c.Status, to, map[string]any{"reason": reason})
	return err
}

const eventsSQL = `SELECT id, contribution_id, at, actor, action, old_status, new_status, details
		FROM events WHERE contribution_id = $1 ORDER BY id`

// Events returns the audit trail of a contribution, oldest first.
func (s *Store) Events(ctx context.Context, contributionID int64) ([]Event, error) {
	var evs []Event
	err := s.db.SelectContext(ctx, &evs, eventsSQL, contributionID)
	if err != nil {
		return nil, fmt.Errorf("store: events %d: %w", contributionID, err)
	}
	return evs, nil
}

// The columns the writer (ingest_write.go) writes, in the order of the rows made for them.
var (
	contributionsTable = table{"contributions", []string{"seq", "ref", "kind_suggested", "stakeholder_type_suggested",
		"action_lines_suggested", "language", "from_name", "from_email", "organisation_suggested", "subject", "received_at",
		"deadline_name", "deadline_at", "late", "revision_of_suggested", "history", "ack_status", "ack_suppressed_reason",
		"created_at", "updated_at", "suggestion_reasons", "mailbox_name"}}
	eventsTable = table{"events", []string{"contribution_id", "at", "actor", "action", "old_status", "new_status", "details"}}
)

// contributionValues is the contributions row of c, made of m; seq and ref are set when
// the reference number is allocated.
func contributionValues(c newContribution, m *Inbound) []any {
	return appendContributionValues(make([]any, 0, len(contributionsTable.columns)), c, m)
}

// appendContributionValues appends the values of contributionValues to dst (the id, say).
func appendContributionValues(dst []any, c newContribution, m *Inbound) []any {
	return append(dst, nil, nil, nullString(string(c.kind)), nullString(c.stakeholderType), textArray(c.lines), m.Language,
		m.FromName, m.FromEmail, c.organisation, m.Subject, c.received, c.deadline.Name, c.deadline.LastInstant(),
		c.deadline.IsLate(c.received), c.revisionOf, c.history, c.ackStatus, c.reason, c.now, c.now, textArray(c.reasons), m.MailboxName)
}

func eventValues(cid int64, at time.Time, actor, action string, oldS, newS Status, details string) []any {
	return []any{optionalID(cid), at, actor, action, string(oldS), string(newS), details}
}
