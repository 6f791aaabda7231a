package store

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The decide step: what becomes of each inbound message, in plain Go over what the batch
// prefetched (see prefetch) and what the batch stored before it (see remember). Nothing
// here reads or writes the database; ingest.go carries the decisions out with the writer
// (ingest_write.go).

// normalise makes the text of an inbound message acceptable to PostgreSQL, once, where
// it enters the store (see CleanText), and computes the hashes the store keys on.
func (m *Inbound) normalise() {
	for _, p := range []*string{&m.KindReason, &m.MessageID, &m.InReplyTo, &m.FromName, &m.FromEmail, &m.ReplyTo, &m.AckTo, &m.AckRefusal,
		&m.To, &m.Cc, &m.Subject, &m.Text, &m.FreshText, &m.HTML, &m.Language, &m.RefTag, &m.BounceOf, &m.TooLargeMessageID,
		&m.Suggestion.StakeholderType, &m.Suggestion.Organisation} {
		*p = CleanText(*p)
	}
	m.Suggestion.Kind = ContributionKind(CleanText(string(m.Suggestion.Kind)))
	for _, l := range []*[]string{&m.References, &m.Warnings, &m.Suggestion.ActionLines, &m.Suggestion.Reasons} {
		if *l != nil {
			*l = CleanTexts(*l)
		}
	}
	if len(m.Headers) > 0 {
		h := make(map[string]string, len(m.Headers))
		for k, v := range m.Headers {
			h[CleanText(k)] = CleanText(v)
		}
		m.Headers = h
	}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.Filename, a.ContentType = CleanText(a.Filename), CleanText(a.ContentType)
		if a.SHA256 == "" {
			a.SHA256 = SHA256Hex(a.Data)
		}
	}
	m.rawSHA()
}

// batchContext is what a batch needs to know about stored mail, read once per batch with
// a few queries and kept current as the batch's messages are stored.
type batchContext struct {
	pol       IngestPolicy
	phases    *Phases
	positions map[string]bool  // "mailbox/uidvalidity/uid" already stored
	known     map[string]prior // Message-ID, or "sha:"+hash when none → the stored message
	threads   map[string]int64 // Message-ID of a stored message → its contribution
	sent      map[string]int64 // Message-ID of a message we sent, named by a bounce → its contribution
	refs      map[string]int64 // reference number → contribution
	senders   map[string][]priorContribution
	// orgs: orgKey(organisation suggested) → its latest contributions
	orgs      map[string][]priorContribution
	ackCounts map[string]int // AckKey(address) → acknowledgements queued in 24 hours
	ackHour   int            // acknowledgements queued to anyone in the last hour, the batch's included
	ackHeld   int            // acknowledgements the hourly budget held back in the batch
	// correspondents are, for each contribution a message of the batch names, who may
	// write in its conversation (see corresponds).
	correspondents map[int64]*correspondence
	// learned is what the desk confirmed for the batch's senders, domains and
	// organisations (see applyLearned).
	learned learned
}

// correspondence is who may write in a contribution's conversation: its contact (the
// From and Reply-To of its first message), the addresses the secretariat accepted, and
// the domains it confirmed for the contribution, all lower case.
type correspondence struct {
	addresses map[string]bool
	domains   map[string]bool
}

func (bc *batchContext) correspondence(cid int64) *correspondence {
	c := bc.correspondents[cid]
	if c == nil {
		c = &correspondence{addresses: map[string]bool{}, domains: map[string]bool{}}
		bc.correspondents[cid] = c
	}
	return c
}

// addCorrespondent records a correspondent of contribution cid: kind "address" or
// "domain" (as in the correspondents table).
func (bc *batchContext) addCorrespondent(cid int64, kind, value string) {
	value = strings.ToLower(strings.TrimSpace(value))
	if value == "" {
		return
	}
	c := bc.correspondence(cid)
	if kind == CorrespondentDomain {
		c.domains[value] = true
	} else {
		c.addresses[value] = true
	}
}

// corresponds reports whether address may write in the conversation of contribution
// cid: it is the contact, an accepted address, or at a confirmed domain (that domain
// exactly, not a subdomain).
func (bc *batchContext) corresponds(cid int64, address string) bool {
	c := bc.correspondents[cid]
	address = strings.ToLower(strings.TrimSpace(address))
	if c == nil || address == "" {
		return false
	}
	if c.addresses[address] {
		return true
	}
	at := strings.LastIndexByte(address, '@')
	return at > 0 && c.domains[address[at+1:]]
}

func newBatchContext(pol IngestPolicy, phases *Phases) *batchContext {
	return &batchContext{pol: pol, phases: phases, positions: map[string]bool{}, known: map[string]prior{},
		threads: map[string]int64{}, sent: map[string]int64{}, refs: map[string]int64{}, senders: map[string][]priorContribution{},
		orgs: map[string][]priorContribution{}, ackCounts: map[string]int{}, correspondents: map[int64]*correspondence{}}
}

type prior struct {
	ID             int64
	ContributionID int64
	RawSHA256      string
	Kind           MessageKind
}

type priorContribution struct {
	ID      int64
	Subject string // normalised
	Hashes  []string
	Names   []string // attachment file names

	// The core titles of Subject and of Names, computed once (cores), however many
	// messages of a batch are compared with this contribution.
	cored     bool
	core      title
	coreNames []title
}

// cores gives p's core titles (see coreTitle), computing them the first time.
func (p *priorContribution) cores() (title, []title) {
	if !p.cored {
		p.core = newTitle(coreTitle(p.Subject, false))
		for _, n := range p.Names {
			if c := coreTitle(n, true); c != "" {
				p.coreNames = append(p.coreNames, newTitle(c))
			}
		}
		p.cored = true
	}
	return p.core, p.coreNames
}

// action is what the store does with an inbound message.
type action int

const (
	actSkip            action = iota + 1 // stored before at this mailbox position: nothing
	actRelocate                          // stored before, same bytes, another position: record the position
	actDuplicate                         // another copy of a stored message: stored as a duplicate
	actSupersede                         // a person's copy of a message sorted away takes its place
	actNewContribution                   // a new contribution
	actFollowUp                          // a follow-up of a contribution
	actBounce                            // a bounce, told to the contribution it is about
	actQuarantine                        // stored quarantined, the desk told
	actSortedAway                        // an automatic reply, list mail, our own mail: stored
)

// decision is what decide made of one inbound message.
type decision struct {
	act    action
	kind   MessageKind // the kind the message is stored as
	reason string      // and why
	// prev is the stored copy (actRelocate, actDuplicate, actSupersede).
	prev prior
	// contributionID is the contribution the message joins (actDuplicate, actFollowUp,
	// actBounce); 0 for none.
	contributionID int64
	// otherSender (actFollowUp): the message names the contribution but its sender is
	// not one of its correspondents: it joins the conversation marked so, and changes
	// nothing else.
	otherSender bool
	// checkDuplicate (actDuplicate): a duplicate stored before with the same Message-ID
	// and bytes is this very message read again; it is relocated instead.
	checkDuplicate bool
	// recent (actFollowUp): the message is not history; a history contribution without
	// a card gets one. An old message following one up queues nothing for Slack while
	// no card is on its way (see historyFollowUp).
	recent bool
	// archived (actFollowUp): the message comes from an archive import (never recent).
	archived bool
	// contribution is the new contribution (actNewContribution).
	contribution newContribution
	// human is what the person's copy becomes (actSupersede): a new contribution or a
	// follow-up.
	human *decision
	// tooLarge (actQuarantine): the message was quarantined for its size; its sender is
	// told unless noticeRefusal says why not.
	tooLarge      bool
	noticeRefusal string
}

// newContribution is what decide made of a new contribution.
type newContribution struct {
	kind                          ContributionKind
	stakeholderType, organisation string
	lines                         []string
	reasons                       []string // why the suggestions
	received, now                 time.Time
	deadline                      Deadline
	revisionOf                    *int64
	history                       bool
	card                          bool   // it gets a card (history only with HistoryCards)
	ackStatus, reason             string // reason: why no acknowledgement ("" to send one)
}

// decide says what becomes of m, a normalised message, at time now.
func (bc *batchContext) decide(m *Inbound, now time.Time) (decision, error) {
	// Already stored at this position: a replay after a crash.
	if m.UID > 0 && bc.positions[positionKey(m.Mailbox, m.UIDValidity, m.UID)] {
		return decision{act: actSkip, kind: m.Kind, reason: m.KindReason}, nil
	}
	rawSHA := m.rawSHA()
	// Seen before under another position (a UIDVALIDITY reset, a resync): the same
	// Message-ID with the same bytes is the same message; other bytes make a duplicate.
	if prev, ok := bc.known[knownKey(m, rawSHA)]; ok {
		// A message is only ever a duplicate of something the desk sees. When the copy
		// stored before was sorted away (the list's copy of mail that also came to us
		// directly, say) and this one is a person's, this one is what the desk gets.
		if prev.ContributionID == 0 && sortedAway(prev.Kind) && (m.Kind == MsgContribution || m.Kind == MsgFollowUp) {
			h := bc.decideHuman(m, now)
			return decision{act: actSupersede, kind: h.kind, reason: h.reason, prev: prev, human: &h}, nil
		}
		if prev.RawSHA256 == rawSHA {
			return decision{act: actRelocate, kind: m.Kind, reason: m.KindReason, prev: prev}, nil
		}
		d := decision{act: actDuplicate, kind: m.Kind, reason: m.KindReason, prev: prev,
			contributionID: prev.ContributionID, checkDuplicate: m.MessageID != ""}
		if m.Kind != MsgQuarantined {
			d.kind, d.reason = MsgDuplicate, fmt.Sprintf("Message-ID <%s> is already stored (message %d)", m.MessageID, prev.ID)
		}
		return d, nil
	}
	switch m.Kind {
	case MsgContribution, MsgFollowUp:
		return bc.decideHuman(m, now), nil
	case MsgBounce:
		// A bounce is about one of our contributions only when it names a message we
		// sent: anybody can write a "bounce" quoting their own earlier message.
		bounceOf := strings.Trim(m.BounceOf, "<>")
		d := decision{act: actBounce, kind: MsgBounce, reason: m.KindReason, contributionID: bc.sent[bounceOf]}
		if bounceOf != "" && d.contributionID == 0 {
			d.reason += "; it names no message we sent (" + bounceOf + ")"
		}
		return d, nil
	case MsgQuarantined:
		d := decision{act: actQuarantine, kind: MsgQuarantined, reason: m.KindReason}
		if m.TooLarge > 0 {
			d.tooLarge, d.noticeRefusal = true, bc.tooLargeRefusal(m, now)
		}
		return d, nil
	case MsgAutoReply, MsgList, MsgOwn:
		return decision{act: actSortedAway, kind: m.Kind, reason: m.KindReason}, nil
	}
	return decision{}, fmt.Errorf("unknown message kind %q", m.Kind)
}

// decideHuman decides a person's message: a follow-up of the contribution it names, else
// a new contribution. Anyone can write to the desk's address and a reference number or a
// Message-ID is easy to guess or obtain, so naming a contribution is not enough to join
// its conversation: mail from someone who is not one of its correspondents is marked as
// from another sender, for the secretariat to decide.
func (bc *batchContext) decideHuman(m *Inbound, now time.Time) decision {
	if cid, why := bc.findThread(m); cid != 0 {
		if !bc.corresponds(cid, m.FromEmail) {
			from := strings.ToLower(strings.TrimSpace(m.FromEmail))
			if from == "" {
				from = "no address"
			}
			return decision{act: actFollowUp, kind: MsgFollowUp, contributionID: cid, otherSender: true,
				recent: !bc.pol.isHistory(m.InternalDate, now), archived: bc.pol.ArchiveImport != 0,
				reason: why + "; from another sender (" + from + "), not a correspondent of the contribution"}
		}
		return decision{act: actFollowUp, kind: MsgFollowUp, reason: why, contributionID: cid,
			recent: !bc.pol.isHistory(m.InternalDate, now), archived: bc.pol.ArchiveImport != 0}
	}
	reason := m.KindReason
	if reason == "" {
		reason = "new contribution"
	}
	return decision{act: actNewContribution, kind: MsgContribution, reason: reason,
		contribution: bc.decideContribution(m, now, "")}
}

// findThread finds the contribution a message follows up on: its In-Reply-To or
// References name a stored message (either direction), or its subject carries a
// reference tag.
func (bc *batchContext) findThread(m *Inbound) (int64, string) {
	if cid := bc.threads[m.InReplyTo]; m.InReplyTo != "" && cid != 0 {
		return cid, "In-Reply-To names a stored message"
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		if cid := bc.threads[m.References[i]]; cid != 0 {
			return cid, "References name a stored message"
		}
	}
	if m.RefTag != "" {
		if cid := bc.refs[strings.ToUpper(m.RefTag)]; cid != 0 {
			return cid, "the subject carries " + strings.ToUpper(m.RefTag)
		}
	}
	return 0, ""
}

// decideContribution decides what a new contribution made of m is: its suggestions
// (those the consultation knows), deadline, whether it is history, whether it is a
// resubmission, and whether it is acknowledged. noAck, when set, is a reason it is not.
func (bc *batchContext) decideContribution(m *Inbound, now time.Time, noAck string) newContribution {
	received := m.InternalDate
	if received.IsZero() {
		received = now
	}
	sg := m.Suggestion
	kind := sg.Kind
	if kind != "" && !ValidKind(kind) {
		kind = ""
	}
	st := sg.StakeholderType
	if st != "" && !ValidStakeholderType(st) {
		st = ""
	}
	lines := slices.DeleteFunc(slices.Clone(sg.ActionLines), func(a string) bool { return !ValidActionLine(a) })
	c := newContribution{kind: kind, stakeholderType: st, organisation: sg.Organisation, lines: lines, reasons: sg.Reasons,
		received: received, now: now, deadline: bc.phases.DeadlineFor(kind, received),
		history: bc.pol.isHistory(received, now)}
	c.card = !c.history || (bc.pol.HistoryCards && bc.pol.ArchiveImport == 0)
	bc.applyLearned(m, &c)

	// A resubmission: the same sender sent the same attachment, the same or a similar
	// title, or a file of the same name, before; or says it revises something.
	c.revisionOf = revisionOf(m, bc.senders[strings.ToLower(m.FromEmail)], bc.orgs[m.prepared().org])

	c.reason = noAck
	if c.reason == "" {
		c.reason = bc.ackSuppression(m, received, now)
	}
	c.ackStatus = AckPending
	if c.reason != "" {
		c.ackStatus = AckSuppressed
	}
	return c
}

// ackSuppression says why a new contribution gets no acknowledgement, or "" to send one.
func (bc *batchContext) ackSuppression(m *Inbound, received, now time.Time) string {
	pol := bc.pol
	to := m.prepared().ackTo
	switch {
	case !pol.Ack:
		return "acknowledgements are turned off (WSISBOT_ACK=off)"
	case m.AckRefusal != "":
		return m.AckRefusal
	case to == "":
		return "the sender has no address"
	case m.NoReply:
		return "the sender's address (" + strings.ToLower(to) + ") is a no-reply or system address"
	}
	for _, our := range pol.OurAddresses {
		if strings.EqualFold(our, to) || strings.EqualFold(our, m.FromEmail) {
			return "the mail came from our own address (" + our + ")"
		}
	}
	if pol.ArchiveImport != 0 {
		return "history: imported from an archive (wsisbot import)"
	}
	if pol.AckWindow > 0 && now.Sub(received) > pol.AckWindow {
		return fmt.Sprintf("history: it reached the mailbox %s ago, outside the %s acknowledgement window",
			humanDuration(now.Sub(received)), humanDuration(pol.AckWindow))
	}
	if pol.AckPerSenderPerDay > 0 {
		if key := m.prepared().ackKey; bc.ackCounts[key] >= pol.AckPerSenderPerDay {
			return fmt.Sprintf("%s already received %d acknowledgements in 24 hours (the cap)", key, bc.ackCounts[key])
		}
	}
	// Last: only an acknowledgement that would otherwise go counts as held back.
	if pol.AckHourlyLimit > 0 && bc.ackHour >= pol.AckHourlyLimit {
		bc.ackHeld++
		return fmt.Sprintf("%s (%d an hour, WSISBOT_ACK_HOURLY_LIMIT) was spent when it arrived: held back, not sent",
			ackBudgetReasonPrefix, pol.AckHourlyLimit)
	}
	return ""
}

// tooLargeRefusal says why the sender of a message quarantined for its size is not
// told, or "" to tell them: exactly when an acknowledgement would not go to them (the
// same decision, caps and budget included), or its header says a robot sent it.
func (bc *batchContext) tooLargeRefusal(m *Inbound, now time.Time) string {
	if why := robotReason(MsgContribution, "", m.Headers); why != "" {
		return why
	}
	received := m.InternalDate
	if received.IsZero() {
		received = now
	}
	return bc.ackSuppression(m, received, now)
}

// remember records a stored message so that later messages of the same batch see it.
func (bc *batchContext) remember(m *Inbound, res Ingested) {
	if res.Skipped || res.MessageRowID == 0 {
		return
	}
	if m.UID > 0 {
		bc.positions[positionKey(m.Mailbox, m.UIDValidity, m.UID)] = true
	}
	rawSHA := m.rawSHA()
	if res.Kind != MsgDuplicate {
		bc.known[knownKey(m, rawSHA)] = prior{ID: res.MessageRowID, ContributionID: res.ContributionID, RawSHA256: rawSHA, Kind: res.Kind}
	}
	if res.ContributionID != 0 && m.MessageID != "" {
		bc.threads[m.MessageID] = res.ContributionID
	}
	if res.NewContrib {
		bc.refs[res.Ref] = res.ContributionID
		bc.addCorrespondent(res.ContributionID, CorrespondentAddress, m.FromEmail)
		bc.addCorrespondent(res.ContributionID, CorrespondentAddress, m.ReplyTo)
		email := strings.ToLower(m.FromEmail)
		p := m.prepared()
		pc := priorContribution{ID: res.ContributionID, Subject: p.subject, Hashes: p.hashes,
			cored: true, core: p.priorCore, coreNames: p.names}
		for _, a := range m.Attachments {
			if !a.Inline {
				pc.Names = append(pc.Names, a.Filename)
			}
		}
		bc.senders[email] = append(bc.senders[email], pc)
		if org := p.org; org != "" {
			bc.orgs[org] = append(bc.orgs[org], pc)
		}
		if res.AckQueued {
			bc.ackCounts[p.ackKey]++
			bc.ackHour++
		}
	}
	if res.TooLargeNotice {
		bc.ackCounts[m.prepared().ackKey]++
		bc.ackHour++
	}
}

// queues reports whether storing a message as res queued outbox items.
func queues(res Ingested) bool {
	return res.Kind == MsgQuarantined || res.NewContrib || res.Kind == MsgFollowUp || (res.Kind == MsgBounce && res.ContributionID != 0)
}

// sortedAway reports whether a stored message of this kind, attached to no contribution,
// is out of the desk's sight: list mail, robots, bounces, our own mail, quarantined.
func sortedAway(kind MessageKind) bool {
	switch kind {
	case MsgAutoReply, MsgBounce, MsgList, MsgOwn, MsgQuarantined:
		return true
	}
	return false
}

// robotReason says why a message sorted as kind is never acknowledged, or "" when it
// may be: a person's post to a mailing list.
func robotReason(kind MessageKind, why string, headers map[string]string) string {
	switch kind {
	case MsgBounce:
		return "it was sorted as a bounce (" + why + "): a robot's mail is never acknowledged"
	case MsgAutoReply:
		return "it was sorted as an automatic reply (" + why + "): a robot's mail is never acknowledged"
	case MsgOwn:
		return "it is our own mail (" + why + ")"
	case MsgQuarantined:
		return "it was quarantined (" + why + "): nobody can tell whether a robot sent it"
	}
	get := func(k string) string {
		for hk, v := range headers {
			if strings.EqualFold(hk, k) {
				return strings.ToLower(strings.TrimSpace(v))
			}
		}
		return ""
	}
	if v := get("Auto-Submitted"); v != "" && !strings.HasPrefix(v, "no") {
		return "it carries Auto-Submitted: " + v + ": a robot's mail is never acknowledged"
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Failed-Recipients", "X-Auto-Response-Suppress", "X-Loop"} {
		if get(k) != "" {
			return "it carries " + k + ": a robot's mail is never acknowledged"
		}
	}
	switch v := get("Precedence"); v {
	case "bulk", "junk", "auto_reply":
		return "it carries Precedence: " + v + ": bulk mail is never acknowledged"
	}
	if get("Return-Path") == "<>" {
		return "it has a null Return-Path: a robot's mail is never acknowledged"
	}
	return ""
}

func positionKey(mailbox string, uv, uid uint32) string {
	return fmt.Sprintf("%s/%d/%d", mailbox, uv, uid)
}

func knownKey(m *Inbound, rawSHA string) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	return "sha:" + rawSHA
}

func normSubject(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func attachmentSHA(a InboundAttachment) string {
	if a.SHA256 != "" {
		return a.SHA256
	}
	return SHA256Hex(a.Data)
}

// ackRecipient is the one address an acknowledgement of m may go to, exactly as it
// will be written, or "" for none: the intake's AckTo when it decided (AckTo or
// AckRefusal set), else Reply-To when usable, else From when usable. Prepare works it
// out once; the rest reads it there.
func ackRecipient(m *Inbound) string {
	if m.AckTo != "" || m.AckRefusal != "" {
		if to := strings.TrimSpace(m.AckTo); UsableAckAddress(to) {
			return to
		}
		return ""
	}
	for _, a := range []string{m.ReplyTo, m.FromEmail} {
		if a = strings.TrimSpace(a); UsableAckAddress(a) {
			return a
		}
	}
	return ""
}

// humanDuration says a duration the way people do: "36 days", "5 hours", "20 minutes".
func humanDuration(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return fmt.Sprintf("%d %ss", n, unit)
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	default:
		return plural(int64(d/time.Minute), "minute")
	}
}
