package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
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
// /readyz and /metrics, and that it stops on cancellation.
func TestServeEndpoints(t *testing.T) {
	dbURL := storetest.NewURL(t)
	cfg := testConfig(t, map[string]string{"DATABASE_URL": dbURL, "WSISBOT_HTTP_ADDR": "127.0.0.1:0"})
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
	base := "http://" + a.httpAddr
	if code, body := get(t, base+"/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz: %d %q", code, body)
	}
	code, body := get(t, base+"/readyz")
	var checks map[string]string
	if err := json.Unmarshal([]byte(body), &checks); err != nil || code != 200 || checks["database"] != "ok" || checks["imap"] != "off" {
		t.Fatalf("/readyz: %d %s", code, body)
	}
	// A contribution and a failed side effect show in the metrics.
	st, err := store.Open(ctx, dbURL, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Ingest(ctx, store.IngestBatch{Messages: []store.Inbound{{Raw: []byte("Subject: x\r\n\r\nx"), Kind: store.MsgContribution,
		FromEmail: "a@gov.example", Subject: "x"}}}, store.DefaultIngestPolicy()); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, base+"/metrics")
	for _, want := range []string{`wsisbot_contributions{status="received"} 1`, "wsisbot_outbox_pending 2", "wsisbot_messages_fetched_total 0",
		"wsisbot_outbox_oldest_age_seconds", "wsisbot_store_up 1", "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
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
