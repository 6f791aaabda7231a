package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// email is a contribution as the intake hands it to the store.
func email(now time.Time, uid uint32, from, subject, text string) store.Inbound {
	return store.Inbound{
		Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: now,
		Raw:       []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <t%d@example.org>\r\n\r\n%s\r\n", from, subject, uid, text)),
		Kind:      store.MsgContribution,
		MessageID: fmt.Sprintf("t%d@example.org", uid),
		FromName:  "Amina Sender", FromEmail: from, Subject: subject, Text: text, FreshText: text, Language: "fr",
		Suggestion: store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment,
			ActionLines: []string{"C7"}, Organisation: "Ministry of ICT"},
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	geneva, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	clock := store.NewOffsetClock(time.Date(2019, 1, 21, 10, 0, 0, 0, geneva))
	st, _ := storetest.New(t, storetest.Options{Clock: clock})
	ctx := context.Background()
	m := email(clock.Now(), 1, "amina@gov.example", "=HYPERLINK(\"http://evil\") submission", "text")
	m.Attachments = []store.InboundAttachment{{Filename: "submission.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
	res, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: 2,
		Messages: []store.Inbound{m, email(clock.Now(), 2, "b@ngo.example", "Second", "x")}}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatal(err)
	}
	id := res[0].ContributionID
	if _, err := st.Take(ctx, id, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Classify(ctx, id, "U1", store.Classification{Kind: store.KindFormat, StakeholderType: store.StakeholderCivilSociety, ActionLines: []string{"C4"}, SDGs: []int64{5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CloseContribution(ctx, id, "U1", store.OutcomeAccepted, ""); err != nil {
		t.Fatal(err)
	}

	var js bytes.Buffer
	if err := Write(ctx, st, &js, "json"); err != nil {
		t.Fatal(err)
	}
	var generic []map[string]any
	if err := json.Unmarshal(js.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	if len(generic) != 2 {
		t.Fatalf("%d records", len(generic))
	}
	for _, k := range []string{"ref", "status", "outcome", "kind", "stakeholder_type", "language", "from_name", "from_email",
		"organisation", "subject", "received_at", "deadline", "late", "assignee", "ack_sent_at", "ack_suppressed_reason",
		"message_count", "attachments", "events"} {
		if _, ok := generic[0][k]; !ok {
			t.Errorf("JSON record lacks %q", k)
		}
	}
	var recs []Record
	if err := json.Unmarshal(js.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	r := recs[0]
	if r.Ref != "WSIS-2019-0001" || r.Status != "closed" || r.Outcome == nil || *r.Outcome != "accepted" || r.Kind != "format" ||
		!r.KindConfirmed || r.StakeholderType != "civil_society" || r.Language != "fr" || r.FromEmail != "amina@gov.example" ||
		r.Organisation != "Ministry of ICT" || r.Assignee != "U1" || r.MessageCount != 1 || r.Late || r.AckSentAt != nil {
		t.Errorf("record = %+v", r)
	}
	for _, ts := range []string{r.ReceivedAt, *r.Deadline} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("time %q is not RFC 3339", ts)
		}
	}
	if *r.Deadline != "2019-02-10T22:59:59Z" {
		t.Errorf("deadline = %s, want the end of 10 February, Geneva", *r.Deadline)
	}
	if len(r.Attachments) != 1 || r.Attachments[0] != (Attachment{Filename: "submission.pdf", ContentType: "application/pdf", Size: 8, SHA256: store.SHA256Hex([]byte("%PDF-1.4"))}) {
		t.Errorf("attachments = %+v", r.Attachments)
	}
	var actions []string
	for _, e := range r.Events {
		actions = append(actions, e.Actor+":"+e.Action)
	}
	if strings.Join(actions, " ") != "amina@gov.example:receive U1:acknowledge U1:classify U1:close" {
		t.Errorf("events = %v", actions)
	}
	if recs[1].Outcome != nil || recs[1].KindConfirmed || recs[1].Kind != "thematic" || len(recs[1].Attachments) != 0 {
		t.Errorf("second record = %+v", recs[1])
	}

	var c bytes.Buffer
	if err := Write(ctx, st, &c, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&c).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(tableHeader, ",") {
		t.Fatalf("csv header = %v", rows[0])
	}
	if subject := rows[1][13]; !strings.HasPrefix(subject, "'=HYPERLINK") {
		t.Errorf("a formula reached the CSV: %q", subject)
	}

	var x bytes.Buffer
	if err := Write(ctx, st, &x, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	cell, _ := f.GetCellValue("Contributions", "N2")
	if formula, _ := f.GetCellFormula("Contributions", "N2"); formula != "" || !strings.HasPrefix(cell, "=HYPERLINK") {
		t.Errorf("subject cell = %q, formula %q", cell, formula)
	}
	if ev, _ := f.GetRows("Events"); len(ev) != 1+4+1 {
		t.Errorf("events sheet has %d rows", len(ev))
	}
	if at, _ := f.GetRows("Attachments"); len(at) != 2 || at[1][1] != "submission.pdf" {
		t.Errorf("attachments sheet = %v", at)
	}

	if err := Write(ctx, st, &x, "pdf"); err == nil {
		t.Error("exported to pdf")
	}
}
