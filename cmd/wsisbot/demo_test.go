package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func testConfig(t *testing.T, env map[string]string) *Config {
	t.Helper()
	cfg, err := loadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func randomName(prefix string) string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// TestDemoOnce runs `wsisbot demo --once` and checks that every seeded genuine
// contribution was stored, carded and acknowledged exactly once, and that the robots'
// mail was stored but never acknowledged.
func TestDemoOnce(t *testing.T) {
	name := randomName("wsisbot_demo_test_")
	cfg := testConfig(t, map[string]string{"DATABASE_URL": storetest.ServerURL()})
	var transcript bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	run, err := runDemo(ctx, cfg, logger, demoOptions{once: true, database: name, imapAddr: "127.0.0.1:0", out: &transcript})
	if run != nil && run.dbURL != "" {
		t.Cleanup(func() {
			admin, err := sql.Open("postgres", storetest.ServerURL())
			if err == nil {
				_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
				admin.Close()
			}
		})
	}
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, transcript.String())
	}
	db, err := sql.Open("postgres", run.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	sent := run.mail.Sent()
	cards := map[string]int{}
	for _, m := range run.standIn.Messages(demoChannel) {
		if m.ThreadTS == "" && !m.Ephemeral && strings.Contains(m.Text+string(m.Blocks), "WSIS-2019-") {
			for _, ref := range strings.Fields(strings.NewReplacer("*", " ", "\"", " ", ":", " ", "·", " ").Replace(m.Text)) {
				if strings.HasPrefix(ref, "WSIS-2019-") {
					cards[ref]++
					break
				}
			}
		}
	}
	genuine := 0
	for _, s := range run.seeds {
		var kind string
		var cid sql.NullInt64
		if err := db.QueryRow(`SELECT kind, contribution_id FROM messages WHERE raw_sha256 = $1`, store.SHA256Hex(s.Raw)).Scan(&kind, &cid); err != nil {
			t.Errorf("%s: not stored: %v", s.Label, err)
			continue
		}
		if !s.Genuine {
			if kind == "contribution" {
				t.Errorf("%s: stored as a new contribution", s.Label)
			}
			continue
		}
		genuine++
		if kind != "contribution" || !cid.Valid {
			t.Errorf("%s: stored as %s", s.Label, kind)
			continue
		}
		var ref, ackStatus, from string
		var history bool
		if err := db.QueryRow(`SELECT ref, ack_status, history, from_email FROM contributions WHERE id = $1`, cid.Int64).Scan(&ref, &ackStatus, &history, &from); err != nil {
			t.Fatal(err)
		}
		if cards[ref] != 1 {
			t.Errorf("%s (%s): carded %d times, want once", s.Label, ref, cards[ref])
		}
		acks := 0
		for _, m := range sent {
			if m.XWSISBot == "ack "+ref {
				acks++
				if !strings.EqualFold(m.To, from) {
					t.Errorf("%s: acknowledgement to %s, want %s", ref, m.To, from)
				}
			}
		}
		want := 1
		if history {
			want = 0 // arrived long before: history, never acknowledged
		}
		if acks != want {
			t.Errorf("%s (%s): acknowledged %d times, want %d (status %s)", s.Label, ref, acks, want, ackStatus)
		}
	}
	if genuine < 6 {
		t.Fatalf("only %d genuine seeds", genuine)
	}
	// The robots: stored, never acknowledged.
	for _, m := range sent {
		for _, robot := range []string{"jean.dupont@example.fr", "mailer-daemon@mx.example.net", "igf-community@lists.example.org"} {
			if strings.EqualFold(m.To, robot) {
				t.Errorf("a robot got mail: %s (%s)", m.To, m.Subject)
			}
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'in'`).Scan(&n); err != nil || n != len(run.seeds) {
		t.Errorf("stored %d inbound messages, want %d (%v)", n, len(run.seeds), err)
	}
	if !strings.Contains(transcript.String(), "Summary") {
		t.Errorf("no summary in the transcript:\n%s", transcript.String())
	}
}
