package mailin

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/oauthtest"
	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store"
)

// oauthSender is a sender for srv authenticating as its user with tokens from a
// Microsoft 365 token endpoint stand-in.
func oauthSender(t *testing.T, srv *smtptest.Server) (*SMTPSender, *oauthtest.Endpoint) {
	t.Helper()
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: "s3cret", Scope: DefaultM365Scope})
	cfg := testMailConfig(srv.Addr(), SMTPPlain)
	cfg.SMTPUser = "wsis-info@itu.int"
	cfg.OAuth = OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app-1", ClientSecret: "s3cret", TokenURL: ep.URL}
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, ep
}

// TestSMTPOAuthMechanisms: the sender authenticates with the bearer token by the
// mechanism the server offers, XOAUTH2 when it offers both.
func TestSMTPOAuthMechanisms(t *testing.T) {
	for _, c := range []struct {
		offered []string
		want    string
	}{
		{[]string{"XOAUTH2"}, "XOAUTH2"},
		{[]string{"OAUTHBEARER"}, "OAUTHBEARER"},
		{[]string{"OAUTHBEARER", "XOAUTH2"}, "XOAUTH2"},
	} {
		t.Run(strings.Join(c.offered, "+"), func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: c.offered,
				AcceptToken: func(tok string) bool { return tok == "at-1" }})
			s, _ := oauthSender(t, srv)
			if !strings.Contains(s.String(), "OAuth token") {
				t.Errorf("String() = %s", s)
			}
			for range 2 {
				if err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage); err != nil {
					t.Fatalf("Send: %v", err)
				}
			}
			m := srv.Sent()
			if len(m) != 2 || m[0].AuthAs != "wsis-info@itu.int" || m[0].AuthMech != c.want {
				t.Fatalf("sent %+v, want two messages authenticated as wsis-info@itu.int with %s", m, c.want)
			}
			if got := strings.Join(srv.Tokens(), ","); got != "at-1" {
				t.Errorf("tokens offered: %s, want at-1 once (the connection is kept)", got)
			}
			if st := s.AuthStatus(); st.Refused || st.At.IsZero() {
				t.Errorf("auth status %+v", st)
			}
		})
	}
}

// TestSMTPOAuthTokenRenewedWhenRefused: a token the server refuses is dropped and a new
// one taken once, and the message goes.
func TestSMTPOAuthTokenRenewedWhenRefused(t *testing.T) {
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{mech},
				AcceptToken: func(tok string) bool { return tok == "at-2" }})
			s, ep := oauthSender(t, srv)
			if err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := strings.Join(srv.Tokens(), ","); got != "at-1,at-2" {
				t.Errorf("tokens offered: %s, want at-1,at-2", got)
			}
			if len(srv.Sent()) != 1 || len(ep.Issued()) != 2 {
				t.Errorf("%d sent, %d tokens issued", len(srv.Sent()), len(ep.Issued()))
			}
		})
	}
}

// TestSMTPOAuthRefusedTwice: a renewed token refused too makes the send an outage
// (store.Unavailable: the outbox item keeps its attempts), said in AuthStatus; for
// AuthRetry the sender fails at once without calling on the server or the token
// endpoint; then it tries again, and a good token sends.
func TestSMTPOAuthRefusedTwice(t *testing.T) {
	var good atomic.Bool
	srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{"XOAUTH2"},
		AcceptToken: func(string) bool { return good.Load() }})
	s, ep := oauthSender(t, srv)
	s.AuthRetry = 300 * time.Millisecond
	ctx := context.Background()
	err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage)
	var ua *store.UnavailableError
	if !errors.As(err, &ua) || store.IsPermanent(err) {
		t.Fatalf("Send: %v, want store.Unavailable", err)
	}
	if strings.Contains(err.Error(), "at-") {
		t.Error("the error shows the token")
	}
	st := s.AuthStatus()
	if !st.Refused || st.Error != "the server refused the OAuth access token" {
		t.Errorf("auth status %+v", st)
	}
	sessions, issued := srv.Sessions(), len(ep.Issued())
	if sessions != 2 || issued != 2 {
		t.Errorf("%d sessions, %d tokens: want 2 and 2 (refused, renewed, refused)", sessions, issued)
	}
	if err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage); !errors.As(err, &ua) {
		t.Fatalf("Send while waiting: %v, want store.Unavailable", err)
	}
	if srv.Sessions() != sessions || len(ep.Issued()) != issued {
		t.Error("the sender called on the server or the token endpoint while waiting")
	}
	good.Store(true)
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := s.Send(ctx, "", []string{"a@example.org"}, smtpTestMessage)
		if err == nil {
			break
		}
		if !errors.As(err, &ua) || time.Now().After(deadline) {
			t.Fatalf("Send after the fix: %v", err)
		}
		time.Sleep(50 * time.Millisecond) // the sender's own wait, AuthRetry, runs out
	}
	if st := s.AuthStatus(); st.Refused {
		t.Errorf("auth status after the fix %+v", st)
	}
	if len(srv.Sent()) != 1 {
		t.Errorf("%d messages sent, want 1", len(srv.Sent()))
	}
}

// TestSMTPOAuthTokenEndpointDown: no token, no send, but the message waits.
func TestSMTPOAuthTokenEndpointDown(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{"XOAUTH2"},
		AcceptToken: func(string) bool { return true }})
	s, ep := oauthSender(t, srv)
	ep.FailNext(1)
	err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage)
	var ua *store.UnavailableError
	if !errors.As(err, &ua) {
		t.Fatalf("Send: %v, want store.Unavailable", err)
	}
	if srv.Sessions() != 0 {
		t.Error("connected without a token")
	}
	if err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func TestSMTPOAuthConfig(t *testing.T) {
	cfg := testMailConfig("smtp.office365.com:587", SMTPStartTLS)
	cfg.SMTPUser = "wsis-info@itu.int"
	if err := cfg.ValidateSMTP(); err == nil || !strings.Contains(err.Error(), "WSISBOT_OAUTH") {
		t.Errorf("a user without password nor OAuth: %v", err)
	}
	cfg.OAuth = OAuthConfig{Provider: OAuthM365, ClientID: "app", ClientSecret: "s"}
	if err := cfg.ValidateSMTP(); err == nil || !strings.Contains(err.Error(), "WSISBOT_OAUTH_TENANT") {
		t.Errorf("OAuth without a tenant: %v", err)
	}
	cfg.OAuth.Tenant = "itu.int"
	if err := cfg.ValidateSMTP(); err != nil {
		t.Errorf("OAuth: %v", err)
	}
}

// TestSMTPOAuthTokenEndpointRefusesTheClient: a client the token endpoint refuses
// (an expired secret) is said in AuthStatus, and the sender waits AuthRetry before
// asking again.
func TestSMTPOAuthTokenEndpointRefusesTheClient(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{"XOAUTH2"},
		AcceptToken: func(string) bool { return true }})
	s, ep := oauthSender(t, srv)
	s.AuthRetry = time.Hour
	ep.RefuseClient(-1)
	var ua *store.UnavailableError
	for range 2 {
		if err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage); !errors.As(err, &ua) || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("Send: %v, want store.Unavailable without the secret", err)
		}
	}
	if n := len(ep.Refusals()); n != 1 {
		t.Errorf("the token endpoint was asked %d times, want once (then the sender waits)", n)
	}
	if st := s.AuthStatus(); !st.Refused || !strings.Contains(st.Error, "invalid_client") {
		t.Errorf("auth status %+v", st)
	}
}

// TestSMTPOAuthEachTokenSource: the mailer logs in with a token from each source the
// intake has (a token command, Microsoft 365 with a client secret and with a
// certificate, a stored refresh token), by XOAUTH2 and by OAUTHBEARER; the server lets
// in only the token the source gave.
func TestSMTPOAuthEachTokenSource(t *testing.T) {
	certPEM, keyPEM, cert := oauthtest.Certificate(t, time.Now().Add(24*time.Hour))
	certFile, keyFile := writeFile(t, "cert.pem", certPEM), writeFile(t, "key.pem", keyPEM)
	rtFile := writeFile(t, "rt", []byte("1//rt-one\n"))
	sources := []struct {
		name string
		ep   *oauthtest.Options // the token endpoint stand-in, nil for the command
		cfg  OAuthConfig        // TokenURL filled in with the stand-in's
	}{
		{"command", nil, OAuthConfig{Provider: OAuthCommand, TokenCmd: "echo cmd-token-7"}},
		{"m365 secret", &oauthtest.Options{ClientID: "app-1", ClientSecret: "s3cret", Scope: DefaultM365Scope},
			OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app-1", ClientSecret: "s3cret"}},
		{"m365 certificate", &oauthtest.Options{ClientID: "app-1", Cert: cert, Scope: DefaultM365Scope},
			OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app-1", CertFile: certFile, KeyFile: keyFile}},
		{"refresh token", &oauthtest.Options{ClientID: "cid", ClientSecret: "gsecret", RefreshToken: "1//rt-one", Scope: "https://mail.google.com/"},
			OAuthConfig{Provider: OAuthRefreshToken, ClientID: "cid", ClientSecret: "gsecret", RefreshTokenFile: rtFile,
				Scopes: []string{"https://mail.google.com/"}}},
	}
	for _, src := range sources {
		for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
			t.Run(src.name+"/"+mech, func(t *testing.T) {
				want := "cmd-token-7"
				cfg := src.cfg
				var ep *oauthtest.Endpoint
				if src.ep != nil {
					ep = oauthtest.Start(t, *src.ep)
					cfg.TokenURL, want = ep.URL, "at-1"
				}
				srv := smtptest.Start(t, smtptest.Options{User: "wsis-info@itu.int", OAuth: []string{mech},
					AcceptToken: func(tok string) bool { return tok == want }})
				mc := testMailConfig(srv.Addr(), SMTPPlain)
				mc.SMTPUser, mc.OAuth = "wsis-info@itu.int", cfg
				s, err := NewSMTPSender(mc)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				if err := s.Send(context.Background(), "", []string{"a@example.org"}, smtpTestMessage); err != nil {
					t.Fatalf("Send: %v", err)
				}
				if m := srv.Sent(); len(m) != 1 || m[0].AuthAs != "wsis-info@itu.int" || m[0].AuthMech != mech {
					t.Fatalf("sent %+v, want one message authenticated as wsis-info@itu.int with %s", m, mech)
				}
				if got := strings.Join(srv.Tokens(), ","); got != want {
					t.Errorf("tokens offered %q, want %q", got, want)
				}
				if ep != nil {
					if r := ep.Refusals(); len(r) != 0 || len(ep.Issued()) != 1 {
						t.Errorf("the token endpoint issued %v, refused %v; want one token", ep.Issued(), r)
					}
				}
			})
		}
	}
}
