package store

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"
)

// naiveCopyText is COPY's text escaping a byte at a time, as lib/pq does it.
func naiveCopyText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// appendCopyText escapes as lib/pq's byte-at-a-time loop does, wherever the bytes to
// escape fall, and next to every other byte value.
func TestAppendCopyTextEscapesEveryByteAsOne(t *testing.T) {
	check := func(s string) {
		t.Helper()
		want := naiveCopyText(s)
		if got := string(appendCopyText([]byte("prefix|"), s)); got != "prefix|"+want {
			t.Fatalf("string %q: got %q, want %q", s, got, "prefix|"+want)
		}
		if got := string(appendCopyText(nil, []byte(s))); got != want {
			t.Fatalf("bytes %q: got %q, want %q", s, got, want)
		}
	}
	for n := range 20 {
		for at := range n {
			for _, c := range []byte{'\\', '\n', '\r', '\t'} {
				b := []byte(strings.Repeat("a", n))
				b[at] = c
				check(string(b))
			}
		}
	}
	for a := range 256 {
		for _, c := range []byte{'\\', '\n', '\r', '\t', 0, 1, 0x80, 0xff} {
			check(string([]byte{byte(a), c, byte(a), byte(a), byte(a), byte(a), byte(a), byte(a), c, byte(a)}))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(100))
		for i := range b {
			b[i] = byte(r.IntN(256))
			if r.IntN(4) == 0 {
				b[i] = "\\\n\r\t"[r.IntN(4)]
			}
		}
		check(string(b))
	}
}

// appendCopyTime writes what pq.FormatTimestamp writes, in every zone and era.
func TestAppendCopyTimeIsLibpqs(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("GST", 4*3600), time.FixedZone("NST", -(3*3600 + 30*60)),
		time.FixedZone("LMT", 17*60+30), time.FixedZone("neg-LMT", -(5*3600 + 50*60 + 36))}
	for _, z := range zones {
		for _, at := range []time.Time{
			time.Date(2019, 2, 10, 23, 59, 59, 999999999, z),
			time.Date(2019, 2, 10, 0, 0, 0, 0, z),
			time.Date(1, 1, 1, 0, 0, 0, 0, z),
			time.Date(0, 6, 1, 12, 0, 0, 5000, z),
			time.Date(-44, 3, 15, 12, 0, 0, 0, z),
			time.Date(9999, 12, 31, 23, 59, 59, 1000, z),
			time.Date(12000, 1, 1, 0, 0, 0, 0, z),
		} {
			if got, want := string(appendCopyTime(nil, at)), string(pq.FormatTimestamp(at)); got != want {
				t.Errorf("%v: got %q, lib/pq writes %q", at, got, want)
			}
		}
	}
}

func BenchmarkAppendCopyText(b *testing.B) {
	line := "Dear colleagues, please find attached the contribution of our ministry.\r\n"
	s := strings.Repeat(line, 80)
	buf := make([]byte, 0, 2*len(s))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		buf = appendCopyText(buf[:0], s)
	}
}
