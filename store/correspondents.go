package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The correspondents of a contribution are who may write in its conversation: its
// contact (the From and Reply-To of its first message), the addresses the secretariat
// accepted, and the domain of the contact when the secretariat confirmed it for this
// contribution. Mail that names a contribution (its reference tag, or a reply to a
// message of its conversation) from anyone else is stored in the conversation as from
// another sender (messages.other_sender): it reopens nothing, changes no status, gets no
// mail, and waits for the secretariat to accept its sender (AcceptSender), to confirm the
// organisation's domain (TrustDomain) or to make it a contribution of its own
// (PromoteMessage).

// Kinds of correspondents rows.
const (
	CorrespondentAddress = "address"
	CorrespondentDomain  = "domain"
)

// Actions of the audit trail about who writes in a conversation.
const (
	// ActionOtherSender: mail from someone who is not a correspondent named the
	// contribution; the actor is the sender's address.
	ActionOtherSender = "other_sender"
	// ActionSenderAccepted: a member accepted the sender of such mail as a
	// correspondent of the contribution.
	ActionSenderAccepted = "sender_accepted"
	// ActionDomainTrusted: a member confirmed the contact's domain for the
	// contribution: anyone at it is a correspondent.
	ActionDomainTrusted = "domain_trusted"
	// ActionSenderSeparated: a member made such mail a contribution of its own.
	ActionSenderSeparated = "sender_separated"
)

// NoteOtherSender is the thread note of mail from another sender.
const NoteOtherSender = "other_sender"

// Roles of a Recipient.
const (
	RecipientContact       = "contact"       // the stakeholder who wrote the first message
	RecipientCorrespondent = "correspondent" // an accepted correspondent
	RecipientOtherSender   = "other_sender"  // someone else who wrote in the conversation
)

// ErrDomainNotContact is returned for a domain that is not the contact's: only the
// organisation's own domain can be confirmed for a contribution.
var ErrDomainNotContact = errors.New("store: only the domain of the contribution's contact can be confirmed")

// ErrNotOtherSender is returned when a message is not mail from another sender.
var ErrNotOtherSender = errors.New("store: the message is not mail from another sender")

// SenderDecision says what AcceptSender or TrustDomain did.
type SenderDecision struct {
	ContributionID int64
	Ref            string
	Value          string // the address or domain, lower case
	Messages       int    // the messages from another sender it settled
	Changed        bool   // false when it had been decided before: nothing changed
}

// Recipient is someone a reply can go to.
type Recipient struct {
	Address string `json:"address"`
	Name    string `json:"name,omitempty"`
	Role    string `json:"role"` // RecipientContact, RecipientCorrespondent or RecipientOtherSender
}

const (
	// setOtherSenderSQL marks a stored message as from another sender.
	setOtherSenderSQL = `UPDATE messages SET other_sender = true WHERE id = $1`
	// messageContributionSQL gives the contribution of a message.
	messageContributionSQL = `SELECT contribution_id FROM messages WHERE id = $1`
	// lockOtherSenderSQL locks a message and gives its contribution and sender.
	lockOtherSenderSQL = `SELECT m.contribution_id, m.from_email, m.other_sender FROM messages m WHERE m.id = $1 FOR UPDATE`
	// addCorrespondentSQL records a correspondent; nothing when it is recorded.
	addCorrespondentSQL = `INSERT INTO correspondents (contribution_id, kind, value, added_by, added_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING contribution_id`
	// settleAddressSQL clears the mark of the contribution's mail from an address.
	settleAddressSQL = `UPDATE messages SET other_sender = false
		WHERE contribution_id = $1 AND other_sender AND lower(from_email) = $2 RETURNING id`
	// settleDomainSQL clears the mark of the contribution's mail from a domain.
	settleDomainSQL = `UPDATE messages SET other_sender = false
		WHERE contribution_id = $1 AND other_sender AND split_part(lower(from_email), '@', 2) = $2 RETURNING id`
	// otherSendersSQL lists the contribution's mail from other senders awaiting a decision.
	otherSendersSQL = `SELECT ` + messageColumns + ` FROM messages
		WHERE contribution_id = $1 AND other_sender ORDER BY received_at, id`
	// contactSQL gives the first message of a contribution: From and Reply-To.
	contactSQL = `SELECT m.from_name, m.from_email, m.reply_to FROM messages m
		WHERE m.contribution_id = $1 AND m.direction = 'in' AND m.kind = 'contribution' ORDER BY m.id LIMIT 1`
	// correspondentsSQL lists what the secretariat accepted for a contribution.
	correspondentsSQL = `SELECT kind, value FROM correspondents WHERE contribution_id = $1 ORDER BY added_at, value`
	// sendersSQL lists who wrote in a contribution's conversation, first writer first.
	sendersSQL = `SELECT lower(from_email) AS email, (array_agg(from_name ORDER BY id))[1] AS name
		FROM messages WHERE contribution_id = $1 AND direction = 'in' AND kind IN ('contribution', 'follow_up')
			AND from_email <> ''
		GROUP BY lower(from_email) ORDER BY min(id)`
)

// otherSender records m, stored as message id in the conversation of c, as mail from
// another sender: the mark, the event, the note in the card's thread and the card's
// update. The status does not change.
func (s *Store) otherSender(ctx context.Context, tx *sqlx.Tx, m *Inbound, c Contribution, id int64, quiet bool) error {
	if err := s.exec(ctx, tx, setOtherSenderSQL, id); err != nil {
		return fmt.Errorf("mark other sender: %w", err)
	}
	evID, err := s.insertEvent(ctx, tx, c.ID, m.FromEmail, ActionOtherSender, "", "",
		map[string]any{"message": id, "from": strings.ToLower(m.FromEmail), "subject": m.Subject, "why": m.KindReason})
	if err != nil {
		return err
	}
	if quiet {
		return nil
	}
	if err := s.enqueueThreadNote(ctx, tx, c.ID, fmt.Sprintf("othersender:%d", id), ThreadNote{Type: NoteOtherSender, MessageID: id}); err != nil {
		return err
	}
	return s.enqueueCardUpdate(ctx, tx, c.ID, evID)
}

// AcceptSender makes the sender of message messageID, mail from another sender, a
// correspondent of the contribution the message names: its mail there, this message
// and any other, is no longer marked, and its next mail is a follow-up like the
// contact's. The status does not change. The audit trail records who decided. Doing it
// again changes nothing (Changed false).
func (s *Store) AcceptSender(ctx context.Context, messageID int64, actor string) (SenderDecision, error) {
	var out SenderDecision
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var row struct {
			ContributionID *int64 `db:"contribution_id"`
			FromEmail      string `db:"from_email"`
			OtherSender    bool   `db:"other_sender"`
		}
		// The contribution first, then the message: the order the desk's other
		// decisions and the intake lock them in.
		var cid *int64
		if err := s.get(ctx, tx, &cid, messageContributionSQL, messageID); err != nil {
			return notFound(err)
		}
		if cid == nil {
			return fmt.Errorf("message %d: %w", messageID, ErrNotOtherSender)
		}
		c, err := lockContribution(ctx, tx, *cid)
		if err != nil {
			return err
		}
		if err := s.get(ctx, tx, &row, lockOtherSenderSQL, messageID); err != nil {
			return notFound(err)
		}
		addr := strings.ToLower(strings.TrimSpace(row.FromEmail))
		if row.ContributionID == nil || *row.ContributionID != c.ID || addr == "" {
			return fmt.Errorf("message %d: %w", messageID, ErrNotOtherSender)
		}
		out = SenderDecision{ContributionID: c.ID, Ref: c.Ref, Value: addr}
		if !row.OtherSender {
			return nil
		}
		return s.settle(ctx, tx, &out, actor, CorrespondentAddress, settleAddressSQL,
			ActionSenderAccepted, map[string]any{"address": addr, "message": messageID})
	})
	if err != nil {
		return out, fmt.Errorf("store: accept the sender of message %d: %w", messageID, err)
	}
	return out, nil
}

// TrustDomain confirms domain for contribution id: anyone writing from an address at
// that domain (exactly, not a subdomain) is then a correspondent, and its mail there is
// no longer marked as from another sender. Only the domain of the contribution's
// contact can be confirmed (ErrDomainNotContact); the caller refuses webmail domains,
// which say nothing about an organisation. Doing it again changes nothing.
func (s *Store) TrustDomain(ctx context.Context, id int64, actor, domain string) (SenderDecision, error) {
	domain = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(domain), "@")))
	var out SenderDecision
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := lockContribution(ctx, tx, id)
		if err != nil {
			return err
		}
		out = SenderDecision{ContributionID: c.ID, Ref: c.Ref, Value: domain}
		if domain == "" || Domain(c.FromEmail) != domain {
			return fmt.Errorf("%s for %s: %w", domain, c.Ref, ErrDomainNotContact)
		}
		return s.settle(ctx, tx, &out, actor, CorrespondentDomain, settleDomainSQL,
			ActionDomainTrusted, map[string]any{"domain": domain})
	})
	if err != nil {
		return out, fmt.Errorf("store: trust %s for %d: %w", domain, id, err)
	}
	return out, nil
}

// settle records out.Value as a correspondent of kind, clears the mark of the mail it
// covers (settleSQL), and records the decision and the card's update.
func (s *Store) settle(ctx context.Context, tx *sqlx.Tx, out *SenderDecision, actor, kind, settleSQL, action string, details map[string]any) error {
	var added []int64
	if err := s.selectPrepared(ctx, tx, &added, addCorrespondentSQL, out.ContributionID, kind, out.Value, CleanText(actor), s.clock.Now()); err != nil {
		return fmt.Errorf("add correspondent: %w", err)
	}
	var settled []int64
	if err := s.selectPrepared(ctx, tx, &settled, settleSQL, out.ContributionID, out.Value); err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	if len(added) == 0 && len(settled) == 0 {
		return nil
	}
	out.Changed, out.Messages = true, len(settled)
	details["messages"] = settled
	evID, err := s.insertEvent(ctx, tx, out.ContributionID, SlackActor(actor), action, "", "", details)
	if err != nil {
		return err
	}
	if err := s.enqueueCardUpdate(ctx, tx, out.ContributionID, evID); err != nil {
		return err
	}
	return notifyOutbox(ctx, tx)
}

// OtherSenders lists the mail from other senders in a contribution's conversation that
// waits for the secretariat's decision, oldest first.
func (s *Store) OtherSenders(ctx context.Context, contributionID int64) ([]Message, error) {
	var ms []Message
	if err := s.db.SelectContext(ctx, &ms, otherSendersSQL, contributionID); err != nil {
		return nil, fmt.Errorf("store: other senders of %d: %w", contributionID, err)
	}
	return ms, nil
}

// Recipients lists whom a reply about a contribution can go to: first its contact, the
// stakeholder who wrote the first message (its Reply-To when it had one, else its From),
// then its other correspondents (the first message's From when the contact is its
// Reply-To, the accepted addresses, and those who wrote from a confirmed domain), then
// the other senders who wrote in the conversation. Each address once, lower case.
func (s *Store) Recipients(ctx context.Context, contributionID int64) ([]Recipient, error) {
	c, err := s.Contribution(ctx, contributionID)
	if err != nil {
		return nil, err
	}
	var first struct {
		FromName  string `db:"from_name"`
		FromEmail string `db:"from_email"`
		ReplyTo   string `db:"reply_to"`
	}
	err = s.db.GetContext(ctx, &first, contactSQL, contributionID)
	switch {
	case errors.Is(err, errNoRows):
		first.FromName, first.FromEmail = c.FromName, c.FromEmail
	case err != nil:
		return nil, fmt.Errorf("store: recipients of %d: %w", contributionID, err)
	}
	var accepted []struct {
		Kind  string `db:"kind"`
		Value string `db:"value"`
	}
	if err := s.db.SelectContext(ctx, &accepted, correspondentsSQL, contributionID); err != nil {
		return nil, fmt.Errorf("store: recipients of %d: %w", contributionID, err)
	}
	var senders []struct {
		Email string `db:"email"`
		Name  string `db:"name"`
	}
	if err := s.db.SelectContext(ctx, &senders, sendersSQL, contributionID); err != nil {
		return nil, fmt.Errorf("store: recipients of %d: %w", contributionID, err)
	}

	var out []Recipient
	seen := map[string]bool{}
	add := func(addr, name, role string) {
		addr = strings.ToLower(strings.TrimSpace(addr))
		if addr == "" || seen[addr] {
			return
		}
		seen[addr] = true
		out = append(out, Recipient{Address: addr, Name: name, Role: role})
	}
	if rt := strings.TrimSpace(first.ReplyTo); rt != "" {
		add(rt, "", RecipientContact)
		add(first.FromEmail, first.FromName, RecipientCorrespondent)
	} else {
		add(first.FromEmail, first.FromName, RecipientContact)
	}
	names := map[string]string{}
	domains := map[string]bool{}
	for _, w := range senders {
		names[w.Email] = w.Name
	}
	for _, a := range accepted {
		if a.Kind == CorrespondentDomain {
			domains[a.Value] = true
			continue
		}
		add(a.Value, names[a.Value], RecipientCorrespondent)
	}
	for _, w := range senders {
		if domains[Domain(w.Email)] {
			add(w.Email, w.Name, RecipientCorrespondent)
		}
	}
	for _, w := range senders {
		add(w.Email, w.Name, RecipientOtherSender)
	}
	return out, nil
}

// Domain is the domain of an email address, lower case ("" for none).
func Domain(address string) string {
	address = strings.ToLower(strings.TrimSpace(address))
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return ""
	}
	return address[at+1:]
}
