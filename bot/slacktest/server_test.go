package slacktest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// errorCode is the Slack error a Web API call answered ("" for none).
func errorCode(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

func TestServer(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right"})
	si.SetMembers("C1", "U1")
	srv := httptest.NewServer(si)
	defer srv.Close()
	ctx := context.Background()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))

	// Timestamps are unique even within one second.
	seen := map[string]bool{}
	for range 5 {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		if err != nil {
			t.Fatal(err)
		}
		if seen[ts] {
			t.Fatalf("ts %s given twice", ts)
		}
		seen[ts] = true
	}
	si.DeleteChannel("C404")
	if _, _, err := api.PostMessageContext(ctx, "C404", slack.MsgOptionText("hi", false)); errorCode(err) != "channel_not_found" {
		t.Errorf("unknown channel: %v", err)
	}
	si.FailNext("chat.postMessage", 1, http.StatusTooManyRequests, 7*time.Second)
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Errorf("429: %v", err)
	}
	si.FailNext("chat.postMessage", 1, http.StatusBadGateway, 0)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusBadGateway {
		t.Errorf("502: %v", err)
	}
	wrong := slack.New("xoxb-wrong", slack.OptionAPIURL(srv.URL+"/"))
	if _, err := wrong.AuthTestContext(ctx); errorCode(err) != "invalid_auth" {
		t.Errorf("wrong token: %v", err)
	}
	// The upload flow, with the upload URL on the API's host.
	f, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Filename: "a.csv", Content: "x,y\n", FileSize: 4, Channel: "C1"})
	if err != nil || f.ID == "" {
		t.Fatalf("upload: %v", err)
	}
	if files := si.Files(); len(files) != 1 || string(files[0].Data) != "x,y\n" || files[0].Channel != "C1" || !files[0].Shared {
		t.Fatalf("files = %+v", files)
	}
	if n := len(si.Calls("chat.postMessage")); n != 8 {
		t.Errorf("recorded %d chat.postMessage calls, want 8", n)
	}
}

func TestDisplayMrkdwn(t *testing.T) {
	t.Parallel()
	in := "<@U1> took it · <#C1> · <!subteam^S1> · <https://slack.com/x|WSIS-1> · <!here> · &lt;!channel&gt; &amp; co"
	want := "@U1 took it · #C1 · @S1 · WSIS-1 (https://slack.com/x) · @here · <!channel> & co"
	if got := DisplayMrkdwn(in); got != want {
		t.Errorf("DisplayMrkdwn = %q\nwant %q", got, want)
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	l := newLimiter()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	// chat.postMessage: a burst of 3 in one channel, then one a second.
	for i := range 3 {
		if w := l.take("chat.postMessage", "C1", at(time.Duration(i)*time.Millisecond)); w != 0 {
			t.Fatalf("post %d of the burst refused (%s)", i+1, w)
		}
	}
	if w := l.take("chat.postMessage", "C1", at(10*time.Millisecond)); w != 990*time.Millisecond {
		t.Errorf("4th post at once: wait %s, want 990ms", w)
	}
	if w := l.take("chat.postMessage", "C2", at(10*time.Millisecond)); w != 0 {
		t.Errorf("another channel refused (%s)", w)
	}
	if w := l.take("chat.postMessage", "C1", at(time.Second)); w != 0 {
		t.Errorf("4th post a second later refused (%s)", w)
	}
	if w := l.take("chat.postMessage", "C1", at(1500*time.Millisecond)); w != 500*time.Millisecond {
		t.Errorf("5th post half a second later: wait %s, want 500ms", w)
	}
	// chat.update is Tier 3: 50 a minute, bursts of 5, in every channel together.
	for i := range 5 {
		if w := l.take("chat.update", "C"+strconv.Itoa(i), t0); w != 0 {
			t.Fatalf("update %d of the burst refused (%s)", i+1, w)
		}
	}
	if w := l.take("chat.update", "C9", t0); w != 1200*time.Millisecond {
		t.Errorf("6th update: wait %s, want 1.2s", w)
	}
	// An unknown method is Tier 2: 20 a minute, bursts of 3.
	for range 3 {
		l.take("some.method", "", t0)
	}
	if w := l.take("some.method", "", t0); w != 3*time.Second {
		t.Errorf("4th call of an unknown method: wait %s, want 3s", w)
	}
}

func TestServerLimits(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right", Limits: true})
	srv := httptest.NewServer(si)
	defer srv.Close()
	ctx := context.Background()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))

	// Posting to one channel as fast as we can: at least the burst goes out, then 429
	// with Retry-After rounded up to a second.
	var rl *slack.RateLimitedError
	ok := 0
	for range 10 {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		if errors.As(err, &rl) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ok++
	}
	if rl == nil || ok < 3 || rl.RetryAfter != time.Second {
		t.Fatalf("after %d posts: 429 %v, want one after at least 3 posts with Retry-After 1s", ok, rl)
	}
	if _, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText("hi", false)); err != nil {
		t.Errorf("another channel: %v", err)
	}
	// Injected failures are not counted as limits.
	si.FailNext("auth.test", 1, http.StatusTooManyRequests, time.Second)
	if _, err := api.AuthTestContext(ctx); !errors.As(err, &rl) {
		t.Errorf("injected 429: %v", err)
	}
	if n := si.RateLimited(); n != 1 {
		t.Errorf("RateLimited() = %d, want 1", n)
	}
	counts := si.CallCounts()
	if counts["chat.postMessage"] != ok+2 || counts["auth.test"] != 1 {
		t.Errorf("CallCounts() = %v, want %d chat.postMessage and 1 auth.test", counts, ok+2)
	}
	calls := si.Calls("chat.postMessage")
	if c := calls[ok]; c.Status != http.StatusTooManyRequests || c.Error != "ratelimited" {
		t.Errorf("the refused call is recorded as %d %q", c.Status, c.Error)
	}
}

// Blocks may show only the files uploaded here, as Slack refuses unknown slack_file ids.
func TestServerSlackFileImages(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right"})
	si.SetMembers("C1", "U1")
	srv := httptest.NewServer(si)
	defer srv.Close()
	ctx := context.Background()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))
	image := func(id string) slack.MsgOption {
		return slack.MsgOptionBlocks(slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: id}, "chart", "", nil))
	}

	if _, _, err := api.PostMessageContext(ctx, "C1", image("F999999")); errorCode(err) != "invalid_blocks" {
		t.Fatalf("unknown file: %v, want invalid_blocks", err)
	}
	_, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: slack.HomeTabViewRequest{
		Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
			slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: "F999999"}, "chart", "", nil)}}}})
	if errorCode(err) != "invalid_blocks" {
		t.Fatalf("unknown file in a view: %v, want invalid_blocks", err)
	}
	body := `{"response_type":"ephemeral","blocks":[{"type":"image","alt_text":"chart","slack_file":{"id":"F999999"}}]}`
	resp, err := http.Post(srv.URL+"/_response/x", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown file through a response URL: %d, want 400", resp.StatusCode)
	}

	// A file uploaded and shared nowhere can be shown.
	f, err := api.UploadFileContext(ctx, slack.UploadFileParameters{Reader: strings.NewReader("png"), FileSize: 3, Filename: "c.png"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", image(f.ID)); err != nil {
		t.Fatalf("uploaded file: %v", err)
	}
	body = strings.Replace(body, "F999999", f.ID, 1)
	resp, err = http.Post(srv.URL+"/_response/x", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("uploaded file through a response URL: %d", resp.StatusCode)
	}
	si.DeleteFile(f.ID)
	if _, _, err := api.PostMessageContext(ctx, "C1", image(f.ID)); errorCode(err) != "invalid_blocks" {
		t.Fatalf("deleted file: %v, want invalid_blocks", err)
	}
}
