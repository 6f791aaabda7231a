package bot

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// maxRequestBody is the largest request the Slack endpoints read.
const maxRequestBody = 1 << 20

// signatureMaxAge is how far a request's timestamp may be from now (replays).
const signatureMaxAge = 5 * time.Minute

var (
	errNoSignature  = errors.New("missing X-Slack-Signature or X-Slack-Request-Timestamp")
	errStale        = errors.New("request timestamp is more than 5 minutes from now")
	errBadSignature = errors.New("signature does not match")
)

// verifySignature checks Slack's v0 request signature: HMAC-SHA256 with the signing secret
// over "v0:{timestamp}:{body}", and a timestamp within 5 minutes of now.
func verifySignature(secret string, h http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return errors.New("no signing secret configured")
	}
	tsText, sig := h.Get("X-Slack-Request-Timestamp"), h.Get("X-Slack-Signature")
	if tsText == "" || sig == "" {
		return errNoSignature
	}
	ts, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp %q", tsText)
	}
	if d := now.Sub(time.Unix(ts, 0)); d > signatureMaxAge || d < -signatureMaxAge {
		return errStale
	}
	got, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return errBadSignature
	}
	gotBytes, err := hex.DecodeString(got)
	if err != nil {
		return errBadSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + tsText + ":"))
	mac.Write(body)
	if !hmac.Equal(gotBytes, mac.Sum(nil)) {
		return errBadSignature
	}
	return nil
}

// Handler serves Slack's HTTP endpoints: POST /slack/events, /slack/interactions and
// /slack/commands. Each request's signature is checked (401 otherwise, nothing done);
// the request is queued for Run's workers and recorded (see accept), then acknowledged.
// A request recorded before is answered 200 and not done again; one that cannot be
// queued is answered 503 (an ephemeral "busy" for a command) and Slack may send it again.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", b.serveEvents)
	mux.HandleFunc("POST /slack/interactions", b.serveInteractions)
	mux.HandleFunc("POST /slack/commands", b.serveCommands)
	return mux
}

// verified reads the body and checks its signature, answering 401 when it fails. It
// returns the body and the request's key: its signature, which no other request has.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) ([]byte, string, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, "", false
	}
	if err := verifySignature(b.cfg.SigningSecret, r.Header, body, b.clock.Now()); err != nil {
		b.log.Warn("refused a request with a bad signature", "path", r.URL.Path, "remote", r.RemoteAddr, slog.Any("error", err))
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, "", false
	}
	// The signature is valid hex; in lower case it is the same for the same request.
	return body, "sig:" + strings.ToLower(strings.TrimPrefix(r.Header.Get("X-Slack-Signature"), "v0=")), true
}

// requestMemory is how long the desk remembers a request it accepted: longer than a
// signature stays valid (5 minutes either side of its timestamp) and than Slack goes on
// sending an event again.
const requestMemory = time.Hour

// claimTimeout bounds recording a request, well within the 3 s Slack waits for an answer.
const claimTimeout = 2 * time.Second

// acceptance is what became of a request Slack sent.
type acceptance int

const (
	accepted acceptance = iota // new, and queued for the job workers
	repeated                   // accepted before, by this replica or another: not queued again
	refused                    // not queued (the queue is full, or the store failed): Slack may send it again
)

// accept queues job for a request Slack sent, once across replicas: the request's keys
// (its signature, event ID, envelope ID) are recorded in the store, and a request with a
// key recorded in the last requestMemory is not queued again. When the job cannot be
// queued, the keys are forgotten again so that Slack sending it again is done.
func (b *Bot) accept(ctx context.Context, what string, keys []string, job func(context.Context)) acceptance {
	cctx, cancel := context.WithTimeout(ctx, claimTimeout)
	defer cancel()
	first, err := b.st.ClaimSlackRequest(cctx, keys, b.clock.Now(), requestMemory)
	if err != nil {
		b.log.Error("cannot record a request; refusing it", "what", what, slog.Any("error", err))
		return refused
	}
	if !first {
		return repeated
	}
	if b.submit(what, job) {
		return accepted
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), claimTimeout)
	defer cancel()
	if err := b.st.ReleaseSlackRequest(rctx, keys); err != nil {
		b.log.Error("cannot forget a request refused as busy: Slack sending it again will be ignored", "what", what,
			"keys", strings.Join(keys, " "), slog.Any("error", err))
	}
	return refused
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, key, ok := b.verified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
		EventID   string `json:"event_id"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if outer.Type == "url_verification" {
		writeJSON(w, map[string]string{"challenge": outer.Challenge})
		return
	}
	keys := []string{key}
	if outer.EventID != "" {
		keys = append(keys, "event:"+outer.EventID)
	}
	switch b.accept(r.Context(), "event", keys, func(ctx context.Context) { b.handleEvent(ctx, body) }) {
	case refused:
		http.Error(w, "busy", http.StatusServiceUnavailable) // Slack sends it again
	case repeated:
		// Slack sending an event again (X-Slack-Retry-Num), or a replay: done once.
		b.log.Debug("an event Slack sent again is ignored", "event_id", outer.EventID, "retry", r.Header.Get("X-Slack-Retry-Num"))
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

// refuseRepeat logs a request that was done before and answers it with an empty 200:
// Slack does not send interactions and commands again, so this is a replay (or a proxy
// sending it twice); whoever sent it learns nothing and nothing is done again.
func (b *Bot) refuseRepeat(w http.ResponseWriter, r *http.Request) {
	b.log.Warn("a request already done was sent again; ignored", "path", r.URL.Path, "remote", r.RemoteAddr)
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, key, ok := b.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "no payload", http.StatusBadRequest)
		return
	}
	payload := []byte(form.Get("payload"))
	if errs := viewSubmissionErrors(payload); errs != nil {
		// The modal stays open with the error on its field; nothing is done.
		writeJSON(w, slack.NewErrorsViewSubmissionResponse(errs))
		return
	}
	switch b.accept(r.Context(), "interaction", []string{key}, func(ctx context.Context) { b.handleInteraction(ctx, payload) }) {
	case refused:
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	case repeated:
		b.refuseRepeat(w, r)
		return
	}
	// An empty 200 closes a submitted modal and acknowledges a click.
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, key, ok := b.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad command", http.StatusBadRequest)
		return
	}
	cmd := slack.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), UserID: form.Get("user_id"),
		UserName: form.Get("user_name"), Command: form.Get("command"), Text: form.Get("text"),
		ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
	}
	if cmd.Command != commandName {
		writeJSON(w, map[string]string{"response_type": "ephemeral", "text": "wsisbot answers " + commandName + " only."})
		return
	}
	switch b.accept(r.Context(), "command", []string{key}, func(ctx context.Context) { b.handleCommand(ctx, cmd) }) {
	case refused:
		writeJSON(w, map[string]string{"response_type": "ephemeral", "text": "wsisbot is busy; try again in a minute."})
		return
	case repeated:
		b.refuseRepeat(w, r)
		return
	}
	w.WriteHeader(http.StatusOK)
}
