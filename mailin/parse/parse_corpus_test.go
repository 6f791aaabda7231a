package parse

import (
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// update rewrites the generated corpus and the golden files.
var update = flag.Bool("update", false, "rewrite testdata/corpus and testdata/golden")

const corpusDir = "testdata/corpus"

// TestGenerateCorpus writes the corpus with -update and otherwise checks that
// the committed .eml files are exactly what the generator makes, so that the
// legacy-charset bytes in them stay reproducible.
func TestGenerateCorpus(t *testing.T) {
	files := corpusFiles()
	if *update {
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
		for _, f := range old {
			if _, ok := files[strings.TrimSuffix(filepath.Base(f), ".eml")]; !ok {
				if err := os.Remove(f); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	for _, name := range sortedKeys(files) {
		path := filepath.Join(corpusDir, name+".eml")
		if *update {
			if err := os.WriteFile(path, files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v (run go test ./mailin/parse -run GenerateCorpus -update)", name, err)
			continue
		}
		if !bytes.Equal(got, files[name]) {
			t.Errorf("%s: committed file differs from the generator (run go test ./mailin/parse -run GenerateCorpus -update)", name)
		}
	}
	onDisk, _ := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if !*update && len(onDisk) != len(files) {
		t.Errorf("%d .eml files on disk, the generator makes %d", len(onDisk), len(files))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// legacyEncodings are the charsets of the corpus, by MIME name.
var legacyEncodings = map[string]encoding.Encoding{
	"windows-1256": charmap.Windows1256,
	"iso-8859-6":   charmap.ISO8859_6,
	"gb2312":       simplifiedchinese.GBK, // EUC-CN, as long as the text keeps to GB 2312
	"gbk":          simplifiedchinese.GBK,
	"gb18030":      simplifiedchinese.GB18030,
	"big5":         traditionalchinese.Big5,
	"koi8-r":       charmap.KOI8R,
	"windows-1251": charmap.Windows1251,
	"iso-8859-1":   charmap.ISO8859_1,
	"iso-8859-15":  charmap.ISO8859_15,
	"windows-1252": charmap.Windows1252,
}

// enc encodes s in charset cs, panicking on a character cs lacks: the
// corpus must say exactly what it means.
func enc(cs, s string) string {
	switch cs = strings.ToLower(cs); {
	case cs == "utf-8":
		return s
	case cs == "us-ascii":
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				panic(fmt.Sprintf("%q is not ASCII", s))
			}
		}
		return s
	case strings.HasPrefix(cs, "x-") || cs == "unknown-8bit":
		return s // already in the bytes the test wants
	}
	e, ok := legacyEncodings[cs]
	if !ok {
		panic("no encoder for " + cs)
	}
	out, err := e.NewEncoder().String(s)
	if err != nil {
		panic(fmt.Sprintf("encode %q in %s: %v", s, cs, err))
	}
	if cs == "gb2312" {
		// GB 2312 proper: both bytes of each character in A1..FE.
		for i := 0; i < len(out); i++ {
			if out[i] >= 0x80 && (out[i] < 0xA1 || out[i] == 0xFF) {
				panic(fmt.Sprintf("%q is outside GB 2312", s))
			}
		}
	}
	return out
}

// crlf turns the "\n" line ends of s into "\r\n".
func crlf(s string) string {
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// header joins header lines with CRLF and ends the header.
func header(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n\r\n"
}

// qp encodes s (already in its charset, "\n" line ends) as quoted-printable.
func qp(s string) string {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(crlf(s))); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

// b64 encodes s as base64 in lines of 76 characters.
func b64(s string) string {
	e := base64.StdEncoding.EncodeToString([]byte(s))
	var b strings.Builder
	for len(e) > 76 {
		b.WriteString(e[:76] + "\r\n")
		e = e[76:]
	}
	b.WriteString(e + "\r\n")
	return b.String()
}

// bword encodes s as RFC 2047 B words in charset cs, cutting between
// characters so that each word decodes on its own.
func bword(cs, s string) string {
	var words []string
	var chunk []rune
	flush := func() {
		if len(chunk) > 0 {
			words = append(words, "=?"+cs+"?B?"+base64.StdEncoding.EncodeToString([]byte(enc(cs, string(chunk))))+"?=")
			chunk = chunk[:0]
		}
	}
	for _, r := range s {
		chunk = append(chunk, r)
		if len(enc(cs, string(chunk))) >= 30 {
			flush()
		}
	}
	flush()
	return strings.Join(words, "\r\n ")
}

// qword encodes s as one RFC 2047 Q word in a single-byte charset cs.
func qword(cs, s string) string {
	var b strings.Builder
	for _, c := range []byte(enc(cs, s)) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 0x80 || c == '=' || c == '?' || c == '_' || c < 0x20:
			fmt.Fprintf(&b, "=%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return "=?" + cs + "?Q?" + b.String() + "?="
}

// pct percent-encodes s in charset cs for an RFC 2231 value.
func pct(cs, s string) string {
	var b strings.Builder
	for _, c := range []byte(enc(cs, s)) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// textMessage is a single-part text/plain message: hdr lines, then the
// body in charset cs with transfer encoding cte.
func textMessage(hdr []string, cs, cte, body string) []byte {
	h := append(hdr[:len(hdr):len(hdr)],
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset="+cs,
		"Content-Transfer-Encoding: "+cte)
	return []byte(header(h...) + encodeBody(cs, cte, body))
}

// encodeBody encodes a "\n" text in charset cs and transfer encoding cte.
func encodeBody(cs, cte, body string) string {
	raw := enc(cs, body)
	switch cte {
	case "quoted-printable":
		return qp(raw)
	case "base64":
		return b64(crlf(raw))
	default:
		return crlf(raw)
	}
}

// part is one MIME part: its header lines and its encoded body.
func part(hdr []string, body string) string {
	return strings.Join(hdr, "\r\n") + "\r\n\r\n" + body
}

// textPart is a text part in charset cs and encoding cte.
func textPart(mediaType, cs, cte, body string) string {
	return part([]string{
		"Content-Type: " + mediaType + "; charset=" + cs,
		"Content-Transfer-Encoding: " + cte,
	}, encodeBody(cs, cte, body))
}

// multipart joins parts with boundary, closing delimiter included.
func multipart(boundary string, parts ...string) string {
	var b strings.Builder
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	for _, p := range parts {
		b.WriteString("\r\n--" + boundary + "\r\n")
		b.WriteString(strings.TrimRight(p, "\r\n") + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.String()
}

// fakeBinary makes n deterministic bytes that start like a file of the
// given kind.
func fakeBinary(magic string, n int) string {
	b := make([]byte, n)
	copy(b, magic)
	x := uint32(2019)
	for i := len(magic); i < n; i++ {
		x = x*1664525 + 1013904223
		b[i] = byte(x >> 24)
	}
	return string(b)
}
