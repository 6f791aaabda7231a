package mailin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"golang.org/x/sync/errgroup"

	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/internal/loopback"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// Ingester stores what the poller fetched, exactly once. *store.Store satisfies it.
type Ingester interface {
	SyncState(ctx context.Context, mailbox string) (store.SyncState, error)
	ResetSyncState(ctx context.Context, mailbox string, uidValidity uint32) error
	Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error)
	// CaughtUp closes the open import of history, queueing its summary for the channel;
	// store.ErrNotFound when none is open.
	CaughtUp(ctx context.Context) (store.HistoryImport, error)
}

// Metrics receives the poller's counts (for /metrics). Methods must not block.
type Metrics interface {
	// MessagesFetched counts messages fetched and stored (skipped replays included).
	MessagesFetched(n int)
	// Reconnect counts connections lost or refused and tried again.
	Reconnect()
}

// SyncObserver, when the Metrics given to WithMetrics has it too, hears when the poller
// has listed the mailbox's new mail and starts to fetch and store its n messages (0
// when there is none), and, through the func it returns, when all of them are stored
// (or the sync failed): serve holds its outbox workers back during a backlog, and at
// start-up until the mailbox is listed. The func is called once.
type SyncObserver interface {
	SyncStarted(n int) (ended func())
}

// PollerStatus is the poller's health, for /healthz and a watchdog. LastSuccessAt moves
// on after every check of the mailbox, at least every IDLE restart (25 minutes) or poll
// interval. Its times are on the poller's clock (WithClock), the clock the watchdog
// compares them with.
type PollerStatus struct {
	Connected bool   `json:"connected"`
	LastError string `json:"last_error"`
	// Summary says why in a few words of ours (see Summary), without the server's text.
	Summary       string    `json:"summary"`
	LastErrorAt   time.Time `json:"last_error_at"`
	LastSuccessAt time.Time `json:"last_success_at"`
	Reconnects    int       `json:"reconnects"`
	Fetched       int64     `json:"fetched"`
	UIDValidity   uint32    `json:"uidvalidity"`
	LastUID       uint32    `json:"last_uid"`
	// Stopped says that a permanent error (refused credentials, a missing mailbox) keeps
	// the intake down: it tries again every RetryEvery, for a person to fix the cause.
	Stopped    bool          `json:"stopped"`
	RetryEvery time.Duration `json:"retry_every"`
}

// Option adjusts a Poller.
type Option func(*Poller)

// WithMetrics reports counts to m.
func WithMetrics(m Metrics) Option { return func(p *Poller) { p.metrics = m } }

// WithTLSConfig sets the TLS configuration (e.g. a private CA); ServerName defaults to
// the host of the address.
func WithTLSConfig(c *tls.Config) Option { return func(p *Poller) { p.tlsConfig = c } }

// reconnectMax is the longest wait before reconnecting by default: after an outage of a
// minute or more the intake reads the mailbox again within half a minute of the server's
// return (at two minutes, up to a minute passed), and one login every 15-30 s does not
// burden a server.
const reconnectMax = 30 * time.Second

// WithBackoff sets the shortest and longest wait before reconnecting (default 1s, 30s).
func WithBackoff(minDelay, maxDelay time.Duration) Option {
	return func(p *Poller) { p.minBackoff, p.maxBackoff = minDelay, maxDelay }
}

// WithStoppedRetry sets how long the poller waits before trying again after a permanent
// error (refused credentials, a missing mailbox): long enough not to hammer the server
// (default 2 minutes), short enough that a fixed password or mailbox is taken up soon.
func WithStoppedRetry(d time.Duration) Option { return func(p *Poller) { p.stoppedRetry = d } }

// WithStatusChange calls f whenever the status's Connected, LastError or Stopped change
// (for a heartbeat). f runs on the poller's goroutine and must not block.
func WithStatusChange(f func()) Option { return func(p *Poller) { p.onChange = f } }

// WithMailbox names the configured mailbox the poller reads (recorded with each message
// and contribution it stores) and gives its default kind (Mailbox.Kind; "" for none).
func WithMailbox(name string, kind store.ContributionKind) Option {
	return func(p *Poller) { p.name, p.defaultKind = name, kind }
}

// WithClock sets the clock the status's times are read from (default the wall clock):
// the application's clock, so that a demo living in 2019 reports 2019 times. Waits and
// timeouts run on the wall clock whatever the clock says.
func WithClock(c store.Clock) Option { return func(p *Poller) { p.clock = c } }

// WithTokenSource sets where OAuth access tokens come from, instead of a source built
// from the configuration's OAuth settings: serve shares one between the intake and the
// mailer.
func WithTokenSource(ts TokenSource) Option { return func(p *Poller) { p.tokens = ts } }

// WithIdleRestart sets how often IDLE is ended and the mailbox checked again (default
// 25 minutes, under the 29 minutes after which servers may drop an idle client).
func WithIdleRestart(d time.Duration) Option { return func(p *Poller) { p.idleRestart = d } }

// Poller reads new mail from one IMAP mailbox and stores it through an Ingester: fetched
// by UID in batches (BODY.PEEK[], never relying on \Seen), parsed, sorted and stored one
// transaction per batch, then optionally flagged \Seen and moved to the processed
// folder. It waits with IDLE, or polls, and reconnects with backoff after errors.
type Poller struct {
	cfg         IMAPConfig
	key         string                 // the mailbox's key in the store (IMAPConfig.Key)
	name        string                 // the configured mailbox's name, recorded with what it stores
	defaultKind store.ContributionKind // suggested when the mail names no kind (see ApplyDefaultKind)
	st          Ingester
	pol         store.IngestPolicy
	log         *slog.Logger
	clock       store.Clock
	limits      parse.Limits
	tlsConfig   *tls.Config
	metrics     Metrics
	tokens      TokenSource
	tokensErr   error // why the token source could not be built
	minBackoff  time.Duration
	maxBackoff  time.Duration
	idleRestart time.Duration
	logoutGrace time.Duration
	// stoppedRetry is the wait after a permanent error; onChange hears status changes.
	stoppedRetry time.Duration
	onChange     func()

	mu     sync.Mutex
	status PollerStatus

	// unreadable counts, per mailbox position, the sessions in which the server refused
	// to deliver a message; it is touched by one session at a time.
	unreadable map[position]int
}

type position struct{ uidValidity, uid uint32 }

// unreadableAfter is how many sessions in a row the server must refuse a message before
// it is recorded as unreadable and the mailbox moves on without it.
const unreadableAfter = 3

// NewPoller builds a poller for cfg that stores mail under pol; pol.OurAddresses
// (MailConfig.IngestPolicy) are the secretariat's own addresses, whose mail is sorted as
// our own. A nil logger logs to slog.Default.
func NewPoller(cfg IMAPConfig, st Ingester, pol store.IngestPolicy, logger *slog.Logger, opts ...Option) *Poller {
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 30 * time.Second
	}
	p := &Poller{
		cfg:         cfg,
		st:          st,
		pol:         pol,
		log:         logger.With("component", "mailin"),
		clock:       store.SystemClock(),
		limits:      cfg.Limits(),
		minBackoff:  time.Second,
		maxBackoff:  reconnectMax,
		idleRestart: 25 * time.Minute,
		logoutGrace: 2 * time.Second,

		stoppedRetry: 2 * time.Minute,
		unreadable:   map[position]int{},
	}
	p.key = cfg.Key()
	for _, o := range opts {
		o(p)
	}
	if p.tokens == nil && cfg.OAuth.Enabled() {
		// The configuration was validated at start-up: an error here is a file that
		// went away since, reported by every attempt to connect.
		p.tokens, p.tokensErr = NewTokenSource(cfg.OAuth)
	}
	if p.stoppedRetry <= 0 {
		p.stoppedRetry = 2 * time.Minute
	}
	if p.clock == nil {
		p.clock = store.SystemClock()
	}
	return p
}

// Status returns a snapshot of the poller's health.
func (p *Poller) Status() PollerStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status
}

func (p *Poller) update(f func(s *PollerStatus)) {
	p.mu.Lock()
	before := p.status
	f(&p.status)
	after := p.status
	p.mu.Unlock()
	if p.onChange != nil && (before.Connected != after.Connected || before.LastError != after.LastError || before.Stopped != after.Stopped) {
		p.onChange()
	}
}

func (p *Poller) recordError(err error) {
	now := p.clock.Now()
	p.update(func(s *PollerStatus) { s.LastError, s.LastErrorAt = err.Error(), now })
}

// Run reads the mailbox until ctx is done, then returns nil. It never gives up by
// itself: network and server errors are retried with exponential backoff; a permanent
// error (refused credentials, a missing mailbox) leaves the intake stopped, said once at
// error level and in Status, and it tries again every WithStoppedRetry, reading the
// password file and running the token command again each time, until a person has
// fixed the cause.
func (p *Poller) Run(ctx context.Context) error {
	if p.cfg.TLS == TLSNone {
		if host, _, err := net.SplitHostPort(p.cfg.Addr); err == nil && !loopback.Host(host) {
			p.log.Warn("imap: connecting without TLS to a server that is not on this machine", "addr", p.cfg.Addr)
		}
	}
	bo := backoff.New(p.minBackoff, p.maxBackoff)
	tokenRetried := false
	stoppedBy := "" // the permanent error last said at error level
	for {
		err := p.session(ctx, func() {
			bo.Reset()
			tokenRetried = false
			if stoppedBy != "" {
				p.log.Info("imap: the intake reads the mailbox again", "addr", p.cfg.Addr, "mailbox", p.cfg.Mailbox)
				stoppedBy = ""
			}
		})
		p.update(func(s *PollerStatus) { s.Connected = false })
		if ctx.Err() != nil {
			return nil
		}
		if err == nil {
			err = errors.New("the session ended")
		}
		var refused *authRefusedError
		if errors.As(err, &refused) {
			if p.tokens != nil && !tokenRetried {
				tokenRetried = true
				p.tokens.Invalidate("")
				p.log.Warn("imap: the server refused the access token; getting a new one", slog.Any("error", err))
				p.countReconnect()
				continue
			}
			err = store.Permanent(err)
		}
		permanent := store.IsPermanent(err)
		now := p.clock.Now()
		p.update(func(s *PollerStatus) {
			s.LastError, s.Summary, s.LastErrorAt, s.Stopped = err.Error(), Summary(err), now, permanent
			if permanent {
				s.RetryEvery = p.stoppedRetry
			}
		})
		var delay time.Duration
		if permanent {
			delay = p.stoppedRetry
			if p.tokens != nil {
				// The next attempt gets a new token.
				p.tokens.Invalidate("")
			}
			if msg := sameCause(err.Error()); msg != stoppedBy {
				stoppedBy = msg
				p.log.Error("imap: the intake is stopped: this needs a person to fix the configuration or the server; trying again every "+delay.String(),
					"addr", p.cfg.Addr, "user", p.cfg.User, "mailbox", p.cfg.Mailbox, slog.Any("error", err))
			} else {
				p.log.Info("imap: the intake is still stopped; trying again", "retry_in", delay, slog.Any("error", err))
			}
		} else {
			delay = bo.Next()
			p.log.Warn("imap: reconnecting", "addr", p.cfg.Addr, "retry_in", delay.Round(time.Millisecond), slog.Any("error", err))
		}
		p.countReconnect()
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

func (p *Poller) countReconnect() {
	p.update(func(s *PollerStatus) { s.Reconnects++ })
	if p.metrics != nil {
		p.metrics.Reconnect()
	}
}

// session is one connection with the mailbox selected.
type session struct {
	c           *imapclient.Client
	newMail     chan struct{}
	uidValidity uint32
	lastUID     uint32
}

// session connects, selects the mailbox and then syncs and waits until an error or ctx
// ends it. ok is called once the first sync succeeded.
func (p *Poller) session(ctx context.Context, ok func()) error {
	newMail := make(chan struct{}, 1)
	c, err := p.connect(ctx, newMail)
	if err != nil {
		return err
	}
	// On cancellation, the loops below end IDLE and log out; if that takes longer than
	// the grace period (a command stuck on a dead server), the connection is closed.
	done := make(chan struct{})
	defer close(done)
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(p.logoutGrace)
		defer t.Stop()
		select {
		case <-done:
		case <-t.C:
			c.Close()
		}
	})
	defer stop()
	defer p.logout(c)

	s, err := p.selectMailbox(ctx, c, newMail)
	if err != nil {
		return err
	}
	if p.cfg.Processed != "" {
		left, err := handledLeft(c, s.lastUID)
		if err != nil {
			return err
		}
		if len(left) > 0 {
			p.log.Info("imap: moving mail stored earlier but not yet moved", "count", len(left), "folder", p.cfg.Processed)
			if err := p.moveHandled(c, left); err != nil {
				return err
			}
		}
	}
	first := true
	for {
		if err := p.sync(ctx, s); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if err := p.caughtUp(ctx); err != nil {
			return err
		}
		now := p.clock.Now()
		p.update(func(st *PollerStatus) { st.LastSuccessAt = now })
		if first {
			first = false
			ok()
		}
		if err := p.wait(ctx, s); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// caughtUp tells the store that everything the mailbox held is stored: the history
// stored meanwhile (mail older than the acknowledgement window, without cards) gets its
// one summary in the channel. Called after every complete pass: an import cut short by
// a restart is summarised after the pass that finishes it.
func (p *Poller) caughtUp(ctx context.Context) error {
	imp, err := p.st.CaughtUp(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	p.log.Info("imap: caught up with the mailbox; the history stored is summarised in the channel",
		"mailbox", p.cfg.Mailbox, "history_messages", imp.Messages, "history_contributions", imp.Contributions)
	return nil
}

// logout ends the session politely, but never waits long for it.
func (p *Poller) logout(c *imapclient.Client) {
	errc := make(chan error, 1)
	go func() { errc <- c.Logout().Wait() }()
	t := time.NewTimer(p.logoutGrace)
	defer t.Stop()
	select {
	case <-errc:
	case <-t.C:
	case <-c.Closed():
	}
	c.Close()
}

// selectMailbox selects the mailbox and finds where to start: the checkpoint, unless
// the mailbox is new to the store (first contact: everything) or its UIDVALIDITY
// changed (everything again; the store skips what it already holds).
func (p *Poller) selectMailbox(ctx context.Context, c *imapclient.Client, newMail chan struct{}) (*session, error) {
	sel, err := c.Select(p.cfg.Mailbox, &imap.SelectOptions{ReadOnly: p.cfg.Processed == "" && !p.cfg.MarkSeen}).Wait()
	if err != nil {
		code, isIMAP := imapCode(err)
		switch {
		case code == imap.ResponseCodeNonExistent || code == imap.ResponseCodeNoPerm:
			return nil, store.Permanent(&mailboxError{name: p.cfg.Mailbox, err: err})
		case isIMAP && !temporaryCode(code):
			// Servers do not all say why (Dovecot 2.3: "NO Mailbox doesn't exist"
			// without a code): ask whether the mailbox exists.
			if exists, lerr := mailboxExists(c, p.cfg.Mailbox); lerr == nil && !exists {
				return nil, store.Permanent(&mailboxError{name: p.cfg.Mailbox, missing: true, err: err})
			}
		}
		return nil, fmt.Errorf("select %q: %w", p.cfg.Mailbox, err)
	}
	if sel.UIDValidity == 0 {
		return nil, fmt.Errorf("select %q: the server sent no UIDVALIDITY", p.cfg.Mailbox)
	}
	s := &session{c: c, newMail: newMail, uidValidity: sel.UIDValidity}
	cp, err := p.st.SyncState(ctx, p.key)
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.log.Info("imap: first contact with the mailbox: all its mail is read; mail older than the acknowledgement window is history",
			"mailbox", p.cfg.Mailbox, "uidvalidity", sel.UIDValidity, "messages", sel.NumMessages, "history_cards", p.pol.HistoryCards)
		if err := p.st.ResetSyncState(ctx, p.key, sel.UIDValidity); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	case uint32(cp.UIDValidity) != sel.UIDValidity:
		p.log.Warn("imap: UIDVALIDITY changed: reading the whole mailbox again; mail stored before is skipped",
			"mailbox", p.cfg.Mailbox, "old_uidvalidity", cp.UIDValidity, "uidvalidity", sel.UIDValidity, "messages", sel.NumMessages)
		if err := p.st.ResetSyncState(ctx, p.key, sel.UIDValidity); err != nil {
			return nil, err
		}
		clear(p.unreadable)
	default:
		s.lastUID = uint32(cp.LastUID)
	}
	p.update(func(st *PollerStatus) {
		st.Connected, st.Stopped, st.UIDValidity, st.LastUID = true, false, s.uidValidity, s.lastUID
	})
	caps := c.Caps()
	p.log.Info("imap: connected", "addr", p.cfg.Addr, "mailbox", p.cfg.Mailbox, "uidvalidity", s.uidValidity,
		"last_uid", s.lastUID, "messages", sel.NumMessages, "idle", caps.Has(imap.CapIdle), "move", caps.Has(imap.CapMove),
		"uidplus", caps.Has(imap.CapUIDPlus))
	return s, nil
}

// wait returns when there may be new mail: the server reported some during IDLE, IDLE
// was due for a restart, or (without IDLE) the poll interval passed. It returns nil when
// ctx is done.
func (p *Poller) wait(ctx context.Context, s *session) error {
	c := s.c
	if !c.Caps().Has(imap.CapIdle) {
		t := time.NewTimer(p.cfg.Poll)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil
		case <-s.newMail:
			return nil
		case <-c.Closed():
			return errors.New("the server closed the connection")
		case <-t.C:
		}
		// NOOP keeps the session alive and lets the server report what changed.
		if err := c.Noop().Wait(); err != nil {
			return fmt.Errorf("noop: %w", err)
		}
		return nil
	}
	// Some servers (go-imap's own) report changes queued while no IDLE ran only at the
	// next command, not when IDLE starts: a NOOP first brings them.
	if err := c.Noop().Wait(); err != nil {
		return fmt.Errorf("noop: %w", err)
	}
	select {
	case <-s.newMail:
		return nil
	default:
	}
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	t := time.NewTimer(p.idleRestart)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-s.newMail:
	case <-t.C:
	case <-c.Closed():
		return errors.New("the server closed the connection during IDLE")
	}
	if err := idle.Close(); err != nil {
		return fmt.Errorf("end idle: %w", err)
	}
	if err := idle.Wait(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}

// batchPlan is a run of UIDs fetched and stored together.
type batchPlan struct {
	uids       []uint32
	last       uint32
	headerOnly bool
}

// maxMessageBytes is the message size limit in force (0: none).
func (p *Poller) maxMessageBytes() int64 {
	switch n := p.limits.MaxMessageBytes; {
	case n == 0:
		return parse.DefaultLimits().MaxMessageBytes
	case n < 0:
		return 0
	default:
		return n
	}
}

// plan splits the new messages into batches by count and bytes. A message over the size
// limit goes alone, and only its header is fetched. The first and the last batch of a
// long run are short (see rampBatches).
func (p *Poller) plan(refs []msgRef) []batchPlan {
	maxN, maxBytes := p.cfg.Batch, p.cfg.BatchBytes
	if maxN <= 0 {
		maxN = 250
	}
	if maxBytes <= 0 {
		maxBytes = 16 << 20
	}
	limit := p.maxMessageBytes()
	var plans []batchPlan
	var cur batchPlan
	var curBytes int64
	flush := func() {
		if len(cur.uids) > 0 {
			plans = append(plans, cur)
		}
		cur, curBytes = batchPlan{}, 0
	}
	for _, r := range refs {
		if limit > 0 && r.size > limit {
			flush()
			plans = append(plans, batchPlan{uids: []uint32{r.uid}, last: r.uid, headerOnly: true})
			continue
		}
		if len(cur.uids) > 0 && (len(cur.uids) >= maxN || curBytes+r.size > maxBytes) {
			flush()
		}
		cur.uids = append(cur.uids, r.uid)
		cur.last = r.uid
		curBytes += r.size
	}
	flush()
	return rampBatches(plans, maxN)
}

// rampBatches splits a tenth of maxN off the front of the first batch and off the end
// of the last. The stages overlap batch by batch (see sync): the first batch is stored
// only once it is fetched and parsed, and once the last is parsed only storing is
// left, so during the first and the last batch one stage works alone. Short batches
// there keep that time short. A message that goes alone stays alone.
func rampBatches(plans []batchPlan, maxN int) []batchPlan {
	short := max(1, maxN/10)
	if len(plans) == 0 {
		return plans
	}
	if first := plans[0]; !first.headerOnly && len(first.uids) > 2*short {
		head := batchPlan{uids: first.uids[:short:short], last: first.uids[short-1]}
		first.uids = first.uids[short:]
		plans = append([]batchPlan{head, first}, plans[1:]...)
	}
	if last := plans[len(plans)-1]; !last.headerOnly && len(last.uids) > 2*short {
		n := len(last.uids) - short
		body := batchPlan{uids: last.uids[:n:n], last: last.uids[n-1]}
		tail := batchPlan{uids: last.uids[n:], last: last.last}
		plans = append(plans[:len(plans)-1], body, tail)
	}
	return plans
}

type fetchedBatch struct {
	plan batchPlan
	msgs []fetchedMsg
}

// sync fetches, parses and stores every message above the checkpoint, in batches, the
// three stages overlapping: while a batch is being stored the next is parsed and the one
// after is fetched. Each batch is one Ingest transaction that also advances the
// checkpoint. Afterwards, and only for stored mail, messages are moved to the processed
// folder. A message the server refused or sent without its body stops the sync before
// it (the checkpoint stays below it): sync then returns that *heldError, ending the
// session, so that it is asked for again on the next connection.
func (p *Poller) sync(ctx context.Context, s *session) error {
	refs, err := listNew(s.c, s.lastUID)
	if err != nil {
		return err
	}
	syncEnded := func() {}
	if o, ok := p.metrics.(SyncObserver); ok {
		syncEnded = sync.OnceFunc(o.SyncStarted(len(refs)))
	}
	// As soon as the mail is stored (below), or on any other way out.
	defer syncEnded()
	if len(refs) == 0 {
		return nil
	}
	plans := p.plan(refs)
	start := time.Now()
	// Each stage's busy time, written by its goroutine and read after Wait.
	var fetchTime, parseTime, storeTime time.Duration

	// held: a message was refused or came without its body; the mail before it is
	// stored, then sync returns this error so that the session ends and the message is
	// asked for again.
	var held error
	g, gctx := errgroup.WithContext(ctx)
	fetched := make(chan fetchedBatch, 1)
	parsed := make(chan store.IngestBatch, 1)
	g.Go(func() error {
		defer close(fetched)
		for _, pl := range plans {
			t0 := time.Now()
			pl, msgs, err := p.fetchPlan(s, pl)
			fetchTime += time.Since(t0)
			if errors.As(err, new(*heldError)) {
				// Store what came before the message, then end the session.
				held = err
				if len(msgs) == 0 {
					return nil
				}
			} else if err != nil {
				return err
			}
			select {
			case fetched <- fetchedBatch{plan: pl, msgs: msgs}:
			case <-gctx.Done():
				return gctx.Err()
			}
			if held != nil {
				return nil
			}
		}
		return nil
	})
	g.Go(func() error {
		defer close(parsed)
		for fb := range fetched {
			t0 := time.Now()
			b := p.parseBatch(s.uidValidity, fb)
			parseTime += time.Since(t0)
			select {
			case parsed <- b:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	var handled []uint32
	var stored, created, skipped, quarantined int
	g.Go(func() error {
		for b := range parsed {
			// ctx, not gctx: a fetch failing meanwhile must not undo a batch being stored.
			t0 := time.Now()
			res, err := p.st.Ingest(ctx, b, p.pol)
			storeTime += time.Since(t0)
			if err != nil {
				return err
			}
			s.lastUID = b.LastUID
			for i, r := range res {
				switch {
				case r.Skipped:
					skipped++
				case r.NewContrib:
					created++
					p.log.Debug("imap: new contribution", "uid", r.UID, "contribution_ref", r.Ref, "ack_queued", r.AckQueued)
				case r.Kind == store.MsgQuarantined:
					quarantined++
					p.log.Warn("imap: message quarantined", "uid", r.UID, "reason", r.Reason)
				}
				if i < len(b.Messages) {
					handled = append(handled, b.Messages[i].UID)
				}
			}
			stored += len(b.Messages)
			n := int64(len(b.Messages))
			p.update(func(st *PollerStatus) { st.Fetched += n; st.LastUID = b.LastUID })
			if p.metrics != nil {
				p.metrics.MessagesFetched(len(b.Messages))
			}
		}
		return nil
	})
	err = g.Wait()
	syncEnded()
	if ctx.Err() != nil {
		// Stopping: what was committed stays committed; it is moved on the next start.
		return nil
	}
	if err != nil {
		return err
	}
	p.log.Info("imap: new mail stored", "mailbox", p.cfg.Mailbox, "messages", stored, "new_contributions", created,
		"skipped", skipped, "quarantined", quarantined, "last_uid", s.lastUID, "duration", time.Since(start).Round(time.Millisecond),
		"fetch_time", fetchTime.Round(time.Millisecond), "parse_time", parseTime.Round(time.Millisecond), "store_time", storeTime.Round(time.Millisecond))
	if p.cfg.MarkSeen && len(handled) > 0 {
		if err := p.markSeen(s.c, handled); err != nil {
			return err
		}
	}
	if p.cfg.Processed != "" && len(handled) > 0 {
		if err := p.moveHandled(s.c, handled); err != nil {
			return err
		}
	}
	return held
}

// markSeen flags stored messages \Seen, once, right after they were stored: a person may
// mark one unread again, and it stays so. A refusal by the server is logged; a broken
// connection is returned.
func (p *Poller) markSeen(c *imapclient.Client, uids []uint32) error {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	err := c.Store(set, flags, nil).Close()
	if err == nil {
		return nil
	}
	if _, isIMAP := imapCode(err); !isIMAP {
		return fmt.Errorf("flag stored mail \\Seen: %w", err)
	}
	p.recordError(err)
	p.log.Warn("imap: could not flag stored mail \\Seen", "count", len(uids), slog.Any("error", err))
	return nil
}

// heldError ends a sync before a message the server refused or delivered without its
// body: the mail before it is stored, the checkpoint stays below it, and it is asked for
// again on the next connection.
type heldError struct {
	uid   uint32
	times int
	err   error
}

func (e *heldError) Error() string {
	return fmt.Sprintf("uid %d: %v (%d of %d connections); asking again on the next connection", e.uid, e.err, e.times, unreadableAfter)
}
func (e *heldError) Unwrap() error { return e.err }

// fetchPlan fetches one batch. When the server refuses the batch, the messages are
// fetched one by one. A message the server refuses, or returns without its body, cuts
// the batch: the plan returned ends before it, with a *heldError, so that the mail
// before it is stored, the checkpoint stays below it and it is asked for again on the
// next connection. After unreadableAfter sessions in a row it is given up on (recorded
// as unreadable, quarantined with the server's answer) so that it does not hold up the
// mailbox.
func (p *Poller) fetchPlan(s *session, pl batchPlan) (batchPlan, []fetchedMsg, error) {
	maxBytes := p.maxMessageBytes()
	if pl.headerOnly {
		maxBytes = 4 << 20
	}
	msgs, err := fetchBodies(s.c, pl.uids, pl.headerOnly, maxBytes)
	if err == nil {
		if len(msgs) < len(pl.uids) {
			got := make(map[uint32]bool, len(msgs))
			for i := range msgs {
				got[msgs[i].uid] = true
			}
			var gone []uint32
			for _, u := range pl.uids {
				if !got[u] {
					gone = append(gone, u)
				}
			}
			// Someone moved or deleted them between the listing and the fetch.
			p.log.Warn("imap: messages left the mailbox before they could be read", "uids", gone)
		}
		return p.checkBodies(s, pl, msgs)
	}
	if _, isIMAP := imapCode(err); !isIMAP {
		return pl, nil, err
	}
	p.log.Warn("imap: the server refused a batch; fetching its messages one by one", "first_uid", pl.uids[0],
		"last_uid", pl.last, slog.Any("error", err))
	msgs = msgs[:0]
	for i, uid := range pl.uids {
		one, err := fetchBodies(s.c, []uint32{uid}, pl.headerOnly, maxBytes)
		if err == nil {
			msgs = append(msgs, one...)
			continue
		}
		if _, isIMAP := imapCode(err); !isIMAP {
			return pl, nil, err
		}
		pos := position{s.uidValidity, uid}
		p.unreadable[pos]++
		if n := p.unreadable[pos]; n < unreadableAfter {
			// Store the mail before it; ask for it again on the next connection.
			cut, before, herr := p.checkBodies(s, batchPlan{uids: pl.uids[:i], last: uid - 1, headerOnly: pl.headerOnly}, msgs)
			if herr == nil {
				herr = &heldError{uid: uid, times: n, err: err}
			}
			return cut, before, herr
		}
		p.log.Error("imap: the server keeps refusing a message; recording it as unreadable and moving on",
			"uid", uid, slog.Any("error", err))
		msgs = append(msgs, fetchedMsg{uid: uid, unreadable: err})
	}
	return p.checkBodies(s, pl, msgs)
}

// checkBodies looks for messages the server returned without their body. The first
// one cuts the batch (a *heldError), until it has come back so in unreadableAfter
// sessions: then it is recorded as unreadable like a refused message.
func (p *Poller) checkBodies(s *session, pl batchPlan, msgs []fetchedMsg) (batchPlan, []fetchedMsg, error) {
	for i := range msgs {
		f := &msgs[i]
		pos := position{s.uidValidity, f.uid}
		switch {
		case f.unreadable != nil:
		case f.noBody == nil:
			delete(p.unreadable, pos)
		default:
			p.unreadable[pos]++
			if n := p.unreadable[pos]; n < unreadableAfter {
				p.log.Warn("imap: the server returned a message without its body; mail after it waits",
					"uid", f.uid, "times", n, slog.Any("error", f.noBody))
				cut := slices.IndexFunc(pl.uids, func(u uint32) bool { return u >= f.uid })
				pl.uids, pl.last = pl.uids[:max(cut, 0)], f.uid-1
				return pl, msgs[:i], &heldError{uid: f.uid, times: n, err: f.noBody}
			}
			p.log.Error("imap: the server keeps returning a message without its body; recording it as unreadable and moving on",
				"uid", f.uid, slog.Any("error", f.noBody))
			f.unreadable = f.noBody
		}
	}
	return pl, msgs, nil
}

// parseBatch parses a fetched batch and builds the store batch, on every core but one:
// that one is left to storing the batch before, which is the longer stage.
func (p *Poller) parseBatch(uidValidity uint32, fb fetchedBatch) store.IngestBatch {
	out := make([]store.Inbound, len(fb.msgs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(1, runtime.GOMAXPROCS(0)-1), len(fb.msgs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(fb.msgs) {
					return
				}
				out[i] = p.inbound(uidValidity, &fb.msgs[i])
				fb.msgs[i].raw = nil
			}
		})
	}
	wg.Wait()
	return store.IngestBatch{Mailbox: p.key, UIDValidity: uidValidity, LastUID: fb.plan.last, Messages: out}
}

// inbound parses one fetched message, quarantining what cannot be read, records the
// mailbox it came to, and prepares it for the store (store.Inbound.Prepare) here rather
// than in the transaction that stores it.
func (p *Poller) inbound(uidValidity uint32, f *fetchedMsg) store.Inbound {
	in := p.parseInbound(uidValidity, f)
	in.MailboxName = p.name
	ApplyDefaultKind(&in, p.defaultKind, p.name)
	in.Prepare()
	return in
}

func (p *Poller) parseInbound(uidValidity uint32, f *fetchedMsg) store.Inbound {
	switch {
	case f.unreadable != nil:
		raw := fmt.Appendf(nil, "The IMAP server would not deliver message UID %d (UIDVALIDITY %d) of %s: %v\r\n",
			f.uid, uidValidity, p.cfg.Mailbox, f.unreadable)
		return ToInbound(raw, uidValidity, f.uid, f.date, p.key, nil, &notDeliveredError{f.unreadable}, p.pol)
	case f.headerOnly, f.truncated:
		kept := "its header"
		if f.truncated {
			kept = fmt.Sprintf("its first %d bytes", len(f.raw))
		}
		return ToInbound(f.raw, uidValidity, f.uid, f.date, p.key, nil, &tooLargeError{limit: p.maxMessageBytes(), kept: kept}, p.pol)
	}
	parsed, err := safeParse(f.raw, p.limits)
	return ToInbound(f.raw, uidValidity, f.uid, f.date, p.key, parsed, err, p.pol)
}

// safeParse is Parse that turns a panic into an error: one message must not stop intake.
func safeParse(raw []byte, lim parse.Limits) (parsed *parse.Parsed, err error) {
	defer func() {
		if r := recover(); r != nil {
			parsed, err = nil, fmt.Errorf("the parser failed: %v", r)
		}
	}()
	return parse.Parse(raw, lim)
}

// moveHandled moves stored messages to the processed folder. A refusal by the server is
// logged and left for the next connection; a broken connection is returned.
func (p *Poller) moveHandled(c *imapclient.Client, uids []uint32) error {
	err := moveToProcessed(c, uids, p.cfg.Processed)
	if err == nil {
		p.log.Debug("imap: moved to the processed folder", "count", len(uids), "folder", p.cfg.Processed)
		return nil
	}
	if _, isIMAP := imapCode(err); !isIMAP {
		return err
	}
	p.recordError(err)
	p.log.Warn("imap: could not move stored mail to the processed folder; it stays where it is",
		"count", len(uids), "folder", p.cfg.Processed, slog.Any("error", err))
	return nil
}

// dovecotTimings is the timing Dovecot adds to its answers: "(0.001 + 0.000 secs)", with
// as many terms as the command took steps.
var dovecotTimings = regexp.MustCompile(`\s*\([0-9.+ ]*secs\)`)

// sameCause is an error's text without its numbers and Dovecot's timings, so that the
// same refusal told with other timings counts as the same cause.
func sameCause(msg string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, dovecotTimings.ReplaceAllString(msg, ""))
}
