package slacktest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/slack-go/slack"
)

// TestConversationsOpen: the stand-in opens a direct message channel with a member it
// knows, always the same one, and keeps what is posted there; an unknown user is refused.
func TestConversationsOpen(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right"})
	si.SetMembers("C1", "U1")
	si.SetUser("U2", "Named Elsewhere")
	srv := httptest.NewServer(si)
	defer srv.Close()
	ctx := context.Background()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))

	for _, u := range []string{"U1", "U2", "U1"} {
		ch, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{u}, ReturnIM: true})
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		if ch.ID != IMChannel(u) || !ch.IsIM {
			t.Fatalf("%s: channel %+v", u, ch)
		}
	}
	if _, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U404"}}); errorCode(err) != "user_not_found" {
		t.Errorf("unknown user: %v", err)
	}
	if _, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1", "U2"}}); err == nil {
		t.Error("a group DM was opened")
	}
	if _, _, err := api.PostMessageContext(ctx, IMChannel("U1"), slack.MsgOptionText("for you", false)); err != nil {
		t.Fatal(err)
	}
	if ms := si.Messages(IMChannel("U1")); len(ms) != 1 || ms[0].Text != "for you" {
		t.Errorf("messages in the DM: %+v", ms)
	}
}
