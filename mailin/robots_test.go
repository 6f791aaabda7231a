package mailin_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// TestRobotHeadersAreNeverAcknowledged sends a person's ordinary mail through the whole
// intake (parse, sort, store) once as it is, which is acknowledged, and once with each
// header a robot or a mailing list marks its mail with: that copy is stored, sorted
// away, and gets no acknowledgement.
func TestRobotHeadersAreNeverAcknowledged(t *testing.T) {
	t.Parallel()
	clock := store.NewOffsetClock(time.Date(2019, 1, 21, 10, 0, 0, 0, time.UTC))
	st, _ := storetest.New(t, storetest.Options{Clock: clock})
	ctx := context.Background()
	our := []string{"wsis-info@itu.int"}
	var uid uint32
	ingest := func(t *testing.T, header string) store.Ingested {
		t.Helper()
		uid++
		raw := fmt.Sprintf("From: Amina Okafor <amina%d@ncc.gov.example>\r\nTo: wsis-info@itu.int\r\nSubject: Our contribution on community networks\r\n"+
			"Message-ID: <robot%d@ncc.gov.example>\r\nDate: Mon, 21 Jan 2019 09:00:00 +0100\r\n%s"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nDear secretariat,\r\n\r\nplease find our contribution.\r\n", uid, uid, header)
		p, err := parse.Parse([]byte(raw), parse.Limits{})
		in := mailin.ToInbound([]byte(raw), 1, uid, clock.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: our})
		res, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: uid, Messages: []store.Inbound{in}},
			store.DefaultIngestPolicy())
		if err != nil {
			t.Fatal(err)
		}
		return res[0]
	}

	if res := ingest(t, ""); !res.NewContrib || !res.AckQueued {
		t.Fatalf("the same mail without a robot's header: %+v, want a contribution acknowledged", res)
	}
	for _, tc := range []struct{ name, header string }{
		{"List-Post", "List-Post: <mailto:igf-community@lists.example.org>\r\n"},
		{"X-Auto-Response-Suppress", "X-Auto-Response-Suppress: All\r\n"},
		{"Sender list-bounces", "Sender: igf-community-bounces@lists.example.org\r\n"},
		{"Sender list-bounce", "Sender: \"IGF\" <igf-bounce@lists.example.org>\r\n"},
		{"Sender owner-list", "Sender: owner-igf-community@lists.example.org\r\n"},
		{"Sender list-request", "Sender: igf-community-request@lists.example.org\r\n"},
		{"X-Loop", "X-Loop: helpdesk@ngo.example\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ingest(t, tc.header)
			if res.MessageRowID == 0 {
				t.Fatalf("not stored: %+v", res)
			}
			if res.AckQueued || res.NewContrib || res.ContributionID != 0 {
				t.Errorf("%s: %+v, want it sorted away and never acknowledged", tc.name, res)
			}
			if res.Kind != store.MsgList && res.Kind != store.MsgAutoReply {
				t.Errorf("stored as %q (%s), want list or auto_reply", res.Kind, res.Reason)
			}
		})
	}
}
