package parse

import (
	"bytes"
	"testing"
)

// transferSeeds are bodies at the edges of base64: padding, blanks, line breaks, bytes
// outside the alphabet.
var transferSeeds = []string{
	"", "\r\n", "QQ==", "QQ==\r\n", "QUJD\r\nREVG\r\n", "QUJ\r\nD", "QQ=\r\n=", "QQ==QUJD", "QQ", "Q",
	"QU JD", "QUJD\tREVG", "QUJD\r\n\r\nREVG", "Q$JD", "====",
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
