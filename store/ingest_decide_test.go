package store

import (
	"strings"
	"testing"
	"time"
)

// These tests run the decide step alone, over a batch context filled by hand: no
// database.

var decideNow = time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)

func decideContext(mod func(bc *batchContext)) *batchContext {
	pol := DefaultIngestPolicy()
	pol.OurAddresses = []string{"wsis@itu.example"}
	bc := newBatchContext(pol, DefaultPhases())
	if mod != nil {
		mod(bc)
	}
	return bc
}

func inbound(mod func(m *Inbound)) *Inbound {
	m := &Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: 10, InternalDate: decideNow.Add(-time.Minute),
		Raw: []byte("Message-ID: <a@x>\r\n\r\nhello"), Kind: MsgContribution, MessageID: "a@x",
		FromEmail: "Writer@Gov.example", Subject: "Our submission", Text: "hello"}
	if mod != nil {
		mod(m)
	}
	m.normalise()
	return m
}

func TestDecideWhatAMessageBecomes(t *testing.T) {
	const otherSHA = "0000000000000000000000000000000000000000000000000000000000000000"
	tests := []struct {
		name   string
		bc     func(bc *batchContext, m *Inbound)
		m      func(m *Inbound)
		act    action
		kind   MessageKind
		reason string // a part of the reason
		cid    int64
		other  bool // from another sender
	}{
		{name: "a new message is a new contribution", act: actNewContribution, kind: MsgContribution, reason: "new contribution"},
		{name: "the sorter's reason is kept", m: func(m *Inbound) { m.KindReason = "written to the desk" },
			act: actNewContribution, kind: MsgContribution, reason: "written to the desk"},
		{name: "stored at this position: skipped",
			bc:  func(bc *batchContext, m *Inbound) { bc.positions[positionKey("INBOX", 7, 10)] = true },
			act: actSkip, kind: MsgContribution},
		{name: "same Message-ID and bytes elsewhere: relocated",
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["a@x"] = prior{ID: 3, ContributionID: 9, RawSHA256: m.rawSHA(), Kind: MsgContribution}
			},
			act: actRelocate, kind: MsgContribution},
		{name: "same Message-ID, other bytes: a duplicate in the first copy's contribution",
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["a@x"] = prior{ID: 3, ContributionID: 9, RawSHA256: otherSHA, Kind: MsgContribution}
			},
			act: actDuplicate, kind: MsgDuplicate, reason: "Message-ID <a@x> is already stored (message 3)", cid: 9},
		{name: "no Message-ID: the bytes are the key",
			m: func(m *Inbound) { m.MessageID = "" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["sha:"+m.rawSHA()] = prior{ID: 4, RawSHA256: m.rawSHA(), Kind: MsgContribution}
			},
			act: actRelocate, kind: MsgContribution},
		{name: "a quarantined copy of a stored message stays quarantined",
			m: func(m *Inbound) { m.Kind, m.KindReason = MsgQuarantined, "unparsable" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["a@x"] = prior{ID: 3, ContributionID: 9, RawSHA256: otherSHA, Kind: MsgContribution}
			},
			act: actDuplicate, kind: MsgQuarantined, reason: "unparsable", cid: 9},
		{name: "a person's copy of list mail supersedes it",
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["a@x"] = prior{ID: 3, RawSHA256: otherSHA, Kind: MsgList}
			},
			act: actSupersede, kind: MsgContribution, reason: "new contribution"},
		{name: "list mail again after list mail is a duplicate",
			m: func(m *Inbound) { m.Kind, m.KindReason = MsgList, "List-Id" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.known["a@x"] = prior{ID: 3, RawSHA256: otherSHA, Kind: MsgList}
			},
			act: actDuplicate, kind: MsgDuplicate, reason: "already stored"},
		{name: "In-Reply-To names a stored message: a follow-up",
			m: func(m *Inbound) { m.InReplyTo = "ack-1@wsis" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.threads["ack-1@wsis"] = 5
				bc.addCorrespondent(5, CorrespondentAddress, "writer@gov.example")
			},
			act: actFollowUp, kind: MsgFollowUp, reason: "In-Reply-To names a stored message", cid: 5},
		{name: "In-Reply-To from someone who is not a correspondent: from another sender",
			m:   func(m *Inbound) { m.InReplyTo = "ack-1@wsis" },
			bc:  func(bc *batchContext, m *Inbound) { bc.threads["ack-1@wsis"] = 5 },
			act: actFollowUp, kind: MsgFollowUp, reason: "from another sender (writer@gov.example)", cid: 5, other: true},
		{name: "References name a stored message: a follow-up of the latest named",
			m: func(m *Inbound) { m.References = []string{"old@x", "new@x"} },
			bc: func(bc *batchContext, m *Inbound) {
				bc.threads["old@x"], bc.threads["new@x"] = 5, 6
				bc.addCorrespondent(6, CorrespondentAddress, "Writer@gov.example")
			},
			act: actFollowUp, kind: MsgFollowUp, reason: "References name a stored message", cid: 6},
		{name: "a reference tag in the subject: a follow-up",
			m: func(m *Inbound) { m.RefTag = "wsis-2019-0042" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.refs["WSIS-2019-0042"] = 42
				bc.addCorrespondent(42, CorrespondentDomain, "gov.example")
			},
			act: actFollowUp, kind: MsgFollowUp, reason: "the subject carries WSIS-2019-0042", cid: 42},
		{name: "a reference tag from another domain: from another sender",
			m: func(m *Inbound) { m.RefTag, m.FromEmail = "wsis-2019-0042", "writer@gov.example.net" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.refs["WSIS-2019-0042"] = 42
				bc.addCorrespondent(42, CorrespondentDomain, "gov.example")
			},
			act: actFollowUp, kind: MsgFollowUp, reason: "from another sender", cid: 42, other: true},
		{name: "a follow-up naming nothing stored is a new contribution",
			m:   func(m *Inbound) { m.Kind, m.InReplyTo = MsgFollowUp, "unknown@x" },
			act: actNewContribution, kind: MsgContribution, reason: "new contribution"},
		{name: "a person's follow-up supersedes a copy sorted away",
			m: func(m *Inbound) { m.InReplyTo = "ack-1@wsis" },
			bc: func(bc *batchContext, m *Inbound) {
				bc.threads["ack-1@wsis"] = 5
				bc.known["a@x"] = prior{ID: 3, RawSHA256: otherSHA, Kind: MsgAutoReply}
			},
			act: actSupersede, kind: MsgFollowUp, reason: "In-Reply-To", cid: 0},
		{name: "a bounce of a message we sent names its contribution",
			m:   func(m *Inbound) { m.Kind, m.KindReason, m.BounceOf = MsgBounce, "delivery-status", "<ack-1@wsis>" },
			bc:  func(bc *batchContext, m *Inbound) { bc.sent["ack-1@wsis"] = 5 },
			act: actBounce, kind: MsgBounce, reason: "delivery-status", cid: 5},
		{name: "a bounce of a message we received names none",
			m: func(m *Inbound) {
				m.Kind, m.KindReason, m.BounceOf = MsgBounce, "delivery-status", "<theirs-1@example.org>"
			},
			bc:  func(bc *batchContext, m *Inbound) { bc.threads["theirs-1@example.org"] = 5 },
			act: actBounce, kind: MsgBounce, reason: "names no message we sent"},
		{name: "a bounce of something unknown names none",
			m:   func(m *Inbound) { m.Kind, m.KindReason, m.BounceOf = MsgBounce, "delivery-status", "<x@y>" },
			act: actBounce, kind: MsgBounce, reason: "delivery-status"},
		{name: "quarantined", m: func(m *Inbound) { m.Kind, m.KindReason = MsgQuarantined, "no parse" },
			act: actQuarantine, kind: MsgQuarantined, reason: "no parse"},
		{name: "an automatic reply is sorted away", m: func(m *Inbound) { m.Kind, m.KindReason = MsgAutoReply, "Auto-Submitted" },
			act: actSortedAway, kind: MsgAutoReply, reason: "Auto-Submitted"},
		{name: "our own mail is sorted away", m: func(m *Inbound) { m.Kind, m.KindReason = MsgOwn, "from us" },
			act: actSortedAway, kind: MsgOwn, reason: "from us"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := inbound(tt.m)
			bc := decideContext(nil)
			if tt.bc != nil {
				tt.bc(bc, m)
			}
			d, err := bc.decide(m, decideNow)
			if err != nil {
				t.Fatal(err)
			}
			if d.act != tt.act || d.kind != tt.kind || !strings.Contains(d.reason, tt.reason) || d.contributionID != tt.cid || d.otherSender != tt.other {
				t.Fatalf("decided %+v; want act %d, kind %s, reason with %q, contribution %d", d, tt.act, tt.kind, tt.reason, tt.cid)
			}
			if d.act == actSupersede && (d.human == nil || d.human.kind != tt.kind) {
				t.Fatalf("supersede without the person's copy decided: %+v", d)
			}
			if d.act == actDuplicate && d.checkDuplicate != (m.MessageID != "") {
				t.Fatalf("checkDuplicate = %v for Message-ID %q", d.checkDuplicate, m.MessageID)
			}
		})
	}
}

func TestDecideUnknownKindIsAnError(t *testing.T) {
	m := inbound(func(m *Inbound) { m.Kind = "spam" })
	if _, err := decideContext(nil).decide(m, decideNow); err == nil || !strings.Contains(err.Error(), "spam") {
		t.Fatalf("err = %v; want unknown kind", err)
	}
}

func TestDecideAcknowledgement(t *testing.T) {
	tests := []struct {
		name    string
		pol     func(p *IngestPolicy)
		bc      func(bc *batchContext)
		m       func(m *Inbound)
		reason  string // "" when acknowledged
		history bool
	}{
		{name: "acknowledged"},
		{name: "acknowledgements off", pol: func(p *IngestPolicy) { p.Ack = false }, reason: "acknowledgements are turned off (WSISBOT_ACK=off)"},
		{name: "no address", m: func(m *Inbound) { m.FromEmail = "" }, reason: "the sender has no address"},
		{name: "no-reply", m: func(m *Inbound) { m.NoReply = true }, reason: "the sender's address (writer@gov.example) is a no-reply or system address"},
		{name: "our own address as Reply-To", m: func(m *Inbound) { m.ReplyTo = "WSIS@itu.example" }, reason: "the mail came from our own address (wsis@itu.example)"},
		{name: "history", m: func(m *Inbound) { m.InternalDate = decideNow.Add(-72 * time.Hour) },
			reason: "history: it reached the mailbox 3 days ago, outside the 24 hours acknowledgement window", history: true},
		{name: "no window: never history", pol: func(p *IngestPolicy) { p.AckWindow = 0 },
			m: func(m *Inbound) { m.InternalDate = decideNow.Add(-72 * time.Hour) }},
		{name: "cap reached", bc: func(bc *batchContext) { bc.ackCounts["writer@gov.example"] = 5 },
			reason: "writer@gov.example already received 5 acknowledgements in 24 hours (the cap)"},
		{name: "the cap counts Reply-To", m: func(m *Inbound) { m.ReplyTo = "Office@Gov.example" },
			bc: func(bc *batchContext) { bc.ackCounts["writer@gov.example"] = 5 }},
		{name: "below the cap", bc: func(bc *batchContext) { bc.ackCounts["writer@gov.example"] = 4 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bc := decideContext(tt.bc)
			if tt.pol != nil {
				tt.pol(&bc.pol)
			}
			d, err := bc.decide(inbound(tt.m), decideNow)
			if err != nil {
				t.Fatal(err)
			}
			c := d.contribution
			if d.act != actNewContribution || c.reason != tt.reason || c.history != tt.history {
				t.Fatalf("decided %d, reason %q, history %v; want reason %q, history %v", d.act, c.reason, c.history, tt.reason, tt.history)
			}
			want := AckPending
			if tt.reason != "" {
				want = AckSuppressed
			}
			if c.ackStatus != want {
				t.Fatalf("ack status %s; want %s", c.ackStatus, want)
			}
		})
	}
}

func TestDecidePromotedRobotMailIsNeverAcknowledged(t *testing.T) {
	m := inbound(nil)
	c := decideContext(nil).decideContribution(m, decideNow, robotReason(MsgBounce, "delivery-status", nil))
	if c.ackStatus != AckSuppressed || !strings.Contains(c.reason, "a robot's mail is never acknowledged") {
		t.Fatalf("ack %s (%s); want suppressed for a robot", c.ackStatus, c.reason)
	}
	if r := robotReason(MsgList, "List-Id", map[string]string{"auto-submitted": "auto-generated"}); !strings.Contains(r, "Auto-Submitted") {
		t.Fatalf("list mail with Auto-Submitted: %q", r)
	}
	for _, h := range []string{"X-Auto-Response-Suppress", "X-Loop"} {
		if r := robotReason(MsgList, "List-Id", map[string]string{h: "All"}); !strings.Contains(r, h) {
			t.Errorf("list mail with %s: %q", h, r)
		}
	}
	if r := robotReason(MsgList, "List-Id", map[string]string{"Auto-Submitted": "no"}); r != "" {
		t.Fatalf("a person's list post: %q; want acknowledged", r)
	}
}

func TestDecideContributionRow(t *testing.T) {
	ph := DefaultPhases()
	t.Run("suggestions the consultation knows, and the deadline", func(t *testing.T) {
		m := inbound(func(m *Inbound) {
			m.Suggestion = Suggestion{Kind: "thematic", StakeholderType: "not-a-type", ActionLines: []string{"C1", "C99", "C7"},
				Organisation: "Ministry\x00 of ICT"}
		})
		c := decideContext(nil).decideContribution(m, decideNow, "")
		if c.kind != "thematic" || c.stakeholderType != "" || strings.Join(c.lines, ",") != "C1,C7" || c.organisation != "Ministry of ICT" {
			t.Fatalf("suggestions %q %q %v %q", c.kind, c.stakeholderType, c.lines, c.organisation)
		}
		want := ph.DeadlineFor("thematic", m.InternalDate)
		if c.deadline.Name != want.Name || !c.received.Equal(m.InternalDate) || !c.now.Equal(decideNow) {
			t.Fatalf("deadline %q received %v now %v", c.deadline.Name, c.received, c.now)
		}
	})
	t.Run("an unknown kind is no suggestion", func(t *testing.T) {
		c := decideContext(nil).decideContribution(inbound(func(m *Inbound) { m.Suggestion.Kind = "poem" }), decideNow, "")
		if c.kind != "" {
			t.Fatalf("kind %q", c.kind)
		}
	})
	t.Run("no internal date: received now", func(t *testing.T) {
		c := decideContext(nil).decideContribution(inbound(func(m *Inbound) { m.InternalDate = time.Time{} }), decideNow, "")
		if !c.received.Equal(decideNow) || c.history {
			t.Fatalf("received %v history %v", c.received, c.history)
		}
	})
	revisions := []struct {
		name  string
		prevs []priorContribution
		m     func(m *Inbound)
		want  int64
	}{
		{name: "same title, other case and spaces", prevs: []priorContribution{{ID: 3, Subject: "our submission"}},
			m: func(m *Inbound) { m.Subject = "  OUR   Submission " }, want: 3},
		{name: "the latest of two", prevs: []priorContribution{{ID: 3, Subject: "our submission"}, {ID: 8, Subject: "our submission"}}, want: 8},
		{name: "same attachment", prevs: []priorContribution{{ID: 4, Subject: "draft", Hashes: []string{SHA256Hex([]byte("pdf"))}}},
			m: func(m *Inbound) { m.Attachments = []InboundAttachment{{Filename: "a.pdf", Data: []byte("pdf")}} }, want: 4},
		{name: "an inline image is no resubmission", prevs: []priorContribution{{ID: 4, Subject: "draft", Hashes: []string{SHA256Hex([]byte("png"))}}},
			m: func(m *Inbound) {
				m.Attachments = []InboundAttachment{{Filename: "logo.png", Data: []byte("png"), Inline: true}}
			}},
		{name: "another title", prevs: []priorContribution{{ID: 3, Subject: "something else"}}},
	}
	for _, tt := range revisions {
		t.Run("revision: "+tt.name, func(t *testing.T) {
			bc := decideContext(func(bc *batchContext) { bc.senders["writer@gov.example"] = tt.prevs })
			c := bc.decideContribution(inbound(tt.m), decideNow, "")
			got := int64(0)
			if c.revisionOf != nil {
				got = *c.revisionOf
			}
			if got != tt.want {
				t.Fatalf("revision of %d; want %d", got, tt.want)
			}
		})
	}
}

// The batch remembers what it stored: a later message of the same batch follows up on
// an earlier one, counts toward the cap, and is a resubmission of it.
func TestDecideRemembersTheBatch(t *testing.T) {
	bc := decideContext(func(bc *batchContext) { bc.pol.AckPerSenderPerDay = 1 })
	first := inbound(nil)
	d, err := bc.decide(first, decideNow)
	if err != nil || d.act != actNewContribution || d.contribution.reason != "" {
		t.Fatalf("first: %+v %v", d, err)
	}
	bc.remember(first, Ingested{UID: first.UID, MessageRowID: 11, Kind: MsgContribution, ContributionID: 21, NewContrib: true, AckQueued: true})

	again := inbound(nil)
	if d, _ := bc.decide(again, decideNow); d.act != actSkip {
		t.Fatalf("same position again: %d; want skip", d.act)
	}
	reply := inbound(func(m *Inbound) { m.UID, m.MessageID, m.Raw, m.InReplyTo = 11, "b@x", []byte("b"), "a@x" })
	if d, _ := bc.decide(reply, decideNow); d.act != actFollowUp || d.contributionID != 21 {
		t.Fatalf("reply: %+v; want a follow-up of 21", d)
	}
	resent := inbound(func(m *Inbound) { m.UID, m.MessageID, m.Raw = 12, "c@x", []byte("c") })
	d, _ = bc.decide(resent, decideNow)
	if d.act != actNewContribution || d.contribution.revisionOf == nil || *d.contribution.revisionOf != 21 ||
		!strings.Contains(d.contribution.reason, "the cap") {
		t.Fatalf("resent: %+v; want a revision of 21 over the cap", d.contribution)
	}
}

func TestNormaliseCleansTextOnce(t *testing.T) {
	m := &Inbound{Subject: "bad \xff subject\x00", FromName: "N\x00ame", Text: "t\x00", FreshText: "t",
		Headers: map[string]string{"X-\xff": "v\x00"}, References: []string{"r\x00@x"}, Warnings: []string{"w\xfe"},
		Attachments: []InboundAttachment{{Filename: "f\x00.pdf", ContentType: "application/pdf", Data: []byte("d")}},
		Suggestion:  Suggestion{Organisation: "O\xffrg"}, Raw: []byte("raw")}
	m.normalise()
	if m.Subject != "bad \uFFFD subject" || m.FromName != "Name" || m.Text != "t" || m.References[0] != "r@x" ||
		m.Warnings[0] != "w\uFFFD" || m.Headers["X-\uFFFD"] != "v" || m.Attachments[0].Filename != "f.pdf" ||
		m.Suggestion.Organisation != "O\uFFFDrg" {
		t.Fatalf("not clean: %+v", m)
	}
	if m.Attachments[0].SHA256 != SHA256Hex([]byte("d")) || m.RawSHA256 != SHA256Hex([]byte("raw")) {
		t.Fatal("hashes not computed")
	}
	// Once clean, the new text is the whole text: stored as NULL, read back as the text.
	r, err := inboundRow(m, 0, MsgContribution, "", decideNow, decideNow)
	if err != nil || r.freshText != nil {
		t.Fatalf("fresh text %v, %v", r.freshText, err)
	}
}
