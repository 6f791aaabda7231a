package bot

import (
	"context"
	"fmt"
	"testing"

	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// bounceMail is a delivery failure notice from a mail server, quoting the header of
// the message that bounced, read through the intake as it would be from the mailbox.
func (d *desk) bounceMail(uid uint32, quotedMessageID string) store.Inbound {
	d.t.Helper()
	raw := fmt.Sprintf("From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\nTo: wsis-info@itu.int\r\n"+
		"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce%d@mx.example.net>\r\nDate: Mon, 21 Jan 2019 10:00:00 +0100\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nThis is the mail system. Your message could not be delivered.\r\n\r\n"+
		"----- Original message -----\r\nMessage-ID: <%s>\r\nSubject: Our contribution\r\n", uid, quotedMessageID)
	p, err := parse.Parse([]byte(raw), parse.Limits{})
	in := mailin.ToInbound([]byte(raw), 1, uid, d.clock.Now(), "INBOX", p, err, store.IngestPolicy{OurAddresses: []string{"wsis-info@itu.int"}})
	if in.Kind != store.MsgBounce || in.BounceOf != quotedMessageID {
		d.t.Fatalf("the notice was read as %q (%s), bounce of %q", in.Kind, in.KindReason, in.BounceOf)
	}
	return in
}

// TestForgedBounceIsNotOurs: anybody can send a "delivery failure" from
// mailer-daemon@ quoting their own earlier message. It names no message we sent: it
// is stored and sorted away, tells no contribution and raises no alert. A bounce of
// our acknowledgement does both.
func TestForgedBounceIsNotOurs(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{noRun: true, config: func(c *Config) { c.WatchBounces = 1 }})
	contribution := d.email("mallory@evil.example", "Our contribution", "Dear secretariat")
	res := d.ingest(contribution)
	cid := res[0].ContributionID
	bounceEvents := func() int {
		n := 0
		for _, e := range d.events(cid) {
			if e.Action == store.ActionBounce {
				n++
			}
		}
		return n
	}

	forged := d.ingest(d.bounceMail(uidSeq.Add(1), contribution.MessageID))[0]
	if forged.Kind != store.MsgBounce || forged.MessageRowID == 0 || forged.ContributionID != 0 {
		t.Fatalf("forged bounce: %+v, want a bounce stored and linked to nothing", forged)
	}
	d.schedule()
	if n := bounceEvents(); n != 0 {
		t.Errorf("the forged bounce added %d bounce events to the contribution", n)
	}
	if n := d.countOutbox("thread:bounce:%"); n != 0 {
		t.Errorf("the forged bounce queued %d thread notes", n)
	}
	if n := d.countOutbox("watchdog:bounces:raised:%"); n != 0 {
		t.Errorf("the forged bounce raised the bounce alert")
	}

	// Our acknowledgement, as the mailer records it, bounces.
	if ok, err := d.st.ProcessOutbox(d.ctx, []store.OutboxKind{store.OutboxAckEmail}, func(context.Context, store.OutboxItem) (store.OutboxResult, error) {
		return store.OutboxResult{AckSent: true, Outbound: &store.OutboundMessage{MessageID: "ack-1@itu.int", To: "mallory@evil.example",
			Subject: "Received", Raw: []byte("Message-ID: <ack-1@itu.int>\r\n\r\nthanks")}}, nil
	}); !ok || err != nil {
		t.Fatalf("acknowledgement: %v %v", ok, err)
	}
	real := d.ingest(d.bounceMail(uidSeq.Add(1), "ack-1@itu.int"))[0]
	if real.ContributionID != cid {
		t.Fatalf("bounce of our acknowledgement: %+v, want it told to contribution %d", real, cid)
	}
	d.schedule()
	if n := bounceEvents(); n != 1 {
		t.Errorf("%d bounce events, want 1", n)
	}
	if n := d.countOutbox("thread:bounce:%"); n != 1 {
		t.Errorf("%d thread notes of a bounce, want 1", n)
	}
	if n := d.countOutbox("watchdog:bounces:raised:%"); n != 1 {
		t.Errorf("the bounce alert was raised %d times, want 1", n)
	}
}
