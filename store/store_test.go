package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var inConsultation = time.Date(2019, 1, 20, 10, 0, 0, 0, time.FixedZone("CET", 3600))

func newStore(t *testing.T) (*store.Store, *store.OffsetClock) {
	t.Helper()
	clock := store.NewOffsetClock(inConsultation)
	s, _ := storetest.New(t, storetest.Options{Clock: clock})
	return s, clock
}

var uidSeq struct {
	sync.Mutex
	n uint32
}

func nextUID() uint32 {
	uidSeq.Lock()
	defer uidSeq.Unlock()
	uidSeq.n++
	return uidSeq.n
}

func inbound(from, subject string) store.Inbound {
	uid := nextUID()
	return store.Inbound{
		Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: inConsultation,
		Raw:       []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <m%d@example.org>\r\n\r\nHello %d\r\n", from, subject, uid, uid)),
		Kind:      store.MsgContribution,
		MessageID: fmt.Sprintf("m%d@example.org", uid),
		FromName:  "Sender", FromEmail: from, Subject: subject, Text: "Hello", Language: "en",
	}
}

func ingest(t *testing.T, s *store.Store, msgs ...store.Inbound) []store.Ingested {
	t.Helper()
	var last uint32
	for _, m := range msgs {
		last = max(last, m.UID)
	}
	res, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: last, Messages: msgs}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res
}

// submissions makes n messages from n writers, each a new contribution unless vary,
// called with each, makes it something else.
func submissions(n int, vary func(i int, m *store.Inbound)) []store.Inbound {
	msgs := make([]store.Inbound, 0, n)
	for i := range n {
		m := inbound(fmt.Sprintf("writer%d@gov.example", i), fmt.Sprintf("Submission %d", i))
		vary(i, &m)
		msgs = append(msgs, m)
	}
	return msgs
}

func newContribution(t *testing.T, s *store.Store) store.Contribution {
	t.Helper()
	res := ingest(t, s, inbound("minister@gov.example", "Thematic submission"))
	c, err := s.Contribution(context.Background(), res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var classification = store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment, ActionLines: []string{"C7", "C1", "C7"}, SDGs: []int64{9, 4}}

// drive brings a new contribution to the given status through allowed actions.
func drive(t *testing.T, s *store.Store, to store.Status) store.Contribution {
	t.Helper()
	ctx := context.Background()
	c := newContribution(t, s)
	var err error
	steps := map[store.Status][]func() (store.Contribution, error){
		store.StatusReceived: nil,
		store.StatusTaken:    {func() (store.Contribution, error) { return s.Take(ctx, c.ID, "U1") }},
		store.StatusClassified: {
			func() (store.Contribution, error) { return s.Take(ctx, c.ID, "U1") },
			func() (store.Contribution, error) { return s.Classify(ctx, c.ID, "U1", classification) },
		},
		store.StatusClosed: {
			func() (store.Contribution, error) { return s.Take(ctx, c.ID, "U1") },
			func() (store.Contribution, error) { return s.Classify(ctx, c.ID, "U1", classification) },
			func() (store.Contribution, error) {
				return s.CloseContribution(ctx, c.ID, "U1", store.OutcomeAccepted, "")
			},
		},
	}
	for _, step := range steps[to] {
		if c, err = step(); err != nil {
			t.Fatalf("drive to %s: %v", to, err)
		}
	}
	if c.Status != to {
		t.Fatalf("status = %s, want %s", c.Status, to)
	}
	return c
}

func TestTransitions(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	type action struct {
		name string
		do   func(id int64) (store.Contribution, error)
	}
	acknowledge := action{"acknowledge", func(id int64) (store.Contribution, error) { return s.Take(ctx, id, "U2") }}
	classify := action{"classify", func(id int64) (store.Contribution, error) { return s.Classify(ctx, id, "U2", classification) }}
	closeAs := func(outcome string) action {
		return action{"close " + outcome, func(id int64) (store.Contribution, error) {
			return s.CloseContribution(ctx, id, "U2", outcome, "")
		}}
	}
	reopen := action{"reopen", func(id int64) (store.Contribution, error) { return s.Reopen(ctx, id, "U2", "sender asked") }}
	assign := action{"assign", func(id int64) (store.Contribution, error) { return s.Assign(ctx, id, "U2", "U3") }}

	cases := []struct {
		from    store.Status
		act     action
		want    store.Status // "" means refused
		outcome string
	}{
		{store.StatusReceived, acknowledge, store.StatusTaken, ""},
		{store.StatusReceived, classify, "", ""},
		{store.StatusReceived, closeAs(store.OutcomeSpam), store.StatusClosed, store.OutcomeSpam},
		{store.StatusReceived, closeAs(store.OutcomeDuplicate), store.StatusClosed, store.OutcomeDuplicate},
		{store.StatusReceived, closeAs(store.OutcomeAccepted), "", ""},
		{store.StatusReceived, closeAs(store.OutcomeDeclined), "", ""},
		{store.StatusReceived, reopen, "", ""},
		{store.StatusReceived, assign, store.StatusReceived, ""},
		{store.StatusTaken, acknowledge, "", ""},
		{store.StatusTaken, classify, store.StatusClassified, ""},
		{store.StatusTaken, closeAs(store.OutcomeSpam), store.StatusClosed, store.OutcomeSpam},
		{store.StatusTaken, closeAs(store.OutcomeAccepted), "", ""},
		{store.StatusTaken, reopen, "", ""},
		{store.StatusClassified, classify, store.StatusClassified, ""},
		{store.StatusClassified, acknowledge, "", ""},
		{store.StatusClassified, closeAs(store.OutcomeAccepted), store.StatusClosed, store.OutcomeAccepted},
		{store.StatusClassified, closeAs(store.OutcomeDeclined), store.StatusClosed, store.OutcomeDeclined},
		{store.StatusClassified, closeAs("maybe"), "", ""},
		{store.StatusClassified, reopen, "", ""},
		{store.StatusClosed, reopen, store.StatusTaken, ""},
		{store.StatusClosed, acknowledge, "", ""},
		{store.StatusClosed, classify, "", ""},
		{store.StatusClosed, closeAs(store.OutcomeSpam), "", ""},
		{store.StatusClosed, assign, "", ""},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s", c.from, c.act.name), func(t *testing.T) {
			before := drive(t, s, c.from)
			evBefore, _ := s.Events(ctx, before.ID)
			got, err := c.act.do(before.ID)
			after, _ := s.Contribution(ctx, before.ID)
			evAfter, _ := s.Events(ctx, before.ID)
			if c.want == "" {
				if err == nil {
					t.Fatalf("allowed, status now %s", got.Status)
				}
				if after.Status != before.Status || len(evAfter) != len(evBefore) {
					t.Fatalf("a refused action changed something: %s → %s, events %d → %d", before.Status, after.Status, len(evBefore), len(evAfter))
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if after.Status != c.want {
				t.Fatalf("status = %s, want %s", after.Status, c.want)
			}
			if (after.Outcome == nil) != (c.outcome == "") || (after.Outcome != nil && *after.Outcome != c.outcome) {
				t.Fatalf("outcome = %v, want %q", after.Outcome, c.outcome)
			}
			if len(evAfter) != len(evBefore)+1 {
				t.Fatalf("events %d → %d, want one more", len(evBefore), len(evAfter))
			}
			last := evAfter[len(evAfter)-1]
			if last.Actor != "slack:U2" || last.OldStatus != string(before.Status) || last.NewStatus != string(c.want) {
				t.Fatalf("event = %+v", last)
			}
		})
	}
	t.Run("refusal is a transition error", func(t *testing.T) {
		c := drive(t, s, store.StatusReceived)
		_, err := s.Classify(ctx, c.ID, "U2", classification)
		if !store.IsTransitionError(err) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("reopen needs a reason", func(t *testing.T) {
		c := drive(t, s, store.StatusClosed)
		if _, err := s.Reopen(ctx, c.ID, "U2", "  "); err == nil {
			t.Fatal("reopened without a reason")
		}
	})
	t.Run("invalid classification", func(t *testing.T) {
		c := drive(t, s, store.StatusTaken)
		for _, cl := range []store.Classification{
			{Kind: "poem", StakeholderType: store.StakeholderGovernment},
			{Kind: store.KindFormat, StakeholderType: "martians"},
			{Kind: store.KindFormat, StakeholderType: store.StakeholderOther, ActionLines: []string{"C12"}},
			{Kind: store.KindFormat, StakeholderType: store.StakeholderOther, SDGs: []int64{18}},
		} {
			if _, err := s.Classify(ctx, c.ID, "U2", cl); err == nil {
				t.Errorf("accepted %+v", cl)
			}
		}
	})
	t.Run("missing contribution", func(t *testing.T) {
		_, err := s.Take(ctx, 999999, "U2")
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
}

func TestAuditTrailOfLifecycle(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := newContribution(t, s)
	if _, err := s.Take(ctx, c.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign(ctx, c.ID, "U1", "U9"); err != nil {
		t.Fatal(err)
	}
	c2, err := s.Classify(ctx, c.ID, "U9", classification)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c2.ActionLines, []string{"C1", "C7"}) || !slices.Equal(c2.SDGs, []int64{4, 9}) || c2.Assignee != "U9" {
		t.Fatalf("classified = %+v", c2)
	}
	if _, err := s.CloseContribution(ctx, c.ID, "U9", store.OutcomeAccepted, "fine"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reopen(ctx, c.ID, "U1", "revised text coming"); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, fmt.Sprintf("%s:%s:%s>%s", e.Actor, e.Action, e.OldStatus, e.NewStatus))
	}
	want := []string{
		"minister@gov.example:receive:>received",
		"slack:U1:acknowledge:received>acknowledged",
		"slack:U1:assign:acknowledged>acknowledged",
		"slack:U9:classify:acknowledged>classified",
		"slack:U9:close:classified>closed",
		"slack:U1:reopen:closed>acknowledged",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("trail:\n got %q\nwant %q", got, want)
	}
	// Append-only: the database refuses to change history.
	if _, err := s.DB().Exec(`UPDATE events SET actor = 'x' WHERE contribution_id = $1`, c.ID); err == nil {
		t.Fatal("an event was updated")
	}
	if _, err := s.DB().Exec(`DELETE FROM events WHERE contribution_id = $1`, c.ID); err == nil {
		t.Fatal("an event was deleted")
	}
	// Every action queued a card update.
	items, err := s.OutboxItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	updates := 0
	for _, it := range items {
		if it.Kind == store.OutboxSlackUpdate {
			updates++
		}
	}
	if updates != 5 {
		t.Fatalf("card updates queued = %d, want 5", updates)
	}
}

func TestReferenceNumbersConcurrent(t *testing.T) {
	s, _ := newStore(t)
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	refs := make(chan string, writers*each)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				m := inbound(fmt.Sprintf("w%d@example.org", w), fmt.Sprintf("submission %d", i))
				res, err := s.Ingest(context.Background(), store.IngestBatch{Messages: []store.Inbound{m}}, store.DefaultIngestPolicy())
				if err != nil {
					errs <- err
					return
				}
				refs <- res[0].Ref
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(refs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for r := range refs {
		if seen[r] {
			t.Fatalf("reference %s given twice", r)
		}
		seen[r] = true
	}
	for i := 1; i <= writers*each; i++ {
		if r := fmt.Sprintf("WSIS-2019-%04d", i); !seen[r] {
			t.Fatalf("gap: %s missing", r)
		}
	}
}

func TestAttachmentDedup(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	pdf := []byte("%PDF-1.4 the same submission text")
	a := inbound("a@gov.example", "Submission A")
	a.Attachments = []store.InboundAttachment{{Filename: "sub.pdf", ContentType: "application/pdf", Data: pdf}}
	b := inbound("b@ngo.example", "Submission B")
	b.Attachments = []store.InboundAttachment{{Filename: "copy.pdf", ContentType: "application/pdf", Data: pdf}, {Filename: "note.txt", Data: []byte("x")}}
	res := ingest(t, s, a, b)
	var blobs int
	if err := s.DB().Get(&blobs, `SELECT count(*) FROM blobs`); err != nil {
		t.Fatal(err)
	}
	if blobs != 2 {
		t.Fatalf("blobs = %d, want 2 (identical content stored once)", blobs)
	}
	as, err := s.Attachments(ctx, res[1].MessageRowID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].Filename != "copy.pdf" || as[0].SHA256 != store.SHA256Hex(pdf) || as[0].Size != int64(len(pdf)) || as[1].ContentType != "application/octet-stream" {
		t.Fatalf("attachments = %+v", as)
	}
	data, err := s.Blob(ctx, as[0].SHA256)
	if err != nil || string(data) != string(pdf) {
		t.Fatalf("blob = %q, %v", data, err)
	}
}

func TestInvalidTextIsCleanedRawKept(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	m := inbound("x@example.org", "bad \x00 subject \xff\xfe")
	m.Text = "text with NUL \x00 and invalid \xc3\x28 bytes"
	m.FromName = "Na\x00me"
	m.Headers = map[string]string{"X-Odd": "v\x00\xff"}
	m.Raw = append([]byte("Subject: bad \x00 \xff\r\n\r\n"), 0, 0xff, 0xfe)
	m.Attachments = []store.InboundAttachment{{Filename: "f\x00\xff.txt", Data: []byte{0, 1, 2}}}
	res := ingest(t, s, m)
	if res[0].Kind != store.MsgContribution {
		t.Fatalf("stored as %s (%s)", res[0].Kind, res[0].Reason)
	}
	msg, err := s.Message(ctx, res[0].MessageRowID)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "bad  subject \uFFFD" || msg.Text != "text with NUL  and invalid \uFFFD( bytes" {
		t.Fatalf("subject %q text %q", msg.Subject, msg.Text)
	}
	raw, err := s.RawMessage(ctx, msg.ID)
	if err != nil || string(raw) != string(m.Raw) {
		t.Fatalf("raw changed: %q", raw)
	}
	if msg.RawSHA256 != store.SHA256Hex(m.Raw) {
		t.Fatal("raw hash is not of the untouched bytes")
	}
}

func TestMigrateConcurrently(t *testing.T) {
	u := storetest.NewURL(t)
	// A fresh database cloned from the template is already migrated: start from empty.
	db, err := store.Open(context.Background(), u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DB().Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	applied := make([][]int64, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = store.Migrate(context.Background(), u)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migrate %d: %v", i, err)
		}
	}
	if len(applied[0])+len(applied[1]) != len(mustMigrations(t)) {
		t.Fatalf("applied %v and %v: each migration must run exactly once", applied[0], applied[1])
	}
	s, err := store.Open(context.Background(), u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CheckSchema(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func mustMigrations(t *testing.T) []fs.DirEntry {
	entries, err := fs.ReadDir(store.MigrationsFS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestOutboxSkipLocked(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	const n = 40
	for i := range n {
		it, _ := store.NewOutboxItem("test_kind", fmt.Sprintf("k%d", i), 0, 0, map[string]int{"i": i})
		if _, err := s.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	// The same key again is ignored.
	it, _ := store.NewOutboxItem("test_kind", "k0", 0, 0, nil)
	if created, err := s.Enqueue(ctx, it); err != nil || created {
		t.Fatalf("duplicate key created=%v err=%v", created, err)
	}
	var mu sync.Mutex
	handled := map[int64]int{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{"test_kind"}, func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
					mu.Lock()
					handled[it.ID]++
					mu.Unlock()
					time.Sleep(2 * time.Millisecond) // hold the row lock while others claim
					return store.OutboxResult{}, nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if !ok {
					return
				}
			}
		}()
	}
	wg.Wait()
	checkHandledOnce(t, handled, n)
}

func TestOutboxRetryAndPermanentFailure(t *testing.T) {
	s, clock := newStore(t)
	ctx := context.Background()
	c := newContribution(t, s)
	calls := 0
	handle := func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		calls++
		if calls == 1 {
			return store.OutboxResult{}, &store.RetryAfterError{Err: errors.New("451 try later"), After: 10 * time.Minute}
		}
		return store.OutboxResult{}, store.Permanent(errors.New("550 no such user"))
	}
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, handle); !ok || err != nil {
		t.Fatalf("first attempt ok=%v err=%v", ok, err)
	}
	// Not due again before Retry-After.
	clock.Advance(9 * time.Minute)
	if ok, _ := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, handle); ok {
		t.Fatal("retried before Retry-After")
	}
	clock.Advance(2 * time.Minute)
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, handle); !ok || err != nil {
		t.Fatalf("second attempt ok=%v err=%v", ok, err)
	}
	got, err := s.Contribution(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.AckStatus != store.AckFailed || got.AckError == "" {
		t.Fatalf("ack status %s error %q", got.AckStatus, got.AckError)
	}
	clock.Advance(24 * time.Hour)
	if ok, _ := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, handle); ok {
		t.Fatal("a permanently failed item was tried again")
	}
}

func TestAckCapCountsTheRecipient(t *testing.T) {
	s, _ := newStore(t)
	pol := store.DefaultIngestPolicy()
	pol.AckPerSenderPerDay = 2
	var msgs []store.Inbound
	for i := range 4 {
		m := inbound(fmt.Sprintf("sender%d@example.org", i), fmt.Sprintf("Submission %d", i))
		m.ReplyTo = "Victim@Example.com"
		msgs = append(msgs, m)
	}
	res, err := s.Ingest(context.Background(), store.IngestBatch{Messages: msgs}, pol)
	if err != nil {
		t.Fatal(err)
	}
	queued := 0
	for _, r := range res {
		if r.AckQueued {
			queued++
		} else if r.AckSuppressed == "" {
			t.Fatalf("neither queued nor suppressed: %+v", r)
		}
	}
	if queued != 2 {
		t.Fatalf("acknowledgements queued to one Reply-To address = %d, want the cap of 2", queued)
	}
	// The cap holds across batches too.
	m := inbound("another@example.org", "Submission 9")
	m.ReplyTo = "victim@example.com"
	res, err = s.Ingest(context.Background(), store.IngestBatch{Messages: []store.Inbound{m}}, pol)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].AckQueued {
		t.Fatal("the cap was forgotten between batches")
	}
}

func TestCardUpdatesWaitForTheCard(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	c := newContribution(t, s)
	if _, err := s.Take(ctx, c.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	var order []store.OutboxKind
	handle := func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		order = append(order, it.Kind)
		return store.OutboxResult{}, nil
	}
	kinds := []store.OutboxKind{store.OutboxSlackUpdate, store.OutboxSlackThread}
	if ok, err := s.ProcessOutbox(ctx, kinds, handle); ok || err != nil {
		t.Fatalf("an update was handed out before its card: %v %v", order, err)
	}
	if ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxSlackCard}, handle); !ok || err != nil {
		t.Fatalf("card: %v %v", ok, err)
	}
	if ok, err := s.ProcessOutbox(ctx, kinds, handle); !ok || err != nil {
		t.Fatalf("the update after the card: %v %v", ok, err)
	}
	if !slices.Equal(order, []store.OutboxKind{store.OutboxSlackCard, store.OutboxSlackUpdate}) {
		t.Fatalf("order = %v", order)
	}
}

// OpenMigrated migrates an empty database on the store's own pool and opens it; opened
// again, it applies nothing. Open refuses a schema newer than the binary, saying so.
func TestOpenMigrated(t *testing.T) {
	ctx := context.Background()
	u := storetest.NewURL(t)
	db, err := store.Open(ctx, u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.DB().Exec(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := store.Open(ctx, u, nil, nil); err == nil || !strings.Contains(err.Error(), "run wsisbot migrate") {
		t.Fatalf("Open on an empty database: %v; want it refused with the way out", err)
	}

	s, applied, err := store.OpenMigrated(ctx, u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(mustMigrations(t)) {
		t.Fatalf("applied %d migrations, want %d", len(applied), len(mustMigrations(t)))
	}
	if err := s.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	if _, err := store.Open(ctx, u, nil, nil); err == nil || !strings.Contains(err.Error(), "upgrade wsisbot") {
		t.Fatalf("Open on a newer schema: %v; want it refused", err)
	}
	if _, _, err := store.OpenMigrated(ctx, u, nil, nil); err == nil || !strings.Contains(err.Error(), "upgrade wsisbot") {
		t.Fatalf("OpenMigrated on a newer schema: %v; want it refused", err)
	}
	if _, err := execAlone(ctx, u, `DELETE FROM goose_db_version WHERE version_id = 99999`); err != nil {
		t.Fatal(err)
	}
	s, applied, err = store.OpenMigrated(ctx, u, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(applied) != 0 {
		t.Fatalf("opened again, applied %v; want none", applied)
	}
}

// execAlone runs one statement on a connection of its own.
func execAlone(ctx context.Context, u, q string) (sql.Result, error) {
	db, err := sql.Open("postgres", u)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.ExecContext(ctx, q)
}
