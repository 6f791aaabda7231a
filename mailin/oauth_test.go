package mailin

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestXOAuth2InitialResponse(t *testing.T) {
	c := newOAuthClient(mechXOAuth2, "wsis-info@itu.int", "ya29.token", "outlook.office365.com:993")
	mech, ir, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	if mech != "XOAUTH2" {
		t.Errorf("mechanism %q", mech)
	}
	if want := "user=wsis-info@itu.int\x01auth=Bearer ya29.token\x01\x01"; string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
	// A refused token: the server sends its JSON error, the client answers empty so that
	// the server ends the exchange with NO.
	resp, err := c.Next([]byte(`{"status":"401","schemes":"bearer","scope":"https://outlook.office365.com/.default"}`))
	if err != nil || len(resp) != 0 || resp == nil {
		t.Fatalf("answer to the error challenge: %q, %v; want an empty response", resp, err)
	}
	if c.refusal == nil || c.refusal.Status != "401" {
		t.Errorf("refusal not recorded: %+v", c.refusal)
	}
	if _, err := c.Next([]byte("{}")); err == nil {
		t.Error("a second challenge must abort the exchange")
	}
}

func TestOAuthBearerInitialResponse(t *testing.T) {
	c := newOAuthClient(mechOAuthBearer, "a,b=c@example.org", "tok", "imap.gmail.com:993")
	_, ir, err := c.Start()
	if err != nil {
		t.Fatal(err)
	}
	want := "n,a=a=2Cb=3Dc@example.org,\x01host=imap.gmail.com\x01port=993\x01auth=Bearer tok\x01\x01"
	if string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
	resp, err := c.Next([]byte(`{"status":"invalid_token"}`))
	if err != nil || string(resp) != "\x01" {
		t.Errorf("answer to the error challenge: %q, %v; want ^A", resp, err)
	}
}

func TestOAuthClientNeedsToken(t *testing.T) {
	if _, _, err := newOAuthClient(mechXOAuth2, "u", "", "h:1").Start(); err == nil {
		t.Error("an empty token must not be sent")
	}
}

func TestTokenCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	counter := filepath.Join(dir, "n")
	cmd := `n=$(cat ` + counter + ` 2>/dev/null || echo 0); n=$((n+1)); echo $n > ` + counter + `; printf '  tok-%s\n\n' $n`
	ts := newSource(t, OAuthConfig{TokenCmd: cmd})
	for i, want := range []string{"tok-1", "tok-1"} {
		got, err := ts.Token(ctx)
		if err != nil || got != want {
			t.Fatalf("call %d: %q, %v; want %q (cached)", i, got, err, want)
		}
	}
	ts.Invalidate("")
	if got, err := ts.Token(ctx); err != nil || got != "tok-2" {
		t.Fatalf("after Invalidate: %q, %v; want tok-2", got, err)
	}
	// A token older than 45 minutes is fetched again.
	ts.now = func() time.Time { return time.Now().Add(time.Hour) }
	if got, err := ts.Token(ctx); err != nil || got != "tok-3" {
		t.Fatalf("after an hour: %q, %v; want tok-3", got, err)
	}
}

func TestTokenCommandFailures(t *testing.T) {
	ctx := context.Background()
	secret := "s3cr3t-token-value"
	cases := []struct {
		name, cmd, want string
	}{
		{"exit status", "echo 'refresh token revoked: " + secret + "' >&2; exit 3", "failed with exit status 3 (its error output, 41 bytes, is not shown"},
		{"silent failure", "exit 4", "failed with exit status 4"},
		{"killed", "kill -9 $$", "failed with signal: killed"},
		{"empty", "true", "printed no token"},
		{"two words", "echo " + secret + " " + secret, "more than one token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runTokenCommand(ctx, c.cmd, 5*time.Second)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "revoked") {
				t.Error("the error shows the command's output")
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		began := time.Now()
		_, err := runTokenCommand(ctx, "sleep 10", 100*time.Millisecond)
		if err == nil || !strings.Contains(err.Error(), "no answer within") {
			t.Fatalf("error %v", err)
		}
		if d := time.Since(began); d > 3*time.Second {
			t.Errorf("took %s", d)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := runTokenCommand(cctx, "echo tok", time.Second); err == nil {
			t.Error("a cancelled context must stop the command")
		}
	})
}
