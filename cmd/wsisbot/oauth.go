package main

import (
	"reflect"
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
	if oc := oauthSettings(a.cfg); oc.Enabled() {
		opts = append(opts, bot.WithCredentialExpiries(func() ([]bot.CredentialExpiry, error) {
			list, err := oc.Expiries()
			out := make([]bot.CredentialExpiry, 0, len(list))
			for _, e := range list {
				out = append(out, bot.CredentialExpiry{What: e.What, Setting: e.Setting, At: e.At})
			}
			return out, err
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
