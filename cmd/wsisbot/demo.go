package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"github.com/wsis/wsisbot/bot"
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
}

// demoRun is what a demo run leaves to look at (the end-to-end test reads it).
type demoRun struct {
	seeds   []seedMessage
	standIn *bot.StandIn
	mail    *mailCapture
	dbURL   string
}

func cmdDemo(ctx context.Context, cfg *Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	once := fs.Bool("once", false, "exit once the seeded mail is handled")
	dbName := fs.String("db", "wsisbot_demo", "database the demo (re)creates on the DATABASE_URL server")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "address of the demo's IMAP server (port 0: any free port)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, err := runDemo(ctx, cfg, logger, demoOptions{once: *once, database: *dbName, imapAddr: *imapAddr, out: stdout})
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
	imapLn, err := net.Listen("tcp", o.imapAddr)
	if err != nil {
		if imapLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("demo: IMAP listener: %w", err)
		}
	}
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(demoIMAPUser, demoIMAPPassword)
	if err := user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	mem.AddUser(user)
	imapSrv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	})
	go func() { _ = imapSrv.Serve(imapLn) }()
	defer imapSrv.Close()
	if err := appendSeeds(imapLn.Addr().String(), run.seeds); err != nil {
		return nil, err
	}

	// SMTP: capture what is sent.
	run.mail = &mailCapture{out: out}
	smtpSrv := smtp.NewServer(run.mail)
	smtpSrv.Domain = "localhost"
	smtpSrv.AllowInsecureAuth = true
	smtpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: SMTP listener: %w", err)
	}
	go func() { _ = smtpSrv.Serve(smtpLn) }()
	defer smtpSrv.Close()

	// Slack: the stand-in prints what the channel shows.
	run.standIn = bot.NewStandIn(bot.StandInOptions{Token: demoBotToken, Out: out})
	run.standIn.SetMembers(demoChannel, "U0ANNA", "U0BORIS")
	run.standIn.SetUser("U0ANNA", "Anna (secretariat)")
	run.standIn.SetUser("U0BORIS", "Boris (secretariat)")
	slackSrv := httptest.NewServer(run.standIn)
	defer slackSrv.Close()

	cfg.IMAP.Addr, cfg.IMAP.TLS, cfg.IMAP.User, cfg.IMAP.Password = imapLn.Addr().String(), "none", demoIMAPUser, demoIMAPPassword
	cfg.IMAP.TokenCmd, cfg.IMAP.Mailbox, cfg.IMAP.Processed = "", "INBOX", ""
	cfg.Mail.SMTPAddr, cfg.Mail.SMTPTLS, cfg.Mail.SMTPUser, cfg.Mail.SMTPPassword = smtpLn.Addr().String(), "none", "", ""
	cfg.Mail.Ack = true
	cfg.Bot.BotToken, cfg.Bot.AppToken, cfg.Bot.Channel = demoBotToken, "", demoChannel
	cfg.Bot.APIURL = slackSrv.URL + "/"
	// The daily digest comes at the end of the demo's day, not in its first seconds.
	cfg.Bot.DigestHour = 18
	if cfg.Bot.SigningSecret == "" {
		cfg.Bot.SigningSecret = "wsisbot-demo-signing-secret"
	}
	if o.once {
		cfg.HTTPAddr = "127.0.0.1:0"
	}

	fmt.Fprintf(out, "wsisbot demo — %s, the clock starts at %s Geneva time\n", store.DefaultPhases().Name,
		clock.Now().In(store.DefaultPhases().Location).Format("Monday 2 January 2006 15:04"))
	fmt.Fprintf(out, "database %s; %d messages waiting in the shared mailbox:\n", redactURL(dbURL), len(run.seeds))
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

	if err := waitHandled(ctx, dbURL, len(run.seeds), done); err != nil {
		stop()
		return run, err
	}
	if err := printSummary(ctx, out, dbURL, clock); err != nil {
		stop()
		return run, err
	}
	if o.once {
		stop()
		return run, <-done
	}
	fmt.Fprintf(out, "\nStill serving. Send more mail with any mail client: IMAP %s, user %s, password %s (plain, no TLS).\n"+
		"Append a message to INBOX and watch it arrive here. Ctrl-C stops.\n", imapLn.Addr(), demoIMAPUser, demoIMAPPassword)
	err = <-done
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return run, err
}

// demoDatabase (re)creates the demo's own database on the server of serverURL. It never
// touches the database serverURL names.
func demoDatabase(ctx context.Context, serverURL, name string) (string, error) {
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "", fmt.Errorf("demo: database name %q: use lower-case letters, digits and _", name)
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", errors.New("DATABASE_URL: not a URL")
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
	if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	d := *u
	d.Path = "/" + name
	return d.String(), nil
}

func appendSeeds(addr string, seeds []seedMessage) error {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return fmt.Errorf("demo: seed mailbox: %w", err)
	}
	defer c.Close()
	if err := c.Login(demoIMAPUser, demoIMAPPassword).Wait(); err != nil {
		return fmt.Errorf("demo: seed mailbox: %w", err)
	}
	for _, s := range seeds {
		cmd := c.Append("INBOX", int64(len(s.Raw)), &imap.AppendOptions{Time: s.Received})
		if _, err := cmd.Write(s.Raw); err != nil {
			return fmt.Errorf("demo: seed mailbox: %w", err)
		}
		if err := cmd.Close(); err != nil {
			return fmt.Errorf("demo: seed mailbox: %w", err)
		}
		if _, err := cmd.Wait(); err != nil {
			return fmt.Errorf("demo: seed mailbox: %w", err)
		}
	}
	return c.Logout().Wait()
}

// waitHandled waits until every seeded message is stored and the outbox is empty.
func waitHandled(ctx context.Context, dbURL string, n int, done <-chan error) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.NewTimer(2 * time.Minute)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		var stored, pending int
		err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM messages WHERE direction = 'in'),
			(SELECT count(*) FROM outbox WHERE done_at IS NULL AND failed_at IS NULL)`).Scan(&stored, &pending)
		if err == nil && stored >= n && pending == 0 {
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
			return fmt.Errorf("demo: the seeded mail was not handled within 2 minutes (%d of %d stored, %d side effects pending)", stored, n, pending)
		case <-tick.C:
		}
	}
}

func printSummary(ctx context.Context, w io.Writer, dbURL string, clock store.Clock) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	ph := store.DefaultPhases()
	rows, err := db.QueryContext(ctx, `SELECT ref, language, COALESCE(kind, kind_suggested, ''), from_email,
		deadline_at, late, ack_status, ack_suppressed_reason, slack_ts <> '' FROM contributions ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("demo: summary: %w", err)
	}
	defer rows.Close()
	fmt.Fprintln(w, "\n── Summary ──────────────────────────────────────────────────────────────")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tLANG\tKIND (SUGGESTED)\tFROM\tDEADLINE\tCARD\tACKNOWLEDGEMENT")
	for rows.Next() {
		var ref, lang, kind, from, ack, reason string
		var deadline sql.NullTime
		var late, carded bool
		if err := rows.Scan(&ref, &lang, &kind, &from, &deadline, &late, &ack, &reason, &carded); err != nil {
			return err
		}
		dl := ""
		if deadline.Valid {
			d := ph.DeadlineFor(kind, deadline.Time)
			dl = fmt.Sprintf("%s (%d days left)", deadline.Time.In(ph.Location).Format("2 Jan 2006"), ph.DaysLeft(d, clock.Now()))
			if late {
				dl = deadline.Time.In(ph.Location).Format("2 Jan 2006") + " (late)"
			}
		}
		if reason != "" {
			ack += ": " + reason
		}
		card := "posted"
		if !carded {
			card = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ref, lang, kind, from, dl, card, ack)
	}
	tw.Flush()
	var kinds []string
	krows, err := db.QueryContext(ctx, `SELECT kind, count(*) FROM messages WHERE direction = 'in' GROUP BY kind ORDER BY kind`)
	if err != nil {
		return err
	}
	defer krows.Close()
	for krows.Next() {
		var k string
		var n int
		if err := krows.Scan(&k, &n); err != nil {
			return err
		}
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	fmt.Fprintf(w, "\nMessages in: %s. Robots got no acknowledgement.\n", strings.Join(kinds, ", "))
	return rows.Err()
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(database)"
	}
	return u.Redacted()
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

// mailCapture is the demo's SMTP server: it keeps and prints what wsisbot sends.
type mailCapture struct {
	out  io.Writer
	mu   sync.Mutex
	msgs []capturedMail
}

type capturedMail struct {
	From, To, Subject, MessageID, Language, XWSISBot string
	Raw                                              []byte
}

func (m *mailCapture) NewSession(*smtp.Conn) (smtp.Session, error) { return &captureSession{c: m}, nil }

// Sent is a copy of the mail received so far.
func (m *mailCapture) Sent() []capturedMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]capturedMail(nil), m.msgs...)
}

type captureSession struct {
	c        *mailCapture
	from, to string
}

func (s *captureSession) Reset()        {}
func (s *captureSession) Logout() error { return nil }
func (s *captureSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *captureSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *captureSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	cm := capturedMail{From: s.from, To: s.to, Raw: raw}
	if mr, err := mail.CreateReader(bytes.NewReader(raw)); err == nil {
		cm.Subject, _ = mr.Header.Subject()
		cm.MessageID, _ = mr.Header.MessageID()
		cm.Language = mr.Header.Get("Content-Language")
		cm.XWSISBot = mr.Header.Get("X-WSISBot")
	}
	s.c.mu.Lock()
	s.c.msgs = append(s.c.msgs, cm)
	s.c.mu.Unlock()
	fmt.Fprintf(s.c.out, "✉  mail out to %s [%s]: %s\n", cm.To, cm.Language, cm.Subject)
	return nil
}

var _ http.Handler = (*bot.StandIn)(nil)
