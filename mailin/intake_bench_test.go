package mailin

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkIntake measures what the poller does to each message before storing it:
// parse, sort, split quotes and suggest (ToInbound), over the corpus.
func BenchmarkIntake(b *testing.B) {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(paths) == 0 {
		b.Fatalf("no corpus: %v", err)
	}
	var msgs [][]byte
	total := 0
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, raw)
		total += len(raw)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i, raw := range msgs {
			p, err := Parse(raw, DefaultLimits())
			_ = ToInbound(raw, 1, uint32(i+1), time.Time{}, "INBOX", p, err, []string{"wsis-info@itu.int"})
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}
