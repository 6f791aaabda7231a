package bot

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWatchdogWarnsBeforeCredentialsExpire: from 14 days before a certificate or a
// refresh token expires, one warning a day at the alert hour, across replicas; none
// before.
func TestWatchdogWarnsBeforeCredentialsExpire(t *testing.T) {
	t.Parallel()
	// inConsultation is 21 January 2019, 10:00 Geneva, after the 9:00 alert hour.
	certEnd := inConsultation.Add(20 * 24 * time.Hour)
	tokenEnd := inConsultation.Add(3 * 24 * time.Hour)
	expiries := func() ([]CredentialExpiry, error) {
		return []CredentialExpiry{
			{What: `the certificate "CN=wsisbot"`, Setting: "WSISBOT_OAUTH_CERT_FILE", At: certEnd},
			{What: "the refresh token", Setting: "WSISBOT_OAUTH_REFRESH_TOKEN_FILE", At: tokenEnd},
		}, nil
	}
	d := newDesk(t, deskOptions{replicas: 2, options: []Option{WithCredentialExpiries(expiries)}})
	count := func(setting string) int { return d.countOutbox("watchdog:credential_expiry:" + setting + ":%") }

	d.scheduleTogether()
	d.scheduleTogether()
	if n, c := count("WSISBOT_OAUTH_REFRESH_TOKEN_FILE"), count("WSISBOT_OAUTH_CERT_FILE"); n != 1 || c != 0 {
		t.Fatalf("first day: %d refresh token warnings (want 1), %d certificate warnings (want 0: 20 days left)", n, c)
	}
	post := d.waitPosts("an OAuth credential expires soon", 1)[0]
	if !strings.Contains(post.Text+string(post.Blocks), "in 3 days") {
		t.Errorf("warning: %s %s", post.Text, post.Blocks)
	}
	// Later the same day: nothing more.
	d.clock.Advance(6 * time.Hour)
	d.scheduleTogether()
	if n := count("WSISBOT_OAUTH_REFRESH_TOKEN_FILE"); n != 1 {
		t.Fatalf("same day: %d warnings, want 1", n)
	}
	// The next day at 8:00, still none; at 9:00, the day's warning.
	d.clock.Advance(16 * time.Hour) // 22 January, 8:00
	d.scheduleTogether()
	if n := count("WSISBOT_OAUTH_REFRESH_TOKEN_FILE"); n != 1 {
		t.Fatalf("next day before the alert hour: %d warnings, want 1", n)
	}
	d.clock.Advance(time.Hour)
	d.scheduleTogether()
	if n := count("WSISBOT_OAUTH_REFRESH_TOKEN_FILE"); n != 2 {
		t.Fatalf("next day at the alert hour: %d warnings, want 2", n)
	}
	// Six days later the certificate is 14 days from its end: its warnings begin.
	d.clock.Advance(6 * 24 * time.Hour)
	d.scheduleTogether()
	if n := count("WSISBOT_OAUTH_CERT_FILE"); n != 1 {
		t.Fatalf("14 days before the certificate's end: %d warnings, want 1", n)
	}
	// The refresh token's end has passed: its warning says so, every day.
	if n := count("WSISBOT_OAUTH_REFRESH_TOKEN_FILE"); n != 3 {
		t.Fatalf("after the refresh token's end: %d warnings, want 3", n)
	}
	d.waitPosts("Renew it now", 1)
}

// mailAuthState is a settable MailAuthStatus.
type mailAuthState struct {
	mu sync.Mutex
	s  MailAuthStatus
}

func (m *mailAuthState) set(s MailAuthStatus) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = s
}

func (m *mailAuthState) get() MailAuthStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.s
}

// TestWatchdogMailAuth: a replica whose mail workers see the token refused raises one
// alert; a replica that last saw it taken before that neither clears it nor raises it
// again; a later success clears it once.
func TestWatchdogMailAuth(t *testing.T) {
	t.Parallel()
	failing, stale := &mailAuthState{}, &mailAuthState{}
	d := newDesk(t, deskOptions{replicas: 2, replicaOptions: func(i int) []Option {
		if i == 0 {
			return []Option{WithMailAuth(failing.get)}
		}
		return []Option{WithMailAuth(stale.get)}
	}})
	count := func(state string) int { return d.countOutbox("watchdog:mail_auth:" + state + ":%") }
	d.scheduleTogether()
	if count("raised")+count("cleared") != 0 {
		t.Fatal("an alert before any send")
	}
	stale.set(MailAuthStatus{At: d.clock.Now()})
	d.clock.Advance(time.Minute)
	failing.set(MailAuthStatus{Refused: true, Error: "the server refused the OAuth access token", At: d.clock.Now()})
	d.scheduleTogether()
	d.scheduleTogether()
	if r, c := count("raised"), count("cleared"); r != 1 || c != 0 {
		t.Fatalf("refused: %d raised, %d cleared; want 1, 0", r, c)
	}
	post := d.waitPosts("the mail server refuses our OAuth token", 1)[0]
	if !strings.Contains(post.Text+string(post.Blocks), "SMTP.SendAsApp") {
		t.Errorf("alert: %s", post.Text)
	}
	d.clock.Advance(time.Minute)
	failing.set(MailAuthStatus{At: d.clock.Now()})
	d.scheduleTogether()
	d.scheduleTogether()
	if r, c := count("raised"), count("cleared"); r != 1 || c != 1 {
		t.Fatalf("taken again: %d raised, %d cleared; want 1, 1", r, c)
	}
}
