package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, maxBytes int64, paths ...string) []Message {
	t.Helper()
	var out []Message
	if err := Walk(paths, maxBytes, func(m Message) error { out = append(out, m); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// An mboxrd file written with LF line ends: the "From " lines split it, the escaping is
// undone, an unescaped "From " line inside a message stays text, lines end in CRLF.
const mboxrd = `From alice@example.org Mon Jan 21 10:00:00 2019
From: Alice <alice@example.org>
Subject: One

>From the start, we propose:
>>From here on, quoted.
Regards

From bob@example.org Tue Jan 22 11:30:00 2019
From: Bob <bob@example.org>
Subject: Two

A line with a date-less From after a blank line:

From what I understand, this is text.
From nobody Tue Jan 22 11:30:00 2019 (no blank line before: text too)

From - Wed Jan 23 08:00:00 2019
From: Carol <carol@example.org>
Subject: Three (Thunderbird's "From - " line)

Last message, no final newline.`

func TestMboxSplitsAndUnescapes(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "consultation.mbox"), mboxrd)
	msgs := readAll(t, 0, filepath.Join(dir, "consultation.mbox"))
	if len(msgs) != 3 {
		for _, m := range msgs {
			t.Logf("%s: %q", m.Origin, m.Raw)
		}
		t.Fatalf("%d messages, want 3", len(msgs))
	}
	one := string(msgs[0].Raw)
	want := "From: Alice <alice@example.org>\r\nSubject: One\r\n\r\nFrom the start, we propose:\r\n>From here on, quoted.\r\nRegards\r\n"
	if one != want {
		t.Errorf("message 1 = %q\nwant        %q", one, want)
	}
	two := string(msgs[1].Raw)
	for _, s := range []string{"\r\nFrom what I understand, this is text.\r\n", "\r\nFrom nobody Tue Jan 22 11:30:00 2019 (no blank"} {
		if !strings.Contains(two, s) {
			t.Errorf("message 2 lost the body line %q: %q", s, two)
		}
	}
	if strings.HasSuffix(two, "\r\n\r\n") {
		t.Errorf("message 2 kept the mbox's empty separator line: %q", two)
	}
	if got := string(msgs[2].Raw); !strings.HasSuffix(got, "Last message, no final newline.") {
		t.Errorf("message 3 = %q", got)
	}
	for i, want := range []time.Time{
		time.Date(2019, 1, 21, 10, 0, 0, 0, time.UTC), time.Date(2019, 1, 22, 11, 30, 0, 0, time.UTC),
		time.Date(2019, 1, 23, 8, 0, 0, 0, time.UTC)} {
		if !msgs[i].Received.Equal(want) {
			t.Errorf("message %d received %v, want %v", i+1, msgs[i].Received, want)
		}
	}
	if msgs[1].Origin != filepath.Join(dir, "consultation.mbox")+":9" {
		t.Errorf("origin of message 2 = %q", msgs[1].Origin)
	}
	for _, m := range msgs {
		if strings.Contains(strings.ReplaceAll(string(m.Raw), "\r\n", ""), "\n") {
			t.Errorf("%s: a bare LF is left: %q", m.Origin, m.Raw)
		}
	}
}

// A CRLF mbox reads the same, and a line longer than the reader's buffer is kept whole.
func TestMboxCRLFAndLongLines(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("x", 200<<10)
	content := strings.ReplaceAll("From a@b.example Mon Jan 21 10:00:00 2019\nSubject: A\n\n"+long+"\n\nFrom c@d.example Mon Jan 21 10:00:01 2019\nSubject: B\n\nb\n", "\n", "\r\n")
	write(t, filepath.Join(dir, "Inbox"), content)
	msgs := readAll(t, 0, dir)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	if want := "Subject: A\r\n\r\n" + long + "\r\n"; string(msgs[0].Raw) != want {
		t.Errorf("message 1: %d bytes, want %d", len(msgs[0].Raw), len(want))
	}
	if string(msgs[1].Raw) != "Subject: B\r\n\r\nb\r\n" {
		t.Errorf("message 2 = %q", msgs[1].Raw)
	}
}

// A message over the limit keeps its first bytes, is marked, and the next one is whole.
func TestMboxTruncates(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("line of text\n", 1000)
	write(t, filepath.Join(dir, "a.mbox"), "From a@b.example Mon Jan 21 10:00:00 2019\nSubject: big\n\n"+big+
		"\nFrom c@d.example Mon Jan 21 10:00:01 2019\nSubject: small\n\nhi\n")
	msgs := readAll(t, 1000, dir)
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	if !msgs[0].Truncated || len(msgs[0].Raw) > 1000 || msgs[0].Size < 14000 {
		t.Errorf("big: truncated %v, %d bytes kept, size %d", msgs[0].Truncated, len(msgs[0].Raw), msgs[0].Size)
	}
	if msgs[1].Truncated || string(msgs[1].Raw) != "Subject: small\r\n\r\nhi\r\n" {
		t.Errorf("small: %v %q", msgs[1].Truncated, msgs[1].Raw)
	}
}

// A Maildir: new and cur are read (the date from the file name), tmp is not, and a
// Maildir++ sub-folder is read too.
func TestMaildir(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "Maildir")
	write(t, filepath.Join(md, "new", "1548064800.M1P2.host"), "Subject: new\n\nnew\n")
	write(t, filepath.Join(md, "cur", "1548064801.M3P4.host:2,S"), "Subject: cur\n\ncur\n")
	write(t, filepath.Join(md, "tmp", "1548064802.M5P6.host"), "Subject: tmp\n\nbeing delivered\n")
	write(t, filepath.Join(md, ".Archive", "cur", "1548064803.M7P8.host:2,"), "Subject: sub\n\nsub\n")
	if err := os.MkdirAll(filepath.Join(md, ".Archive", "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	msgs := readAll(t, 0, md)
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, strings.SplitN(string(m.Raw), "\r\n", 2)[0])
	}
	if got := strings.Join(subjects, ","); got != "Subject: new,Subject: cur,Subject: sub" {
		t.Fatalf("read %s", got)
	}
	if want := time.Unix(1548064800, 0).UTC(); !msgs[0].Received.Equal(want) {
		t.Errorf("received %v, want %v", msgs[0].Received, want)
	}
}

// A folder of .eml files is walked recursively; an index file is skipped, a
// Thunderbird mbox without extension is read, an empty one is nothing.
func TestEmlFolderAndMixed(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "export", "a.eml"), "Subject: a\r\n\r\na\r\n")
	write(t, filepath.Join(dir, "export", "2019", "b.EML"), "Subject: b\n\nb\n")
	write(t, filepath.Join(dir, "export", "notes.txt"), "not mail")
	write(t, filepath.Join(dir, "tb", "Inbox"), "From - Mon Jan 21 10:00:00 2019\nSubject: c\n\nc\n")
	write(t, filepath.Join(dir, "tb", "Inbox.msf"), "// <!-- <mdb:mork:z v=\"1.4\"/> -->")
	write(t, filepath.Join(dir, "tb", "Trash"), "")
	write(t, filepath.Join(dir, "md", "cur", "1548064800.x:2,"), "Subject: d\n\nd\n")
	if err := os.MkdirAll(filepath.Join(dir, "md", "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	srcs, skipped, err := Scan([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 2 {
		t.Errorf("skipped %v, want notes.txt and Inbox.msf", skipped)
	}
	var got []string
	for _, s := range srcs {
		rel, _ := filepath.Rel(dir, s.Path)
		got = append(got, rel+"="+s.Format.String())
	}
	want := "export/2019/b.EML=eml export/a.eml=eml md/cur/1548064800.x:2,=maildir tb/Inbox=mbox"
	if strings.Join(got, " ") != want {
		t.Errorf("sources %s\nwant    %s", strings.Join(got, " "), want)
	}
	if msgs := readAll(t, 0, dir); len(msgs) != 4 {
		t.Errorf("%d messages, want 4", len(msgs))
	}
	// A file named on its own is one message, whatever its name.
	if msgs := readAll(t, 0, filepath.Join(dir, "export", "notes.txt")); len(msgs) != 1 {
		t.Errorf("%d messages from a file named on its own, want 1", len(msgs))
	}
}

func TestFromLineDate(t *testing.T) {
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"From a@b Tue Dec  1 09:47:18 2026\n", true},
		{"From a@b Tue Dec 1 09:47:18 UTC 2026\r\n", true},
		{"From a@b Tue Dec 1 09:47:18 2026 +0100\n", true},
		{"From - Tue Dec  1 09:47:18 2026\n", true},
		{"From what I understand, this is text\n", false},
		{"From here\n", false},
	} {
		if _, ok := fromLineDate([]byte(tc.line)); ok != tc.ok {
			t.Errorf("%q: %v, want %v", tc.line, ok, tc.ok)
		}
	}
}
