package main

import (
	"bytes"
	"strings"
	"testing"
)

// closedDB is a database nobody serves: a command that gets as far as the database fails
// at once, so a test sees that it did not stop before.
const closedDB = "postgres://postgres@127.0.0.1:1/wsisbot?sslmode=disable"

func runCLI(args []string, e map[string]string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	err = run(args, &out, &errOut, env(e))
	return out.String(), errOut.String(), err
}

// TestHelpPrintsUsage checks that --help, -h and help print the usage on standard
// output and succeed.
func TestHelpPrintsUsage(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"-help"}, {"help"}, {"--config", "x.toml", "--help"}} {
		out, errOut, err := runCLI(args, nil)
		if err != nil || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Commands:") || errOut != "" {
			t.Errorf("wsisbot %s: err %v, stdout %q, stderr %q", strings.Join(args, " "), err, out, errOut)
		}
	}
	// The usage lists every command.
	out, _, _ := runCLI([]string{"help"}, nil)
	for _, cmd := range []string{"demo", "serve", "migrate", "resync", "import", "export", "report", "phases", "inspect", "config", "version"} {
		if !strings.Contains(out, "\n  "+cmd+" ") {
			t.Errorf("the usage does not list %s:\n%s", cmd, out)
		}
	}
	if _, errOut, err := runCLI(nil, nil); err == nil || !strings.Contains(errOut, "Usage:") {
		t.Errorf("wsisbot with no command: err %v, stderr %q; want an error and the usage", err, errOut)
	}
	if _, _, err := runCLI([]string{"frobnicate"}, nil); err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Errorf("an unknown command: err %v", err)
	}
}

// TestCommandHelpDoesNotRun checks that every command's --help prints its help and
// does nothing else: not even reading the configuration (here invalid, and the database
// unreachable).
func TestCommandHelpDoesNotRun(t *testing.T) {
	bad := map[string]string{"DATABASE_URL": closedDB, "WSISBOT_IMAP_TLS": "bogus", "WSISBOT_HTTP_ADDR": "127.0.0.1:0"}
	flags := map[string][]string{
		"demo":   {"--once", "--db", "--imap"},
		"resync": {"--folder", "--mailbox", "--since", "--dry-run", "--no-ack"},
		"export": {"--format", "--out"},
		"import": {"--dry-run", "--since", "--until", "--mailbox"},
	}
	for _, cmd := range []string{"demo", "serve", "migrate", "resync", "import", "export", "phases", "config", "version", "help"} {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			out, errOut, err := runCLI(args, bad)
			if err != nil || !strings.HasPrefix(out, "Usage: wsisbot "+cmd) || errOut != "" {
				t.Errorf("wsisbot %s: err %v, stdout %q, stderr %q", strings.Join(args, " "), err, out, errOut)
				continue
			}
			for _, f := range flags[cmd] {
				if !strings.Contains(out, f) {
					t.Errorf("wsisbot %s does not mention %s:\n%s", strings.Join(args, " "), f, out)
				}
			}
		}
	}
}

// TestEveryCommandValidatesFirst checks that each command refuses an invalid setting,
// naming it, before it does anything (the database here is unreachable: a command that
// went on would fail differently).
func TestEveryCommandValidatesFirst(t *testing.T) {
	bad := map[string]string{"DATABASE_URL": closedDB, "WSISBOT_IMAP_TLS": "bogus", "WSISBOT_HTTP_ADDR": "127.0.0.1:0"}
	for _, cmd := range []string{"config", "serve", "demo", "resync", "import", "export", "migrate", "phases"} {
		out, _, err := runCLI([]string{cmd}, bad)
		if err == nil || !strings.Contains(err.Error(), "WSISBOT_IMAP_TLS") || out != "" {
			t.Errorf("wsisbot %s with WSISBOT_IMAP_TLS=bogus: err %v, stdout %q; want an error naming WSISBOT_IMAP_TLS and nothing done", cmd, err, out)
		}
	}
}

// TestConfigCommandNamesTheInvalidSetting checks that `wsisbot config` fails on each part's
// invalid settings, naming the variable, and prints the configuration when all is well.
func TestConfigCommandNamesTheInvalidSetting(t *testing.T) {
	cases := map[string]map[string]string{
		"WSISBOT_IMAP_TLS":      {"WSISBOT_IMAP_TLS": "bogus"},
		"WSISBOT_IMAP_USER":     {"WSISBOT_IMAP_ADDR": "imap.example.org:993"},
		"WSISBOT_IMAP_POLL":     {"WSISBOT_IMAP_ADDR": "imap.example.org:993", "WSISBOT_IMAP_USER": "u", "WSISBOT_IMAP_PASSWORD": "p", "WSISBOT_IMAP_POLL": "10ms"},
		"WSISBOT_SMTP_TLS":      {"WSISBOT_SMTP_TLS": "sometimes"},
		"WSISBOT_SMTP_ADDR":     {"WSISBOT_SMTP_ADDR": "smtp.example.org"},
		"WSISBOT_FROM":          {"WSISBOT_FROM": "not an address"},
		"WSISBOT_TEMPLATES":     {"WSISBOT_TEMPLATES": "/nonexistent/templates"},
		"WSISBOT_SLACK_CHANNEL": {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
		"SLACK_BOT_TOKEN":       {"SLACK_APP_TOKEN": "xapp-1"},
		"WSISBOT_HTTP_ADDR":     {"WSISBOT_HTTP_ADDR": "8080"},
		"WSISBOT_PHASES":        {"WSISBOT_PHASES": "/nonexistent/phases.toml"},
		"WSISBOT_CLOCK":         {"WSISBOT_CLOCK": "next tuesday"},
		"WSISBOT_LOG_LEVEL":     {"WSISBOT_LOG_LEVEL": "loud"},
	}
	for name, e := range cases {
		out, _, err := runCLI([]string{"config"}, e)
		if err == nil || !strings.Contains(err.Error(), name) || out != "" {
			t.Errorf("%v: err %v, stdout %q; want an error naming %s", e, err, out, name)
		}
	}
	out, _, err := runCLI([]string{"config"}, map[string]string{"WSISBOT_IMAP_TLS": "starttls"})
	if err != nil || !strings.Contains(out, "WSISBOT_IMAP_TLS=starttls") {
		t.Errorf("a valid configuration: err %v, stdout %q", err, out)
	}
}

// TestServeWarnsWhenNothingIsConfigured checks that serve with no mailbox, mail server or
// Slack says so, naming the settings to set, and says nothing when one is configured.
func TestServeWarnsWhenNothingIsConfigured(t *testing.T) {
	_, errOut, _ := runCLI([]string{"serve"}, map[string]string{"DATABASE_URL": closedDB})
	for _, want := range []string{"nothing to do", "WSISBOT_IMAP_ADDR", "WSISBOT_SMTP_ADDR", "SLACK_BOT_TOKEN", `"level":"WARN"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("serve with nothing configured: the log lacks %q:\n%s", want, errOut)
		}
	}
	_, errOut, _ = runCLI([]string{"serve"}, map[string]string{"DATABASE_URL": closedDB, "WSISBOT_SMTP_ADDR": "127.0.0.1:25", "WSISBOT_SMTP_TLS": "none"})
	if strings.Contains(errOut, "nothing to do") {
		t.Errorf("serve with a mail server warned that it has nothing to do:\n%s", errOut)
	}
}
