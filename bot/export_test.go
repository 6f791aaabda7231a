package bot

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/store"
)

func TestExport(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	ctx := context.Background()
	m := d.email("amina@gov.example", "=HYPERLINK(\"http://evil\") submission", "text")
	m.Attachments = []store.InboundAttachment{{Filename: "submission.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}
	res := d.ingest(m, d.email("b@ngo.example", "Second", "x"))
	id := res[0].ContributionID
	if _, err := d.st.Acknowledge(ctx, id, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.Classify(ctx, id, "U1", store.Classification{Kind: store.KindFormat, StakeholderType: store.StakeholderCivilSociety, ActionLines: []string{"C4"}, SDGs: []int64{5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.CloseContribution(ctx, id, "U1", store.OutcomeAccepted, ""); err != nil {
		t.Fatal(err)
	}

	var js bytes.Buffer
	if err := Export(ctx, d.st, &js, "json"); err != nil {
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
	var recs []ExportRecord
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
	if len(r.Attachments) != 1 || r.Attachments[0] != (ExportAttachment{Filename: "submission.pdf", ContentType: "application/pdf", Size: 8, SHA256: store.SHA256Hex([]byte("%PDF-1.4"))}) {
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
	if err := Export(ctx, d.st, &c, "csv"); err != nil {
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
	if err := Export(ctx, d.st, &x, "xlsx"); err != nil {
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

	if err := Export(ctx, d.st, &x, "pdf"); err == nil {
		t.Error("exported to pdf")
	}
}
