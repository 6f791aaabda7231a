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
// the request is acknowledged at once and the work is done by Run's workers.
func (b *Bot) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", b.serveEvents)
	mux.HandleFunc("POST /slack/interactions", b.serveInteractions)
	mux.HandleFunc("POST /slack/commands", b.serveCommands)
	return mux
}

// verified reads the body and checks its signature, answering 401 when it fails.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	if err := verifySignature(b.cfg.SigningSecret, r.Header, body, b.clock.Now()); err != nil {
		b.log.Warn("refused a request with a bad signature", "path", r.URL.Path, "remote", r.RemoteAddr, slog.Any("error", err))
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (b *Bot) serveEvents(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
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
	if outer.EventID != "" && !b.seen.first("event:"+outer.EventID) {
		w.WriteHeader(http.StatusOK) // a retry of an event we have
		return
	}
	if !b.submit("event", func(ctx context.Context) { b.handleEvent(ctx, body) }) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveInteractions(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		http.Error(w, "no payload", http.StatusBadRequest)
		return
	}
	payload := []byte(form.Get("payload"))
	if !b.submit("interaction", func(ctx context.Context) { b.handleInteraction(ctx, payload) }) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	// An empty 200 closes a submitted modal and acknowledges a click.
	w.WriteHeader(http.StatusOK)
}

func (b *Bot) serveCommands(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
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
	if !b.submit("command", func(ctx context.Context) { b.handleCommand(ctx, cmd) }) {
		writeJSON(w, map[string]string{"response_type": "ephemeral", "text": "wsisbot is busy; try again in a minute."})
		return
	}
	w.WriteHeader(http.StatusOK)
}
