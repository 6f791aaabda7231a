package mailin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// TestApplyDefaultKind: a contribution to a mailbox with a default kind is suggested as
// that kind when its mail names none; a kind named, a question or a notice keeps the
// suggester's answer, and robots' mail is left alone.
func TestApplyDefaultKind(t *testing.T) {
	mk := func(subject, body string) []byte {
		return []byte("From: Amina Diallo <amina@gov.example>\r\nTo: wsis-workshops@itu.int\r\nSubject: " + subject +
			"\r\nMessage-ID: <k." + strings.ReplaceAll(subject, " ", ".") + "@gov.example>\r\nDate: Sun, 20 Jan 2019 10:00:00 +0100\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
	}
	cases := []struct {
		name        string
		raw         []byte
		defaultKind store.ContributionKind
		want        store.ContributionKind
	}{
		{"no kind named: the mailbox's", mk("Our details", "Dear colleagues,\r\n\r\nplease find our details below.\r\n\r\nAmina Diallo\r\nMinistry of ICT"),
			store.KindWorkshopRequest, store.KindWorkshopRequest},
		{"no default kind: the suggester's", mk("Our details", "Dear colleagues,\r\n\r\nplease find our details below.\r\n\r\nAmina Diallo\r\nMinistry of ICT"),
			"", store.KindOther},
		{"a kind named stays", mk("WSIS Photo Contest 2019 entry", "Dear colleagues,\r\n\r\nplease find attached my entry to the WSIS Photo Contest 2019.\r\n\r\nAmina"),
			store.KindWorkshopRequest, store.KindPhotoContest},
		{"a question stays", mk("Question", "When is the deadline?"), store.KindWorkshopRequest, store.KindInquiry},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := parse.Parse(c.raw, parse.Limits{})
			in := mailin.ToInbound(c.raw, 1, 1, time.Now(), "k", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
			if in.Kind != store.MsgContribution {
				t.Fatalf("sorted as %s (%s)", in.Kind, in.KindReason)
			}
			before := in.Suggestion.Kind
			mailin.ApplyDefaultKind(&in, c.defaultKind, "workshops")
			if in.Suggestion.Kind != c.want {
				t.Fatalf("kind %q (suggester: %q, reasons %q), want %q", in.Suggestion.Kind, before, in.Suggestion.Reasons, c.want)
			}
			if c.want == c.defaultKind && c.want != before {
				if len(in.Suggestion.Reasons) == 0 || !strings.Contains(in.Suggestion.Reasons[0], "sent to the workshops mailbox") {
					t.Errorf("reasons %q do not say why", in.Suggestion.Reasons)
				}
				for _, r := range in.Suggestion.Reasons[1:] {
					if strings.HasPrefix(r, "kind ") {
						t.Errorf("the suggester's kind reason %q is kept beside the mailbox's", r)
					}
				}
			}
		})
	}
	// Robots' mail has no suggestion to change.
	bounce := store.Inbound{Kind: store.MsgBounce, Suggestion: store.Suggestion{KindGuessed: true}}
	mailin.ApplyDefaultKind(&bounce, store.KindWorkshopRequest, "workshops")
	if bounce.Suggestion.Kind != "" {
		t.Errorf("a bounce got kind %q", bounce.Suggestion.Kind)
	}
}
