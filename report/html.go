package report

import (
	"fmt"
	"html/template"
	"io"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// page is the HTML report: everything inline, nothing fetched.
var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="{{.R.Lang}}" dir="{{.R.Dir}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.R.Name}} — {{.W.Title}}</title>
<style>
:root { color-scheme: light; }
body { font-family: "Noto Sans", "Noto Naskh Arabic", "Noto Sans CJK SC", "Segoe UI", Tahoma, Arial, sans-serif;
  color: #1f2937; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 .2em; color: #005b96; }
h2 { font-size: 1.2em; margin: 1.6em 0 .4em; border-bottom: 2px solid #005b96; padding-bottom: .15em; }
.meta { color: #4b5563; margin: 0 0 1em; }
.total { font-size: 2.2em; font-weight: 700; color: #005b96; }
.note { color: #4b5563; font-size: .9em; margin: .2em 0 .6em; }
.chart { direction: ltr; }
.chart svg { max-width: 100%; height: auto; }
.chart svg text { font-family: "Liberation Sans", Arial, Helvetica, sans-serif !important; }
.pair { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
table { border-collapse: collapse; font-size: .88em; width: 100%; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 3px 6px; text-align: start; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.z { color: #9ca3af; }
.grid td.n { min-width: 2.2em; }
.grid { margin-bottom: .8em; }
.scroll { overflow-x: auto; }
.late { color: #b91c1c; }
.cards { display: flex; gap: 18px; flex-wrap: wrap; }
.card { border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 14px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  section, .pair, table, .chart { break-inside: avoid; }
  tr { break-inside: avoid; }
}
</style>
</head>
<body>
<header>
<h1>{{.R.Name}} — {{.W.Title}}</h1>
<p class="meta">{{.W.Period}}: {{.Period}} · {{.W.Generated}}: {{.Generated}}</p>
<div class="cards">
<div class="card"><div>{{.W.Total}}</div><div class="total" id="total">{{.R.Total}}</div></div>
{{range .R.ByStatus}}<div class="card"><div>{{.Label}}</div><div class="total">{{.N}}</div></div>
{{end}}</div>
</header>

<section id="over-time">
<h2>{{.W.OverTime}}</h2>
<p class="note">{{.W.OverTimeNote}}</p>
<div class="chart">{{.Cumulative}}</div>
</section>

{{define "shares"}}<table><thead><tr><th></th><th class="n">{{.W.Count}}</th><th class="n">{{.W.Share}}</th></tr></thead><tbody>
{{range .S}}<tr data-key="{{.Key}}"><td>{{.Label}}</td><td class="n">{{.N}}</td><td class="n">{{printf "%.1f" .Pct}} %</td></tr>
{{end}}</tbody></table>{{end}}

{{range .Bars}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
<div class="pair"><div class="chart">{{.SVG}}</div><div>{{template "shares" .}}</div></div>
</section>
{{end}}

<section id="grid">
<h2>{{.W.Grid}}</h2>
<p class="note">{{.W.GridNote}}</p>
{{range .Grids}}<div class="scroll"><table class="grid" id="{{.ID}}"><thead><tr><th>{{$.W.Kind}}</th>{{range .Tags}}<th class="n">{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr data-kind="{{.Kind}}"><td>{{.Label}}</td>{{range .Cells}}<td class="n{{if not .}} z{{end}}">{{.}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
{{end}}
</section>

<section id="timeliness">
<h2>{{.W.Timeliness}} · {{.W.Timing}}</h2>
<table><thead><tr><th>{{.W.Kind}}</th><th class="n">{{.W.Total}}</th><th class="n">{{.W.OnTime}}</th><th class="n">{{.W.Late}}</th>
<th class="n">{{.W.FirstAction}}</th><th class="n">{{.W.Closing}}</th></tr></thead><tbody>
{{range .R.Timings}}<tr data-kind="{{.Kind}}"><td>{{.Label}}</td><td class="n">{{.Total}}</td><td class="n">{{.OnTime}}</td><td class="n{{if .Late}} late{{end}}">{{.Late}}</td>
<td class="n">{{if .FirstAction}}{{.FirstAction}} ({{.Acted}} {{$.W.Acted}}){{else}}—{{end}}</td>
<td class="n">{{if .Closing}}{{.Closing}} ({{.Closed}} {{$.W.Closed}}){{else}}—{{end}}</td></tr>
{{end}}</tbody></table>
</section>

{{range .Lists}}<section id="{{.ID}}">
<h2>{{.Title}} ({{len .Rows}})</h2>
{{if .Rows}}<table><thead><tr><th>{{$.W.Ref}}</th><th>{{$.W.Received}}</th><th>{{$.W.Organisation}}</th><th>{{$.W.From}}</th><th>{{$.W.Subject}}</th><th>{{$.W.Status}}</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Ref}}</td><td>{{.Received}}</td><td>{{.Organisation}}</td><td>{{.From}}</td><td>{{.Subject}}</td><td>{{.Status}}{{if .Late}} · <span class="late">{{$.W.Late}}</span>{{end}}</td></tr>
{{end}}</tbody></table>{{else}}<p>{{$.W.None}}</p>{{end}}
</section>
{{end}}
</body>
</html>
`))

type barView struct {
	ID, Title string
	SVG       template.HTML
	S         []Share
	W         words
}

type gridView struct {
	ID   string
	Tags []string
	Rows []gridRow
}

type gridRow struct {
	Kind  store.ContributionKind
	Label string
	Cells []int
}

type listRow struct {
	Ref, Received, Organisation, From, Subject, Status string
	Late                                               bool
}

type listView struct {
	ID, Title string
	Rows      []listRow
}

type pageView struct {
	R                 *Report
	W                 words
	Period, Generated string
	Cumulative        template.HTML
	Bars              []barView
	Grids             []gridView
	Lists             []listView
}

func (r *Report) date(t time.Time) string { return templates.FormatDate(r.Lang, t.In(r.Loc)) }

// period is the report's period in words.
func (r *Report) period() string {
	switch {
	case r.From == nil && r.To == nil:
		return r.w.AllTime
	case r.From == nil:
		return "… – " + r.date(*r.To)
	case r.To == nil:
		return r.date(*r.From) + " – …"
	}
	return r.date(*r.From) + " – " + r.date(*r.To)
}

// span is the first and last day the timeline shows: the period, else the days with
// contributions, stretched to the deadlines.
func (r *Report) span() (time.Time, time.Time) {
	var first, last time.Time
	for _, d := range r.Days {
		if first.IsZero() || d.Day.Before(first) {
			first = d.Day
		}
		if d.Day.After(last) {
			last = d.Day
		}
	}
	for _, d := range r.Deadlines {
		day := time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 0, 0, 0, 0, time.UTC)
		if first.IsZero() || day.Before(first) {
			first = day
		}
		if day.After(last) {
			last = day
		}
	}
	if r.From != nil {
		first = *r.From
	}
	if r.To != nil {
		last = *r.To
	}
	return first, last
}

// Timeline is the report's chart of contributions over time.
func (r *Report) Timeline() (*plot.Plot, error) {
	first, last := r.span()
	return CumulativeChart(r.Days, r.Kinds, r.w.kind, r.w.AllKinds, r.Deadlines,
		func(d store.Deadline) string { return r.w.DeadlineMark + " " + d.Date.Format("2006-01-02") }, first, last)
}

// WriteHTML writes the report as one self-contained HTML page.
func (r *Report) WriteHTML(w io.Writer) error {
	v := pageView{R: r, W: r.w, Period: r.period(), Generated: r.date(r.Generated) + " " + r.Generated.In(r.Loc).Format("15:04")}
	cum, err := r.Timeline()
	if err != nil {
		return err
	}
	s, err := SVG(cum, 26*vg.Centimeter, 11*vg.Centimeter)
	if err != nil {
		return err
	}
	v.Cumulative = template.HTML(s) // drawn here, text escaped by the SVG writer
	for _, b := range []struct {
		id, title string
		s         []Share
	}{{"kinds", r.w.ByKind, r.ByKind}, {"stakeholders", r.w.ByStakeholder, r.ByStake}, {"languages", r.w.ByLanguage, r.ByLang}} {
		p, err := BarChart(b.s)
		if err != nil {
			return err
		}
		h := vg.Length(len(b.s)+2) * 0.75 * vg.Centimeter
		s, err := SVG(p, 15*vg.Centimeter, h)
		if err != nil {
			return err
		}
		v.Bars = append(v.Bars, barView{ID: b.id, Title: b.title, SVG: template.HTML(s), S: b.s, W: r.w})
	}
	// Action lines in one table, the SDGs (when any is named) in another.
	lines := len(store.ActionLines)
	for _, g := range []gridView{{ID: "action-lines", Tags: r.Tags[:lines]}, {ID: "sdgs", Tags: r.Tags[lines:]}} {
		if len(g.Tags) == 0 {
			continue
		}
		totals := gridRow{Label: r.w.Total, Cells: make([]int, len(g.Tags))}
		for _, k := range r.Kinds {
			row := gridRow{Kind: k, Label: r.w.kind(k), Cells: make([]int, len(g.Tags))}
			for i, t := range g.Tags {
				row.Cells[i] = r.Grid[k][t]
				totals.Cells[i] += row.Cells[i]
			}
			g.Rows = append(g.Rows, row)
		}
		g.Rows = append(g.Rows, totals)
		v.Grids = append(v.Grids, g)
	}
	for _, l := range []struct {
		id, title string
		rows      []store.ReportRow
	}{{"workshops", r.w.Workshops, r.Workshops}, {"hltf", r.w.HLTF, r.Nominations}, {"photos", r.w.Photo, r.Photos}} {
		lv := listView{ID: l.id, Title: l.title}
		for _, c := range l.rows {
			st := r.w.status(string(c.Status))
			if c.Outcome != "" {
				st += ": " + r.w.outcome(c.Outcome)
			}
			lv.Rows = append(lv.Rows, listRow{Ref: c.Ref, Received: r.date(c.ReceivedAt), Organisation: c.Organisation,
				From: c.FromName, Subject: c.Subject, Status: st, Late: c.Late})
		}
		v.Lists = append(v.Lists, lv)
	}
	if err := page.Execute(w, v); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return nil
}
