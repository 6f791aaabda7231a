package parse

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// simple builds a one-part message with the given extra header lines.
func simple(extra ...string) []byte {
	h := append([]string{
		"From: Someone <someone@example.org>",
		"To: wsis-info@itu.int",
		"Subject: Test",
		"Message-ID: <test@example.org>",
	}, extra...)
	return []byte(header(h...) + "Hello.\r\n")
}

// withParts builds a multipart/mixed message of the given parts.
func withParts(parts ...string) []byte {
	return []byte(header(
		"From: Someone <someone@example.org>",
		"Subject: Parts",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="BOUNDARY"`,
	) + multipart("BOUNDARY", parts...))
}

func mustParse(t *testing.T, raw []byte) *Parsed {
	t.Helper()
	p, err := Parse(raw, DefaultLimits())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	checkValidStrings(t, p)
	return p
}

func TestParseRefusesWhatIsNotAMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
	}{
		{"empty", ""},
		{"plain text", "hello world\nthis is not mail\n"},
		{"pdf", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"},
		{"continuation first", " Subject: x\r\n\r\nbody"},
		{"no mail field", "Foo: bar\r\nBaz: qux\r\n\r\nbody"},
		{"blank line first", "\r\nFrom: a@b\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(tc.raw)
			orig := bytes.Clone(raw)
			p, err := Parse(raw, DefaultLimits())
			if !errors.Is(err, errMalformed) {
				t.Fatalf("err = %v, want errMalformed", err)
			}
			if p != nil {
				t.Error("non-nil result with an error")
			}
			if !strings.HasPrefix(err.Error(), "mailin: parse: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if !bytes.Equal(raw, orig) {
				t.Error("input modified")
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	threeAttachments := withParts(
		textPart("text/plain", "utf-8", "7bit", "See attached.\n"),
		part([]string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=a.pdf"}, "%PDF-a"),
		part([]string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=b.pdf"}, "%PDF-b"),
		part([]string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=c.pdf"}, "%PDF-c"),
	)
	bigHeader := simple("X-Padding: " + strings.Repeat("x", 2000))
	for _, tc := range []struct {
		name      string
		raw       []byte
		lim       Limits
		wantLimit string // "" when Parse must succeed
	}{
		{"message over MaxMessageBytes", simple(), Limits{MaxMessageBytes: 50}, "MaxMessageBytes"},
		{"header over MaxHeaderBytes", bigHeader, Limits{MaxHeaderBytes: 1024}, "MaxHeaderBytes"},
		{"attachments over MaxAttachments", threeAttachments, Limits{MaxAttachments: 2}, "MaxAttachments"},
		{"attachments at MaxAttachments", threeAttachments, Limits{MaxAttachments: 3}, ""},
		{"zero limits take the defaults", bigHeader, Limits{}, ""},
		{"negative limits mean none", bigHeader, Limits{MaxMessageBytes: -1, MaxHeaderBytes: -1, MaxAttachments: -1}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.raw, tc.lim)
			if tc.wantLimit == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), tc.wantLimit) {
				t.Errorf("error %q does not name %s", err, tc.wantLimit)
			}
			if p != nil {
				t.Error("non-nil result with an error")
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	want := Limits{MaxMessageBytes: 50 << 20, MaxAttachments: 100, MaxHeaderBytes: 256 << 10}
	if got := DefaultLimits(); got != want {
		t.Errorf("DefaultLimits() = %+v, want %+v", got, want)
	}
}

func TestParseEncodedWordsInEveryCharset(t *testing.T) {
	for _, tc := range []struct {
		charset string
		text    string
	}{
		{"windows-1256", "مساهمة رسمية"},
		{"iso-8859-6", "طلب عقد ورشة عمل"},
		{"gb2312", "关于论坛形式创新的建议"},
		{"gbk", "推荐高级别主持人"},
		{"gb18030", "摄影比赛 📷"},
		{"big5", "資訊社會世界高峰會"},
		{"koi8-r", "Заявка на семинар"},
		{"windows-1251", "Предложения по формату"},
		{"iso-8859-1", "Réponse à la consultation"},
		{"iso-8859-15", "Participación: 15 €"},
		{"windows-1252", "Demande d’atelier – “SMSI”"},
		{"utf-8", "Solicitud de taller – 2019"},
	} {
		t.Run(tc.charset, func(t *testing.T) {
			raw := []byte(header(
				"From: "+bword(tc.charset, "Name "+tc.text)+" <sender@example.org>",
				"Subject: Re: "+bword(tc.charset, tc.text)+" [WSIS-2019-0001]",
			) + "body\r\n")
			p := mustParse(t, raw)
			if want := "Re: " + tc.text + " [WSIS-2019-0001]"; p.Subject != want {
				t.Errorf("Subject = %q, want %q", p.Subject, want)
			}
			if want := "Name " + tc.text; p.From.Name != want {
				t.Errorf("From.Name = %q, want %q", p.From.Name, want)
			}
		})
	}
}

func TestParseBodyInEveryCharset(t *testing.T) {
	texts := map[string]string{
		"windows-1256": "نقترح أن يولي المنتدى اهتماماً خاصاً للأمن السيبراني.",
		"iso-8859-6":   "تتشرف الجمعية بتقديم طلب لعقد ورشة عمل.",
		"gb2312":       "华信通信技术有限公司就论坛形式的创新提出以下建议。",
		"gbk":          "我们谨提名欧阳喆先生担任高级别主持人。",
		"gb18030":      "现报名参加摄影比赛📷。",
		"big5":         "本系謹就論壇的專題方面提出以下建議。",
		"koi8-r":       "Просим рассмотреть заявку на проведение семинара.",
		"windows-1251": "Университет предлагает следующие инновации в формате Форума.",
		"iso-8859-1":   "L'Autorité de Régulation soumet sa contribution thématique.",
		"iso-8859-15":  "La Fundación Conecta desea participar: 15 € al mes.",
		"windows-1252": "L’atelier réunirait des opérateurs… “cœur de réseau”.",
	}
	for _, cs := range sortedKeys(texts) {
		for _, cte := range []string{"8bit", "quoted-printable", "base64"} {
			t.Run(cs+"/"+cte, func(t *testing.T) {
				p := mustParse(t, textMessage([]string{"From: a@example.org", "Subject: x"}, cs, cte, texts[cs]+"\n"))
				if p.Text != texts[cs] {
					t.Errorf("Text = %q, want %q", p.Text, texts[cs])
				}
				if len(p.Warnings) != 0 {
					t.Errorf("unexpected warnings %q", p.Warnings)
				}
			})
		}
	}
}

func TestParseFilenames(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers []string
		want    string
	}{
		{"plain", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="report.pdf"`}, "report.pdf"},
		{"name in Content-Type", []string{`Content-Type: application/pdf; name="from-type.pdf"`}, "from-type.pdf"},
		{"unquoted with spaces", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=my report.pdf"}, "my report.pdf"},
		{"escaped quote", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="say \"hi\".pdf"`}, `say "hi".pdf`},
		{"duplicate parameter keeps the first", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="first.pdf"; filename="second.pdf"`}, "first.pdf"},
		{"RFC 2231 UTF-8 Arabic", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=UTF-8''" + pct("utf-8", "مساهمة.pdf")}, "مساهمة.pdf"},
		{"RFC 2231 windows-1256", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=windows-1256''" + pct("windows-1256", "ورقة_عمل.pdf")}, "ورقة_عمل.pdf"},
		{"RFC 2231 gb2312 with language", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=gb2312'zh-cn'" + pct("gb2312", "意见书.pdf")}, "意见书.pdf"},
		{"RFC 2231 big5", []string{"Content-Type: image/jpeg", "Content-Disposition: attachment; filename*=big5''" + pct("big5", "論壇照片.jpg")}, "論壇照片.jpg"},
		{"RFC 2231 koi8-r", []string{"Content-Type: application/msword", "Content-Disposition: attachment; filename*=koi8-r''" + pct("koi8-r", "Заявка.doc")}, "Заявка.doc"},
		{"RFC 2231 continuations, extended", []string{"Content-Type: application/pdf", "Content-Disposition: attachment;",
			" filename*0*=utf-8''" + pct("utf-8", "信息社会")[:9] + ";",
			" filename*1*=" + pct("utf-8", "信息社会")[9:] + ".pdf"}, "信息社会.pdf"},
		{"RFC 2231 continuations, plain", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename*0="long-name-"; filename*1="part-two.pdf"`}, "long-name-part-two.pdf"},
		{"RFC 2231 continuations out of order", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename*1="two.pdf"; filename*0="one-"`}, "one-two.pdf"},
		{"RFC 2231 wins over filename", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=\"fallback.pdf\"; filename*=utf-8''%D8%B1.pdf"}, "ر.pdf"},
		{"RFC 2231 unknown charset", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=x-foo''r%E9sum%E9.pdf"}, "résumé.pdf"},
		{"RFC 2047 in filename", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="=?utf-8?B?5pGY6KaBLnBkZg==?="`}, "摘要.pdf"},
		{"RFC 2047 koi8-r in name", []string{`Content-Type: application/msword; name="=?koi8-r?B?` + b64word("koi8-r", "Предложение.doc") + `?="`}, "Предложение.doc"},
		{"RFC 2047 Q iso-8859-1", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="=?iso-8859-1?Q?R=E9sum=E9.pdf?="`}, "Résumé.pdf"},
		{"raw UTF-8", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="Résumé.pdf"`}, "Résumé.pdf"},
		{"raw Latin-1", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=\"R\xe9sum\xe9.pdf\""}, "Résumé.pdf"},
		{"path traversal", []string{"Content-Type: text/plain", `Content-Disposition: attachment; filename="../../etc/passwd"`}, "passwd"},
		{"absolute path", []string{"Content-Type: text/plain", `Content-Disposition: attachment; filename="/etc/shadow"`}, "shadow"},
		{"windows path", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename="C:\\Users\\x\\a.pdf"`}, "a.pdf"},
		{"dot-dot only", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename=".."`}, "attachment-1.pdf"},
		{"hidden file", []string{"Content-Type: text/plain", `Content-Disposition: attachment; filename=".htaccess"`}, "htaccess"},
		{"control characters", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=utf-8''a%0Ab%00c.pdf"}, "abc.pdf"},
		{"bidi override", []string{"Content-Type: application/octet-stream", "Content-Disposition: attachment; filename*=utf-8''report%E2%80%AEfdp.exe"}, "reportfdp.exe"},
		{"empty", []string{"Content-Type: application/pdf", `Content-Disposition: attachment; filename=""`}, "attachment-1.pdf"},
		{"none, image", []string{"Content-Type: image/png"}, "attachment-1.png"},
		{"none, unknown type", []string{"Content-Type: application/x-foo"}, "attachment-1.bin"},
		{"none, forwarded message", []string{"Content-Type: message/rfc822"}, "forwarded.eml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := append(tc.headers[:len(tc.headers):len(tc.headers)], "")
			body := "From: x@example.org\r\nSubject: inner\r\n\r\ninner body\r\n"
			p := mustParse(t, withParts(
				textPart("text/plain", "utf-8", "7bit", "See attached.\n"),
				strings.Join(hdr, "\r\n")+"\r\n"+body,
			))
			if len(p.Attachments) != 1 {
				t.Fatalf("%d attachments, want 1: %+v", len(p.Attachments), p.Attachments)
			}
			if got := p.Attachments[0].Filename; got != tc.want {
				t.Errorf("Filename = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestParseMessageIDs(t *testing.T) {
	p := mustParse(t, simple(
		"In-Reply-To: <ack-20190205-0042@wsis.test> (our acknowledgement)",
		"References: <a@x>\r\n <b@y>  <ack-20190205-0042@wsis.test>",
	))
	if p.MessageID != "test@example.org" {
		t.Errorf("MessageID = %q", p.MessageID)
	}
	if p.InReplyTo != "ack-20190205-0042@wsis.test" {
		t.Errorf("InReplyTo = %q", p.InReplyTo)
	}
	if want := []string{"a@x", "b@y", "ack-20190205-0042@wsis.test"}; fmt.Sprint(p.References) != fmt.Sprint(want) {
		t.Errorf("References = %q, want %q", p.References, want)
	}
	p = mustParse(t, []byte("From: a@example.org\r\nMessage-ID: bare-id@example.org\r\n\r\nx"))
	if p.MessageID != "bare-id@example.org" {
		t.Errorf("MessageID without brackets = %q", p.MessageID)
	}
}

func TestParseAddresses(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		want        []Address
	}{
		{"name and address", `"Dr. Amina Okafor" <amina@ncc.gov.ng>`, []Address{{"Dr. Amina Okafor", "amina@ncc.gov.ng"}}},
		{"encoded name", "=?koi8-r?B?" + b64word("koi8-r", "Павел") + "?= <p@x.ru>", []Address{{"Павел", "p@x.ru"}}},
		{"list", `a@x.org, "B, Bee" <b@y.org>`, []Address{{"", "a@x.org"}, {"B, Bee", "b@y.org"}}},
		{"unknown charset in name", "=?x-foo?Q?Ren=E9?= <r@x.fr>", []Address{{"René", "r@x.fr"}}},
		{"broken, recovered", "Jean Dupont <jean@x.fr", []Address{{"Jean Dupont", "jean@x.fr"}}},
		{"bare with junk", "jean@x.fr (Jean) ;; garbage<", []Address{{"", "jean@x.fr"}}},
		{"raw UTF-8 name", "Ирина <i@x.ru>", []Address{{"Ирина", "i@x.ru"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, []byte(header("From: "+tc.field, "Cc: "+tc.field)+"x"))
			if len(p.Cc) != len(tc.want) {
				t.Fatalf("Cc = %+v, want %+v", p.Cc, tc.want)
			}
			for i := range tc.want {
				if p.Cc[i] != tc.want[i] {
					t.Errorf("Cc[%d] = %+v, want %+v", i, p.Cc[i], tc.want[i])
				}
			}
			if p.From != tc.want[0] {
				t.Errorf("From = %+v, want %+v", p.From, tc.want[0])
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339, "" for the zero time
	}{
		{"Mon, 4 Feb 2019 09:12:44 +0100", "2019-02-04T09:12:44+01:00"},
		{"Tue, 5 Feb 2019 10:15:07 +0100 (CET)", "2019-02-05T10:15:07+01:00"},
		{"7 Feb 2019 09:00:00 -0000", "2019-02-07T09:00:00Z"},
		{"Mon, 4 Feb 2019 09:12 +0100", "2019-02-04T09:12:00+01:00"},
		{"2019-02-04 09:12:44 +0100", "2019-02-04T09:12:44+01:00"},
		{"yesterday", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := parseDate(tc.in)
			if tc.want == "" {
				if !got.IsZero() {
					t.Errorf("parseDate(%q) = %v, want zero", tc.in, got)
				}
				return
			}
			if got.Format(time.RFC3339) != tc.want {
				t.Errorf("parseDate(%q) = %v, want %s", tc.in, got.Format(time.RFC3339), tc.want)
			}
		})
	}
}

func TestParseDegradesWithWarnings(t *testing.T) {
	for _, tc := range []struct {
		name        string
		raw         []byte
		wantText    string
		wantWarning string
		wantRaw     bool // the undecoded part is kept as an attachment
	}{
		{"unknown charset", textMessage([]string{"From: a@x.fr"}, "x-unknown", "8bit", enc("iso-8859-1", "Réponse thématique\n")),
			"Réponse thématique", `unknown charset "x-unknown"`, true},
		{"unknown charset, Cyrillic bytes: the charset is guessed", textMessage([]string{"From: a@x.ru"}, "unknown-8bit", "8bit", enc("windows-1251", "Привет\n")),
			"Привет", "unknown charset", true},
		{"unknown transfer encoding", []byte(header("From: a@x.org", "Content-Type: text/plain", "Content-Transfer-Encoding: x-uuencode") + "plain words\r\n"),
			"plain words", `unknown Content-Transfer-Encoding "x-uuencode"`, true},
		{"bad base64", []byte(header("From: a@x.org", "Content-Type: text/plain", "Content-Transfer-Encoding: base64") + "SGVsbG8=\r\n!!!!\r\n"),
			"Hello", "bad base64", true},
		{"undeclared 8-bit", []byte(header("From: a@x.org") + "caf\xe9 cr\xe8me\r\n"),
			"café crème", "without charset", true},
		{"invalid UTF-8", textMessage([]string{"From: a@x.org"}, "utf-8", "8bit", "ok \xff\xfe ok\n"),
			"ok \uFFFD ok", "invalid UTF-8", true},
		{"NUL bytes", textMessage([]string{"From: a@x.org"}, "utf-8", "8bit", "a\x00b\n"),
			"ab", "NUL bytes removed", false},
		{"multipart without boundary", []byte(header("From: a@x.org", "Content-Type: multipart/mixed") + "just text\r\n"),
			"just text", "without boundary", false},
		{"unclosed multipart", []byte(header("From: a@x.org", `Content-Type: multipart/mixed; boundary="b"`) + "--b\r\nContent-Type: text/plain\r\n\r\ncut short\r\n"),
			"cut short", "closing boundary missing", false},
		{"part without header", []byte(header("From: a@x.org", `Content-Type: multipart/mixed; boundary="b"`) + "--b\r\nno header here\r\n--b--\r\n"),
			"no header here", "has no header", false},
		{"unreadable Content-Type", []byte(header("From: a@x.org", "Content-Type: garbage") + "words\r\n"),
			"words", "unreadable Content-Type", false},
		{"malformed header line", []byte("From: a@x.org\r\nthis line is junk\r\nSubject: kept\r\n\r\nbody\r\n"),
			"body", "malformed header line", false},
		{"mbox From line", []byte("From sender@x.org Mon Feb  4 09:12:44 2019\r\nFrom: a@x.org\r\n\r\nbody\r\n"),
			"body", "mbox", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.raw)
			if p.Text != tc.wantText {
				t.Errorf("Text = %q, want %q", p.Text, tc.wantText)
			}
			if !strings.Contains(strings.Join(p.Warnings, "\n"), tc.wantWarning) {
				t.Errorf("Warnings = %q, want one containing %q", p.Warnings, tc.wantWarning)
			}
			if got := len(p.Attachments) > 0; got != tc.wantRaw {
				t.Errorf("raw part kept = %v, want %v (%+v)", got, tc.wantRaw, p.Attachments)
			}
		})
	}
}

func TestParseUnknownCharsetKeepsRawBytes(t *testing.T) {
	body := enc("iso-8859-1", "Réponse\n")
	p := mustParse(t, textMessage([]string{"From: a@x.fr"}, "x-unknown", "8bit", body))
	if len(p.Attachments) != 1 {
		t.Fatalf("attachments = %+v", p.Attachments)
	}
	if got, want := string(p.Attachments[0].Data), crlf(body); got != want {
		t.Errorf("kept part = %q, want the undecoded %q", got, want)
	}
}

func TestParseTextSelection(t *testing.T) {
	t.Run("plain preferred over HTML", func(t *testing.T) {
		p := mustParse(t, withParts(part([]string{`Content-Type: multipart/alternative; boundary="alt"`},
			multipart("alt",
				textPart("text/plain", "utf-8", "7bit", "plain version\n"),
				textPart("text/html", "utf-8", "7bit", "<p>html <b>version</b></p>\n"),
			))))
		if p.Text != "plain version" {
			t.Errorf("Text = %q", p.Text)
		}
		if p.HTML != "<p>html <b>version</b></p>" {
			t.Errorf("HTML = %q", p.HTML)
		}
	})
	t.Run("HTML turned into text when alone", func(t *testing.T) {
		p := mustParse(t, []byte(header("From: a@x.org", "Content-Type: text/html; charset=utf-8")+
			"<html><head><style>p{}</style><script>x()</script></head><body><h1>Title</h1><p>One &amp; two<br>three</p><ul><li>a</li><li>b</li></ul></body></html>"))
		if want := "Title\n\nOne & two\nthree\n\n- a\n- b"; p.Text != want {
			t.Errorf("Text = %q, want %q", p.Text, want)
		}
	})
	t.Run("HTML sanitised", func(t *testing.T) {
		p := mustParse(t, []byte(header("From: a@x.org", "Content-Type: text/html")+
			`<p onclick="evil()">hi<script>alert(1)</script><a href="javascript:x()">l</a><img src="cid:img1@x"></p>`))
		for _, bad := range []string{"onclick", "script", "javascript"} {
			if strings.Contains(p.HTML, bad) {
				t.Errorf("HTML %q still contains %q", p.HTML, bad)
			}
		}
		if !strings.Contains(p.HTML, `src="cid:img1@x"`) {
			t.Errorf("HTML %q lost the inline image reference", p.HTML)
		}
	})
	t.Run("text attachment is not body", func(t *testing.T) {
		p := mustParse(t, withParts(
			textPart("text/plain", "utf-8", "7bit", "the body\n"),
			part([]string{"Content-Type: text/plain", `Content-Disposition: attachment; filename="notes.txt"`}, "the notes\r\n"),
		))
		if p.Text != "the body" || len(p.Attachments) != 1 || p.Attachments[0].Filename != "notes.txt" {
			t.Errorf("Text = %q, Attachments = %+v", p.Text, p.Attachments)
		}
	})
	t.Run("CRLF becomes LF", func(t *testing.T) {
		p := mustParse(t, []byte(header("From: a@x.org")+"a\r\nb\rc\r\n"))
		if p.Text != "a\nb\nc" {
			t.Errorf("Text = %q", p.Text)
		}
	})
}

func TestParseInlineImage(t *testing.T) {
	p := mustParse(t, readCorpus(t, "nested-related-inline-image"))
	var inline *Attachment
	for i := range p.Attachments {
		if p.Attachments[i].Inline {
			inline = &p.Attachments[i]
		}
	}
	if inline == nil || inline.ContentID != "logo.3f9a@unesco.org" || inline.ContentType != "image/png" {
		t.Fatalf("inline image = %+v", inline)
	}
	if !bytes.HasPrefix(inline.Data, []byte("\x89PNG")) {
		t.Error("inline image data not decoded")
	}
}

func TestParseForwardedMessage(t *testing.T) {
	p := mustParse(t, readCorpus(t, "forwarded-rfc822"))
	if len(p.Forwarded) != 1 {
		t.Fatalf("Forwarded = %d, want 1", len(p.Forwarded))
	}
	f := p.Forwarded[0]
	if f.MessageID != "inner.30012019.1000@rosinfocom.ru" || f.From.Name != "Сергей Кузнецов" ||
		!strings.HasPrefix(f.Text, "Уважаемая Мария!") || f.Language != "ru" {
		t.Errorf("forwarded = %q %+v %q %q", f.MessageID, f.From, shorten(f.Text, 30), f.Language)
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Filename != "forwarded.eml" || p.Attachments[0].ContentType != "message/rfc822" {
		t.Errorf("attachments = %+v", p.Attachments)
	}
}

func TestParseReports(t *testing.T) {
	for _, tc := range []struct {
		name, file, wantType, wantOriginal string
		wantReport                         bool
	}{
		{"DSN with message/rfc822", "bounce-dsn", "delivery-status", "ack-20190205-0042@wsis.test", true},
		{"DSN with text/rfc822-headers", "bounce-dsn-headers", "delivery-status", "ack-20190206-0057@wsis.test", true},
		{"MAILER-DAEMON without report", "bounce-mailer-daemon", "", "ack-20190207-0063@wsis.test", false},
		{"read receipt", "read-receipt-mdn", "disposition-notification", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, readCorpus(t, tc.file))
			if p.IsReport != tc.wantReport || p.ReportType != tc.wantType || p.ReportOriginalMessageID != tc.wantOriginal {
				t.Errorf("IsReport=%v ReportType=%q ReportOriginalMessageID=%q, want %v %q %q",
					p.IsReport, p.ReportType, p.ReportOriginalMessageID, tc.wantReport, tc.wantType, tc.wantOriginal)
			}
		})
	}
}

func TestParseSignedReadsThrough(t *testing.T) {
	p := mustParse(t, readCorpus(t, "signed-multipart"))
	if !strings.HasPrefix(p.Text, "Madame, Monsieur,") || p.HTML == "" {
		t.Errorf("Text = %q, HTML present = %v", shorten(p.Text, 30), p.HTML != "")
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Filename != "smime.p7s" {
		t.Errorf("attachments = %+v", p.Attachments)
	}
}

func TestParseDeepNestingIsBounded(t *testing.T) {
	body := "innermost\r\n"
	for i := 0; i < 3*maxDepth; i++ {
		b := fmt.Sprintf("b%d", i)
		body = fmt.Sprintf("Content-Type: multipart/mixed; boundary=%q\r\n\r\n--%s\r\nContent-Type: text/plain\r\n\r\n%d\r\n--%s\r\n%s\r\n--%s--\r\n",
			b, b, i, b, body, b)
	}
	p := mustParse(t, []byte("From: a@x.org\r\n"+body))
	if !strings.Contains(strings.Join(p.Warnings, "\n"), "nested deeper") {
		t.Errorf("Warnings = %q, want a nesting warning", p.Warnings)
	}
}

func TestParseResultDoesNotAliasInput(t *testing.T) {
	raw := withParts(
		textPart("text/plain", "utf-8", "7bit", "body\n"),
		part([]string{"Content-Type: application/octet-stream", "Content-Transfer-Encoding: binary", "Content-Disposition: attachment; filename=x.bin"}, "ORIGINAL"),
	)
	p := mustParse(t, raw)
	for i := range raw {
		raw[i] = 'Z'
	}
	if string(p.Attachments[0].Data) != "ORIGINAL" {
		t.Errorf("attachment changed with the input: %q", p.Attachments[0].Data)
	}
}

func TestParseAttachmentHash(t *testing.T) {
	p := mustParse(t, readCorpus(t, "photo-contest-en"))
	a := p.Attachments[0]
	sum := sha256.Sum256(a.Data)
	if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(a.Data)) || a.Size != 4096 {
		t.Errorf("attachment %s: size %d sha256 %s, data has %d bytes and sha256 %x", a.Filename, a.Size, a.SHA256, len(a.Data), sum)
	}
}

// TestParseLargeAttachmentMemory pins the memory use of a message with a
// 20 MB attachment: about one copy of the decoded attachment, well under
// three times the message size.
func TestParseLargeAttachmentMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 20 MB")
	}
	raw := largeAttachmentMessage(20 << 20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := Parse(raw, DefaultLimits())
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	if limit := uint64(3 * len(raw)); allocated > limit {
		t.Errorf("Parse allocated %d bytes for a %d-byte message, want at most %d", allocated, len(raw), limit)
	}
	if got := p.Attachments[0].Size; got != 20<<20 {
		t.Errorf("attachment size = %d", got)
	}
	t.Logf("message %d bytes, allocated %d bytes (%.2fx)", len(raw), allocated, float64(allocated)/float64(len(raw)))
}

func largeAttachmentMessage(n int) []byte {
	return withParts(
		textPart("text/plain", "utf-8", "7bit", "Please find our photo attached.\n"),
		part([]string{
			"Content-Type: image/jpeg",
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="big.jpg"`,
		}, b64(fakeBinary("\xff\xd8\xff\xe0", n))),
	)
}

func TestSplitMultipart(t *testing.T) {
	for _, tc := range []struct {
		name       string
		body       string
		want       []string
		wantClosed bool
	}{
		{"CRLF with preamble and epilogue", "preamble\r\n--b\r\nA\r\n--b\r\nB\r\n--b--\r\nepilogue", []string{"A", "B"}, true},
		{"LF only", "--b\nA\n--b\nB\n--b--\n", []string{"A", "B"}, true},
		{"transport padding", "--b  \r\nA\r\n--b\t\r\nB\r\n--b-- \r\n", []string{"A", "B"}, true},
		{"longer boundary is not ours", "--b\r\nA\r\n--bb\r\nstill A\r\n--b--", []string{"A\r\n--bb\r\nstill A"}, true},
		{"boundary inside a line is text", "--b\r\nx --b y\r\n--b--", []string{"x --b y"}, true},
		{"unclosed", "--b\r\nA\r\n--b\r\nB\r\n", []string{"A", "B\r\n"}, false},
		{"empty part", "--b\r\n\r\n--b--", []string{""}, true},
		{"no delimiter", "just text", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts, closed := splitMultipart([]byte(tc.body), "b")
			var got []string
			for _, p := range parts {
				got = append(got, string(p))
			}
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) || closed != tc.wantClosed {
				t.Errorf("splitMultipart = %q, %v; want %q, %v", got, closed, tc.want, tc.wantClosed)
			}
		})
	}
}

func TestBestEffortString(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"valid UTF-8", "Réponse 中文", "Réponse 中文"},
		{"Latin-1 accents", "R\xe9ponse \xe0 la consultation", "Réponse à la consultation"},
		{"windows-1252 quotes", "l\x92atelier \x93x\x94", "l’atelier “x”"},
		{"Cyrillic bytes", "\xcf\xf0\xe8\xe2\xe5\xf2", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"mixed UTF-8 and Latin-1", "é \xe9t\xe9", "é été"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := bestEffortString(tc.in); got != tc.want {
				t.Errorf("bestEffortString(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, name+".eml"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
