package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/pgtest"
)

// The fault tests run one `serve` against a world whose parts fail on purpose: the
// database restarts, the IMAP server stops, the SMTP server refuses connections, Slack
// rate-limits or fails, or serve itself is killed. Each ends with the exact counts of
// checkOnce, and logs one line per fault:
//
//	FAULT name: recovered in 3.2s after fault cleared (resumed in 0.4s); readyz during fault: ...; log during fault: ...
//
// "Resumed" is the first work of the faulted part after the fault cleared (a message
// stored, an acknowledgement delivered, a card posted); "recovered" is when every
// message is stored, carded and acknowledged.

// faultBounds are how long after a fault clears the faulted part may take to work again
// (resume) and the whole backlog to be done (done); zero is not checked.
type faultBounds struct{ resume, done time.Duration }

var (
	// The database: the mailbox lock is asked for again every 2 s and the workers back
	// off for seconds after store errors; the rest of the backlog takes seconds more.
	pgBounds = faultBounds{resume: 15 * time.Second, done: time.Minute}
	// The IMAP server: the poller's backoff doubles during the outage, so its next try
	// comes at most about as long after the outage as the outage lasted.
	imapBounds = faultBounds{resume: 35 * time.Second}
	// SMTP and Slack: once the server answers again, what waited for it must go out
	// soon, not after a backoff grown through the outage.
	smtpBounds  = faultBounds{resume: 15 * time.Second, done: 30 * time.Second}
	slackBounds = faultBounds{resume: 15 * time.Second, done: 30 * time.Second}
)

// faultEnv shortens what can be shortened for every replica of the fault tests.
var faultEnv = []string{"WSISBOT_IMAP_POLL=1s"}

// TestFaults runs the fault scenarios side by side: they mostly wait for a fault to last
// its time, so they share the machine well. They run concurrently through t.Run from
// goroutines (not t.Parallel, which -parallel would hold to the number of CPUs).
func TestFaults(t *testing.T) {
	scenarios := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"pg-restart-backlog", func(t *testing.T) { testPGRestart(t, "fast", false) }},
		{"pg-restart-idle", func(t *testing.T) { testPGRestart(t, "immediate", true) }},
		{"dovecot-stop-30s", testDovecotStop},
		{"smtp-refused-60s", testSMTPRefused},
		{"slack-429-every-5th", func(t *testing.T) { testSlackFailures(t, 5, http.StatusTooManyRequests, time.Second, 15*time.Second) }},
		{"slack-503-every-5th", func(t *testing.T) { testSlackFailures(t, 5, http.StatusServiceUnavailable, 0, 15*time.Second) }},
		{"slack-503-outage-60s", func(t *testing.T) { testSlackFailures(t, 1, http.StatusServiceUnavailable, 0, time.Minute) }},
		{"kill9-x20", testKill9Backlog},
	}
	wsisbotBinary(t) // build once before the scenarios start their clocks
	start := time.Now()
	var wg sync.WaitGroup
	for _, sc := range scenarios {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(sc.name, sc.run)
		}()
	}
	wg.Wait()
	t.Logf("FAULTS wall time %.1fs", time.Since(start).Seconds())
}

// faultWatch follows one fault: what /readyz answered and what serve logged while it
// lasted, and how long the pipeline took to recover once it cleared.
type faultWatch struct {
	name    string
	w       *world
	r       *replica
	part    func() int // work done so far by the faulted part (-1: unknown)
	logFrom int
	logTo   int
	cleared time.Time
	base    int // part() when the fault cleared

	stop    chan struct{}
	stopped chan struct{}
	mu      sync.Mutex
	answers []string
	counts  map[string]int
}

// beginFault starts watching r; call it right before the fault begins. part counts the
// work of the part that fails.
func (w *world) beginFault(name string, r *replica, part func() int) *faultWatch {
	f := &faultWatch{name: name, w: w, r: r, part: part, logFrom: r.logLen(), logTo: -1,
		stop: make(chan struct{}), stopped: make(chan struct{}), counts: map[string]int{}}
	go f.probe()
	return f
}

func (f *faultWatch) probe() {
	defer close(f.stopped)
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		// The first answer comes half a second in, once the fault has begun.
		select {
		case <-f.stop:
			return
		case <-t.C:
		}
		a := f.r.readyz()
		f.mu.Lock()
		if f.counts[a] == 0 {
			f.answers = append(f.answers, a)
		}
		f.counts[a]++
		f.mu.Unlock()
	}
}

// clear marks the moment the fault cleared.
func (f *faultWatch) clear() {
	close(f.stop)
	<-f.stopped
	f.logTo = f.r.logLen()
	f.base = f.part()
	f.cleared = time.Now()
}

// saidDuringFault fails the test unless some /readyz answer during the fault held want.
func (f *faultWatch) saidDuringFault(t *testing.T, want string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.answers {
		if strings.Contains(a, want) {
			return
		}
	}
	t.Errorf("%s: /readyz never said %s during the fault; it said: %v", f.name, want, f.answers)
}

func (f *faultWatch) readyzSummary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var parts []string
	for _, a := range f.answers {
		parts = append(parts, fmt.Sprintf("%s (x%d)", a, f.counts[a]))
	}
	if len(parts) == 0 {
		return "not asked"
	}
	return strings.Join(parts, " | ")
}

// recovered waits until n messages are stored and nothing is pending, logs the FAULT
// line, and fails the test when recovery did not come, or came later than bound.
func (f *faultWatch) recovered(t *testing.T, n int, bounds faultBounds, timeout time.Duration) {
	t.Helper()
	var resumed time.Duration = -1
	err := f.w.waitFor(timeout, func() (bool, string) {
		if resumed < 0 && f.base >= 0 && f.part() > f.base {
			resumed = time.Since(f.cleared)
		}
		return f.w.allDone(n)
	}, f.r)
	took := time.Since(f.cleared)
	res := "the faulted part did no work"
	if err == nil && took < time.Second {
		res = "nothing was left to do"
	}
	if resumed >= 0 {
		res = fmt.Sprintf("resumed in %.1fs", resumed.Seconds())
	}
	status := fmt.Sprintf("recovered in %.1fs after fault cleared (%s)", took.Seconds(), res)
	if err != nil {
		status = fmt.Sprintf("NOT recovered %.1fs after fault cleared (%s): %v", took.Seconds(), res, err)
	}
	t.Logf("FAULT %s: %s; readyz during fault: %s; log during fault: %s", f.name, status, f.readyzSummary(),
		logSummary(f.r.logSince(f.logFrom, f.logTo), 4))
	if err != nil {
		t.Fatalf("%s: the pipeline did not recover: %v\nreadyz now: %s\nlog after the fault cleared:\n%s", f.name, err,
			f.r.readyz(), logSummary(f.r.logSince(f.logTo, -1), 12))
	}
	if bounds.resume > 0 && resumed > bounds.resume {
		t.Errorf("%s: the faulted part resumed %.1fs after the fault cleared, want under %s", f.name, resumed.Seconds(), bounds.resume)
	}
	if bounds.done > 0 && took > bounds.done {
		t.Errorf("%s: recovery took %.1fs after the fault cleared, want under %s", f.name, took.Seconds(), bounds.done)
	}
}

// stored counts inbound messages stored (-1 while the database does not answer).
func (w *world) stored() int {
	n, err := w.tryCount(`SELECT count(*) FROM messages WHERE direction = 'in'`)
	if err != nil {
		return -1
	}
	return n
}

// delivered counts the mail the SMTP server accepted.
func (w *world) delivered() int { return len(w.mail.Sent()) }

// posted counts the messages Slack accepted.
func (w *world) posted() int {
	n := 0
	for _, c := range w.slack.Calls("chat.postMessage") {
		if c.Status == http.StatusOK && c.Error == "" {
			n++
		}
	}
	return n
}

var digits = regexp.MustCompile(`[0-9]+`)

// logSummary lists the distinct WARN and ERROR messages of a stretch of serve's log
// (message and error), first seen first, at most max of them.
func logSummary(log string, max int) string {
	type entry struct {
		text string
		n    int
	}
	var order []*entry
	seen := map[string]*entry{}
	total := 0
	for _, line := range strings.Split(log, "\n") {
		if i := strings.Index(line, ": {"); i >= 0 {
			line = line[i+2:]
		}
		var v map[string]any
		if json.Unmarshal([]byte(line), &v) != nil {
			continue
		}
		level := fmt.Sprint(v["level"])
		if level != "WARN" && level != "ERROR" {
			continue
		}
		text := level + " " + fmt.Sprint(v["msg"])
		if e, ok := v["error"]; ok {
			text += ": " + fmt.Sprint(e)
		}
		if len(text) > 220 {
			text = text[:220] + "…"
		}
		total++
		// Lines differing only in numbers (ports, references, ids) count as one kind,
		// shown by its first line.
		key := digits.ReplaceAllString(text, "#")
		if e := seen[key]; e != nil {
			e.n++
			continue
		}
		e := &entry{text: text, n: 1}
		seen[key] = e
		order = append(order, e)
	}
	if total == 0 {
		return "nothing at WARN or ERROR"
	}
	var parts []string
	for i, e := range order {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more kinds", len(order)-max))
			break
		}
		parts = append(parts, strconv.Quote(e.text)+fmt.Sprintf(" (x%d)", e.n))
	}
	return strings.Join(parts, "; ")
}

// waitStored waits until at least n inbound messages are stored.
func (w *world) waitStored(t *testing.T, n int, r *replica) {
	t.Helper()
	err := w.waitFor(2*time.Minute, func() (bool, string) {
		got, err := w.tryCount(`SELECT count(*) FROM messages WHERE direction = 'in'`)
		return err == nil && got >= n, fmt.Sprintf("%d of %d stored (%v)", got, n, err)
	}, r)
	if err != nil {
		t.Fatalf("before the fault: %v\n%s", err, tail(r.logs(), 30))
	}
}

// testPGRestart restarts a private PostgreSQL under one serve: in the middle of a
// backlog, or while serve is idle, after which new mail must be stored, carded and
// acknowledged.
func testPGRestart(t *testing.T, mode string, idle bool) {
	pg := pgtest.Start(t)
	backlog, later := 300, 0
	if idle {
		backlog, later = 40, 20
	}
	w := newWorldWith(t, worldOptions{backlog: backlog, dbURL: pg.URL("postgres"), env: faultEnv})
	r := w.startReplica("serve")
	if idle {
		if err := w.waitAll(backlog, 2*time.Minute, r); err != nil {
			t.Fatalf("before the fault: %v\n%s", err, tail(r.logs(), 30))
		}
	} else {
		w.waitStored(t, backlog/3, r)
	}
	name := "pg-restart-backlog (stop -m " + mode + ")"
	if idle {
		name = "pg-restart-idle (stop -m " + mode + ")"
	}
	f := w.beginFault(name, r, w.stored)
	pg.Stop(t, mode)
	// The database stays down long enough for the lock's check (every 2 s) and the
	// workers to notice.
	time.Sleep(5 * time.Second)
	pg.Start(t)
	f.clear()
	f.saidDuringFault(t, `"database":"unreachable"`)
	if later > 0 {
		w.appendMail(backlog, later)
	}
	f.recovered(t, backlog+later, pgBounds, 2*time.Minute)
	w.checkOnce(backlog + later)
	r.terminate(t)
}

// testDovecotStop stops the private Dovecot holding the mailbox for 30 s in the middle
// of a backlog (small batches keep the intake busy when it stops); once it is back, new
// mail arrives and must be stored, carded and acknowledged too.
func testDovecotStop(t *testing.T) {
	d := imaptest.StartDovecot(t)
	const backlog, later = 600, 30
	w := newWorldWith(t, worldOptions{backlog: backlog, dovecot: d, env: append([]string{"WSISBOT_IMAP_BATCH=10"}, faultEnv...)})
	r := w.startReplica("serve")
	w.waitStored(t, backlog/10, r)
	f := w.beginFault("dovecot-stop-30s", r, w.stored)
	d.Stop(t)
	stored, _ := w.tryCount(`SELECT count(*) FROM messages WHERE direction = 'in'`)
	t.Logf("Dovecot stopped with %d of %d messages stored", stored, backlog)
	time.Sleep(30 * time.Second)
	d.Start(t)
	f.clear()
	f.saidDuringFault(t, `"imap":"not connected`)
	w.appendMail(backlog, later)
	f.recovered(t, backlog+later, imapBounds, 3*time.Minute)
	w.checkOnce(backlog + later)
	r.terminate(t)
}

// testSMTPRefused closes the SMTP server for a minute in the middle of a backlog (the
// port refuses connections), then serves again on the same port.
func testSMTPRefused(t *testing.T) {
	const backlog = 200
	w := newWorldWith(t, worldOptions{backlog: backlog, env: faultEnv})
	r := w.startReplica("serve")
	if err := w.waitFor(2*time.Minute, func() (bool, string) {
		n := w.delivered()
		return n >= backlog/4, fmt.Sprintf("%d acknowledgements delivered", n)
	}, r); err != nil {
		t.Fatalf("before the fault: %v\n%s", err, tail(r.logs(), 30))
	}
	f := w.beginFault("smtp-refused-60s", r, w.delivered)
	w.mail.Stop()
	time.Sleep(time.Minute)
	if err := w.mail.Start(); err != nil {
		t.Fatal(err)
	}
	f.clear()
	f.saidDuringFault(t, `"mail":"unreachable for `)
	f.recovered(t, backlog, smtpBounds, 3*time.Minute)
	w.checkOnce(backlog)
	r.terminate(t)
}

// testSlackFailures makes every nth Web API call fail with status (a 429 carries
// Retry-After) for lasting, from when a quarter of the cards are posted.
func testSlackFailures(t *testing.T, every, status int, retryAfter, lasting time.Duration) {
	const backlog = 150
	w := newWorldWith(t, worldOptions{backlog: backlog, env: faultEnv})
	r := w.startReplica("serve")
	if err := w.waitFor(2*time.Minute, func() (bool, string) {
		n := w.posted()
		return n >= backlog/4, fmt.Sprintf("%d posts", n)
	}, r); err != nil {
		t.Fatalf("before the fault: %v\n%s", err, tail(r.logs(), 30))
	}
	name := fmt.Sprintf("slack-%d-every-%d-calls-%s", status, every, lasting)
	if every == 1 {
		name = fmt.Sprintf("slack-%d-outage-%s", status, lasting)
	}
	f := w.beginFault(name, r, w.posted)
	before := len(w.slack.Calls(""))
	w.slack.FailEvery(every, status, retryAfter)
	time.Sleep(lasting)
	w.slack.FailEvery(0, 0, 0)
	f.clear()
	if every == 1 {
		f.saidDuringFault(t, `"slack":"unreachable for `)
	}
	// How many calls came while an earlier 429 of the same method still asked to wait.
	failed, early := 0, 0
	waitUntil := map[string]time.Time{}
	for _, c := range w.slack.Calls("")[before:] {
		if c.At.Before(waitUntil[c.Method]) {
			early++
		}
		if c.Status == status {
			failed++
			if retryAfter > 0 {
				waitUntil[c.Method] = c.At.Add(retryAfter)
			}
		}
	}
	t.Logf("%s: %d Web API calls answered %d during the fault", name, failed, status)
	if retryAfter > 0 {
		t.Logf("%s: %d calls came before the Retry-After of an earlier 429 of their method had passed", name, early)
	}
	f.recovered(t, backlog, slackBounds, 3*time.Minute)
	w.checkOnce(backlog)
	r.terminate(t)
}

// testKill9Backlog kills serve with SIGKILL twenty times at random moments during a
// 2,000-message backlog, restarting it each time. FAULT_SEED replays a run.
func testKill9Backlog(t *testing.T) {
	const backlog, kills = 2000, 20
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FAULT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FAULT_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("kill -9 moments from seed %d (replay with FAULT_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 2019))
	w := newWorldWith(t, worldOptions{backlog: backlog, env: faultEnv})
	var rs []*replica
	allLogs := func() string {
		var b strings.Builder
		for _, r := range rs {
			b.WriteString(r.logs())
		}
		return b.String()
	}
	began := time.Now()
	for i := range kills {
		r := w.startReplica(fmt.Sprintf("run%02d", i))
		rs = append(rs, r)
		after := 300*time.Millisecond + time.Duration(rng.Int64N(int64(2200*time.Millisecond)))
		select {
		case <-r.exited:
			t.Fatalf("run %d exited by itself: %v\n%s", i, r.exitErr, tail(r.logs(), 30))
		case <-time.After(after):
		}
		if err := r.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-r.exited
		stored, _ := w.tryCount(`SELECT count(*) FROM messages WHERE direction = 'in'`)
		pending, _ := w.tryCount(`SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL`)
		t.Logf("kill %2d after %4dms: %4d stored, %4d side effects pending, %4d cards posted", i+1,
			after.Milliseconds(), stored, pending, len(w.slack.Calls("chat.postMessage")))
	}
	killing := time.Since(began)
	last := w.startReplica("final")
	rs = append(rs, last)
	cleared := time.Now()
	err := w.waitAll(backlog, 6*time.Minute, last)
	took := time.Since(cleared)
	status := fmt.Sprintf("recovered in %.1fs after the last restart", took.Seconds())
	if err != nil {
		status = fmt.Sprintf("NOT recovered %.1fs after the last restart: %v", took.Seconds(), err)
	}
	t.Logf("FAULT kill9-x20 (seed %d, %d kills over %.1fs): %s; readyz during fault: none (the process was dead); log during fault: %s",
		seed, kills, killing.Seconds(), status, logSummary(allLogs(), 6))
	if err != nil {
		t.Fatalf("%v\n%s", err, tail(allLogs(), 40))
	}
	w.checkOnce(backlog)
	last.terminate(t)
}
