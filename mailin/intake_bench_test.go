package mailin

import (
	"testing"
	"time"
)

// BenchmarkIntake measures what the poller does to each message before storing it:
// parse, sort, split quotes and suggest (ToInbound), over the corpus.
func BenchmarkIntake(b *testing.B) {
	msgs, total := benchCorpus(b, false)
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
