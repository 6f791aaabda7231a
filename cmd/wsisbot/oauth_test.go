package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot"
	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/oauthtest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestServeOAuthRefusedTwiceAlertsAndWaits runs serve with Microsoft 365 app-only tokens
// from a token endpoint stand-in. The mailbox refuses the token and the renewed one: the
// intake is stopped, not the process; /readyz says why, the channel is alerted, and the
// desk goes on posting. Once the mailbox takes tokens, the mail is read; the mail server
// then refuses them: the acknowledgement waits in the outbox without using up its
// attempts, /readyz and the channel say so, and it goes once the server takes tokens.
// One token serves both.
func TestServeOAuthRefusedTwiceAlertsAndWaits(t *testing.T) {
	const secret = "s3cret-of-the-app"
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: secret, Scope: mailin.DefaultM365Scope})
	var imapGood, smtpGood atomic.Bool
	mail := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{"XOAUTH2", "OAUTHBEARER"},
		AcceptToken: func(tok string) bool { return smtpGood.Load() && strings.HasPrefix(tok, "at-") }})
	s := startLiveServeWith(t, imaptest.MemoryOptions{OAuthMechanisms: []string{"XOAUTH2"},
		ValidToken: func(tok string) bool { return imapGood.Load() && strings.HasPrefix(tok, "at-") }},
		map[string]string{"WSISBOT_IMAP_PASSWORD": "", "WSISBOT_OAUTH": "m365", "WSISBOT_OAUTH_TENANT": "itu.int",
			"WSISBOT_OAUTH_CLIENT_ID": "app-1", "WSISBOT_OAUTH_CLIENT_SECRET": secret, "WSISBOT_OAUTH_TOKEN_URL": ep.URL,
			"WSISBOT_SMTP_ADDR": mail.Addr(), "WSISBOT_SMTP_TLS": "none", "WSISBOT_SMTP_USER": "wsis-info@itu.int",
			"WSISBOT_WATCH_MAILBOX_AFTER": "1h"}, true)
	s.deliver("INBOX", 0)

	// The mailbox refuses the token, then the renewed one.
	s.waitReady(10*time.Second, 503, "stopped: the server refused the OAuth access token (retrying every 200ms)")
	if got := s.imap.Tokens(); len(got) < 2 || got[0] != "at-1" || got[1] != "at-2" {
		t.Errorf("tokens presented to the mailbox: %v, want at-1 then a renewed at-2", got)
	}
	// The desk is up: the watchdog's alert reaches the channel, long before the mailbox
	// alert's hour.
	if alert := s.waitPosts("OAuth access tokens fail", 1, 15*time.Second)[0]; !strings.Contains(alert, "IMAP.AccessAsApp") {
		t.Errorf("the alert does not say what to check:\n%s", alert)
	}
	s.checkRunning()
	if n := s.logs.count(`"level":"ERROR"`, "the intake is stopped"); n != 1 {
		t.Errorf("the stopped intake logged %d times at error level, want once", n)
	}
	if s.stored() != 0 {
		t.Fatal("mail stored with a refused token")
	}

	// The mailbox takes tokens: the mail is read and carded; the mail server refuses them.
	imapGood.Store(true)
	s.waitStored(1, 15*time.Second)
	s.waitReady(10*time.Second, 200, "ok")
	s.waitPosts("OAuth access tokens work again", 1, 15*time.Second)
	storetest.Eventually(t, 15*time.Second, "/readyz to say the mail server refuses the token", func() bool {
		_, checks := s.readyz()
		return strings.Contains(checks["mail"], "refused the OAuth access token")
	})
	s.waitPosts("the mail server refuses our OAuth token", 1, 15*time.Second)
	var attempts int
	var failed bool
	if err := s.db.QueryRow(`SELECT attempts, failed_at IS NOT NULL FROM outbox WHERE kind = 'ack_email'`).Scan(&attempts, &failed); err != nil {
		t.Fatal(err)
	}
	if attempts != 0 || failed {
		t.Errorf("the acknowledgement used %d attempts (failed: %v) while the server refused tokens, want none", attempts, failed)
	}
	if len(mail.Sent()) != 0 {
		t.Fatal("mail sent with a refused token")
	}

	// The mail server takes tokens: the acknowledgement goes, once.
	smtpGood.Store(true)
	storetest.Eventually(t, 15*time.Second, "the acknowledgement sent", func() bool { return len(mail.Sent()) == 1 })
	s.waitPosts("the mail server takes our OAuth token again", 1, 15*time.Second)
	if m := mail.Sent()[0]; m.AuthMech != "XOAUTH2" || m.AuthAs != "wsis-info@itu.int" {
		t.Errorf("sent with %s as %s, want XOAUTH2 as wsis-info@itu.int", m.AuthMech, m.AuthAs)
	}
	if strings.Contains(s.logs.String(), secret) {
		t.Error("the logs show the client secret")
	}
	// One source: the first token the mail server saw is the one the mailbox had taken
	// (a source of its own would have fetched another), and none was fetched for nothing.
	if mt, it := mail.Tokens(), s.imap.Tokens(); len(mt) == 0 || !slices.Contains(it, mt[0]) {
		t.Errorf("tokens presented to the mail server %v, to the mailbox %v: want the mailbox's token first", mt, it)
	}
	if r := ep.Refusals(); len(r) != 0 {
		t.Errorf("the token endpoint refused: %v", r)
	}
}

// TestConfigOAuthSettings: one set of OAuth settings for the intake and the mailer,
// secrets from files (the refresh token's file kept to be read again), masked once each
// in `wsisbot config`; a mistake is named once, and stops the command.
func TestConfigOAuthSettings(t *testing.T) {
	dir := t.TempDir()
	secretFile, rtFile := dir+"/client-secret", dir+"/refresh-token"
	for f, v := range map[string]string{secretFile: "gsecret-value\n", rtFile: "1//refresh-token-value\n"} {
		if err := os.WriteFile(f, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := map[string]string{
		"WSISBOT_IMAP_ADDR": "imap.gmail.com:993", "WSISBOT_IMAP_USER": "wsis-info@example.org",
		"WSISBOT_SMTP_ADDR": "smtp.gmail.com:465", "WSISBOT_SMTP_TLS": "tls", "WSISBOT_SMTP_USER": "wsis-info@example.org",
		"WSISBOT_OAUTH": "refresh-token", "WSISBOT_OAUTH_TOKEN_URL": "https://oauth2.googleapis.com/token",
		"WSISBOT_OAUTH_CLIENT_ID": "cid.apps.googleusercontent.com", "WSISBOT_OAUTH_CLIENT_SECRET_FILE": secretFile,
		"WSISBOT_OAUTH_REFRESH_TOKEN_FILE": rtFile, "WSISBOT_OAUTH_SCOPES": "https://mail.google.com/",
		"WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES": "2027-06-30",
	}
	cfg := testConfig(t, e)
	if !reflect.DeepEqual(cfg.IMAP.OAuth, cfg.Mail.OAuth) || cfg.IMAP.OAuth.ClientSecret != "gsecret-value" ||
		cfg.IMAP.OAuth.RefreshTokenFile != rtFile || cfg.IMAP.OAuth.Mode() != mailin.OAuthRefreshToken {
		t.Errorf("OAuth settings: IMAP %+v, SMTP %+v", cfg.IMAP.OAuth, cfg.Mail.OAuth)
	}
	var out, errw bytes.Buffer
	if err := run([]string{"config"}, &out, &errw, env(e)); err != nil {
		t.Fatal(err)
	}
	printed := out.String()
	for _, secret := range []string{"gsecret-value", "refresh-token-value"} {
		if strings.Contains(printed, secret) {
			t.Errorf("wsisbot config shows %q", secret)
		}
	}
	if n := strings.Count(printed, "WSISBOT_OAUTH_CLIENT_SECRET=********"); n != 1 {
		t.Errorf("the client secret printed %d times, want once masked:\n%s", n, printed)
	}
	if n := strings.Count(printed, "WSISBOT_OAUTH_CLIENT_ID=cid.apps.googleusercontent.com"); n != 1 {
		t.Errorf("the client ID printed %d times, want once", n)
	}

	e["WSISBOT_OAUTH_TENANT"] = "itu.int"
	err := run([]string{"config"}, &out, &errw, env(e))
	if err == nil || strings.Count(err.Error(), "WSISBOT_OAUTH_TENANT is set but WSISBOT_OAUTH=refresh-token does not use it") != 1 {
		t.Errorf("error %v, want the unused tenant named once", err)
	}
}

// TestCredentialExpiriesOfEveryMailbox: the watchdog is told of the first mailbox's
// certificate and of a further mailbox's own, under that mailbox's setting; a mailbox
// that inherits the first one's certificate adds nothing, and a mailbox whose
// certificate cannot be read any more leaves the others' warnings alone.
func TestCredentialExpiriesOfEveryMailbox(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mainEnd := time.Now().Add(40 * 24 * time.Hour).Truncate(time.Second).UTC()
	wsEnd := time.Now().Add(5 * 24 * time.Hour).Truncate(time.Second).UTC()
	mainCert, mainKey, _ := oauthtest.Certificate(t, mainEnd)
	wsCert, wsKey, _ := oauthtest.Certificate(t, wsEnd)
	wsCertFile := write("ws-cert.pem", wsCert)
	cfg := testConfig(t, map[string]string{
		"WSISBOT_IMAP_ADDR": "outlook.office365.com:993", "WSISBOT_IMAP_USER": "wsis-info@itu.int",
		"WSISBOT_OAUTH": "m365", "WSISBOT_OAUTH_TENANT": "itu.int", "WSISBOT_OAUTH_CLIENT_ID": "app-1",
		"WSISBOT_OAUTH_CERT_FILE": write("cert.pem", mainCert), "WSISBOT_OAUTH_KEY_FILE": write("key.pem", mainKey),
		"WSISBOT_MAILBOXES":                   "workshops,press",
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_USER": "wsis-workshops@itu.int", "WSISBOT_MAILBOX_WORKSHOPS_OAUTH_CLIENT_ID": "app-2",
		"WSISBOT_MAILBOX_WORKSHOPS_OAUTH_CERT_FILE": wsCertFile, "WSISBOT_MAILBOX_WORKSHOPS_OAUTH_KEY_FILE": write("ws-key.pem", wsKey),
		"WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Press",
	})
	sets := oauthCredentialSets(cfg)
	got, err := credentialExpiries(cfg, sets)
	if err != nil {
		t.Fatal(err)
	}
	want := []bot.CredentialExpiry{
		{What: `the certificate "CN=wsisbot"`, Setting: "WSISBOT_OAUTH_CERT_FILE", At: mainEnd},
		{What: `the certificate "CN=wsisbot" of mailbox workshops`, Setting: "WSISBOT_MAILBOX_WORKSHOPS_OAUTH_CERT_FILE", At: wsEnd},
	}
	if len(got) != len(want) {
		t.Fatalf("expiries %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].What != want[i].What || got[i].Setting != want[i].Setting || !got[i].At.Equal(want[i].At) {
			t.Errorf("expiry %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// The workshops certificate file is gone: the first mailbox's is still watched.
	if err := os.Remove(wsCertFile); err != nil {
		t.Fatal(err)
	}
	got, err = credentialExpiries(cfg, sets)
	if err != nil || len(got) != 1 || got[0].Setting != "WSISBOT_OAUTH_CERT_FILE" {
		t.Errorf("with one certificate unreadable: %+v, %v; want the other one's", got, err)
	}
}
