package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

// The hourly acknowledgement budget tells the channel once, with how many it held back.
func TestAckBudgetNotice(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	pol := store.DefaultIngestPolicy()
	pol.AckHourlyLimit = 1
	ms := []store.Inbound{d.email("a@gov.example", "Budget A", "x"), d.email("b@gov.example", "Budget B", "x"), d.email("c@gov.example", "Budget C", "x")}
	if _, err := d.st.Ingest(context.Background(), store.IngestBatch{Messages: ms}, pol); err != nil {
		t.Fatal(err)
	}
	d.run()
	call := d.waitCall("the budget notice", "chat.postMessage", func(c slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, c.Param("blocks")), "Acknowledgements held back")
	})
	text := joinedTexts(t, call.Param("blocks"))
	for _, want := range []string{"budget of 1 acknowledgements an hour", "2 held back so far", "WSISBOT_ACK_HOURLY_LIMIT"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
}

// A contribution whose sender failed DMARC says why it got no acknowledgement on its card.
func TestCardShowsWhyNoAcknowledgement(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	m := d.email("amina@gov.example", "Forged?", "x")
	m.AckRefusal = "the receiving mail server's Authentication-Results (mx.itu.int) say dmarc=fail: the sender's address is not proven, so it gets no acknowledgement"
	res := d.ingest(m)
	d.run()
	c := d.waitCard(res[0].ContributionID)
	call := d.waitCall("the card", "chat.postMessage", func(call slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, call.Param("blocks")), "Acknowledgement") && call.Param("thread_ts") == ""
	})
	if text := joinedTexts(t, call.Param("blocks")); !strings.Contains(text, "suppressed: the receiving mail server's Authentication-Results (mx.itu.int) say dmarc=fail") {
		t.Errorf("card of %s lacks the reason:\n%s", c.Ref, text)
	}
}
