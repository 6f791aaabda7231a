package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// Every Web API call the desk makes goes through one pacer, which keeps it within
// Slack's published limits (https://api.slack.com/apis/rate-limits): chat.postMessage
// and chat.postEphemeral about one message a second per channel with short bursts, the
// other methods by tier, per minute. The budget is the workspace's, shared by every
// replica: the slots are reserved in PostgreSQL (store.ReserveSlackSlot, one statement
// per call), and a 429 pushes the method's slot past its Retry-After for every worker
// and replica. While the database cannot answer, each replica paces itself in-process
// with the same rules. A caller whose slot is beyond its deadline gives it back and is
// told to come back later. With WSISBOT_SLACK_PACE=retry-after (a local stand-in without
// limits) the pacer keeps no pace of its own and only shares Retry-After. Response URLs
// and the file upload URL are not Web API methods and are not paced.

// paceRule is a method's budget: one call every interval, with bursts of up to burst
// calls; perChannel methods have one budget per channel.
type paceRule struct {
	interval   time.Duration
	burst      int
	perChannel bool
}

// Slack's tiers, and the per-channel limit of posting, with a margin: Slack sees our
// calls later than we send them, by a delay that varies, so a burst arriving late and
// the next call on time would overrun a budget used to the full. Each budget keeps one
// call of Slack's burst in reserve, and the tiers stay 10% under Slack's rate, so that
// no minute counts more calls than the tier allows. Slack: Tier 1 one a minute, Tier 2
// 20, Tier 3 50, Tier 4 100, posting one a second per channel, each with short bursts.
var (
	paceTier1   = paceRule{interval: time.Minute, burst: 2}
	paceTier2   = paceRule{interval: time.Minute / 18, burst: 2}
	paceTier3   = paceRule{interval: time.Minute / 45, burst: 4}
	paceTier4   = paceRule{interval: time.Minute / 90, burst: 8}
	pacePerChan = paceRule{interval: time.Second, burst: 2, perChannel: true}
)

// slackPace is the budget of each Web API method the desk calls. A method missing here
// gets paceUnknown.
var slackPace = map[string]paceRule{
	"chat.postMessage":             pacePerChan,
	"chat.postEphemeral":           pacePerChan,
	"chat.update":                  paceTier3,
	"conversations.history":        paceTier3,
	"conversations.members":        paceTier4,
	"conversations.open":           paceTier3,
	"users.info":                   paceTier4,
	"usergroups.users.list":        paceTier2,
	"views.open":                   paceTier4,
	"views.publish":                paceTier4,
	"views.update":                 paceTier4,
	"files.getUploadURLExternal":   paceTier4,
	"files.completeUploadExternal": paceTier4,
	"files.info":                   paceTier4,
	"auth.test":                    paceTier4,
	"apps.connections.open":        paceTier1,
}

// paceUnknown is the budget of a method slackPace does not know: Tier 2.
var paceUnknown = paceTier2

const (
	paceStoreTimeout = 500 * time.Millisecond // a reservation the database has not answered by then is made in-process
	paceStoreRetry   = 5 * time.Second        // after a failed reservation, in-process only for this long
	paceRetryAfter   = 30 * time.Second       // a 429 without a usable Retry-After
)

// PaceStore keeps the Slack budget the replicas share; *store.Store is it.
type PaceStore interface {
	ReserveSlackSlot(ctx context.Context, key string, interval time.Duration, burst int) (store.SlackSlot, error)
	ReleaseSlackSlot(ctx context.Context, key string, interval time.Duration, slot store.SlackSlot) (bool, error)
	DelaySlackSlot(ctx context.Context, key string, after, interval time.Duration, burst int) error
}

// pacer holds every Web API call until its slot, shared through the store when it
// answers, in-process when it does not.
type pacer struct {
	shared         PaceStore // nil: in-process only
	api            *url.URL  // the Web API's base URL: only calls below it are paced
	onlyRetryAfter bool      // no pace of our own: only a 429's Retry-After holds calls
	log            *slog.Logger
	local          *localPace

	mu        sync.Mutex
	storeDown time.Time // the last failed reservation in the store
}

func newPacer(shared PaceStore, apiURL string, onlyRetryAfter bool, logger *slog.Logger) (*pacer, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("slack pace: API URL: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &pacer{shared: shared, api: u, onlyRetryAfter: onlyRetryAfter, log: logger, local: newLocalPace()}, nil
}

// client wraps c: the client slack-go calls goes through the pacer. It wraps the
// *http.Client rather than its Transport, so the wait for a slot does not count against
// the client's Timeout. A retry wrapper slack-go adds on top (OptionRetry) is paced too.
func (p *pacer) client(c *http.Client) *pacedClient { return &pacedClient{p: p, c: c} }

// httpDoer is the client slack-go calls (slack.OptionHTTPClient).
type httpDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// pacedClient is the http client slack-go is given (slack.OptionHTTPClient).
type pacedClient struct {
	p *pacer
	c *http.Client
}

// Do waits for the call's slot, makes it, and on a 429 delays the method's slot for
// everyone. When the slot is beyond the request's deadline it answers at once with a
// *slack.RateLimitedError, as Slack would: the outbox then tries the item again later.
func (pc *pacedClient) Do(req *http.Request) (*http.Response, error) {
	method, ok := pc.p.method(req.URL)
	if !ok {
		return pc.c.Do(req)
	}
	key, rule, err := paceKey(req, method)
	if err != nil {
		return nil, err
	}
	if pc.p.onlyRetryAfter {
		rule.interval, rule.burst = 0, 1
	}
	ctx := req.Context()
	wait, release := pc.p.reserve(ctx, key, rule)
	if wait > 0 {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			release()
			return nil, &slack.RateLimitedError{RetryAfter: wait}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			release()
			return nil, fmt.Errorf("slack %s: waiting for a slot: %w", method, ctx.Err())
		case <-t.C:
		}
	}
	resp, err := pc.c.Do(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		pc.p.delay(ctx, key, rule, retryAfter(resp.Header))
	}
	return resp, err
}

// method is the Web API method a URL calls; false for anything else (response URLs,
// the upload URL).
func (p *pacer) method(u *url.URL) (string, bool) {
	if !strings.EqualFold(u.Host, p.api.Host) || u.Scheme != p.api.Scheme {
		return "", false
	}
	m, ok := strings.CutPrefix(u.Path, p.api.Path)
	if !ok || m == "" || strings.ContainsAny(m, "/") || strings.HasPrefix(m, "_") {
		return "", false
	}
	return m, true
}

// paceKey is the budget a call draws on: its method's, or for a per-channel method the
// method's in the call's channel (the method's own when the channel cannot be read).
func paceKey(req *http.Request, method string) (string, paceRule, error) {
	rule, ok := slackPace[method]
	if !ok {
		rule = paceUnknown
	}
	if !rule.perChannel {
		return method, rule, nil
	}
	ch, err := channelParam(req)
	if err != nil {
		return "", rule, fmt.Errorf("slack %s: %w", method, err)
	}
	if ch == "" {
		return method, rule, nil
	}
	return method + ":" + ch, rule, nil
}

// channelParam reads the call's channel from its query, form or JSON body, leaving the
// body to be sent.
func channelParam(req *http.Request) (string, error) {
	if ch := req.URL.Query().Get("channel"); ch != "" {
		return ch, nil
	}
	if req.Body == nil || req.Body == http.NoBody {
		return "", nil
	}
	var body []byte
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return "", fmt.Errorf("read body: %w", err)
		}
		body, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return "", fmt.Errorf("read body: %w", err)
		}
	} else {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return "", fmt.Errorf("read body: %w", err)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		var v struct {
			Channel string `json:"channel"`
		}
		_ = json.Unmarshal(body, &v) // no channel: the method's budget
		return v.Channel, nil
	}
	form, _ := url.ParseQuery(string(body))
	return form.Get("channel"), nil
}

// reserve takes key's next slot and returns how long to wait for it, and how to give
// it back unused: from the store when it answers, else in-process. The in-process budget
// follows the shared one, so that a replica falling back does not start with a burst
// Slack has already seen.
func (p *pacer) reserve(ctx context.Context, key string, rule paceRule) (time.Duration, func()) {
	if p.shared != nil && p.storeUsable() {
		sctx, cancel := context.WithTimeout(ctx, paceStoreTimeout)
		err := p.carry(sctx, key, rule)
		var slot store.SlackSlot
		if err == nil {
			slot, err = p.shared.ReserveSlackSlot(sctx, key, rule.interval, rule.burst)
		}
		cancel()
		if err == nil {
			p.local.follow(key, rule, time.Now().Add(slot.Wait))
			return slot.Wait, func() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), paceStoreTimeout)
				defer cancel()
				if _, err := p.shared.ReleaseSlackSlot(rctx, key, rule.interval, slot); err != nil {
					p.storeFailed(err)
				}
			}
		}
		if ctx.Err() == nil {
			p.storeFailed(err)
		}
	}
	wait, tat := p.local.reserve(key, rule, time.Now())
	return wait, func() { p.local.release(key, rule, tat) }
}

// carry gives the shared budget the calls this replica made in-process while the
// database did not answer, before it reserves there again: the store's next slot comes
// no sooner than the in-process budget's, so the calls after a stall are not a fresh
// burst on top of those made during it.
func (p *pacer) carry(ctx context.Context, key string, rule paceRule) error {
	tat, ok := p.local.unsharedTAT(key)
	if !ok {
		return nil
	}
	if ahead := time.Until(tat); ahead > 0 {
		if err := p.shared.DelaySlackSlot(ctx, key, ahead-tolerance(rule), rule.interval, rule.burst); err != nil {
			return err
		}
	}
	p.local.shared(key, tat)
	return nil
}

// delay puts off key's next call by after (Slack answered 429), for everyone.
func (p *pacer) delay(ctx context.Context, key string, rule paceRule, after time.Duration) {
	p.local.delay(key, rule, time.Now(), after)
	p.log.Warn("slack rate limit; waiting", "key", key, "retry_after", after)
	if p.shared == nil {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), paceStoreTimeout)
	defer cancel()
	if err := p.shared.DelaySlackSlot(sctx, key, after, rule.interval, rule.burst); err != nil {
		p.local.unshare(key)
		p.storeFailed(err)
	}
}

func (p *pacer) storeUsable() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.storeDown.IsZero() || time.Since(p.storeDown) > paceStoreRetry
}

func (p *pacer) storeFailed(err error) {
	p.mu.Lock()
	first := p.storeDown.IsZero() || time.Since(p.storeDown) > paceStoreRetry
	p.storeDown = time.Now()
	p.mu.Unlock()
	if first {
		p.log.Warn("slack pace: the database does not answer; pacing this replica alone",
			"for_at_least", paceStoreRetry, slog.Any("error", err))
	}
}

// retryAfter is a 429's Retry-After in seconds, or paceRetryAfter when it has none.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return paceRetryAfter
	}
	return time.Duration(s) * time.Second
}

// localPace is the in-process budget: the same algorithm as the store's (GCRA: tat is
// the theoretical arrival time of the next call).
type localPace struct {
	mu       sync.Mutex
	tat      map[string]time.Time
	unshared map[string]time.Time // keys whose budget moved here and not in the store: the tat then
}

func newLocalPace() *localPace {
	return &localPace{tat: map[string]time.Time{}, unshared: map[string]time.Time{}}
}

// unsharedTAT is key's budget when calls were reserved or delayed in-process since the
// store last heard of it.
func (l *localPace) unsharedTAT(key string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.unshared[key]; !ok {
		return time.Time{}, false
	}
	return l.tat[key], true
}

// shared records that the store now knows key's budget up to tat; a call reserved
// in-process since stays unshared.
func (l *localPace) shared(key string, tat time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if u, ok := l.unshared[key]; ok && !u.After(tat) {
		delete(l.unshared, key)
	}
}

// unshare marks key's budget as moved in-process only.
func (l *localPace) unshare(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unshared[key] = l.tat[key]
}

func tolerance(rule paceRule) time.Duration {
	return time.Duration(max(rule.burst-1, 0)) * rule.interval
}

// reserve takes key's next slot at now and returns the wait for it, and the budget's
// state after it (for release).
func (l *localPace) reserve(key string, rule paceRule, now time.Time) (time.Duration, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	l.tat[key] = tat.Add(rule.interval)
	l.unshared[key] = l.tat[key]
	return max(tat.Sub(now)-tolerance(rule), 0), l.tat[key]
}

// release gives back the slot reserve left the budget at tat, when it is the latest.
func (l *localPace) release(key string, rule paceRule, tat time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tat[key].Equal(tat) {
		l.tat[key] = tat.Add(-rule.interval)
	}
}

// follow records a slot the store gave: the next call in-process comes after it, with
// no burst.
func (l *localPace) follow(key string, rule paceRule, slot time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if t := slot.Add(rule.interval + tolerance(rule)); t.After(l.tat[key]) {
		l.tat[key] = t
	}
}

// delay puts key's next slot at least after past now, with no burst.
func (l *localPace) delay(key string, rule paceRule, now time.Time, after time.Duration) {
	l.follow(key, rule, now.Add(after-rule.interval))
}
