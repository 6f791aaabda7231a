package bot

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

func TestEscapeMrkdwn(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"<!channel> <!here> <!everyone>", "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt;"},
		{"<@U123|bob> <#C999>", "&lt;@U123|bob&gt; &lt;#C999&gt;"},
		{"<https://evil.example|click me>", "&lt;https://evil.example|click me&gt;"},
		{"A & B", "A &amp; B"},
		{"&lt; already", "&amp;lt; already"},
		{"*bold* ~strike~ `code`", "∗bold∗ ∼strike∼ ˋcodeˋ"},
		{"_italic_ and snake_case and john_doe@x.org", "ˍitalicˍ and snake_case and john_doe@x.org"},
		{"line\nbreak\ttab\x07bell", "line\nbreak\ttabbell"},
		{"right\u202eto left", "rightto left"},
		{"عربي 中文 русский", "عربي 中文 русский"},
	}
	for _, tc := range cases {
		if got := escapeMrkdwn(tc.in); got != tc.want {
			t.Errorf("escapeMrkdwn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCut(t *testing.T) {
	t.Parallel()
	if got := cut("short", 10); got != "short" {
		t.Errorf("cut short = %q", got)
	}
	long := strings.Repeat("é", 50)
	got := cut(long, 20)
	if utf8.RuneCountInString(got) > 20 || !strings.HasSuffix(got, cutMarker) {
		t.Errorf("cut = %q", got)
	}
	// An entity is never cut in half.
	s := strings.Repeat("x", 10) + "&amp;" + strings.Repeat("y", 20)
	for n := 14; n <= 22; n++ {
		got := cut(s, n)
		body := strings.TrimSuffix(got, cutMarker)
		if i := strings.LastIndexByte(body, '&'); i >= 0 && !strings.HasPrefix(body[i:], "&amp;") {
			t.Errorf("cut(%d) = %q splits an entity", n, got)
		}
		if utf8.RuneCountInString(got) > n {
			t.Errorf("cut(%d) = %q is too long", n, got)
		}
	}
}

func TestExcerpt(t *testing.T) {
	t.Parallel()
	in := "\n\nDear all,\n\n\n\nWe submit.\nLine 3\nLine 4\n"
	if got := excerpt(in, 3, 100); got != "Dear all,\n\nWe submit." {
		t.Errorf("excerpt = %q", got)
	}
	if got := excerpt(strings.Repeat("a", 50), 5, 10); got != strings.Repeat("a", 10)+"…" {
		t.Errorf("excerpt = %q", got)
	}
}

func TestOutboxErrorClassification(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		err       error
		permanent bool
		after     time.Duration
	}{
		{"rate limited", &slack.RateLimitedError{RetryAfter: 30 * time.Second}, false, 30 * time.Second},
		{"5xx", slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, false, 0},
		{"network", errors.New("dial tcp: connection refused"), false, 0},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, true, 0},
		{"invalid_auth", slack.SlackErrorResponse{Err: "invalid_auth"}, true, 0},
		{"not_in_channel", slack.SlackErrorResponse{Err: "not_in_channel"}, true, 0},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, false, 0},
	}
	for _, tc := range cases {
		err := outboxError("post", tc.err)
		var perm *store.PermanentError
		if errors.As(err, &perm) != tc.permanent {
			t.Errorf("%s: permanent = %v", tc.name, !tc.permanent)
		}
		var ra *store.RetryAfterError
		if got := errors.As(err, &ra); got != (tc.after > 0) || (got && ra.After != tc.after) {
			t.Errorf("%s: retry after = %v", tc.name, err)
		}
	}
}

func TestResponseURLAllowed(t *testing.T) {
	t.Parallel()
	api := "http://127.0.0.1:4000/"
	for u, ok := range map[string]bool{
		"https://hooks.slack.com/commands/T1/2/3": true,
		"http://hooks.slack.com/commands/T1/2/3":  false,
		"https://evil.example/hook":               false,
		"https://slack.com.evil.example/x":        false,
		"http://127.0.0.1:4000/_response/1":       true,
		"http://127.0.0.1:4001/_response/1":       false,
	} {
		if got := responseURLAllowed(api, u); got != ok {
			t.Errorf("responseURLAllowed(%q) = %v", u, got)
		}
	}
}

func TestStandInPrintsReadableText(t *testing.T) {
	t.Parallel()
	out := &syncBuffer{}
	d := newDesk(t, deskOptions{out: out})
	c := d.contribution("Views on <!channel> & C8")
	d.interact(d.click("U1", c, button(actTake, c)))
	d.waitUpdate(c, "<@U1> took it")
	text := out.String()
	for _, want := range []string{"#C0INTAKE · new message · ts " + c.SlackTS, "📨 WSIS-2019-0001", "Subject:* Views on <!channel> & C8", "[Take] [Classify] [Reply]",
		"#C0INTAKE · update 1 of ts " + c.SlackTS, "@U1 took it", "[Classify] [Reply] [Assign to… @U1 ▾] [Close… ▾]"} {
		if !strings.Contains(text, want) {
			t.Errorf("stand-in output lacks %q:\n%s", want, text)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{BotToken: "xoxb-1", SigningSecret: "s", Channel: "C1", APIURL: "https://slack.com/api/", DigestHour: 9, EscalateAfter: time.Hour}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid config refused: %v", err)
	}
	if err := (Config{}).Validate(); err != nil {
		t.Fatalf("no token means no desk, not an error: %v", err)
	}
	for name, change := range map[string]func(*Config){
		"no channel":        func(c *Config) { c.Channel = "" },
		"no way in":         func(c *Config) { c.SigningSecret = "" },
		"bot token as app":  func(c *Config) { c.AppToken = "xoxb-2" },
		"API URL without /": func(c *Config) { c.APIURL = "https://slack.com/api" },
		"digest hour 24":    func(c *Config) { c.DigestHour = 24 },
		"negative":          func(c *Config) { c.WatchOutboxAge = -time.Second },
	} {
		c := ok
		change(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Config{}, nil, nil, nil, nil); err == nil {
		t.Error("New without a token")
	}
}
