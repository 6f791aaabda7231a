package parse

import (
	"bytes"
	"strings"
	"testing"
)

// transferSeeds are bodies at the edges of base64 and quoted-printable: padding,
// blanks, soft line breaks, literal "=", control characters, long lines.
var transferSeeds = []string{
	"", "\r\n", "QQ==", "QQ==\r\n", "QUJD\r\nREVG\r\n", "QUJ\r\nD", "QQ=\r\n=", "QQ==QUJD", "QQ", "Q",
	"QU JD", "QUJD\tREVG", "QUJD\r\n\r\nREVG", "Q$JD", "====",
	"caf=C3=A9 =\r\nsuite\r\n", "a=\n", "a= \t\r\nb", "a=", "=", "a==", "a=4", "=4", "=XY", "a=b\r\n", "a=\rb\n",
	"trailing \t \r\nnext\n", "lone\rcr\n", "ctl\x01\n", "del\x7f\n", "high\xe9\n", "=c3=a9\n", "=\r \n", "x=  ",
	strings.Repeat("a", 4094) + "\n", strings.Repeat("a", 4095) + "\n", strings.Repeat("a", 4095), strings.Repeat("a", 5000) + "\n",
}

// FuzzDecodeTransfer checks that the one-pass decoders give what go-message's reader
// gives, whenever they decode.
func FuzzDecodeTransfer(f *testing.F) {
	for _, s := range transferSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, cte := range []string{"base64", "quoted-printable"} {
			buf := make([]byte, 0, len(body)+2048)
			var got []byte
			var ok bool
			if cte == "base64" {
				got, ok = decodeBase64(buf, body)
			} else {
				got, ok = decodeQuotedPrintable(buf, body)
			}
			want := readTransfer(cte, body, make([]byte, 0, len(body)+2048))
			if ok && (want.err != nil || !bytes.Equal(got, want.data)) {
				t.Fatalf("%s %q: got %q, want %q (%v)", cte, body, got, want.data, want.err)
			}
			if !ok && want.err == nil && cte == "quoted-printable" && !bytes.Contains(body, []byte("\n")) && len(body) < qpMaxLine-1 {
				t.Errorf("%s %q: not decoded in one pass, though the reader decodes it", cte, body)
			}
		}
	})
}
