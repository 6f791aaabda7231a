// Package slacktest is a local Slack for tests and the demo: an HTTP server answering the
// Web API methods and Socket Mode as Slack does, recording every call, failing calls on
// request, and printing what a channel would show as readable text.
package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options configure a Server.
type Options struct {
	// Token, when set, is the bot token every Web API call must carry (invalid_auth else).
	Token string
	// Out, when set, receives each card, update, thread reply, ephemeral answer, notice,
	// App Home and upload as readable text.
	Out io.Writer
	// BotUserID is the bot's user (auth.test); "U0WSISBOT" when empty.
	BotUserID string
	// Limits enforces Slack's published rate limits per method (see limits.go): a call
	// beyond them is answered HTTP 429 with a Retry-After header, as Slack does.
	Limits bool
}

// Server is a local stand-in for the Slack Web API methods wsisbot uses: auth.test,
// chat.postMessage, chat.update, chat.postEphemeral, conversations.open (a direct
// message channel with one member: IMChannel), conversations.members,
// conversations.history, users.info, usergroups.users.list, views.open, views.publish,
// files.getUploadURLExternal, files.completeUploadExternal, files.info, the upload URL
// (files.go: lengths checked, file messages posted in threads), response URLs
// (/_response/...), and Socket Mode (apps.connections.open and its WebSocket, which pings
// like Slack; SocketSend delivers a request). It records every call and answers like
// Slack; with Options.Limits it also answers 429 beyond Slack's rate limits, as Slack
// does (RateLimited counts those answers), and refuses (invalid_blocks) blocks showing a
// slack_file it did not receive. Serve it (e.g. with httptest.NewServer) and set SLACK_API_URL to its URL plus "/".
type Server struct {
	opts Options

	mu      sync.Mutex
	calls   []Call
	fail    map[string][]injected
	every   everyFault
	members map[string][]string
	deleted map[string]bool
	groups  map[string][]string
	users   map[string]string
	kinds   map[string]map[string]any // users.info fields of guests and external users
	holds   map[string]chan struct{}  // methods whose calls wait (Hold)
	msgs    []*Message
	byTS    map[string]*Message
	files   map[string]*File
	fileSeq []string
	seq     int64
	views   int
	limits  *limiter // nil: no limits
	limited int      // calls answered 429 for exceeding a limit

	lose map[string]int // calls of a method carried out whose answer is then lost (LoseNext)
	// viewHashes is each modal's latest hash, by view ID (views.open, views.update).
	viewHashes map[string]string
	// viewTriggers is the ID of the modal each trigger opened.
	viewTriggers map[string]string

	sockMu   sync.Mutex // guards sockets and envelope
	sockets  []*wsConn
	envelope int
}

// wsConn is one Socket Mode connection; writes are serialised.
type wsConn struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func (c *wsConn) writeJSON(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn.WriteJSON(v)
}

// Call is one request the stand-in received.
type Call struct {
	Method string     // Web API method, "upload" or "response_url"
	Path   string     // the request's path
	Params url.Values // form parameters; for JSON bodies, the top-level fields (objects as JSON)
	Body   []byte     // the raw body of JSON requests
	Status int        // the HTTP status answered
	Error  string     // the Slack error answered ("" when ok)
	Detail string     // why a payload was refused for breaking Block Kit's limits (blockkit.go)
	At     time.Time
}

// Param is one parameter of the call.
func (c Call) Param(name string) string { return c.Params.Get(name) }

// Message is a message as it stands now (after updates).
type Message struct {
	Channel   string
	TS        string
	ThreadTS  string
	User      string // ephemeral: the user who sees it
	Text      string
	Blocks    json.RawMessage
	Metadata  json.RawMessage
	Ephemeral bool
	Updates   int
	Files     []string // the files a file message shares (files.completeUploadExternal)
}

// File is an uploaded file.
type File struct {
	ID      string
	Name    string
	Title   string
	Channel string
	Comment string
	Data    []byte
	Shared  bool
	Deleted bool // by DeleteFile

	Length   int      // the length files.getUploadURLExternal was given
	ThreadTS string   // the thread it was shared in, if any
	Shares   []string // the timestamps of the messages sharing it (one per completion)
}

type injected struct {
	status     int
	retryAfter time.Duration
}

// everyFault fails every nth Web API call; n of 0 is off.
type everyFault struct {
	injected
	n, seen int
}

// New returns an empty Server.
func New(opts Options) *Server {
	if opts.BotUserID == "" {
		opts.BotUserID = "U0WSISBOT"
	}
	s := &Server{opts: opts, fail: map[string][]injected{}, members: map[string][]string{}, deleted: map[string]bool{},
		groups: map[string][]string{}, users: map[string]string{}, byTS: map[string]*Message{},
		files: map[string]*File{}, viewHashes: map[string]string{}, viewTriggers: map[string]string{}}
	if opts.Limits {
		s.limits = newLimiter()
	}
	return s
}

// View is the ID and the latest hash of the modal that trigger opened (views.open), and
// whether it opened one.
func (s *Server) View(trigger string) (id, hash string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok = s.viewTriggers[trigger]
	return id, s.viewHashes[id], ok
}

// IMChannel is the ID of the direct message channel between the bot and user
// (conversations.open answers it; Messages lists what was posted there).
func IMChannel(user string) string { return "D" + user }

// SetMembers sets the members of a channel (conversations.members; a channel without
// members set answers channel_not_found there). Messages go to any channel not deleted.
func (s *Server) SetMembers(channel string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[channel] = append([]string{}, users...)
}

// DeleteFile deletes an uploaded file, as someone may in Slack: blocks showing it are then
// refused. Files still lists it, marked Deleted.
func (s *Server) DeleteFile(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.files[id]; f != nil {
		f.Deleted = true
	}
}

// DeleteChannel makes every later call about channel fail with channel_not_found.
func (s *Server) DeleteChannel(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted[channel] = true
	delete(s.members, channel)
}

// SetUserGroup sets the members of a user group (usergroups.users.list).
func (s *Server) SetUserGroup(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = append([]string{}, users...)
}

// SetUser names a user (users.info).
func (s *Server) SetUser(id, realName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = realName
}

// teamID is the stand-in's workspace (auth.test, users.info).
const teamID = "T0WSIS"

// SetGuest makes a user a guest of the workspace (users.info is_restricted; with
// singleChannel, is_ultra_restricted too).
func (s *Server) SetGuest(id string, singleChannel bool) {
	s.setKind(id, map[string]any{"is_restricted": true, "is_ultra_restricted": singleChannel})
}

// SetExternal makes a user a member of another organisation's workspace, team, met
// through Slack Connect (users.info is_stranger and that team_id).
func (s *Server) SetExternal(id, team string) {
	s.setKind(id, map[string]any{"is_stranger": true, "team_id": team})
}

func (s *Server) setKind(id string, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kinds == nil {
		s.kinds = map[string]map[string]any{}
	}
	s.kinds[id] = fields
}

// Hold makes every call of method wait, unanswered, until release is called (or the
// client gives up): a slow Slack.
func (s *Server) Hold(method string) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holds == nil {
		s.holds = map[string]chan struct{}{}
	}
	ch := make(chan struct{})
	s.holds[method] = ch
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.holds[method] == ch {
				delete(s.holds, method)
			}
			close(ch)
		})
	}
}

// FailNext makes the next n calls of method fail with an HTTP status: 429 carries a
// Retry-After header of retryAfter (whole seconds), other statuses a bare error page.
func (s *Server) FailNext(method string, n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail[method] = append(s.fail[method], injected{status: status, retryAfter: retryAfter})
	}
}

// FailEvery makes every nth Web API call from now on (all methods counted together)
// fail as FailNext does; n of 0 or less stops it. With n of 1 every call fails: an outage.
func (s *Server) FailEvery(n int, status int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.every = everyFault{injected: injected{status: status, retryAfter: retryAfter}, n: max(n, 0)}
}

// injectedFor takes the failure due for a call of method, if any; s.mu is held.
func (s *Server) injectedFor(method string) (injected, bool) {
	if q := s.fail[method]; len(q) > 0 {
		s.fail[method] = q[1:]
		return q[0], true
	}
	if s.every.n > 0 && method != "response_url" && method != "upload" {
		s.every.seen++
		if s.every.seen%s.every.n == 0 {
			return s.every.injected, true
		}
	}
	return injected{}, false
}

// Calls lists the calls of method ("" for all), oldest first.
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// CallCounts counts the calls received by method, 429s included.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, c := range s.calls {
		out[c.Method]++
	}
	return out
}

// RateLimited is how many calls were answered 429 for exceeding Slack's limits
// (Options.Limits); failures injected with FailNext or FailEvery are not counted.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Messages lists the messages posted in channel (all channels for ""), as they stand now.
func (s *Server) Messages(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.msgs {
		if channel == "" || m.Channel == channel {
			out = append(out, *m)
		}
	}
	return out
}

// Files lists the uploaded files in upload order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range s.fileSeq {
		out = append(out, *s.files[id])
	}
	return out
}

// ServeHTTP answers a Web API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if i := strings.LastIndex(path, "/"); i >= 0 && !strings.HasPrefix(path, "_") {
		path = path[i+1:] // an API URL with a path prefix: /api/chat.postMessage
	}
	if path == "_socket" {
		s.serveSocket(w, r)
		return
	}
	call := Call{At: time.Now(), Params: url.Values{}, Path: r.URL.Path}
	switch {
	case strings.HasPrefix(path, "_response/"):
		call.Method = "response_url"
	case strings.HasPrefix(path, "_upload/"):
		call.Method = "upload"
	default:
		call.Method = path
	}
	var upload []byte
	var uploadName string
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(64 << 20); err == nil {
			call.Params = url.Values(r.MultipartForm.Value)
			if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 {
				if f, err := fhs[0].Open(); err == nil {
					upload, _ = io.ReadAll(f)
					f.Close()
					uploadName = fhs[0].Filename
				}
			}
		}
	case strings.HasPrefix(ct, "application/json"):
		call.Body, _ = io.ReadAll(r.Body)
		var top map[string]json.RawMessage
		if json.Unmarshal(call.Body, &top) == nil {
			for k, v := range top {
				var str string
				if json.Unmarshal(v, &str) == nil {
					call.Params.Set(k, str)
				} else {
					call.Params.Set(k, string(v))
				}
			}
		}
	default:
		if call.Method == "upload" {
			upload, _ = io.ReadAll(r.Body) // the bytes as they are, which Slack accepts too
		} else if err := r.ParseForm(); err == nil {
			call.Params = r.PostForm
		}
	}

	s.mu.Lock()
	if hold := s.holds[call.Method]; hold != nil {
		s.mu.Unlock()
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	record := func(status int, slackErr string) {
		call.Status, call.Error = status, slackErr
		s.calls = append(s.calls, call)
	}
	if f, ok := s.injectedFor(call.Method); ok {
		record(f.status, "")
		if f.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter/time.Second)))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.status)
			io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	if s.limits != nil && call.Method != "response_url" && call.Method != "upload" {
		if wait := s.limits.take(call.Method, call.Params.Get("channel"), time.Now()); wait > 0 {
			s.limited++
			record(http.StatusTooManyRequests, "ratelimited")
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
	}
	if slackErr, detail := payloadProblem(call); slackErr != "" {
		call.Detail = detail
		s.printLine(fmt.Sprintf("%s refused (%s): %s", call.Method, slackErr, detail))
		if call.Method == "response_url" {
			record(http.StatusBadRequest, slackErr)
			http.Error(w, slackErr, http.StatusBadRequest)
			return
		}
		record(http.StatusOK, slackErr)
		writeJSON(w, map[string]any{"ok": false, "error": slackErr})
		return
	}
	if call.Method == "response_url" {
		var msg struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		if json.Unmarshal(call.Body, &msg) == nil && !s.filesKnown(msg.Blocks) {
			record(http.StatusBadRequest, "invalid_blocks")
			http.Error(w, "invalid_blocks", http.StatusBadRequest)
			return
		}
		record(http.StatusOK, "")
		s.printResponse(call)
		io.WriteString(w, "ok")
		return
	}
	if call.Method == "upload" {
		status, text := s.receiveUpload(strings.TrimPrefix(path, "_upload/"), upload, uploadName)
		if status == http.StatusOK && s.lost(call.Method) {
			status, text = http.StatusInternalServerError, "answer lost"
		}
		record(status, "")
		if status != http.StatusOK {
			http.Error(w, text, status)
			return
		}
		io.WriteString(w, text)
		return
	}
	if call.Method == "apps.connections.open" {
		if !strings.HasPrefix(token(r, call.Params), "xapp-") {
			record(http.StatusOK, "invalid_auth")
			writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		record(http.StatusOK, "")
		writeJSON(w, map[string]any{"ok": true, "url": "ws://" + r.Host + "/_socket"})
		return
	}
	if s.opts.Token != "" && token(r, call.Params) != s.opts.Token {
		record(http.StatusOK, "invalid_auth")
		writeJSON(w, map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	resp, slackErr := s.answer(r, call)
	if slackErr != "" {
		record(http.StatusOK, slackErr)
		writeJSON(w, map[string]any{"ok": false, "error": slackErr})
		return
	}
	if s.lost(call.Method) {
		record(http.StatusInternalServerError, "")
		http.Error(w, "answer lost", http.StatusInternalServerError)
		return
	}
	record(http.StatusOK, "")
	resp["ok"] = true
	writeJSON(w, resp)
}

func token(r *http.Request, p url.Values) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return t
	}
	return p.Get("token")
}

// nextTS is a message timestamp unique within the stand-in, like Slack's
// "seconds.microseconds".
func (s *Server) nextTS() string {
	s.seq++
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), s.seq%1000000)
}

// answer carries out one Web API method; s.mu is held.
func (s *Server) answer(r *http.Request, c Call) (map[string]any, string) {
	p := c.Params
	if !s.filesKnown(json.RawMessage(p.Get("blocks"))) || !s.filesKnown(json.RawMessage(p.Get("view"))) {
		return nil, "invalid_blocks" // an image of a file Slack does not have
	}
	switch c.Method {
	case "auth.test":
		return map[string]any{"url": "https://wsis-standin.slack.com/", "team": "WSIS stand-in", "user": "wsisbot",
			"team_id": teamID, "user_id": s.opts.BotUserID, "bot_id": "B0WSISBOT"}, ""
	case "chat.postMessage":
		ch := p.Get("channel")
		if ch == "" || s.deleted[ch] {
			return nil, "channel_not_found"
		}
		if p.Get("text") == "" && p.Get("blocks") == "" {
			return nil, "no_text"
		}
		m := &Message{Channel: ch, TS: s.nextTS(), ThreadTS: p.Get("thread_ts"), Text: p.Get("text"),
			Blocks: rawOrNil(p.Get("blocks")), Metadata: rawOrNil(p.Get("metadata"))}
		if m.ThreadTS != "" && s.byTS[m.ThreadTS] == nil {
			m.ThreadTS = "" // Slack posts to the channel when the parent is gone
		}
		s.msgs = append(s.msgs, m)
		s.byTS[m.TS] = m
		what := "new message"
		if m.ThreadTS != "" {
			what = "thread reply to " + m.ThreadTS
		}
		s.print(fmt.Sprintf("#%s · %s · ts %s", ch, what, m.TS), m.Blocks, m.Text)
		return map[string]any{"channel": ch, "ts": m.TS, "message": map[string]any{"text": m.Text, "ts": m.TS}}, ""
	case "chat.update":
		if s.deleted[p.Get("channel")] {
			return nil, "channel_not_found"
		}
		m := s.byTS[p.Get("ts")]
		if m == nil || m.Channel != p.Get("channel") || m.Ephemeral {
			return nil, "message_not_found"
		}
		if v := p.Get("text"); v != "" {
			m.Text = v
		}
		if v := p.Get("blocks"); v != "" {
			m.Blocks = json.RawMessage(v)
		}
		m.Updates++
		s.print(fmt.Sprintf("#%s · update %d of ts %s", m.Channel, m.Updates, m.TS), m.Blocks, m.Text)
		return map[string]any{"channel": m.Channel, "ts": m.TS, "text": m.Text}, ""
	case "chat.postEphemeral":
		ch, user := p.Get("channel"), p.Get("user")
		if ch == "" || s.deleted[ch] {
			return nil, "channel_not_found"
		}
		if user == "" {
			return nil, "user_not_found"
		}
		m := &Message{Channel: ch, TS: s.nextTS(), User: user, Text: p.Get("text"), Blocks: rawOrNil(p.Get("blocks")), Ephemeral: true}
		s.msgs = append(s.msgs, m)
		s.print(fmt.Sprintf("#%s · only @%s sees this", ch, user), m.Blocks, m.Text)
		return map[string]any{"message_ts": m.TS}, ""
	case "conversations.open":
		users := strings.Split(p.Get("users"), ",")
		if p.Get("users") == "" || len(users) != 1 {
			return nil, "users_list_not_supplied" // the stand-in opens direct messages with one member
		}
		if _, named := s.users[users[0]]; !named && !s.knows(users[0]) {
			return nil, "user_not_found"
		}
		ch := IMChannel(users[0])
		return map[string]any{"channel": map[string]any{"id": ch, "is_im": true, "user": users[0]},
			"already_open": true, "no_op": true}, ""
	case "conversations.members":
		members, ok := s.members[p.Get("channel")]
		if !ok {
			return nil, "channel_not_found"
		}
		start, _ := strconv.Atoi(p.Get("cursor"))
		limit, _ := strconv.Atoi(p.Get("limit"))
		if limit <= 0 {
			limit = 100
		}
		end := min(start+limit, len(members))
		start = min(start, end)
		next := ""
		if end < len(members) {
			next = strconv.Itoa(end)
		}
		return map[string]any{"members": members[start:end], "response_metadata": map[string]any{"next_cursor": next}}, ""
	case "conversations.history":
		ch := p.Get("channel")
		oldest, _ := strconv.ParseFloat(p.Get("oldest"), 64)
		latest, err := strconv.ParseFloat(p.Get("latest"), 64)
		if err != nil || latest == 0 {
			latest = math.Inf(1)
		}
		var out []map[string]any
		for i := len(s.msgs) - 1; i >= 0; i-- {
			m := s.msgs[i]
			ts, _ := strconv.ParseFloat(m.TS, 64)
			if m.Channel != ch || m.Ephemeral || m.ThreadTS != "" || ts < oldest || ts > latest {
				continue
			}
			msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "user": s.opts.BotUserID}
			if inc := p.Get("include_all_metadata"); len(m.Metadata) > 0 && (inc == "1" || inc == "true") {
				msg["metadata"] = m.Metadata
			}
			out = append(out, msg)
		}
		return map[string]any{"messages": out, "has_more": false}, ""
	case "users.info":
		id := p.Get("user")
		name, ok := s.users[id]
		if !ok && !s.knows(id) {
			return nil, "user_not_found"
		}
		u := map[string]any{"id": id, "team_id": teamID, "is_bot": false, "name": strings.ToLower(strings.ReplaceAll(name, " ", ".")),
			"real_name": name, "profile": map[string]any{"real_name": name, "display_name": name}}
		if !ok {
			u["name"] = id // a member nobody named
		}
		for k, v := range s.kinds[id] {
			u[k] = v
		}
		return map[string]any{"user": u}, ""
	case "usergroups.users.list":
		users, ok := s.groups[p.Get("usergroup")]
		if !ok {
			return nil, "no_such_subteam"
		}
		return map[string]any{"users": users}, ""
	case "views.open":
		if p.Get("trigger_id") == "" {
			return nil, "invalid_arguments"
		}
		s.views++
		var view map[string]any
		_ = json.Unmarshal([]byte(p.Get("view")), &view)
		if view == nil {
			return nil, "invalid_arguments"
		}
		view["id"] = fmt.Sprintf("V%06d", s.views)
		view["hash"] = fmt.Sprintf("h%06d.1", s.views)
		s.viewHashes[view["id"].(string)] = view["hash"].(string)
		s.viewTriggers[p.Get("trigger_id")] = view["id"].(string)
		blocks, _ := json.Marshal(view["blocks"])
		s.print(fmt.Sprintf("modal %q opened", fmt.Sprint(textOf(view["title"]))), blocks, "")
		return map[string]any{"view": view}, ""
	case "views.update":
		// A modal opened by views.open, by its ID; with a hash, only the view's latest.
		id := p.Get("view_id")
		var view map[string]any
		_ = json.Unmarshal([]byte(p.Get("view")), &view)
		if view == nil || id == "" {
			return nil, "invalid_arguments"
		}
		hash, ok := s.viewHashes[id]
		if !ok {
			return nil, "not_found"
		}
		if h := p.Get("hash"); h != "" && h != hash {
			return nil, "hash_conflict"
		}
		s.views++
		view["id"] = id
		view["hash"] = fmt.Sprintf("%s.%d", id, s.views)
		s.viewHashes[id] = view["hash"].(string)
		blocks, _ := json.Marshal(view["blocks"])
		s.print(fmt.Sprintf("modal %q updated", fmt.Sprint(textOf(view["title"]))), blocks, "")
		return map[string]any{"view": view}, ""
	case "views.publish":
		var view map[string]any
		_ = json.Unmarshal([]byte(p.Get("view")), &view)
		if view == nil || p.Get("user_id") == "" {
			return nil, "invalid_arguments"
		}
		s.views++
		view["id"] = fmt.Sprintf("V%06d", s.views)
		blocks, _ := json.Marshal(view["blocks"])
		s.print("App Home of @"+p.Get("user_id"), blocks, "")
		return map[string]any{"view": view}, ""
	case "files.getUploadURLExternal", "files.completeUploadExternal", "files.info":
		return s.answerFiles(r, c)
	}
	return nil, "unknown_method"
}

// serveSocket is a Socket Mode connection: hello, pings every 500 ms, and the acks the
// client sends back, recorded as calls of "socket_ack".
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sock := &wsConn{conn: conn}
	defer conn.Close()
	if err := sock.writeJSON(map[string]any{"type": "hello", "num_connections": 1}); err != nil {
		return
	}
	s.sockMu.Lock()
	s.sockets = append(s.sockets, sock)
	s.sockMu.Unlock()
	defer func() {
		s.sockMu.Lock()
		defer s.sockMu.Unlock()
		for i, x := range s.sockets {
			if x == sock {
				s.sockets = append(s.sockets[:i], s.sockets[i+1:]...)
				break
			}
		}
	}()
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) != nil {
					return
				}
			}
		}
	}()
	for {
		var ack struct {
			EnvelopeID string          `json:"envelope_id"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := conn.ReadJSON(&ack); err != nil {
			return
		}
		s.mu.Lock()
		s.calls = append(s.calls, Call{Method: "socket_ack", Path: r.URL.Path, Params: url.Values{"envelope_id": {ack.EnvelopeID}},
			Body: ack.Payload, Status: http.StatusOK, At: time.Now()})
		s.mu.Unlock()
	}
}

// SocketConnected reports whether a Socket Mode client is connected.
func (s *Server) SocketConnected() bool {
	s.sockMu.Lock()
	defer s.sockMu.Unlock()
	return len(s.sockets) > 0
}

// SocketSend delivers a Socket Mode request ("interactive", "slash_commands" or
// "events_api") with its payload to the connected client, under envelopeID (a new one
// when empty: pass the same one again to play Slack re-sending it). It returns the ID.
func (s *Server) SocketSend(kind string, payload any, envelopeID string) (string, error) {
	s.sockMu.Lock()
	defer s.sockMu.Unlock()
	if len(s.sockets) == 0 {
		return "", fmt.Errorf("no Socket Mode client is connected")
	}
	if envelopeID == "" {
		s.envelope++
		envelopeID = fmt.Sprintf("env-%d", s.envelope)
	}
	req := map[string]any{"envelope_id": envelopeID, "type": kind, "payload": payload, "accepts_response_payload": false}
	return envelopeID, s.sockets[len(s.sockets)-1].writeJSON(req)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func (s *Server) print(head string, blocks json.RawMessage, text string) {
	if s.opts.Out == nil {
		return
	}
	fmt.Fprintf(s.opts.Out, "── %s ──\n%s\n\n", head, RenderText(blocks, text))
}

func (s *Server) printLine(line string) {
	if s.opts.Out == nil {
		return
	}
	fmt.Fprintf(s.opts.Out, "── %s ──\n\n", line)
}

func (s *Server) printResponse(c Call) {
	var msg struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	_ = json.Unmarshal(c.Body, &msg)
	s.print("answer through the response URL ("+msg.ResponseType+")", msg.Blocks, msg.Text)
}

// filesKnown reports whether every slack_file that blocks (or a view) shows by its id is a
// file uploaded here; s.mu is held.
func (s *Server) filesKnown(blocks json.RawMessage) bool {
	if len(blocks) == 0 {
		return true
	}
	var v any
	if json.Unmarshal(blocks, &v) != nil {
		return true
	}
	var walk func(v any) bool
	walk = func(v any) bool {
		switch x := v.(type) {
		case map[string]any:
			if sf, ok := x["slack_file"].(map[string]any); ok {
				if id, _ := sf["id"].(string); id != "" {
					if f := s.files[id]; f == nil || !f.Shared || f.Deleted {
						return false
					}
				}
			}
			for _, e := range x {
				if !walk(e) {
					return false
				}
			}
		case []any:
			for _, e := range x {
				if !walk(e) {
					return false
				}
			}
		}
		return true
	}
	return walk(v)
}

// knows reports whether id is a member of a channel or a user group; s.mu is held.
func (s *Server) knows(id string) bool {
	for _, m := range [](map[string][]string){s.members, s.groups} {
		for _, users := range m {
			for _, u := range users {
				if u == id {
					return true
				}
			}
		}
	}
	return false
}

// Members of a channel as the stand-in knows them, sorted (for tests and demos).
func (s *Server) Members(channel string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string{}, s.members[channel]...)
	sort.Strings(out)
	return out
}
