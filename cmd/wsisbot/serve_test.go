package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeEndpoints runs serve with no intake, mail or Slack and checks /healthz,
// /readyz and /metrics on the health listener, that the public listener does not serve
// them, and that it stops on cancellation.
func TestServeEndpoints(t *testing.T) {
	dbURL := storetest.NewURL(t)
	cfg := testConfig(t, map[string]string{"DATABASE_URL": dbURL, "WSISBOT_HTTP_ADDR": "127.0.0.1:0", "WSISBOT_HEALTH_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := openApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, 0) }()
	select {
	case <-a.listening:
	case <-time.After(10 * time.Second):
		t.Fatal("not listening")
	}
	if a.httpAddr == a.healthAddr {
		t.Fatalf("one listener for both: %s", a.httpAddr)
	}
	base := "http://" + a.healthAddr
	if code, body := get(t, base+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	code, body := get(t, base+"/readyz")
	var checks map[string]string
	if err := json.Unmarshal([]byte(body), &checks); err != nil || code != 200 || checks["database"] != "ok" || checks["imap"] != "off" {
		t.Fatalf("/readyz: %d %s", code, body)
	}
	// The public listener serves Slack's endpoints only.
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/"} {
		if code, _ := get(t, "http://"+a.httpAddr+path); code != http.StatusNotFound {
			t.Errorf("public %s: %d, want 404", path, code)
		}
	}
	// A contribution stored by this process shows in its counters, and in the open
	// contributions and the outbox read from the store.
	if _, err := a.st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution,
		FromEmail: "a@gov.example", Subject: "x"}}}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, base+"/metrics")
	for _, want := range []string{`wsisbot_contributions_open{status="received"} 1`, `wsisbot_contributions_open{status="classified"} 0`,
		"wsisbot_outbox_pending 2", `wsisbot_messages_stored_total{kind="contribution"} 1`,
		"wsisbot_contributions_created_total 1", "wsisbot_outbox_oldest_age_seconds", "wsisbot_store_up 1", "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Every server has its timeouts and header limit.
	if len(a.servers) != 2 {
		t.Fatalf("%d HTTP servers, want 2", len(a.servers))
	}
	for _, srv := range a.servers {
		if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 ||
			srv.MaxHeaderBytes > 1<<20 {
			t.Errorf("a server without limits: %+v", srv)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestHTTPServerDropsSlowClients: a client that sends its request header slowly (or
// never) is cut off after ReadHeaderTimeout, and one that stays idle after IdleTimeout.
func TestHTTPServerDropsSlowClients(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler())
	if srv.ReadHeaderTimeout != httpReadHeaderTimeout || srv.ReadTimeout != httpReadTimeout || srv.WriteTimeout != httpWriteTimeout ||
		srv.IdleTimeout != httpIdleTimeout || srv.MaxHeaderBytes != httpMaxHeaderBytes {
		t.Fatalf("limits not set: %+v", srv)
	}
	srv.ReadHeaderTimeout, srv.IdleTimeout = 200*time.Millisecond, 200*time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	defer srv.Close()
	for name, send := range map[string]string{
		"slow header": "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow:",
		"idle":        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, err := io.WriteString(c, send); err != nil {
				t.Fatal(err)
			}
			// The server closes the connection: reading ends well before this deadline.
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			began := time.Now()
			_, err = io.Copy(io.Discard, c)
			if err != nil {
				t.Fatalf("the connection is still open after %s: %v", time.Since(began).Round(time.Millisecond), err)
			}
		})
	}
}
