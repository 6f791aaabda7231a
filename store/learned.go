package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
)

// The desk teaches the intake: each classification a secretariat member confirms is
// kept (confirmed_classifications, one row per contribution), and a new contribution
// from the same sender, the same organisation or the same domain is suggested what was
// confirmed before. The evidence only ever changes suggestions (the *_suggested
// columns of a new contribution); what a person confirmed is never touched.

const learnClassificationSQL = `INSERT INTO confirmed_classifications
		(contribution_id, sender, domain, organisation_key, organisation, kind, stakeholder_type, confirmed_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
	ON CONFLICT (contribution_id) DO UPDATE SET sender = EXCLUDED.sender, domain = EXCLUDED.domain,
		organisation_key = EXCLUDED.organisation_key, organisation = EXCLUDED.organisation, kind = EXCLUDED.kind,
		stakeholder_type = EXCLUDED.stakeholder_type, confirmed_at = EXCLUDED.confirmed_at`

// prefetchLearnedSQL counts, for the senders ($1), domains ($2) and organisation keys
// ($3) of a batch, the classifications confirmed for each, by kind, stakeholder type
// and organisation.
const prefetchLearnedSQL = `SELECT 'sender' AS source, sender AS key, kind, stakeholder_type, organisation, count(*) AS n
		FROM confirmed_classifications WHERE sender = ANY($1::text[])
		GROUP BY sender, kind, stakeholder_type, organisation
	UNION ALL
	SELECT 'domain', domain, kind, stakeholder_type, organisation, count(*)
		FROM confirmed_classifications WHERE domain = ANY($2::text[])
		GROUP BY domain, kind, stakeholder_type, organisation
	UNION ALL
	SELECT 'organisation', organisation_key, kind, stakeholder_type, organisation, count(*)
		FROM confirmed_classifications WHERE organisation_key = ANY($3::text[]) AND organisation_key <> ''
		GROUP BY organisation_key, kind, stakeholder_type, organisation`

// learnTx keeps what was confirmed for contribution c (its contact, domain and the
// confirmed organisation), replacing an earlier classification of it.
func learnTx(ctx context.Context, tx *sqlx.Tx, c Contribution, kind ContributionKind, stakeholderType, organisation string, now time.Time) error {
	sender := strings.ToLower(strings.TrimSpace(c.FromEmail))
	_, domain, _ := strings.Cut(sender, "@")
	if _, err := tx.ExecContext(ctx, learnClassificationSQL, c.ID, sender, domain, OrganisationKey(organisation),
		organisation, string(kind), stakeholderType, now); err != nil {
		return fmt.Errorf("learn classification: %w", err)
	}
	return nil
}

// OrganisationKey is an organisation's name folded for comparison: lower-case letters
// and digits only ("Digital Rights Foundation" and "digital-rights foundation" are one).
func OrganisationKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// learnedRow is a count of confirmed classifications of one sender, domain or
// organisation.
type learnedRow struct {
	Source          string `db:"source"` // sender, domain or organisation
	Key             string `db:"key"`
	Kind            string `db:"kind"`
	StakeholderType string `db:"stakeholder_type"`
	Organisation    string `db:"organisation"`
	N               int    `db:"n"`
}

// learned is the desk's evidence for a batch, by source and key.
type learned map[string][]learnedRow

// prefetchLearned reads, in one statement, the classifications confirmed for the
// senders, domains (given by the intake, only those that say who writes) and suggested
// organisations of the batch's new mail.
func (s *Store) prefetchLearned(ctx context.Context, tx *sqlx.Tx, b IngestBatch, bc *batchContext) error {
	var senders, domains, orgs []string
	for i := range b.Messages {
		m := &b.Messages[i]
		if m.Kind != MsgContribution && m.Kind != "" { // "": a message promoted by hand
			continue
		}
		if from := strings.ToLower(strings.TrimSpace(m.FromEmail)); from != "" {
			senders = append(senders, from)
		}
		if d := strings.ToLower(strings.TrimSpace(m.Suggestion.Domain)); d != "" {
			domains = append(domains, d)
		}
		if k := OrganisationKey(m.Suggestion.Organisation); k != "" {
			orgs = append(orgs, k)
		}
	}
	bc.learned = learned{}
	if len(senders)+len(domains)+len(orgs) == 0 {
		return nil
	}
	var rows []learnedRow
	if err := s.selectPrepared(ctx, tx, &rows, prefetchLearnedSQL, textArray(senders), textArray(domains), textArray(orgs)); err != nil {
		return fmt.Errorf("confirmed classifications: %w", err)
	}
	for _, r := range rows {
		k := r.Source + "\x00" + r.Key
		bc.learned[k] = append(bc.learned[k], r)
	}
	return nil
}

// learnedSource is one place the desk's evidence comes from, as the card names it.
type learnedSource struct {
	rows  []learnedRow
	label string // the address, the organisation or the domain
}

// majority is the value most of the rows give (value(row) non-empty), with its count,
// when it is more than half of them and at least min; else "".
func (src learnedSource) majority(value func(learnedRow) string, least int) (string, int) {
	counts := map[string]int{}
	total := 0
	for _, r := range src.rows {
		if v := value(r); v != "" {
			counts[v] += r.N
			total += r.N
		}
	}
	best, n := "", 0
	for v, c := range counts {
		if c > n || c == n && v < best {
			best, n = v, c
		}
	}
	if n < least || 2*n <= total {
		return "", 0
	}
	return best, n
}

func earlier(n int, label, verb string) string {
	if n == 1 {
		return fmt.Sprintf("1 earlier contribution from %s was confirmed %s", label, verb)
	}
	return fmt.Sprintf("%d earlier contributions from %s were confirmed %s", n, label, verb)
}

// applyLearned changes the suggestions of c, a new contribution made of m, by what the
// desk confirmed for earlier mail: the organisation confirmed for the same sender (else,
// twice or more, for the same domain); the stakeholder type confirmed for the same
// sender, else the same organisation, else the same domain; and the kind confirmed
// twice or more for the same sender, when the text named none and recognised no notice. The reasons say so,
// first, for the card.
func (bc *batchContext) applyLearned(m *Inbound, c *newContribution) {
	if len(bc.learned) == 0 {
		return
	}
	sender := strings.ToLower(strings.TrimSpace(m.FromEmail))
	domain := strings.ToLower(strings.TrimSpace(m.Suggestion.Domain))
	bySender := learnedSource{bc.learned["sender\x00"+sender], sender}
	byDomain := learnedSource{bc.learned["domain\x00"+domain], domain}
	if sender == "" {
		bySender.rows = nil
	}
	if domain == "" {
		byDomain.rows = nil
	}
	var reasons []string
	replace := func(prefix, reason string) {
		c.reasons = slicesDeletePrefix(c.reasons, prefix)
		reasons = append(reasons, reason)
	}

	organisation := func(r learnedRow) string { return r.Organisation }
	for _, src := range []struct {
		learnedSource
		least int
	}{{bySender, 1}, {byDomain, 2}} {
		if org, n := src.majority(organisation, src.least); org != "" {
			if org != c.organisation {
				replace("organisation:", "organisation: "+org+" ("+earlier(n, src.label, "with it")+")")
				c.organisation = org
			}
			break
		}
	}

	byOrg := learnedSource{bc.learned["organisation\x00"+OrganisationKey(c.organisation)], c.organisation}
	if OrganisationKey(c.organisation) == "" {
		byOrg.rows = nil
	}
	stakeholder := func(r learnedRow) string { return r.StakeholderType }
	for _, src := range []learnedSource{bySender, byOrg, byDomain} {
		if st, n := src.majority(stakeholder, 1); st != "" && ValidStakeholderType(st) {
			replace("stakeholder ", "stakeholder "+st+": "+earlier(n, src.label, "as "+st))
			c.stakeholderType = st
			break
		}
	}

	// A kind the text named stays; so does "other" for a notice the text recognised
	// (a press release, an invitation: "kind other: no contribution: …").
	notice := slices.ContainsFunc(c.reasons, func(r string) bool { return strings.HasPrefix(r, "kind other: no contribution") })
	if c.kind == "" || c.kind == KindOther && !notice {
		kind := func(r learnedRow) string { return r.Kind }
		if k, n := bySender.majority(kind, 2); k != "" && ValidKind(ContributionKind(k)) && ContributionKind(k) != c.kind {
			replace("kind ", "kind "+k+": "+earlier(n, bySender.label, "as "+k))
			c.kind = ContributionKind(k)
			c.deadline = bc.phases.DeadlineFor(c.kind, c.received)
		}
	}
	if len(reasons) > 0 {
		c.reasons = append(reasons, c.reasons...)
	}
}

// slicesDeletePrefix drops the reasons that start with prefix.
func slicesDeletePrefix(reasons []string, prefix string) []string {
	out := make([]string, 0, len(reasons))
	for _, r := range reasons {
		if !strings.HasPrefix(r, prefix) {
			out = append(out, r)
		}
	}
	return out
}
