package mailin

import "testing"

func TestHeaderMessageID(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"Subject: a\r\nMessage-ID: <abc@example.org>\r\n\r\nbody\r\n", "abc@example.org"},
		{"message-id:\r\n <folded@example.org>\r\nSubject: b\r\n\r\n", "folded@example.org"},
		{"Subject: c\r\n\r\nMessage-ID: <in-the-body@example.org>\r\n", ""},
		{"Message-ID: no brackets\r\n\r\n", ""},
		{"Message-Id: < spaced@example.org >\r\n\r\n", "spaced@example.org"},
	} {
		if got := headerMessageID([]byte(tc.raw)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.raw, got, tc.want)
		}
	}
}
