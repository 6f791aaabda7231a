package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/wsis/wsisbot/report"
)

// cmdReport writes the consultation report (HTML page and XLSX workbook) to --out.
func cmdReport(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	out := fs.String("out", "report", "folder to write report-LANG.html and report-LANG.xlsx in")
	from := fs.String("from", "", "first day, YYYY-MM-DD (Geneva; default: the first contribution)")
	to := fs.String("to", "", "last day, YYYY-MM-DD (Geneva; default: the last contribution)")
	lang := fs.String("lang", "en", "language: en, fr, es, ru, ar or zh")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !slices.Contains(report.Languages, *lang) {
		return fmt.Errorf("report: --lang must be one of en, fr, es, ru, ar, zh, not %q", *lang)
	}
	st, clock, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	ph := st.Phases()
	day := func(flagName, s string) (*time.Time, error) {
		if s == "" {
			return nil, nil
		}
		t, err := time.ParseInLocation("2006-01-02", s, ph.Location)
		if err != nil {
			return nil, fmt.Errorf("report: --%s: want YYYY-MM-DD, got %q", flagName, s)
		}
		return &t, nil
	}
	o := report.Options{Lang: *lang, Now: clock.Now()}
	if o.From, err = day("from", *from); err != nil {
		return err
	}
	if o.To, err = day("to", *to); err != nil {
		return err
	}
	if o.From != nil && o.To != nil && o.To.Before(*o.From) {
		return fmt.Errorf("report: --to %s is before --from %s", *to, *from)
	}
	files, err := report.Write(ctx, st, ph, *out, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report written:\n  %s\n  %s\n", files.HTML, files.XLSX)
	return nil
}
