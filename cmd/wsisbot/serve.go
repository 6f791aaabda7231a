package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/internal/health"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// app is one running wsisbot: the store, the intake (one poller per mailbox across
// replicas), the mail workers, the Slack desk and the HTTP endpoints.
type app struct {
	cfg     *Config
	logger  *slog.Logger
	st      *store.Store
	clock   store.Clock
	metrics *metrics

	poller      *mailin.Poller
	mailer      *mailin.AckWorker // the mail workers' handler
	mailWorkers int               // how many mail items are sent side by side
	mailLink    *health.Link      // whether the mail workers reach the mail server
	closeSMTP   func()            // closes the SMTP connections kept for the next message
	gate        *backlogGate      // holds the mail and Slack workers while the intake stores a backlog
	desk        *bot.Bot

	leading bool // this replica holds the mailbox lock
	mu      sync.Mutex

	intake        intakeSettings
	statusChanged chan struct{} // the poller's state changed: beat now

	listening  chan struct{}  // closed once the HTTP servers listen on httpAddr and healthAddr
	httpAddr   string         // Slack's endpoints ("" when WSISBOT_HTTP_ADDR is empty)
	healthAddr string         // /healthz, /readyz, /metrics ("" when WSISBOT_HEALTH_ADDR is empty)
	servers    []*http.Server // the HTTP servers, set before listening is closed
	listen     func(network, address string) (net.Listener, error)
}

// defaultMailWorkers is how many acknowledgements and replies are sent side by side.
// Each item is a few queries, one message on a kept SMTP connection and one commit,
// mostly waiting on the mail server and the database: two workers left a backlog's
// acknowledgements queued for minutes behind the intake; eight send a backlog about a
// fifth faster than four and hold at most eight connections to the mail server.
const defaultMailWorkers = 8

// appOptions adjust an app for the demo and tests.
type appOptions struct {
	mailSender  mailin.MailSender // instead of SMTP (the demo's capture)
	slackClient *http.Client
	mailWorkers int
	lockRetry   time.Duration

	// Shorter intake timings for tests (zero: the defaults of intakeSettings).
	heartbeat     time.Duration
	stoppedRetry  time.Duration
	smtpAuthRetry time.Duration
	intakeRestart time.Duration
	botOptions    []bot.Option

	// listen opens the HTTP listener (default net.Listen), for tests of its failures.
	listen func(network, address string) (net.Listener, error)
}

// intakeSettings are how the intake tells the other replicas that it reads the mailbox.
type intakeSettings struct {
	key     string        // the mailbox: server, user and folder
	replica string        // this replica, in heartbeats and logs
	beat    time.Duration // heartbeat interval (5 s)
	fresh   time.Duration // a heartbeat older than this means nobody reads the mailbox (6 beats)
	restart time.Duration // first wait before starting an intake that returned unexpectedly (1 s, doubling to 1 min)
}

func newIntakeSettings(cfg mailin.IMAPConfig, opt appOptions) intakeSettings {
	host, _ := os.Hostname()
	var b [3]byte
	_, _ = rand.Read(b[:])
	s := intakeSettings{
		key:     fmt.Sprintf("%s/%s/%s", cfg.Addr, cfg.User, cfg.Mailbox),
		replica: fmt.Sprintf("%s:%d:%x", host, os.Getpid(), b),
		beat:    5 * time.Second,
		restart: time.Second,
	}
	if opt.heartbeat > 0 {
		s.beat = opt.heartbeat
	}
	if opt.intakeRestart > 0 {
		s.restart = opt.intakeRestart
	}
	s.fresh = 6 * s.beat
	return s
}

// openApp migrates the database, opens the store and builds every configured part. A
// part whose settings are empty is off: no WSISBOT_IMAP_ADDR, no intake; no
// WSISBOT_SMTP_ADDR, no mail; no SLACK_BOT_TOKEN, no Slack.
// openStore opens the store on the configured phases and clock and checks that the
// schema is the binary's; the error names the setting at fault.
func openStore(ctx context.Context, cfg *Config) (*store.Store, store.Clock, error) {
	ph, err := store.LoadPhases(cfg.Phases)
	if err != nil {
		return nil, nil, fmt.Errorf("WSISBOT_PHASES: %w", err)
	}
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return nil, nil, fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, clock, ph)
	if err != nil {
		return nil, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, clock, nil
}

func openApp(ctx context.Context, cfg *Config, logger *slog.Logger, opt appOptions) (*app, error) {
	if _, err := store.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	st, clock, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, st: st, clock: clock, listening: make(chan struct{}), statusChanged: make(chan struct{}, 1),
		listen: opt.listen, gate: newBacklogGate()}
	if a.listen == nil {
		a.listen = net.Listen
	}
	if err := a.build(opt); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) build(opt appOptions) error {
	cfg := a.cfg
	a.metrics = newMetrics(a.st, a.logger)
	a.metrics.observe(a.st)
	pol, err := cfg.Mail.IngestPolicy(cfg.Mail.SMTPAddr != "" || opt.mailSender != nil)
	if err != nil {
		return err
	}
	var tokens mailin.TokenSource // the intake's OAuth tokens, shared with the mailer
	if cfg.IMAP.Addr != "" {
		a.intake = newIntakeSettings(cfg.IMAP, opt)
		popts := []mailin.Option{mailin.WithMetrics(pollerMetrics{a.metrics, a.gate}), mailin.WithStatusChange(a.signalStatus), mailin.WithClock(a.clock)}
		if opt.stoppedRetry > 0 {
			popts = append(popts, mailin.WithStoppedRetry(opt.stoppedRetry))
		}
		if tokens, err = mailin.NewTokenSource(cfg.IMAP.OAuth); err != nil {
			return err
		}
		if tokens != nil {
			popts = append(popts, mailin.WithTokenSource(tokens))
		}
		a.poller = mailin.NewPoller(cfg.IMAP, a.st, pol, a.logger, popts...)
	}
	sender := opt.mailSender
	var smtpSender *mailin.SMTPSender
	if sender == nil && cfg.Mail.SMTPAddr != "" {
		s, err := mailin.NewSMTPSender(cfg.Mail)
		if err != nil {
			return err
		}
		s.Logger = a.logger
		shareTokens(cfg, s, tokens)
		if opt.smtpAuthRetry > 0 {
			s.AuthRetry = opt.smtpAuthRetry
		}
		sender, smtpSender = s, s
		a.closeSMTP = s.Close
	}
	// The words the mailer sends and the desk offers as standard answers.
	tpl, err := templates.Load(cfg.Mail.Templates, store.Strings(store.Kinds))
	if err != nil {
		return fmt.Errorf("WSISBOT_TEMPLATES: %w", err)
	}
	if sender != nil {
		w, err := mailin.NewAckWorker(a.st, sender, tpl, cfg.Mail, a.logger)
		if err != nil {
			return err
		}
		a.mailLink = &health.Link{}
		w.Link = a.mailLink
		a.mailer, a.mailWorkers = w, defaultMailWorkers
		if opt.mailWorkers > 0 {
			a.mailWorkers = opt.mailWorkers
		}
	}
	if cfg.Bot.BotToken != "" {
		promotion := func(raw []byte) store.Promotion { return mailin.PromotionFor(raw, pol) }
		opts := append([]bot.Option{bot.WithIntakeStatus(a.intakeStatus), bot.WithPromotion(promotion),
			bot.WithOutboxGate(a.gate.wait), bot.WithTemplates(tpl)}, a.oauthBotOptions(smtpSender)...)
		opts = append(opts, opt.botOptions...)
		if opt.slackClient != nil {
			opts = append(opts, bot.WithHTTPClient(opt.slackClient))
		}
		d, err := bot.New(cfg.Bot, a.st, a.st.Phases(), a.clock, a.logger, opts...)
		if err != nil {
			return err
		}
		a.desk = d
	}
	return nil
}

// intakeStatus is the mailbox's state for the watchdog, the same on every replica: from
// the heartbeat of the replica reading it. The mailbox counts as read only while that
// heartbeat is fresh and connected; its last success is measured on the database's
// clock and given in this replica's clock. When the store cannot be asked, the status
// is Standby, and the watchdog leaves the mailbox alone.
func (a *app) intakeStatus() bot.IntakeStatus {
	if a.poller == nil {
		return bot.IntakeStatus{Connected: true}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := a.st.IntakeHealth(ctx, a.intake.key)
	if err != nil {
		a.logger.Warn("intake health", slog.Any("error", err))
		return bot.IntakeStatus{Standby: true}
	}
	now := a.clock.Now()
	st := bot.IntakeStatus{Connected: h.Reading(a.intake.fresh)}
	if h.Succeeded {
		st.LastSuccessAt = now.Add(-h.SuccessAge)
	}
	if !st.Connected {
		st.LastError = a.notReadingReason(h)
		st.LastErrorAt = now.Add(-h.BeatAge)
		if h.Fresh(a.intake.fresh) && strings.Contains(strings.ToLower(h.LastError), "token") {
			st.TokenError = h.LastError
		}
	}
	return st
}

// notReadingReason says why the mailbox is not read, from its heartbeat.
func (a *app) notReadingReason(h store.IntakeHealth) string {
	switch {
	case !h.Reported:
		return "no replica reads the mailbox: none has reported reading it yet"
	case !h.Fresh(a.intake.fresh):
		why := "it was connected"
		if !h.Connected {
			why = "it was not connected: " + orUnknown(h.LastError)
		}
		return fmt.Sprintf("no replica reads the mailbox: the last report came from %s %s ago, when %s",
			h.Replica, h.BeatAge.Round(time.Second), why)
	default:
		return orUnknown(h.LastError)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "not connected yet"
	}
	return s
}

type pollerMetrics struct {
	m    *metrics
	gate *backlogGate
}

func (p pollerMetrics) MessagesFetched(n int) {
	p.m.messagesFetched.Add(float64(n))
	p.gate.stored(n)
}
func (p pollerMetrics) Reconnect() { p.m.imapReconnects.Inc() }

// intakeReady says whether the mailbox is read: by this replica (its poller's state),
// or, on a replica that does not hold the mailbox, by another one (a fresh heartbeat).
func (a *app) intakeReady(ctx context.Context) (string, bool) {
	a.mu.Lock()
	leading := a.leading
	a.mu.Unlock()
	if leading {
		s := a.poller.Status()
		switch {
		case s.Connected:
			return "ok", true
		case s.Stopped:
			return fmt.Sprintf("stopped: %s (retrying every %s)", s.Summary, s.RetryEvery), false
		default:
			return "not connected: " + orUnknown(s.Summary), false
		}
	}
	h, err := a.st.IntakeHealth(ctx, a.intake.key)
	switch {
	case err != nil:
		return "standby; whether another replica reads the mailbox is unknown: " + err.Error(), false
	case !h.Fresh(a.intake.fresh):
		return a.notReadingReason(h), false
	case h.Connected:
		return "standby (another replica reads the mailbox)", true
	default:
		return "standby (the replica holding the mailbox is not connected: " + orUnknown(h.LastError) + ")", true
	}
}

// ready checks what serving needs: the database, and that the mailbox is read.
func (a *app) ready(ctx context.Context) (map[string]string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	if err := a.st.Ping(ctx); err != nil {
		checks["database"] = "unreachable"
		ok = false
	} else {
		checks["database"] = "ok"
	}
	if a.poller == nil {
		checks["imap"] = "off"
	} else {
		var imapOK bool
		checks["imap"], imapOK = a.intakeReady(ctx)
		ok = ok && imapOK
	}
	// The outbound parts wait and retry while their server is away; they are named here
	// but do not make the replica unready: the desk and the intake still work.
	now := time.Now()
	checks["slack"], checks["mail"] = "off", "off"
	if a.desk != nil {
		checks["slack"], _ = a.desk.SlackReport(now)
	}
	if a.mailLink != nil {
		checks["mail"], _ = a.mailLink.Report(now)
	}
	return checks, ok
}

// run runs every part until ctx is done or a part fails for good, then shuts down in
// order: the HTTP server first (no more Slack clicks; the requests in hand finish), the
// intake and the desk next (the desk does the work already acknowledged to Slack), the
// mail workers after them (so what the intake queued is still sent; each finishes the
// item in hand), and the database last. A part's failure is returned, not logged.
func (a *app) run(ctx context.Context, lockRetry time.Duration) error {
	defer a.st.Close()
	if lockRetry <= 0 {
		lockRetry = 2 * time.Second
	}
	// Slack's endpoints face the internet; health and metrics stay on the internal network.
	type listener struct {
		setting, addr string
		bound         *string
		handler       http.Handler
		ln            net.Listener
	}
	var listeners []*listener
	for _, l := range []*listener{
		{setting: "WSISBOT_HTTP_ADDR", addr: a.cfg.HTTPAddr, bound: &a.httpAddr, handler: a.publicHandler()},
		{setting: "WSISBOT_HEALTH_ADDR", addr: a.cfg.HealthAddr, bound: &a.healthAddr, handler: a.healthHandler()},
	} {
		if l.addr == "" {
			continue
		}
		ln, err := a.listen("tcp", l.addr)
		if err != nil {
			for _, l := range listeners {
				l.ln.Close()
			}
			return fmt.Errorf("%s %s: %w", l.setting, l.addr, err)
		}
		l.ln, *l.bound = ln, ln.Addr().String()
		listeners = append(listeners, l)
	}

	// Four parts may fail for good, each at most once: the two HTTP servers, the desk and
	// the mail workers. The buffer holds every such failure, so no send ever blocks.
	const failingParts = 4
	failed := make(chan error, failingParts)

	var served sync.WaitGroup
	for _, l := range listeners {
		srv := newHTTPServer(l.handler)
		a.servers = append(a.servers, srv)
		served.Go(func() {
			if err := srv.Serve(l.ln); !errors.Is(err, http.ErrServerClosed) {
				failed <- fmt.Errorf("%s %s: %w", l.setting, *l.bound, err)
			}
		})
	}
	close(a.listening)
	a.logger.Info("serving", "http_addr", a.httpAddr, "health_addr", a.healthAddr, "version", version,
		"intake", a.poller != nil, "mail", a.mailer != nil, "slack", a.desk != nil)

	var front, back sync.WaitGroup
	frontCtx, stopFront := context.WithCancel(ctx)
	defer stopFront()
	backCtx, stopBack := context.WithCancel(context.Background())
	defer stopBack()

	if a.poller != nil {
		front.Go(func() { a.runIntake(frontCtx, lockRetry) })
	}
	if a.desk != nil {
		front.Go(func() {
			if err := a.desk.Run(frontCtx); err != nil && !errors.Is(err, context.Canceled) {
				failed <- fmt.Errorf("slack: %w", err)
			}
		})
	}
	if a.mailer != nil {
		back.Go(func() {
			err := a.st.RunOutbox(backCtx, a.mailRunner())
			if a.closeSMTP != nil {
				a.closeSMTP() // the workers are done: say goodbye on the kept connections
			}
			if err != nil {
				failed <- fmt.Errorf("mail: %w", err)
			}
		})
	}

	var runErr error
	select {
	case <-ctx.Done():
		a.logger.Info("shutting down")
	case runErr = <-failed:
		a.logger.Info("shutting down: a part failed for good")
	}
	// No more Slack clicks: the server stops listening and waits for the requests in
	// hand, whose work the desk's job workers, still running, then carry out.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, srv := range a.servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			a.logger.Warn("http: requests still open at shutdown are cut", slog.Any("error", err))
			_ = srv.Close()
		}
	}
	served.Wait()
	stopFront()
	front.Wait()
	// The mail workers finish what they hold; the outbox keeps the rest for next time.
	stopBack()
	back.Wait()
	// Failures while stopping are not returned, so they are said here.
	for {
		select {
		case err := <-failed:
			a.logger.Warn("failed while stopping", slog.Any("error", err))
		default:
			return runErr
		}
	}
}

// mailRunner describes the mail workers; each waits, with the item it claimed, while
// the intake stores a backlog (see backlogGate).
func (a *app) mailRunner() store.OutboxRunner {
	r := a.mailer.Outbox(a.mailWorkers)
	handle := r.Handle
	r.Handle = func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		a.gate.wait(ctx)
		return handle(ctx, it)
	}
	return r
}

// runIntake reads the mailbox whenever this replica holds its lock, until ctx is done:
// nothing but ctx ends it. Should the intake return anyway (an error, a panic), that is
// logged and it starts again after a growing wait.
func (a *app) runIntake(ctx context.Context, lockRetry time.Duration) {
	name := "mailbox:" + a.intake.key
	restarts := backoff.New(a.intake.restart, time.Minute)
	for {
		began := time.Now()
		err := a.runIntakeOnce(ctx, name, lockRetry)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("it returned without being asked to stop")
		}
		if time.Since(began) > 10*time.Minute {
			restarts.Reset()
		}
		delay := restarts.Next()
		a.logger.Error("intake: stopped unexpectedly; starting it again", "retry_in", delay, slog.Any("error", err))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// runIntakeOnce holds the mailbox lock and runs the poller and its heartbeat while it is
// held; a panic is returned as an error.
func (a *app) runIntakeOnce(ctx context.Context, name string, lockRetry time.Duration) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("intake: panic: %v", r)
		}
	}()
	return a.st.RunExclusive(ctx, name, lockRetry, func() {
		a.logger.Info("reading the mailbox", "mailbox", a.cfg.IMAP.Mailbox, "replica", a.intake.replica)
	}, func(err error) {
		a.logger.Warn("intake: the mailbox lock was lost; taking it again", "mailbox", a.cfg.IMAP.Mailbox, slog.Any("error", err))
	}, func(ctx context.Context) error {
		a.setLeading(true)
		defer a.setLeading(false)
		beatCtx, stopBeat := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { a.heartbeat(beatCtx) })
		defer wg.Wait()
		defer stopBeat()
		return a.poller.Run(ctx)
	})
}

func (a *app) setLeading(v bool) {
	a.mu.Lock()
	a.leading = v
	a.mu.Unlock()
}

// signalStatus wakes the heartbeat when the poller's state changed.
func (a *app) signalStatus() {
	select {
	case a.statusChanged <- struct{}{}:
	default:
	}
}

// heartbeat tells the store, every beat and at every change, what this replica's poller
// reports of the mailbox, until ctx is done.
func (a *app) heartbeat(ctx context.Context) {
	t := time.NewTicker(a.intake.beat)
	defer t.Stop()
	failing := false
	for {
		s := a.poller.Status()
		b := store.IntakeBeat{Mailbox: a.intake.key, Replica: a.intake.replica, Connected: s.Connected}
		if !s.Connected {
			// Other replicas show it in /readyz and the watchdog in Slack: the summary,
			// never the server's own text.
			b.LastError = s.Summary
		}
		wctx, cancel := context.WithTimeout(ctx, a.intake.beat)
		err := a.st.BeatIntake(wctx, b)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			failing = true
			a.logger.Warn("intake: the heartbeat cannot be written; other replicas will think nobody reads the mailbox", slog.Any("error", err))
		case err == nil && failing:
			failing = false
			a.logger.Info("intake: the heartbeat is written again")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-a.statusChanged:
		}
	}
}

// cmdServe runs wsisbot until SIGINT or SIGTERM.
func cmdServe(ctx context.Context, cfg *Config, logger *slog.Logger, _ []string) error {
	a, err := openApp(ctx, cfg, logger, appOptions{})
	if err != nil {
		return err
	}
	return a.run(ctx, 0)
}
