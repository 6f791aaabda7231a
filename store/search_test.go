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
	// Newest first, in pages.
	p1 := find(store.Search{Text: "broadband", Limit: 3})
	p2 := find(store.Search{Text: "broadband", Limit: 3, Offset: 3})
	p3 := find(store.Search{Text: "broadband", Limit: 3, Offset: 6})
	past := find(store.Search{Text: "broadband", Limit: 3, Offset: 9})
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
		{"late", store.Search{Late: &yes}, nil},
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

// The find query reads the three search indexes: its expressions and predicates repeat
// theirs exactly, or PostgreSQL would compute every row's tsvector.
func TestFindUsesTheSearchIndexes(t *testing.T) {
	s, u := storetest.New(t, storetest.Options{Clock: store.NewOffsetClock(bqStart)})
	searchIngest(t, s, "en", "office@ict.gov.example", "Broadband plan", "Our views on rural broadband.")
	db, err := sql.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET enable_seqscan = off`); err != nil {
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
	for _, idx := range []string{"contributions_search_idx", "messages_search_idx", "attachments_search_idx"} {
		if !strings.Contains(text, idx) {
			t.Errorf("the find query does not read %s:\n%s", idx, text)
		}
	}
}
