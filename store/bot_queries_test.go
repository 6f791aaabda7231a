package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var bqStart = time.Date(2019, 1, 21, 10, 0, 0, 0, time.FixedZone("CET", 3600))

var bqUID atomic.Uint32

func bqStore(t *testing.T) (*store.Store, *store.OffsetClock) {
	t.Helper()
	clock := store.NewOffsetClock(bqStart)
	s, _ := storetest.New(t, storetest.Options{Clock: clock})
	return s, clock
}

// bqIngest stores one new contribution and returns it.
func bqIngest(t *testing.T, s *store.Store, from, subject, text string, received time.Time, atts ...store.InboundAttachment) store.Contribution {
	t.Helper()
	uid := bqUID.Add(1) + 5000
	m := store.Inbound{
		Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: received,
		Raw:       []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <bq%d@example.org>\r\n\r\n%s\r\n", from, subject, uid, text)),
		Kind:      store.MsgContribution,
		MessageID: fmt.Sprintf("bq%d@example.org", uid),
		FromName:  "Sender " + from, FromEmail: from, Subject: subject, Text: text, FreshText: text, Language: "en",
		Attachments: atts,
	}
	res, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: []store.Inbound{m}}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	c, err := s.Contribution(context.Background(), res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func refs(cs []store.Contribution) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Ref
	}
	return out
}

func TestListAndSearchContributions(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	now := clock.Now()
	a := bqIngest(t, s, "minister@gov.example", "Thematic submission on e-health", "Our views on C7.", now.Add(-72*time.Hour))
	b := bqIngest(t, s, "ngo_lead@ngo.example", "Workshop request", "We ask for a workshop on 100% access.", now.Add(-time.Hour))
	c := bqIngest(t, s, "prof@uni.example", "Photo contest entry", "A picture.", now.Add(-30*time.Minute))
	if _, err := s.CloseContribution(ctx, c.ID, "U1", store.OutcomeSpam, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Take(ctx, b.ID, "U1"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		f    store.ContributionFilter
		want []string
	}{
		{"all, oldest first", store.ContributionFilter{}, []string{a.Ref, b.Ref, c.Ref}},
		{"open", store.ContributionFilter{Open: true}, []string{a.Ref, b.Ref}},
		{"received", store.ContributionFilter{Statuses: []store.Status{store.StatusReceived}}, []string{a.Ref}},
		{"received before 48 h ago", store.ContributionFilter{Open: true, ReceivedBefore: now.Add(-48 * time.Hour)}, []string{a.Ref}},
		{"by deadline", store.ContributionFilter{DeadlineName: a.DeadlineName}, []string{a.Ref, b.Ref, c.Ref}},
		{"other deadline", store.ContributionFilter{DeadlineName: "nope"}, []string{}},
		{"limit", store.ContributionFilter{Limit: 1}, []string{a.Ref}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListContributions(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(refs(got)) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", refs(got), tc.want)
			}
		})
	}

	search := []struct{ q, want string }{
		{a.Ref, a.Ref},
		{strings.ToLower(a.Ref), a.Ref},
		{"MINISTER@gov.example", a.Ref},
		{"e-health", a.Ref},
		{"100%", b.Ref},     // % is literal
		{"ngo_lead", b.Ref}, // _ is literal
		{"picture", c.Ref},  // in the message text
		{"nothing like this", ""},
	}
	for _, tc := range search {
		res, err := s.Find(ctx, store.Search{Text: tc.q})
		if err != nil {
			t.Fatal(err)
		}
		got := res.Contributions
		want := []string{}
		if tc.want != "" {
			want = []string{tc.want}
		}
		if fmt.Sprint(refs(got)) != fmt.Sprint(want) {
			t.Errorf("search %q = %v, want %v", tc.q, refs(got), want)
		}
	}
}

func TestContributionStats(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	phases := s.Phases()
	before := phases.Phases[0].Start.Add(-24 * time.Hour)
	bqIngest(t, s, "a@x.example", "Early bird", "x", before)
	b := bqIngest(t, s, "b@x.example", "In phase III", "x", clock.Now())
	if _, err := s.Take(ctx, b.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Classify(ctx, b.ID, "U1", store.Classification{Kind: store.KindFormat, StakeholderType: store.StakeholderAcademia}); err != nil {
		t.Fatal(err)
	}
	st, err := s.ContributionStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 2 || st.Open != 2 || st.ByStatus[store.StatusReceived] != 1 || st.ByStatus[store.StatusClassified] != 1 {
		t.Fatalf("stats = %+v", st)
	}
	if st.ByKind[store.KindFormat] != 1 || st.ByKind[""] != 1 || st.ByStakeholderType[store.StakeholderAcademia] != 1 {
		t.Fatalf("by kind %v, by stakeholder %v", st.ByKind, st.ByStakeholderType)
	}
	if st.ByPhase[""] != 1 || st.ByPhase["III"] != 1 {
		t.Fatalf("by phase %v", st.ByPhase)
	}
	if st.ByDeadline[b.DeadlineName] != 2 {
		t.Fatalf("by deadline %v", st.ByDeadline)
	}
}

func TestExportRows(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	pdf := []byte("%PDF-1.4 submission")
	c := bqIngest(t, s, "a@x.example", "With a file", "text", clock.Now(),
		store.InboundAttachment{Filename: "sub.pdf", ContentType: "application/pdf", Data: pdf},
		store.InboundAttachment{Filename: "logo.png", ContentType: "image/png", Inline: true, Data: []byte("png")})
	bqIngest(t, s, "b@x.example", "Without", "text", clock.Now())
	if _, err := s.Take(ctx, c.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.ExportRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Contribution.Ref != c.Ref {
		t.Fatalf("rows = %d, first %s", len(rows), rows[0].Contribution.Ref)
	}
	r := rows[0]
	if r.MessageCount != 1 || len(r.Attachments) != 1 || r.Attachments[0].SHA256 != store.SHA256Hex(pdf) {
		t.Fatalf("row = %+v", r)
	}
	if len(r.Events) < 2 || r.Events[0].Action != store.ActionReceive || r.Events[len(r.Events)-1].Action != store.ActionTake {
		t.Fatalf("events = %+v", r.Events)
	}
	if len(rows[1].Attachments) != 0 || rows[1].MessageCount != 1 {
		t.Fatalf("second row = %+v", rows[1])
	}
}

func TestClaimRunOncePerOccurrence(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	day1 := clock.Now().Truncate(time.Hour)
	item := func(key string) store.OutboxItem {
		it, err := store.NewOutboxItem(store.OutboxSlackNotice, key, 0, 0, map[string]string{"type": "digest"})
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	// Eight replicas race for the same occurrence: one wins, one item is queued.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimRun(ctx, "digest", day1, item("digest:day1"))
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims of one occurrence", wins.Load())
	}
	if ok, _ := s.ClaimRun(ctx, "digest", day1.Add(-24*time.Hour), item("digest:day0")); ok {
		t.Fatal("an earlier occurrence was claimed after a later one")
	}
	if ok, _ := s.ClaimRun(ctx, "digest", day1.Add(24*time.Hour), item("digest:day2")); !ok {
		t.Fatal("the next occurrence was not claimed")
	}
	last, err := s.LastRun(ctx, "digest")
	if err != nil || !last.Equal(day1.Add(24*time.Hour)) {
		t.Fatalf("last run = %v, %v", last, err)
	}
	if _, err := s.LastRun(ctx, "never"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("never run: %v", err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'digest:%'`); err != nil || n != 2 {
		t.Fatalf("queued %d digests (%v), want 2", n, err)
	}
}

func TestSetFlag(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	now := clock.Now()
	it := func(key string) store.OutboxItem {
		i, _ := store.NewOutboxItem(store.OutboxSlackNotice, key, 0, 0, map[string]string{"type": "watchdog"})
		return i
	}
	steps := []struct {
		on      bool
		at      time.Duration // when the condition was evaluated
		changed bool
	}{
		{true, 1, true}, {true, 2, false}, {false, 3, true}, {false, 4, false},
		{true, 2, false}, // a stale look (before the clear) does not raise it again
		{true, 5, true},
		{false, 4, false}, // nor does a stale look clear it
	}
	for i, st := range steps {
		changed, err := s.SetFlag(ctx, "watchdog:mailbox", st.on, now.Add(st.at*time.Minute), it(fmt.Sprintf("w%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		if changed != st.changed {
			t.Fatalf("step %d: changed = %v", i, changed)
		}
	}
	flags, err := s.Flags(ctx)
	if err != nil || len(flags) != 1 || flags["watchdog:mailbox"].IsZero() {
		t.Fatalf("flags = %v, %v", flags, err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'slack_notice'`); err != nil || n != 3 {
		t.Fatalf("notices = %d (%v), want 3 (raise, clear, raise)", n, err)
	}
}

func TestClaimEscalations(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	a := bqIngest(t, s, "a@x.example", "A", "x", clock.Now())
	b := bqIngest(t, s, "b@x.example", "B", "x", clock.Now())
	bqIngest(t, s, "c@x.example", "C", "x", clock.Now())
	if _, err := s.Take(ctx, b.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	cutoff := clock.Now().Add(time.Second)
	var mu sync.Mutex
	var all []int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := s.ClaimEscalations(ctx, cutoff, 1)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			all = append(all, ids...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	ids, err := s.ClaimEscalations(ctx, cutoff, 10)
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, ids...)
	if len(all) != 2 {
		t.Fatalf("escalated %v, want the two unacknowledged once each", all)
	}
	seen := map[int64]bool{}
	for _, id := range all {
		if seen[id] || id == b.ID {
			t.Fatalf("escalated %v", all)
		}
		seen[id] = true
	}
	if !seen[a.ID] {
		t.Fatalf("escalated %v, missing %d", all, a.ID)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE idempotency_key LIKE 'escalation:%'`); err != nil || n != 2 {
		t.Fatalf("notices = %d (%v)", n, err)
	}
}

func TestWatchdogQueries(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	last, err := s.LastInboundAt(ctx)
	if err != nil || !last.IsZero() {
		t.Fatalf("empty mailbox: %v, %v", last, err)
	}
	received := clock.Now().Add(-time.Hour)
	c := bqIngest(t, s, "a@x.example", "A", "x", received)
	if last, err = s.LastInboundAt(ctx); err != nil || last.Sub(received).Abs() > time.Millisecond {
		t.Fatalf("last inbound = %v, want %v (%v)", last, received, err)
	}
	if err := s.AddEvent(ctx, c.ID, store.ActorSystem, store.ActionBounce, nil); err != nil {
		t.Fatal(err)
	}
	n, err := s.CountEvents(ctx, []string{store.ActionBounce, store.ActionAckFailed}, clock.Now().Add(-time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("bounces = %d, %v", n, err)
	}
	if n, _ := s.CountEvents(ctx, []string{store.ActionBounce}, clock.Now().Add(time.Minute)); n != 0 {
		t.Fatalf("future bounces = %d", n)
	}
	m, err := s.FirstMessage(ctx, c.ID)
	if err != nil || m.Subject != "A" {
		t.Fatalf("first message = %+v, %v", m, err)
	}
	if _, err := s.FirstMessage(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing first message: %v", err)
	}
	if n, err := s.MessageCount(ctx, c.ID); err != nil || n != 1 {
		t.Fatalf("message count = %d, %v", n, err)
	}
}
