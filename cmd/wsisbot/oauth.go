package main

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/mailin"
)

// oauthSettings is the OAuth configuration in use: the intake's when it reads the
// mailbox with OAuth, else the mailer's.
func oauthSettings(cfg *Config) mailin.OAuthConfig {
	if cfg.IMAP.Addr != "" && cfg.IMAP.OAuth.Enabled() {
		return cfg.IMAP.OAuth
	}
	return cfg.Mail.OAuth
}

// shareTokens gives the mailer the intake's token source when both use the same
// settings: one token serves IMAP and SMTP, renewed once for both.
func shareTokens(cfg *Config, s *mailin.SMTPSender, intake mailin.TokenSource) {
	if s.Tokens != nil && intake != nil && reflect.DeepEqual(cfg.Mail.OAuth, cfg.IMAP.OAuth) {
		s.Tokens = intake
	}
}

// oauthBotOptions let the watchdog warn before the OAuth credentials expire, and see
// whether the mail server takes our tokens.
func (a *app) oauthBotOptions(s *mailin.SMTPSender) []bot.Option {
	var opts []bot.Option
	if sets := oauthCredentialSets(a.cfg); len(sets) > 0 {
		opts = append(opts, bot.WithCredentialExpiries(func() ([]bot.CredentialExpiry, error) {
			return credentialExpiries(a.cfg, sets)
		}))
	}
	if s != nil && s.Tokens != nil {
		opts = append(opts, bot.WithMailAuth(func() bot.MailAuthStatus {
			st := s.AuthStatus()
			if st.At.IsZero() {
				return bot.MailAuthStatus{}
			}
			// The sender's wall-clock time, on the desk's clock.
			return bot.MailAuthStatus{Refused: st.Refused, Error: st.Error, At: a.clock.Now().Add(-time.Since(st.At))}
		}))
	}
	return opts
}

// oauthCredentialSet is a set of OAuth settings whose credentials the watchdog watches:
// the first mailbox's (or the mailer's), mailbox "", or a further mailbox's own.
type oauthCredentialSet struct {
	mailbox string
	oauth   mailin.OAuthConfig
}

// oauthCredentialSets are the OAuth settings in use, each credential once: a further
// mailbox with a certificate or a refresh token of its own is watched too; one that
// inherits the first mailbox's is not watched twice.
func oauthCredentialSets(cfg *Config) []oauthCredentialSet {
	var sets []oauthCredentialSet
	seen := map[string]bool{}
	add := func(mailbox string, oc mailin.OAuthConfig) {
		if !oc.Enabled() {
			return
		}
		id := credentialID(oc)
		if id != "" && seen[id] {
			return
		}
		seen[id] = true
		sets = append(sets, oauthCredentialSet{mailbox: mailbox, oauth: oc})
	}
	add("", oauthSettings(cfg))
	if cfg.IMAP.Addr != "" {
		for _, mb := range cfg.allMailboxes()[1:] {
			add(mb.Name, mb.IMAP.OAuth)
		}
	}
	return sets
}

// credentialID names the credential of oc whose end may be known: its certificate
// file, or its refresh token (file or value) with the day it ends; "" when none.
func credentialID(oc mailin.OAuthConfig) string {
	switch oc.Mode() {
	case mailin.OAuthM365:
		if oc.CertFile != "" {
			return "cert\x00" + oc.CertFile
		}
	case mailin.OAuthRefreshToken:
		return "refresh\x00" + oc.RefreshTokenFile + "\x00" + oc.RefreshToken + "\x00" + oc.RefreshUntil
	}
	return ""
}

// credentialExpiries lists when the credentials of sets end, a further mailbox's named
// by its own settings (WSISBOT_MAILBOX_WORKSHOPS_OAUTH_CERT_FILE). A set whose
// certificate cannot be read is left out, the others still warned of (its intake says
// why); the error is returned only when none could be read.
func credentialExpiries(cfg *Config, sets []oauthCredentialSet) ([]bot.CredentialExpiry, error) {
	var out []bot.CredentialExpiry
	var errs []error
	for _, s := range sets {
		list, err := s.oauth.Expiries()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, e := range list {
			ce := bot.CredentialExpiry{What: e.What, Setting: e.Setting, At: e.At}
			if s.mailbox != "" {
				ce.What = fmt.Sprintf("%s of mailbox %s", e.What, s.mailbox)
				ce.Setting = cfg.mailboxSetting(s.mailbox, e.Setting)
			}
			if !slices.Contains(out, ce) {
				out = append(out, ce)
			}
		}
	}
	if len(out) == 0 && len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
