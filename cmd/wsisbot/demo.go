package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/lib/pq"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/report"
	"github.com/wsis/wsisbot/store"
)

// The demo's accounts: nothing to configure, nothing leaves the machine.
const (
	demoIMAPUser     = "wsis-info@itu.int"
	demoIMAPPassword = "demo"
	demoChannel      = "C0WSISDESK"
	demoBotToken     = "xoxb-wsisbot-demo"
	demoClock        = "2019-01-20T10:00:00+01:00"
)

// demoOptions are the demo's flags.
type demoOptions struct {
	once     bool
	database string
	imapAddr string
	out      io.Writer
	// reportDir is where the demo writes its report (default: wsisbot-demo-report in
	// the temporary folder).
	reportDir string
}

// demoRun is what a demo run leaves to look at (the end-to-end test reads it).
type demoRun struct {
	seeds []seedMessage
	slack *slacktest.Server
	mail  *smtptest.Server
	dbURL string
}

func cmdDemo(ctx context.Context, cfg *Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	once := fs.Bool("once", false, "exit once the seeded mail is handled")
	dbName := fs.String("db", "wsisbot_demo", "database the demo (re)creates on the DATABASE_URL server")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "address of the demo's IMAP server (port 0: any free port)")
	reportDir := fs.String("report", "", "folder for the demo's report (default: wsisbot-demo-report in the temporary folder)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := runDemo(ctx, cfg, logger, demoOptions{once: *once, database: *dbName, imapAddr: *imapAddr, out: stdout, reportDir: *reportDir})
	return err
}

// runDemo runs wsisbot against an in-process IMAP server seeded with the consultation's
// mail, an in-process SMTP server that captures what is sent, and a local Slack stand-in
// that prints what the secretariat would see, on a fresh database on the local server.
func runDemo(ctx context.Context, base *Config, logger *slog.Logger, o demoOptions) (*demoRun, error) {
	out := &lockedWriter{w: o.out}
	cfg := *base
	if cfg.Clock == "" {
		cfg.Clock = demoClock
	}
	dbURL, closeDB, err := openDemoDatabase(ctx, base, o.database, out)
	if err != nil {
		return nil, err
	}
	defer closeDB()
	cfg.DatabaseURL = dbURL
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return nil, fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	seeds, err := demoSeeds(clock.Now())
	if err != nil {
		return nil, err
	}
	run := &demoRun{seeds: seeds, dbURL: dbURL}

	// IMAP: an in-memory server with the seeded mailbox.
	imapOpts := imaptest.MemoryOptions{Addr: o.imapAddr, User: demoIMAPUser, Password: demoIMAPPassword,
		Logger: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	mailbox, err := imaptest.NewMemory(imapOpts)
	if err != nil {
		imapOpts.Addr = "127.0.0.1:0" // the usual port is taken: any free one
		if mailbox, err = imaptest.NewMemory(imapOpts); err != nil {
			return nil, fmt.Errorf("demo: IMAP server: %w", err)
		}
	}
	defer mailbox.Close()
	for _, seed := range run.seeds {
		if _, err := mailbox.Append("INBOX", seed.Raw, seed.Received); err != nil {
			return nil, fmt.Errorf("demo: seed mailbox: %w", err)
		}
	}

	// SMTP: capture what is sent.
	if run.mail, err = smtptest.New(smtptest.Options{Out: out}); err != nil {
		return nil, fmt.Errorf("demo: SMTP server: %w", err)
	}
	defer run.mail.Stop()

	// Slack: the stand-in prints what the channel shows, and holds the desk to Slack's limits.
	run.slack = slacktest.New(slacktest.Options{Token: demoBotToken, Out: out, Limits: true})
	run.slack.SetMembers(demoChannel, "U0ANNA", "U0BORIS")
	run.slack.SetUser("U0ANNA", "Anna (secretariat)")
	run.slack.SetUser("U0BORIS", "Boris (secretariat)")
	slackSrv := httptest.NewServer(run.slack)
	defer slackSrv.Close()

	cfg.IMAP.Addr, cfg.IMAP.TLS, cfg.IMAP.User, cfg.IMAP.Password = mailbox.Addr(), "none", mailbox.User(), mailbox.Password()
	cfg.IMAP.OAuth, cfg.Mail.OAuth, cfg.IMAP.Mailbox, cfg.IMAP.Processed = mailin.OAuthConfig{}, mailin.OAuthConfig{}, "INBOX", ""
	cfg.Mail.SMTPAddr, cfg.Mail.SMTPTLS, cfg.Mail.SMTPUser, cfg.Mail.SMTPPassword = run.mail.Addr(), "none", "", ""
	cfg.Mail.Ack = true
	cfg.Bot.BotToken, cfg.Bot.AppToken, cfg.Bot.Channel = demoBotToken, "", demoChannel
	cfg.Bot.APIURL = slackSrv.URL + "/"
	// The daily digest comes at the end of the demo's day, not in its first seconds.
	cfg.Bot.DigestHour = 18
	if cfg.Bot.SigningSecret == "" {
		cfg.Bot.SigningSecret = "wsisbot-demo-signing-secret"
	}
	if o.once {
		cfg.HTTPAddr, cfg.HealthAddr = "127.0.0.1:0", "127.0.0.1:0"
	}

	fmt.Fprintf(out, "wsisbot demo — %s, the clock starts at %s Geneva time\n", store.DefaultPhases().Name,
		clock.Now().In(store.DefaultPhases().Location).Format("Monday 2 January 2006 15:04"))
	fmt.Fprintf(out, "database %s; %d messages waiting in the shared mailbox:\n", store.RedactURL(dbURL), len(run.seeds))
	for i, s := range run.seeds {
		fmt.Fprintf(out, "  %2d. %s\n", i+1, s.Label)
	}
	fmt.Fprintln(out)

	a, err := openApp(ctx, &cfg, logger, appOptions{lockRetry: 200 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- a.run(runCtx, 200*time.Millisecond) }()

	if err := waitHandled(ctx, a.st, len(run.seeds), done); err != nil {
		stop()
		return run, err
	}
	if err := printSummary(ctx, out, a.st, clock); err != nil {
		stop()
		return run, err
	}
	if o.reportDir == "" {
		o.reportDir = filepath.Join(os.TempDir(), "wsisbot-demo-report")
	}
	files, err := report.Write(ctx, a.st, a.st.Phases(), o.reportDir, report.Options{Now: clock.Now()})
	if err != nil {
		stop()
		return run, err
	}
	fmt.Fprintf(out, "\nThe consultation at a glance (wsisbot report): %s and %s\n", files.HTML, files.XLSX)
	if o.once {
		stop()
		return run, <-done
	}
	fmt.Fprintf(out, "\nStill serving. Send more mail with any mail client: IMAP %s, user %s, password %s (plain, no TLS).\n"+
		"Append a message to INBOX and watch it arrive here. Ctrl-C stops.\n", mailbox.Addr(), mailbox.User(), mailbox.Password())
	err = <-done
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return run, err
}

// demoMark begins the comment the demo puts on each database it creates: the only
// databases it ever drops.
const demoMark = "wsisbot demo database"

// demoName is a database name the demo accepts: a plain lower-case identifier.
var demoName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// demoDatabase (re)creates the demo's own database on the server of serverURL. It drops
// only a database it created itself (its comment begins with demoMark): any other
// database of that name is refused and left as it is. It never touches the database
// serverURL names.
func demoDatabase(ctx context.Context, serverURL, name string) (string, error) {
	if !demoName.MatchString(name) {
		return "", fmt.Errorf("demo: database name %q: use a lower-case letter or _, then lower-case letters, digits and _ (at most 63)", name)
	}
	if slices.Contains([]string{"postgres", "template0", "template1"}, name) {
		return "", fmt.Errorf("demo: database name %q: that is PostgreSQL's own database", name)
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", errors.New("DATABASE_URL: not a URL")
	}
	if strings.TrimPrefix(u.Path, "/") == name {
		return "", fmt.Errorf("demo: database %s is the one DATABASE_URL names; give the demo another one with --db", name)
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sql.Open("postgres", admin.String())
	if err != nil {
		return "", err
	}
	defer db.Close()
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		return "", fmt.Errorf("no PostgreSQL answers at %s (%v): start one with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set DATABASE_URL", u.Host, err)
	}
	var comment sql.NullString
	err = db.QueryRowContext(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, name).Scan(&comment)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", fmt.Errorf("demo: database %s: %w", name, err)
	case !strings.HasPrefix(comment.String, demoMark):
		return "", fmt.Errorf("demo: database %s exists and was not created by wsisbot demo; refusing to drop it (give the demo another name with --db)", name)
	default:
		if _, err := db.ExecContext(ctx, `DROP DATABASE `+name+` WITH (FORCE)`); err != nil {
			return "", fmt.Errorf("demo: drop the previous demo database %s: %w", name, err)
		}
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	mark := fmt.Sprintf("%s, created %s; wsisbot demo drops and creates it again", demoMark, time.Now().UTC().Format(time.RFC3339))
	if _, err := db.ExecContext(ctx, `COMMENT ON DATABASE `+name+` IS `+pq.QuoteLiteral(mark)); err != nil {
		// Unmarked, it could never be dropped by the demo again: drop it now.
		_, _ = db.ExecContext(context.WithoutCancel(ctx), `DROP DATABASE `+name)
		return "", fmt.Errorf("demo: mark database %s as the demo's: %w", name, err)
	}
	d := *u
	d.Path = "/" + name
	return d.String(), nil
}

// waitHandled waits until every seeded message is stored and the outbox is empty.
func waitHandled(ctx context.Context, st *store.Store, n int, done <-chan error) error {
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		p, err := st.Progress(ctx)
		if err == nil && p.Inbound >= n && p.OutboxPending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-done:
			if err == nil {
				err = errors.New("stopped before the seeded mail was handled")
			}
			return fmt.Errorf("demo: %w", err)
		case <-deadline.C:
			return fmt.Errorf("demo: the seeded mail was not handled within 2 minutes (%d of %d stored, %d side effects pending)", p.Inbound, n, p.OutboxPending)
		case <-tick.C:
		}
	}
}

// printSummary prints a table of the contributions and the count of messages by kind.
func printSummary(ctx context.Context, w io.Writer, st *store.Store, clock store.Clock) error {
	sums, err := st.ContributionSummaries(ctx)
	if err != nil {
		return fmt.Errorf("demo: summary: %w", err)
	}
	counts, err := st.InboundKindCounts(ctx)
	if err != nil {
		return fmt.Errorf("demo: summary: %w", err)
	}
	ph := store.DefaultPhases()
	fmt.Fprintln(w, "\n── Summary ──────────────────────────────────────────────────────────────")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tLANG\tKIND (SUGGESTED)\tFROM\tDEADLINE\tCARD\tACKNOWLEDGEMENT")
	for _, c := range sums {
		dl := ""
		if c.DeadlineAt != nil {
			day := c.DeadlineAt.In(ph.Location).Format("2 Jan 2006")
			dl = fmt.Sprintf("%s (%d days left)", day, ph.DaysLeft(ph.DeadlineFor(c.Kind, *c.DeadlineAt), clock.Now()))
			if c.Late {
				dl = day + " (late)"
			}
		}
		ack := c.AckStatus
		if c.AckSuppressedReason != "" {
			ack += ": " + c.AckSuppressedReason
		}
		card := "posted"
		if !c.Carded {
			card = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.Ref, c.Language, c.Kind, c.FromEmail, dl, card, ack)
	}
	tw.Flush()
	kinds := make([]string, 0, len(counts))
	for _, k := range counts {
		kinds = append(kinds, fmt.Sprintf("%s %d", k.Kind, k.N))
	}
	fmt.Fprintf(w, "\nMessages in: %s. Robots got no acknowledgement.\n", strings.Join(kinds, ", "))
	return nil
}

// lockedWriter serialises the transcript's writers.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
