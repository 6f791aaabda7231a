package report

import (
	"bytes"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/wsis/wsisbot/store"
)

// palette colours the kinds, in display order (colour-blind safe, Okabe–Ito).
var palette = []color.RGBA{
	{0, 114, 178, 255}, {230, 159, 0, 255}, {0, 158, 115, 255}, {204, 121, 167, 255},
	{86, 180, 233, 255}, {213, 94, 0, 255}, {120, 120, 120, 255}, {240, 228, 66, 255},
}

var (
	ink      = color.RGBA{0x1f, 0x29, 0x37, 255}
	deadline = color.RGBA{0xb9, 0x1c, 0x1c, 255}
	barColor = color.RGBA{0, 0x5b, 0x96, 255}
)

// dayX is the plot's x for a calendar day (its date at midnight UTC, in seconds).
func dayX(t time.Time) float64 {
	return float64(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix())
}

// CumulativeChart draws the cumulative count of contributions per kind from the
// first day to the last, and of all of them (allLabel), a dashed line on each deadline
// day. days are counts per calendar day and kind, in day order; kinds give the order
// and labels.
func CumulativeChart(days []store.ReportDay, kinds []store.ContributionKind, label func(store.ContributionKind) string, allLabel string,
	deadlines []store.Deadline, deadlineLabel func(store.Deadline) string, first, last time.Time) (*plot.Plot, error) {
	p := plot.New()
	p.X.Tick.Marker = plot.TimeTicks{Format: "2006-01-02"}
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.Padding = vg.Points(2)
	x0, x1 := dayX(first), dayX(last)
	if x1 <= x0 {
		x1 = x0 + 86400
	}
	ymax := 1.0
	var all plotter.XYs
	total := 0
	for _, d := range days {
		total += d.N
		if n := len(all); n > 0 && all[n-1].X == dayX(d.Day) {
			all[n-1].Y = float64(total)
		} else {
			all = append(all, plotter.XY{X: dayX(d.Day), Y: float64(total)})
		}
	}
	for i, k := range kinds {
		var xys plotter.XYs
		n := 0
		xys = append(xys, plotter.XY{X: x0, Y: 0})
		for _, d := range days {
			if d.Kind != k {
				continue
			}
			n += d.N
			xys = append(xys, plotter.XY{X: dayX(d.Day), Y: float64(n)})
		}
		if n == 0 {
			continue
		}
		xys = append(xys, plotter.XY{X: x1, Y: float64(n)})
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (%d)", label(k), n), l)
		if float64(n) > ymax {
			ymax = float64(n)
		}
	}
	if total > 0 {
		all = append(append(plotter.XYs{{X: x0, Y: 0}}, all...), plotter.XY{X: x1, Y: float64(total)})
		l, err := plotter.NewLine(all)
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = ink
		l.Width = vg.Points(3)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (%d)", allLabel, total), l)
		ymax = float64(total)
	}
	for _, d := range deadlines {
		x := dayX(d.Date)
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: ymax * 1.05}})
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.Color = deadline
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		l.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(deadlineLabel(d), l)
		if x > x1 {
			x1 = x
		}
	}
	p.X.Min, p.X.Max = x0, x1
	p.Y.Max = ymax * 1.1
	p.Y.Tick.Marker = counts
	p.Add(plotter.NewGrid())
	style(p)
	return p, nil
}

// BarChart draws one horizontal bar per share, the first at the top.
func BarChart(shares []Share) (*plot.Plot, error) {
	p := plot.New()
	vals := make(plotter.Values, len(shares))
	names := make([]string, len(shares))
	for i, s := range shares {
		j := len(shares) - 1 - i
		vals[j] = float64(s.N)
		names[j] = fmt.Sprintf("%s  %d", s.Label, s.N)
	}
	if len(shares) == 0 {
		vals, names = plotter.Values{0}, []string{"—"}
	}
	b, err := plotter.NewBarChart(vals, vg.Points(14))
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	b.Horizontal = true
	b.Color = barColor
	b.LineStyle.Width = 0
	p.Add(b)
	p.NominalY(names...)
	p.X.Min = 0
	p.X.Tick.Marker = counts
	style(p)
	p.Y.Tick.Length = 0
	return p, nil
}

// counts marks only whole numbers on an axis of counts.
var counts = plot.TickerFunc(func(min, max float64) []plot.Tick {
	var out []plot.Tick
	for _, t := range (plot.DefaultTicks{}).Ticks(min, max) {
		if t.Value == float64(int64(t.Value)) {
			if t.Label != "" {
				t.Label = fmt.Sprint(int64(t.Value))
			}
			out = append(out, t)
		}
	}
	return out
})

// chartFont is the charts' typeface: Liberation Sans, which has the metrics of Arial, so
// that a page drawn where Liberation is missing keeps the room left for each label.
const chartFont = "Sans"

func style(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Tick.Label.Font.Variant = chartFont
		a.Label.TextStyle.Font.Variant = chartFont
		a.Color = ink
		a.Tick.Color = ink
		a.Tick.Label.Color = ink
		a.Tick.Label.Font.Size = vg.Points(9)
		a.Label.TextStyle.Color = ink
	}
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.TextStyle.Font.Variant = chartFont
	p.Legend.TextStyle.Color = ink
}

// SVG draws p at w × h as an SVG document, without the XML declaration so that it
// can sit inside an HTML page.
func SVG(p *plot.Plot, w, h vg.Length) (string, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("chart: svg: %w", err)
	}
	s := b.String()
	if i := strings.Index(s, "<svg"); i >= 0 {
		s = s[i:]
	}
	return s, nil
}

// PNG draws p at w × h as a PNG image (96 dots per inch).
func PNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	c := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))}
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("chart: png: %w", err)
	}
	return b.Bytes(), nil
}

// DigestChart draws, for the daily digest in Slack, the contributions received so far
// per kind and in all against the days left to the next deadline (else the last one):
// a PNG, in English, the deadline day at 0 and today marked.
func DigestChart(days []store.ReportDay, ph *store.Phases, now time.Time) ([]byte, error) {
	if len(ph.Deadlines) == 0 {
		return nil, fmt.Errorf("chart: no deadline")
	}
	d, ok := ph.NextDeadline(now)
	if !ok {
		d = ph.Deadlines[len(ph.Deadlines)-1]
	}
	w := wordsFor("en")
	zero := dayX(d.Date)
	today := -float64(ph.DaysLeft(d, now))
	rel := func(t time.Time) float64 { return (dayX(t) - zero) / 86400 }
	var kinds []store.ContributionKind
	for _, k := range store.Kinds {
		for _, x := range days {
			if x.Kind == k {
				kinds = append(kinds, k)
				break
			}
		}
	}
	for _, x := range days {
		if !slices.Contains(kinds, x.Kind) {
			kinds = append(kinds, x.Kind)
		}
	}
	first := today
	for _, x := range days {
		first = min(first, rel(x.Day))
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Contributions so far: %d days left to the deadline of %s", int(-today), d.Date.Format("2 January 2006"))
	if today > 0 {
		p.Title.Text = fmt.Sprintf("Contributions: %d days after the deadline of %s", int(today), d.Date.Format("2 January 2006"))
	}
	p.Title.TextStyle.Font.Variant = chartFont
	p.Title.TextStyle.Font.Size = vg.Points(11)
	p.X.Label.Text = "days to the deadline"
	p.Y.Label.Text = "contributions"
	p.Legend.Top, p.Legend.Left = true, true
	right := max(today, 0) + 1
	ymax := 1.0
	add := func(xys plotter.XYs, c color.Color, width float64, label string) error {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		l.StepStyle = plotter.PostStep
		l.Color, l.Width = c, vg.Points(width)
		p.Add(l)
		p.Legend.Add(label, l)
		return nil
	}
	all, total := plotter.XYs{{X: first, Y: 0}}, 0
	for _, x := range days {
		total += x.N
		all = append(all, plotter.XY{X: rel(x.Day), Y: float64(total)})
	}
	for i, k := range kinds {
		xys, n := plotter.XYs{{X: first, Y: 0}}, 0
		for _, x := range days {
			if x.Kind == k {
				n += x.N
				xys = append(xys, plotter.XY{X: rel(x.Day), Y: float64(n)})
			}
		}
		if err := add(append(xys, plotter.XY{X: today, Y: float64(n)}), palette[i%len(palette)], 1.5, fmt.Sprintf("%s (%d)", w.kind(k), n)); err != nil {
			return nil, err
		}
	}
	if total > 0 {
		ymax = float64(total)
		if err := add(append(all, plotter.XY{X: today, Y: float64(total)}), ink, 2.5, fmt.Sprintf("%s (%d)", w.AllKinds, total)); err != nil {
			return nil, err
		}
	}
	for _, m := range []struct {
		x     float64
		c     color.RGBA
		label string
	}{{0, deadline, "Deadline"}, {today, color.RGBA{0x6b, 0x72, 0x80, 255}, "Today"}} {
		l, err := plotter.NewLine(plotter.XYs{{X: m.x, Y: 0}, {X: m.x, Y: ymax * 1.05}})
		if err != nil {
			return nil, fmt.Errorf("chart: %w", err)
		}
		l.Color, l.Width, l.Dashes = m.c, vg.Points(1.2), []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l)
		p.Legend.Add(m.label, l)
	}
	p.X.Min, p.X.Max = first-1, right
	p.Y.Min, p.Y.Max = 0, ymax*1.1
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		var out []plot.Tick
		for _, t := range counts.Ticks(min, max) {
			if t.Label != "" {
				t.Label = fmt.Sprint(int64(-t.Value))
			}
			out = append(out, t)
		}
		return out
	})
	p.Y.Tick.Marker = counts
	p.Add(plotter.NewGrid())
	style(p)
	return PNG(p, 18*vg.Centimeter, 10*vg.Centimeter)
}
