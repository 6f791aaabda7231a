package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var searchUID atomic.Uint32

// searchIngest stores a new contribution in language lang and returns it.
func searchIngest(t testing.TB, s *store.Store, lang, from, subject, text string, atts ...store.InboundAttachment) store.Contribution {
	t.Helper()
	uid := searchUID.Add(1) + 9000
	m := store.Inbound{
		Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: bqStart,
		Raw:       []byte(fmt.Sprintf("From: %s\r\nSubject: s%d\r\nMessage-ID: <find%d@example.org>\r\n\r\nbody\r\n", from, uid, uid)),
		Kind:      store.MsgContribution,
		MessageID: fmt.Sprintf("find%d@example.org", uid),
		FromName:  "Sender", FromEmail: from, Subject: subject, Text: text, FreshText: text, Language: lang,
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

func TestFindInSixLanguages(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	ar := searchIngest(t, s, "ar", "info@mcit.gov.example", "مساهمة وزارة الاتصالات",
		"نقدم مساهمتنا حول سدّ الفجوة الرقمية في المنطقة العربية.")
	zh := searchIngest(t, s, "zh", "office@miit.gov.example", "关于信息社会的意见",
		"我们建议进一步缩小数字鸿沟，推动宽带普及。")
	fr := searchIngest(t, s, "fr", "contact@assoc.example", "Contribution révisée",
		"Nous soumettons nos propositions pour les réseaux communautaires.")
	en := searchIngest(t, s, "en", "policy@isoc.example", "Thematic views", "Community networks need spectrum.",
		store.InboundAttachment{Filename: "WSIS_Forum_Outcome-Draft.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 x")})
	ru := searchIngest(t, s, "ru", "mail@rcc.example", "Предложения по кибербезопасности", "Мы предлагаем обсудить доверие и безопасность.")
	es := searchIngest(t, s, "es", "oficina@mintic.gov.example", "Aporte sobre la brecha digital", "Proponemos ampliar las redes rurales de banda ancha.")

	cases := []struct {
		q    string
		want []store.Contribution
	}{
		{"الاتصالات", []store.Contribution{ar}},           // a word of the subject
		{"الرقمية", []store.Contribution{ar}},             // a word of the text
		{"数字鸿沟", []store.Contribution{zh}},                // a phrase inside a sentence without spaces
		{"缩小数字鸿沟", []store.Contribution{zh}},              // a longer one
		{"鸿沟数字", nil},                                     // the characters, but not that phrase
		{"revisee", []store.Contribution{fr}},             // accents folded
		{"révisées", []store.Contribution{fr}},            // French stem
		{"communautaire", []store.Contribution{fr}},       // French stem, text
		{"networks spectrum", []store.Contribution{en}},   // every word, in the text
		{"network", []store.Contribution{en}},             // English stem
		{"outcome draft", []store.Contribution{en}},       // attachment name
		{"WSIS_Forum_Outcome", []store.Contribution{en}},  // attachment name as written
		{"безопасности", []store.Contribution{ru}},        // Russian
		{"доверия", []store.Contribution{ru}},             // Russian stem
		{"brecha", []store.Contribution{es}},              // Spanish, subject
		{"rural", []store.Contribution{es}},               // Spanish stem (rurales), text
		{"policy@isoc.example", []store.Contribution{en}}, // address
		{"isoc.example", []store.Contribution{en}},        // part of an address
		{en.Ref, []store.Contribution{en}},                // reference number
		{"Ministry of nothing", nil},                      // not there
		{"信", []store.Contribution{zh}},                   // one character: the subject
	}
	for _, tc := range cases {
		got, err := s.Find(ctx, store.Search{Text: tc.q})
		if err != nil {
			t.Fatalf("%q: %v", tc.q, err)
		}
		if !slices.Equal(refs(got.Contributions), refs(tc.want)) || got.Total != len(tc.want) {
			t.Errorf("find %q = %v (total %d), want %v", tc.q, refs(got.Contributions), got.Total, refs(tc.want))
		}
	}
}

func TestFindFiltersAndPages(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	var all []store.Contribution
	for i := range 7 {
		clock.Advance(time.Minute)
		c := searchIngest(t, s, "en", fmt.Sprintf("s%d@gov.example", i), fmt.Sprintf("Broadband plan %d", i), "Our broadband plan.")
		all = append(all, c)
	}
	other := searchIngest(t, s, "en", "x@corp.example", "Something else", "Nothing about it.")
	// After the deadline of 10 February 2019 (Geneva time).
	late := bqIngest(t, s, "late@corp.example", "A late broadband note", "Sent after the deadline.", time.Date(2019, 2, 12, 9, 0, 0, 0, time.UTC))
	if !late.Late {
		t.Fatalf("%s received on 12 February is not late", late.Ref)
	}
	if _, err := s.Take(ctx, all[1].ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Take(ctx, all[2].ID, "U2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Classify(ctx, all[2].ID, "U2", store.Classification{Kind: store.KindWorkshopRequest, StakeholderType: store.StakeholderCivilSociety}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseContribution(ctx, all[3].ID, "U1", store.OutcomeSpam, ""); err != nil {
		t.Fatal(err)
	}
	yes, no := true, false

	find := func(q store.Search) store.SearchResult {
		t.Helper()
		r, err := s.Find(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Newest first, in pages (those in time: the late one is broadband too).
	p1 := find(store.Search{Text: "broadband", Late: &no, Limit: 3})
	p2 := find(store.Search{Text: "broadband", Late: &no, Limit: 3, Offset: 3})
	p3 := find(store.Search{Text: "broadband", Late: &no, Limit: 3, Offset: 6})
	past := find(store.Search{Text: "broadband", Late: &no, Limit: 3, Offset: 9})
	got := append(append(refs(p1.Contributions), refs(p2.Contributions)...), refs(p3.Contributions)...)
	var want []string
	for i := len(all) - 1; i >= 0; i-- {
		want = append(want, all[i].Ref)
	}
	if !slices.Equal(got, want) || p1.Total != 7 || p3.Total != 7 || len(past.Contributions) != 0 || past.Total != 7 {
		t.Fatalf("pages %v (totals %d %d %d), want %v", got, p1.Total, p3.Total, past.Total, want)
	}

	cases := []struct {
		name string
		q    store.Search
		want []store.Contribution
	}{
		{"assignee", store.Search{Text: "broadband", Assignee: "U1"}, []store.Contribution{all[1]}},
		{"kind", store.Search{Kind: store.KindWorkshopRequest}, []store.Contribution{all[2]}},
		{"stakeholder type", store.Search{StakeholderType: store.StakeholderCivilSociety}, []store.Contribution{all[2]}},
		{"status", store.Search{Text: "plan", Statuses: []store.Status{store.StatusClosed}}, []store.Contribution{all[3]}},
		{"open", store.Search{Text: "broadband", Open: true, Statuses: []store.Status{store.StatusTaken, store.StatusClassified}},
			[]store.Contribution{all[2], all[1]}},
		{"late", store.Search{Late: &yes}, []store.Contribution{late}},
		{"late, words", store.Search{Text: "broadband", Late: &yes}, []store.Contribution{late}},
		{"in time", store.Search{Text: "else", Late: &no}, []store.Contribution{other}},
		{"history", store.Search{History: &yes}, nil},
	}
	for _, tc := range cases {
		r := find(tc.q)
		if !slices.Equal(refs(r.Contributions), refs(tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, refs(r.Contributions), refs(tc.want))
		}
	}
}

// Our own mail in a conversation is not what /wsis find searches: an acknowledgement
// repeats one text per language and would match every contribution it went to.
func TestFindSearchesWhatStakeholdersSent(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	c := searchIngest(t, s, "en", "office@ict.gov.example", "Broadband plan", "Our views on rural broadband.")
	_, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
		return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{MessageID: "ack." + c.Ref + "@itu.int",
			To: "office@ict.gov.example", Subject: "[" + c.Ref + "] Received", Language: "en",
			Text: "Thank you: your contribution is registered with the secretariat.", Raw: []byte("Message-ID: <ack." + c.Ref + "@itu.int>\r\n\r\nthanks")}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"rural broadband": 1, "registered secretariat": 0} {
		got, err := s.Find(ctx, store.Search{Text: q})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		if got.Total != want {
			t.Errorf("find %q: %d found (%v), want %d", q, got.Total, refs(got.Contributions), want)
		}
	}
}

// The find query reads the three search indexes, and the rows not indexed yet through
// the two pending indexes: its predicates repeat theirs exactly, or PostgreSQL would
// compute every row's tsvector.
func TestFindUsesTheSearchIndexes(t *testing.T) {
	s, u := storetest.New(t, storetest.Options{Clock: store.NewOffsetClock(bqStart)})
	ctx := context.Background()
	// Some mail indexed, some not yet.
	searchIngest(t, s, "en", "office@ict.gov.example", "Broadband plan", "Our views on rural broadband.")
	if _, err := s.IndexForSearch(ctx, 100); err != nil {
		t.Fatal(err)
	}
	searchIngest(t, s, "en", "policy@isoc.example", "Broadband access", "Community networks need spectrum.")
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A handful of rows: any index is cheap. Filtering row by row made dear, the plan reads
	// the search indexes wherever the query's predicates let it.
	if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off; SET cpu_operator_cost = 1`); err != nil {
		t.Fatal(err)
	}
	names, sqls := store.NamedQueries()
	i := slices.Index(names, "find-contributions-text")
	if i < 0 {
		t.Fatal("no find-contributions-text query")
	}
	rows, err := conn.QueryContext(ctx, `EXPLAIN `+sqls[i], "broadband", "%broadband%", "", "{}", false, "", nil, "", nil, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	text := strings.Join(plan, "\n")
	for _, idx := range []string{"contributions_search_idx", "messages_search_idx", "attachments_search_idx",
		"contributions_search_pending_idx", "messages_search_pending_idx"} {
		if !strings.Contains(text, idx) {
			t.Errorf("the find query does not read %s:\n%s", idx, text)
		}
	}
}

// searchPending counts the contributions and the inbound messages not indexed yet.
func searchPending(t *testing.T, s *store.Store) (contributions, messages int) {
	t.Helper()
	err := s.DB().QueryRow(`SELECT (SELECT count(*) FROM contributions WHERE search IS NULL),
		(SELECT count(*) FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in')`).Scan(&contributions, &messages)
	if err != nil {
		t.Fatal(err)
	}
	return contributions, messages
}

// indexAll runs IndexForSearch in batches of limit until nothing is left, and returns
// how many rows it indexed.
func indexAll(t *testing.T, s *store.Store, limit int) int {
	t.Helper()
	total := 0
	for {
		n, err := s.IndexForSearch(context.Background(), limit)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
}

// New mail is found as soon as it is stored, before the background indexer has computed
// its terms, and after; a contribution whose organisation the desk confirms is found by
// the new one, never by the one it replaced, before and after it is indexed again.
func TestFindBeforeAndAfterIndexing(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	c := searchIngest(t, s, "en", "office@ict.gov.example", "Spectrum policy", "Our views on rural broadband.",
		store.InboundAttachment{Filename: "Rural_Plan.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 r")})
	other := searchIngest(t, s, "fr", "contact@assoc.example", "Réseaux communautaires", "Nos propositions.")
	find := func(when, q string, want ...store.Contribution) {
		t.Helper()
		got, err := s.Find(ctx, store.Search{Text: q})
		if err != nil {
			t.Fatalf("%s: find %q: %v", when, q, err)
		}
		if !slices.Equal(refs(got.Contributions), refs(want)) || got.Total != len(want) {
			t.Errorf("%s: find %q = %v (total %d), want %v", when, q, refs(got.Contributions), got.Total, refs(want))
		}
	}
	check := func(when string) {
		t.Helper()
		find(when, "broadband", c)              // the message's text
		find(when, "spectrum", c)               // the subject
		find(when, "office@ict.gov.example", c) // the address
		find(when, "rural plan", c)             // the attachment's name, and the text
		find(when, "communautaire", other)      // French stem, subject
		find(when, "propositions broadband")    // not both in one
		find(when, c.Ref+" "+"spectrum", c)     // the reference number among the words
	}

	if nc, nm := searchPending(t, s); nc != 2 || nm != 2 {
		t.Fatalf("after storing: %d contributions and %d messages to index, want 2 and 2", nc, nm)
	}
	check("not indexed yet")
	if n := indexAll(t, s, 1); n != 4 {
		t.Errorf("indexed %d rows, want 4", n)
	}
	if nc, nm := searchPending(t, s); nc != 0 || nm != 0 {
		t.Fatalf("after indexing: %d contributions and %d messages left", nc, nm)
	}
	check("indexed")

	// Work on the contribution that leaves its searched text alone keeps its terms.
	if _, err := s.Take(ctx, c.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Classify(ctx, c.ID, "U1", store.Classification{Kind: store.KindWorkshopRequest, StakeholderType: store.StakeholderCivilSociety}); err != nil {
		t.Fatal(err)
	}
	if nc, _ := searchPending(t, s); nc != 0 {
		t.Errorf("taking and classifying without an organisation made %d contributions to index again", nc)
	}

	// The desk confirms an organisation, then corrects it.
	for _, org := range []struct{ name, word, old string }{
		{"Zanzibar Broadband Authority", "zanzibar", ""},
		{"Kilimanjaro Council", "kilimanjaro", "zanzibar"},
	} {
		if _, err := s.Classify(ctx, c.ID, "U1", store.Classification{Kind: store.KindWorkshopRequest,
			StakeholderType: store.StakeholderCivilSociety, Organisation: org.name}); err != nil {
			t.Fatal(err)
		}
		if nc, _ := searchPending(t, s); nc != 1 {
			t.Fatalf("organisation %q: %d contributions to index, want 1", org.name, nc)
		}
		find("organisation "+org.name+", not indexed yet", org.word, c)
		if org.old != "" {
			find("organisation "+org.name+", not indexed yet", org.old)
		}
		if n := indexAll(t, s, 500); n != 1 {
			t.Errorf("organisation %q: indexed %d rows, want 1", org.name, n)
		}
		find("organisation "+org.name+", indexed", org.word, c)
		if org.old != "" {
			find("organisation "+org.name+", indexed", org.old)
		}
		check("organisation " + org.name + ", indexed")
	}
}

// Several replicas index together: each row is indexed once, by one of them, and none
// is left.
func TestIndexForSearchFromSeveralReplicas(t *testing.T) {
	s, _ := bqStore(t)
	const n = 40
	for i := range n {
		searchIngest(t, s, "en", fmt.Sprintf("s%d@gov.example", i), fmt.Sprintf("Broadband plan %d", i), "Our broadband plan.")
	}
	var total atomic.Int64
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				k, err := s.IndexForSearch(context.Background(), 3)
				if err != nil || k == 0 {
					errs <- err
					return
				}
				total.Add(int64(k))
			}
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	// A replica may stop while the last rows are in another's hands; what is left then is
	// indexed by the next call.
	total.Add(int64(indexAll(t, s, 500)))
	if total.Load() != 2*n {
		t.Errorf("indexed %d rows, want %d (each contribution and its message once)", total.Load(), 2*n)
	}
	if nc, nm := searchPending(t, s); nc != 0 || nm != 0 {
		t.Errorf("%d contributions and %d messages left to index", nc, nm)
	}
	got, err := s.Find(context.Background(), store.Search{Text: "broadband plan", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != n {
		t.Errorf("find: %d, want %d", got.Total, n)
	}
}

// Migration 00020 fills in the terms of what was stored before it, and going back to
// 00019 restores its expression indexes.
func TestSearchColumnMigration(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	a := searchIngest(t, s, "en", "office@ict.gov.example", "Broadband plan", "Our views on rural broadband.")
	indexAll(t, s, 500)
	b := searchIngest(t, s, "fr", "contact@assoc.example", "Haut débit", "Le haut débit rural (broadband).")
	p, err := goose.NewProvider(goose.DialectPostgres, s.DB().DB, store.MigrationsFS())
	if err != nil {
		t.Fatal(err)
	}
	find := func(when string) {
		t.Helper()
		got, err := s.Find(ctx, store.Search{Text: "rural broadband"})
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if want := []store.Contribution{b, a}; !slices.Equal(refs(got.Contributions), refs(want)) {
			t.Errorf("%s: found %v, want %v", when, refs(got.Contributions), refs(want))
		}
	}
	if _, err := p.DownTo(ctx, 19); err != nil {
		t.Fatal(err)
	}
	for idx, want := range map[string]string{"contributions_search_idx": "organisation_suggested", "messages_search_idx": "direction"} {
		var def string
		if err := s.DB().GetContext(ctx, &def, `SELECT indexdef FROM pg_indexes WHERE indexname = $1`, idx); err != nil ||
			!strings.Contains(def, "wsis_search_vector") || !strings.Contains(def, want) {
			t.Errorf("%s after going back: %q %v", idx, def, err)
		}
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if nc, nm := searchPending(t, s); nc != 0 || nm != 0 {
		t.Errorf("after the migration: %d contributions and %d messages left to index", nc, nm)
	}
	find("at 00020")
}

// The search lag's oldest is the longest any row has waited, whichever was stored
// first: a contribution stored first and changed just now (its organisation
// corrected) does not hide one that has waited since it was stored.
func TestSearchLagOldest(t *testing.T) {
	s, clock := bqStore(t)
	ctx := context.Background()
	first := searchIngest(t, s, "en", "office@ict.gov.example", "Spectrum policy", "Our views.")
	indexAll(t, s, 500)
	clock.Advance(10 * time.Minute)
	second := searchIngest(t, s, "fr", "contact@assoc.example", "Réseaux communautaires", "Nos propositions.")
	// Its message's terms are computed, its contribution's not yet (as when an indexer
	// pass stopped between the two tables).
	if _, err := s.DB().Exec(`UPDATE messages SET search = wsis_search_vector(language, subject) WHERE contribution_id = $1`, second.ID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(40 * time.Minute)
	if _, err := s.Take(ctx, first.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Classify(ctx, first.ID, "U1", store.Classification{Kind: store.KindThematic,
		StakeholderType: store.StakeholderGovernment, Organisation: "Ministry of ICT"}); err != nil {
		t.Fatal(err)
	}
	lag, err := s.SearchLag(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if lag.Rows != 2 || lag.OldestAge < 40*time.Minute || lag.OldestAge > 41*time.Minute {
		t.Errorf("search lag = %d rows, oldest %s; want 2 contributions, the oldest waiting 40 minutes", lag.Rows, lag.OldestAge)
	}
	indexAll(t, s, 500)
	if lag, err = s.SearchLag(ctx); err != nil || lag != (store.SearchLag{}) {
		t.Errorf("after indexing: %+v, %v; want none", lag, err)
	}
}
