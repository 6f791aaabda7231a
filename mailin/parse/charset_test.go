package parse

import (
	"encoding/base64"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// TestCharsetLabelsAsMailersWriteThem decodes text labelled as mail clients and
// libraries label it: WHATWG labels, IANA names and the aliases of mail libraries.
func TestCharsetLabelsAsMailersWriteThem(t *testing.T) {
	cases := []struct {
		labels []string
		enc    encoding.Encoding
		text   string
	}{
		{[]string{"gb2312", "gb_2312-80", "gb2312-80", "x-gbk", "gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn",
			"chinese", "csgb2312", "GB2312", `"GBK"`}, simplifiedchinese.GBK, "信息社会世界峰会论坛"},
		{[]string{"gb18030", "GB18030"}, simplifiedchinese.GB18030, "信息社会世界峰会论坛"},
		{[]string{"big5", "x-x-big5", "csbig5", "cp950", "big5-hkscs", "x-big5"}, traditionalchinese.Big5, "資訊社會世界高峰會論壇"},
		{[]string{"ks_c_5601-1987", "ks_c_5601", "euc-kr", "cp949", "windows-949"}, korean.EUCKR, "정보사회"},
		{[]string{"koi8-r", "koi8r", "koi8", "cp20866", "cskoi8r"}, charmap.KOI8R, "Форум ВВУИО"},
		{[]string{"windows-1251", "cp1251", "x-cp1251", "win-1251", "cp-1251", "windows1251", "ms-1251"}, charmap.Windows1251, "Форум ВВУИО"},
		{[]string{"x-mac-cyrillic", "x-mac-ukrainian"}, charmap.MacintoshCyrillic, "Форум ВВУИО"},
		{[]string{"ibm866", "cp866", "x-cp866"}, charmap.CodePage866, "Форум ВВУИО"},
		{[]string{"windows-1256", "cp1256", "x-cp1256", "win-1256"}, charmap.Windows1256, "منتدى القمة العالمية"},
		{[]string{"iso-8859-6", "iso8859-6", "iso_8859-6", "iso-8859-6-i", "iso8859_6", "arabic"}, charmap.ISO8859_6, "منتدى القمة العالمية"},
		{[]string{"windows-874", "cp874", "tis-620", "iso-8859-11"}, charmap.Windows874, "ประเทศไทย"},
		{[]string{"iso-8859-1", "latin1", "latin-1", "iso8859_1", "l1", "cp1252", "cp-1252", "windows-1252", "cp28591"},
			charmap.Windows1252, "Réponse à la consultation, señora"},
		{[]string{"iso-8859-15", "latin-9", "iso8859-15", "l9"}, charmap.ISO8859_15, "Réponse à la consultation, señora €"},
	}
	for _, c := range cases {
		raw, err := c.enc.NewEncoder().String(c.text)
		if err != nil {
			t.Fatalf("encode %q: %v", c.text, err)
		}
		for _, label := range c.labels {
			got, status := decodeCharset([]byte(raw), label)
			if got != c.text || status != charsetOK {
				t.Errorf("label %s: %q (status %d), want %q", label, got, status, c.text)
			}
		}
	}
	for _, label := range []string{"unicode-1-1-utf-8", "utf8", "UTF-8", "cp65001", "x-unicode20utf8"} {
		if got, status := decodeCharset([]byte("Форум ¿qué?"), label); got != "Форум ¿qué?" || status != charsetOK {
			t.Errorf("label %s: %q (status %d)", label, got, status)
		}
	}
}

// TestUnknownCharsetIsGuessed reads text under a label nobody knows in the charset it
// is really in, not as Latin-1.
func TestUnknownCharsetIsGuessed(t *testing.T) {
	for _, c := range []struct {
		name string
		enc  encoding.Encoding
		text string
	}{
		{"windows-1251", charmap.Windows1251, "Уважаемые коллеги, направляем наш вклад в консультации."},
		{"koi8-r", charmap.KOI8R, "Уважаемые коллеги, направляем наш вклад в консультации."},
		{"windows-1256", charmap.Windows1256, "السادة أمانة القمة العالمية لمجتمع المعلومات، تحية طيبة وبعد"},
		{"gbk", simplifiedchinese.GBK, "尊敬的秘书处：现将我们对论坛专题方面的意见发送给您。"},
		{"big5", traditionalchinese.Big5, "秘書處鈞鑒：本會提交意見書，建議論壇關注網絡中立。"},
		{"latin-1", charmap.ISO8859_1, "Réponse thématique à la consultation, señora"},
	} {
		t.Run(c.name, func(t *testing.T) {
			raw, err := c.enc.NewEncoder().String(c.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, label := range []string{"x-unknown", "unknown-8bit", "x-mac-arabic", "utf-7"} {
				got, status := decodeCharset([]byte(raw), label)
				if got != c.text {
					t.Errorf("label %s: %q, want %q", label, got, c.text)
				}
				if status != charsetUnknown {
					t.Errorf("label %s: status %d, want charsetUnknown", label, status)
				}
			}
		})
	}
}

// TestParseHeadersInMailerLabels decodes RFC 2047 subjects and names under the labels
// mailers write, and under a label nobody knows.
func TestParseHeadersInMailerLabels(t *testing.T) {
	b64 := func(label string, e encoding.Encoding, s string) string {
		raw, err := e.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return "=?" + label + "?B?" + base64.StdEncoding.EncodeToString([]byte(raw)) + "?="
	}
	for _, c := range []struct {
		label string
		enc   encoding.Encoding
		text  string
	}{
		{"cp936", simplifiedchinese.GBK, "关于论坛形式的建议"},
		{"gb_2312-80", simplifiedchinese.GBK, "关于论坛形式的建议"},
		{"cp950", traditionalchinese.Big5, "關於論壇形式的建議"},
		{"win-1251", charmap.Windows1251, "Предложения по формату"},
		{"cp1256", charmap.Windows1256, "مقترحات حول شكل المنتدى"},
		{"x-unknown-arabic", charmap.Windows1256, "مقترحات حول شكل المنتدى"},
		{"x-unknown-cyrillic", charmap.KOI8R, "Предложения по формату"},
	} {
		raw := "From: " + b64(c.label, c.enc, c.text) + " <a@example.org>\r\nSubject: " + b64(c.label, c.enc, c.text) +
			"\r\nMessage-ID: <x@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n"
		p, err := Parse([]byte(raw), DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		if p.Subject != c.text || p.From.Name != c.text {
			t.Errorf("%s: Subject = %q, From name %q, want %q", c.label, p.Subject, p.From.Name, c.text)
		}
	}
}
