package parse

import (
	"bytes"
	"strings"
	"testing"
)

// transferSeeds are bodies at the edges of base64: padding, blanks, line breaks, bytes
// outside the alphabet.
var transferSeeds = []string{
	"", "\r\n", "QQ==", "QQ==\r\n", "QUJD\r\nREVG\r\n", "QUJ\r\nD", "QQ=\r\n=", "QQ==QUJD", "QQ", "Q",
	"QU JD", "QUJD\tREVG", "QUJD\r\n\r\nREVG", "Q$JD", "====",
	"caf=C3=A9 =\r\nsuite\r\n", "a=\n", "a= \t\r\nb", "a=", "=", "a==", "a=4", "=4", "=XY", "a=b\r\n", "a=\rb\n",
	"trailing \t \r\nnext\n", "lone\rcr\n", "ctl\x01\n", "del\x7f\n", "high\xe9\n", "=c3=a9\n", "=\r \n", "x=  ",
	strings.Repeat("a", 4094) + "\n", strings.Repeat("a", 4095) + "\n", strings.Repeat("a", 4095), strings.Repeat("a", 5000) + "\n",
}

// FuzzDecodeTransfer checks that the one-call base64 decoder gives what go-message's
// reader gives, whenever it decodes.
func FuzzDecodeTransfer(f *testing.F) {
	for _, s := range transferSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := decodeBase64(make([]byte, 0, len(body)+2048), body)
		want := readTransfer("base64", body, make([]byte, 0, len(body)+2048))
		if ok && (want.err != nil || !bytes.Equal(got, want.data)) {
			t.Fatalf("%q: got %q, want %q (%v)", body, got, want.data, want.err)
		}
		if !ok && want.err == nil && !bytes.ContainsAny(body, " \t") {
			t.Errorf("%q: not decoded in one call, though the reader decodes it", body)
		}
	})
}
