package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wsis/wsisbot/bot"
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

	poller   *mailin.Poller
	mailers  []*mailin.AckWorker
	notifier *mailin.OutboxNotifier
	desk     *bot.Bot

	leading bool // this replica holds the mailbox lock
	mu      sync.Mutex

	listening chan struct{} // closed once the HTTP server listens on httpAddr
	httpAddr  string
}

// appOptions adjust an app for the demo and tests.
type appOptions struct {
	mailSender  mailin.MailSender // instead of SMTP (the demo's capture)
	slackClient *http.Client
	mailWorkers int
	lockRetry   time.Duration
}

// openApp migrates the database, opens the store and builds every configured part. A
// part whose settings are empty is off: no WSISBOT_IMAP_ADDR, no intake; no
// WSISBOT_SMTP_ADDR, no mail; no SLACK_BOT_TOKEN, no Slack.
func openApp(ctx context.Context, cfg *Config, logger *slog.Logger, opt appOptions) (*app, error) {
	if _, err := store.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	ph, err := store.LoadPhases(cfg.Phases)
	if err != nil {
		return nil, fmt.Errorf("WSISBOT_PHASES: %w", err)
	}
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return nil, fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, clock, ph)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	a := &app{cfg: cfg, logger: logger, st: st, clock: clock, listening: make(chan struct{})}
	if err := a.build(opt); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) build(opt appOptions) error {
	cfg := a.cfg
	a.metrics = newMetrics(a.st, a.logger)
	a.st.ObserveOutboxFailures(func(kind string, permanent, rateLimited bool) {
		a.metrics.sendFailures.WithLabelValues(kind, strconv.FormatBool(permanent)).Inc()
		if rateLimited && strings.HasPrefix(kind, "slack_") {
			a.metrics.slackRateLimits.Inc()
		}
	})
	from, err := cfg.Mail.FromAddress()
	if err != nil {
		return fmt.Errorf("WSISBOT_FROM: %w", err)
	}
	our := []string{from.Address}
	pol := store.IngestPolicy{Ack: cfg.Mail.Ack && (cfg.Mail.SMTPAddr != "" || opt.mailSender != nil), AckWindow: cfg.Mail.AckWindow,
		AckPerSenderPerDay: cfg.Mail.AckPerDay, OurAddresses: our}
	if cfg.IMAP.Addr != "" {
		if err := cfg.IMAP.Validate(); err != nil {
			return err
		}
		a.poller = mailin.NewPoller(cfg.IMAP, a.st, pol, our, a.logger, mailin.WithMetrics(pollerMetrics{a.metrics}))
	}
	sender := opt.mailSender
	if sender == nil && cfg.Mail.SMTPAddr != "" {
		if err := cfg.Mail.ValidateSMTP(); err != nil {
			return err
		}
		s, err := mailin.NewSMTPSender(cfg.Mail)
		if err != nil {
			return err
		}
		sender = s
	}
	if sender != nil {
		tpl, err := templates.Load(cfg.Mail.Templates)
		if err != nil {
			return fmt.Errorf("WSISBOT_TEMPLATES: %w", err)
		}
		a.notifier = mailin.NewOutboxNotifier(cfg.DatabaseURL, a.logger)
		n := max(opt.mailWorkers, 2)
		for range n {
			w, err := mailin.NewAckWorker(a.st, sender, tpl, cfg.Mail, a.logger)
			if err != nil {
				return err
			}
			a.mailers = append(a.mailers, w)
		}
		a.mailers[0].Wake = a.notifier.Wake()
	}
	if cfg.Bot.BotToken != "" {
		opts := []bot.Option{bot.WithIntakeStatus(a.intakeStatus)}
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

// intakeStatus is the mailbox connection as this replica sees it. A replica that does
// not hold the mailbox reports no error of its own.
func (a *app) intakeStatus() bot.IntakeStatus {
	if a.poller == nil {
		return bot.IntakeStatus{Connected: true}
	}
	a.mu.Lock()
	leading := a.leading
	a.mu.Unlock()
	if !leading {
		return bot.IntakeStatus{Standby: true}
	}
	s := a.poller.Status()
	st := bot.IntakeStatus{Connected: s.Connected, LastError: s.LastError, LastErrorAt: s.LastErrorAt, LastSuccessAt: s.LastSuccessAt}
	if strings.Contains(strings.ToLower(s.LastError), "token") {
		st.TokenError = s.LastError
	}
	return st
}

type pollerMetrics struct{ m *metrics }

func (p pollerMetrics) MessagesFetched(n int) { p.m.messagesFetched.Add(float64(n)) }
func (p pollerMetrics) Reconnect()            { p.m.imapReconnects.Inc() }

// handler serves /healthz, /readyz, /metrics and the Slack endpoints.
func (a *app) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		checks, ok := a.ready(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(checks)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{}))
	if a.desk != nil {
		mux.Handle("/slack/", a.desk.Handler())
	}
	return mux
}

// ready checks what serving needs: the database, and the mailbox when this replica reads it.
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
	switch {
	case a.poller == nil:
		checks["imap"] = "off"
	default:
		a.mu.Lock()
		leading := a.leading
		a.mu.Unlock()
		s := a.poller.Status()
		switch {
		case !leading:
			checks["imap"] = "standby (another replica reads the mailbox)"
		case s.Connected:
			checks["imap"] = "ok"
		default:
			checks["imap"] = "not connected: " + s.LastError
			ok = false
		}
	}
	if a.desk == nil {
		checks["slack"] = "off"
	} else {
		checks["slack"] = "on"
	}
	return checks, ok
}

// run runs every part until ctx is done or a part fails for good, then shuts down in
// order: the intake and the desk first, the mail workers after them (so what the intake
// queued is still sent), the HTTP server, and the database last.
func (a *app) run(ctx context.Context, lockRetry time.Duration) error {
	defer a.st.Close()
	if lockRetry <= 0 {
		lockRetry = 2 * time.Second
	}
	ln, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("WSISBOT_HTTP_ADDR %s: %w", a.cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	a.httpAddr = ln.Addr().String()
	close(a.listening)
	a.logger.Info("serving", "http_addr", ln.Addr().String(), "version", version,
		"intake", a.poller != nil, "mail", len(a.mailers) > 0, "slack", a.desk != nil)

	failed := make(chan error, 8)
	var front, back sync.WaitGroup
	frontCtx, stopFront := context.WithCancel(ctx)
	defer stopFront()
	backCtx, stopBack := context.WithCancel(context.Background())
	defer stopBack()

	if a.poller != nil {
		front.Add(1)
		go func() {
			defer front.Done()
			name := fmt.Sprintf("mailbox:%s/%s/%s", a.cfg.IMAP.Addr, a.cfg.IMAP.User, a.cfg.IMAP.Mailbox)
			err := a.st.RunExclusive(frontCtx, name, lockRetry, func() {
				a.mu.Lock()
				a.leading = true
				a.mu.Unlock()
				a.logger.Info("reading the mailbox", "mailbox", a.cfg.IMAP.Mailbox)
			}, a.poller.Run)
			a.mu.Lock()
			a.leading = false
			a.mu.Unlock()
			if err != nil && !errors.Is(err, context.Canceled) {
				failed <- fmt.Errorf("intake: %w", err)
			}
		}()
	}
	if a.desk != nil {
		front.Add(1)
		go func() {
			defer front.Done()
			if err := a.desk.Run(frontCtx); err != nil && !errors.Is(err, context.Canceled) {
				failed <- fmt.Errorf("slack: %w", err)
			}
		}()
	}
	if a.notifier != nil {
		back.Add(1)
		go func() {
			defer back.Done()
			if err := a.notifier.Run(backCtx); err != nil {
				a.logger.Warn("outbox notifications off", slog.Any("error", err))
			}
		}()
	}
	for _, w := range a.mailers {
		back.Add(1)
		go func() {
			defer back.Done()
			if err := w.Run(backCtx); err != nil && !errors.Is(err, context.Canceled) {
				failed <- fmt.Errorf("mail: %w", err)
			}
		}()
	}

	var runErr error
	select {
	case <-ctx.Done():
		a.logger.Info("shutting down")
	case runErr = <-failed:
		a.logger.Error("stopping", slog.Any("error", runErr))
	}
	stopFront()
	front.Wait()
	// The mail workers finish what they hold; the outbox keeps the rest for next time.
	stopBack()
	back.Wait()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdownCtx)
	return runErr
}

// cmdServe runs wsisbot until SIGINT or SIGTERM.
func cmdServe(ctx context.Context, cfg *Config, logger *slog.Logger, _ []string) error {
	a, err := openApp(ctx, cfg, logger, appOptions{})
	if err != nil {
		return err
	}
	return a.run(ctx, 0)
}
