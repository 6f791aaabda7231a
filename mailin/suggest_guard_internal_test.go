package mailin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// A suggestion rule that fails on a message (a panic) does not stop the intake: the
// message is stored as a contribution without suggestions, its reasons saying why, and
// the next message is suggested as usual.
func TestSuggestionFailureStoresTheMessage(t *testing.T) {
	raw := []byte("From: Ana Ruiz <ana@ministry.gov.example>\r\nTo: wsis-info@itu.int\r\nSubject: Our contribution\r\n" +
		"Message-ID: <guard-1@ministry.gov.example>\r\nDate: Mon, 21 Jan 2019 10:00:00 +0100\r\n\r\nPlease find our views on capacity building.\r\n\r\nAna Ruiz\r\nMinistry of ICT\r\n")
	p, err := parse.Parse(raw, parse.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	pol := store.DefaultIngestPolicy()
	pol.OurAddresses = []string{"wsis-info@itu.int"}

	suggestFrom = func(*parse.Parsed, string, string) parse.Suggestion { panic("index out of range [7] with length 7") }
	in := ToInbound(raw, 1, 1, time.Now(), "INBOX", p, nil, pol)
	suggestFrom = parse.SuggestFrom
	if in.Kind != store.MsgContribution || in.Suggestion.Kind != "" || len(in.Suggestion.Reasons) != 1 ||
		!strings.Contains(in.Suggestion.Reasons[0], "suggestion rules failed") {
		t.Fatalf("after a failing rule: kind %q, suggestion %+v", in.Kind, in.Suggestion)
	}
	st, _ := storetest.New(t)
	res, err := st.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: 1,
		Messages: []store.Inbound{in}}, pol)
	if err != nil || len(res) != 1 || !res[0].NewContrib {
		t.Fatalf("stored: %+v, %v; want a new contribution", res, err)
	}
	if again := ToInbound(raw, 1, 2, time.Now(), "INBOX", p, nil, pol); again.Suggestion.StakeholderType != store.StakeholderGovernment {
		t.Errorf("the next message: %+v, want the usual suggestions", again.Suggestion)
	}
}
