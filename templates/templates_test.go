package templates

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wsis/wsisbot/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var geneva = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		panic(err)
	}
	return loc
}()

// The deadline of WSIS Forum 2019: the last second of 10 February 2019, Geneva time.
var deadline = time.Date(2019, 2, 10, 23, 59, 59, 0, geneva)

// What each language must say; the test fails when a template loses one of them.
var want = map[string]struct {
	received     string   // the subject prefix after the tag
	deadlineDate string   // 10 February 2019 in the language's format
	late, onTime []string // sentences only the late or the on-time acknowledgement has
	greeting     string
	thematic     string // the name of the kind "thematic"
	noSubject    string
}{
	"en": {"Received: ", "10 February 2019",
		[]string{"reached us after the deadline", "will nevertheless consider it", "cannot guarantee"},
		[]string{"reached us in time"}, "Dear Sir or Madam,", "Official submission on the thematic aspects of WSIS Forum 2019", "(no subject)"},
	"fr": {"Reçu : ", "10 février 2019",
		[]string{"après la date limite", "l'examinera néanmoins", "ne pouvoir garantir"},
		[]string{"dans les délais"}, "Madame, Monsieur,", "Contribution officielle sur les aspects thématiques du Forum du SMSI 2019", "(sans objet)"},
	"es": {"Recibido: ", "10 de febrero de 2019",
		[]string{"después del plazo", "la examinará no obstante", "no poder garantizar"},
		[]string{"dentro del plazo"}, "Estimados señores y señoras:", "Contribución oficial sobre los aspectos temáticos del Foro de la CMSI 2019", "(sin asunto)"},
	"ru": {"Получено: ", "10 февраля 2019 г.",
		[]string{"после истечения", "тем не менее рассмотрит", "не может гарантировать"},
		[]string{"в установленный срок"}, "Уважаемые дамы и господа!", "Официальный вклад по тематическим аспектам Форума ВВУИО 2019 года", "(без темы)"},
	"zh": {"已收到：", "2019年2月10日",
		[]string{"之后送达", "仍将予以审议", "无法保证"},
		[]string{"已按时送达"}, "尊敬的女士们、先生们：", "关于2019年信息社会世界峰会论坛主题方面的正式提交材料", "（无主题）"},
	"ar": {"تم الاستلام: ", "10 فبراير 2019",
		[]string{"بعد الموعد النهائي المنطبق عليها", "وستنظر الأمانة فيها مع ذلك", "عدم تمكنها من ضمان"},
		[]string{"في الموعد المحدد"}, "حضرات السادة والسيدات،", "مساهمة رسمية بشأن الجوانب المواضيعية لمنتدى القمة لعام 2019", "(بدون موضوع)"},
}

// englishLeftovers must not appear in an acknowledgement in another language.
var englishLeftovers = []string{"Dear", "Received", "Subject", "Attachment", "attachment", "deadline", "Deadline",
	"Geneva time", "Secretariat", "Yours", "8 March", "final brief", "no subject", "Official submission", "Inquiry", "Other",
	"Type of contribution", "Proof of receipt", "PROOF", "automatically", "in time", "none"}

// kindCodes are the contribution kinds as Load takes them.
var kindCodes = store.Strings(store.Kinds)

func mustLoad(t *testing.T, dir string) *Set {
	t.Helper()
	s, err := Load(dir, kindCodes)
	if err != nil {
		t.Fatalf("Load(%q): %v", dir, err)
	}
	return s
}

var sampleFiles = []File{
	{Name: "WSIS-contribution-2019.pdf", Size: 1_288_490, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
	{Name: "annexe photo.jpg", Size: 532, SHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"},
}

func TestTemplateAckEveryLanguage(t *testing.T) {
	s := mustLoad(t, "")
	next := &Phase{Code: "V", Name: "Final brief", Start: time.Date(2019, 3, 8, 0, 0, 0, 0, geneva)}
	for _, lang := range Languages {
		w := want[lang]
		for _, kind := range append([]string{""}, kindCodes...) {
			for _, files := range [][]File{nil, sampleFiles} {
				for _, late := range []bool{false, true} {
					received := deadline
					if late {
						received = deadline.Add(time.Second)
					}
					name := lang + "/kind=" + kind + "/files=" + string(rune('0'+len(files)))
					if late {
						name += "/late"
					}
					t.Run(name, func(t *testing.T) {
						m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0042", Language: lang, Subject: "Proposal 42 – C7 e-agriculture",
							Kind: kind, ReceivedAt: received, DeadlineAt: &deadline, Late: late, NextPhase: next,
							Attachments: files, Location: geneva})
						if err != nil {
							t.Fatal(err)
						}
						if m.Language != lang {
							t.Errorf("language %q", m.Language)
						}
						if p := "[WSIS-2019-0042] " + w.received + "Proposal 42 – C7 e-agriculture"; m.Subject != p {
							t.Errorf("subject %q, want %q", m.Subject, p)
						}
						for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
							must := []string{"WSIS-2019-0042", w.deadlineDate, FormatDate(lang, received), "23:59:59",
								"+41 22 730 6240", "wsis-info@itu.int", "www.wsis.org/forum", w.greeting}
							must = append(must, w.onTime...)
							mustNot := w.late
							if late {
								must, mustNot = append(must[:8:8], w.late...), w.onTime
							}
							if kind == string(store.KindThematic) {
								must = append(must, w.thematic)
							}
							for _, f := range files {
								must = append(must, f.SHA256, f.Name, FormatSize(lang, f.Size))
							}
							for _, s := range must {
								if !strings.Contains(body, s) {
									t.Errorf("%s: missing %q", part, s)
								}
							}
							for _, s := range mustNot {
								if strings.Contains(body, s) {
									t.Errorf("%s: has %q", part, s)
								}
							}
							if strings.Contains(body, "<no value>") {
								t.Errorf("%s: <no value>", part)
							}
							if lang != "en" {
								for _, s := range englishLeftovers {
									if strings.Contains(body, s) {
										t.Errorf("%s: English left in %s: %q", part, lang, s)
									}
								}
							}
						}
						if lang != "en" && strings.Contains(m.Subject, "Received") {
							t.Errorf("subject in English: %q", m.Subject)
						}
						// The proof of receipt: the time in Geneva with its zone.
						if !strings.Contains(m.Text, FormatClock(received)) || !strings.Contains(m.Text, "UTC+01:00") {
							t.Errorf("text lacks the time of receipt with its zone")
						}
						dir := `dir="ltr"`
						if lang == "ar" {
							dir = `dir="rtl"`
						}
						if !strings.Contains(m.HTML, `lang="`+lang+`"`) || !strings.Contains(m.HTML, dir) {
							t.Errorf("html lacks lang=%q or %s", lang, dir)
						}
						if lang == "ar" && !strings.Contains(m.HTML, `<html dir="rtl" lang="ar">`) {
							t.Errorf("Arabic HTML is not RTL")
						}
					})
				}
			}
		}
	}
}

func TestTemplateAckUnknownLanguageIsEnglish(t *testing.T) {
	s := mustLoad(t, "")
	for _, lang := range []string{"", "de", "pt-BR", "xx"} {
		m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0001", Language: lang, ReceivedAt: deadline, DeadlineAt: &deadline})
		if err != nil {
			t.Fatal(err)
		}
		if m.Language != "en" || !strings.Contains(m.Text, "Dear Sir or Madam,") {
			t.Errorf("%q: rendered in %q", lang, m.Language)
		}
		if m.Subject != "[WSIS-2019-0001] Received: (no subject)" {
			t.Errorf("%q: subject %q", lang, m.Subject)
		}
	}
	for in, out := range map[string]string{"fr-CH": "fr", "ZH_hans": "zh", "ar-EG": "ar", "es-419": "es", "ru": "ru"} {
		if got := Normalize(in); got != out {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, out)
		}
	}
}

func TestTemplateAckEscapesAndNeutralisesWhatTheSenderWrote(t *testing.T) {
	s := mustLoad(t, "")
	m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0007", Language: "en", Subject: "Hi\r\nBcc: victim@example.com <script>alert(1)</script>",
		ReceivedAt: deadline, Attachments: []File{{Name: "invoice\u202Efdp.exe\r\nX-Evil: 1", Size: 1, SHA256: "00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("subject has a line break: %q", m.Subject)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("HTML does not escape the subject")
	}
	if strings.Contains(m.Text, "\u202E") || strings.Contains(m.HTML, "\u202E") {
		t.Errorf("bidi override kept in a file name")
	}
	if strings.Contains(m.Text, "\nX-Evil") {
		t.Errorf("file name broke a line")
	}
	if !strings.Contains(m.Text, "No deadline applies") {
		t.Errorf("no deadline sentence missing")
	}
}

func TestTemplateAckSubjectShortened(t *testing.T) {
	s := mustLoad(t, "")
	long := strings.Repeat("Предложение по направлению C7 ", 20)
	m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0042", Language: "ru", Subject: long, ReceivedAt: deadline})
	if err != nil {
		t.Fatal(err)
	}
	rest := strings.TrimPrefix(m.Subject, "[WSIS-2019-0042] Получено: ")
	if n := utf8.RuneCountInString(rest); n > MaxEchoSubjectRunes || !strings.HasSuffix(rest, "…") {
		t.Errorf("subject not shortened to %d runes with …: %d runes, %q", MaxEchoSubjectRunes, n, rest)
	}
	if !utf8.ValidString(m.Subject) {
		t.Errorf("subject cut inside a rune")
	}
	if !strings.Contains(m.Text, rest) || strings.Contains(m.Text, strings.TrimSpace(long)[:200]) {
		t.Errorf("the body should repeat the shortened subject, not the whole one")
	}
	if got := Shorten("abcdef", 4); got != "abc…" {
		t.Errorf("Shorten = %q", got)
	}
	if got := Shorten("日本語の件名", 10); got != "日本語の件名" {
		t.Errorf("Shorten short = %q", got)
	}
}

// TestTemplateAckEchoIsBounded: whatever the sender wrote, the acknowledgement repeats a
// short single-line subject and the names of the first few attachments, in every
// language, in the subject line, the text and the HTML.
func TestTemplateAckEchoIsBounded(t *testing.T) {
	s := mustLoad(t, "")
	subject := strings.Repeat("Buy cheap watches at https://spam.example/x?y=1 ", 40) + "\r\nBcc: victim@example.com\x00\x1b[31m"
	var files []File
	for i := range 100 {
		files = append(files, File{Name: fmt.Sprintf("file-%03d-%s.pdf", i, strings.Repeat("visit spam.example ", 10)), Size: 10, SHA256: fmt.Sprintf("%064x", i)})
	}
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0042", Language: lang, Subject: subject, ReceivedAt: deadline, Attachments: files})
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsFunc(m.Subject, unicode.IsControl) {
				t.Errorf("control characters in the subject line %q", m.Subject)
			}
			if n := strings.Count(m.Subject, "spam.example"); n > 2 {
				t.Errorf("the subject line repeats the sender's text %d times: %q", n, m.Subject)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				if strings.ContainsAny(body, "\x00\x1b") {
					t.Errorf("%s: control characters from the sender", part)
				}
				// 80 runes of subject hold the link twice at most; each of the 5 names
				// (60 runes) holds it 3 times at most, and each name is written twice (the
				// list and the proof of receipt).
				if n := strings.Count(body, "spam.example"); n > 2+2*5*3 {
					t.Errorf("%s: the sender's text is repeated %d times", part, n)
				}
				for i := range 100 {
					name := fmt.Sprintf("file-%03d-", i)
					if has := strings.Contains(body, name); has != (i < MaxEchoAttachments) {
						t.Errorf("%s: %s listed = %v", part, name, has)
					}
				}
				if !strings.Contains(body, "95") {
					t.Errorf("%s: how many more attachments there are is not said", part)
				}
				if strings.Contains(body, "<no value>") {
					t.Errorf("%s: <no value>", part)
				}
			}
			if !strings.Contains(m.Text, "(100)") && !strings.Contains(m.Text, "（100个）") {
				t.Errorf("text: the number of attachments (100) is not said")
			}
			if len(m.Text) > 8000 {
				t.Errorf("text is %d bytes", len(m.Text))
			}
		})
	}
}

func TestTemplateEveryPhaseAndKindHasWords(t *testing.T) {
	s := mustLoad(t, "")
	ph := store.DefaultPhases()
	for _, lang := range Languages {
		for _, p := range ph.Phases {
			m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0001", Language: lang, ReceivedAt: deadline,
				NextPhase: &Phase{Code: p.Code, Name: "UNTRANSLATED " + p.Name, Start: p.Start}})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.Text, "UNTRANSLATED") {
				t.Errorf("%s: no words for phase %s", lang, p.Code)
			}
		}
		for _, k := range kindCodes {
			name, err := s.langs[lang].execText("kind:" + k)
			if err != nil || strings.TrimSpace(name) == "" {
				t.Errorf("%s: kind %s has no name (%v)", lang, k, err)
			}
			if lang != "en" {
				en, _ := s.langs["en"].execText("kind:" + k)
				if name == en {
					t.Errorf("%s: kind %s is in English: %q", lang, k, name)
				}
			}
		}
	}
	// A phase the templates do not know falls back to its configured name.
	m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0001", Language: "en", ReceivedAt: deadline,
		NextPhase: &Phase{Code: "VI", Name: "Forum", Start: time.Date(2019, 4, 8, 0, 0, 0, 0, geneva)}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "VI (8 April 2019): Forum") {
		t.Errorf("fallback phase wording missing:\n%s", m.Text)
	}
}

func TestTemplateReplyEveryLanguage(t *testing.T) {
	s := mustLoad(t, "")
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			m, err := s.RenderReply(Reply{Ref: "WSIS-2019-0042", Language: lang, Subject: "RE: [wsis-2019-0042] Proposal 42",
				Text: "Thank you.\r\n\r\nPlease send the annex <b>again</b>."})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != "Re: [WSIS-2019-0042] Proposal 42" {
				t.Errorf("subject %q", m.Subject)
			}
			if !strings.Contains(m.Text, "Thank you.\n\nPlease send the annex <b>again</b>.") || !strings.Contains(m.Text, "WSIS-2019-0042") {
				t.Errorf("text:\n%s", m.Text)
			}
			if !strings.Contains(m.HTML, "Please send the annex &lt;b&gt;again&lt;/b&gt;.") || !strings.Contains(m.HTML, `lang="`+lang+`"`) {
				t.Errorf("html:\n%s", m.HTML)
			}
			if strings.Contains(m.Text+m.HTML, "<no value>") {
				t.Errorf("<no value>")
			}
			if lang != "en" && strings.Contains(m.Text, "Secretariat") {
				t.Errorf("English signature in %s", lang)
			}
		})
	}
}

func TestTemplateFormatDate(t *testing.T) {
	for _, c := range []struct {
		lang string
		t    time.Time
		want string
	}{
		{"en", deadline, "10 February 2019"},
		{"fr", deadline, "10 février 2019"},
		{"fr", time.Date(2019, 3, 1, 0, 0, 0, 0, geneva), "1er mars 2019"},
		{"fr", time.Date(2019, 8, 2, 0, 0, 0, 0, geneva), "2 août 2019"},
		{"es", deadline, "10 de febrero de 2019"},
		{"ru", deadline, "10 февраля 2019 г."},
		{"ru", time.Date(2018, 7, 2, 0, 0, 0, 0, geneva), "2 июля 2018 г."},
		{"zh", deadline, "2019年2月10日"},
		{"ar", deadline, "10 فبراير 2019"},
		{"ar", time.Date(2018, 7, 2, 0, 0, 0, 0, geneva), "2 يوليو 2018"},
		{"de", deadline, "10 February 2019"},
	} {
		if got := FormatDate(c.lang, c.t); got != c.want {
			t.Errorf("FormatDate(%s, %s) = %q, want %q", c.lang, c.t, got, c.want)
		}
	}
	if got := FormatZone(time.Date(2019, 7, 1, 12, 0, 0, 0, geneva)); got != "UTC+02:00" {
		t.Errorf("summer zone %q", got)
	}
}

func TestTemplateFormatSize(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 532, "532 bytes"},
		{"en", 1_288_490, "1.2 MB"},
		{"fr", 1_288_490, "1,2 Mo"},
		{"fr", 2048, "2,0 Ko"},
		{"ru", 532, "532 байт"},
		{"zh", 1_288_490, "1.2 MB"},
		{"ar", 2048, "2.0 كيلوبايت"},
		{"es", 3 << 30, "3,0 GB"},
	} {
		if got := FormatSize(c.lang, c.n); got != c.want {
			t.Errorf("FormatSize(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestTemplateSingleLine(t *testing.T) {
	for in, want := range map[string]string{
		"Hi\r\nBcc: victim@example.com": "Hi Bcc: victim@example.com",
		"  a\t\tb\u2028c\x00d  ":        "a b c d",
		"file\u202Egpj.exe":             "file gpj.exe",
		"مرحبا\u200Fبكم":                "مرحبا\u200Fبكم", // a right-to-left mark is text, kept
		"bad \xff utf8":                 "bad \uFFFD utf8",
	} {
		if got := SingleLine(in); got != want {
			t.Errorf("SingleLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateOverrides(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("fr.tmpl", `{{define "ack.subject"}}[{{.Ref}}] Accusé de réception : {{.SubjectShort}}{{end}}`)
	write("README.txt", "ignored")
	s := mustLoad(t, dir)
	fr, err := s.RenderAck(Ack{Ref: "WSIS-2019-0003", Language: "fr", Subject: "Notre contribution", ReceivedAt: deadline})
	if err != nil {
		t.Fatal(err)
	}
	if fr.Subject != "[WSIS-2019-0003] Accusé de réception : Notre contribution" {
		t.Errorf("override not used: %q", fr.Subject)
	}
	if !strings.Contains(fr.Text, "Madame, Monsieur,") {
		t.Errorf("the embedded body should still be used")
	}
	en, _ := s.RenderAck(Ack{Ref: "WSIS-2019-0003", Language: "en", Subject: "x", ReceivedAt: deadline})
	if en.Subject != "[WSIS-2019-0003] Received: x" {
		t.Errorf("other languages changed: %q", en.Subject)
	}

	for name, c := range map[string]struct{ file, body, err string }{
		"syntax":       {"es.tmpl", `{{define "ack.text"}}{{if}}{{end}}`, "es.tmpl"},
		"exec":         {"ru.tmpl", `{{define "ack.text"}}{{.NoSuchField}}{{end}}`, "NoSuchField"},
		"not UN":       {"de.tmpl", `{{define "ack.text"}}Hallo{{end}}`, "not a UN language"},
		"html escapes": {"zh.tmpl", `{{define "ack.html"}}<a href="{{.Ref}}">{{end}}`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			d := t.TempDir()
			if err := os.WriteFile(filepath.Join(d, c.file), []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(d, kindCodes)
			if c.err == "" {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("Load error %v, want one mentioning %q", err, c.err)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing"), kindCodes); err == nil {
		t.Errorf("a missing folder must fail")
	}
}

// TestTemplateLoadNeedsWordsForEveryKindGiven: the kinds are the caller's; a kind no
// language names fails Load.
func TestTemplateLoadNeedsWordsForEveryKindGiven(t *testing.T) {
	_, err := Load("", append(slices.Clone(kindCodes), "unheard-of"))
	if err == nil || !strings.Contains(err.Error(), `"kind:unheard-of" is not defined`) {
		t.Fatalf("Load error %v, want one naming kind:unheard-of", err)
	}
}

// TestTemplateGolden keeps one rendering per language in testdata/golden for people
// to read; `go test ./templates -run Golden -update` rewrites them.
func TestTemplateGolden(t *testing.T) {
	s := mustLoad(t, "")
	for _, lang := range Languages {
		m, err := s.RenderAck(Ack{Ref: "WSIS-2019-0042", Language: lang, Subject: "Proposal 42 – C7 e-agriculture",
			Kind: string(store.KindThematic), ReceivedAt: deadline.Add(-2 * time.Hour), DeadlineAt: &deadline,
			NextPhase: &Phase{Code: "V", Start: time.Date(2019, 3, 8, 0, 0, 0, 0, geneva)}, Attachments: sampleFiles, Location: geneva})
		if err != nil {
			t.Fatal(err)
		}
		late, err := s.RenderAck(Ack{Ref: "WSIS-2019-0043", Language: lang, Subject: "",
			ReceivedAt: deadline.Add(time.Second), DeadlineAt: &deadline, Late: true, Location: geneva})
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.RenderReply(Reply{Ref: "WSIS-2019-0042", Language: lang, Subject: "Proposal 42", Text: "(secretariat text)"})
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "ack."+lang+".txt", "Subject: "+m.Subject+"\n\n"+m.Text+"\n==== late, no attachments, kind unknown, no phase ahead ====\nSubject: "+late.Subject+"\n\n"+late.Text)
		golden(t, "ack."+lang+".html", m.HTML)
		golden(t, "reply."+lang+".txt", "Subject: "+r.Subject+"\n\n"+r.Text)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(b) != got {
		t.Errorf("%s differs from the rendering (run with -update after checking the change):\n%s", path, got)
	}
}
