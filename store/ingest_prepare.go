package store

// Preparation: what the store works out from an inbound message alone, before it knows
// anything of the stored mail. Ingest prepares every message it is given; a producer
// that prepares them beforehand, on a stage of its own (mailin parses a batch while the
// one before is stored), takes that work off the path of the transaction.

// Prepare makes m ready to be stored: its text is made acceptable to PostgreSQL and its
// hashes are computed (see normalise), and what the store derives from m alone is worked
// out once: the titles a resubmission is recognised by (see revisionOf), the key of the
// organisation suggested, the headers as stored and the address an acknowledgement
// would go to. Call it when m is complete: what it works out is kept with m, a field
// changed afterwards is not seen again. Calling it again does nothing. Ingest prepares
// the messages it is given that are not.
func (m *Inbound) Prepare() {
	if m.prep != nil {
		return
	}
	m.normalise()
	p := &preparation{subject: normSubject(m.Subject), org: orgKey(m.Suggestion.Organisation)}
	var c string
	c, p.revises = titleOf(m.Subject, false)
	p.core = newTitle(c)
	// As a prior contribution (see remember), m's subject is compared normalised.
	p.priorCore = newTitle(coreTitle(p.subject, false))
	for _, a := range m.Attachments {
		if a.Inline {
			continue
		}
		p.hashes = append(p.hashes, attachmentSHA(a))
		n, revises := titleOf(a.Filename, true)
		if n != "" {
			p.names = append(p.names, newTitle(n))
		}
		p.revises = p.revises || revises
	}
	hdr, err := headersJSON(m.Headers)
	p.headers, p.headersErr = string(hdr), err
	p.ackTo = ackRecipient(m)
	p.ackKey = AckKey(p.ackTo)
	p.ackPayload = mustJSON(AckPayload{To: p.ackTo, Key: p.ackKey})
	m.prep = p
}

// preparation is what Prepare worked out from a message.
type preparation struct {
	subject string // the subject normalised (normSubject)
	core    title  // the subject's core title
	// priorCore is the core title of the subject normalised: m's, once it is a
	// contribution later mail is compared with (see priorContribution.cores).
	priorCore title
	names     []title // the core titles of its files' names (attachments not inline)
	hashes    []string
	// revises: the subject or a file's name says it is a new version.
	revises bool
	org     string // orgKey of the organisation suggested

	headers    string // the value of messages.headers
	headersErr error

	ackTo      string // ackRecipient
	ackKey     string // AckKey of ackTo
	ackPayload string // the payload of its acknowledgement
}

// prepared gives what Prepare worked out from m, preparing it first if need be.
func (m *Inbound) prepared() *preparation {
	m.Prepare()
	return m.prep
}
