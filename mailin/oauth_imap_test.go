package mailin_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/internal/oauthtest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestPollerM365Certificate: the intake logs in with an app-only token got with the
// certificate's assertion; the server refuses the first (expired) token, the poller
// gets a new one and reads the mailbox.
func TestPollerM365Certificate(t *testing.T) {
	certPEM, keyPEM, cert := oauthtest.Certificate(t, time.Now().Add(24*time.Hour))
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", Cert: cert, Scope: mailin.DefaultM365Scope})
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, mech := range []string{"XOAUTH2", "OAUTHBEARER"} {
		t.Run(mech, func(t *testing.T) {
			var refused atomic.Bool
			srv := imaptest.StartMemory(t, imaptest.MemoryOptions{
				OAuthMechanisms: []string{mech},
				// The first token presented is refused; the next one is good.
				ValidToken: func(tok string) bool { return strings.HasPrefix(tok, "at-") && !refused.CompareAndSwap(false, true) },
			})
			h := newHarness(t, srv)
			cfg := h.cfg
			cfg.Password = ""
			cfg.OAuth = mailin.OAuthConfig{Provider: mailin.OAuthM365, Tenant: "itu.int", ClientID: "app-1",
				CertFile: certFile, KeyFile: keyFile, TokenURL: ep.URL}
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			h.append("INBOX", h.mail(0))
			before := len(ep.Issued())
			p := h.poller(cfg, nil)
			start(t, p)
			h.waitMessages(1, 10*time.Second)
			got := srv.Tokens()
			if len(got) != 2 || got[0] == got[1] || len(ep.Issued()) != before+2 {
				t.Errorf("tokens presented %v (endpoint refusals %v), want two different ones from the endpoint", got, ep.Refusals())
			}
		})
	}
}

// TestPollerOAuthEndpointRefusalStopsTheIntake: a token endpoint that refuses the
// client stops the intake (a person must fix it), says so in its own words, and the
// intake reads the mailbox once the endpoint takes the client again.
func TestPollerOAuthEndpointRefusalStopsTheIntake(t *testing.T) {
	ep := oauthtest.Start(t, oauthtest.Options{ClientID: "app-1", ClientSecret: "s3cret"})
	ep.RefuseClient(-1)
	srv := imaptest.StartMemory(t, imaptest.MemoryOptions{OAuthMechanisms: []string{"XOAUTH2"},
		ValidToken: func(tok string) bool { return strings.HasPrefix(tok, "at-") }})
	h := newHarness(t, srv)
	cfg := h.cfg
	cfg.Password = ""
	cfg.OAuth = mailin.OAuthConfig{Provider: mailin.OAuthM365, Tenant: "itu.int", ClientID: "app-1", ClientSecret: "s3cret", TokenURL: ep.URL}
	h.append("INBOX", h.mail(0))
	p, _ := h.stoppedPoller(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	st := waitStopped(t, p, "invalid_client", errc)
	if st.Summary != "OAuth token: the token endpoint refused (HTTP 401, invalid_client)" {
		t.Errorf("summary %q", st.Summary)
	}
	if strings.Contains(st.LastError, "s3cret") {
		t.Error("the error shows the secret")
	}
	ep.RefuseClient(0)
	h.waitMessages(1, 10*time.Second)
	storetest.Eventually(t, 5*time.Second, "connected", func() bool { return p.Status().Connected })
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run returned %v on cancellation", err)
	}
}
