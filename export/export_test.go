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
	if strings.Join(actions, " ") != "amina@gov.example:receive slack:U1:acknowledge slack:U1:classify slack:U1:close" {
		t.Errorf("events = %v", actions)
	}
	if recs[1].Outcome != nil || recs[1].KindConfirmed || recs[1].Kind != "thematic" || len(recs[1].Attachments) != 0 {
		t.Errorf("second record = %+v", recs[1])
	}

	var c bytes.Buffer
	if err := Write(ctx, st, &c, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(c.Bytes(), []byte("\uFEFF")))).ReadAll()
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

// TestCSVForExcel checks the CSV as Excel in Geneva opens it: a byte-order mark so that
// UTF-8 is read as UTF-8, and no cell a sender wrote read as a formula, whatever
// character the locale splits cells on.
func TestCSVForExcel(t *testing.T) {
	t.Parallel()
	attacks := []string{
		"Report;=cmd|' /C calc'!A0",
		"Report,=HYPERLINK(\"http://evil\")",
		"Report\t@SUM(1+1)*cmd|' /C calc'!A0",
		"Report; -2+3+cmd|' /C calc'!A0",
		"Report;\"=cmd\"",
		"Report\n+cmd|' /C calc'!A0",
		"=1+1",
		"\t=1+1",
	}
	texts := []string{"مساهمة وزارة الاتصالات", "中国互联网络信息中心的意见", "Предложение Министерства цифрового развития"}
	var recs []Record
	for i, s := range append(append([]string{}, attacks...), texts...) {
		recs = append(recs, Record{Ref: fmt.Sprintf("WSIS-2019-%04d", i+1), Subject: s, FromName: s, Organisation: s,
			Attachments: []Attachment{{Filename: s + ".pdf", ContentType: "application/pdf"}}})
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, recs); err != nil {
		t.Fatal(err)
	}
	data, ok := bytes.CutPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Errorf("the CSV does not start with a UTF-8 byte-order mark: % x", data[:min(len(data), 8)])
	}

	// Wherever a spreadsheet might start a cell (after any delimiter it may split on, or
	// a line break, quotes or not), the cell must not start a formula.
	for _, delim := range []string{",", ";", "\t"} {
		for _, line := range strings.FieldsFunc(string(data), func(r rune) bool { return r == '\n' || r == '\r' }) {
			for _, cell := range strings.Split(line, delim) {
				cell = strings.TrimLeft(cell, ` "`)
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("splitting on %q, a cell starts a formula: %q", delim, cell)
				}
			}
		}
	}

	// Split on commas as the file says, every field comes back, the text whole.
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(recs)+1 || strings.Join(rows[0], ",") != strings.Join(tableHeader, ",") {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for i, s := range texts {
		row := rows[1+len(attacks)+i]
		if row[10] != s || row[13] != s || row[12] != s || !strings.HasPrefix(row[23], s+".pdf") {
			t.Errorf("%q came back as from_name %q, subject %q, organisation %q, attachments %q", s, row[10], row[13], row[12], row[23])
		}
	}
	// Every field is quoted, so that no locale's delimiter inside one splits it.
	if !strings.HasPrefix(string(data), `"ref","status",`) || !strings.Contains(string(data), "\r\n\"WSIS-2019-0001\",") {
		t.Errorf("fields are not all quoted: %.80q", data)
	}
}

// TestExportMailboxColumn: every format says which mailbox each contribution came to.
func TestExportMailboxColumn(t *testing.T) {
	t.Parallel()
	clock := store.NewOffsetClock(time.Date(2019, 1, 21, 10, 0, 0, 0, time.UTC))
	st, _ := storetest.New(t, storetest.Options{Clock: clock})
	ctx := context.Background()
	info, ws := email(clock.Now(), 1, "a@gov.example", "First", "x"), email(clock.Now(), 2, "b@ngo.example", "Workshop", "y")
	info.MailboxName, ws.MailboxName = "main", "workshops"
	if _, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: 2, Messages: []store.Inbound{info, ws}},
		store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := Write(ctx, st, &js, "json"); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(js.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0]["mailbox"] != "main" || recs[1]["mailbox"] != "workshops" {
		t.Fatalf("JSON mailboxes: %v", recs)
	}
	var c bytes.Buffer
	if err := Write(ctx, st, &c, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(c.Bytes(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := len(rows[0]) - 1
	if rows[0][col] != "mailbox" || rows[1][col] != "main" || rows[2][col] != "workshops" {
		t.Fatalf("CSV mailbox column: %v / %v / %v", rows[0], rows[1], rows[2])
	}
	var x bytes.Buffer
	if err := Write(ctx, st, &x, "xlsx"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := f.GetRows("Contributions")
	if err != nil || len(sheet) != 3 || sheet[0][col] != "mailbox" || sheet[2][col] != "workshops" {
		t.Fatalf("XLSX mailbox column: %v %v", sheet, err)
	}
}
