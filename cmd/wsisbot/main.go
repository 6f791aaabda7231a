// Command wsisbot is the WSIS Forum consultation's intake desk: it reads the shared
// mailbox, acknowledges contributions in the sender's language and puts every
// contribution in front of the secretariat in Slack.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/wsis/wsisbot/store"
)

// version is stamped by `make build`.
var version = "dev"

const usage = `wsisbot: the WSIS Forum consultation's intake desk

Usage:
  wsisbot [--config FILE] COMMAND [flags]
  wsisbot help [COMMAND]        this text, or the help of one command (also COMMAND --help)

Commands:
  demo      see it work: in-process mailbox, mail server and Slack stand-in (--once: exit when done)
  serve     run the intake, the mailer and the Slack desk (migrates first)
  migrate   apply the database migrations and exit
  resync    read a folder again and store what the database lacks (after a restore)
  import    store mail archives (mbox, Maildir, .eml) as history, exactly once
  export    write every contribution as csv, json or xlsx
  report    write the consultation at a glance: an HTML page and an XLSX workbook
  phases    print the phases and deadlines relative to now
  inspect   parse, sort and suggest for .eml files, as JSON (no database, no configuration)
  config    check the configuration and print it, secrets masked
  version   print the version

Settings are environment variables (see README.md, Configuration); --config FILE also
reads them from a TOML file whose keys are the same names. Every command but help,
version and inspect checks all of them first and stops, naming the setting, when one is invalid.
`

// commandHelp is each command's help: what --help prints.
func commandHelp(name string) (string, bool) {
	h, ok := map[string]string{
		"demo": `Usage: wsisbot demo [--once] [--db NAME] [--imap ADDR] [--report DIR]

See wsisbot work: an in-process IMAP server seeded with the consultation's mail, an
in-process SMTP server that captures what is sent and a Slack stand-in that prints what
the channel shows. Nothing leaves the machine.

PostgreSQL: DATABASE_URL's server when it is set. Otherwise the server at the default
address (127.0.0.1:5432) when it lets us in, else a private server the demo starts (initdb
in a temporary folder, a free loopback port) and removes when it exits; that needs
PostgreSQL's programs installed (make run installs them on Debian or Ubuntu as root).

Flags:
  --once       exit once the seeded mail is handled
  --db NAME    database the demo (re)creates on that server (default wsisbot_demo); it
               drops only a database it created itself (marked by its comment)
  --imap ADDR  address of the demo's IMAP server (default 127.0.0.1:1143; port 0: any free port)
  --report DIR folder where the demo writes its report once the seeded mail is handled
               (default: wsisbot-demo-report in the temporary folder)
`,
		"serve": `Usage: wsisbot serve

Migrate the database, then run the intake (WSISBOT_IMAP_ADDR), the mailer
(WSISBOT_SMTP_ADDR), the Slack desk (SLACK_BOT_TOKEN) and the HTTP endpoints until
SIGINT or SIGTERM: Slack's request URLs on WSISBOT_HTTP_ADDR (public), /healthz, /readyz
and /metrics on WSISBOT_HEALTH_ADDR (internal). A part whose settings are empty is off;
with none of the three it warns that it will do nothing useful.
`,
		"migrate": `Usage: wsisbot migrate

Apply the database migrations (DATABASE_URL) and exit.
`,
		"resync": `Usage: wsisbot resync [--folder NAME] [--since YYYY-MM-DD] [--dry-run] [--no-ack]

Read a folder of the mailbox again and store what the database lacks (after a restore).

Flags:
  --folder NAME        folder to read again (default: WSISBOT_IMAP_PROCESSED, else WSISBOT_IMAP_MAILBOX)
  --mailbox NAME       the same as --folder
  --since YYYY-MM-DD   first day to read, in UTC (default: the whole folder)
  --dry-run            list what would be read; store nothing
  --no-ack             queue no acknowledgement for what is new to the database
`,
		"import": importHelp,
		"export": `Usage: wsisbot export [--format csv|json|xlsx] [--out FILE]

Write every contribution, with attachments and audit trail.

Flags:
  --format csv|json|xlsx   output format (default csv)
  --out FILE               file to write (default: standard output)
`,
		"report": `Usage: wsisbot report [--out DIR] [--from YYYY-MM-DD --to YYYY-MM-DD] [--lang en|fr|es|ru|ar|zh]

Write the consultation at a glance, for publication: DIR/report-LANG.html (one
self-contained page, charts inline, prints to PDF) and DIR/report-LANG.xlsx (a summary
sheet, one row per contribution, one sheet per kind). Phases, kinds and deadlines come
from WSISBOT_PHASES.

Flags:
  --out DIR        folder to write in, created if need be (default report)
  --from DAY       first day of arrival counted, Geneva time (default: the start)
  --to DAY         last day of arrival counted, Geneva time (default: the end)
  --lang LANG      en (default), fr, es, ru, ar (right to left) or zh
`,
		"phases": `Usage: wsisbot phases

Print the phases and deadlines (WSISBOT_PHASES) relative to now (WSISBOT_CLOCK).
`,
		"config": `Usage: wsisbot config

Check every setting and print the configuration, secrets masked. An invalid setting is
named and the exit status is 1.
`,
		"inspect": inspectHelp,
		"version": `Usage: wsisbot version

Print the version.
`,
		"help": `Usage: wsisbot help [COMMAND]

Print the usage, or the help of COMMAND.
`,
	}[name]
	return h, ok
}

// wantsHelp reports whether the flags before any "--" ask for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func main() {
	tuneGC(os.LookupEnv)
	if err := run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "wsisbot:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	global := flag.NewFlagSet("wsisbot", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.Usage = func() {}
	configPath := global.String("config", "", "TOML file with settings (keys are the environment variable names)")
	if err := global.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return nil
	} else if err != nil {
		fmt.Fprint(stderr, usage)
		return err
	}
	if global.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := global.Arg(0), global.Args()[1:]
	if cmd == "help" && !wantsHelp(rest) {
		if len(rest) == 0 {
			fmt.Fprint(stdout, usage)
			return nil
		}
		cmd, rest = rest[0], []string{"--help"}
	}
	help, ok := commandHelp(cmd)
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	if wantsHelp(rest) {
		fmt.Fprint(stdout, help)
		return nil
	}
	if cmd == "version" {
		fmt.Fprintln(stdout, "wsisbot", version)
		return nil
	}
	if cmd == "inspect" {
		return cmdInspect(rest, stdout)
	}
	cfg, err := loadConfig(*configPath, getenv)
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := newLogger(cfg.LogLevel, stderr)

	switch cmd {
	case "migrate":
		applied, err := store.Migrate(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "migrations applied: %d\n", len(applied))
		return nil
	case "phases":
		return cmdPhases(cfg, stdout)
	case "config":
		for _, l := range cfg.masked() {
			fmt.Fprintln(stdout, l)
		}
		return nil
	case "serve":
		if w := cfg.idle(); w != "" {
			logger.Warn(w)
		}
		return cmdServe(ctx, cfg, logger, rest)
	case "export":
		return cmdExport(ctx, cfg, rest, stdout)
	case "report":
		return cmdReport(ctx, cfg, rest, stdout)
	case "resync":
		return cmdResync(ctx, cfg, logger, rest, stdout)
	case "import":
		return cmdImport(ctx, cfg, logger, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, cfg, logger, rest, stdout)
	}
	return fmt.Errorf("command %q has no implementation", cmd)
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if f, ok := w.(*os.File); ok && isTerminal(f) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
