package store_test

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestEventSlackUser: only a Slack user is a Slack user, in events written before
// actors were typed (a bare ID, by the desk) and after ("slack:U…"); a sender is never
// one, whatever their address looks like.
func TestEventSlackUser(t *testing.T) {
	for _, tc := range []struct {
		actor, action string
		want          string
	}{
		{store.SlackActor("U0123ABCD"), store.ActionTake, "U0123ABCD"},
		{store.SlackActor("W024BE7LH"), store.ActionPromote, "W024BE7LH"},
		{"U0123ABCD", store.ActionTake, "U0123ABCD"}, // written before actors were typed
		{"U1", store.ActionClassify, "U1"},
		{"U2", store.ActionReceive, ""},
		{"U2", store.ActionFollowUp, ""},
		{store.SlackActor("U2"), store.ActionReceive, ""},
		{"U2", store.ActionBounce, ""},
		{store.SlackActor("<!channel>"), store.ActionTake, ""},
		{"slack:U2@evil.example", store.ActionTake, ""},
		{"ben@gov.example", store.ActionReceive, ""},
		{store.ActorSystem, store.ActionAckSent, ""},
		{"Ada Secretariat", store.ActionReply, ""},
	} {
		id, ok := store.Event{Actor: tc.actor, Action: tc.action}.SlackUser()
		if id != tc.want && ok || ok != (tc.want != "") {
			t.Errorf("%q doing %s: Slack user %q, %v; want %q", tc.actor, tc.action, id, ok, tc.want)
		}
	}
	if store.SlackActor("") != "" {
		t.Error(`SlackActor("") is not ""`)
	}
}
