package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/errgroup"

	"github.com/wsis/wsisbot/internal/health"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// Store is what the desk needs from the store; *store.Store is it.
type Store interface {
	Contribution(ctx context.Context, id int64) (store.Contribution, error)
	ContributionByRef(ctx context.Context, ref string) (store.Contribution, error)
	Take(ctx context.Context, id int64, actor string) (store.Contribution, error)
	Assign(ctx context.Context, id int64, actor, assignee string) (store.Contribution, error)
	Classify(ctx context.Context, id int64, actor string, cl store.Classification) (store.Contribution, error)
	CloseContribution(ctx context.Context, id int64, actor, outcome, note string) (store.Contribution, error)
	Reopen(ctx context.Context, id int64, actor, reason string) (store.Contribution, error)
	Events(ctx context.Context, contributionID int64) ([]store.Event, error)
	Message(ctx context.Context, id int64) (store.Message, error)
	TooLargeNotice(ctx context.Context, messageID int64) (store.SenderNotice, error)
	FirstMessage(ctx context.Context, contributionID int64) (store.Message, error)
	MessageCount(ctx context.Context, contributionID int64) (int, error)
	Attachments(ctx context.Context, messageID int64) ([]store.Attachment, error)
	ContributionAttachments(ctx context.Context, contributionID int64) ([]store.Attachment, error)
	ListContributions(ctx context.Context, f store.ContributionFilter) ([]store.Contribution, error)
	Find(ctx context.Context, q store.Search) (store.SearchResult, error)
	RevisionLinks(ctx context.Context, id int64) (store.RevisionLinks, error)
	MarkRevision(ctx context.Context, id int64, user string) (store.Contribution, error)
	DismissRevision(ctx context.Context, id int64, user string) (store.Contribution, error)
	QueueCard(ctx context.Context, id int64, actor string) (bool, error)
	ContributionStats(ctx context.Context) (store.ContributionStats, error)
	ExportRows(ctx context.Context) ([]store.ExportRow, error)
	ReportDays(ctx context.Context, from, to *time.Time, tz string) ([]store.ReportDay, error)

	Enqueue(ctx context.Context, it store.OutboxItem) (bool, error)
	RunOutbox(ctx context.Context, r store.OutboxRunner) error
	OutboxStats(ctx context.Context) (store.OutboxStats, error)
	SearchLag(ctx context.Context) (store.SearchLag, error)
	SlackPostAttempt(ctx context.Context, key string) (time.Time, error)
	StartSlackPost(ctx context.Context, key string, at time.Time) error
	ClearSlackPost(ctx context.Context, key string) error

	CountEvents(ctx context.Context, actions []string, since time.Time) (int, error)
	LastInboundAt(ctx context.Context) (time.Time, error)
	ClaimRun(ctx context.Context, job string, at time.Time, items ...store.OutboxItem) (bool, error)
	SetFlag(ctx context.Context, name string, on bool, at time.Time, items ...store.OutboxItem) (bool, error)
	Flags(ctx context.Context) (map[string]time.Time, error)
	ClaimEscalations(ctx context.Context, createdBefore time.Time, limit int) ([]int64, error)
	ClaimEvery(ctx context.Context, job string, at time.Time, every time.Duration) (bool, error)
	SlackFile(ctx context.Context, name string) (string, time.Time, error)
	SaveSlackFile(ctx context.Context, name, id string, at time.Time) error

	Blob(ctx context.Context, sha string) ([]byte, error)
	SlackUploads(ctx context.Context, contributionID int64) ([]store.SlackUpload, error)
	SlackUpload(ctx context.Context, contributionID, attachmentID int64) (store.SlackUpload, error)
	SaveSlackUploadURL(ctx context.Context, contributionID, attachmentID int64, fileID, uploadURL string, at time.Time) error
	SlackUploadStep(ctx context.Context, contributionID, attachmentID int64, step string, at time.Time, channel, threadTS string) error
	FinishSlackUpload(ctx context.Context, contributionID, attachmentID int64, at time.Time, channel, threadTS string) error
	FailSlackUpload(ctx context.Context, contributionID, attachmentID int64, msg string) error
	RequestSlackUploads(ctx context.Context, contributionID int64, attachmentIDs []int64, user string) ([]string, error)

	ClaimSlackRequest(ctx context.Context, keys []string, at time.Time, keep time.Duration) (bool, error)
	ReleaseSlackRequest(ctx context.Context, keys []string) error
	PruneSlackRequests(ctx context.Context, before time.Time) (int64, error)

	SortedAway(ctx context.Context, since, until time.Time, offset, limit int) ([]store.SortedMessage, int, error)
	RawMessage(ctx context.Context, id int64) ([]byte, error)
	PromoteMessage(ctx context.Context, messageID int64, actor string, p store.Promotion) (store.Promoted, error)

	OtherSenders(ctx context.Context, contributionID int64) ([]store.Message, error)
	Recipients(ctx context.Context, contributionID int64) ([]store.Recipient, error)
	AcceptSender(ctx context.Context, messageID int64, actor string) (store.SenderDecision, error)
	TrustDomain(ctx context.Context, contributionID int64, actor, domain string) (store.SenderDecision, error)
	PaceStore
	NoteStore
}

var _ Store = (*store.Store)(nil)

// IntakeStatus is the state of the mailbox connection, as the intake reports it.
type IntakeStatus struct {
	// Standby says this replica does not read the mailbox now (another one does): its
	// watchdog then leaves the mailbox and token conditions alone, so replicas that see
	// different things do not raise and clear the same alert in turn.
	Standby bool

	Connected     bool      // logged in and reading now
	LastError     string    // the last connection or login error ("" after a success)
	LastErrorAt   time.Time // when it happened
	LastSuccessAt time.Time // the last time the mailbox was reached and logged into
	TokenError    string    // the OAuth token's last failure, getting it or logging in with it ("" when it works)
}

// Option adjusts a Bot.
type Option func(*Bot)

// WithIntakeStatus lets the watchdog see the mailbox connection.
func WithIntakeStatus(f func() IntakeStatus) Option { return func(b *Bot) { b.intake = f } }

// WithHTTPClient sets the client for Slack's Web API and response URLs.
func WithHTTPClient(c *http.Client) Option { return func(b *Bot) { b.httpClient = c } }

// WithoutPacing lets the desk call Slack as fast as it goes, for tests against a Slack
// stand-in that does not enforce Slack's limits. serve and the demo always pace.
func WithoutPacing() Option { return func(b *Bot) { b.unpaced = true } }

// WithOutboxGate makes each Slack outbox worker call wait(ctx) before it claims items
// (store.OutboxRunner.Gate): serve holds them while the intake stores a backlog.
func WithOutboxGate(wait func(ctx context.Context)) Option {
	return func(b *Bot) { b.outboxGate = wait }
}

// WithPromotion tells the desk what the intake would have made of a stored message, for
// "This is a contribution": its suggestions and the acknowledgement policy. Without it a
// promoted message gets no suggestions and no acknowledgement.
func WithPromotion(f func(raw []byte) store.Promotion) Option {
	return func(b *Bot) { b.promotion = f }
}

// WithTemplates gives the words the desk offers as standard answers: those the mailer
// sends (WSISBOT_TEMPLATES). Without it the desk uses the embedded ones.
func WithTemplates(t *templates.Set) Option { return func(b *Bot) { b.tpl = t } }

// WithSchedulerInterval sets how often reminders and the watchdog are checked (30 s).
func WithSchedulerInterval(d time.Duration) Option { return func(b *Bot) { b.tick = d } }

// WithOutboxPoll sets how long the idle outbox workers wait before one of them looks
// again (500 ms).
func WithOutboxPoll(d time.Duration) Option { return func(b *Bot) { b.poll = d } }

// SlackReport is "ok", or how long Slack has not been answering the outbox workers and
// why (for /readyz).
func (b *Bot) SlackReport(now time.Time) (string, bool) { return b.slackLink.Report(now) }

// slackKinds are the outbox items the desk carries out.
var slackKinds = []store.OutboxKind{store.OutboxSlackCard, store.OutboxSlackUpdate, store.OutboxSlackThread, store.OutboxSlackNotice, outboxSortedSummary,
	store.OutboxSlackUpload, store.OutboxSlackDM}

const (
	defaultOutboxWorkers = 2
	jobWorkers           = 4
	jobTimeout           = 2 * time.Minute
	jobDrainTimeout      = 10 * time.Second
)

// Bot is the Slack desk.
type Bot struct {
	cfg        Config
	st         Store
	phases     *store.Phases
	clock      store.Clock
	log        *slog.Logger
	api        *slack.Client
	httpClient *http.Client
	slackHTTP  httpDoer // what slack-go calls: httpClient behind the pacer
	unpaced    bool
	outboxGate func(ctx context.Context) // see WithOutboxGate
	intake     func() IntakeStatus
	mailAuth   func() MailAuthStatus              // see WithMailAuth
	expiries   func() ([]CredentialExpiry, error) // see WithCredentialExpiries
	promotion  func(raw []byte) store.Promotion
	slackLink  health.Link // whether Slack answers the outbox workers
	tick       time.Duration
	poll       time.Duration
	started    time.Time

	outboxWorkers    int
	cardPostTimeout  time.Duration
	cardSearchMargin time.Duration

	jobs    chan func(context.Context)
	members *memberCache
	names   *nameCache
	tpl     *templates.Set // the standard answers of the Reply modal

	ticks atomic.Int64 // scheduler passes completed, for tests
	polls atomic.Int64 // outbox polls completed, for tests

	mailboxLine bool // see WithMailboxLine
}

// New builds the desk. It talks to nothing until Run.
func New(cfg Config, st Store, phases *store.Phases, clock store.Clock, logger *slog.Logger, opts ...Option) (*Bot, error) {
	if cfg.BotToken == "" {
		return nil, errors.New("bot: SLACK_BOT_TOKEN is not set")
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("bot: %w", err)
	}
	if st == nil || phases == nil {
		return nil, errors.New("bot: a store and the phases are required")
	}
	if clock == nil {
		clock = store.SystemClock()
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	b := &Bot{
		cfg: cfg, st: st, phases: phases, clock: clock,
		log:        logger.With("component", "bot"),
		httpClient: &http.Client{Timeout: 30 * time.Second},
		tick:       30 * time.Second,
		poll:       500 * time.Millisecond,
		jobs:       make(chan func(context.Context), 256),

		outboxWorkers:    defaultOutboxWorkers,
		cardPostTimeout:  defaultCardPostTimeout,
		cardSearchMargin: defaultCardSearchMargin,
	}
	for _, o := range opts {
		o(b)
	}
	if b.tpl == nil {
		tpl, err := templates.Load("", store.Strings(store.Kinds))
		if err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
		b.tpl = tpl
	}
	b.slackHTTP = b.httpClient
	if !b.unpaced {
		p, err := newPacer(st, cfg.APIURL, cfg.Pace == PaceRetryAfter, b.log)
		if err != nil {
			return nil, fmt.Errorf("bot: %w", err)
		}
		b.slackHTTP = p.client(b.httpClient)
	}
	b.api = slack.New(cfg.BotToken, slack.OptionAPIURL(cfg.APIURL), slack.OptionHTTPClient(b.slackHTTP))
	b.members = newMemberCache(b.api, cfg.Channel, cfg.UserGroup, clock, time.Minute)
	b.names = newNameCache(b.api)
	b.started = clock.Now()
	return b, nil
}

// Run carries out the Slack outbox items, answers Socket Mode when SLACK_APP_TOKEN is set,
// does the work the HTTP endpoints acknowledged, and runs the reminders and the watchdog,
// until ctx is done. It returns an error only for a permanent failure (a bad token).
func (b *Bot) Run(ctx context.Context) error {
	if res, err := b.api.AuthTestContext(ctx); err != nil {
		if isPermanent(err) {
			return fmt.Errorf("bot: auth.test: %w", err)
		}
		b.log.Warn("slack auth.test failed; carrying on", slog.Any("error", err))
	} else {
		b.log.Info("connected to slack", "team", res.Team, "bot_user", res.UserID)
		b.members.knowTeam(res.TeamID, res.EnterpriseID)
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return b.st.RunOutbox(ctx, b.outbox()) })
	for range jobWorkers {
		g.Go(func() error { b.runJobs(ctx); return nil })
	}
	g.Go(func() error { b.runScheduler(ctx); return nil })
	if b.cfg.AppToken != "" {
		g.Go(func() error { return b.runSocketMode(ctx) })
	}
	return g.Wait()
}

// submit hands work acknowledged to Slack to the job workers; false when they are full.
func (b *Bot) submit(what string, job func(context.Context)) bool {
	select {
	case b.jobs <- job:
		return true
	default:
		b.log.Warn("too much work queued; refusing a request", "what", what)
		return false
	}
}

// runJobs does the work acknowledged to Slack until ctx is done; then it does what is
// still queued, within jobDrainTimeout: Slack was told it would be done. Stop the HTTP
// endpoints first so that nothing more is queued.
func (b *Bot) runJobs(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			b.drainJobs(ctx)
			return
		case job := <-b.jobs:
			b.runJob(ctx, job)
		}
	}
}

// runJob does one job within jobTimeout. Stopping does not cut it short at once: a job in
// hand when ctx is done gets jobDrainTimeout more.
func (b *Bot) runJob(ctx context.Context, job func(context.Context)) {
	jctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(jobDrainTimeout, cancel) })
	defer stop()
	job(jctx)
}

// drainJobs does the queued jobs on a context of their own, until none is left or
// jobDrainTimeout has passed.
func (b *Bot) drainJobs(ctx context.Context) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), jobDrainTimeout)
	defer cancel()
	for dctx.Err() == nil {
		select {
		case job := <-b.jobs:
			job(dctx)
		default:
			return
		}
	}
}

// outbox describes the desk's outbox workers to the store's runtime: they take the
// Slack items, give each up to a minute, wait up to 10 s between attempts while the store
// fails, and record in slackLink whether Slack answers. While it does not (5xx, network
// errors: store.UnavailableError), the runtime pauses them 1 s doubling to 10 s and the
// items keep their attempts.
func (b *Bot) outbox() store.OutboxRunner {
	return store.OutboxRunner{Name: "slack", Kinds: slackKinds, Handle: b.handleOutbox, Workers: b.outboxWorkers,
		Poll: b.poll, ItemTimeout: time.Minute, StoreRetryMax: 10 * time.Second, Link: &b.slackLink, Logger: b.log,
		Polled: func() { b.polls.Add(1) }, Gate: b.outboxGate}
}

func (b *Bot) runScheduler(ctx context.Context) {
	t := time.NewTicker(b.tick)
	defer t.Stop()
	for {
		b.schedule(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
