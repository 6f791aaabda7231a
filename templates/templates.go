// Package templates is the words wsisbot sends: the acknowledgement of a contribution,
// the wrapper around the secretariat's replies, the standard answers the secretariat
// starts a reply from (answers.go) and the notice to the sender of a message too large,
// in the six UN languages (Arabic, Chinese, English, French, Russian and Spanish), in the
// formal register of UN correspondence.
//
// Each language is one file, files/<lang>.tmpl, with the standard answers and the
// notice in answers/<lang>.tmpl, embedded in the binary and parsed once into the same
// set (an answer may use the language's "no-subject").
// It defines the subject, the plain-text body and the HTML body of each message, the
// names of the kinds of contribution and the description of each phase of the
// consultation (see files/en.tmpl). The file is parsed twice: by text/template for the
// subject and the text body, which are text and escaped by nothing, and by
// html/template for the HTML body, which escapes whatever the sender wrote. A folder
// given to Load (WSISBOT_TEMPLATES) may hold <lang>.tmpl files whose definitions
// replace the embedded ones, one definition at a time.
//
// A secretariat reply written in Slack is sent as written: the text (escaped in the HTML
// part, its line breaks kept), then a signature with the reference number in the
// contribution's language; its subject is "Re: [WSIS-2019-0042] " and the
// contribution's subject, so that the answer threads by tag as well as by headers.
//
// Dates are written the way each language writes them in correspondence (FormatDate);
// every time is Geneva time.
package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
)

//go:embed files/*.tmpl answers/*.tmpl
var embedded embed.FS

// Names of the templates every language file defines.
const (
	AckSubject   = "ack.subject"
	AckText      = "ack.text"
	AckHTML      = "ack.html"
	ReplySubject = "reply.subject"
	ReplyText    = "reply.text"
	ReplyHTML    = "reply.html"
	NoSubject    = "no-subject"
)

// Required lists the templates each language must define, besides one "kind:<code>"
// per kind of contribution.
var Required = []string{AckSubject, AckText, AckHTML, ReplySubject, ReplyText, ReplyHTML, NoSubject}

// MaxSubjectRunes is how much of the contribution's subject the subject line of a
// secretariat reply repeats.
const MaxSubjectRunes = 120

// What an acknowledgement repeats of what the sender wrote, at most: it goes to an
// address nobody verified, under the secretariat's name, so it must not carry a
// stranger's text to a third party. The subject, on one line, in the subject line and
// the body alike; the names of the first attachments, each shortened, then how many
// more there are.
const (
	MaxEchoSubjectRunes = 80
	MaxEchoAttachments  = 5
	MaxEchoNameRunes    = 60
)

// Set is the parsed templates of every language. It is safe for concurrent use.
type Set struct {
	langs map[string]*language
}

type language struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Load parses the embedded templates and, when dir is not empty, the <lang>.tmpl files
// in dir over them: a definition in dir replaces the embedded one of the same name.
// Other files in dir are ignored; a .tmpl file named after no UN language is an error.
// kinds are the codes of the kinds of contribution (the caller's list, store.Kinds):
// each language must define "kind:<code>" for every one of them. Every template is
// rendered once with sample data, for each kind, so that a broken override fails here
// rather than when the first acknowledgement is due.
func Load(dir string, kinds []string) (*Set, error) {
	overrides := map[string][]byte{}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasSuffix(name, ".tmpl") {
				continue
			}
			lang := strings.TrimSuffix(name, ".tmpl")
			if !slices.Contains(Languages, lang) {
				return nil, fmt.Errorf("templates: %s: not a UN language file (want one of %s.tmpl)", filepath.Join(dir, name), strings.Join(Languages, ".tmpl, "))
			}
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, fmt.Errorf("templates: %w", err)
			}
			overrides[lang] = b
		}
	}
	s := &Set{langs: make(map[string]*language, len(Languages))}
	for _, lang := range Languages {
		l, err := parseLanguage(lang, overrides[lang], filepath.Join(dir, lang+".tmpl"), kinds)
		if err != nil {
			return nil, fmt.Errorf("templates: %w", err)
		}
		s.langs[lang] = l
	}
	if err := s.selfTest(kinds); err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return s, nil
}

func parseLanguage(lang string, override []byte, overridePath string, kinds []string) (*language, error) {
	src, err := fs.ReadFile(embedded, "files/"+lang+".tmpl")
	if err != nil {
		return nil, err
	}
	tt := texttemplate.New(lang).Option("missingkey=error")
	if _, err := tt.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("embedded %s.tmpl: %w", lang, err)
	}
	ht := htmltemplate.New(lang).Option("missingkey=error")
	if _, err := ht.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("embedded %s.tmpl: %w", lang, err)
	}
	// The standard answers and the notices, in files of their own (answers/<lang>.tmpl).
	if src, err = fs.ReadFile(embedded, "answers/"+lang+".tmpl"); err != nil {
		return nil, err
	}
	if _, err := tt.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("embedded answers/%s.tmpl: %w", lang, err)
	}
	if _, err := ht.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("embedded answers/%s.tmpl: %w", lang, err)
	}
	if override != nil {
		if _, err := tt.Parse(string(override)); err != nil {
			return nil, fmt.Errorf("%s: %w", overridePath, err)
		}
		if _, err := ht.Parse(string(override)); err != nil {
			return nil, fmt.Errorf("%s: %w", overridePath, err)
		}
	}
	names := slices.Clone(Required)
	names = append(names, TooLargeSubject, TooLargeText, TooLargeHTML)
	for _, a := range Answers {
		names = append(names, "answer."+a)
	}
	for _, k := range kinds {
		names = append(names, "kind:"+k)
	}
	for _, name := range names {
		if tt.Lookup(name) == nil {
			return nil, fmt.Errorf("%s.tmpl: %q is not defined", lang, name)
		}
	}
	return &language{text: tt, html: ht}, nil
}

// Message is a rendered message: what goes in the Subject header and the two parts of
// a multipart/alternative body.
type Message struct {
	Language string // the language used, one of Languages
	Subject  string // one line, no control characters
	Text     string // lines end in "\n"
	HTML     string
}

// File is an attachment as the acknowledgement lists it.
type File struct {
	Name   string
	Size   int64
	SHA256 string // hex
}

// Phase is a phase of the consultation.
type Phase struct {
	Code  string // "V"; its words are the template "phase:V"
	Name  string // the configured name, used when the language defines no "phase:<code>"
	Start time.Time
}

// Ack is what an acknowledgement says about one contribution.
type Ack struct {
	Ref      string // WSIS-2019-0042
	Language string // the contribution's language; English when unknown
	Subject  string // the subject the sender wrote
	Kind     string // kind code; "" when not known yet
	// ReceivedAt is when the message reached the mailbox (IMAP INTERNALDATE).
	ReceivedAt time.Time
	// DeadlineAt is the last instant that counts as in time (23:59:59 Geneva time of the
	// deadline day); nil when no deadline applies.
	DeadlineAt  *time.Time
	Late        bool
	NextPhase   *Phase // nil when no phase is ahead
	Attachments []File
	// Location is Geneva time (the consultation's zone); nil means Europe/Zurich.
	Location *time.Location
}

// Reply is a message the secretariat wrote (in Slack) to a stakeholder.
type Reply struct {
	Ref      string
	Language string // the contribution's language
	Subject  string // the subject of the contribution, as the sender wrote it
	Text     string // what the secretariat wrote
}

// The values the templates see.
type (
	moment struct {
		Date string // "10 février 2019"
		Time string // "23:59:59"
		Zone string // "UTC+01:00"
	}
	fileView struct {
		Name   string
		Size   string // "1,2 Mo"
		Bytes  int64
		SHA256 string
	}
	ackView struct {
		Ref          string
		Subject      string // the sender's subject on one line, shortened (MaxEchoSubjectRunes)
		SubjectShort string // the same (kept for templates that use it)
		Kind         string
		KindName     string
		Received     moment
		Deadline     *moment
		Late         bool
		NextPhase    string
		Attachments  []fileView // the first MaxEchoAttachments
		// AttachmentCount is how many attachments there are; MoreAttachments how many
		// of them Attachments leaves out.
		AttachmentCount int
		MoreAttachments int
	}
	replyView struct {
		Ref     string
		Subject string
		Text    string
		Lines   []string
	}
)

func (s *Set) lang(code string) (string, *language) {
	code = Normalize(code)
	return code, s.langs[code]
}

// RenderAck renders the acknowledgement of a contribution in its language (English
// when the language is unknown).
func (s *Set) RenderAck(a Ack) (Message, error) {
	code, l := s.lang(a.Language)
	loc, err := genevaOr(a.Location)
	if err != nil {
		return Message{}, err
	}
	subject := Shorten(SingleLine(a.Subject), MaxEchoSubjectRunes)
	v := ackView{
		Ref:          SingleLine(a.Ref),
		Subject:      subject,
		SubjectShort: subject,
		Kind:         a.Kind,
		Received:     at(code, a.ReceivedAt.In(loc)),
		Late:         a.Late,
	}
	if a.Kind != "" && l.text.Lookup("kind:"+a.Kind) != nil {
		name, err := l.execText("kind:" + a.Kind)
		if err != nil {
			return Message{}, err
		}
		v.KindName = SingleLine(name)
	}
	if a.DeadlineAt != nil {
		d := at(code, a.DeadlineAt.In(loc))
		v.Deadline = &d
	}
	if p := a.NextPhase; p != nil {
		if l.text.Lookup("phase:"+p.Code) != nil {
			words, err := l.execText("phase:" + p.Code)
			if err != nil {
				return Message{}, err
			}
			v.NextPhase = strings.TrimSpace(words)
		} else {
			v.NextPhase = fmt.Sprintf("%s (%s): %s", p.Code, FormatDate(code, p.Start.In(loc)), p.Name)
		}
	}
	v.AttachmentCount = len(a.Attachments)
	for i, f := range a.Attachments {
		if i == MaxEchoAttachments {
			v.MoreAttachments = len(a.Attachments) - i
			break
		}
		v.Attachments = append(v.Attachments, fileView{Name: Shorten(SingleLine(f.Name), MaxEchoNameRunes),
			Size: FormatSize(code, f.Size), Bytes: f.Size, SHA256: f.SHA256})
	}
	return l.render(code, AckSubject, AckText, AckHTML, v)
}

// replyTagRE finds reply prefixes at the start of a subject.
var replyTagRE = regexp.MustCompile(`(?i)^\s*((re|aw|fw|fwd|tr|rv|res)\s*:\s*)+`)

// RenderReply renders a reply written by the secretariat, in the contribution's
// language: the text as written, then a signature with the reference. The subject is
// "Re: [WSIS-2019-0042] " and the contribution's subject without reply prefixes or a
// repeated tag.
func (s *Set) RenderReply(r Reply) (Message, error) {
	code, l := s.lang(r.Language)
	ref := SingleLine(r.Ref)
	subject := SingleLine(r.Subject)
	if ref != "" {
		subject = regexp.MustCompile(`(?i)\s*\[\s*`+regexp.QuoteMeta(ref)+`\s*\]\s*`).ReplaceAllString(subject, " ")
	}
	subject = strings.TrimSpace(replyTagRE.ReplaceAllString(strings.TrimSpace(subject), ""))
	text := strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(r.Text, "\r\n", "\n"), "\r", "\n"))
	v := replyView{Ref: ref, Subject: Shorten(subject, MaxSubjectRunes), Text: text, Lines: strings.Split(text, "\n")}
	return l.render(code, ReplySubject, ReplyText, ReplyHTML, v)
}

func (l *language) execText(name string) (string, error) {
	var b bytes.Buffer
	if err := l.text.ExecuteTemplate(&b, name, nil); err != nil {
		return "", fmt.Errorf("templates: %s: %w", name, err)
	}
	return b.String(), nil
}

func (l *language) render(code, subjectName, textName, htmlName string, data any) (Message, error) {
	m := Message{Language: code}
	var b bytes.Buffer
	if err := l.text.ExecuteTemplate(&b, subjectName, data); err != nil {
		return m, fmt.Errorf("templates: %s %s: %w", code, subjectName, err)
	}
	m.Subject = SingleLine(b.String())
	b.Reset()
	if err := l.text.ExecuteTemplate(&b, textName, data); err != nil {
		return m, fmt.Errorf("templates: %s %s: %w", code, textName, err)
	}
	m.Text = tidyText(b.String())
	b.Reset()
	if err := l.html.ExecuteTemplate(&b, htmlName, data); err != nil {
		return m, fmt.Errorf("templates: %s %s: %w", code, htmlName, err)
	}
	m.HTML = strings.TrimSpace(b.String()) + "\n"
	if strings.Contains(m.Subject+m.Text+m.HTML, "<no value>") {
		return m, fmt.Errorf("templates: %s: a value is missing (<no value>)", code)
	}
	return m, nil
}

// tidyText trims trailing spaces, drops blank lines at both ends and keeps at most one
// blank line in a row, so that templates can be written for legibility.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, line := range lines {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}

// sampleSHA256 is the SHA-256 of nothing, in hex: the checksum the sample attachment shows.
const sampleSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// selfTest renders every template of every language with sample data.
func (s *Set) selfTest(kinds []string) error {
	deadline := time.Date(2019, 2, 10, 23, 59, 59, 0, time.UTC)
	var errs []error
	for _, lang := range Languages {
		for _, kind := range append([]string{""}, kinds...) {
			for _, late := range []bool{false, true} {
				_, err := s.RenderAck(Ack{Ref: "WSIS-2019-0001", Language: lang, Subject: "Sample", Kind: kind,
					ReceivedAt: deadline, DeadlineAt: &deadline, Late: late,
					NextPhase:   &Phase{Code: "V", Name: "Final brief", Start: deadline},
					Attachments: []File{{Name: "sample.pdf", Size: 2048, SHA256: sampleSHA256}}})
				if err != nil {
					errs = append(errs, err)
				}
			}
		}
		if _, err := s.RenderReply(Reply{Ref: "WSIS-2019-0001", Language: lang, Subject: "Sample", Text: "Sample\ntext"}); err != nil {
			errs = append(errs, err)
		}
		for _, a := range Answers {
			if _, err := s.RenderAnswer(Answer{Code: a, Ref: "WSIS-2019-0001", Language: lang, Subject: "Sample", ReceivedAt: deadline}); err != nil {
				errs = append(errs, err)
			}
		}
		if _, err := s.RenderTooLarge(TooLarge{Language: lang, Subject: "Sample", ReceivedAt: deadline, Limit: 50 << 20}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func at(lang string, t time.Time) moment {
	return moment{Date: FormatDate(lang, t), Time: FormatClock(t), Zone: FormatZone(t)}
}
