package report_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
	"gonum.org/v1/plot/vg"

	"github.com/wsis/wsisbot/report"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// seedSQL writes $1 contributions in one statement: every kind, stakeholder type and
// language, statuses and outcomes, action lines and SDGs, arrivals from the opening of
// the consultation to past its deadline (some late, some of no known kind or language).
const seedSQL = `INSERT INTO contributions (seq, ref, status, outcome, kind, kind_suggested, stakeholder_type,
		stakeholder_type_suggested, action_lines, action_lines_suggested, sdgs, language, from_name, from_email,
		organisation, organisation_suggested, subject, received_at, deadline_name, deadline_at, late, assignee,
		created_at, updated_at)
	SELECT i, 'WSIS-2019-' || lpad(CAST(i AS text), 5, '0'),
		(ARRAY['received', 'acknowledged', 'classified', 'closed'])[1 + i % 4],
		CASE WHEN i % 4 = 3 THEN (ARRAY['accepted', 'declined', 'spam', 'duplicate'])[1 + (i / 4) % 4] END,
		CASE WHEN i % 3 = 0 THEN (ARRAY['thematic', 'format', 'hltf_nomination', 'photo_contest', 'workshop_request', 'inquiry', 'other'])[1 + i % 7] END,
		CASE WHEN i % 97 <> 0 THEN (ARRAY['thematic', 'thematic', 'format', 'hltf_nomination', 'photo_contest', 'workshop_request', 'inquiry', 'other'])[1 + (i * 5) % 8] END,
		CASE WHEN i % 5 = 0 THEN (ARRAY['government', 'private_sector', 'civil_society', 'academia_technical', 'international_organization', 'other'])[1 + i % 6] END,
		(ARRAY['government', 'civil_society', 'private_sector', 'academia_technical', 'international_organization', 'other', 'government'])[1 + (i * 3) % 7],
		CASE WHEN i % 6 = 0 THEN ARRAY['C' || (1 + i % 11)] ELSE '{}' END,
		ARRAY['C' || (1 + (i * 7) % 11), 'C' || (1 + (i * 3) % 11)],
		CASE WHEN i % 10 = 0 THEN ARRAY[1 + i % 17, 4] ELSE '{}' END,
		(ARRAY['en', 'en', 'fr', 'es', 'ar', 'zh', 'ru', ''])[1 + (i * 11) % 8],
		'Sender ' || i, 'sender' || i || '@example.org', '', 'Organisation ' || (i % 300),
		'Contribution number ' || i,
		timestamptz '2018-07-02 09:00:00+02' + (i * interval '1 hour' * 5600 / $1) + (i % 13) * interval '7 minutes',
		'Official submissions and workshop requests', timestamptz '2019-02-11 00:00:00+01', false,
		CASE WHEN i % 4 <> 0 THEN 'U0ANNA' ELSE '' END, now(), now()
	FROM generate_series(1, $1) AS i`

// seedEventsSQL writes the audit trail: a receive by the sender, an acknowledgement
// sent by wsisbot (neither is the secretariat), the take in Slack, and the close.
const seedEventsSQL = `INSERT INTO events (contribution_id, at, actor, action)
	SELECT c.id, c.received_at, c.from_email, 'receive' FROM contributions c
	UNION ALL SELECT c.id, c.received_at + interval '2 minutes', 'wsisbot', 'ack_sent' FROM contributions c
	UNION ALL SELECT c.id, c.received_at + (1 + c.seq % 40) * interval '1 hour',
		CASE WHEN c.seq % 8 = 1 THEN 'U0BORIS' ELSE 'slack:U0ANNA' END, 'acknowledge'
		FROM contributions c WHERE c.status <> 'received'
	UNION ALL SELECT c.id, c.received_at + (2 + c.seq % 9) * interval '1 day', 'slack:U0ANNA', 'close'
		FROM contributions c WHERE c.status = 'closed'`

func seed(tb testing.TB, db *sqlx.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, seedSQL, n); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE contributions SET late = received_at >= deadline_at`); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	if _, err := db.ExecContext(ctx, seedEventsSQL); err != nil {
		tb.Fatalf("seed events: %v", err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE contributions; ANALYZE events`); err != nil {
		tb.Fatalf("seed: %v", err)
	}
}

var reportNow = time.Date(2019, 3, 1, 9, 0, 0, 0, time.UTC)

// counts runs a GROUP BY of its own and returns key → count.
func counts(t *testing.T, db *sqlx.DB, query string, args ...any) map[string]int {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	return out
}

func shareMap(s []report.Share) map[string]int {
	m := map[string]int{}
	for _, x := range s {
		if x.N > 0 {
			m[x.Key] = x.N
		}
	}
	return m
}

func equalMaps(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s %q: report %d, SQL %d", what, k, got[k], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok && n != 0 {
			t.Errorf("%s %q: report %d, SQL none", what, k, n)
		}
	}
}

func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	sort.Float64s(xs)
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return &m
}

// The report's numbers are the database's: totals, kinds, stakeholder types, languages,
// the kind × action line grid, lateness per kind, and the median times to the first
// action of the secretariat (not wsisbot's, not the sender's) and to closing.
func TestReportNumbersMatchSQL(t *testing.T) {
	st, _ := storetest.New(t)
	db := st.DB()
	seed(t, db, 600)
	ctx := context.Background()
	r, err := report.Collect(ctx, st, st.Phases(), report.Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	var total int
	if err := db.Get(&total, `SELECT count(*) FROM contributions`); err != nil {
		t.Fatal(err)
	}
	if r.Total != total || len(r.Rows) != total {
		t.Fatalf("total %d, rows %d; SQL %d", r.Total, len(r.Rows), total)
	}
	equalMaps(t, "kind", shareMap(r.ByKind), counts(t, db, `SELECT COALESCE(kind, kind_suggested, ''), count(*) FROM contributions GROUP BY 1`))
	equalMaps(t, "stakeholder", shareMap(r.ByStake), counts(t, db, `SELECT COALESCE(stakeholder_type, stakeholder_type_suggested, ''), count(*) FROM contributions GROUP BY 1`))
	equalMaps(t, "language", shareMap(r.ByLang), counts(t, db, `SELECT language, count(*) FROM contributions GROUP BY 1`))
	if shareMap(r.ByKind)[""] == 0 || shareMap(r.ByLang)[""] == 0 {
		t.Error("the seed has contributions of no known kind and language; the report lost them")
	}
	var pct float64
	for _, s := range r.ByKind {
		pct += s.Pct
	}
	if pct < 99.9 || pct > 100.1 {
		t.Errorf("kind shares add up to %.2f %%", pct)
	}

	for _, k := range r.Kinds {
		for _, tag := range []string{"C1", "C4", "C11"} {
			var want int
			if err := db.Get(&want, `SELECT count(*) FROM contributions WHERE COALESCE(kind, kind_suggested, '') = $1
				AND $2 = ANY(CASE WHEN cardinality(action_lines) > 0 THEN action_lines ELSE action_lines_suggested END)`, string(k), tag); err != nil {
				t.Fatal(err)
			}
			if got := r.Grid[k][tag]; got != want {
				t.Errorf("grid %s × %s: report %d, SQL %d", k, tag, got, want)
			}
		}
		var want int
		if err := db.Get(&want, `SELECT count(*) FROM contributions WHERE COALESCE(kind, kind_suggested, '') = $1 AND 4 = ANY(sdgs)`, string(k)); err != nil {
			t.Fatal(err)
		}
		if got := r.Grid[k]["SDG 4"]; got != want {
			t.Errorf("grid %s × SDG 4: report %d, SQL %d", k, got, want)
		}
	}
	if !slices.Contains(r.Tags, "SDG 4") || r.Tags[0] != "C1" || r.Tags[10] != "C11" {
		t.Errorf("tags = %v", r.Tags)
	}

	lateWant := counts(t, db, `SELECT COALESCE(kind, kind_suggested, '') || '/' || late, count(*) FROM contributions GROUP BY 1`)
	lateGot := map[string]int{}
	if k := r.Timings[len(r.Timings)-1]; k.OnTime+k.Late != total {
		t.Errorf("all kinds: %d on time + %d late ≠ %d", k.OnTime, k.Late, total)
	}
	for _, k := range r.Timings[:len(r.Timings)-1] {
		lateGot[string(k.Kind)+"/false"] += k.OnTime
		lateGot[string(k.Kind)+"/true"] += k.Late
	}
	equalMaps(t, "lateness", lateGot, lateWant)
	if lateWant["thematic/true"] == 0 {
		t.Error("the seed has late thematic contributions")
	}

	// Medians, worked out here from the rows and the audit trail.
	type ev struct {
		Ref    string    `db:"ref"`
		At     time.Time `db:"at"`
		Action string    `db:"action"`
	}
	var evs []ev
	if err := db.Select(&evs, `SELECT c.ref, e.at, e.action FROM events e JOIN contributions c ON c.id = e.contribution_id
		WHERE e.actor LIKE 'slack:%' OR e.actor = 'U0BORIS' ORDER BY e.at`); err != nil {
		t.Fatal(err)
	}
	first, closed := map[string]time.Time{}, map[string]time.Time{}
	for _, e := range evs {
		if _, ok := first[e.Ref]; !ok {
			first[e.Ref] = e.At
		}
		if e.Action == store.ActionClose {
			closed[e.Ref] = e.At
		}
	}
	var allFirst, allClose []float64
	for _, c := range r.Rows {
		if f, ok := first[c.Ref]; ok {
			allFirst = append(allFirst, f.Sub(c.ReceivedAt).Seconds())
			if c.FirstDeskAt == nil || !c.FirstDeskAt.Equal(f) {
				t.Errorf("%s: first desk action %v, want %v", c.Ref, c.FirstDeskAt, f)
			}
		}
		if cl, ok := closed[c.Ref]; ok {
			allClose = append(allClose, cl.Sub(c.ReceivedAt).Seconds())
		}
	}
	all := r.Timings[len(r.Timings)-1]
	if all.Kind != "" || all.Acted != len(allFirst) || all.Closed != len(allClose) {
		t.Fatalf("all kinds: %+v; want %d acted, %d closed", all, len(allFirst), len(allClose))
	}
	for _, c := range []struct {
		what      string
		got, want *float64
	}{{"first action", all.FirstSeconds, median(allFirst)}, {"closing", all.CloseSeconds, median(allClose)}} {
		if c.got == nil || c.want == nil || *c.got-*c.want > 1 || *c.want-*c.got > 1 {
			t.Errorf("median to %s: report %v, want %v", c.what, c.got, c.want)
		}
	}
	if all.FirstAction == "" || all.Closing == "" {
		t.Errorf("medians not written out: %+v", all)
	}
	for _, list := range []struct {
		kind store.ContributionKind
		rows []store.ReportRow
	}{{store.KindWorkshopRequest, r.Workshops}, {store.KindHLTFNomination, r.Nominations}, {store.KindPhotoContest, r.Photos}} {
		if want := shareMap(r.ByKind)[string(list.kind)]; len(list.rows) != want || want == 0 {
			t.Errorf("%s list: %d rows; %d of that kind", list.kind, len(list.rows), want)
		}
	}
}

// A period counts only what arrived in it, whole Geneva days at both ends.
func TestReportPeriod(t *testing.T) {
	st, _ := storetest.New(t)
	db := st.DB()
	seed(t, db, 300)
	loc := st.Phases().Location
	from := time.Date(2018, 11, 1, 0, 0, 0, 0, loc)
	to := time.Date(2019, 1, 31, 0, 0, 0, 0, loc)
	r, err := report.Collect(context.Background(), st, st.Phases(), report.Options{From: &from, To: &to, Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	var want int
	if err := db.Get(&want, `SELECT count(*) FROM contributions WHERE received_at >= $1 AND received_at < $2`, from, to.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	if r.Total != want || len(r.Rows) != want || want == 0 {
		t.Fatalf("period total %d (rows %d); SQL %d", r.Total, len(r.Rows), want)
	}
	if len(r.Deadlines) != 0 {
		t.Errorf("deadlines in the period: %v; the only one is 10 February", r.Deadlines)
	}
}

// checkHTML parses the page: every element closed in order, no URL fetched from outside,
// and returns the document.
func checkHTML(t *testing.T, page []byte) *html.Node {
	t.Helper()
	void := map[string]bool{"meta": true, "br": true, "img": true, "hr": true, "link": true, "input": true, "col": true, "wbr": true}
	z := html.NewTokenizer(bytes.NewReader(page))
	var stack []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				t.Fatalf("html: %v", z.Err())
			}
			break
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			k := strings.ToLower(a.Key)
			if k == "src" || k == "href" || strings.HasSuffix(k, ":href") || k == "action" {
				if v := strings.ToLower(strings.TrimSpace(a.Val)); strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "//") {
					t.Errorf("external URL in <%s %s=%q>", tok.Data, a.Key, a.Val)
				}
			}
		}
		switch tt {
		case html.StartTagToken:
			if tok.Data == "script" || tok.Data == "link" || tok.Data == "img" {
				t.Errorf("<%s> in a self-contained page", tok.Data)
			}
			if !void[tok.Data] {
				stack = append(stack, tok.Data)
			}
		case html.EndTagToken:
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("</%s> closes <%v>", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements: %v", stack)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	if n.Type == html.ElementNode && match(n) {
		out = append(out, n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, find(c, match)...)
	}
	return out
}

func text(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(text(c))
	}
	return b.String()
}

// The page and the workbook, in each language: well-formed HTML with nothing fetched,
// the numbers of the data in its tables, charts as inline SVG, right to left in
// Arabic; the workbook with a summary, every contribution, a sheet per kind.
func TestReportFiles(t *testing.T) {
	st, _ := storetest.New(t)
	db := st.DB()
	seed(t, db, 400)
	wantKinds := counts(t, db, `SELECT COALESCE(kind, kind_suggested, ''), count(*) FROM contributions GROUP BY 1`)
	dir := t.TempDir()
	for _, lang := range report.Languages {
		t.Run(lang, func(t *testing.T) {
			files, err := report.Write(context.Background(), st, st.Phases(), dir, report.Options{Lang: lang, Now: reportNow})
			if err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(files.HTML)
			if err != nil {
				t.Fatal(err)
			}
			doc := checkHTML(t, page)
			root := find(doc, func(n *html.Node) bool { return n.Data == "html" })[0]
			wantDir := "ltr"
			if lang == "ar" {
				wantDir = "rtl"
			}
			if attr(root, "dir") != wantDir || attr(root, "lang") != lang {
				t.Errorf("<html lang=%q dir=%q>", attr(root, "lang"), attr(root, "dir"))
			}
			if got := text(find(doc, func(n *html.Node) bool { return attr(n, "id") == "total" })[0]); got != "400" {
				t.Errorf("total shown %q", got)
			}
			kinds := find(doc, func(n *html.Node) bool { return attr(n, "id") == "kinds" })[0]
			got := map[string]int{}
			for _, tr := range find(kinds, func(n *html.Node) bool {
				return n.Data == "tr" && slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "data-key" })
			}) {
				tds := find(tr, func(n *html.Node) bool { return n.Data == "td" })
				n, err := strconv.Atoi(text(tds[1]))
				if err != nil {
					t.Fatal(err)
				}
				got[attr(tr, "data-key")] = n
			}
			equalMaps(t, "kinds table", got, wantKinds)
			svgs := find(doc, func(n *html.Node) bool { return n.Data == "svg" })
			if len(svgs) != 4 {
				t.Errorf("%d inline SVG charts; want 4 (timeline, kinds, stakeholders, languages)", len(svgs))
			}
			if !bytes.Contains(page, []byte("@media print")) {
				t.Error("no print style")
			}

			f, err := excelize.OpenFile(files.XLSX)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			sheets := f.GetSheetList()
			if len(sheets) != 2+len(wantKinds) {
				t.Errorf("sheets %v; want summary, contributions and %d kinds", sheets, len(wantKinds))
			}
			rows, err := f.GetRows(sheets[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 401 || rows[1][0] != "WSIS-2019-00001" {
				t.Errorf("contributions sheet: %d rows, first %v", len(rows), rows[1])
			}
			var perKind int
			for _, s := range sheets[2:] {
				rows, err := f.GetRows(s)
				if err != nil {
					t.Fatal(err)
				}
				perKind += len(rows) - 1
			}
			if perKind != 400 {
				t.Errorf("kind sheets hold %d rows; want 400", perKind)
			}
			if lang == "ar" {
				v, err := f.GetSheetView(sheets[0], 0)
				if err != nil || v.RightToLeft == nil || !*v.RightToLeft {
					t.Errorf("Arabic summary sheet not right to left: %+v %v", v, err)
				}
			}
		})
	}
}

// The charts come out as SVG that parses as XML and PNG that decodes.
func TestCharts(t *testing.T) {
	st, _ := storetest.New(t)
	seed(t, st.DB(), 200)
	r, err := report.Collect(context.Background(), st, st.Phases(), report.Options{Now: reportNow})
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Timeline()
	if err != nil {
		t.Fatal(err)
	}
	svg, err := report.SVG(p, 20*vg.Centimeter, 10*vg.Centimeter)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	var root string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" || strings.Contains(svg, "<?xml") {
		t.Errorf("svg root %q (declaration stripped for inlining)", root)
	}
	b, err := report.PNG(p, 16*vg.Centimeter, 8*vg.Centimeter)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); w < 500 || w > 700 {
		t.Errorf("PNG %d px wide; 16 cm at 96 dpi is about 605", w)
	}
	if err := os.WriteFile(filepath.Join(t.TempDir(), "timeline.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkReport makes the page and the workbook of 10,000 contributions.
func BenchmarkReport(b *testing.B) {
	st, _ := storetest.New(b)
	seed(b, st.DB(), 10000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		r, err := report.Collect(ctx, st, st.Phases(), report.Options{Now: reportNow})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.WriteHTML(io.Discard); err != nil {
			b.Fatal(err)
		}
		if err := r.WriteXLSX(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// The digest's chart is a PNG, before the deadline and after it.
func TestDigestChart(t *testing.T) {
	st, _ := storetest.New(t)
	seed(t, st.DB(), 300)
	ph := st.Phases()
	for _, now := range []time.Time{time.Date(2019, 1, 20, 9, 0, 0, 0, ph.Location), time.Date(2019, 2, 20, 9, 0, 0, 0, ph.Location)} {
		to := now
		days, err := st.ReportDays(context.Background(), nil, &to, ph.Location.String())
		if err != nil {
			t.Fatal(err)
		}
		b, err := report.DigestChart(days, ph, now)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", now, err)
		}
		if img.Bounds().Dx() < 600 {
			t.Errorf("%s: %d px wide", now, img.Bounds().Dx())
		}
	}
}
