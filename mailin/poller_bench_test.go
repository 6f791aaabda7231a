package mailin_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// backlog is the benchmark mailbox: 5,000 contributions in six languages, about 28 MB,
// one in ten with a PDF of about 28 KB.
func backlog(run string) (msgs [][]byte, total int) {
	const n = 5000
	msgs = make([][]byte, n)
	for i := range msgs {
		o := imaptest.MailOptions{Run: run, Pad: (i * 37) % 700}
		if i%10 == 0 {
			o.Attachment = 22 << 10
		}
		msgs[i] = imaptest.Mail(i, o)
		total += len(msgs[i])
	}
	return msgs, total
}

// heapSampler records the peak of live heap objects while it runs, overall and in each
// half of the run (the second half starts once secondHalf reports true).
type heapSampler struct {
	peak       atomic.Uint64
	halves     [2]atomic.Uint64
	secondHalf func() bool
	stop       chan struct{}
	done       chan struct{}
}

func sampleHeap() *heapSampler { return sampleHeapHalves(func() bool { return false }) }

func sampleHeapHalves(secondHalf func() bool) *heapSampler {
	s := &heapSampler{secondHalf: secondHalf, stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(s.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		half := 0
		for {
			metrics.Read(sample)
			v := sample[0].Value.Uint64()
			if v > s.peak.Load() {
				s.peak.Store(v)
			}
			if half == 0 && s.secondHalf() {
				half = 1
			}
			if v > s.halves[half].Load() {
				s.halves[half].Store(v)
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) Stop() uint64 {
	close(s.stop)
	<-s.done
	return s.peak.Load()
}

func heapNow() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// procStatus reads a kB field (VmRSS, VmHWM) of /proc/self/status, in bytes.
func procStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTimes returns the CPU time this process and the whole machine have spent so far
// (Linux), to split a run's cost between us and the servers on the same machine.
func cpuTimes() (self, machine time.Duration) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return self, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	var ticks int64
	for i, v := range f[1:] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, _ := strconv.ParseInt(v, 10, 64)
		ticks += n
	}
	return self, time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// resetPeakRSS makes VmHWM start again from the current RSS (Linux clear_refs).
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// runUntil runs a poller until cond holds, and returns how long that took.
func runUntil(b *testing.B, p *mailin.Poller, timeout time.Duration, cond func() bool) time.Duration {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	began := time.Now()
	go func() { errc <- p.Run(ctx) }()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			cancel()
			b.Fatalf("not done after %s: %+v", timeout, p.Status())
		}
		select {
		case err := <-errc:
			b.Fatalf("Run returned early: %v", err)
		case <-time.After(2 * time.Millisecond):
		}
	}
	took := time.Since(began)
	cancel()
	if err := <-errc; err != nil {
		b.Fatal(err)
	}
	return took
}

func benchPoller(b *testing.B, srv imaptest.Server, st mailin.Ingester) *mailin.Poller {
	cfg := mailin.IMAPConfig{Addr: srv.Addr(), TLS: mailin.TLSNone, User: srv.User(), Password: srv.Password(),
		Mailbox: "INBOX", Poll: time.Second}
	return mailin.NewPoller(cfg, st, testPolicy(), benchLogger(), mailin.WithBackoff(10*time.Millisecond, 100*time.Millisecond))
}

// fetchAll is the floor's first half: every message of INBOX with one UID FETCH.
func fetchAll(b *testing.B, srv imaptest.Server) ([][]byte, time.Duration) {
	b.Helper()
	began := time.Now()
	raws := imaptest.FetchAll(b, srv)
	return raws, time.Since(began)
}

// copyRaw is the floor's second half: COPY of the raw bytes into a scratch table.
func copyRaw(b *testing.B, st *store.Store, raws [][]byte) time.Duration {
	b.Helper()
	return storetest.CopyFloor(b, st.DB().DB, raws)
}

// BenchmarkIngestBacklog ingests a 5,000-message backlog (about 28 MB) from Dovecot into
// PostgreSQL: parsed, stored, contribution made, card and acknowledgement queued. Beside
// it, the floor: a bare fetch of the same mailbox and a COPY of the same bytes.
func BenchmarkIngestBacklog(b *testing.B) {
	d := imaptest.StartDovecot(b)
	msgs, total := backlog(fmt.Sprintf("bench%d", time.Now().UnixNano()%1e6))
	d.SeedMaildir(b, msgs, time.Now())
	// Let Dovecot index the new mail once, outside the measurements.
	if raws, _ := fetchAll(b, d); len(raws) != len(msgs) {
		b.Fatalf("fetched %d of %d messages", len(raws), len(msgs))
	}
	b.Logf("backlog: %d messages, %.1f MB, %.1f KB on average", len(msgs), float64(total)/1e6, float64(total)/float64(len(msgs))/1e3)

	var ingest, fetch, cp, selfCPU, machineCPU time.Duration
	var peakHeap, peakFirst, peakSecond uint64
	for range b.N {
		b.StopTimer()
		st, _ := storetest.New(b)
		raws, f := fetchAll(b, d)
		c := copyRaw(b, st, raws)
		fetch, cp = fetch+f, cp+c
		raws = nil
		runtime.GC()
		base := heapNow()
		st2, _ := storetest.New(b)
		p := benchPoller(b, d, st2)
		hs := sampleHeapHalves(func() bool { return p.Status().Fetched >= int64(len(msgs)/2) })
		self0, machine0 := cpuTimes()
		b.StartTimer()
		ingest += runUntil(b, p, 3*time.Minute, func() bool { return p.Status().Fetched >= int64(len(msgs)) })
		b.StopTimer()
		self1, machine1 := cpuTimes()
		selfCPU, machineCPU = selfCPU+self1-self0, machineCPU+machine1-machine0
		if peak := hs.Stop(); peak > base && peak-base > peakHeap {
			peakHeap = peak - base
		}
		peakFirst = max(peakFirst, hs.halves[0].Load()-min(base, hs.halves[0].Load()))
		peakSecond = max(peakSecond, hs.halves[1].Load()-min(base, hs.halves[1].Load()))
		var n [3]int
		for i, q := range []string{qContributions, qCards, qAcks} {
			if err := st2.DB().Get(&n[i], q); err != nil {
				b.Fatal(err)
			}
		}
		if n != [3]int{len(msgs), len(msgs), len(msgs)} {
			b.Fatalf("contributions, cards, acknowledgements = %v, want %d each", n, len(msgs))
		}
		b.StartTimer()
	}
	per := func(d time.Duration) float64 { return d.Seconds() / float64(b.N) }
	floor := per(fetch) + per(cp)
	b.ReportMetric(per(ingest), "ingest-s")
	b.ReportMetric(per(fetch), "floor-fetch-s")
	b.ReportMetric(per(cp), "floor-copy-s")
	b.ReportMetric(floor, "floor-s")
	b.ReportMetric(per(ingest)/floor, "x-floor")
	b.ReportMetric(float64(len(msgs))/per(ingest), "msgs/s")
	b.ReportMetric(float64(total)/1e6/per(ingest), "MB/s")
	b.ReportMetric(float64(peakHeap)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(peakFirst)/1e6, "peak-heap-1st-half-MB")
	b.ReportMetric(float64(peakSecond)/1e6, "peak-heap-2nd-half-MB")
	b.ReportMetric(per(selfCPU), "cpu-wsisbot-s")
	b.ReportMetric(per(machineCPU-selfCPU), "cpu-servers-s")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkIngestLatency appends 200 messages one by one while the poller IDLEs and
// measures from APPEND to the contribution's card and acknowledgement in the outbox.
func BenchmarkIngestLatency(b *testing.B) {
	for _, k := range []imaptest.Kind{
		{Name: "dovecot", Start: func(t testing.TB) imaptest.Server { return imaptest.StartDovecot(t) }},
		{Name: "memory", Start: func(t testing.TB) imaptest.Server { return imaptest.StartMemory(t, imaptest.MemoryOptions{}) }},
	} {
		b.Run(k.Name, func(b *testing.B) {
			srv := k.Start(b)
			const n = 200
			var lat []time.Duration
			for it := range b.N {
				st, _ := storetest.New(b)
				p := benchPoller(b, srv, st)
				ctx, cancel := context.WithCancel(context.Background())
				var wg sync.WaitGroup
				wg.Go(func() { p.Run(ctx) }) //nolint:errcheck
				c := imaptest.Dial(b, srv)
				// Warm up: the new database's first transaction is not timed.
				run := fmt.Sprintf("lat%d-%d", it, time.Now().UnixNano()%1e6)
				imaptest.Append(b, c, "INBOX", imaptest.Mail(0, imaptest.MailOptions{Run: run + "w"}), time.Time{})
				waitOutbox(b, st, 2, 10*time.Second)
				for i := range n {
					raw := imaptest.Mail(i, imaptest.MailOptions{Run: run})
					began := time.Now()
					imaptest.Append(b, c, "INBOX", raw, time.Time{})
					waitOutbox(b, st, 2*(i+2), 10*time.Second)
					lat = append(lat, time.Since(began))
				}
				cancel()
				wg.Wait()
			}
			slices.Sort(lat)
			q := func(f float64) float64 { return lat[int(f*float64(len(lat)-1))].Seconds() * 1000 }
			b.ReportMetric(q(0.5), "p50-ms")
			b.ReportMetric(q(0.99), "p99-ms")
			b.ReportMetric(q(1), "max-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// waitOutbox waits until the outbox holds n cards and acknowledgements.
func waitOutbox(b *testing.B, st *store.Store, n int, timeout time.Duration) {
	b.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var got int
		if err := st.DB().Get(&got, `SELECT count(*) FROM outbox WHERE kind IN ('slack_card', 'ack_email')`); err != nil {
			b.Fatal(err)
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("outbox: %d card and acknowledgement items after %s, want %d", got, timeout, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkIngestPeakMemory ingests one message with a 20 MB attachment and reports the
// peak heap and RSS growth, against the message size.
func BenchmarkIngestPeakMemory(b *testing.B) {
	d := imaptest.StartDovecot(b)
	raw := imaptest.Mail(1, imaptest.MailOptions{Run: fmt.Sprintf("mem%d", time.Now().UnixNano()%1e6), Attachment: 20 << 20})
	d.SeedMaildir(b, [][]byte{raw}, time.Now())
	for _, mode := range []string{"default", "binary_parameters"} {
		b.Run(mode, func(b *testing.B) {
			var heap, rss int64
			for range b.N {
				u := storetest.NewURL(b)
				if mode == "binary_parameters" {
					u += "&binary_parameters=yes"
				}
				st, err := store.Open(context.Background(), u, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				p := benchPoller(b, d, st)
				runtime.GC()
				debug.FreeOSMemory()
				baseHeap, baseRSS := heapNow(), procStatus("VmRSS")
				rssOK := resetPeakRSS()
				hs := sampleHeap()
				runUntil(b, p, time.Minute, func() bool { return p.Status().Fetched >= 1 })
				if h := int64(hs.Stop()) - int64(baseHeap); h > heap {
					heap = h
				}
				if rssOK {
					if r := procStatus("VmHWM") - baseRSS; r > rss {
						rss = r
					}
				}
				st.Close()
			}
			b.ReportMetric(float64(len(raw))/1e6, "msg-MB")
			b.ReportMetric(float64(heap)/1e6, "peak-heap-MB")
			b.ReportMetric(float64(heap)/float64(len(raw)), "heap-x-msg")
			b.ReportMetric(float64(rss)/1e6, "peak-rss-growth-MB")
			b.ReportMetric(float64(rss)/float64(len(raw)), "rss-x-msg")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// benchLogger shows the poller's log (stage timings) with -v.
func benchLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}

// BenchmarkIngestStages splits the backlog's cost without IMAP or contention: parsing,
// sorting and preparing every message on one core, then store.Ingest alone in batches
// of 250 (the default).
func BenchmarkIngestStages(b *testing.B) {
	msgs, total := backlog("stages")
	var parsing, ingest, selfCPU, machineCPU time.Duration
	for range b.N {
		b.StopTimer()
		st, _ := storetest.New(b)
		b.StartTimer()
		began := time.Now()
		ins := make([]store.Inbound, len(msgs))
		for i, raw := range msgs {
			p, err := parse.Parse(raw, parse.Limits{})
			ins[i] = mailin.ToInbound(raw, 1, uint32(i+1), time.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: ourAddresses})
			ins[i].Prepare() // as the poller does, beside the parsing
		}
		parsing += time.Since(began)
		began = time.Now()
		self0, machine0 := cpuTimes()
		for i := 0; i < len(ins); i += 250 {
			batch := store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: uint32(min(i+250, len(ins))), Messages: ins[i:min(i+250, len(ins))]}
			if _, err := st.Ingest(context.Background(), batch, store.DefaultIngestPolicy()); err != nil {
				b.Fatal(err)
			}
		}
		ingest += time.Since(began)
		self1, machine1 := cpuTimes()
		selfCPU, machineCPU = selfCPU+self1-self0, machineCPU+machine1-machine0
	}
	b.ReportMetric(parsing.Seconds()/float64(b.N), "parse-1core-s")
	b.ReportMetric(ingest.Seconds()/float64(b.N), "store-s")
	b.ReportMetric(selfCPU.Seconds()/float64(b.N), "store-cpu-wsisbot-s")
	b.ReportMetric((machineCPU-selfCPU).Seconds()/float64(b.N), "store-cpu-servers-s")
	b.ReportMetric(float64(total)/1e6, "MB")
	b.ReportMetric(0, "ns/op")
}
