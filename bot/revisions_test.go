package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

func TestRevisionHintAndDecisions(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	first := d.waitCard(d.ingest(d.email("amina@gov.example", "National report on the digital divide", "First version."))[0].ContributionID)
	second := d.waitCard(d.ingest(d.email("amina@gov.example", "Revised: national report on the digital divide", "Second version."))[0].ContributionID)
	third := d.waitCard(d.ingest(d.email("amina@gov.example", "Contribution révisée (v2)", "Troisième."))[0].ContributionID)

	hint := fmt.Sprintf("Looks like a revision of *%s*", first.Ref)
	post := d.waitCall("the card of "+second.Ref, "chat.postMessage", func(c slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, c.Param("blocks")), "Revised: national report")
	})
	card := slacktest.RenderText([]byte(post.Param("blocks")), "")
	for _, w := range []string{hint, "[Mark as revision of " + first.Ref + "]", "[Separate contribution]"} {
		if !strings.Contains(card, w) {
			t.Fatalf("card lacks %q:\n%s", w, card)
		}
	}
	revision := func(user string, c store.Contribution, action string) map[string]any {
		p := d.click(user, c, map[string]any{"action_id": action, "type": "button", "value": itoa(c.ID)})
		p["actions"].([]any)[0].(map[string]any)["block_id"] = fmt.Sprintf("revision:%d", c.ID)
		return p
	}

	// Outside the secretariat: refused.
	d.interact(revision("U9", second, actMarkRevision))
	d.waitEphemeral("U9", "only members of")

	d.interact(revision("U1", second, actMarkRevision))
	d.waitUpdate(second, "Revision of *"+first.Ref+"*, which it supersedes", "marked it a revision of "+first.Ref)
	d.waitUpdate(first, "Superseded* by "+second.Ref)
	if c := d.get(second.ID); c.RevisionOf == nil || *c.RevisionOf != first.ID || c.RevisionOfSuggested != nil {
		t.Fatalf("not linked: %+v", c)
	}
	// A second click (or a colleague's) changes nothing.
	d.interact(revision("U2", second, actMarkRevision))
	d.waitEphemeral("U2", "decided already")

	// The third one is a separate contribution: the hint goes.
	if d.get(third.ID).RevisionOfSuggested == nil {
		t.Fatalf("no hint on %s", third.Ref)
	}
	d.interact(revision("U2", third, actSeparateVersion))
	up := d.waitUpdate(third, "said it is not a revision of")
	if text := joinedTexts(t, up.Param("blocks")); strings.Contains(text, "Looks like a revision") {
		t.Fatalf("the hint stayed:\n%s", text)
	}
	if c := d.get(third.ID); c.RevisionOf != nil || c.RevisionOfSuggested != nil {
		t.Fatalf("third: %+v", c)
	}
	for _, tc := range []struct {
		id     int64
		action string
	}{{second.ID, store.ActionRevisionMarked}, {first.ID, store.ActionSuperseded}, {third.ID, store.ActionRevisionDismissed}} {
		if !slices.ContainsFunc(d.events(tc.id), func(e store.Event) bool { return e.Action == tc.action && strings.HasPrefix(e.Actor, "slack:U") }) {
			t.Errorf("no %s event on %d", tc.action, tc.id)
		}
	}
}
