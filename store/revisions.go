package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Resubmissions. A stakeholder often sends a corrected version of what they sent before:
// the intake suggests that a new contribution revises an earlier one from the same
// sender (revision_of_suggested), and the card asks the secretariat. "Mark as revision"
// links them (revision_of; the earlier one is then shown as superseded), "Separate
// contribution" dismisses the hint. Either clears the suggestion and is recorded in the
// audit trail of both contributions where they are linked.

// Actions of the audit trail about resubmissions.
const (
	// ActionRevisionMarked: a member confirmed that the contribution revises an
	// earlier one (details: revision_of, revision_of_ref).
	ActionRevisionMarked = "revision_marked"
	// ActionSuperseded: the contribution was superseded by a revision of it (details:
	// by, by_ref).
	ActionSuperseded = "superseded"
	// ActionRevisionDismissed: a member said the contribution is not a revision of
	// the one suggested (details: revision_of_suggested, ref).
	ActionRevisionDismissed = "revision_dismissed"
)

// ErrNoRevisionHint is returned when a contribution has no revision hint to decide on.
var ErrNoRevisionHint = errors.New("store: the contribution has no revision hint to decide on")

// revisionWords say in a subject or a file name that it is a new version, in the six
// languages: "revised", "révisée", "v2", "updated", "corrected", "final"…
var revisionWords = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(revised|revision|rev\.?\s?\d*|updated?|corrected|amended|new version|final|` +
	`v\.?\s?\d+|version\s?\d+|r[ée]vis[ée]e?s?|mise à jour|actualis[ée]e?s?|corrig[ée]e?s?|modifi[ée]e?s?|nouvelle version|` +
	`revisad[oa]s?|actualizad[oa]s?|corregid[oa]s?|nueva versi[oó]n|` +
	`исправленн\p{L}*|обновленн\p{L}*|пересмотренн\p{L}*|новая версия)(?:$|[^\p{L}\p{N}])|` +
	`المعدل\p{L}*|المحدث\p{L}*|المنقح\p{L}*|معدل\p{L}*|محدث\p{L}*|منقح\p{L}*|` +
	`修订\p{Han}?|修改稿|更新版?|最新版|定稿`)

// subjectPrefixes are the reply and forward prefixes of mailers in the six languages.
var subjectPrefixes = regexp.MustCompile(`(?i)^\s*((re|fw|fwd|tr|rv|ri|aw|sv|vs|wg|ответ|отв|пересл|رد|إعادة توجيه|回复|答复|转发)\s*(\[\d+\])?\s*[:：]\s*)+`)

// The regexps above are slow on a long subject (a backtracking search at each of its
// letters) and find nothing in most subjects. Each runs only when a cheap test over s
// folded (see foldRune) says it may match: mayHavePrefix for subjectPrefixes,
// mayRevise for revisionWords. The tests look for what every match of the regexp
// holds, so that skipping the regexp never changes an answer.

// prefixStarts are the first letters of subjectPrefixes' words, folded.
var prefixStarts = foldString("rftasvwопرإ回答转")

// mayHavePrefix reports whether subjectPrefixes may match s: after ASCII spaces (its
// \s), one of its words' first letters, and a colon further on.
func mayHavePrefix(s string) bool {
	t := strings.TrimLeft(s, "\t\n\f\r ")
	if t == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t)
	return strings.ContainsRune(prefixStarts, foldRune(r)) && strings.ContainsAny(t, ":：")
}

// revisionStems are, folded, parts of revisionWords' words: each of its matches holds
// one of them, or a "v" followed by a dot, a space or a digit (see mayRevise).
var revisionStems = func() []string {
	stems := []string{"rev", "vis", "versi", "updat", "corr", "amended", "final", "mise à jour", "actuali", "modifi",
		"исправленн", "обновленн", "пересмотренн", "новая версия",
		"معدل", "محدث", "منقح",
		"修订", "修改稿", "更新", "最新版", "定稿"}
	for i, st := range stems {
		stems[i] = foldString(st)
	}
	return stems
}()

// mayRevise reports whether revisionWords may match s.
func mayRevise(s string) bool {
	f := foldString(s)
	for _, st := range revisionStems {
		if strings.Contains(f, st) {
			return true
		}
	}
	// v\.?\s?\d+ ("v2", "V.3", "v 4"): a V followed by a dot, an ASCII space or a digit.
	for i := strings.IndexByte(f, 'V'); i >= 0 && i+1 < len(f); {
		if strings.IndexByte(".\t\n\f\r 0123456789", f[i+1]) >= 0 {
			return true
		}
		j := strings.IndexByte(f[i+1:], 'V')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// foldRune is the rune that stands for r's case: the least of the runes that case
// folding (unicode.SimpleFold) makes equal to r, which (?i) in a regexp matches alike
// ("k", "K" and the Kelvin sign are "K"; "s", "S" and "ſ" are "S").
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// foldString is s with each rune folded (see foldRune).
func foldString(s string) string { return strings.Map(foldRune, s) }

// coreTitle is what stays of a subject or file name without its reply prefixes, revision
// words, extension, dates and punctuation: the title of the work.
func coreTitle(s string, file bool) string {
	core, _ := titleOf(s, file)
	return core
}

// titleOf is s's core title (see coreTitle) and whether s says it is a new version (a
// revision word).
func titleOf(s string, file bool) (core string, revises bool) {
	ext := ""
	if file {
		ext = path.Ext(s)
		s = strings.TrimSuffix(s, ext)
	}
	if mayHavePrefix(s) {
		s = subjectPrefixes.ReplaceAllString(s, "")
	}
	cut := s
	if mayRevise(s) {
		cut = revisionWords.ReplaceAllString(s, " ")
	}
	// A revision word in an extension ("report.final") still says so.
	revises = cut != s || (ext != "" && mayRevise(ext) && revisionWords.MatchString(ext))
	return titleWords(cut), revises
}

// titleWords is s's words (runs of letters and digits) in lower case, separated by one
// space, without date stamps (six digits or more).
func titleWords(s string) string {
	b := make([]byte, 0, len(s))
	word := 0      // where the word being read starts in b
	digits := true // it has ASCII digits only
	end := func() {
		if len(b)-word >= 6 && digits {
			b = b[:word] // a date stamp
		}
		if len(b) > word {
			b = append(b, ' ')
		}
		word, digits = len(b), true
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			if len(b) > word {
				end()
			}
			continue
		}
		digits = digits && '0' <= r && r <= '9'
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	if len(b) > word {
		end()
	}
	if len(b) > 0 {
		b = b[:len(b)-1] // the space after the last word
	}
	return string(b)
}

// similarTitles reports whether two core titles name the same work: equal, or sharing
// most of their words (at least three).
func similarTitles(a, b string) bool {
	return similar(newTitle(a), newTitle(b))
}

// title is a core title and its words, split once however many titles it is compared
// with (see similar).
type title struct {
	s     string
	words []string
}

func newTitle(s string) title { return title{s, strings.Fields(s)} }

// similar is similarTitles of two titles.
func similar(a, b title) bool {
	if a.s == "" || b.s == "" {
		return false
	}
	if a.s == b.s {
		return utf8.RuneCountInString(a.s) >= 4
	}
	wa, wb := a.words, b.words
	if len(wa) < 3 || len(wb) < 3 {
		return false
	}
	common := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			common++
		}
	}
	return 10*common >= 7*max(len(wa), len(wb))
}

// revisionOf is the earlier contribution that m looks like a revision of: one of the
// same sender (prevs, oldest first), newest first, with the same attachment, the same
// or a similar title, or a file of the same name; else one of the same organisation
// (orgPrevs: another sender there) by the same signs; else, when m says it revises
// something ("revised", "v2"…), the sender's latest. nil when none.
func revisionOf(m *Inbound, prevs, orgPrevs []priorContribution) *int64 {
	if len(prevs) == 0 && len(orgPrevs) == 0 {
		return nil
	}
	p := m.prepared()
	for _, candidates := range [][]priorContribution{prevs, orgPrevs} {
		if id := sameWork(candidates, p.subject, p.core, p.names, p.hashes); id != nil {
			return id
		}
	}
	if p.revises && len(prevs) > 0 {
		return &prevs[len(prevs)-1].ID
	}
	return nil
}

// sameWork is the newest of prevs that a message looks like another version of: the
// same attachment (hashes: its files' contents), the same or a similar title (subj
// normalised, core its core title), or a file of the same name (names: the core titles
// of its files).
func sameWork(prevs []priorContribution, subj string, core title, names []title, hashes []string) *int64 {
	for i := len(prevs) - 1; i >= 0; i-- {
		p := &prevs[i]
		if subj != "" && p.Subject == subj {
			return &p.ID
		}
		for _, h := range hashes {
			if slices.Contains(p.Hashes, h) {
				return &p.ID
			}
		}
		pcore, pnames := p.cores()
		if similar(core, pcore) {
			return &p.ID
		}
		for _, pc := range pnames {
			if slices.ContainsFunc(names, func(n title) bool { return similar(n, pc) }) {
				return &p.ID
			}
		}
	}
	return nil
}

// orgKey is how an organisation's name is compared: lower case, spaces collapsed; ""
// for a name too short to tell organisations apart.
func orgKey(name string) string {
	k := strings.ToLower(strings.Join(strings.Fields(name), " "))
	if len([]rune(k)) < 4 {
		return ""
	}
	return k
}

// prefetchOrganisationsSQL reads the latest contributions of each organisation named
// ($1), with their attachments' contents and names when the batch's mail from that
// organisation has files to compare them with ($2).
const prefetchOrganisationsSQL = `SELECT c.id, k.org, c.subject,
			coalesce(f.hashes, '{}') AS hashes, coalesce(f.names, '{}') AS names
		FROM unnest($1::text[], $2::bool[]) AS k(org, files), LATERAL (SELECT c.id, c.subject FROM contributions c
			WHERE lower(c.organisation_suggested) = k.org AND c.organisation_suggested <> ''
			ORDER BY c.id DESC LIMIT 20) c,
		LATERAL (SELECT array_agg(a.sha256 ORDER BY a.id) AS hashes, array_agg(a.filename ORDER BY a.id) AS names
			FROM messages m JOIN attachments a ON a.message_id = m.id
			WHERE k.files AND m.contribution_id = c.id AND NOT a.inline) f
		ORDER BY c.id`

// prefetchOrganisations reads, for the organisations the batch's new contributions are
// suggested to come from, their latest contributions (see revisionOf).
func (s *Store) prefetchOrganisations(ctx context.Context, tx *sqlx.Tx, bc *batchContext, msgs []Inbound) error {
	files := map[string]bool{}
	for i := range msgs {
		if k := msgs[i].prepared().org; k != "" && (msgs[i].Kind == MsgContribution || msgs[i].Kind == MsgFollowUp) {
			files[k] = files[k] || hasFiles(&msgs[i])
		}
	}
	if len(files) == 0 {
		return nil
	}
	orgs, withFiles := keysAndFlags(files)
	var rows []struct {
		ID      int64          `db:"id"`
		Org     string         `db:"org"`
		Subject string         `db:"subject"`
		Hashes  pq.StringArray `db:"hashes"`
		Names   pq.StringArray `db:"names"`
	}
	if err := s.selectPrepared(ctx, tx, &rows, prefetchOrganisationsSQL, textArray(orgs), pq.BoolArray(withFiles)); err != nil {
		return fmt.Errorf("organisations: %w", err)
	}
	for _, r := range rows {
		bc.orgs[r.Org] = append(bc.orgs[r.Org], priorContribution{ID: r.ID, Subject: normSubject(r.Subject), Hashes: r.Hashes, Names: r.Names})
	}
	return nil
}

// hasFiles reports whether m has attachments that are not inline: only then are the files
// of earlier contributions compared with its own (see sameWork).
func hasFiles(m *Inbound) bool {
	return slices.ContainsFunc(m.Attachments, func(a InboundAttachment) bool { return !a.Inline })
}

// keysAndFlags gives m's keys in order and, beside each, its value.
func keysAndFlags(m map[string]bool) ([]string, []bool) {
	keys := slices.Sorted(maps.Keys(m))
	flags := make([]bool, len(keys))
	for i, k := range keys {
		flags[i] = m[k]
	}
	return keys, flags
}

// RevisionLinks are a contribution's links to other versions, by reference number.
type RevisionLinks struct {
	Suggested    string         `db:"suggested_ref"` // the earlier one it may revise, waiting for a decision ("" for none)
	RevisionOf   string         `db:"revision_of_ref"`
	SupersededBy pq.StringArray `db:"superseded_by"` // the revisions of it, oldest first
}

const (
	revisionLinksSQL = `SELECT coalesce((SELECT s.ref FROM contributions s WHERE s.id = c.revision_of_suggested), '') AS suggested_ref,
			coalesce((SELECT r.ref FROM contributions r WHERE r.id = c.revision_of), '') AS revision_of_ref,
			ARRAY(SELECT n.ref FROM contributions n WHERE n.revision_of = c.id ORDER BY n.id) AS superseded_by
		FROM contributions c WHERE c.id = $1`
	markRevisionSQL = `UPDATE contributions SET revision_of = revision_of_suggested, revision_of_suggested = NULL,
			updated_at = $2 WHERE id = $1`
	dismissRevisionSQL = `UPDATE contributions SET revision_of_suggested = NULL, updated_at = $2 WHERE id = $1`
)

// RevisionLinks reads the links of contribution id to other versions of it.
func (s *Store) RevisionLinks(ctx context.Context, id int64) (RevisionLinks, error) {
	var l RevisionLinks
	if err := s.db.GetContext(ctx, &l, revisionLinksSQL, id); err != nil {
		return l, fmt.Errorf("store: revision links of %d: %w", id, notFound(err))
	}
	return l, nil
}

// MarkRevision confirms, for the Slack user, that contribution id revises the earlier
// one the intake suggested: it is linked to it, and the earlier one is superseded. Both
// audit trails record it and both cards are updated. ErrNoRevisionHint when there is
// no suggestion (already decided).
func (s *Store) MarkRevision(ctx context.Context, id int64, user string) (Contribution, error) {
	return s.decideRevision(ctx, id, user, true)
}

// DismissRevision records, for the Slack user, that contribution id is not a revision
// of the one suggested: the hint goes. ErrNoRevisionHint when there is none.
func (s *Store) DismissRevision(ctx context.Context, id int64, user string) (Contribution, error) {
	return s.decideRevision(ctx, id, user, false)
}

func (s *Store) decideRevision(ctx context.Context, id int64, user string, mark bool) (Contribution, error) {
	var out Contribution
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := lockContribution(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.RevisionOfSuggested == nil {
			return fmt.Errorf("%s: %w", c.Ref, ErrNoRevisionHint)
		}
		earlier, err := lockContribution(ctx, tx, *c.RevisionOfSuggested)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		actor := SlackActor(user)
		if !mark {
			if _, err := tx.ExecContext(ctx, dismissRevisionSQL, id, now); err != nil {
				return fmt.Errorf("dismiss: %w", err)
			}
			ev, err := s.insertEvent(ctx, tx, id, actor, ActionRevisionDismissed, "", "",
				map[string]any{"revision_of_suggested": earlier.ID, "ref": earlier.Ref})
			if err != nil {
				return err
			}
			if err := s.enqueueCardUpdate(ctx, tx, id, ev); err != nil {
				return err
			}
		} else {
			if _, err := tx.ExecContext(ctx, markRevisionSQL, id, now); err != nil {
				return fmt.Errorf("mark: %w", err)
			}
			ev, err := s.insertEvent(ctx, tx, id, actor, ActionRevisionMarked, "", "",
				map[string]any{"revision_of": earlier.ID, "revision_of_ref": earlier.Ref})
			if err != nil {
				return err
			}
			if err := s.enqueueCardUpdate(ctx, tx, id, ev); err != nil {
				return err
			}
			ev, err = s.insertEvent(ctx, tx, earlier.ID, actor, ActionSuperseded, "", "",
				map[string]any{"by": id, "by_ref": c.Ref})
			if err != nil {
				return err
			}
			if err := s.enqueueCardUpdate(ctx, tx, earlier.ID, ev); err != nil {
				return err
			}
		}
		if err := notifyOutbox(ctx, tx); err != nil {
			return err
		}
		out, err = lockContribution(ctx, tx, id)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("store: decide revision of %d: %w", id, err)
	}
	return out, nil
}
