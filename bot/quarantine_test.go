package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

// The notice of a message quarantined for its size says whether its sender was told
// that it could not be accepted, in which language, or why not.
func TestQuarantineNoticeSaysWhetherTheSenderWasTold(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true})
	tooLarge := func(from, subject, lang string, mod func(m *store.Inbound)) store.Inbound {
		m := d.email(from, subject, "")
		m.Kind, m.KindReason, m.MessageID = store.MsgQuarantined, "message too large: over the 25 MB limit", ""
		m.TooLarge, m.AckTo, m.Language = 25<<20, from, lang
		if mod != nil {
			mod(&m)
		}
		return m
	}
	sent := tooLarge("ecrivain@gouv.example", "Notre contribution, annexes", "fr", nil)
	pending := tooLarge("writer@gov.example", "Our contribution, with video", "en", nil)
	robot := tooLarge("noreply@robot.example", "Scanned documents", "en", func(m *store.Inbound) {
		m.Headers = map[string]string{"Auto-Submitted": "auto-generated"}
	})
	forged := tooLarge("minister@gov.example", "Forged annexes", "es", func(m *store.Inbound) {
		m.AckRefusal = "dmarc=fail: the sender's domain does not vouch for it"
	})
	plain := d.email("odd@x.example", "Broken MIME", "")
	plain.Kind, plain.KindReason = store.MsgQuarantined, "unknown Content-Transfer-Encoding x-b"
	res := d.ingest(sent, pending, robot, forged, plain)
	if !res[0].TooLargeNotice || !res[1].TooLargeNotice || res[2].TooLargeNotice || res[3].TooLargeNotice {
		t.Fatalf("too-large notices: %+v", res)
	}
	// The first sender's notice went out before the desk's notice is posted.
	ok, err := d.st.ProcessOutbox(context.Background(), []store.OutboxKind{store.OutboxAckEmail},
		func(_ context.Context, it store.OutboxItem) (store.OutboxResult, error) {
			if *it.MessageID != res[0].MessageRowID {
				t.Errorf("the first notice due is that of message %d, want %d", *it.MessageID, res[0].MessageRowID)
			}
			return store.OutboxResult{}, nil
		})
	if !ok || err != nil {
		t.Fatalf("send the first notice: %v %v", ok, err)
	}
	d.run()
	for _, tc := range []struct {
		subject   string
		want, not []string
	}{
		{"Notre contribution", []string{"*The sender was told* (in French, at ecrivain@gouv.example) that it could not be accepted."}, []string{"nothing was sent back"}},
		{"Our contribution", []string{"*The sender is being told* (in English, at writer@gov.example) that it could not be accepted."}, []string{"nothing was sent back"}},
		{"Scanned documents", []string{"*The sender was not told:*", "Auto-Submitted"}, []string{"nothing was sent back"}},
		{"Forged annexes", []string{"*The sender was not told:* dmarc=fail"}, []string{"nothing was sent back"}},
		{"Broken MIME", []string{"nothing was sent back"}, []string{"sender was", "sender is"}},
	} {
		call := d.waitCall("the quarantine notice of "+tc.subject, "chat.postMessage", func(c slacktest.Call) bool {
			text := joinedTexts(t, c.Param("blocks"))
			return strings.Contains(text, "quarantined") && strings.Contains(text, tc.subject)
		})
		text := joinedTexts(t, call.Param("blocks"))
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("the notice of %q lacks %q:\n%s", tc.subject, w, text)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(text, w) {
				t.Errorf("the notice of %q has %q:\n%s", tc.subject, w, text)
			}
		}
	}
}
