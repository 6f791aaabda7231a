package main

import (
	"cmp"
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/templates"
)

// Config is wsisbot's whole configuration: one typed struct, read from environment
// variables and, with --config, from a TOML file whose keys are the same variable names
// (the environment wins). Fields carry their variable in an `env` tag, a default in
// `default`, `secret:"true"` for values that also have a *_FILE variant and are
// masked wherever the configuration is printed, and `masked:"true"` for values that are
// masked without a file variant (a command whose arguments may hold a secret).
type Config struct {
	DatabaseURL string `env:"DATABASE_URL" default:"postgres://postgres@127.0.0.1:5432/wsisbot?sslmode=disable" secret:"true" help:"PostgreSQL connection URL"`
	Phases      string `env:"WSISBOT_PHASES" help:"TOML file of phases and deadlines (default: WSIS Forum 2019, embedded)"`
	Clock       string `env:"WSISBOT_CLOCK" help:"start the clock at this RFC 3339 instant and let it run on (demos, tests)"`
	HTTPAddr    string `env:"WSISBOT_HTTP_ADDR" default:"127.0.0.1:8080" help:"listen address for Slack's request URLs (/slack/events, /slack/interactions, /slack/commands), the only public endpoints; empty: none"`
	HealthAddr  string `env:"WSISBOT_HEALTH_ADDR" default:"127.0.0.1:9090" help:"listen address for /healthz, /readyz and /metrics; keep it internal; empty: none"`
	LogLevel    string `env:"WSISBOT_LOG_LEVEL" default:"info" help:"debug, info, warn or error"`

	// IMAP and Mail each carry the OAuth settings (WSISBOT_OAUTH...), loaded from the
	// same variables: one set serves the intake and the mailer.
	IMAP      mailin.IMAPConfig
	Mailboxes mailin.MailboxesConfig
	Mail      mailin.MailConfig
	Bot       bot.Config

	// mailboxes are the mailboxes read: the first (IMAP) and those of WSISBOT_MAILBOXES,
	// each with every IMAP setting, its own or inherited (see loadMailboxes).
	mailboxes []mailin.Mailbox
	given     map[string]bool // the settings given by the file or the environment
}

// isSet reports whether the setting env was given, by the file or the environment, not
// left to its default.
func (c *Config) isSet(env string) bool { return c.given[env] }

// field describes one configuration variable, for loading, validation and the README.
type field struct {
	Env, Default, Help string
	Secret             bool // masked when printed, and read from ENV_FILE too
	Masked             bool // masked when printed (it may hold a secret)
	Value              reflect.Value
}

func fields(v reflect.Value) []field {
	var out []field
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf, fv := t.Field(i), v.Field(i)
		if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Duration(0)) && sf.Tag.Get("env") == "" {
			out = append(out, fields(fv)...)
			continue
		}
		name := sf.Tag.Get("env")
		if name == "" {
			continue
		}
		out = append(out, field{Env: name, Default: sf.Tag.Get("default"), Help: sf.Tag.Get("help"), Secret: sf.Tag.Get("secret") == "true",
			Masked: sf.Tag.Get("masked") == "true", Value: fv})
	}
	return out
}

// loadConfig reads the configuration: defaults, then the TOML file (if any), then the
// environment. getenv is os.Getenv outside tests.
func loadConfig(path string, getenv func(string) string) (*Config, error) {
	file := map[string]any{}
	if path != "" {
		if _, err := toml.DecodeFile(path, &file); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	cfg := &Config{given: map[string]bool{}}
	known := map[string]bool{}
	secretFiles := map[string]string{}
	for _, f := range fields(reflect.ValueOf(cfg).Elem()) {
		known[f.Env] = true
		raw, set := f.Default, false
		if v, ok := file[f.Env]; ok {
			raw, set = fmt.Sprint(v), true
		}
		if v := getenv(f.Env); v != "" {
			raw, set = v, true
		}
		if f.Secret {
			known[f.Env+"_FILE"] = true
			fileVar := f.Env + "_FILE"
			fp := getenv(fileVar)
			if v, ok := file[fileVar]; ok && fp == "" {
				fp = fmt.Sprint(v)
			}
			if fp != "" {
				if set {
					return nil, fmt.Errorf("%s and %s are both set: use one", f.Env, fileVar)
				}
				b, err := os.ReadFile(fp)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", fileVar, err)
				}
				raw, set = strings.TrimRight(string(b), "\r\n"), true
				secretFiles[f.Env] = fp
			}
		}
		cfg.given[f.Env] = set
		if err := setValue(f.Value, raw); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Env, err)
		}
	}
	// The intake reads its password file again at each login; the OAuth token sources
	// read the refresh token file again at each renewal.
	cfg.IMAP.PasswordFile = secretFiles["WSISBOT_IMAP_PASSWORD"]
	cfg.IMAP.OAuth.RefreshTokenFile = secretFiles["WSISBOT_OAUTH_REFRESH_TOKEN"]
	cfg.Mail.OAuth.RefreshTokenFile = secretFiles["WSISBOT_OAUTH_REFRESH_TOKEN"]
	if err := cfg.loadMailboxes(file, getenv, known); err != nil {
		return nil, err
	}
	for k := range file {
		if !known[k] {
			return nil, fmt.Errorf("config %s: unknown setting %q", path, k)
		}
	}
	return cfg, nil
}

// allMailboxes are the mailboxes to read, the first one as the WSISBOT_IMAP_* settings
// and WSISBOT_FROM say now (a caller may have changed them since loading).
func (c *Config) allMailboxes() []mailin.Mailbox {
	mbs := slices.Clone(c.mailboxes)
	if len(mbs) == 0 {
		mbs = []mailin.Mailbox{{}}
	}
	mbs[0].Name = cmp.Or(c.Mailboxes.MainName, "main")
	mbs[0].IMAP, mbs[0].From, mbs[0].Kind = c.IMAP, c.Mail.From, store.ContributionKind(c.Mailboxes.MainKind)
	return mbs
}

// ingestPolicy is the policy the intake stores mail under (mailin.MailConfig.IngestPolicy),
// with every mailbox's From address among our own: mail from any of them is our own.
func (c *Config) ingestPolicy(canSend bool) (store.IngestPolicy, error) {
	pol, err := c.Mail.IngestPolicy(canSend)
	if err != nil {
		return pol, err
	}
	for _, mb := range c.allMailboxes()[1:] {
		from, err := (mailin.MailConfig{From: mb.From}).FromAddress()
		if err != nil {
			return pol, fmt.Errorf("mailbox %s: %w", mb.Name, err)
		}
		if !slices.ContainsFunc(pol.OurAddresses, func(a string) bool { return strings.EqualFold(a, from.Address) }) {
			pol.OurAddresses = append(pol.OurAddresses, from.Address)
		}
	}
	return pol, nil
}

// mailboxNamePattern is what a mailbox's name may be: it becomes part of variable names.
var mailboxNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// mailboxSetting is the variable of setting env (an IMAPConfig variable, or WSISBOT_FROM
// and WSISBOT_IMAP_KIND) for the mailbox named name: env itself for the first mailbox,
// else WSISBOT_MAILBOX_<NAME>_ followed by env without WSISBOT_
// (WSISBOT_MAILBOX_WORKSHOPS_IMAP_ADDR, WSISBOT_MAILBOX_WORKSHOPS_FROM,
// WSISBOT_MAILBOX_WORKSHOPS_KIND).
// setSecretFile records the file a mailbox's secret that is read again later came from
// (the password at each login, the refresh token at each renewal); "" when the mailbox
// has its own value rather than a file.
func setSecretFile(c *mailin.IMAPConfig, env, path string) {
	switch env {
	case "WSISBOT_IMAP_PASSWORD":
		c.PasswordFile = path
	case "WSISBOT_OAUTH_REFRESH_TOKEN":
		c.OAuth.RefreshTokenFile = path
	}
}

func (c *Config) mailboxSetting(name, env string) string {
	if len(c.mailboxes) == 0 || name == c.mailboxes[0].Name {
		return env
	}
	if env == "WSISBOT_IMAP_KIND" {
		env = "WSISBOT_KIND"
	}
	return "WSISBOT_MAILBOX_" + strings.ToUpper(name) + "_" + strings.TrimPrefix(env, "WSISBOT_")
}

// loadMailboxes builds the list of mailboxes: the first from WSISBOT_IMAP_*, WSISBOT_FROM
// and WSISBOT_IMAP_KIND, then one per name of WSISBOT_MAILBOXES, whose settings are read
// from the file and the environment under mailboxSetting's names, for every variable of
// mailin.IMAPConfig (so that a setting added there works per mailbox with no more code),
// each one not given inheriting the first mailbox's. known collects their names.
func (c *Config) loadMailboxes(file map[string]any, getenv func(string) string, known map[string]bool) error {
	main := mailin.Mailbox{Name: c.Mailboxes.MainName, IMAP: c.IMAP, From: c.Mail.From, Kind: store.ContributionKind(c.Mailboxes.MainKind)}
	c.mailboxes = []mailin.Mailbox{main}
	lookup := func(env string) (string, bool) {
		if v := getenv(env); v != "" {
			return v, true
		}
		if v, ok := file[env]; ok {
			return fmt.Sprint(v), true
		}
		return "", false
	}
	for _, name := range c.Mailboxes.Names {
		if !mailboxNamePattern.MatchString(name) {
			return fmt.Errorf("WSISBOT_MAILBOXES: %q is not a mailbox name (lower-case letters, digits and _, starting with a letter, at most 32)", name)
		}
		mb := main
		mb.Name = name
		c.mailboxes = append(c.mailboxes, mb) // for mailboxSetting; filled in below
		m := &c.mailboxes[len(c.mailboxes)-1]
		for _, f := range fields(reflect.ValueOf(&m.IMAP).Elem()) {
			env := c.mailboxSetting(name, f.Env)
			known[env] = true
			raw, set := lookup(env)
			if f.Secret {
				fileVar := env + "_FILE"
				known[fileVar] = true
				if fp, ok := lookup(fileVar); ok {
					if set {
						return fmt.Errorf("%s and %s are both set: use one", env, fileVar)
					}
					b, err := os.ReadFile(fp)
					if err != nil {
						return fmt.Errorf("%s: %w", fileVar, err)
					}
					raw, set = strings.TrimRight(string(b), "\r\n"), true
					setSecretFile(&m.IMAP, f.Env, fp)
				} else if set {
					setSecretFile(&m.IMAP, f.Env, "") // its own secret, not the first mailbox's file
				}
			}
			c.given[env] = set
			if !set {
				continue // inherited
			}
			if err := setValue(f.Value, raw); err != nil {
				return fmt.Errorf("%s: %w", env, err)
			}
		}
		for _, s := range []struct {
			env string
			to  *string
		}{{"WSISBOT_FROM", &m.From}, {"WSISBOT_IMAP_KIND", (*string)(&m.Kind)}} {
			env := c.mailboxSetting(name, s.env)
			known[env] = true
			if v, ok := lookup(env); ok {
				*s.to, c.given[env] = v, true
			}
		}
	}
	return nil
}

func setValue(v reflect.Value, raw string) error {
	switch v.Interface().(type) {
	case time.Duration:
		if raw == "" {
			v.SetInt(0)
			return nil
		}
		d, err := time.ParseDuration(raw)
		if err != nil {
			return fmt.Errorf("not a duration (e.g. 30s, 5m, 24h): %q", raw)
		}
		v.SetInt(int64(d))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(raw)
	case reflect.Int, reflect.Int64:
		if raw == "" {
			v.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("not a whole number: %q", raw)
		}
		v.SetInt(n)
	case reflect.Bool:
		switch strings.ToLower(raw) {
		case "", "0", "false", "off", "no":
			v.SetBool(false)
		case "1", "true", "on", "yes":
			v.SetBool(true)
		default:
			return fmt.Errorf("not on or off: %q", raw)
		}
	case reflect.Slice:
		var parts []string
		for _, p := range strings.Split(raw, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		v.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported setting type %s", v.Type())
	}
	return nil
}

// Validate checks every setting, for every command, before anything is done: the
// database, the clock, the HTTP address, the log level, the phases file, the mailbox
// (IMAP), mail out (SMTP and the sender address), the templates and Slack. A part that
// is off (its address or token empty) has its other settings checked only for values
// that can never be right. Each message names the variable.
func (c *Config) Validate() error {
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is required"))
	} else if err := store.CheckURL(c.DatabaseURL); err != nil {
		// The message never repeats the setting: it holds the password.
		errs = append(errs, fmt.Errorf("DATABASE_URL: %w", err))
	}
	if c.Clock != "" {
		if _, err := time.Parse(time.RFC3339, c.Clock); err != nil {
			errs = append(errs, fmt.Errorf("WSISBOT_CLOCK: not an RFC 3339 time such as 2019-01-20T10:00:00+01:00: %q", c.Clock))
		}
	}
	for _, a := range []struct{ env, addr string }{{"WSISBOT_HTTP_ADDR", c.HTTPAddr}, {"WSISBOT_HEALTH_ADDR", c.HealthAddr}} {
		if a.addr == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(a.addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: not host:port: %q", a.env, a.addr))
		}
	}
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err == nil && port != "0" && c.HTTPAddr == c.HealthAddr {
		errs = append(errs, fmt.Errorf("WSISBOT_HEALTH_ADDR: must differ from WSISBOT_HTTP_ADDR (%s): health and metrics are not served with Slack's public endpoints", c.HTTPAddr))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("WSISBOT_LOG_LEVEL: must be debug, info, warn or error, not %q", c.LogLevel))
	}
	if c.Phases != "" {
		if _, err := store.LoadPhases(c.Phases); err != nil {
			errs = append(errs, fmt.Errorf("WSISBOT_PHASES: %w", err))
		}
	}

	if c.IMAP.Addr != "" {
		if err := c.IMAP.Validate(); err != nil {
			errs = append(errs, err)
		}
	} else if !slices.Contains([]string{mailin.TLSImplicit, mailin.TLSStartTLS, mailin.TLSNone}, c.IMAP.TLS) {
		errs = append(errs, fmt.Errorf("WSISBOT_IMAP_TLS: must be tls, starttls or none, not %q", c.IMAP.TLS))
	}

	errs = append(errs, c.validateMailboxes()...)

	if c.Mail.SMTPAddr != "" {
		if err := c.Mail.ValidateSMTP(); err != nil {
			errs = append(errs, err)
		}
	} else {
		if !slices.Contains([]string{mailin.SMTPImplicitTLS, mailin.SMTPStartTLS, mailin.SMTPPlain}, c.Mail.SMTPTLS) {
			errs = append(errs, fmt.Errorf("WSISBOT_SMTP_TLS: must be tls, starttls or none, not %q", c.Mail.SMTPTLS))
		}
		// The sender address also marks our own mail coming back to the mailbox.
		if _, err := c.Mail.FromAddress(); err != nil {
			errs = append(errs, err)
		}
	}
	// The OAuth settings, shared by the intake and the mailer, are checked once.
	if err := c.IMAP.OAuth.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Mail.Templates != "" {
		if _, err := templates.Load(c.Mail.Templates, store.Strings(store.Kinds)); err != nil {
			errs = append(errs, fmt.Errorf("WSISBOT_TEMPLATES: %w", err))
		}
	}

	if c.Bot.BotToken != "" {
		if err := c.Bot.Validate(); err != nil {
			errs = append(errs, err)
		}
	} else if c.Bot.AppToken != "" {
		errs = append(errs, errors.New("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: set both for Slack, or neither"))
	}
	return joinOnce(errs)
}

// joinOnce joins errs, each line once: the intake and the mailer check the same OAuth
// settings.
func joinOnce(errs []error) error {
	seen := map[string]bool{}
	var out []error
	for _, err := range errs {
		if err == nil {
			continue
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			if !seen[line] {
				seen[line] = true
				out = append(out, errors.New(line))
			}
		}
	}
	return errors.Join(out...)
}

// validateMailboxes checks what WSISBOT_MAILBOXES adds: each further mailbox's IMAP
// settings as the first one's are checked, its From and the default kinds; the errors
// name each mailbox's own variables.
func (c *Config) validateMailboxes() []error {
	var errs []error
	for i, m := range c.mailboxes {
		if m.Kind != "" && !slices.Contains(store.Kinds, m.Kind) {
			errs = append(errs, fmt.Errorf("%s: must be one of %s, not %q", c.mailboxSetting(m.Name, "WSISBOT_IMAP_KIND"),
				strings.Join(store.Strings(store.Kinds), ", "), m.Kind))
		}
		if i == 0 {
			if !mailboxNamePattern.MatchString(m.Name) {
				errs = append(errs, fmt.Errorf("WSISBOT_IMAP_NAME: %q is not a mailbox name (lower-case letters, digits and _, starting with a letter, at most 32)", m.Name))
			}
			continue // the rest is checked as WSISBOT_IMAP_* and WSISBOT_FROM
		}
		rename := c.mailboxRenamer(m.Name)
		if c.IMAP.Addr == "" {
			errs = append(errs, fmt.Errorf("WSISBOT_MAILBOXES: mailbox %s needs the first mailbox: set WSISBOT_IMAP_ADDR", m.Name))
		} else if err := m.IMAP.Validate(); err != nil {
			errs = append(errs, errors.New(rename.Replace(err.Error())))
		}
		if _, err := (mailin.MailConfig{From: m.From}).FromAddress(); err != nil {
			errs = append(errs, errors.New(rename.Replace(err.Error())))
		}
	}
	if err := mailin.CheckMailboxes(c.mailboxes, "WSISBOT_MAILBOXES", c.mailboxSetting); err != nil {
		errs = append(errs, err)
	}
	return errs
}

// mailboxRenamer rewrites the first mailbox's variable names in a message into those of
// the mailbox named name: the message then names the setting at fault.
func (c *Config) mailboxRenamer(name string) *strings.Replacer {
	envs := []string{"WSISBOT_FROM"}
	for _, f := range fields(reflect.ValueOf(&mailin.IMAPConfig{}).Elem()) {
		envs = append(envs, f.Env, f.Env+"_FILE")
	}
	// Longer names first: WSISBOT_IMAP_PASSWORD_FILE before WSISBOT_IMAP_PASSWORD.
	slices.SortFunc(envs, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, e := range envs {
		pairs = append(pairs, e, c.mailboxSetting(name, e))
	}
	return strings.NewReplacer(pairs...)
}

// idle says what serve will not do with this configuration: "" when it reads a
// mailbox, sends mail or talks to Slack.
func (c *Config) idle() string {
	if c.IMAP.Addr != "" || c.Mail.SMTPAddr != "" || c.Bot.BotToken != "" {
		return ""
	}
	return "nothing to do: no mailbox, no mail server and no Slack are configured, so serve only migrates the database " +
		"and answers /healthz, /readyz and /metrics; set WSISBOT_IMAP_ADDR (the mailbox to read), " +
		"WSISBOT_SMTP_ADDR (acknowledgements and replies) and SLACK_BOT_TOKEN (the secretariat's desk)"
}

// masked prints the configuration with secrets hidden.
func (c *Config) masked() []string {
	var out []string
	printed := map[string]bool{}
	for _, f := range fields(reflect.ValueOf(c).Elem()) {
		if printed[f.Env] {
			continue // the OAuth settings, carried by the intake and the mailer both
		}
		printed[f.Env] = true
		val := fmt.Sprint(f.Value.Interface())
		switch {
		case val == "":
		case f.Env == "DATABASE_URL":
			// The database's address stays readable; its password is hidden.
			val = store.RedactURL(val)
		case f.Secret || f.Masked:
			val = "********"
		}
		out = append(out, f.Env+"="+val)
	}
	for _, m := range c.mailboxes[min(1, len(c.mailboxes)):] {
		for _, f := range fields(reflect.ValueOf(&m.IMAP).Elem()) {
			val := fmt.Sprint(f.Value.Interface())
			if val != "" && (f.Secret || f.Masked) {
				val = "********"
			}
			out = append(out, c.mailboxSetting(m.Name, f.Env)+"="+val)
		}
		out = append(out, c.mailboxSetting(m.Name, "WSISBOT_FROM")+"="+m.From, c.mailboxSetting(m.Name, "WSISBOT_IMAP_KIND")+"="+string(m.Kind))
	}
	return out
}
