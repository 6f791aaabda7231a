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

// staleFor is how old a membership answer may be and still be used while Slack does not
// answer, or while one caller is asking it again.
const staleFor = 10 * time.Minute

// standing is whether a user may act on contributions, and why not.
type standing int

const (
	standingMember     standing = iota // a full member of the workspace, in the channel or the user group
	standingOutside                    // in neither the channel nor the user group
	standingGuest                      // a guest of the workspace (single- or multi-channel)
	standingExternal                   // from another organisation (Slack Connect)
	standingNotAPerson                 // a bot, a deactivated or unknown account
)

func (s standing) String() string {
	switch s {
	case standingMember:
		return "member"
	case standingGuest:
		return "guest"
	case standingExternal:
		return "external"
	case standingNotAPerson:
		return "not_a_person"
	}
	return "outside"
}

// teamIDs are our workspace and, on Enterprise Grid, our organisation (auth.test).
type teamIDs struct{ team, enterprise string }

// memberCache answers "may this user act?": full members of the workspace (no guests,
// no one from another organisation, no bots) who are in the intake channel or the
// configured user group. Each answer from Slack is kept for ttl; fetches run without the
// lock, one at a time for each answer (see get).
type memberCache struct {
	api       *slack.Client
	channel   string
	userGroup string
	clock     store.Clock
	ttl       time.Duration

	mu    sync.Mutex
	list  cached[map[string]bool] // members of the channel and the user group
	team  cached[teamIDs]         // kept for good once known
	users map[string]*cached[standing]
}

// cached is one answer from Slack and the fetch of it under way, if any.
type cached[T any] struct {
	val    T
	at     time.Time // when val was fetched; zero: never
	flight *flight[T]
}

// flight is one fetch under way; done is closed when val and err are set.
type flight[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func newMemberCache(api *slack.Client, channel, userGroup string, clock store.Clock, ttl time.Duration) *memberCache {
	return &memberCache{api: api, channel: channel, userGroup: userGroup, clock: clock, ttl: ttl,
		users: map[string]*cached[standing]{}}
}

// knowTeam records our workspace's IDs (from auth.test at start-up).
func (m *memberCache) knowTeam(team, enterprise string) {
	if team == "" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.team.val, m.team.at = teamIDs{team: team, enterprise: enterprise}, m.clock.Now()
}

// get returns c's value, fetching it when it is older than ttl (ttl 0: kept for good once
// fetched). m.mu is not held during the fetch and one caller fetches at a time: while it
// does, the others use the value there is if it is less than staleFor old, or else wait
// for that fetch's outcome (or until their own ctx is done). When the fetch fails, a
// value less than staleFor old is used; else the error is returned.
func get[T any](ctx context.Context, m *memberCache, c *cached[T], ttl time.Duration, fetch func(context.Context) (T, error)) (T, error) {
	m.mu.Lock()
	age := m.clock.Now().Sub(c.at)
	known := !c.at.IsZero() && age >= 0
	if known && (ttl == 0 || age <= ttl) {
		v := c.val
		m.mu.Unlock()
		return v, nil
	}
	if f := c.flight; f != nil {
		if known && age < staleFor {
			v := c.val
			m.mu.Unlock()
			return v, nil
		}
		m.mu.Unlock()
		select {
		case <-f.done:
			if f.err != nil && ctx.Err() == nil && (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) {
				return get(ctx, m, c, ttl, fetch) // the fetcher gave up, not Slack: ask again
			}
			return f.val, f.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	f := &flight[T]{done: make(chan struct{})}
	c.flight = f
	m.mu.Unlock()

	v, err := fetch(ctx)

	m.mu.Lock()
	defer m.mu.Unlock()
	c.flight = nil
	defer close(f.done)
	if err == nil {
		c.val, c.at = v, m.clock.Now()
		f.val = v
		return v, nil
	}
	if age := m.clock.Now().Sub(c.at); !c.at.IsZero() && age >= 0 && age < staleFor {
		f.val = c.val // Slack did not answer: the value there is will do for now
		return c.val, nil
	}
	f.err = err
	var zero T
	return zero, err
}

// allowed reports whether user may act. When Slack cannot be asked it uses answers up to
// ten minutes old, else it returns the error (and the caller refuses).
func (m *memberCache) allowed(ctx context.Context, user string) (bool, error) {
	s, err := m.standing(ctx, user)
	return s == standingMember, err
}

// standing says whether user may act, and why not.
func (m *memberCache) standing(ctx context.Context, user string) (standing, error) {
	members, err := get(ctx, m, &m.list, m.ttl, m.fetch)
	if err != nil {
		return standingOutside, err
	}
	if !members[user] {
		return standingOutside, nil
	}
	m.mu.Lock()
	c := m.users[user]
	if c == nil {
		m.forgetUsers()
		c = &cached[standing]{}
		m.users[user] = c
	}
	m.mu.Unlock()
	return get(ctx, m, c, m.ttl, func(ctx context.Context) (standing, error) { return m.fetchUser(ctx, user) })
}

// forgetUsers drops the users' answers too old to be used when there are many; m.mu is
// held.
func (m *memberCache) forgetUsers() {
	if len(m.users) < 1000 {
		return
	}
	now := m.clock.Now()
	for id, c := range m.users {
		if c.flight == nil && now.Sub(c.at) > staleFor {
			delete(m.users, id)
		}
	}
}

// refusal is what a user who may not act is told; nothing was changed.
func (b *Bot) refusal(s standing) string {
	switch s {
	case standingGuest:
		return fmt.Sprintf("Sorry, guests of this Slack workspace cannot work on contributions, even in <#%s>. Nothing was changed; a member of the secretariat can do it for you.", b.cfg.Channel)
	case standingExternal:
		return fmt.Sprintf("Sorry, only the secretariat's own workspace can work on contributions; people from other organisations in <#%s> cannot. Nothing was changed; a member of the secretariat can do it for you.", b.cfg.Channel)
	}
	who := fmt.Sprintf("members of <#%s>", b.cfg.Channel)
	if b.cfg.UserGroup != "" {
		who += fmt.Sprintf(" or of <!subteam^%s>", b.cfg.UserGroup)
	}
	return "Sorry, only " + who + " can work on contributions. Nothing was changed."
}

// fetchUser asks users.info whether user is a full member of our workspace.
func (m *memberCache) fetchUser(ctx context.Context, user string) (standing, error) {
	team, err := get(ctx, m, &m.team, 0, func(ctx context.Context) (teamIDs, error) {
		res, err := m.api.AuthTestContext(ctx)
		if err != nil {
			return teamIDs{}, fmt.Errorf("auth.test: %w", err)
		}
		return teamIDs{team: res.TeamID, enterprise: res.EnterpriseID}, nil
	})
	if err != nil {
		return standingOutside, err
	}
	u, err := m.api.GetUserInfoContext(ctx, user)
	if err != nil {
		if slackErrorCode(err) == "user_not_found" {
			return standingNotAPerson, nil
		}
		return standingOutside, fmt.Errorf("users.info: %w", err)
	}
	switch {
	case u.IsBot || u.IsAppUser || u.Deleted:
		return standingNotAPerson, nil
	case u.IsRestricted || u.IsUltraRestricted:
		return standingGuest, nil
	case u.IsStranger:
		return standingExternal, nil
	case u.TeamID != "" && u.TeamID == team.team:
		return standingMember, nil
	case team.enterprise != "" && u.Enterprise.EnterpriseID == team.enterprise:
		return standingMember, nil // another workspace of our Enterprise Grid organisation
	}
	return standingExternal, nil
}

// fetch lists the members of the channel and of the user group.
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
