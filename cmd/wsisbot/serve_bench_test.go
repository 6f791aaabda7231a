package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
	"github.com/jmoiron/sqlx"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store/storetest"
)

// The serve benchmarks run `wsisbot serve` as a separate process, as in production,
// against a private Dovecot, a fresh database on the shared PostgreSQL, the in-process
// SMTP server and the Slack stand-in, and measure the whole pipeline: mail stored,
// acknowledgements handed to SMTP, cards posted in Slack, Slack calls, and serve's own
// CPU time and peak RSS (from its rusage once it has exited).
//
// Sizes are overridable for quick runs:
//
//	WSISBOT_BENCH_BACKLOG          messages of BenchmarkServeBacklog/unlimited (5000)
//	WSISBOT_BENCH_BACKLOG_LIMITED  messages of BenchmarkServeBacklog/limited (300)
//	WSISBOT_BENCH_SURGE            contributions of BenchmarkServeSurge (300)
//	WSISBOT_BENCH_SURGE_SPREAD     how long the surge takes to arrive (60s)
//	WSISBOT_BENCH_LATENCY          messages of BenchmarkServeLatency (200)
//	WSISBOT_BENCH_LATENCY_GAP      pause after each of them (2s; 0: back to back)
//	WSISBOT_BENCH_CARD_WINDOW      how long BenchmarkServeBacklog waits for cards (5m;
//	                               the limited variant waits long enough for all of them)
//
// WSISBOT_BENCH_SERVE_LOG names a file that receives serve's whole log.

// benchSize reads a size from the environment, else def.
func benchSize(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s: not a positive number: %q", name, v)
	}
	return n
}

func benchDuration(b *testing.B, name string, def time.Duration) time.Duration {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s: not a positive duration: %q", name, v)
	}
	return d
}

// benchClock is serve's clock: inside the consultation, so contributions are on time.
const benchClock = "2019-01-20T10:00:00+01:00"

const benchChannel = "C0BENCH"

// benchSlackOptions are the stand-in's options; limited makes it enforce Slack's rate
// limits.
func benchSlackOptions(limited bool) slacktest.Options {
	return slacktest.Options{Token: "xoxb-bench", Limits: limited}
}

// benchMail is message i of a benchmark mailbox and whether it is a genuine
// contribution: 85 in 100 are contributions in the six languages (one in ten with a PDF
// of about 22 KB), 10 automatic replies and 5 bounces.
func benchMail(i int, run string, date time.Time) (raw []byte, genuine bool) {
	switch {
	case i%20 == 7 || i%20 == 17:
		return []byte(fmt.Sprintf("Return-Path: <robot.%s.%d@org%d.example>\r\nFrom: Robot %d <robot.%s.%d@org%d.example>\r\n"+
			"To: wsis-info@itu.int\r\nSubject: Automatic reply: WSIS Forum 2019 (%d)\r\nAuto-Submitted: auto-replied\r\n"+
			"Message-ID: <auto.%s.%d@org%d.example>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"I am out of the office until Monday and will read your message when I return.\r\n",
			run, i, i%97, i, run, i, i%97, i, run, i, i%97, date.Format(time.RFC1123Z))), false
	case i%20 == 12:
		return []byte(fmt.Sprintf("Return-Path: <>\r\nFrom: Mail Delivery System <MAILER-DAEMON@mx%d.example>\r\n"+
			"To: wsis-info@itu.int\r\nSubject: Undelivered Mail Returned to Sender (%d)\r\nAuto-Submitted: auto-replied\r\n"+
			"Message-ID: <bounce.%s.%d@mx%d.example>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"This is the mail system at host mx%d.example. I'm sorry to have to inform you that your message could not be delivered.\r\n",
			i%13, i, run, i, i%13, date.Format(time.RFC1123Z), i%13)), false
	}
	o := imaptest.MailOptions{Run: run, Date: date, Pad: (i * 37) % 700}
	if i%10 == 0 {
		o.Attachment = 22 << 10
	}
	return imaptest.Mail(i, o), true
}

// benchSender is the address of message i's sender, as benchMail writes it.
func benchSender(i int, run string) string {
	domains := []string{"moc.gov.gh", "unige.ch", "sct.gob.mx", "digital.gov.ru", "caict.ac.cn", "tra.gov.ae"}
	return fmt.Sprintf("contributor.%s.%d@%s", run, i, domains[i%len(domains)])
}

// benchWorld is what serve runs against in a benchmark.
type benchWorld struct {
	b        *testing.B
	run      string
	received time.Time
	dovecot  *imaptest.Dovecot
	dbURL    string
	db       *sqlx.DB
	mail     *smtptest.Server
	slack    *slacktest.Server
	slackURL string

	mu     sync.Mutex
	rcptAt map[string]time.Time // recipient (lower case) → first RCPT TO
}

func newBenchWorld(b *testing.B, d *imaptest.Dovecot, limited bool) *benchWorld {
	b.Helper()
	w := &benchWorld{b: b, dovecot: d, rcptAt: map[string]time.Time{},
		run: fmt.Sprintf("sb%d", time.Now().UnixNano()%1e9)}
	w.received, _ = time.Parse(time.RFC3339, benchClock)
	w.dbURL = storetest.NewURL(b)
	db, err := sqlx.Open("postgres", w.dbURL)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	w.db = db
	w.mail = smtptest.Start(b, smtptest.Options{Reject: func(stage smtptest.Stage, rcpt string) *smtp.SMTPError {
		if stage == smtptest.AtRcpt {
			w.mu.Lock()
			key := strings.ToLower(rcpt)
			if _, ok := w.rcptAt[key]; !ok {
				w.rcptAt[key] = time.Now()
			}
			w.mu.Unlock()
		}
		return nil
	}})
	w.slack = slacktest.New(benchSlackOptions(limited))
	hs := httptest.NewServer(w.slack)
	b.Cleanup(hs.Close)
	w.slackURL = hs.URL + "/"
	return w
}

// mailDate is the Date of the benchmark's mail: an hour before serve's clock starts.
func (w *benchWorld) mailDate() time.Time { return w.received.Add(-time.Hour) }

// seed writes n messages into the INBOX's Maildir and returns how many are genuine.
func (w *benchWorld) seed(n int) (genuine int, bytes int) {
	msgs := make([][]byte, n)
	for i := range msgs {
		raw, g := benchMail(i, w.run, w.mailDate())
		msgs[i] = raw
		bytes += len(raw)
		if g {
			genuine++
		}
	}
	w.dovecot.SeedMaildir(w.b, msgs, w.mailDate())
	return genuine, bytes
}

// count runs a count query; -1 when it fails.
func (w *benchWorld) count(q string) int {
	var n int
	if err := w.db.Get(&n, q); err != nil {
		return -1
	}
	return n
}

// stored is how many messages of the INBOX are stored: its checkpoint, which the intake
// moves in the transaction that stores them (the INBOX's UIDs run from 1). Read from
// the checkpoint rather than counted, so that polling it every few milliseconds costs
// the database nothing next to what it measures.
func (w *benchWorld) stored() int {
	return w.count(`SELECT coalesce(sum(last_uid), 0) FROM sync_state`)
}

// acks counts the acknowledgements the SMTP server accepted.
func (w *benchWorld) acks() int {
	n := 0
	for _, m := range w.mail.Sent() {
		if strings.HasPrefix(m.XWSISBot, "ack ") {
			n++
		}
	}
	return n
}

// isCard reports whether a call posted a card: a top-level chat.postMessage that Slack
// accepted, carrying a contribution in its metadata.
func isCard(c slacktest.Call) bool {
	return c.Method == "chat.postMessage" && c.Status == http.StatusOK && c.Error == "" &&
		c.Param("thread_ts") == "" && strings.Contains(c.Param("metadata"), "contribution_id")
}

// cards counts the cards posted.
func (w *benchWorld) cards() int {
	n := 0
	for _, c := range w.slack.Calls("chat.postMessage") {
		if isCard(c) {
			n++
		}
	}
	return n
}

// slackCalls counts the Web API calls per method, and the 429s answered for exceeding
// Slack's limits.
func (w *benchWorld) slackCalls() (total int, per map[string]int, limited int) {
	per = w.slack.CallCounts()
	for _, n := range per {
		total += n
	}
	return total, per, w.slack.RateLimited()
}

// reportSlack reports the Slack calls, in all and per contribution carded, and logs
// them per method. card-calls/contrib is what the desk's target counts: the calls that
// post a card or a note in its thread (chat.postMessage) and the searches for a card
// that may already be posted (conversations.history and .replies), per contribution
// carded; updates, file uploads and start-up calls are left out.
func (w *benchWorld) reportSlack(b *testing.B, carded int) {
	total, per, limited := w.slackCalls()
	methods := make([]string, 0, len(per))
	for m := range per {
		methods = append(methods, m)
	}
	sort.Slice(methods, func(i, j int) bool { return per[methods[i]] > per[methods[j]] })
	var parts []string
	for _, m := range methods {
		parts = append(parts, fmt.Sprintf("%s %d", m, per[m]))
	}
	b.Logf("Slack calls: %d (%s); 429s: %d", total, strings.Join(parts, ", "), limited)
	b.ReportMetric(float64(total), "slack-calls")
	b.ReportMetric(float64(total)/float64(max(carded, 1)), "slack-calls/contrib")
	posts := per["chat.postMessage"] + per["conversations.history"] + per["conversations.replies"]
	b.ReportMetric(float64(posts)/float64(max(carded, 1)), "card-calls/contrib")
	b.ReportMetric(float64(limited), "slack-429s")
}

// pgCPU is the CPU time of the PostgreSQL backends now connected to the benchmark's
// database (Linux; backends that have exited are not counted), to see how much of the
// pipeline's cost is the database's.
func (w *benchWorld) pgCPU() time.Duration {
	name := w.dbURL[strings.LastIndex(w.dbURL, "/")+1:]
	name, _, _ = strings.Cut(name, "?")
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var ticks int64
	for _, d := range dirs {
		cmd, err := os.ReadFile(d + "/cmdline")
		if err != nil || !strings.HasPrefix(string(cmd), "postgres: ") || !strings.Contains(string(cmd), " "+name+" ") {
			continue
		}
		stat, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
}

// serveProc is one `wsisbot serve` process.
type serveProc struct {
	cmd     *exec.Cmd
	started time.Time
	mu      sync.Mutex
	// connected is when serve said its IMAP session was open (imap: connected), after
	// started; zero before.
	connected time.Duration
	log       bytes.Buffer
	exited    chan struct{}
	exitErr   error
}

// benchBinary builds wsisbot once per benchmark run.
func benchBinary(b *testing.B) string {
	b.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wsisbot-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "wsisbot")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		b.Fatal(buildErr)
	}
	return binPath
}

// serveEnv is serve's configuration in the benchmarks, on the database at dbURL.
func (w *benchWorld) serveEnv(dbURL string) []string {
	return []string{
		"DATABASE_URL=" + dbURL, "WSISBOT_CLOCK=" + benchClock, "WSISBOT_HTTP_ADDR=127.0.0.1:0", "WSISBOT_LOG_LEVEL=info",
		"WSISBOT_IMAP_ADDR=" + w.dovecot.Addr(), "WSISBOT_IMAP_TLS=none", "WSISBOT_IMAP_USER=" + w.dovecot.User(),
		"WSISBOT_IMAP_PASSWORD=" + w.dovecot.Password(),
		"WSISBOT_SMTP_ADDR=" + w.mail.Addr(), "WSISBOT_SMTP_TLS=none",
		"SLACK_BOT_TOKEN=xoxb-bench", "SLACK_API_URL=" + w.slackURL, "WSISBOT_SLACK_CHANNEL=" + benchChannel,
		"SLACK_SIGNING_SECRET=bench", "WSISBOT_DIGEST_HOUR=-1",
		// Every contribution is acknowledged, as after raising the hourly budget to catch
		// up on a backlog: the benchmarks measure how fast acknowledgements go out.
		"WSISBOT_ACK_HOURLY_LIMIT=0",
	}
}

// intakeAlone stores the INBOX's n messages into a database of its own with the intake
// alone: the poller serve builds (openApp, from serve's configuration), with the
// suggestion tables warmed and the collector's target as serve sets them, run in this
// process with no desk, no mail worker and no HTTP server beside it. It returns the time
// from the poller's start to the last message stored: what serve's sync is compared with
// to tell whether the desk starves the intake.
func (w *benchWorld) intakeAlone(n int) time.Duration {
	b := w.b
	b.Helper()
	env := map[string]string{}
	for _, kv := range w.serveEnv(storetest.NewURL(b)) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, testConfig(b, env), slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer a.st.Close()
	p, st := a.poller, a.st
	parse.Warm()
	defer debug.SetGCPercent(debug.SetGCPercent(defaultGOGC))
	runtime.GC()

	errc := make(chan error, 1)
	began := time.Now()
	go func() { errc <- p.Run(ctx) }()
	deadline := began.Add(5 * time.Minute)
	var stored int
	for stored < n {
		if err := st.DB().Get(&stored, `SELECT coalesce(sum(last_uid), 0) FROM sync_state`); err != nil {
			b.Fatal(err)
		}
		select {
		case err := <-errc:
			b.Fatalf("intake alone: the poller stopped (%v) with %d of %d stored", err, stored, n)
		default:
		}
		if time.Now().After(deadline) {
			b.Fatalf("intake alone: %d of %d stored after 5 minutes: %+v", stored, n, p.Status())
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(began)
	cancel()
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		b.Fatal(err)
	}
	return took
}

// startServe starts serve; it is killed when the benchmark ends if still running.
func (w *benchWorld) startServe(env ...string) *serveProc {
	w.b.Helper()
	p := &serveProc{exited: make(chan struct{})}
	p.cmd = exec.Command(benchBinary(w.b), "serve")
	p.cmd.Env = append(append(os.Environ(), w.serveEnv(w.dbURL)...), env...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		w.b.Fatal(err)
	}
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		w.b.Fatal(err)
	}
	var full io.Writer = io.Discard
	if path := os.Getenv("WSISBOT_BENCH_SERVE_LOG"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			w.b.Fatal(err)
		}
		w.b.Cleanup(func() { f.Close() })
		full = f
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			// Keep the warnings and errors and the last lines, not the whole log.
			line := sc.Text()
			fmt.Fprintln(full, line)
			if p.connected == 0 && strings.Contains(line, `"msg":"imap: connected"`) {
				p.connected = time.Since(p.started)
			}
			if p.log.Len() > 4<<20 {
				p.log.Reset()
			}
			if !strings.Contains(line, `"level":"INFO"`) || strings.Contains(line, `"serving"`) || strings.Contains(line, "mailbox") {
				p.log.WriteString(line + "\n")
			}
			p.mu.Unlock()
		}
		p.exitErr = p.cmd.Wait()
		close(p.exited)
	}()
	w.b.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// connectedAt is p.connected, read under its lock.
func (p *serveProc) connectedAt() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connected
}

func (p *serveProc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return tail(p.log.String(), 30)
}

// stop ends serve with SIGTERM and returns its CPU time and peak RSS.
//
// The peak is read from /proc before the signal (VmHWM, serve's own address space), not
// from the exited process's rusage: Go starts serve with vfork, and Linux carries the
// peak of the address space exec replaced, this benchmark's own, into ru_maxrss. After
// a run that holds a 5,000-message world, ru_maxrss said 280 MB for a serve of 300.
func (p *serveProc) stop(b *testing.B) (cpu time.Duration, rssMB float64) {
	b.Helper()
	rssMB = peakRSS(b, p.cmd.Process.Pid)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		b.Errorf("serve did not stop on SIGTERM\n%s", p.logs())
	}
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, rssMB
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, rssMB
}

// peakRSS is the peak resident memory of process pid so far, in MB (VmHWM of
// /proc/pid/status; Linux).
func peakRSS(b *testing.B, pid int) float64 {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatalf("serve's peak memory: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				b.Fatalf("serve's peak memory: %q: %v", line, err)
			}
			return kb / 1024
		}
	}
	b.Fatalf("serve's peak memory: no VmHWM in /proc/%d/status", pid)
	return 0
}

// waitFor polls cond every step until it holds; it fails the benchmark after timeout or
// when serve exits.
func (w *benchWorld) waitFor(p *serveProc, timeout, step time.Duration, what string, cond func() bool) {
	w.b.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case <-p.exited:
			w.b.Fatalf("serve exited (%v) while waiting for %s\n%s", p.exitErr, what, p.logs())
		default:
		}
		if time.Now().After(deadline) {
			w.b.Fatalf("%s: not after %s (stored %d, acks %d, cards %d, outbox pending %d)\n%s", what, timeout,
				w.stored(), w.acks(), w.cards(), w.count(`SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL`), p.logs())
		}
		time.Sleep(step)
	}
}

// floor fetches the whole INBOX and COPYs it into a scratch table of a database of its
// own: the least any intake takes. The database is made and connected to before the
// clock starts: making it is no part of storing mail.
func floor(b *testing.B, d *imaptest.Dovecot, n int) time.Duration {
	b.Helper()
	db, err := sqlx.Open("postgres", storetest.NewURL(b))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		b.Fatal(err)
	}
	began := time.Now()
	raws := imaptest.FetchAll(b, d)
	if len(raws) != n {
		b.Fatalf("floor: fetched %d of %d messages", len(raws), n)
	}
	storetest.CopyFloor(b, db.DB, raws)
	return time.Since(began)
}

// BenchmarkServeBacklog starts serve on a fresh database with a backlog waiting in
// Dovecot's INBOX (85% genuine contributions) and measures the time to store it all, to
// hand every acknowledgement to SMTP and to post every card; beside it, the floor of the
// same run. Storing starts with serve itself: connected-s is the part of stored-s before
// its IMAP session was open (start-up, the database, the intake's lock, the login), and
// sync-x-floor the rest against the floor. alone-s is the same backlog stored by the
// intake alone, in this process and into a database of its own (intakeAlone), and
// sync-x-alone serve's sync against it: above 1, the rest of serve slows the intake.
// Without limits the stand-in answers at once
// (5,000 messages): serve still keeps to Slack's pace ("unlimited"), or only honours
// Retry-After ("unpaced", WSISBOT_SLACK_PACE=retry-after, which serve allows only
// towards a stand-in); with Slack's limits a card takes about a second, so that variant
// has 300 messages.
func BenchmarkServeBacklog(b *testing.B) {
	for _, v := range []struct {
		name    string
		limited bool
		env     string
		def     int
		serve   []string
	}{
		{"unlimited", false, "WSISBOT_BENCH_BACKLOG", 5000, nil},
		{"unpaced", false, "WSISBOT_BENCH_BACKLOG", 5000, []string{"WSISBOT_SLACK_PACE=retry-after"}},
		{"limited", true, "WSISBOT_BENCH_BACKLOG_LIMITED", 300, nil},
	} {
		b.Run(v.name, func(b *testing.B) {
			n := benchSize(b, v.env, v.def)
			for range b.N {
				benchServeBacklog(b, n, v.limited, v.serve...)
			}
		})
	}
}

func benchServeBacklog(b *testing.B, n int, limited bool, serveEnv ...string) {
	b.StopTimer()
	d := imaptest.StartDovecot(b)
	w := newBenchWorld(b, d, limited)
	genuine, size := w.seed(n)
	// Dovecot indexes the new mail at the first fetch, outside the measurements; the
	// second fetch is the floor's.
	imaptest.FetchAll(b, d)
	fl := floor(b, d, n)
	alone := w.intakeAlone(n)
	b.Logf("backlog: %d messages (%d genuine contributions), %.1f MB", n, genuine, float64(size)/1e6)

	b.StartTimer()
	p := w.startServe(serveEnv...)
	// Cards are waited for until all are posted or the window closes: a desk that keeps to
	// Slack's pace posts about one a second, which for thousands of cards takes longer than
	// a benchmark should; then the rate over the window is the figure.
	window := benchDuration(b, "WSISBOT_BENCH_CARD_WINDOW", 5*time.Minute)
	if limited {
		window = max(window, time.Duration(genuine)*1500*time.Millisecond+2*time.Minute)
	}
	var storedAt, acksAt, cardsAt, firstCard, lastCard time.Duration
	lastCount := 0
	nextLog := time.Now().Add(5 * time.Second)
	w.waitFor(p, max(window, 20*time.Minute), 20*time.Millisecond, "every message stored and acknowledged", func() bool {
		now := time.Since(p.started)
		stored, acks, cards := w.stored(), w.acks(), w.cards()
		if time.Now().After(nextLog) {
			nextLog = nextLog.Add(5 * time.Second)
			b.Logf("%5.1fs: stored %d, acks %d, cards %d", now.Seconds(), stored, acks, cards)
		}
		if storedAt == 0 && stored >= n {
			storedAt = now
		}
		if acksAt == 0 && acks >= genuine {
			acksAt = now
		}
		if cards > 0 && firstCard == 0 {
			firstCard = now
		}
		if cards > lastCount {
			lastCount, lastCard = cards, now
		}
		if cardsAt == 0 && cards >= genuine {
			cardsAt = now
		}
		return storedAt > 0 && acksAt > 0 && (cardsAt > 0 || now > window)
	})
	b.StopTimer()
	pg := w.pgCPU()
	cpu, rss := p.stop(b)
	if got := w.count(`SELECT count(*) FROM contributions`); got != genuine {
		b.Errorf("contributions = %d, want %d", got, genuine)
	}
	b.ReportMetric(storedAt.Seconds(), "stored-s")
	b.ReportMetric(fl.Seconds(), "floor-s")
	b.ReportMetric(storedAt.Seconds()/fl.Seconds(), "stored-x-floor")
	if connected := p.connectedAt(); connected > 0 {
		b.ReportMetric(connected.Seconds(), "connected-s")
		b.ReportMetric((storedAt-connected).Seconds()/fl.Seconds(), "sync-x-floor")
		b.ReportMetric((storedAt-connected).Seconds()/alone.Seconds(), "sync-x-alone")
	}
	b.ReportMetric(alone.Seconds(), "alone-s")
	b.ReportMetric(acksAt.Seconds(), "acks-s")
	if cardsAt > 0 {
		b.ReportMetric(cardsAt.Seconds(), "cards-s")
	} else {
		b.Logf("%d of %d cards posted in the %s window", lastCount, genuine, window)
	}
	b.ReportMetric(float64(lastCount), "cards-posted")
	if lastCard > firstCard {
		b.ReportMetric(float64(lastCount-1)/(lastCard-firstCard).Seconds(), "cards/s")
	}
	w.reportSlack(b, lastCount)
	b.ReportMetric(cpu.Seconds(), "serve-cpu-s")
	b.ReportMetric(rss, "serve-peak-rss-MB")
	b.ReportMetric(pg.Seconds(), "pg-cpu-s")
	b.ReportMetric(0, "ns/op")
}

// appendOne appends message i to the INBOX over IMAP and returns when Dovecot has it.
func (w *benchWorld) appendOne(c *imapclient.Client, i int) {
	w.b.Helper()
	raw, _ := benchMail(i, w.run, w.mailDate())
	cmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Time: w.mailDate()})
	if _, err := cmd.Write(raw); err != nil {
		w.b.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		w.b.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		w.b.Fatal(err)
	}
}

// waitIdle waits until serve reads the (empty) mailbox.
func (w *benchWorld) waitIdle(p *serveProc) {
	w.b.Helper()
	w.waitFor(p, time.Minute, 20*time.Millisecond, "serve reading the mailbox", func() bool {
		return w.count(`SELECT count(*) FROM intake_heartbeats WHERE connected`) > 0
	})
}

// cardTimes maps each contribution's sender address to when its card was posted.
func (w *benchWorld) cardTimes() map[string]time.Time {
	w.b.Helper()
	var rows []struct {
		ID    int64  `db:"id"`
		Email string `db:"email"`
	}
	if err := w.db.Select(&rows, `SELECT id, lower(from_email) AS email FROM contributions`); err != nil {
		w.b.Fatal(err)
	}
	byID := map[string]string{}
	for _, r := range rows {
		byID[strconv.FormatInt(r.ID, 10)] = r.Email
	}
	out := map[string]time.Time{}
	for _, c := range w.slack.Calls("chat.postMessage") {
		if !isCard(c) {
			continue
		}
		var meta struct {
			EventPayload map[string]any `json:"event_payload"`
		}
		if json.Unmarshal([]byte(c.Param("metadata")), &meta) != nil {
			continue
		}
		if email, ok := byID[fmt.Sprint(meta.EventPayload["contribution_id"])]; ok {
			if _, seen := out[email]; !seen {
				out[email] = c.At
			}
		}
	}
	return out
}

// quantiles reports p50, p99 and max of ds in seconds under prefix.
func quantiles(b *testing.B, prefix string, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	slices.Sort(ds)
	q := func(f float64) float64 { return ds[int(f*float64(len(ds)-1))].Seconds() }
	b.ReportMetric(q(0.5), prefix+"-p50-s")
	b.ReportMetric(q(0.99), prefix+"-p99-s")
	b.ReportMetric(q(1), prefix+"-max-s")
}

// BenchmarkServeSurge runs serve idle (IDLE on Dovecot), then appends 300 contributions
// spread evenly over a minute, with the stand-in enforcing Slack's limits: the time until
// all are carded, and each acknowledgement's latency from its arrival in the mailbox to
// its RCPT TO at the SMTP server.
func BenchmarkServeSurge(b *testing.B) {
	n := benchSize(b, "WSISBOT_BENCH_SURGE", 300)
	spread := benchDuration(b, "WSISBOT_BENCH_SURGE_SPREAD", time.Minute)
	for range b.N {
		b.StopTimer()
		d := imaptest.StartDovecot(b)
		w := newBenchWorld(b, d, true)
		p := w.startServe()
		w.waitIdle(p)
		c := imaptest.Dial(b, d)
		// Only genuine contributions: message numbers that benchMail makes genuine.
		var idx []int
		for i := 0; len(idx) < n; i++ {
			if _, g := benchMail(i, w.run, w.mailDate()); g {
				idx = append(idx, i)
			}
		}
		arrived := map[string]time.Time{}
		b.StartTimer()
		began := time.Now()
		for k, i := range idx {
			due := began.Add(spread * time.Duration(k) / time.Duration(n))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
			w.appendOne(c, i)
			arrived[strings.ToLower(benchSender(i, w.run))] = time.Now()
		}
		w.waitFor(p, spread+time.Duration(n)*3*time.Second+2*time.Minute, 50*time.Millisecond, "every contribution carded and acknowledged",
			func() bool { return w.cards() >= n && w.acks() >= n })
		carded := time.Since(began)
		b.StopTimer()
		cpu, rss := p.stop(b)
		var ackLat, cardLat []time.Duration
		w.mu.Lock()
		for addr, at := range arrived {
			if r, ok := w.rcptAt[addr]; ok {
				ackLat = append(ackLat, r.Sub(at))
			}
		}
		w.mu.Unlock()
		for addr, at := range w.cardTimes() {
			if a, ok := arrived[addr]; ok {
				cardLat = append(cardLat, at.Sub(a))
			}
		}
		if len(ackLat) != n {
			b.Errorf("acknowledgements matched to %d of %d arrivals", len(ackLat), n)
		}
		b.ReportMetric(carded.Seconds(), "all-carded-s")
		quantiles(b, "ack", ackLat)
		quantiles(b, "card", cardLat)
		w.reportSlack(b, n)
		b.ReportMetric(cpu.Seconds(), "serve-cpu-s")
		b.ReportMetric(rss, "serve-peak-rss-MB")
		b.ReportMetric(0, "ns/op")
	}
}

// BenchmarkServeLatency runs serve idle (IDLE on Dovecot) and appends 200 contributions
// over IMAP one by one, each 2 s after the previous one is carded and acknowledged: the
// time from APPEND to stored (polling the database), to the acknowledgement at the SMTP
// server and to the card at the stand-in (without limits). The gap lets the desk's
// posting budget (Slack's one message a second per channel, with short bursts) fill up
// again, as between messages arriving minutes apart; back to back, the figure would be
// Slack's pace, not serve's latency.
func BenchmarkServeLatency(b *testing.B) {
	n := benchSize(b, "WSISBOT_BENCH_LATENCY", 200)
	gap := 2 * time.Second
	if v := os.Getenv("WSISBOT_BENCH_LATENCY_GAP"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			b.Fatalf("WSISBOT_BENCH_LATENCY_GAP: not a duration: %q", v)
		}
		gap = d
	}
	for range b.N {
		b.StopTimer()
		d := imaptest.StartDovecot(b)
		w := newBenchWorld(b, d, false)
		p := w.startServe()
		w.waitIdle(p)
		c := imaptest.Dial(b, d)
		var stored, acked, carded []time.Duration
		b.StartTimer()
		k := 0
		for i := 0; k < n; i++ {
			if _, g := benchMail(i, w.run, w.mailDate()); !g {
				continue
			}
			k++
			s0, a0, c0 := w.stored(), w.acks(), w.cards()
			began := time.Now()
			w.appendOne(c, i)
			var st, ac, ca time.Duration
			w.waitFor(p, 30*time.Second, 2*time.Millisecond, fmt.Sprintf("contribution %d stored, acknowledged and carded", k), func() bool {
				if st == 0 && w.stored() > s0 {
					st = time.Since(began)
				}
				if ac == 0 && w.acks() > a0 {
					ac = time.Since(began)
				}
				if ca == 0 && w.cards() > c0 {
					ca = time.Since(began)
				}
				return st > 0 && ac > 0 && ca > 0
			})
			stored, acked, carded = append(stored, st), append(acked, ac), append(carded, ca)
			b.StopTimer()
			time.Sleep(gap)
			b.StartTimer()
		}
		b.StopTimer()
		cpu, _ := p.stop(b)
		quantiles(b, "stored", stored)
		quantiles(b, "ack", acked)
		quantiles(b, "card", carded)
		w.reportSlack(b, n)
		b.ReportMetric(cpu.Seconds(), "serve-cpu-s")
		b.ReportMetric(0, "ns/op")
	}
}
