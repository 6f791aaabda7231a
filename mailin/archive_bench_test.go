package mailin_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/archive"
	"github.com/wsis/wsisbot/store/storetest"
)

// writeBenchMbox writes an mbox file of n contributions in the six languages, 5 to 20
// KB each, one in eight with a PDF of 20 to 40 KB, LF line ends as Thunderbird writes
// them; it returns the file and its size.
func writeBenchMbox(b *testing.B, dir string, n int) (string, int64) {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("archive-%d.mbox", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	year := time.Date(2019, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		d := year.Add(time.Duration(i) * 7 * time.Minute)
		o := imaptest.MailOptions{Run: fmt.Sprintf("mbox%d", n), Date: d, Pad: 1500 + (i*7919)%6000}
		if i%8 == 0 {
			o.Attachment = 20<<10 + (i*131)%(20<<10)
		}
		fmt.Fprintf(w, "From contributor.%d@example.org %s\n", i, d.Format(time.ANSIC))
		for _, line := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(imaptest.Mail(i, o)), "\r\n", "\n"), "\n"), "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
				w.WriteString(">")
			}
			w.WriteString(line)
			w.WriteString("\n")
		}
		w.WriteString("\n")
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return path, fi.Size()
}

// BenchmarkImportMbox imports a generated mbox of 2,000 and of 10,000 messages (5-20 KB,
// some with attachments) into an empty database, then imports it again (which adds
// nothing). Beside it, the floors: reading the mbox alone, reading and parsing it (a dry
// run: everything but the store), and a COPY of the raw messages into a scratch table.
// peak-heap-MB is the most heap in use (live objects and garbage not yet collected)
// above the start while importing, also for each half of the import: it does not grow
// with the archive (2,000 and 10,000 messages; first and second half), as the import
// streams. live-heap-MB is the most heap still in use after a collection at a quarter,
// half and three quarters of the import: what the import holds, without the garbage
// whose amount depends on when the collector last ran; it too stays the same whatever
// the archive's size.
func BenchmarkImportMbox(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		b.Run(fmt.Sprintf("msgs=%d", n), func(b *testing.B) {
			path, size := writeBenchMbox(b, b.TempDir(), n)
			b.Logf("mbox: %d messages, %.1f MB, %.1f KB on average", n, float64(size)/1e6, float64(size)/float64(n)/1e3)
			ctx := context.Background()
			log := benchLogger()
			var first, second, readOnly, dry, cp time.Duration
			var peak, peakFirst, peakSecond, peakLive uint64
			for range b.N {
				b.StopTimer()
				// Floor 1: read the mbox, nothing else.
				t0 := time.Now()
				var raws [][]byte
				if err := archive.Walk([]string{path}, 0, func(m archive.Message) error { raws = append(raws, m.Raw); return nil }); err != nil {
					b.Fatal(err)
				}
				readOnly += time.Since(t0)
				if len(raws) != n {
					b.Fatalf("read %d messages, want %d", len(raws), n)
				}
				// Floor 2: a COPY of the same bytes.
				st, _ := storetest.New(b)
				cp += storetest.CopyFloor(b, st.DB().DB, raws)
				raws = nil
				// Floor 3: read and parse (a dry run).
				t0 = time.Now()
				rep, err := mailin.Import(ctx, nil, testPolicy(), mailin.ImportRequest{Paths: []string{path}, DryRun: true}, log)
				if err != nil || rep.Read != n {
					b.Fatalf("dry run: %v, %+v", err, rep)
				}
				dry += time.Since(t0)

				st2, _ := storetest.New(b)
				runtime.GC()
				base := heapNow()
				var read atomic.Int64
				hs := sampleHeapHalves(func() bool { return read.Load() >= int64(n/2) })
				// The live heap (after a collection) at a quarter, half and three
				// quarters of the import: three collections, a few milliseconds.
				nextQuarter := n / 4
				var live uint64
				liveBase := liveHeap()
				req := mailin.ImportRequest{Paths: []string{path}, Progress: func(p mailin.ImportProgress) {
					read.Store(int64(p.Read))
					if p.Read >= nextQuarter && nextQuarter < n {
						nextQuarter += n / 4
						runtime.GC()
						if h := liveHeap(); h > liveBase {
							live = max(live, h-liveBase)
						}
					}
				}}
				b.StartTimer()
				t0 = time.Now()
				rep, err = mailin.Import(ctx, st2, testPolicy(), req, log)
				first += time.Since(t0)
				b.StopTimer()
				if p := hs.Stop(); p > base {
					peak = max(peak, p-base)
				}
				peakLive = max(peakLive, live)
				peakFirst = max(peakFirst, hs.halves[0].Load()-min(base, hs.halves[0].Load()))
				peakSecond = max(peakSecond, hs.halves[1].Load()-min(base, hs.halves[1].Load()))
				if err != nil || rep.Stored != n || rep.Contributions != n {
					b.Fatalf("import: %v, %+v", err, rep)
				}
				t0 = time.Now()
				rep, err = mailin.Import(ctx, st2, testPolicy(), mailin.ImportRequest{Paths: []string{path}}, log)
				second += time.Since(t0)
				if err != nil || rep.Stored != 0 || rep.AlreadyStored != n {
					b.Fatalf("second import: %v, %+v", err, rep)
				}
				b.StartTimer()
			}
			per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
			b.ReportMetric(per(first), "import-s")
			b.ReportMetric(float64(n)/per(first), "msgs/s")
			b.ReportMetric(float64(size)/1e6/per(first), "MB/s")
			b.ReportMetric(per(second), "again-s")
			b.ReportMetric(per(readOnly), "floor-read-s")
			b.ReportMetric(per(dry), "floor-read-parse-s")
			b.ReportMetric(per(cp), "floor-copy-s")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(peakFirst)/1e6, "peak-heap-1st-half-MB")
			b.ReportMetric(float64(peakSecond)/1e6, "peak-heap-2nd-half-MB")
			b.ReportMetric(float64(peakLive)/1e6, "live-heap-MB")
		})
	}
}

// liveHeap is the heap the last collection found live (not what was allocated since).
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}
