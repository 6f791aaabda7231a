package bot

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

const (
	testSecret  = "test-signing-secret"
	testToken   = "xoxb-test-token"
	testChannel = "C0INTAKE"
)

var geneva = mustLocation("Europe/Zurich")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// inConsultation is a Monday in phase III, in winter.
var inConsultation = time.Date(2019, 1, 21, 10, 0, 0, 0, geneva)

// syncBuffer is a log sink the bot writes to from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// desk is a running Slack desk against a real database and the Slack stand-in.
type desk struct {
	t      *testing.T
	st     *store.Store
	clock  *store.OffsetClock
	slack  *slacktest.Server
	api    *httptest.Server
	bots   []*Bot
	logs   *syncBuffer
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

type deskOptions struct {
	start    time.Time
	phases   *store.Phases
	replicas int
	config   func(*Config)
	options  []Option
	workers  int // outbox workers per replica (default 1: deterministic order)
	noRun    bool
	out      io.Writer // the stand-in's readable text

	replicaOptions func(i int) []Option            // options of replica i only
	wrap           func(http.Handler) http.Handler // wraps the stand-in's handler
}

func newDesk(t *testing.T, o deskOptions) *desk {
	t.Helper()
	if o.start.IsZero() {
		o.start = inConsultation
	}
	if o.replicas == 0 {
		o.replicas = 1
	}
	clock := store.NewOffsetClock(o.start)
	st, _ := storetest.New(t, storetest.Options{Clock: clock, Phases: o.phases})
	si := slacktest.New(slacktest.Options{Token: testToken, Out: o.out})
	si.SetMembers(testChannel, "U1", "U2", "U3")
	si.SetUser("U1", "Ada Secretariat")
	si.SetUser("U2", "Ben Secretariat")
	var h http.Handler = si
	if o.wrap != nil {
		h = o.wrap(si)
	}
	api := httptest.NewServer(h)
	t.Cleanup(api.Close)
	d := &desk{t: t, st: st, clock: clock, slack: si, api: api, logs: &syncBuffer{}}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	logger := slog.New(slog.NewTextHandler(d.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := Config{BotToken: testToken, SigningSecret: testSecret, Channel: testChannel, APIURL: api.URL + "/",
		DigestHour: -1}
	if o.config != nil {
		o.config(&cfg)
	}
	// The stand-in does not enforce Slack's limits here: no pacing (pace_test.go paces).
	opts := append([]Option{WithOutboxPoll(10 * time.Millisecond), WithSchedulerInterval(time.Hour), WithoutPacing()}, o.options...)
	for i := range o.replicas {
		ropts := opts
		if o.replicaOptions != nil {
			ropts = append(append([]Option{}, opts...), o.replicaOptions(i)...)
		}
		b, err := New(cfg, st, st.Phases(), clock, logger.With("replica", i), ropts...)
		if err != nil {
			t.Fatal(err)
		}
		b.outboxWorkers = max(o.workers, 1)
		d.bots = append(d.bots, b)
	}
	t.Cleanup(func() {
		d.cancel()
		d.wg.Wait()
		if t.Failed() {
			t.Logf("bot logs:\n%s", d.logs.String())
		}
	})
	if !o.noRun {
		d.run()
	}
	return d
}

// run starts every replica.
func (d *desk) run() {
	for _, b := range d.bots {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			if err := b.Run(d.ctx); err != nil {
				d.t.Errorf("run: %v", err)
			}
		}()
	}
}

var uidSeq atomic.Uint32

// email is a new contribution as mailin would hand it over.
func (d *desk) email(from, subject, text string) store.Inbound {
	uid := uidSeq.Add(1)
	return store.Inbound{
		Mailbox: "INBOX", UIDValidity: 1, UID: uid, InternalDate: d.clock.Now(),
		Raw:       []byte(fmt.Sprintf("From: %s\r\nSubject: %s\r\nMessage-ID: <t%d@example.org>\r\n\r\n%s\r\n", from, subject, uid, text)),
		Kind:      store.MsgContribution,
		MessageID: fmt.Sprintf("t%d@example.org", uid),
		FromName:  "Amina Sender", FromEmail: from, Subject: subject, Text: text, FreshText: text, Language: "fr",
		Suggestion: store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment,
			ActionLines: []string{"C7"}, Organisation: "Ministry of ICT"},
	}
}

func (d *desk) ingest(ms ...store.Inbound) []store.Ingested {
	d.t.Helper()
	var last uint32
	for _, m := range ms {
		last = max(last, m.UID)
	}
	res, err := d.st.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: last, Messages: ms}, store.DefaultIngestPolicy())
	if err != nil {
		d.t.Fatalf("ingest: %v", err)
	}
	return res
}

// contribution ingests one email and waits for its card.
func (d *desk) contribution(subject string) store.Contribution {
	d.t.Helper()
	res := d.ingest(d.email("amina@gov.example", subject, "Dear secretariat,\n\nplease find our submission.\n\nRegards"))
	return d.waitCard(res[0].ContributionID)
}

func (d *desk) waitCard(id int64) store.Contribution {
	d.t.Helper()
	var c store.Contribution
	storetest.Eventually(d.t, 10*time.Second, "the card to be posted", func() bool {
		var err error
		c, err = d.st.Contribution(context.Background(), id)
		return err == nil && c.SlackTS != ""
	})
	return c
}

func (d *desk) get(id int64) store.Contribution {
	d.t.Helper()
	c, err := d.st.Contribution(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

func (d *desk) events(id int64) []store.Event {
	d.t.Helper()
	evs, err := d.st.Events(context.Background(), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return evs
}

// sign makes Slack's v0 signature headers for body at ts.
func sign(secret string, ts int64, body string) http.Header {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	return h
}

// post sends a request to the bot's handler with the given headers.
func (d *desk) post(path, body string, h http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	d.bots[0].Handler().ServeHTTP(rec, req)
	return rec
}

// signedPost sends a correctly signed request, timestamped now.
func (d *desk) signedPost(path, body string) *httptest.ResponseRecorder {
	return d.post(path, body, sign(testSecret, d.clock.Now().Unix(), body))
}

// interact posts a signed interaction payload and expects it acknowledged.
func (d *desk) interact(payload map[string]any) {
	d.t.Helper()
	js, err := json.Marshal(payload)
	if err != nil {
		d.t.Fatal(err)
	}
	rec := d.signedPost("/slack/interactions", "payload="+url.QueryEscape(string(js)))
	if rec.Code != http.StatusOK {
		d.t.Fatalf("interaction answered %d: %s", rec.Code, rec.Body)
	}
}

func (d *desk) responseURL() string { return d.api.URL + "/_response/T1/B1/x" }

// click is a block_actions payload: user clicked a card control.
func (d *desk) click(user string, c store.Contribution, action map[string]any) map[string]any {
	a := map[string]any{"block_id": fmt.Sprintf("card:%d", c.ID), "action_ts": "1548061200.1"}
	for k, v := range action {
		a[k] = v
	}
	return map[string]any{
		"type": "block_actions", "trigger_id": "trigger-" + user, "response_url": d.responseURL(),
		"user":      map[string]any{"id": user, "name": strings.ToLower(user)},
		"channel":   map[string]any{"id": testChannel},
		"container": map[string]any{"type": "message", "message_ts": c.SlackTS, "channel_id": testChannel},
		"actions":   []any{a},
	}
}

func button(action string, c store.Contribution) map[string]any {
	return map[string]any{"action_id": action, "type": "button", "value": strconv.FormatInt(c.ID, 10)}
}

// submit is a view_submission payload of a modal the bot opened.
func (d *desk) submit(user, callback, viewID string, c store.Contribution, values map[string]any) map[string]any {
	meta, _ := json.Marshal(viewMeta{ContributionID: c.ID, Channel: testChannel})
	state := map[string]any{}
	for block, v := range values {
		state[block] = map[string]any{block: v}
	}
	return map[string]any{
		"type": "view_submission", "trigger_id": "trigger-submit",
		"user": map[string]any{"id": user},
		"view": map[string]any{"id": viewID, "type": "modal", "callback_id": callback,
			"private_metadata": string(meta), "state": map[string]any{"values": state}},
	}
}

// blockTexts decodes a blocks parameter and returns every text in it, decoded from JSON
// (so that what Slack would read is checked, not JSON's own escapes).
func blockTexts(t *testing.T, blocksJSON string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(blocksJSON), &v); err != nil {
		t.Fatalf("blocks are not JSON: %v\n%s", err, blocksJSON)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "text" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

func joinedTexts(t *testing.T, blocksJSON string) string {
	return strings.Join(blockTexts(t, blocksJSON), "\n")
}

// waitCall waits for a call of method whose params satisfy ok, and returns it.
func (d *desk) waitCall(what, method string, ok func(slacktest.Call) bool) slacktest.Call {
	d.t.Helper()
	var found slacktest.Call
	storetest.Eventually(d.t, 10*time.Second, what, func() bool {
		for _, c := range d.slack.Calls(method) {
			if c.Error == "" && c.Status == http.StatusOK && ok(c) {
				found = c
				return true
			}
		}
		return false
	})
	return found
}

// waitUpdate waits for a chat.update of the card showing every one of the texts.
func (d *desk) waitUpdate(c store.Contribution, texts ...string) slacktest.Call {
	d.t.Helper()
	return d.waitCall(fmt.Sprintf("a card update of %s showing %q", c.Ref, texts), "chat.update", func(call slacktest.Call) bool {
		if call.Param("ts") != c.SlackTS {
			return false
		}
		all := joinedTexts(d.t, call.Param("blocks"))
		for _, s := range texts {
			if !strings.Contains(all, s) {
				return false
			}
		}
		return true
	})
}

// waitEphemeral waits for a private answer to user containing text.
func (d *desk) waitEphemeral(user, text string) slacktest.Call {
	d.t.Helper()
	return d.waitCall(fmt.Sprintf("an ephemeral answer to %s saying %q", user, text), "chat.postEphemeral", func(c slacktest.Call) bool {
		return c.Param("user") == user && strings.Contains(c.Param("text"), text)
	})
}

// outboxItem reads one outbox item by its key.
func (d *desk) outboxItem(key string) (store.OutboxItem, bool) {
	var it store.OutboxItem
	err := d.st.DB().Get(&it, `SELECT id, kind, idempotency_key, contribution_id, message_id, payload, attempts,
		next_attempt_at, last_error, done_at, failed_at, created_at FROM outbox WHERE idempotency_key = $1`, key)
	return it, err == nil
}

func (d *desk) countOutbox(likeKey string) int {
	d.t.Helper()
	var n int
	if err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE idempotency_key LIKE $1`, likeKey); err != nil {
		d.t.Fatal(err)
	}
	return n
}

// settled waits until every replica has run its scheduler n more times.
func (d *desk) schedule() {
	for _, b := range d.bots {
		b.schedule(d.ctx)
	}
}

// posts lists the channel messages (not thread replies) whose text contains s.
func (d *desk) posts(s string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range d.slack.Messages(testChannel) {
		if m.Ephemeral || m.ThreadTS != "" {
			continue
		}
		if strings.Contains(m.Text, s) || strings.Contains(slacktest.RenderText(m.Blocks, ""), s) {
			out = append(out, m)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// viewBlocks extracts the blocks of a view parameter (views.open, views.publish).
func viewBlocks(t *testing.T, view string) []byte {
	t.Helper()
	var v struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(view), &v); err != nil {
		t.Fatalf("view is not JSON: %v", err)
	}
	return v.Blocks
}
