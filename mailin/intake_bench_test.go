package mailin

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// BenchmarkIntake measures what the poller does to each message before storing it:
// parse, sort, split quotes and suggest (ToInbound), over the parser's corpus.
func BenchmarkIntake(b *testing.B) {
	msgs, total := intakeCorpus(b)
	for i, raw := range msgs {
		// The parser builds its tables on first use: not a cost of each message.
		p, err := parse.Parse(raw, parse.DefaultLimits())
		_ = ToInbound(raw, 1, uint32(i+1), time.Time{}, "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i, raw := range msgs {
			p, err := parse.Parse(raw, parse.DefaultLimits())
			_ = ToInbound(raw, 1, uint32(i+1), time.Time{}, "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
}

// intakeCorpus reads every message of the parser's corpus, the one it refuses too.
func intakeCorpus(b *testing.B) ([][]byte, int) {
	b.Helper()
	paths, err := filepath.Glob(filepath.Join("parse", "testdata", "corpus", "*.eml"))
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
	return msgs, total
}
