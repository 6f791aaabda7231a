package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func testConfig(t testing.TB, env map[string]string) *Config {
	t.Helper()
	cfg, err := loadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
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
	reportDir := t.TempDir()
	run, err := runDemo(ctx, cfg, logger, demoOptions{once: true, database: name, imapAddr: "127.0.0.1:0", out: &transcript, reportDir: reportDir})
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
	// The demo ends with a report of its own data, and says where it is.
	page := filepath.Join(reportDir, "report-en.html")
	var contributions int
	if err := db.QueryRow(`SELECT count(*) FROM contributions`).Scan(&contributions); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(page); err != nil || !strings.Contains(transcript.String(), page) {
		t.Errorf("demo report %s: %v; transcript names it: %v", page, err, strings.Contains(transcript.String(), page))
	} else if want := fmt.Sprintf(`id="total">%d<`, contributions); !strings.Contains(string(b), want) {
		t.Errorf("demo report does not count the %d contributions (%s)", contributions, want)
	}

	sent := run.mail.Sent()
	cards := map[string]int{}
	for _, m := range run.slack.Messages(demoChannel) {
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
		if wantCards := map[bool]int{false: 1, true: 0}[history]; cards[ref] != wantCards {
			t.Errorf("%s (%s): carded %d times, want %d (history: %v)", s.Label, ref, cards[ref], wantCards, history)
		}
		acks := 0
		for _, m := range sent {
			if m.XWSISBot == "ack "+ref {
				acks++
				if len(m.To) != 1 || !strings.EqualFold(m.To[0], from) {
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
			for _, to := range m.To {
				if strings.EqualFold(to, robot) {
					t.Errorf("a robot got mail: %s (%s)", to, m.Subject)
				}
			}
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'in'`).Scan(&n); err != nil || n != len(run.seeds) {
		t.Errorf("stored %d inbound messages, want %d (%v)", n, len(run.seeds), err)
	}
	// The stand-in holds the desk to Slack's limits: the desk paced itself.
	if n := run.slack.RateLimited(); n != 0 {
		t.Errorf("Slack answered 429 to %d calls", n)
	}
	if !strings.Contains(transcript.String(), "Summary") {
		t.Errorf("no summary in the transcript:\n%s", transcript.String())
	}
}

// TestExportCommand exports what the demo stored, in each format.
func TestExportCommand(t *testing.T) {
	name := randomName("wsisbot_export_test_")
	cfg := testConfig(t, map[string]string{"DATABASE_URL": storetest.ServerURL()})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dr, err := runDemo(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), demoOptions{once: true, database: name, imapAddr: "127.0.0.1:0", out: io.Discard})
	t.Cleanup(func() {
		admin, err := sql.Open("postgres", storetest.ServerURL())
		if err == nil {
			_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			admin.Close()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dr.dbURL
		}
		return ""
	}
	var out, errw bytes.Buffer
	if err := run([]string{"export", "--format", "json"}, &out, &errw, getenv); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal(out.Bytes(), &recs); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out.String())
	}
	if len(recs) != 7 {
		t.Fatalf("%d contributions exported, want 7", len(recs))
	}
	for _, k := range []string{"ref", "status", "outcome", "kind", "stakeholder_type", "language", "from_name", "from_email",
		"organisation", "subject", "received_at", "deadline", "late", "assignee", "ack_sent_at", "ack_suppressed_reason",
		"message_count", "attachments", "events"} {
		if _, ok := recs[0][k]; !ok {
			t.Errorf("the JSON lacks %q", k)
		}
	}
	file := filepath.Join(t.TempDir(), "contributions.xlsx")
	if err := run([]string{"export", "--format", "xlsx", "--out", file}, &out, &errw, getenv); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("xlsx: %v", err)
	}
	out.Reset()
	if err := run([]string{"export"}, &out, &errw, getenv); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(out.String(), "\n"); lines < 8 || !strings.Contains(out.String(), "WSIS-2019-0001") {
		t.Fatalf("csv:\n%s", out.String())
	}
	if err := run([]string{"export", "--format", "pdf"}, &out, &errw, getenv); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Fatalf("a bad format: %v", err)
	}
}
