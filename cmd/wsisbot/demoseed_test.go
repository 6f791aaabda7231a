package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
)

// TestDemoSeedsRoundTrip checks that every demo message is written in the charset it
// declares and reads back, through the parser, as the text it was written with: body,
// subject and sender's name, with no replacement characters and no raw encoded words.
func TestDemoSeedsRoundTrip(t *testing.T) {
	seeds, err := demoSeeds(time.Date(2019, 1, 20, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seeds {
		p, err := parse.Parse(s.Raw, parse.Limits{})
		if err != nil {
			t.Errorf("%s: %v", s.Label, err)
			continue
		}
		if got := strings.TrimRight(p.Text, "\n"); got != s.Text {
			t.Errorf("%s: the body reads back as\n%q\nwritten as\n%q", s.Label, got, s.Text)
		}
		if p.Subject != s.Subject {
			t.Errorf("%s: the subject reads back as %q, written as %q", s.Label, p.Subject, s.Subject)
		}
		if strings.ContainsRune(p.From.Name, '\uFFFD') || strings.Contains(p.From.Name, "=?") {
			t.Errorf("%s: the sender's name reads back as %q", s.Label, p.From.Name)
		}
	}
}

// TestEncodeTextRefusesWhatTheCharsetLacks checks that text a charset cannot hold is an
// error, not UTF-8 under another charset's name.
func TestEncodeTextRefusesWhatTheCharsetLacks(t *testing.T) {
	for _, c := range []struct{ cs, text string }{
		{"koi8-r", "фотоконкурс «Цифровая школа»"},
		{"iso-8859-1", "Économie – œuvre"},
		{"windows-1256", "中文"},
		{"us-ascii", "café"},
		{"x-unknown", "plain"},
	} {
		if b, err := encodeText(c.cs, c.text); err == nil {
			t.Errorf("encodeText(%s, %q) = %q, want an error", c.cs, c.text, b)
		}
	}
	if _, err := (seedMail{MessageID: "x@example.org", Charset: "koi8-r", Body: "«нет»"}).bytes(); err == nil {
		t.Error("a seed whose body its charset cannot hold was written")
	}
}
