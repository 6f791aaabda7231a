package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store/storetest"
)

// wsisbot import over an mbox file: the counts printed, the second run adds nothing,
// and standard error (not a terminal here) gets no progress line.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	var mbox strings.Builder
	year := time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)
	for i := range 5 {
		d := year.Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&mbox, "From contributor@example.org %s\n%s\n", d.Format(time.ANSIC),
			strings.ReplaceAll(string(imaptest.Mail(i, imaptest.MailOptions{Run: "cmd", Date: d})), "\r\n", "\n"))
	}
	path := filepath.Join(dir, "wsis-2019.mbox")
	if err := os.WriteFile(path, []byte(mbox.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	dbURL := storetest.NewURL(t)
	getenv := env(map[string]string{"DATABASE_URL": dbURL, "WSISBOT_LOG_LEVEL": "warn"})

	var out, errw bytes.Buffer
	if err := run([]string{"import", path}, &out, &errw, getenv); err != nil {
		t.Fatalf("%v\n%s", err, errw.String())
	}
	for _, want := range []string{"5 messages read", "stored as history: 5 (new contributions: 5, quarantined: 0", "already stored: 0",
		"its summary is queued for the channel"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(errw.String(), "\r") {
		t.Errorf("progress written where standard error is not a terminal: %q", errw.String())
	}
	// What was imported is indexed for /wsis find before the command ends.
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pending int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM contributions WHERE search IS NULL)
		+ (SELECT count(*) FROM messages WHERE search IS NULL AND contribution_id IS NOT NULL AND direction = 'in')`).Scan(&pending); err != nil {
		t.Fatal(err)
	}
	if pending != 0 {
		t.Errorf("%d rows left to index for search after the import", pending)
	}

	out.Reset()
	if err := run([]string{"import", path}, &out, &errw, getenv); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"stored as history: 0", "already stored: 5", "nothing new; no summary"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second run: output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if err := run([]string{"import", "--dry-run", "--since", "2019-01-20", "--until", "2019-01-21", path}, &out, &errw, getenv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "dry run: 5 messages would be imported") {
		t.Errorf("dry run:\n%s", out.String())
	}
	for _, bad := range [][]string{{"import"}, {"import", "--since", "20 January", path}, {"import", "--since", "2019-02-01", "--until", "2019-01-01", path}} {
		if err := run(bad, &out, &errw, getenv); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Progress goes to a terminal only: a pipe, a file or a buffer gets none; on a
// terminal it is one line redrawn with \r.
func TestImportProgressOnlyOnATerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, out := range map[string]any{"pipe": w, "file": f, "buffer": &bytes.Buffer{}} {
		var l *progressLine
		switch o := out.(type) {
		case *os.File:
			l = newProgressLine(o)
		case *bytes.Buffer:
			l = newProgressLine(o)
		}
		if l != nil {
			t.Errorf("%s: progress line on something that is not a terminal", name)
		}
	}
	var b bytes.Buffer
	l := &progressLine{w: &b}
	l.update(mailin.ImportProgress{BytesRead: 50, TotalBytes: 100, Read: 7, Stored: 5, AlreadyStored: 2})
	l.finish()
	if got := b.String(); !strings.HasPrefix(got, "\r[") || !strings.Contains(got, " 50.0%") || !strings.Contains(got, "7 read, 5 stored, 2 already stored") ||
		!strings.HasSuffix(got, "\n") {
		t.Errorf("progress line %q", got)
	}
	// A log line while the progress shows: the line is cleared, the log written on a
	// line of its own, and the progress drawn again.
	b.Reset()
	l = &progressLine{w: &b}
	l.update(mailin.ImportProgress{BytesRead: 10, TotalBytes: 100, Read: 1})
	fmt.Fprint(l, "level=WARN msg=\"import: message quarantined\"\n")
	l.finish()
	lines := strings.Split(b.String(), "\r")
	if len(lines) != 5 || !strings.HasPrefix(lines[2], "\x1b[Klevel=WARN") || !strings.HasSuffix(lines[2], "\n") || !strings.HasPrefix(lines[3], "[==") {
		t.Errorf("a log line across the progress: %q", b.String())
	}
}

func TestImportHelp(t *testing.T) {
	var out, errw bytes.Buffer
	if err := run([]string{"help", "import"}, &out, &errw, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Usage: wsisbot import") || !strings.Contains(out.String(), "--dry-run") {
		t.Errorf("help:\n%s", out.String())
	}
	out.Reset()
	if err := run([]string{"--help"}, &out, &errw, env(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\n  import ") {
		t.Errorf("the usage does not list import:\n%s", out.String())
	}
}
