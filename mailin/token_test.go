package mailin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/oauthtest"
)

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func newSource(t *testing.T, cfg OAuthConfig) *cachedSource {
	t.Helper()
	ts, err := NewTokenSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ts.(*cachedSource)
}

func wantToken(t *testing.T, ts TokenSource, want string) {
	t.Helper()
	got, err := ts.Token(context.Background())
	if err != nil || got != want {
		t.Fatalf("token %q, %v; want %q", got, err, want)
	}
}

// TestM365ClientSecret: the client credentials grant with the client secret and the
// default scope; the token is kept until a server refuses it.
func TestM365ClientSecret(t *testing.T) {
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: "s3cret", Scope: DefaultM365Scope})
	ts := newSource(t, OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app-1", ClientSecret: "s3cret", TokenURL: ep.URL})
	wantToken(t, ts, "at-1")
	wantToken(t, ts, "at-1")
	ts.Invalidate("at-0") // an older token refused: the kept one stays
	wantToken(t, ts, "at-1")
	ts.Invalidate("at-1")
	wantToken(t, ts, "at-2")
	if r := ep.Refusals(); len(r) > 0 {
		t.Errorf("the endpoint refused: %v", r)
	}
}

// TestM365Certificate: the client assertion signed with the certificate's key, which
// the stand-in checks (signature, x5t, aud, iss, sub, jti, lifetime), from a key file
// or from the certificate file holding both.
func TestM365Certificate(t *testing.T) {
	certPEM, keyPEM, cert := oauthtest.Certificate(t, time.Now().Add(365*24*time.Hour))
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", Cert: cert, Scope: DefaultM365Scope})
	for name, cfg := range map[string]OAuthConfig{
		"key file":  {CertFile: writeFile(t, "cert.pem", certPEM), KeyFile: writeFile(t, "key.pem", keyPEM)},
		"one file":  {CertFile: writeFile(t, "both.pem", append(append([]byte{}, certPEM...), keyPEM...))},
		"key first": {CertFile: writeFile(t, "both.pem", append(append([]byte{}, keyPEM...), certPEM...))},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Provider, cfg.Tenant, cfg.ClientID, cfg.TokenURL = OAuthM365, "itu.int", "app-1", ep.URL
			ts := newSource(t, cfg)
			before := len(ep.Issued())
			if _, err := ts.Token(context.Background()); err != nil {
				t.Fatalf("%v (the endpoint: %v)", err, ep.Refusals())
			}
			// A second assertion has a jti of its own.
			ts.Invalidate("")
			if _, err := ts.Token(context.Background()); err != nil {
				t.Fatalf("%v (the endpoint: %v)", err, ep.Refusals())
			}
			if n := len(ep.Issued()) - before; n != 2 {
				t.Errorf("%d tokens issued, want 2", n)
			}
		})
	}
	t.Run("another certificate", func(t *testing.T) {
		otherCert, otherKey, _ := oauthtest.Certificate(t, time.Now().Add(time.Hour))
		ts := newSource(t, OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app-1", TokenURL: ep.URL,
			CertFile: writeFile(t, "c.pem", otherCert), KeyFile: writeFile(t, "k.pem", otherKey)})
		_, err := ts.Token(context.Background())
		if err == nil || !TokenErrorPermanent(err) || !strings.Contains(Summary(err), "HTTP 401, invalid_client") {
			t.Fatalf("error %v (summary %q), want a permanent refusal", err, Summary(err))
		}
		if r := ep.Refusals(); len(r) == 0 || !strings.Contains(r[len(r)-1], "x5t") {
			t.Errorf("the endpoint refused for %v, want the thumbprint", r)
		}
	})
}

// TestRefreshToken: the refresh token grant, with the token from its file read again
// at each renewal, the client secret and the scopes.
func TestRefreshToken(t *testing.T) {
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "cid.apps.googleusercontent.com", ClientSecret: "gsecret",
		RefreshToken: "1//rt-one", Scope: "https://mail.google.com/"})
	file := writeFile(t, "rt", []byte("1//rt-one\n"))
	ts := newSource(t, OAuthConfig{Provider: OAuthRefreshToken, ClientID: "cid.apps.googleusercontent.com", ClientSecret: "gsecret",
		TokenURL: ep.URL, RefreshTokenFile: file, Scopes: []string{"https://mail.google.com/"}})
	wantToken(t, ts, "at-1")
	// The refresh token is replaced in its file: the next renewal uses the new one.
	if err := os.WriteFile(file, []byte("1//rt-revoked"), 0o600); err != nil {
		t.Fatal(err)
	}
	ts.Invalidate("at-1")
	_, err := ts.Token(context.Background())
	if err == nil || !TokenErrorPermanent(err) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("error %v, want invalid_grant", err)
	}
	if strings.Contains(err.Error(), "rt-revoked") || strings.Contains(err.Error(), "gsecret") {
		t.Error("the error shows a secret")
	}
	if err := os.WriteFile(file, []byte("1//rt-one"), 0o600); err != nil {
		t.Fatal(err)
	}
	wantToken(t, ts, "at-2")
}

// TestTokenRenewedBeforeExpiry: a token is renewed five minutes before it expires; one
// of unknown lifetime (a token command's) after 45 minutes.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: "s", ExpiresIn: 3600})
	ts := newSource(t, OAuthConfig{Provider: OAuthM365, Tenant: "t", ClientID: "app-1", ClientSecret: "s", TokenURL: ep.URL})
	start := time.Now()
	at := start
	ts.now = func() time.Time { return at }
	wantToken(t, ts, "at-1")
	at = start.Add(54 * time.Minute)
	wantToken(t, ts, "at-1")
	at = start.Add(56 * time.Minute)
	wantToken(t, ts, "at-2")

	cmd := newSource(t, OAuthConfig{TokenCmd: "echo tok"})
	cmd.now = func() time.Time { return at }
	wantToken(t, cmd, "tok")
	if got := cmd.expires.Sub(at); got != 45*time.Minute {
		t.Errorf("a command's token kept %s, want 45m", got)
	}
}

// TestTokenEndpointFailures: a refused client needs a person (permanent); an endpoint
// answering 503 is retried; neither error shows the secret.
func TestTokenEndpointFailures(t *testing.T) {
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: "s3cret-value"})
	ts := newSource(t, OAuthConfig{Provider: OAuthM365, Tenant: "t", ClientID: "app-1", ClientSecret: "s3cret-value", TokenURL: ep.URL})
	ep.FailNext(1)
	_, err := ts.Token(context.Background())
	if err == nil || TokenErrorPermanent(err) {
		t.Fatalf("503: %v, want a temporary error", err)
	}
	ep.RefuseClient(1)
	_, err = ts.Token(context.Background())
	if err == nil || !TokenErrorPermanent(err) {
		t.Fatalf("401: %v, want a permanent error", err)
	}
	if got := Summary(err); got != "OAuth token: the token endpoint refused (HTTP 401, invalid_client)" {
		t.Errorf("summary %q", got)
	}
	if !strings.Contains(err.Error(), "AADSTS7000215") || strings.Contains(err.Error(), "s3cret-value") {
		t.Errorf("error %q: want the endpoint's description, never the secret", err)
	}
	wantToken(t, ts, "at-1")
}

func TestOAuthConfigValidate(t *testing.T) {
	certPEM, keyPEM, _ := oauthtest.Certificate(t, time.Now().Add(time.Hour))
	_, otherKey, _ := oauthtest.Certificate(t, time.Now().Add(time.Hour))
	certFile, keyFile := writeFile(t, "c.pem", certPEM), writeFile(t, "k.pem", keyPEM)
	m365 := func(f func(c *OAuthConfig)) OAuthConfig {
		c := OAuthConfig{Provider: OAuthM365, Tenant: "itu.int", ClientID: "app", ClientSecret: "s"}
		f(&c)
		return c
	}
	cases := []struct {
		name string
		cfg  OAuthConfig
		want string // "" when valid
	}{
		{"none", OAuthConfig{}, ""},
		{"legacy command", OAuthConfig{LegacyCmd: "oauth2l fetch"}, ""},
		{"unknown mode", OAuthConfig{Provider: "google"}, "WSISBOT_OAUTH: must be"},
		{"setting without mode", OAuthConfig{ClientID: "app"}, "WSISBOT_OAUTH_CLIENT_ID is set but WSISBOT_OAUTH is not"},
		{"command without command", OAuthConfig{Provider: OAuthCommand}, "WSISBOT_OAUTH_TOKEN_CMD"},
		{"two commands", OAuthConfig{TokenCmd: "a", LegacyCmd: "b"}, "both set"},
		{"command with secret", OAuthConfig{TokenCmd: "a", ClientSecret: "s"}, "WSISBOT_OAUTH_CLIENT_SECRET is set but WSISBOT_OAUTH=command does not use it"},
		{"m365 secret", m365(func(*OAuthConfig) {}), ""},
		{"m365 cert", m365(func(c *OAuthConfig) { c.ClientSecret, c.CertFile, c.KeyFile = "", certFile, keyFile }), ""},
		{"m365 no tenant", m365(func(c *OAuthConfig) { c.Tenant = "" }), "WSISBOT_OAUTH_TENANT"},
		{"m365 bad tenant", m365(func(c *OAuthConfig) { c.Tenant = "itu.int/../x" }), "WSISBOT_OAUTH_TENANT: not"},
		{"m365 no client", m365(func(c *OAuthConfig) { c.ClientID = "" }), "WSISBOT_OAUTH_CLIENT_ID"},
		{"m365 no credential", m365(func(c *OAuthConfig) { c.ClientSecret = "" }), "WSISBOT_OAUTH_CLIENT_SECRET (or _FILE) or WSISBOT_OAUTH_CERT_FILE"},
		{"m365 both credentials", m365(func(c *OAuthConfig) { c.CertFile = certFile }), "both set"},
		{"m365 missing cert", m365(func(c *OAuthConfig) { c.ClientSecret, c.CertFile = "", "/nonexistent.pem" }), "WSISBOT_OAUTH_CERT_FILE"},
		{"m365 cert without key", m365(func(c *OAuthConfig) { c.ClientSecret, c.CertFile = "", certFile }), "WSISBOT_OAUTH_KEY_FILE"},
		{"m365 wrong key", m365(func(c *OAuthConfig) {
			c.ClientSecret, c.CertFile, c.KeyFile = "", certFile, writeFile(t, "o.pem", otherKey)
		}), "not the certificate's"},
		{"m365 refresh token", m365(func(c *OAuthConfig) { c.RefreshToken = "rt" }), "WSISBOT_OAUTH_REFRESH_TOKEN is set but WSISBOT_OAUTH=m365"},
		{"m365 http token url", m365(func(c *OAuthConfig) { c.TokenURL = "http://login.example.org/token" }), "WSISBOT_OAUTH_TOKEN_URL"},
		{"m365 loopback token url", m365(func(c *OAuthConfig) { c.TokenURL = "http://127.0.0.1:1/token" }), ""},
		{"refresh", OAuthConfig{Provider: OAuthRefreshToken, ClientID: "c", TokenURL: "https://oauth2.googleapis.com/token", RefreshToken: "rt", RefreshUntil: "2026-06-30"}, ""},
		{"refresh no url", OAuthConfig{Provider: OAuthRefreshToken, ClientID: "c", RefreshToken: "rt"}, "WSISBOT_OAUTH_TOKEN_URL"},
		{"refresh no token", OAuthConfig{Provider: OAuthRefreshToken, ClientID: "c", TokenURL: "https://x/t"}, "WSISBOT_OAUTH_REFRESH_TOKEN_FILE"},
		{"refresh bad day", OAuthConfig{Provider: OAuthRefreshToken, ClientID: "c", TokenURL: "https://x/t", RefreshToken: "rt", RefreshUntil: "30/06/2026"}, "WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES"},
		{"refresh with tenant", OAuthConfig{Provider: OAuthRefreshToken, ClientID: "c", TokenURL: "https://x/t", RefreshToken: "rt", Tenant: "t"}, "WSISBOT_OAUTH_TENANT is set but"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.cfg.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}

// TestCredentialExpiries: the certificate's NotAfter, read from its file, and the
// refresh token's day from its setting.
func TestCredentialExpiries(t *testing.T) {
	notAfter := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Second).UTC()
	certPEM, keyPEM, _ := oauthtest.Certificate(t, notAfter)
	got, err := OAuthConfig{Provider: OAuthM365, Tenant: "t", ClientID: "c", CertFile: writeFile(t, "c.pem", certPEM),
		KeyFile: writeFile(t, "k.pem", keyPEM)}.Expiries()
	if err != nil || len(got) != 1 || !got[0].At.Equal(notAfter) || got[0].Setting != "WSISBOT_OAUTH_CERT_FILE" || !strings.Contains(got[0].What, "CN=wsisbot") {
		t.Errorf("certificate: %+v, %v", got, err)
	}
	got, err = OAuthConfig{Provider: OAuthRefreshToken, RefreshUntil: "2026-06-30"}.Expiries()
	if err != nil || len(got) != 1 || got[0].At.Format(time.DateOnly) != "2026-06-30" {
		t.Errorf("refresh token: %+v, %v", got, err)
	}
	if got, err := (OAuthConfig{Provider: OAuthM365, ClientSecret: "s"}).Expiries(); err != nil || len(got) != 0 {
		t.Errorf("client secret: %+v, %v (its end is not known)", got, err)
	}
}
