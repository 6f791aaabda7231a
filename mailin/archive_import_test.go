package mailin_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// mboxEntry writes one message as an mboxrd file holds it: the "From " line, LF line
// ends, ">From " escaped, and the empty line after it.
func mboxEntry(from string, date time.Time, raw []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "From %s %s\n", from, date.UTC().Format(time.ANSIC))
	for _, line := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n"), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			line = ">" + line
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

// quotingMessage is a contribution whose text has lines starting with "From ": one
// that the mbox escapes, and one after an empty line.
func quotingMessage(run string) []byte {
	return []byte("From: Pat Quoter <pat." + run + "@ngo.example>\r\nTo: wsis-info@itu.int\r\n" +
		"Subject: Our contribution on Action Line C3\r\nDate: Mon, 21 Jan 2019 09:00:00 +0100\r\n" +
		"Message-ID: <quoting." + run + "@ngo.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Dear Secretariat,\r\n\r\nFrom the start, access to information has been our concern.\r\n" +
		"From what we have seen, libraries matter.\r\n\r\nRegards,\r\nPat\r\n")
}

// replyMessage is Pat's follow-up of quotingMessage.
func replyMessage(run string) []byte {
	return []byte("From: Pat Quoter <pat." + run + "@ngo.example>\r\nTo: wsis-info@itu.int\r\n" +
		"Subject: Re: Our contribution on Action Line C3\r\nDate: Mon, 21 Jan 2019 10:00:00 +0100\r\n" +
		"Message-ID: <reply." + run + "@ngo.example>\r\nIn-Reply-To: <quoting." + run + "@ngo.example>\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\nPlease find our annex below.\r\n")
}

// archives writes an mbox file (three generated contributions, quotingMessage and its
// follow-up), a
// Maildir (two), a folder of .eml files (two, one nested) and one .eml file that is
// not mail, all under one folder; it returns the folder.
func archives(t testing.TB, run string) string {
	dir := t.TempDir()
	year := time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)
	var mbox strings.Builder
	for i := range 3 {
		d := year.Add(time.Duration(i) * time.Hour)
		mbox.WriteString(mboxEntry(fmt.Sprintf("contributor.%d@example.org", i), d, imaptest.Mail(i, imaptest.MailOptions{Run: run, Date: d, Attachment: 2000})))
	}
	mbox.WriteString(mboxEntry("pat@ngo.example", year.Add(5*time.Hour), quotingMessage(run)))
	mbox.WriteString(mboxEntry("pat@ngo.example", year.Add(6*time.Hour), replyMessage(run)))
	writeFile(t, filepath.Join(dir, "thunderbird", "Inbox"), []byte(mbox.String()))
	writeFile(t, filepath.Join(dir, "thunderbird", "Inbox.msf"), []byte("// <!-- <mdb:mork:z v=\"1.4\"/> -->\n"))
	for i := 3; i < 5; i++ {
		d := year.AddDate(0, 0, i)
		name := fmt.Sprintf("%d.M%dP1.mail:2,S", d.Unix(), i)
		writeFile(t, filepath.Join(dir, "Maildir", "cur", name), []byte(strings.ReplaceAll(string(imaptest.Mail(i, imaptest.MailOptions{Run: run, Date: d})), "\r\n", "\n")))
	}
	if err := os.MkdirAll(filepath.Join(dir, "Maildir", "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "outlook", "a.eml"), imaptest.Mail(5, imaptest.MailOptions{Run: run, Date: year.AddDate(0, 1, 0)}))
	writeFile(t, filepath.Join(dir, "outlook", "February", "b.eml"), imaptest.Mail(6, imaptest.MailOptions{Run: run, Date: year.AddDate(0, 1, 1)}))
	writeFile(t, filepath.Join(dir, "outlook", "broken.eml"), []byte("this is not a message: no header at all\r\n"))
	return dir
}

func importRequest(paths ...string) mailin.ImportRequest {
	return mailin.ImportRequest{Paths: paths, Batch: 3}
}

func countOf(t testing.TB, db *sqlx.DB, q string) int {
	t.Helper()
	var n int
	if err := db.Get(&n, q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// Mbox, Maildir and .eml archives together: every message stored once, as history (no
// acknowledgement, no card), the message that is not mail quarantined raw, the mbox's
// escaping undone, one summary for the channel; importing them again adds nothing.
func TestImportArchivesAsHistoryOnce(t *testing.T) {
	st, _ := storetest.New(t)
	db := st.DB()
	run := fmt.Sprintf("i%d", time.Now().UnixNano()%1e9)
	dir := archives(t, run)
	ctx := context.Background()

	rep, err := mailin.Import(ctx, st, testPolicy(), importRequest(dir), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 10 || rep.Stored != 10 || rep.Contributions != 8 || rep.Quarantined != 1 || rep.Other != 1 || rep.AlreadyStored != 0 || len(rep.Skipped) != 1 {
		t.Fatalf("first import: %+v", rep)
	}
	if n := countOf(t, db, `SELECT count(*) FROM messages`); n != 10 {
		t.Fatalf("%d messages stored, want 10", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM messages m JOIN contributions c ON c.id = m.contribution_id
		WHERE m.kind = 'follow_up' AND m.message_id = 'reply.`+run+`@ngo.example'`); n != 1 {
		t.Errorf("the reply is not stored as a follow-up in its contribution's conversation")
	}
	if n := countOf(t, db, `SELECT count(*) FROM contributions WHERE history AND ack_status = 'suppressed'`); n != 8 {
		t.Errorf("%d history contributions without acknowledgement, want 8", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM outbox WHERE kind IN ('ack_email', 'slack_card', 'slack_thread', 'slack_update')`); n != 0 {
		t.Errorf("%d acknowledgements, cards, card notes or updates queued for history, want none", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM outbox WHERE kind = 'slack_notice' AND payload->>'type' = 'quarantine'`); n != 1 {
		t.Errorf("%d quarantine notices, want 1", n)
	}
	var q struct {
		Raw    []byte `db:"raw"`
		Reason string `db:"kind_reason"`
	}
	if err := db.Get(&q, `SELECT raw, kind_reason FROM messages WHERE kind = 'quarantined'`); err != nil {
		t.Fatal(err)
	}
	if string(q.Raw) != "this is not a message: no header at all\r\n" || !strings.Contains(q.Reason, "broken.eml") {
		t.Errorf("quarantined %q: %s", q.Raw, q.Reason)
	}
	var text string
	if err := db.Get(&text, `SELECT text_body FROM messages WHERE message_id = $1`, "quoting."+run+"@ngo.example"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "\nFrom the start, access") || !strings.Contains(text, "\nFrom what we have seen") {
		t.Errorf("the text lost its \"From \" lines: %q", text)
	}
	// When the mail arrived: the mbox "From " line, the Maildir file name, the Date header.
	var received []time.Time
	if err := db.Select(&received, `SELECT received_at FROM messages WHERE kind <> 'quarantined' ORDER BY received_at`); err != nil {
		t.Fatal(err)
	}
	if first := received[0].UTC(); !first.Equal(time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("first received %v, want the mbox \"From \" line's date", first)
	}
	// The card and the export say where imported mail came from.
	var names []string
	if err := db.Select(&names, `SELECT DISTINCT mailbox_name FROM contributions`); err != nil {
		t.Fatal(err)
	}
	if len(names) != 1 || names[0] != "archive" {
		t.Errorf("imported contributions' mailboxes %q, want only \"archive\"", names)
	}
	if n := countOf(t, db, qHistorySummaries); n != 1 {
		t.Fatalf("%d history summaries, want 1", n)
	}
	var before string
	if err := db.Get(&before, `SELECT payload->>'messages' || ' ' || (payload->>'contributions') FROM outbox WHERE payload->>'type' = 'history_import'`); err != nil {
		t.Fatal(err)
	}
	if before != "10 8" {
		t.Errorf("summary counts %q, want 10 messages, 8 contributions", before)
	}
	if rep.Import.Messages != 10 || rep.Import.FinishedAt == nil {
		t.Errorf("import = %+v", rep.Import)
	}

	// The second time, what is stored with the same bytes is not even parsed: no
	// message reaches Ingest.
	counting := &countingArchiveStore{Store: st}
	again, err := mailin.Import(ctx, counting, testPolicy(), importRequest(dir), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if again.Read != 10 || again.Stored != 0 || again.AlreadyStored != 10 {
		t.Errorf("second import: %+v, want everything already stored", again)
	}
	if counting.messages != 0 {
		t.Errorf("the second import handed %d messages to Ingest, want none", counting.messages)
	}
	if n := countOf(t, db, `SELECT count(*) FROM messages`); n != 10 {
		t.Errorf("%d messages after the second import, want 10", n)
	}
	if n := countOf(t, db, `SELECT count(*) FROM outbox`); n != 2 {
		t.Errorf("%d outbox items after the second import, want the 2 of the first", n)
	}
}

// countingArchiveStore counts the messages handed to Ingest.
type countingArchiveStore struct {
	*store.Store
	messages int
}

func (c *countingArchiveStore) Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error) {
	c.messages += len(b.Messages)
	return c.Store.Ingest(ctx, b, pol)
}

// failingArchiveStore stores the first batches, then fails like a process that died.
type failingArchiveStore struct {
	*store.Store
	batches, stored int
}

func (f *failingArchiveStore) Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error) {
	if f.stored >= f.batches {
		return nil, errDied
	}
	f.stored++
	return f.Store.Ingest(ctx, b, pol)
}

// An import stopped half-way is continued by the next run of the same import: one
// summary, counting all of it.
func TestImportContinuesAfterAStop(t *testing.T) {
	st, _ := storetest.New(t)
	db := st.DB()
	dir := archives(t, fmt.Sprintf("c%d", time.Now().UnixNano()%1e9))
	ctx := context.Background()
	if _, err := mailin.Import(ctx, &failingArchiveStore{Store: st, batches: 1}, testPolicy(), importRequest(dir), testLogger(t)); !errors.Is(err, errDied) {
		t.Fatalf("first run: %v, want it to die", err)
	}
	if n := countOf(t, db, `SELECT count(*) FROM messages`); n != 3 {
		t.Fatalf("the first run stored %d messages, want one batch of 3", n)
	}
	if n := countOf(t, db, qHistorySummaries); n != 0 {
		t.Fatalf("%d summaries before the import ended", n)
	}
	rep, err := mailin.Import(ctx, st, testPolicy(), importRequest(dir), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Import.Continued || rep.Stored != 7 || rep.AlreadyStored != 3 || rep.Import.Messages != 10 || rep.Import.Contributions != 8 {
		t.Errorf("second run: %+v (import %+v)", rep, rep.Import)
	}
	if n := countOf(t, db, qHistorySummaries); n != 1 {
		t.Errorf("%d summaries, want 1", n)
	}
}

// A dry run reads and parses, and stores nothing (it needs no store); --since and
// --until keep mail received in their range.
func TestImportDryRunAndRange(t *testing.T) {
	dir := archives(t, "dry")
	rep, err := mailin.Import(context.Background(), nil, testPolicy(), mailin.ImportRequest{Paths: []string{dir}, DryRun: true}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 10 || rep.Kinds[store.MsgContribution] != 9 || rep.Kinds[store.MsgQuarantined] != 1 || rep.Stored != 0 {
		t.Errorf("dry run: %+v", rep)
	}
	req := mailin.ImportRequest{Paths: []string{dir}, DryRun: true,
		Since: time.Date(2019, 1, 20, 11, 0, 0, 0, time.UTC), Until: time.Date(2019, 2, 1, 0, 0, 0, 0, time.UTC)}
	rep, err = mailin.Import(context.Background(), nil, testPolicy(), req, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	// In range: four of the mbox (11:00, 12:00, 15:00, 16:00) and the Maildir's two; the
	// message that is not mail has no date but its file's (today).
	if rep.Read != 10 || rep.OutOfRange != 10-6 {
		t.Errorf("range: read %d, out of range %d; want 10 and 4", rep.Read, rep.OutOfRange)
	}
}
