package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// answerSubject is a contribution's subject with what a reply must not repeat: a reply
// prefix and its own reference tag.
const answerSubject = "RE: [WSIS-2019-0042] Community networks in rural areas – C2"

// TestAnswerGolden keeps every standard answer in every language in testdata/golden, as
// the stakeholder gets it (the answer wrapped as a reply: subject, text, signature);
// `go test ./templates -run Golden -update` rewrites them.
func TestAnswerGolden(t *testing.T) {
	s := mustLoad(t, "")
	received := time.Date(2019, 1, 21, 10, 0, 0, 0, geneva)
	for _, code := range Answers {
		for _, lang := range Languages {
			text, err := s.RenderAnswer(Answer{Code: code, Ref: "WSIS-2019-0042", Language: lang, Subject: answerSubject,
				ReceivedAt: received, Location: geneva})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.RenderReply(Reply{Ref: "WSIS-2019-0042", Language: lang, Subject: answerSubject, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "answer."+code+"."+lang+".txt", "Subject: "+m.Subject+"\n\n"+m.Text)
			if code == AnswerAccepted && lang == "ar" {
				golden(t, "answer."+code+"."+lang+".html", m.HTML)
			}
		}
	}
}

// TestAnswerEveryLanguage checks what each answer must say in each language: the
// greeting, the reference, the subject without its prefix and tag, the date received,
// and no English left over in the other languages.
func TestAnswerEveryLanguage(t *testing.T) {
	s := mustLoad(t, "")
	received := time.Date(2019, 2, 10, 12, 0, 0, 0, geneva)
	for _, code := range Answers {
		for _, lang := range Languages {
			t.Run(code+"/"+lang, func(t *testing.T) {
				text, err := s.RenderAnswer(Answer{Code: code, Ref: "WSIS-2019-0042", Language: lang, Subject: answerSubject,
					ReceivedAt: received, Location: geneva})
				if err != nil {
					t.Fatal(err)
				}
				w := want[lang]
				for _, must := range []string{w.greeting, "WSIS-2019-0042", "Community networks in rural areas – C2", w.deadlineDate} {
					if !strings.Contains(text, must) {
						t.Errorf("the answer does not say %q:\n%s", must, text)
					}
				}
				if strings.Contains(text, "RE:") || strings.Contains(text, "[WSIS-2019-0042]") {
					t.Errorf("the answer repeats the subject's prefix or tag:\n%s", text)
				}
				if lang != "en" {
					for _, en := range []string{"Dear", "Yours", "Secretariat", "received on", "Kindly"} {
						if strings.Contains(text, en) {
							t.Errorf("English %q left in the %s answer:\n%s", en, lang, text)
						}
					}
				}
				noSubject, err := s.RenderAnswer(Answer{Code: code, Ref: "WSIS-2019-0042", Language: lang, ReceivedAt: received})
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(noSubject, w.noSubject) {
					t.Errorf("an answer about a contribution without a subject does not say %q:\n%s", w.noSubject, noSubject)
				}
			})
		}
	}
	if _, err := s.RenderAnswer(Answer{Code: "bogus", Ref: "WSIS-2019-0042"}); err == nil {
		t.Error("an unknown answer rendered")
	}
}

// TestAnswerArabicIsRightToLeft: an Arabic answer goes out in the reply wrapper, whose
// HTML part is laid out right to left, the reference isolated left to right.
func TestAnswerArabicIsRightToLeft(t *testing.T) {
	s := mustLoad(t, "")
	text, err := s.RenderAnswer(Answer{Code: AnswerAccepted, Ref: "WSIS-2019-0042", Language: "ar", Subject: "شبكات مجتمعية", ReceivedAt: deadline})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.RenderReply(Reply{Ref: "WSIS-2019-0042", Language: "ar", Subject: "شبكات مجتمعية", Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for _, must := range []string{`<html dir="rtl" lang="ar">`, `<body dir="rtl"`, `<bdi dir="ltr">WSIS-2019-0042</bdi>`, "يسرّ أمانة القمة"} {
		if !strings.Contains(m.HTML, must) {
			t.Errorf("the Arabic answer's HTML lacks %q:\n%s", must, m.HTML)
		}
	}
}

// TestTooLargeGolden keeps the notice to the sender of an oversized message in every
// language; `-update` rewrites them.
func TestTooLargeGolden(t *testing.T) {
	s := mustLoad(t, "")
	for _, lang := range Languages {
		m, err := s.RenderTooLarge(TooLarge{Language: lang, Subject: "Our submission with the full video\r\nBcc: x@evil.example",
			ReceivedAt: time.Date(2019, 2, 9, 16, 30, 0, 0, geneva), Limit: 25 << 20, Location: geneva})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "too-large."+lang+".txt", "Subject: "+m.Subject+"\n\n"+m.Text)
		golden(t, "too-large."+lang+".html", m.HTML)
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("%s: the subject has a line break: %q", lang, m.Subject)
		}
		size := FormatSize(lang, 25<<20)
		for _, must := range []string{want[lang].greeting, size, "Our submission with the full video Bcc: x@evil.example"} {
			if !strings.Contains(m.Text, must) || !strings.Contains(m.HTML, must) {
				t.Errorf("%s: the notice does not say %q:\n%s", lang, must, m.Text)
			}
		}
		if strings.Contains(m.Text, "WSIS-2019") {
			t.Errorf("%s: the notice names a reference, but the message was not registered", lang)
		}
		if (lang == "ar") != strings.Contains(m.HTML, `dir="rtl"`) {
			t.Errorf("%s: right to left only in Arabic:\n%s", lang, m.HTML)
		}
	}
}

// TestAnswerOverride: a WSISBOT_TEMPLATES file redefines one answer and keeps the others.
func TestAnswerOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fr.tmpl"), []byte(`{{define "answer.accepted"}}Bonne nouvelle pour {{.Ref}}.{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := mustLoad(t, dir)
	got, err := s.RenderAnswer(Answer{Code: AnswerAccepted, Ref: "WSIS-2019-0042", Language: "fr", ReceivedAt: deadline})
	if err != nil || got != "Bonne nouvelle pour WSIS-2019-0042.\n" {
		t.Errorf("overridden answer = %q, %v", got, err)
	}
	got, err = s.RenderAnswer(Answer{Code: AnswerDeclined, Ref: "WSIS-2019-0042", Language: "fr", ReceivedAt: deadline})
	if err != nil || !strings.Contains(got, "a le regret") {
		t.Errorf("the answer not overridden = %q, %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "es.tmpl"), []byte(`{{define "answer.declined"}}{{.Nope}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, kindCodes); err == nil || !strings.Contains(err.Error(), "answer.declined") {
		t.Errorf("a broken answer override loaded: %v", err)
	}
}

// BenchmarkRenderAnswer renders one standard answer, as the Reply modal does at each
// choice.
func BenchmarkRenderAnswer(b *testing.B) {
	s, err := Load("", kindCodes)
	if err != nil {
		b.Fatal(err)
	}
	a := Answer{Code: AnswerWorkshopConfirmed, Ref: "WSIS-2019-0042", Language: "ar", Subject: answerSubject, ReceivedAt: deadline, Location: geneva}
	for b.Loop() {
		if _, err := s.RenderAnswer(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad parses and checks every language's templates, answers included.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("", kindCodes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderAck renders an acknowledgement without a time zone given, as the mail
// workers do: dated in Geneva's.
func BenchmarkRenderAck(b *testing.B) {
	s, err := Load("", kindCodes)
	if err != nil {
		b.Fatal(err)
	}
	a := Ack{Ref: "WSIS-2019-0042", Language: "fr", Subject: answerSubject, ReceivedAt: deadline}
	for b.Loop() {
		if _, err := s.RenderAck(a); err != nil {
			b.Fatal(err)
		}
	}
}
