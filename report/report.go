// Package report writes the consultation at a glance, for publication after the
// deadline: one self-contained HTML page (inline CSS, charts as inline SVG drawn with
// gonum/plot, printable to PDF) and an XLSX workbook, in any of the six UN languages.
// Phases, kinds and deadlines come from the phases file; the numbers come from the
// store's report queries, aggregated in PostgreSQL. It knows nothing of Slack: the
// digest's PNG chart is drawn here and posted by the bot.
package report

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wsis/wsisbot/store"
)

// Store is what the report reads.
type Store interface {
	ReportRows(ctx context.Context, from, to *time.Time) ([]store.ReportRow, error)
	ReportCounts(ctx context.Context, from, to *time.Time) ([]store.ReportCount, error)
	ReportDays(ctx context.Context, from, to *time.Time, tz string) ([]store.ReportDay, error)
	ReportTags(ctx context.Context, from, to *time.Time) ([]store.ReportTag, error)
	ReportTimings(ctx context.Context, from, to *time.Time) ([]store.ReportTiming, error)
}

// Options say what to report and how.
type Options struct {
	// From and To are the first and last days (Geneva calendar days, midnight in the
	// phases' zone) of the period; nil: from the start, to the end.
	From, To *time.Time
	// Lang is the report's language (Languages); "" is English.
	Lang string
	// Now is when the report is made (shown on it).
	Now time.Time
}

// Share is a count and its share of the total.
type Share struct {
	Key   string  // the code (kind, stakeholder type, language)
	Label string  // in the report's language
	N     int     //
	Pct   float64 // of the total, 0..100
}

// KindTiming is the handling of one kind of contribution.
type KindTiming struct {
	Kind         store.ContributionKind
	Label        string
	Total        int
	OnTime, Late int
	FirstAction  string // the median, written out ("" when none was acted on)
	Acted        int
	Closing      string
	Closed       int
	// FirstSeconds and CloseSeconds are the medians in seconds (nil: none).
	FirstSeconds, CloseSeconds *float64
}

// Report is everything the page and the workbook show.
type Report struct {
	Lang, Dir   string
	Name        string // the consultation (phases file)
	Generated   time.Time
	From, To    *time.Time
	Loc         *time.Location
	Total       int
	Kinds       []store.ContributionKind // in display order: the phases file's, then any other seen
	ByKind      []Share
	ByStake     []Share
	ByLang      []Share
	ByStatus    []Share
	Timings     []KindTiming // per kind, then all kinds (Kind "" and Label AllKinds)
	Tags        []string     // action lines C1..C11, then the SDGs named
	Grid        map[store.ContributionKind]map[string]int
	Days        []store.ReportDay
	Deadlines   []store.Deadline
	Rows        []store.ReportRow
	Workshops   []store.ReportRow
	Nominations []store.ReportRow
	Photos      []store.ReportRow

	w words
}

// Collect reads the report's numbers from st.
func Collect(ctx context.Context, st Store, ph *store.Phases, o Options) (*Report, error) {
	lang := o.Lang
	if lang == "" {
		lang = "en"
	}
	if !slices.Contains(Languages, lang) {
		return nil, fmt.Errorf("report: language %q: one of %v", lang, Languages)
	}
	from, to := o.From, o.To
	var toEnd *time.Time
	if to != nil {
		e := to.AddDate(0, 0, 1)
		toEnd = &e
	}
	r := &Report{Lang: lang, Dir: "ltr", Name: ph.Name, Generated: o.Now, From: from, To: to, Loc: ph.Location, w: wordsFor(lang)}
	if lang == "ar" {
		r.Dir = "rtl"
	}
	var err error
	if r.Rows, err = st.ReportRows(ctx, from, toEnd); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	counts, err := st.ReportCounts(ctx, from, toEnd)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if r.Days, err = st.ReportDays(ctx, from, toEnd, ph.Location.String()); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	tags, err := st.ReportTags(ctx, from, toEnd)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	timings, err := st.ReportTimings(ctx, from, toEnd)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}

	// Kinds: those the phases file's deadlines name, in its order, then any other seen.
	addKind := func(k store.ContributionKind) {
		if !slices.Contains(r.Kinds, k) {
			r.Kinds = append(r.Kinds, k)
		}
	}
	for _, d := range ph.Deadlines {
		for _, k := range d.Kinds {
			addKind(k)
		}
	}
	dims := map[string]map[string]int{}
	late := map[store.ContributionKind][2]int{}
	for _, c := range counts {
		switch c.Dimension {
		case "total":
			r.Total = c.N
		case "late":
			v := late[store.ContributionKind(c.Key)]
			if c.Late {
				v[1] += c.N
			} else {
				v[0] += c.N
			}
			late[store.ContributionKind(c.Key)] = v
		default:
			if dims[c.Dimension] == nil {
				dims[c.Dimension] = map[string]int{}
			}
			dims[c.Dimension][c.Key] += c.N
		}
	}
	for _, k := range store.Kinds {
		if dims["kind"][string(k)] > 0 {
			addKind(k)
		}
	}
	for k := range dims["kind"] {
		if !slices.Contains(r.Kinds, store.ContributionKind(k)) {
			addKind(store.ContributionKind(k))
		}
	}
	shares := func(dim string, order []string, label func(string) string) []Share {
		var out []Share
		seen := map[string]bool{}
		add := func(k string) {
			if seen[k] {
				return
			}
			seen[k] = true
			n := dims[dim][k]
			pct := 0.0
			if r.Total > 0 {
				pct = 100 * float64(n) / float64(r.Total)
			}
			out = append(out, Share{Key: k, Label: label(k), N: n, Pct: pct})
		}
		for _, k := range order {
			add(k)
		}
		var rest []string
		for k := range dims[dim] {
			if !seen[k] {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		for _, k := range rest {
			add(k)
		}
		return out
	}
	kindOrder := make([]string, len(r.Kinds))
	for i, k := range r.Kinds {
		kindOrder[i] = string(k)
	}
	r.ByKind = shares("kind", kindOrder, func(k string) string { return r.w.kind(store.ContributionKind(k)) })
	r.ByStake = shares("stakeholder_type", store.StakeholderTypes, r.w.stakeholder)
	r.ByLang = shares("language", store.Languages, r.w.language)
	statuses := make([]string, len(store.Statuses))
	for i, s := range store.Statuses {
		statuses[i] = string(s)
	}
	r.ByStatus = shares("status", statuses, r.w.status)

	// Action lines C1..C11, then the SDGs named, in number order.
	r.Grid = map[store.ContributionKind]map[string]int{}
	var sdgs []int
	for _, a := range store.ActionLines {
		r.Tags = append(r.Tags, a.Code)
	}
	for _, t := range tags {
		if r.Grid[t.Kind] == nil {
			r.Grid[t.Kind] = map[string]int{}
		}
		r.Grid[t.Kind][t.Tag] += t.N
		var n int
		if _, err := fmt.Sscanf(t.Tag, "SDG %d", &n); err == nil && !slices.Contains(sdgs, n) {
			sdgs = append(sdgs, n)
		}
	}
	slices.Sort(sdgs)
	for _, n := range sdgs {
		r.Tags = append(r.Tags, fmt.Sprintf("SDG %d", n))
	}

	byKind := map[store.ContributionKind]store.ReportTiming{}
	var all store.ReportTiming
	for _, t := range timings {
		if t.All {
			all = t
		} else {
			byKind[t.Kind] = t
		}
	}
	timing := func(k store.ContributionKind, label string, t store.ReportTiming, total int, lt [2]int) KindTiming {
		return KindTiming{Kind: k, Label: label, Total: total, OnTime: lt[0], Late: lt[1],
			FirstAction: r.duration(t.FirstActionSeconds), Acted: t.Acted, Closing: r.duration(t.CloseSeconds), Closed: t.Closed,
			FirstSeconds: t.FirstActionSeconds, CloseSeconds: t.CloseSeconds}
	}
	var sum [2]int
	for _, k := range r.Kinds {
		lt := late[k]
		sum[0] += lt[0]
		sum[1] += lt[1]
		r.Timings = append(r.Timings, timing(k, r.w.kind(k), byKind[k], dims["kind"][string(k)], lt))
	}
	r.Timings = append(r.Timings, timing("", r.w.AllKinds, all, r.Total, sum))

	for _, d := range ph.Deadlines {
		if (from == nil || !d.Date.Before(*from)) && (to == nil || !d.Date.After(*to)) {
			r.Deadlines = append(r.Deadlines, d)
		}
	}
	for _, row := range r.Rows {
		switch row.Kind {
		case store.KindWorkshopRequest:
			r.Workshops = append(r.Workshops, row)
		case store.KindHLTFNomination:
			r.Nominations = append(r.Nominations, row)
		case store.KindPhotoContest:
			r.Photos = append(r.Photos, row)
		}
	}
	return r, nil
}

// duration writes a median: "3 h", "2 d 4 h" ("" for none).
func (r *Report) duration(s *float64) string {
	if s == nil {
		return ""
	}
	h := int(*s/3600 + 0.5)
	if *s > 0 && h == 0 {
		return fmt.Sprintf("%d min", int(*s/60+0.5))
	}
	if h < 48 {
		return fmt.Sprintf("%d %s", h, r.w.Hours)
	}
	return fmt.Sprintf("%d %s %d %s", h/24, r.w.Days, h%24, r.w.Hours)
}

// Files are the files Write wrote.
type Files struct {
	HTML, XLSX string
}

// Write collects the report and writes report-LANG.html and report-LANG.xlsx in dir
// (created if need be), each through a temporary file renamed into place.
func Write(ctx context.Context, st Store, ph *store.Phases, dir string, o Options) (Files, error) {
	r, err := Collect(ctx, st, ph, o)
	if err != nil {
		return Files{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("report: %w", err)
	}
	files := Files{HTML: filepath.Join(dir, "report-"+r.Lang+".html"), XLSX: filepath.Join(dir, "report-"+r.Lang+".xlsx")}
	if err := writeFile(files.HTML, r.WriteHTML); err != nil {
		return Files{}, err
	}
	if err := writeFile(files.XLSX, r.WriteXLSX); err != nil {
		return Files{}, err
	}
	return files, nil
}

func writeFile(path string, write func(w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".wsisbot-report-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("report %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
