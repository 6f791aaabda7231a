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

	"github.com/emersion/go-message/mail"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/internal/health"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// app is one running wsisbot: the store, the intake (one poller per mailbox across
// replicas), the search indexer, the mail workers, the Slack desk and the HTTP endpoints.
type app struct {
	cfg     *Config
	logger  *slog.Logger
	st      *store.Store
	clock   store.Clock
	metrics *metrics

	intakes     []*mailboxIntake  // one per mailbox (Config.mailboxes), in their order
	poller      *mailin.Poller    // the first mailbox's poller (intakes[0].poller), nil with no intake
	mailer      *mailin.AckWorker // the mail workers' handler
	mailWorkers int               // how many mail items are sent side by side
	mailLink    *health.Link      // whether the mail workers reach the mail server
	closeSMTP   func()            // closes the SMTP connections kept for the next message
	gate        *backlogGate      // holds the mail and Slack workers while the intake stores a backlog
	indexer     *searchIndexer    // computes the search terms of what was stored, in the background
	desk        *bot.Bot

	intake intakeSettings // the first mailbox's (intakes[0].settings)

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
	startHold     time.Duration
	botOptions    []bot.Option

	// listen opens the HTTP listener (default net.Listen), for tests of its failures.
	listen func(network, address string) (net.Listener, error)
}

// mailboxIntake is the intake of one mailbox: its poller, read by whichever replica
// holds the mailbox's lock, and its heartbeat. Each mailbox has its own lock,
// checkpoint and heartbeat: one failing (a refused password, a server down) leaves the
// others reading.
type mailboxIntake struct {
	mb            mailin.Mailbox
	first         bool // the first mailbox: it adopts the checkpoint kept from before several mailboxes
	poller        *mailin.Poller
	settings      intakeSettings
	statusChanged chan struct{} // the poller's state changed: beat now
	armHold       func()        // starts the longest wait of the workers for the first listing

	mu      sync.Mutex
	leading bool // this replica holds the mailbox's lock
}

func (in *mailboxIntake) setLeading(v bool) {
	in.mu.Lock()
	in.leading = v
	in.mu.Unlock()
}

func (in *mailboxIntake) isLeading() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.leading
}

// signalStatus wakes the heartbeat when the poller's state changed.
func (in *mailboxIntake) signalStatus() {
	select {
	case in.statusChanged <- struct{}{}:
	default:
	}
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
		key:     cfg.Key(),
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

// openStore opens the store on the configured phases and clock (Open checks that the
// schema is the binary's); the error names the setting at fault.
func openStore(ctx context.Context, cfg *Config) (*store.Store, store.Clock, error) {
	return openStoreWith(ctx, cfg, func(ctx context.Context, url string, clock store.Clock, ph *store.Phases) (*store.Store, error) {
		return store.Open(ctx, url, clock, ph)
	})
}

// openMigratedStore is openStore that migrates the database first (see
// store.OpenMigrated).
func openMigratedStore(ctx context.Context, cfg *Config) (*store.Store, store.Clock, error) {
	return openStoreWith(ctx, cfg, func(ctx context.Context, url string, clock store.Clock, ph *store.Phases) (*store.Store, error) {
		st, _, err := store.OpenMigrated(ctx, url, clock, ph)
		return st, err
	})
}

func openStoreWith(ctx context.Context, cfg *Config,
	open func(context.Context, string, store.Clock, *store.Phases) (*store.Store, error)) (*store.Store, store.Clock, error) {
	ph, err := store.LoadPhases(cfg.Phases)
	if err != nil {
		return nil, nil, fmt.Errorf("WSISBOT_PHASES: %w", err)
	}
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return nil, nil, fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	st, err := open(ctx, cfg.DatabaseURL, clock, ph)
	if err != nil {
		return nil, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	return st, clock, nil
}

// openApp migrates the database, opens the store and builds every configured part. A
// part whose settings are empty is off: no WSISBOT_IMAP_ADDR, no intake; no
// WSISBOT_SMTP_ADDR, no mail; no SLACK_BOT_TOKEN, no Slack.
func openApp(ctx context.Context, cfg *Config, logger *slog.Logger, opt appOptions) (*app, error) {
	// The templates are parsed and tried in every language (about a fifth of start-up's
	// CPU) while the database is migrated and opened.
	tpl := loadTemplates(cfg.Mail.Templates)
	if cfg.IMAP.Addr != "" {
		// The first batch of a backlog is parsed with these tables ready.
		go parse.Warm()
	}
	st, clock, err := openMigratedStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, st: st, clock: clock, listening: make(chan struct{}),
		listen: opt.listen, gate: newBacklogGate()}
	if a.listen == nil {
		a.listen = net.Listen
	}
	if err := a.build(opt, tpl); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// loadTemplates starts templates.Load of dir (WSISBOT_TEMPLATES) and returns a func that
// waits for its result.
func loadTemplates(dir string) func() (*templates.Set, error) {
	type loaded struct {
		set *templates.Set
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		set, err := templates.Load(dir, store.Strings(store.Kinds))
		done <- loaded{set, err}
	}()
	return sync.OnceValues(func() (*templates.Set, error) {
		l := <-done
		return l.set, l.err
	})
}

func (a *app) build(opt appOptions, loadedTemplates func() (*templates.Set, error)) error {
	cfg := a.cfg
	a.metrics = newMetrics(a.st, a.logger)
	a.metrics.observe(a.st)
	a.indexer = newSearchIndexer(a.st, a.gate, a.logger)
	pol, err := cfg.ingestPolicy(cfg.Mail.SMTPAddr != "" || opt.mailSender != nil)
	if err != nil {
		return err
	}
	var tokens mailin.TokenSource // the first mailbox's OAuth tokens, shared with the mailer
	mailboxes := cfg.allMailboxes()
	if cfg.IMAP.Addr != "" {
		for i, mb := range mailboxes {
			in := &mailboxIntake{mb: mb, first: i == 0, settings: newIntakeSettings(mb.IMAP, opt), statusChanged: make(chan struct{}, 1)}
			// The workers wait until the intake has listed the mailbox's new mail, or
			// failed to, or startHold has passed since run started the workers (see
			// backlogGate.untilListed).
			hold := startHold
			if opt.startHold > 0 {
				hold = opt.startHold
			}
			listed, armHold := a.gate.untilListed(hold)
			in.armHold = armHold
			statusChanged := func() {
				in.signalStatus()
				if s := in.poller.Status(); !s.Connected && s.LastError != "" {
					listed()
				}
			}
			popts := []mailin.Option{mailin.WithMetrics(pollerMetrics{a.metrics, a.gate, mb.Name, a.indexer.wake, listed}),
				mailin.WithStatusChange(statusChanged),
				mailin.WithClock(a.clock), mailin.WithMailbox(mb.Name, mb.Kind)}
			if opt.stoppedRetry > 0 {
				popts = append(popts, mailin.WithStoppedRetry(opt.stoppedRetry))
			}
			ts, err := mailin.NewTokenSource(mb.IMAP.OAuth)
			if err != nil {
				return fmt.Errorf("mailbox %s: %w", mb.Name, err)
			}
			if ts != nil {
				popts = append(popts, mailin.WithTokenSource(ts))
			}
			if i == 0 {
				tokens = ts
			}
			in.poller = mailin.NewPoller(mb.IMAP, a.st, pol, a.logger.With("mailbox_name", mb.Name), popts...)
			a.intakes = append(a.intakes, in)
			a.metrics.watchMailbox(mb.Name, func() bool { return in.isLeading() && in.poller.Status().Connected })
		}
		a.poller, a.intake = a.intakes[0].poller, a.intakes[0].settings
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
	tpl, err := loadedTemplates()
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
		// Acknowledgements and replies go out from the address of the mailbox written to.
		w.MailboxFrom = map[string]*mail.Address{}
		for _, mb := range mailboxes {
			from, err := (mailin.MailConfig{From: mb.From}).FromAddress()
			if err != nil {
				return fmt.Errorf("mailbox %s: %w", mb.Name, err)
			}
			w.MailboxFrom[mb.Name] = from
		}
		a.mailer, a.mailWorkers = w, defaultMailWorkers
		if opt.mailWorkers > 0 {
			a.mailWorkers = opt.mailWorkers
		}
	} else {
		a.indexer.mailFirst = 0 // no mail goes from this replica: none to let go first
	}
	if cfg.Bot.BotToken != "" {
		promotion := func(raw []byte) store.Promotion { return mailin.PromotionFor(raw, pol) }
		opts := append([]bot.Option{bot.WithIntakeStatus(a.intakeStatus), bot.WithPromotion(promotion),
			bot.WithOutboxGate(a.gate.wait), bot.WithTemplates(tpl)}, a.oauthBotOptions(smtpSender)...)
		opts = append(opts, opt.botOptions...)
		if len(a.intakes) > 1 {
			opts = append(opts, bot.WithMailboxLine())
		}
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

// intakeStatus is the mailboxes' state for the watchdog, the same on every replica: from
// the heartbeat of the replica reading each. A mailbox counts as read only while that
// heartbeat is fresh and connected; its last success is measured on the database's
// clock and given in this replica's clock. With several mailboxes the status is the
// first one not read (its error names it), else all read with the oldest last success:
// the watchdog alerts as it does for one mailbox. When the store cannot be asked, the
// status is Standby, and the watchdog leaves the mailbox alone.
func (a *app) intakeStatus() bot.IntakeStatus {
	if len(a.intakes) == 0 {
		return bot.IntakeStatus{Connected: true}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var all bot.IntakeStatus
	for i, in := range a.intakes {
		st, err := a.mailboxStatus(ctx, in)
		if err != nil {
			a.logger.Warn("intake health", "mailbox_name", in.mb.Name, slog.Any("error", err))
			return bot.IntakeStatus{Standby: true}
		}
		if !st.Connected {
			if len(a.intakes) > 1 {
				st.LastError = "mailbox " + in.mb.Name + ": " + st.LastError
			}
			return st
		}
		if i == 0 || st.LastSuccessAt.Before(all.LastSuccessAt) {
			all = st
		}
	}
	return all
}

// mailboxStatus is one mailbox's state for the watchdog (see intakeStatus).
func (a *app) mailboxStatus(ctx context.Context, in *mailboxIntake) (bot.IntakeStatus, error) {
	h, err := a.st.IntakeHealth(ctx, in.settings.key)
	if err != nil {
		return bot.IntakeStatus{}, err
	}
	now := a.clock.Now()
	st := bot.IntakeStatus{Connected: h.Reading(in.settings.fresh)}
	if h.Succeeded {
		st.LastSuccessAt = now.Add(-h.SuccessAge)
	}
	if !st.Connected {
		st.LastError = notReadingReason(h, in.settings.fresh)
		st.LastErrorAt = now.Add(-h.BeatAge)
		if h.Fresh(in.settings.fresh) && strings.Contains(strings.ToLower(h.LastError), "token") {
			st.TokenError = h.LastError
		}
	}
	return st, nil
}

// notReadingReason says why the mailbox is not read, from its heartbeat.
func notReadingReason(h store.IntakeHealth, fresh time.Duration) string {
	switch {
	case !h.Reported:
		return "no replica reads the mailbox: none has reported reading it yet"
	case !h.Fresh(fresh):
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
	m       *metrics
	gate    *backlogGate
	mailbox string
	stored  func() // after a sync: the search indexer has work
	listed  func() // at a sync's start: the mailbox's new mail is listed (see backlogGate.untilListed)
}

func (p pollerMetrics) MessagesFetched(n int) {
	p.m.messagesFetched.WithLabelValues(p.mailbox).Add(float64(n))
}

// SyncStarted closes the gate while the intake stores a backlog (see backlogGate) and
// ends its wait for the mailbox at start-up; when the sync ends, the gate opens and the
// search indexer is woken.
func (p pollerMetrics) SyncStarted(n int) (ended func()) {
	open := p.gate.syncing(n)
	if p.listed != nil {
		p.listed() // after syncing: a backlog keeps the gate closed without a gap
	}
	return func() {
		open()
		if n > 0 && p.stored != nil {
			p.stored()
		}
	}
}

func (p pollerMetrics) Reconnect() { p.m.imapReconnects.WithLabelValues(p.mailbox).Inc() }

// intakeReady says whether the mailbox is read: by this replica (its poller's state),
// or, on a replica that does not hold the mailbox, by another one (a fresh heartbeat).
func (a *app) intakeReady(ctx context.Context, in *mailboxIntake) (string, bool) {
	if in.isLeading() {
		s := in.poller.Status()
		switch {
		case s.Connected:
			return "ok", true
		case s.Stopped:
			return fmt.Sprintf("stopped: %s (retrying every %s)", s.Summary, s.RetryEvery), false
		default:
			return "not connected: " + orUnknown(s.Summary), false
		}
	}
	h, err := a.st.IntakeHealth(ctx, in.settings.key)
	switch {
	case err != nil:
		return "standby; whether another replica reads the mailbox is unknown: " + err.Error(), false
	case !h.Fresh(in.settings.fresh):
		return notReadingReason(h, in.settings.fresh), false
	case h.Connected:
		return "standby (another replica reads the mailbox)", true
	default:
		return "standby (the replica holding the mailbox is not connected: " + orUnknown(h.LastError) + ")", true
	}
}

// ready checks what serving needs: the database, and that every mailbox is read. With
// several mailboxes, "imap" names those not read and "imap:NAME" says each one's state.
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
	switch len(a.intakes) {
	case 0:
		checks["imap"] = "off"
	case 1:
		var imapOK bool
		checks["imap"], imapOK = a.intakeReady(ctx, a.intakes[0])
		ok = ok && imapOK
	default:
		var failing []string
		for _, in := range a.intakes {
			state, inOK := a.intakeReady(ctx, in)
			checks["imap:"+in.mb.Name] = state
			if !inOK {
				failing = append(failing, in.mb.Name+": "+state)
			}
		}
		checks["imap"] = "ok"
		if len(failing) > 0 {
			checks["imap"] = "not read: " + strings.Join(failing, "; ")
			ok = false
		}
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
	// Likewise the search indexer: /wsis find still finds what it has not indexed.
	checks["search"] = a.indexer.report(now)
	return checks, ok
}

// run runs every part until ctx is done or a part fails for good, then shuts down in
// order: the HTTP server first (no more Slack clicks; the requests in hand finish), the
// intake, the search indexer and the desk next (the desk does the work already
// acknowledged to Slack; what is not indexed yet is indexed by the next to run), the
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
		"intake", a.poller != nil, "mail", a.mailer != nil, "slack", a.desk != nil, "gogc", gcPercent())

	var front, back sync.WaitGroup
	frontCtx, stopFront := context.WithCancel(ctx)
	defer stopFront()
	backCtx, stopBack := context.WithCancel(context.Background())
	defer stopBack()

	for _, in := range a.intakes {
		in.armHold()
		front.Go(func() { a.runIntake(frontCtx, in, lockRetry) })
	}
	front.Go(func() { a.indexer.run(frontCtx) })
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

// mailRunner describes the mail workers; they wait before they claim while the intake
// stores a backlog (see backlogGate).
func (a *app) mailRunner() store.OutboxRunner {
	r := a.mailer.Outbox(a.mailWorkers)
	r.Gate = a.gate.wait
	return r
}

// runIntake reads the mailbox of in whenever this replica holds its lock, until ctx is
// done: nothing but ctx ends it. Should the intake return anyway (an error, a panic),
// that is logged and it starts again after a growing wait.
func (a *app) runIntake(ctx context.Context, in *mailboxIntake, lockRetry time.Duration) {
	name := "mailbox:" + in.settings.key
	log := a.logger.With("mailbox_name", in.mb.Name)
	restarts := backoff.New(in.settings.restart, time.Minute)
	for {
		began := time.Now()
		err := a.runIntakeOnce(ctx, in, name, lockRetry)
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
		log.Error("intake: stopped unexpectedly; starting it again", "retry_in", delay, slog.Any("error", err))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// runIntakeOnce holds the mailbox's lock and runs its poller and heartbeat while it is
// held; a panic is returned as an error.
func (a *app) runIntakeOnce(ctx context.Context, in *mailboxIntake, name string, lockRetry time.Duration) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("intake: panic: %v", r)
		}
	}()
	log := a.logger.With("mailbox_name", in.mb.Name, "mailbox", in.mb.IMAP.Mailbox)
	return a.st.RunExclusive(ctx, name, lockRetry, func() {
		log.Info("reading the mailbox", "replica", in.settings.replica)
	}, func(err error) {
		log.Warn("intake: the mailbox lock was lost; taking it again", slog.Any("error", err))
	}, func(ctx context.Context) error {
		if in.first {
			// The checkpoint kept under the folder's name alone, from before several
			// mailboxes, is the first mailbox's.
			adopted, err := a.st.AdoptSyncState(ctx, in.mb.IMAP.Mailbox, in.settings.key)
			if err != nil {
				return err
			}
			if adopted {
				log.Info("intake: the mailbox's checkpoint is now kept under its server, user and folder", "key", in.settings.key)
			}
		}
		in.setLeading(true)
		defer in.setLeading(false)
		beatCtx, stopBeat := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { a.heartbeat(beatCtx, in) })
		defer wg.Wait()
		defer stopBeat()
		return in.poller.Run(ctx)
	})
}

// heartbeat tells the store, every beat and at every change, what this replica's poller
// reports of the mailbox of in, until ctx is done.
func (a *app) heartbeat(ctx context.Context, in *mailboxIntake) {
	t := time.NewTicker(in.settings.beat)
	defer t.Stop()
	failing := false
	for {
		s := in.poller.Status()
		b := store.IntakeBeat{Mailbox: in.settings.key, Replica: in.settings.replica, Connected: s.Connected}
		if !s.Connected {
			// Other replicas show it in /readyz and the watchdog in Slack: the summary,
			// never the server's own text.
			b.LastError = s.Summary
		}
		wctx, cancel := context.WithTimeout(ctx, in.settings.beat)
		err := a.st.BeatIntake(wctx, b)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !failing:
			failing = true
			a.logger.Warn("intake: the heartbeat cannot be written; other replicas will think nobody reads the mailbox",
				"mailbox_name", in.mb.Name, slog.Any("error", err))
		case err == nil && failing:
			failing = false
			a.logger.Info("intake: the heartbeat is written again", "mailbox_name", in.mb.Name)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-in.statusChanged:
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
