package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// A message quarantined for its size keeps its header; the notice says who sent it and
// what about, decoded, as the intake hands it over.
func TestOversizedNoticeShowsSenderAndSubject(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	header := []byte("From: =?utf-8?b?2YjYstin2LHYqSDYp9mE2KfYqti12KfZhNin2Ko=?= <info@mcit.gov.example>\r\n" +
		"Subject: =?utf-8?q?Rapport_r=C3=A9vis=C3=A9_et_annexes?=\r\nMessage-ID: <big@mcit.gov.example>\r\n\r\n")
	parsed, err := parse.Parse(header, parse.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	in := mailin.ToInbound(header, 1, uidSeq.Add(1), d.clock.Now(), "INBOX", parsed,
		fmt.Errorf("%w: over the size limit of 100 bytes (WSISBOT_MAX_MESSAGE_BYTES): only its header is kept here", parse.ErrTooLarge),
		store.DefaultIngestPolicy())
	if in.Kind != store.MsgQuarantined {
		t.Fatalf("kind %s", in.Kind)
	}
	d.ingest(in)
	call := d.waitCall("the quarantine notice", "chat.postMessage", func(c slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, c.Param("blocks")), "quarantined")
	})
	text := joinedTexts(t, call.Param("blocks"))
	for _, want := range []string{"*From:* وزارة الاتصالات (info@mcit.gov.example)", "*Subject:* Rapport révisé et annexes", "WSISBOT_MAX_MESSAGE_BYTES"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice lacks %q:\n%s", want, text)
		}
	}
}
