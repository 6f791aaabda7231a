package slacktest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
