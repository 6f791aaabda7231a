package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
)

const importSynopsis = "import [--dry-run] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--mailbox NAME] FILE|DIR..."

const importHelp = `Usage: wsisbot ` + importSynopsis + `

Import last year's mail from archives: mbox files (mboxrd or mboxo, Thunderbird's files
without extension too), Maildir folders (new and cur) and .eml files (an Outlook or
Thunderbird export); folders are walked. Every message goes through the intake's parser
and store and is stored exactly once: what the database holds already (same Message-ID
and bytes, or the same bytes without a Message-ID) is skipped, so importing the same
archives again adds nothing. The mail is history: never acknowledged, no card each; at
the end the channel gets one summary, and the counts are printed. A message that cannot
be parsed is kept raw and quarantined, as the intake does. An import stopped half-way
is continued by the same command. On a terminal, a progress line is shown on standard
error.

Flags:
  --dry-run            read and parse, count what was found; store nothing
  --since YYYY-MM-DD   keep only mail received on or after that day (UTC)
  --until YYYY-MM-DD   keep only mail received before that day (UTC)
  --mailbox NAME       name recorded as the messages' mailbox (default archive)
`

// cmdImport imports archives of mail as history (see importHelp).
func cmdImport(ctx context.Context, cfg *Config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dryRun := fs.Bool("dry-run", false, "read and parse, count what was found; store nothing")
	since := fs.String("since", "", "keep only mail received on or after that day (UTC)")
	until := fs.String("until", "", "keep only mail received before that day (UTC)")
	mailbox := fs.String("mailbox", "archive", "name recorded as the messages' mailbox")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, importHelp)
		return nil
	} else if err != nil {
		return fmt.Errorf("import: %w (usage: %s)", err, importSynopsis)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("import: no file or folder given (usage: %s)", importSynopsis)
	}
	req := mailin.ImportRequest{Paths: fs.Args(), Mailbox: strings.TrimSpace(*mailbox), DryRun: *dryRun,
		Batch: cfg.IMAP.Batch, BatchBytes: cfg.IMAP.BatchBytes, Limits: cfg.IMAP.Limits()}
	if req.Mailbox == "" {
		return errors.New("import: --mailbox must not be empty")
	}
	for _, d := range []struct {
		flag, val string
		to        *time.Time
	}{{"--since", *since, &req.Since}, {"--until", *until, &req.Until}} {
		if d.val == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, d.val, time.UTC)
		if err != nil {
			return fmt.Errorf("import: %s must be a date such as 2019-01-20, not %q", d.flag, d.val)
		}
		*d.to = t
	}
	if !req.Since.IsZero() && !req.Until.IsZero() && !req.Until.After(req.Since) {
		return errors.New("import: --until must come after --since")
	}
	pol, err := cfg.Mail.IngestPolicy(false)
	if err != nil {
		return err
	}
	var st mailin.ArchiveStore
	var db *store.Store
	if !*dryRun {
		s, clock, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer s.Close()
		st, db, req.Now = s, s, clock.Now()
	}
	prog := newProgressLine(stderr)
	if prog != nil {
		req.Progress = prog.update
		// Log lines go above the progress line, not across it.
		var lv slog.Level
		_ = lv.UnmarshalText([]byte(cfg.LogLevel))
		logger = slog.New(slog.NewTextHandler(prog, &slog.HandlerOptions{Level: lv}))
	}
	rep, err := mailin.Import(ctx, st, pol, req, logger)
	if prog != nil {
		prog.finish()
	}
	if err != nil {
		if rep.Import.ID != 0 {
			return fmt.Errorf("%w (import %d stopped after storing %d messages: run the same command again to continue it)",
				err, rep.Import.ID, rep.Stored)
		}
		return err
	}
	if db != nil {
		// What was imported is searchable already; its terms are computed now rather
		// than by serve's indexer later.
		n, err := indexForSearch(ctx, db, 500, nil)
		if err != nil {
			return fmt.Errorf("import: the mail is stored; indexing it for /wsis find: %w (serve indexes the rest)", err)
		}
		logger.Debug("import: indexed for search", "rows", n)
	}
	printImportReport(stdout, rep, *dryRun)
	return nil
}

func printImportReport(w io.Writer, rep mailin.ImportReport, dryRun bool) {
	fmt.Fprintf(w, "import: %d files (%s), %d messages read in %s\n", rep.Files, humanBytes(rep.Bytes), rep.Read,
		rep.Duration.Round(time.Millisecond))
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "  skipped %s: %s\n", s.Path, s.Reason)
	}
	if rep.OutOfRange > 0 {
		fmt.Fprintf(w, "outside --since/--until: %d\n", rep.OutOfRange)
	}
	if dryRun {
		kinds := make([]string, 0, len(rep.Kinds))
		for k := range rep.Kinds {
			kinds = append(kinds, string(k))
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(w, "  %s: %d\n", k, rep.Kinds[store.MessageKind(k)])
		}
		fmt.Fprintf(w, "dry run: %d messages would be imported; nothing was stored\n", rep.Read-rep.OutOfRange)
		return
	}
	fmt.Fprintf(w, "stored as history: %d (new contributions: %d, quarantined: %d, other mail: %d)\nalready stored: %d\n",
		rep.Stored, rep.Contributions, rep.Quarantined, rep.Other, rep.AlreadyStored)
	imp := rep.Import
	switch {
	case imp.Messages == 0:
		fmt.Fprintf(w, "import %d: nothing new; no summary for the channel\n", imp.ID)
	default:
		cont := ""
		if imp.Continued {
			cont = fmt.Sprintf(" (continuing the import begun %s)", imp.StartedAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		fmt.Fprintf(w, "import %d%s: %d messages, %d contributions; its summary is queued for the channel\n",
			imp.ID, cont, imp.Messages, imp.Contributions)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// progressLine draws one line of progress on a terminal, redrawn in place (\r) at
// most every 100 ms.
type progressLine struct {
	w     io.Writer
	mu    sync.Mutex
	last  time.Time
	drawn bool
	ended bool
	p     mailin.ImportProgress
}

// newProgressLine returns a progress line on w when w is a terminal, else nil: a log
// file or a pipe gets no progress.
func newProgressLine(w io.Writer) *progressLine {
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return nil
	}
	return &progressLine{w: w}
}

func (l *progressLine) update(p mailin.ImportProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.p = p
	if time.Since(l.last) < 100*time.Millisecond {
		return
	}
	l.draw()
}

func (l *progressLine) draw() {
	l.last = time.Now()
	p := l.p
	pct := 100.0
	if p.TotalBytes > 0 {
		pct = 100 * float64(p.BytesRead) / float64(p.TotalBytes)
	}
	const width = 24
	fill := min(width, int(pct*width/100))
	fmt.Fprintf(l.w, "\r[%s%s] %5.1f%% %s/%s  %d read, %d stored, %d already stored \x1b[K",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), pct, humanBytes(p.BytesRead), humanBytes(p.TotalBytes),
		p.Read, p.Stored, p.AlreadyStored)
	l.drawn = true
}

// finish draws the last state and ends the line.
func (l *progressLine) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended || (!l.drawn && l.p.Read == 0) {
		return
	}
	l.draw()
	fmt.Fprintln(l.w)
	l.ended = true
}

// Write writes a log line above the progress line: the line is cleared, the log line
// written, and the progress drawn again below it.
func (l *progressLine) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.drawn && !l.ended {
		fmt.Fprint(l.w, "\r\x1b[K")
	}
	n, err := l.w.Write(p)
	if l.drawn && !l.ended {
		l.draw()
	}
	return n, err
}
