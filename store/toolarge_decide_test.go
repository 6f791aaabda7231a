package store

import (
	"strings"
	"testing"
)

// TestDecideTooLargeNotice: the sender of a message quarantined for its size is told
// exactly when an acknowledgement would go to them.
func TestDecideTooLargeNotice(t *testing.T) {
	tooLarge := func(mod func(m *Inbound)) func(m *Inbound) {
		return func(m *Inbound) {
			m.Kind, m.KindReason, m.MessageID = MsgQuarantined, "too large", ""
			m.TooLarge, m.AckTo = 50<<20, "writer@gov.example"
			if mod != nil {
				mod(m)
			}
		}
	}
	tests := []struct {
		name string
		bc   func(bc *batchContext)
		m    func(m *Inbound)
		why  string // a part of the refusal; "" to tell the sender
	}{
		{name: "a person is told", m: tooLarge(nil)},
		{name: "acknowledgements off", bc: func(bc *batchContext) { bc.pol.Ack = false }, m: tooLarge(nil), why: "WSISBOT_ACK=off"},
		{name: "authentication failed", m: tooLarge(func(m *Inbound) { m.AckRefusal = "dmarc=fail" }), why: "dmarc=fail"},
		{name: "a robot's header", m: tooLarge(func(m *Inbound) { m.Headers = map[string]string{"Auto-Submitted": "auto-generated"} }), why: "Auto-Submitted"},
		{name: "a no-reply address", m: tooLarge(func(m *Inbound) { m.NoReply = true }), why: "no-reply"},
		{name: "our own address", m: tooLarge(func(m *Inbound) { m.AckTo = "wsis@itu.example" }), why: "our own address"},
		{name: "over the sender's cap", bc: func(bc *batchContext) { bc.ackCounts["writer@gov.example"] = 5 }, m: tooLarge(nil), why: "(the cap)"},
		{name: "over the hourly budget", bc: func(bc *batchContext) { bc.pol.AckHourlyLimit, bc.ackHour = 10, 10 }, m: tooLarge(nil), why: ackBudgetReasonPrefix},
		{name: "history", m: tooLarge(func(m *Inbound) { m.InternalDate = decideNow.AddDate(0, 0, -3) }), why: "history"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bc := decideContext(tc.bc)
			d, err := bc.decide(inbound(tc.m), decideNow)
			if err != nil {
				t.Fatal(err)
			}
			if d.act != actQuarantine || !d.tooLarge {
				t.Fatalf("decision %+v", d)
			}
			if (tc.why == "") != (d.noticeRefusal == "") || !strings.Contains(d.noticeRefusal, tc.why) {
				t.Errorf("refusal %q, want one saying %q", d.noticeRefusal, tc.why)
			}
		})
	}
	// Any other quarantined message: nobody is told.
	d, err := decideContext(nil).decide(inbound(func(m *Inbound) { m.Kind, m.KindReason = MsgQuarantined, "could not be parsed" }), decideNow)
	if err != nil || d.tooLarge {
		t.Errorf("a message quarantined for another reason: %+v, %v", d, err)
	}
}
