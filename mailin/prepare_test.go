package mailin_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// fixedClock is a clock that stands still, so that two stores write the same times.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// Messages prepared where they are parsed (store.Inbound.Prepare, as the poller and the
// archive import do) are stored exactly as Ingest stores the same messages unprepared:
// every row of every table, resubmission hints included, is the same in both databases.
// The messages are the parser's corpus, part of the evaluation set, and mail made by
// hand: resubmissions (by title, by file, by content, from a colleague, by a revision
// word alone), a follow-up, a robot's reply, and text PostgreSQL would refuse.
func TestPreparedMessagesAreStoredTheSame(t *testing.T) {
	now := time.Date(2019, 2, 12, 9, 30, 0, 0, time.UTC)
	at := now.Add(-time.Hour)
	var raws [][]byte
	for _, dir := range []string{"parse/testdata/corpus", "parse/testdata/eval"} {
		names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
		if err != nil || len(names) == 0 {
			t.Fatalf("%s: %v", dir, err)
		}
		slices.Sort(names)
		for i, n := range names {
			if strings.HasSuffix(dir, "eval") && i%8 != 0 {
				continue
			}
			raw, err := os.ReadFile(n)
			if err != nil {
				t.Fatal(err)
			}
			raws = append(raws, raw)
		}
	}
	pol := store.DefaultIngestPolicy()
	pol.OurAddresses = ourAddresses
	// The first of the messages made by hand come in the first batch, the others in the
	// last.
	hand := handMade(at)
	msgs := hand[:6:6]
	for _, raw := range raws {
		p, err := parse.Parse(raw, parse.Limits{})
		msgs = append(msgs, mailin.ToInbound(raw, 1, 0, at, "INBOX", p, err, pol))
	}
	msgs = append(msgs, hand[6:]...)
	for i := range msgs {
		msgs[i].UIDValidity, msgs[i].UID = 1, uint32(i+1)
	}
	// Batches of 40: resubmissions are found in the batch and in the ones before.
	batches := func(prepare bool) []store.IngestBatch {
		var out []store.IngestBatch
		for i := 0; i < len(msgs); i += 40 {
			b := store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: uint32(min(i+40, len(msgs)))}
			for _, m := range msgs[i:min(i+40, len(msgs))] {
				m.Attachments = slices.Clone(m.Attachments)
				if prepare {
					m.Prepare()
				}
				b.Messages = append(b.Messages, m)
			}
			out = append(out, b)
		}
		return out
	}
	var dumps [2]map[string][]string
	for i, prepare := range []bool{true, false} {
		st, _ := storetest.New(t, storetest.Options{Clock: fixedClock(now)})
		for _, b := range batches(prepare) {
			if _, err := st.Ingest(context.Background(), b, pol); err != nil {
				t.Fatal(err)
			}
		}
		dumps[i] = dumpTables(t, st)
	}
	prepared, unprepared := dumps[0], dumps[1]
	var hints int
	for _, row := range prepared["contributions"] {
		if !strings.Contains(row, `"revision_of_suggested": null`) {
			hints++
		}
	}
	if hints < 4 || len(prepared["contributions"]) < 20 || len(prepared["attachments"]) == 0 {
		t.Fatalf("%d contributions, %d with a resubmission hint, %d attachments: the messages do not test what they should",
			len(prepared["contributions"]), hints, len(prepared["attachments"]))
	}
	// Text PostgreSQL would refuse is made acceptable, not quarantined.
	if !slices.ContainsFunc(prepared["messages"], func(row string) bool {
		return strings.Contains(row, "\"subject\": \"Proposal for a \ufffdworkshop\"") && strings.Contains(row, `"kind": "contribution"`)
	}) {
		t.Error("the message with a NUL and bytes that are not UTF-8 was not stored as a contribution with its text made acceptable")
	}
	for _, table := range slices.Sorted(func(yield func(string) bool) {
		for k := range unprepared {
			if !yield(k) {
				return
			}
		}
	}) {
		a, b := prepared[table], unprepared[table]
		if len(a) != len(b) {
			t.Errorf("%s: %d rows prepared, %d unprepared", table, len(a), len(b))
			continue
		}
		for i := range a {
			if a[i] != b[i] {
				t.Errorf("%s: prepared\n\t%s\nunprepared\n\t%s", table, a[i], b[i])
				break
			}
		}
	}
}

// dumpTables gives every row of every table of the store, as JSON, in order.
func dumpTables(t *testing.T, st *store.Store) map[string][]string {
	t.Helper()
	db := st.DB()
	var tables []string
	if err := db.Select(&tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		var rows []string
		if err := db.Select(&rows, `SELECT to_jsonb(t)::text FROM `+pq.QuoteIdentifier(table)+` t ORDER BY 1`); err != nil {
			t.Fatal(err)
		}
		out[table] = rows
	}
	return out
}

// handMade are messages that a resubmission is recognised in, and messages whose text
// PostgreSQL would refuse as it is.
func handMade(at time.Time) []store.Inbound {
	n := 0
	msg := func(from, org, subject string, atts ...store.InboundAttachment) store.Inbound {
		n++
		id := fmt.Sprintf("hand%d@mail.example", n)
		text := "Please find our contribution attached.\n\nBest regards,\n" + from
		return store.Inbound{Kind: store.MsgContribution, KindReason: "a person's mail", MessageID: id,
			FromName: strings.Split(from, "@")[0], FromEmail: from, To: "WSIS <wsis@itu.int>", Subject: subject, Date: at,
			InternalDate: at, Text: text, FreshText: text, Language: "en", MailboxName: "main",
			Headers: map[string]string{"Subject": subject, "From": from, "Message-Id": "<" + id + ">"},
			Raw:     []byte("From: " + from + "\r\nSubject: " + subject + "\r\nMessage-ID: <" + id + ">\r\n\r\n" + text + "\r\n"),
			Suggestion: store.Suggestion{Kind: "workshop", Organisation: org, Reasons: []string{"organisation: " + org},
				ActionLines: []string{"C1", "C7"}},
			Attachments: atts}
	}
	file := func(name, content string) store.InboundAttachment {
		return store.InboundAttachment{Filename: name, ContentType: "application/pdf", Data: []byte(content)}
	}
	const amina, moussa, li = "amina.diallo@gov.example.sn", "moussa.ndiaye@gov.example.sn", "li.wei@ngo.example.cn"
	first := msg(amina, "Ministry of ICT Senegal", "National ICT strategy 2019-2023", file("ICT_Strategy.pdf", "strategy, first draft"))
	followUp := msg(amina, "", "Re: National ICT strategy 2019-2023")
	followUp.Kind, followUp.InReplyTo, followUp.References = store.MsgFollowUp, first.MessageID, []string{first.MessageID}
	autoReply := msg("robot@gov.example.sn", "", "Automatic reply: National ICT strategy 2019-2023")
	autoReply.Kind, autoReply.KindReason = store.MsgAutoReply, "Auto-Submitted: auto-replied"
	autoReply.Headers["Auto-Submitted"] = "auto-replied"
	withReplyTo := msg(li, "Digital Inclusion Network", "Workshop proposal: community networks", file("workshop-form.docx", "the form"))
	withReplyTo.ReplyTo, withReplyTo.AckTo = "secretariat@ngo.example.cn", "secretariat@ngo.example.cn"
	refused := msg("ren\xe9e@bad.example", "Caf\xe9\x00 Numérique", "Proposal\x00 for a \xffworkshop", file("plan\x00.pdf", "the plan"))
	refused.FromName, refused.Text, refused.FreshText = "Ren\xe9e", "text\x00 with a NUL", "text\x00"
	refused.Headers["X-Odd\x00"] = "v\xff"
	refused.Warnings, refused.References = []string{"charset\x00 unknown"}, []string{"ref\x00@mail.example"}
	refused.Suggestion.Reasons = append(refused.Suggestion.Reasons, "kind workshop\x00")
	return []store.Inbound{
		first,
		msg(li, "Digital Inclusion Network", "Our contribution on e-agriculture", file("eagri.pdf", "e-agriculture")),
		withReplyTo,
		refused,
		// The same content under another name, in the same batch.
		msg(amina, "Ministry of ICT Senegal", "Our input", file("annex.pdf", "strategy, first draft")),
		followUp,
		autoReply,
		// A revision word and the same title.
		msg(amina, "Ministry of ICT Senegal", "Revised: National ICT strategy 2019-2023", file("ICT_Strategy_v2.pdf", "strategy, second draft")),
		// A colleague: the same organisation, a similar title.
		msg(moussa, "ministry of ICT  senegal", "National ICT strategy 2019-2023 (updated)"),
		// A file of the same name.
		msg(li, "Digital Inclusion Network", "Second thoughts", file("Workshop-Form_final.docx", "another form")),
		// A revision word alone: the sender's latest.
		msg(li, "", "Contribution révisée"),
		msg(moussa, "", "Question about accreditation", file("passport.jpg", "a photo")),
	}
}
