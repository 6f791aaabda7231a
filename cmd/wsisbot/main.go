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

Commands:
  demo      see it work: in-process mailbox, mail server and Slack stand-in (--once: exit when done)
  serve     run the intake, the mailer and the Slack desk (migrates first)
  migrate   apply the database migrations and exit
  resync    read a folder again and store what the database lacks (after a restore):
            resync [--folder NAME] [--since YYYY-MM-DD] [--dry-run] [--no-ack]
  export    write every contribution: export --format csv|json|xlsx [--out FILE]
  phases    print the phases and deadlines relative to now
  config    print the configuration, secrets masked
  version   print the version
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "wsisbot:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	global := flag.NewFlagSet("wsisbot", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	configPath := global.String("config", "", "TOML file with settings (keys are the environment variable names)")
	if err := global.Parse(args); err != nil {
		return err
	}
	if global.NArg() == 0 {
		global.Usage()
		return errors.New("no command given")
	}
	cmd, rest := global.Arg(0), global.Args()[1:]
	if cmd == "version" {
		fmt.Fprintln(stdout, "wsisbot", version)
		return nil
	}
	cfg, err := loadConfig(*configPath, getenv)
	if err != nil {
		return err
	}
	if err := cfg.validate(); err != nil {
		return err
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
		return cmdServe(ctx, cfg, logger, rest)
	case "export":
		return cmdExport(ctx, cfg, rest, stdout)
	case "resync":
		return cmdResync(ctx, cfg, logger, rest, stdout)
	case "demo":
		return cmdDemo(ctx, cfg, logger, rest, stdout)
	}
	global.Usage()
	return fmt.Errorf("unknown command %q", cmd)
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
