package parse

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const goldenDir = "testdata/golden"

// ourAddresses are the secretariat's addresses in the golden results.
var ourAddresses = []string{"wsis-info@itu.int"}

// golden is what a golden file records of a parsed message: the fields that
// matter, with text cut to a prefix a person can check by eye.
type golden struct {
	Error                   string             `json:"error,omitempty"`
	MessageID               string             `json:"message_id,omitempty"`
	InReplyTo               string             `json:"in_reply_to,omitempty"`
	References              []string           `json:"references,omitempty"`
	From                    Address            `json:"from"`
	To                      []Address          `json:"to,omitempty"`
	Cc                      []Address          `json:"cc,omitempty"`
	Subject                 string             `json:"subject"`
	Date                    string             `json:"date,omitempty"`
	Headers                 map[string]string  `json:"headers,omitempty"`
	TextPrefix              string             `json:"text_prefix"`
	TextRunes               int                `json:"text_runes"`
	FreshPrefix             string             `json:"fresh_prefix,omitempty"`
	HTML                    bool               `json:"html"`
	Attachments             []goldenAttachment `json:"attachments,omitempty"`
	Forwarded               []golden           `json:"forwarded,omitempty"`
	IsReport                bool               `json:"is_report,omitempty"`
	ReportType              string             `json:"report_type,omitempty"`
	ReportOriginalMessageID string             `json:"report_original_message_id,omitempty"`
	Warnings                []string           `json:"warnings,omitempty"`
	Language                string             `json:"language,omitempty"`
	Size                    int                `json:"size"`
	Sort                    *goldenSort        `json:"sort,omitempty"`
	RefTag                  string             `json:"ref_tag,omitempty"`
	Suggestion              *Suggestion        `json:"suggestion,omitempty"`
}

type goldenAttachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id,omitempty"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	Inline      bool   `json:"inline,omitempty"`
}

type goldenSort struct {
	Kind   MessageKind `json:"kind"`
	Reason string      `json:"reason"`
}

const goldenTextRunes = 400

func makeGolden(p *Parsed, top bool) golden {
	g := golden{
		MessageID:               p.MessageID,
		InReplyTo:               p.InReplyTo,
		References:              p.References,
		From:                    p.From,
		To:                      p.To,
		Cc:                      p.Cc,
		Subject:                 p.Subject,
		Headers:                 p.Headers,
		TextPrefix:              prefixRunes(p.Text, goldenTextRunes),
		TextRunes:               len([]rune(p.Text)),
		HTML:                    p.HTML != "",
		IsReport:                p.IsReport,
		ReportType:              p.ReportType,
		ReportOriginalMessageID: p.ReportOriginalMessageID,
		Warnings:                p.Warnings,
		Language:                p.Language,
		Size:                    p.Size,
	}
	if !p.Date.IsZero() {
		g.Date = p.Date.Format(time.RFC3339)
	}
	if fresh, _ := splitQuoted(p.Text); fresh != p.Text {
		g.FreshPrefix = prefixRunes(fresh, 200)
	}
	for _, a := range p.Attachments {
		g.Attachments = append(g.Attachments, goldenAttachment{
			Filename: a.Filename, ContentType: a.ContentType, ContentID: a.ContentID,
			Size: a.Size, SHA256: a.SHA256, Inline: a.Inline,
		})
	}
	for _, f := range p.Forwarded {
		g.Forwarded = append(g.Forwarded, makeGolden(f, false))
	}
	if top {
		kind, reason := Sort(p, ourAddresses)
		g.Sort = &goldenSort{kind, reason}
		if ref, ok := RefTag(p.Subject); ok {
			g.RefTag = ref
		}
		s := Suggest(p)
		g.Suggestion = &s
	}
	return g
}

func prefixRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func marshalGolden(g golden) ([]byte, error) {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.SetIndent("", "  ")
	err := e.Encode(g)
	return b.Bytes(), err
}

// TestGolden parses every corpus message and compares the result with its
// golden file. go test ./mailin/parse -run Golden -update rewrites them.
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var g golden
			p, err := Parse(raw, DefaultLimits())
			if err != nil {
				g.Error = err.Error()
			} else {
				checkValidStrings(t, p)
				g = makeGolden(p, true)
			}
			got, err := marshalGolden(g)
			if err != nil {
				t.Fatal(err)
			}
			goldenPath := filepath.Join(goldenDir, name+".json")
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test ./mailin/parse -run Golden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("result differs from %s (run go test ./mailin/parse -run Golden -update and check the diff):\n%s",
					goldenPath, lineDiff(string(want), string(got)))
			}
		})
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + wl + "\n+ " + gl + "\n")
			if shown++; shown == 10 {
				break
			}
		}
	}
	return b.String()
}
