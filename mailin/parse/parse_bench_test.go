package parse

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkParse parses the whole corpus per iteration and reports MB/s and
// messages per second.
func BenchmarkParse(b *testing.B) {
	msgs, total := benchCorpus(b, true)
	b.SetBytes(int64(total))
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, raw := range msgs {
			if _, err := Parse(raw, DefaultLimits()); err != nil {
				b.Fatal(err)
			}
		}
		n++
	}
	b.ReportMetric(float64(n*len(msgs))/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkParseLargeAttachment parses a message carrying a 20 MB base64
// attachment and reports the bytes allocated, also as a multiple of the
// message size.
func BenchmarkParseLargeAttachment(b *testing.B) {
	raw := largeAttachmentMessage(20 << 20)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		if p.Attachments[0].Size != 20<<20 {
			b.Fatalf("attachment size %d", p.Attachments[0].Size)
		}
		n++
	}
	runtime.ReadMemStats(&after)
	perOp := float64(after.TotalAlloc-before.TotalAlloc) / float64(n)
	b.ReportMetric(perOp, "alloc-bytes/msg")
	b.ReportMetric(perOp/float64(len(raw)), "alloc/msg-size")
}

// benchCorpus reads the corpus for a benchmark; parsable keeps only the messages Parse
// accepts (the corpus holds one it must refuse).
func benchCorpus(b *testing.B, parsable bool) ([][]byte, int) {
	b.Helper()
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
		if _, err := Parse(raw, DefaultLimits()); err != nil && parsable {
			continue
		}
		msgs = append(msgs, raw)
		total += len(raw)
	}
	return msgs, total
}

// BenchmarkNewVocabulary measures building the suggestions' vocabulary, which the first
// suggestion of a process pays for.
func BenchmarkNewVocabulary(b *testing.B) {
	foldTable()
	b.ReportAllocs()
	for b.Loop() {
		newVocabulary()
	}
}
