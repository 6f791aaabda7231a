package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != "127.0.0.1:8080" || cfg.HealthAddr != "127.0.0.1:9090" || cfg.IMAP.Mailbox != "INBOX" || cfg.IMAP.Poll != 30*time.Second ||
		!cfg.Mail.Ack || cfg.Mail.AckWindow != 24*time.Hour || cfg.Mail.AckPerDay != 5 {
		t.Fatalf("defaults: %+v", cfg)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"WSISBOT_CLOCK":                   {"WSISBOT_CLOCK": "next tuesday"},
		"WSISBOT_HTTP_ADDR":               {"WSISBOT_HTTP_ADDR": "8080"},
		"WSISBOT_HEALTH_ADDR":             {"WSISBOT_HEALTH_ADDR": "9090"},
		"WSISBOT_HEALTH_ADDR must differ": {"WSISBOT_HTTP_ADDR": "0.0.0.0:8080", "WSISBOT_HEALTH_ADDR": "0.0.0.0:8080"},
		"DATABASE_URL":                    {"DATABASE_URL": "postgres://u:p%zz@db/x"},
		"WSISBOT_IMAP_POLL":               {"WSISBOT_IMAP_POLL": "often"},
		"WSISBOT_ACK":                     {"WSISBOT_ACK": "maybe"},
		"WSISBOT_PHASES":                  {"WSISBOT_PHASES": "/nonexistent/phases.toml"},
		"WSISBOT_LOG_LEVEL":               {"WSISBOT_LOG_LEVEL": "loud"},
		"WSISBOT_ACK_PER_SENDER_PER_DAY":  {"WSISBOT_ACK_PER_SENDER_PER_DAY": "five"},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, err := loadConfig("", env(e))
			if err == nil {
				err = cfg.Validate()
			}
			setting, _, _ := strings.Cut(name, " ")
			if err == nil || !strings.Contains(err.Error(), setting) {
				t.Fatalf("err = %v, want one naming %s", err, setting)
			}
		})
	}
}

func TestConfigSecretsFromFilesAndMasked(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "imap-password")
	if err := os.WriteFile(pw, []byte("s3cret-imap\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig("", env(map[string]string{"WSISBOT_IMAP_PASSWORD_FILE": pw, "SLACK_BOT_TOKEN": "xoxb-very-secret",
		"DATABASE_URL": "postgres://u:dbpass@db/wsisbot"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Password != "s3cret-imap" {
		t.Fatalf("password from file = %q", cfg.IMAP.Password)
	}
	printed := strings.Join(cfg.masked(), "\n")
	for _, secret := range []string{"s3cret-imap", "xoxb-very-secret", "dbpass"} {
		if strings.Contains(printed, secret) {
			t.Fatalf("a secret is printed:\n%s", printed)
		}
	}
	if !strings.Contains(printed, "WSISBOT_IMAP_PASSWORD=********") {
		t.Fatalf("the masked setting is not shown:\n%s", printed)
	}
	// Both the value and its file: refused, naming both.
	_, err = loadConfig("", env(map[string]string{"WSISBOT_IMAP_PASSWORD_FILE": pw, "WSISBOT_IMAP_PASSWORD": "x"}))
	if err == nil || !strings.Contains(err.Error(), "WSISBOT_IMAP_PASSWORD_FILE") {
		t.Fatalf("err = %v", err)
	}
	// A missing secret file names the variable, not the secret.
	_, err = loadConfig("", env(map[string]string{"SLACK_BOT_TOKEN_FILE": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN_FILE") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "wsisbot.toml")
	if err := os.WriteFile(file, []byte("WSISBOT_HTTP_ADDR = \"127.0.0.1:9999\"\nWSISBOT_IMAP_POLL = \"1m\"\nWSISBOT_ACK_PER_SENDER_PER_DAY = 3\nWSISBOT_ACK = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(file, env(map[string]string{"WSISBOT_IMAP_POLL": "2m"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HTTPAddr != "127.0.0.1:9999" || cfg.IMAP.Poll != 2*time.Minute || cfg.Mail.AckPerDay != 3 || cfg.Mail.Ack {
		t.Fatalf("file + environment: %+v", cfg)
	}
	if err := os.WriteFile(file, []byte("WSISBOT_HTTP_ADRR = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(file, env(nil)); err == nil || !strings.Contains(err.Error(), "WSISBOT_HTTP_ADRR") {
		t.Fatalf("a misspelt setting: err = %v", err)
	}
}

func TestPhasesCommand(t *testing.T) {
	var out, errw bytes.Buffer
	if err := run([]string{"phases"}, &out, &errw, env(map[string]string{"WSISBOT_CLOCK": "2019-02-09T12:00:00+01:00"})); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"▶", "III", "Sun 10 Feb 2019 23:59:59", "Next deadline", "(1 day left)"} {
		if !strings.Contains(s, want) {
			t.Errorf("phases output lacks %q:\n%s", want, s)
		}
	}
}

// TestReadmeListsEverySetting keeps the README's configuration table true.
func TestReadmeListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{}
	for _, f := range fields(reflect.ValueOf(cfg).Elem()) {
		if !strings.Contains(string(b), "| `"+f.Env+"` |") {
			t.Errorf("README.md's configuration table lacks %s", f.Env)
		}
	}
}

// TestConfigRefusesCleartextToRemoteServers: a password, token or bot token never
// crosses the network without TLS; a server on this machine may go without.
func TestConfigRefusesCleartextToRemoteServers(t *testing.T) {
	imap := func(addr, tls string) map[string]string {
		return map[string]string{"WSISBOT_IMAP_ADDR": addr, "WSISBOT_IMAP_TLS": tls, "WSISBOT_IMAP_USER": "u", "WSISBOT_IMAP_PASSWORD": "p"}
	}
	smtp := func(addr, tls string) map[string]string {
		return map[string]string{"WSISBOT_SMTP_ADDR": addr, "WSISBOT_SMTP_TLS": tls}
	}
	slack := func(api string) map[string]string {
		return map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "WSISBOT_SLACK_CHANNEL": "C1", "SLACK_API_URL": api}
	}
	cases := []struct {
		name    string
		env     map[string]string
		refused string // the setting named in the error; "" when accepted
	}{
		{"imap none remote", imap("imap.example.org:143", "none"), "WSISBOT_IMAP_TLS=none"},
		{"imap none remote ip", imap("192.0.2.7:143", "none"), "WSISBOT_IMAP_TLS=none"},
		{"imap none loopback", imap("127.0.0.1:1143", "none"), ""},
		{"imap none localhost", imap("localhost:1143", "none"), ""},
		{"imap none ipv6 loopback", imap("[::1]:1143", "none"), ""},
		{"imap tls remote", imap("imap.example.org:993", "tls"), ""},
		{"smtp none remote", smtp("smtp.example.org:25", "none"), "WSISBOT_SMTP_TLS=none"},
		{"smtp none loopback", smtp("127.0.0.1:2525", "none"), ""},
		{"slack http remote", slack("http://slack.example.org/api/"), "SLACK_API_URL"},
		{"slack http loopback", slack("http://127.0.0.1:8088/api/"), ""},
		{"slack https remote", slack("https://slack.com/api/"), ""},
		{"slack other scheme", slack("ftp://slack.com/api/"), "SLACK_API_URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig("", env(c.env))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.Validate()
			switch {
			case c.refused == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.refused != "" && (err == nil || !strings.Contains(err.Error(), c.refused)):
				t.Fatalf("err = %v, want one naming %s", err, c.refused)
			}
		})
	}
}

// TestNoSecretInConfigOutputOrErrors: `wsisbot config` masks every secret, the token
// command (its arguments may carry one) and the database password; a DATABASE_URL that
// cannot be read is refused naming the setting, by every command, without repeating it.
func TestNoSecretInConfigOutputOrErrors(t *testing.T) {
	secrets := []string{"dbPass1234", "xoxb-bot-secret", "xapp-app-secret", "signing-secret-1", "imap-pass-1", "smtp-pass-1", "client-secret-1"}
	check := func(t *testing.T, what string, s ...string) {
		t.Helper()
		for _, text := range s {
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("%s shows %q:\n%s", what, secret, text)
				}
			}
		}
	}
	base := map[string]string{
		"DATABASE_URL":    "postgres://wsis:dbPass1234@db.example.org/wsisbot?sslmode=require",
		"SLACK_BOT_TOKEN": "xoxb-bot-secret", "SLACK_APP_TOKEN": "xapp-app-secret", "SLACK_SIGNING_SECRET": "signing-secret-1",
		"WSISBOT_SLACK_CHANNEL": "C1",
		"WSISBOT_SMTP_ADDR":     "smtp.example.org:587", "WSISBOT_SMTP_USER": "u", "WSISBOT_SMTP_PASSWORD": "smtp-pass-1",
		"WSISBOT_IMAP_ADDR": "imap.example.org:993", "WSISBOT_IMAP_USER": "u",
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for name, e := range map[string]map[string]string{
		"password":      with(map[string]string{"WSISBOT_IMAP_PASSWORD": "imap-pass-1"}),
		"token command": with(map[string]string{"WSISBOT_IMAP_TOKEN_CMD": "oauth2l fetch --client_secret client-secret-1"}),
		"key=value URL": with(map[string]string{"WSISBOT_IMAP_PASSWORD": "imap-pass-1", "DATABASE_URL": "host=db user=wsis password=dbPass1234"}),
	} {
		t.Run(name, func(t *testing.T) {
			var out, errw bytes.Buffer
			if err := run([]string{"config"}, &out, &errw, env(e)); err != nil {
				t.Fatal(err)
			}
			check(t, "wsisbot config", out.String(), errw.String())
			if !strings.Contains(out.String(), "db") || !strings.Contains(out.String(), "SLACK_BOT_TOKEN=********") {
				t.Errorf("the masked configuration lacks what is not secret:\n%s", out.String())
			}
		})
	}
	for _, bad := range []string{
		"postgres://wsis:dbPass1234%@db.example.org/wsisbot",
		"postgres://wsis:dbPass1234 @db.example.org/wsisbot",
		"host=db password=dbPass1234 dbPass1234",
	} {
		for _, cmd := range []string{"config", "migrate", "serve", "export"} {
			var out, errw bytes.Buffer
			err := run([]string{cmd}, &out, &errw, env(map[string]string{"DATABASE_URL": bad, "WSISBOT_HTTP_ADDR": "127.0.0.1:0", "WSISBOT_HEALTH_ADDR": "127.0.0.1:0"}))
			if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
				t.Errorf("%s with a bad DATABASE_URL: err = %v, want one naming DATABASE_URL", cmd, err)
				continue
			}
			check(t, cmd, err.Error(), out.String(), errw.String())
		}
	}
}
