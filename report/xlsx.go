package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/store"
)

// WriteXLSX writes the workbook: a summary sheet, one row per contribution, and one
// sheet per kind with that kind's contributions.
func (r *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	summary := sheetName(r.w.Summary, nil)
	if err := f.SetSheetName("Sheet1", summary); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := r.direction(f, summary); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(summary)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	row := 1
	put := func(style int, vals ...any) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			if style != 0 {
				cells[i] = excelize.Cell{StyleID: style, Value: v}
			} else {
				cells[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	}
	if err := sw.SetColWidth(1, 1, 36); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	errs := []error{
		put(bold, r.Name+" — "+r.w.Title),
		put(0, r.w.Period, r.period()),
		put(0, r.w.Generated, r.Generated.In(r.Loc).Format("2006-01-02 15:04")),
		put(0, r.w.Total, r.Total),
	}
	for _, t := range []struct {
		title string
		s     []Share
	}{{r.w.ByKind, r.ByKind}, {r.w.ByStakeholder, r.ByStake}, {r.w.ByLanguage, r.ByLang}, {r.w.ByStatus, r.ByStatus}} {
		row++
		errs = append(errs, put(bold, t.title, r.w.Count, r.w.Share))
		for _, s := range t.s {
			errs = append(errs, put(0, s.Label, s.N, fmt.Sprintf("%.1f %%", s.Pct)))
		}
	}
	row++
	errs = append(errs, put(bold, r.w.Timeliness, r.w.Total, r.w.OnTime, r.w.Late, r.w.FirstAction, r.w.Acted, r.w.Closing, r.w.Closed))
	for _, t := range r.Timings {
		errs = append(errs, put(0, t.Label, t.Total, t.OnTime, t.Late, t.FirstAction, t.Acted, t.Closing, t.Closed))
	}
	row++
	head := []any{r.w.Grid}
	for _, t := range r.Tags {
		head = append(head, t)
	}
	errs = append(errs, put(bold, head...))
	for _, k := range r.Kinds {
		line := []any{r.w.kind(k)}
		for _, t := range r.Tags {
			line = append(line, r.Grid[k][t])
		}
		errs = append(errs, put(0, line...))
	}
	errs = append(errs, sw.Flush())
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("xlsx: summary: %w", err)
		}
	}

	used := map[string]bool{summary: true}
	if err := r.rowsSheet(f, sheetName(r.w.Contributions, used), bold, r.Rows); err != nil {
		return err
	}
	for _, k := range r.Kinds {
		var rows []store.ReportRow
		for _, c := range r.Rows {
			if c.Kind == k {
				rows = append(rows, c)
			}
		}
		if len(rows) == 0 {
			continue
		}
		if err := r.rowsSheet(f, sheetName(r.w.kind(k), used), bold, rows); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// direction lays a sheet out right to left for Arabic; before its stream writer, which
// writes the sheet view it finds.
func (r *Report) direction(f *excelize.File, sheet string) error {
	if r.Dir != "rtl" {
		return nil
	}
	rtl := true
	if err := f.SetSheetView(sheet, 0, &excelize.ViewOptions{RightToLeft: &rtl}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// rowsSheet writes one row per contribution on a new sheet.
func (r *Report) rowsSheet(f *excelize.File, name string, bold int, rows []store.ReportRow) error {
	if _, err := f.NewSheet(name); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := r.direction(f, name); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	w := r.w
	header := []string{w.Ref, w.Received, w.Kind, w.Stakeholder, w.Language, w.Organisation, w.From, w.Email, w.Subject,
		w.ActionLines, w.SDG, w.Status, w.Outcome, w.Deadline, w.Late, w.Assignee, w.FirstAction, w.Closing}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	stamp := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(r.Loc).Format("2006-01-02 15:04")
	}
	for i, c := range rows {
		sdgs := make([]string, len(c.SDGs))
		for j, n := range c.SDGs {
			sdgs[j] = strconv.FormatInt(n, 10)
		}
		late := ""
		if c.Late {
			late = w.Late
		}
		received := c.ReceivedAt
		vals := []any{c.Ref, stamp(&received), w.kind(c.Kind), w.stakeholder(c.StakeholderType), w.language(c.Language),
			c.Organisation, c.FromName, c.FromEmail, c.Subject, strings.Join(c.ActionLines, ", "), strings.Join(sdgs, ", "),
			w.status(string(c.Status)), w.outcome(c.Outcome), c.DeadlineName, late, c.Assignee, stamp(c.FirstDeskAt), stamp(c.ClosedAt)}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// sheetName makes s a sheet name Excel accepts (at most 31 characters, none of
// []:*?/\) that is not yet in used, and marks it used.
func sheetName(s string, used map[string]bool) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, s)
	cut := func(s string, n int) string {
		for utf8.RuneCountInString(s) > n {
			_, size := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-size]
		}
		return s
	}
	s = cut(strings.TrimSpace(s), 31)
	name := s
	for i := 2; used[name]; i++ {
		suffix := fmt.Sprintf(" %d", i)
		name = cut(s, 31-len(suffix)) + suffix
	}
	if used != nil {
		used[name] = true
	}
	return name
}
