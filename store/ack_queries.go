package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/jmoiron/sqlx"
)

const rawHeadSQL = `SELECT substring(raw FROM 1 FOR $2) FROM messages WHERE id = $1`

// RawHead returns at most the first n bytes of a stored message's raw bytes: enough to
// read its header without loading a large message whole.
func (s *Store) RawHead(ctx context.Context, id int64, n int) ([]byte, error) {
	var raw []byte
	if err := s.db.GetContext(ctx, &raw, rawHeadSQL, id, n); err != nil {
		return nil, fmt.Errorf("store: raw head of message %d: %w", id, notFound(err))
	}
	return raw, nil
}

// AckPayload is the payload of an ack_email item, written once when the intake queues
// it: To is the one address the acknowledgement goes to, decided by the intake (see
// Inbound.AckTo), and Key is what the per-recipient cap counts it under (AckKey). The
// mail worker sends to To and to nothing else. An item queued before the payload
// existed has neither: the worker then writes to the contribution's From address only.
type AckPayload struct {
	To  string `json:"to"`
	Key string `json:"ack_key"`
	// Notice, when set, makes the item a notice instead of an acknowledgement, counted
	// by the same caps: NoticeTooLarge tells the sender of a message over the size limit
	// (the item's message, quarantined; no contribution) that it could not be accepted.
	Notice string `json:"notice,omitempty"`
	// Limit is the size limit the message exceeded, in bytes (NoticeTooLarge).
	Limit int64 `json:"limit,omitempty"`
	// InReplyTo is the Message-ID of the message the notice answers, when it had one.
	InReplyTo string `json:"in_reply_to,omitempty"`
}

// NoticeTooLarge is the notice (AckPayload.Notice) to the sender of a message
// quarantined for its size.
const NoticeTooLarge = "too_large"

// UsableAckAddress reports whether addr can take an acknowledgement: one local part and
// one domain around a single "@", no blanks, control characters or the characters
// that delimit addresses, and a domain of at least two labels of letters, digits and
// inner hyphens (at most 63 characters each), whose last label is not a number.
// Anything else is no address at all: an acknowledgement is never guessed.
func UsableAckAddress(addr string) bool {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" || len(addr) > 254 || len(local) > 64 {
		return false
	}
	if strings.ContainsFunc(local, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>()[],;:\"@`, r) || r == unicode.ReplacementChar
	}) || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		if strings.ContainsFunc(l, func(r rune) bool {
			return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
				r > unicode.MaxASCII && unicode.IsLetter(r) || r > unicode.MaxASCII && unicode.IsDigit(r))
		}) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return strings.ContainsFunc(tld, func(r rune) bool { return r < '0' || r > '9' })
}

// gmailDomains are the domains whose mailboxes ignore dots in the local part.
var gmailDomains = map[string]string{"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

// AckKey is the key the per-recipient acknowledgement cap counts addr under, so that one
// mailbox is one key whatever way it is spelt: lower case; the local part without a
// "+tag" (a+b@x and a@x are one mailbox at most providers); and, for Gmail's domains,
// without dots in the local part (a.b@gmail.com is ab@gmail.com) and with googlemail.com
// read as gmail.com. Other providers' aliasing rules are not guessed.
func AckKey(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if g, ok := gmailDomains[domain]; ok {
		local, domain = strings.ReplaceAll(local, ".", ""), g
	}
	return local + "@" + domain
}

// The overall acknowledgement budget (IngestPolicy.AckHourlyLimit) is counted here:
// every transaction that may queue acknowledgements takes the budget's lock first, so
// that replicas counting at the same time cannot both spend its last unit.
const (
	// ackBudgetLockSQL serialises the transactions that count and spend the budget.
	ackBudgetLockSQL = `SELECT pg_advisory_xact_lock(hashtextextended('wsisbot:ack-budget', 0))`
	// ackHourCountSQL counts the acknowledgements queued since $1 (not failed).
	ackHourCountSQL = `SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND failed_at IS NULL AND created_at > $1`
	// prefetchAckCountsSQL counts, for each cap key, the acknowledgements queued
	// since $2 (not failed). One grouped scan, not a count per key: whatever plan
	// the statistics of a fast-growing outbox lead to, the acknowledgements of the
	// day are read at most once per batch. It runs unprepared: planned with the batch's
	// keys as a constant, PostgreSQL looks each row's key up in a hash of them, where a
	// prepared statement's generic plan compares it with every key in turn (a backlog's
	// 250 keys against the day's 4,000 acknowledgements: 12 ms a batch instead of 1).
	prefetchAckCountsSQL = `SELECT o.payload->>'ack_key' AS key, count(*) AS n FROM outbox o
		WHERE o.kind = 'ack_email' AND o.failed_at IS NULL
			AND o.payload->>'ack_key' = ANY($1::text[]) AND o.created_at > $2
		GROUP BY 1`
)

// ackBudgetReasonPrefix starts the reason recorded on a contribution whose
// acknowledgement the hourly budget held back.
const ackBudgetReasonPrefix = "the hourly acknowledgement budget"

// prefetchAcks reads what the acknowledgement caps need for the batch b, whose
// recipients' cap keys are keys: for each key, the acknowledgements queued in the last
// 24 hours, and, under the budget's lock (held until the transaction ends), the
// acknowledgements queued to anyone in the last hour. It runs for every batch with an
// addressed message, whatever its From says.
func (s *Store) prefetchAcks(ctx context.Context, tx *sqlx.Tx, b IngestBatch, pol IngestPolicy, bc *batchContext, keys []string) error {
	if !pol.Ack || len(keys) == 0 {
		return nil
	}
	now := s.clock.Now()
	if pol.AckPerSenderPerDay > 0 {
		var counts []struct {
			Key string `db:"key"`
			N   int    `db:"n"`
		}
		// The cap counts the address acknowledgements go to (AckTo), so that nobody can
		// make us mail a third party by naming it as Reply-To.
		if err := tx.SelectContext(ctx, &counts, prefetchAckCountsSQL, textArray(keys), now.Add(-24*time.Hour)); err != nil {
			return fmt.Errorf("acknowledgement counts: %w", err)
		}
		for _, c := range counts {
			bc.ackCounts[c.Key] = c.N
		}
	}
	if pol.AckHourlyLimit > 0 {
		if err := s.exec(ctx, tx, ackBudgetLockSQL); err != nil {
			return fmt.Errorf("acknowledgement budget lock: %w", err)
		}
		if err := s.get(ctx, tx, &bc.ackHour, ackHourCountSQL, now.Add(-time.Hour)); err != nil {
			return fmt.Errorf("acknowledgement budget: %w", err)
		}
	}
	return nil
}

// alertAckBudget tells the channel, once per clock hour (UTC), that the hourly budget
// held acknowledgements back: the first batch of the hour that held some queues the
// notice with how many it held; later ones find it queued and add nothing (each held
// contribution says why on its card).
func (s *Store) alertAckBudget(ctx context.Context, tx *sqlx.Tx, r *ingestRun) error {
	if r.bc.ackHeld == 0 {
		return nil
	}
	window := s.clock.Now().UTC().Truncate(time.Hour)
	it, err := NewOutboxItem(OutboxSlackNotice, "ack-budget:"+window.Format("2006-01-02T15"), 0, 0,
		Notice{Type: NoticeAckBudget, Limit: r.bc.pol.AckHourlyLimit, Held: r.bc.ackHeld, Since: window.Format(time.RFC3339)})
	if err != nil {
		return err
	}
	queued, err := s.enqueue(ctx, tx, it)
	if err != nil {
		return fmt.Errorf("acknowledgement budget alert: %w", err)
	}
	r.queued = r.queued || queued
	return nil
}

// ackPayload is the payload of the acknowledgement of m.
func ackPayload(m *Inbound) string { return m.prepared().ackPayload }
