package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// permanentSlackErrors are Web API errors that retrying does not fix.
var permanentSlackErrors = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true,
	"invalid_auth": true, "not_authed": true, "account_inactive": true, "token_revoked": true,
	"token_expired": true, "no_permission": true, "missing_scope": true, "restricted_action": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "msg_too_long": true, "no_text": true,
	"too_many_attachments": true, "message_not_found": true, "cant_update_message": true,
	"edit_window_closed": true, "invalid_arguments": true, "invalid_metadata_format": true,
	"invalid_metadata_schema": true, "user_not_found": true, "no_such_subteam": true,
}

func isPermanent(err error) bool {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return permanentSlackErrors[se.Err]
	}
	return false
}

func slackErrorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// outboxError turns a Web API failure into what the outbox understands: Retry-After for a
// rate limit, Permanent for what retrying will not fix, a plain error (backoff) otherwise.
func outboxError(op string, err error) error {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &store.RetryAfterError{Err: fmt.Errorf("slack %s: %w", op, err), After: rl.RetryAfter}
	}
	if isPermanent(err) {
		return store.Permanent(fmt.Errorf("slack %s: %w", op, err))
	}
	if slackUnavailable(err) {
		return store.Unavailable(fmt.Errorf("slack %s: %w", op, err))
	}
	return fmt.Errorf("slack %s: %w", op, err)
}

// slackUnavailable reports whether err is Slack (or the way to it) failing rather than
// the call: a 5xx answer or a network error. The outbox worker then pauses briefly and
// the item keeps its attempts.
func slackUnavailable(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne)
}

// memberCache answers "may this user act?": members of the intake channel and of the
// configured user group, fetched from Slack and kept for a short while.
type memberCache struct {
	api       *slack.Client
	channel   string
	userGroup string
	clock     store.Clock
	ttl       time.Duration

	mu      sync.Mutex
	fetched time.Time
	members map[string]bool
}

func newMemberCache(api *slack.Client, channel, userGroup string, clock store.Clock, ttl time.Duration) *memberCache {
	return &memberCache{api: api, channel: channel, userGroup: userGroup, clock: clock, ttl: ttl}
}

// allowed reports whether user may act. When Slack cannot be asked it uses a list up to
// ten minutes old, else it returns the error (and the caller refuses).
func (m *memberCache) allowed(ctx context.Context, user string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clock.Now()
	age := now.Sub(m.fetched)
	if m.members == nil || age > m.ttl || age < 0 {
		fresh, err := m.fetch(ctx)
		switch {
		case err == nil:
			m.members, m.fetched = fresh, now
		case m.members != nil && age >= 0 && age < 10*time.Minute:
			// keep the stale list
		default:
			return false, err
		}
	}
	return m.members[user], nil
}

func (m *memberCache) fetch(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	cursor := ""
	for {
		users, next, err := m.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{
			ChannelID: m.channel, Cursor: cursor, Limit: 1000})
		if err != nil {
			return nil, fmt.Errorf("conversations.members: %w", err)
		}
		for _, u := range users {
			out[u] = true
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if m.userGroup != "" {
		users, err := m.api.GetUserGroupMembersContext(ctx, m.userGroup)
		if err != nil {
			return nil, fmt.Errorf("usergroups.users.list: %w", err)
		}
		for _, u := range users {
			out[u] = true
		}
	}
	return out, nil
}

// nameCache remembers users' display names.
type nameCache struct {
	api   *slack.Client
	mu    sync.Mutex
	names map[string]string
}

func newNameCache(api *slack.Client) *nameCache {
	return &nameCache{api: api, names: map[string]string{}}
}

// name is the user's real name, else display name, else the ID itself.
func (n *nameCache) name(ctx context.Context, user string) string {
	n.mu.Lock()
	if v, ok := n.names[user]; ok {
		n.mu.Unlock()
		return v
	}
	n.mu.Unlock()
	u, err := n.api.GetUserInfoContext(ctx, user)
	if err != nil {
		return user
	}
	name := u.RealName
	if name == "" {
		name = u.Profile.RealName
	}
	if name == "" {
		name = u.Profile.DisplayName
	}
	if name == "" {
		name = u.Name
	}
	if name == "" {
		name = user
	}
	n.mu.Lock()
	n.names[user] = name
	n.mu.Unlock()
	return name
}

// responseURLAllowed reports whether we may post to a response_url: an https Slack host,
// or the host of the configured Web API (a local stand-in).
func responseURLAllowed(apiURL, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if u.Scheme == "https" && (host == "slack.com" || strings.HasSuffix(host, ".slack.com")) {
		return true
	}
	api, err := url.Parse(apiURL)
	return err == nil && api.Host != "" && strings.EqualFold(api.Host, u.Host) && api.Scheme == u.Scheme
}
