package mailin

import (
	"fmt"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// While the SMTP server refuses connections the workers pause with a short backoff of
// their own and the items keep their attempts; once it is back, every acknowledgement
// goes out once, within seconds.
func TestAckOutageRecoversWithinSeconds(t *testing.T) {
	e := newAckEnv(t, ackInConsultation)
	e.smtp.Stop()
	const n = 6
	var msgs []store.Inbound
	for i := range n {
		msgs = append(msgs, e.inbound(fmt.Sprintf("outage%d@ngo.example", i), fmt.Sprintf("Submission %d", i), "en", ackInConsultation))
	}
	res := e.ingest(msgs...)
	for range 2 {
		e.run(e.mail(e.worker()))
	}
	storetest.Eventually(t, ackWait, "attempts against the stopped server", func() bool {
		var k int
		if err := e.st.DB().Get(&k, `SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND last_error LIKE '%connect%'`); err != nil {
			t.Fatal(err)
		}
		return k >= 2
	})
	outage := 6 * time.Second
	time.Sleep(outage) // the outage lasts; nothing to wait for
	for _, r := range res {
		it := e.item(r.ContributionID, fmt.Sprintf("ack:%d", r.ContributionID))
		if it.Attempts != 0 || it.FailedAt != nil {
			t.Fatalf("during the outage %s: attempts=%d failed_at=%v, want no attempt used up", it.IdempotencyKey, it.Attempts, it.FailedAt)
		}
		if wait := it.NextAttemptAt.Sub(e.clock.Now()); wait > 11*time.Second {
			t.Fatalf("%s waits %s, want at most the workers' 10 s pause", it.IdempotencyKey, wait)
		}
	}
	if err := e.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	mails := e.waitMails(n)
	took := time.Since(back)
	t.Logf("all %d acknowledgements delivered %s after the server came back", n, took)
	if took > 12*time.Second {
		t.Errorf("delivered %s after the server came back, want within the 10 s pause", took)
	}
	e.waitIdle()
	seen := map[string]int{}
	for _, m := range e.smtp.Sent() {
		seen[m.To[0]]++
	}
	if len(mails) != n || len(seen) != n {
		t.Errorf("%d messages to %d recipients, want %d, each once", len(e.smtp.Sent()), len(seen), n)
	}
	for _, r := range res {
		it := e.item(r.ContributionID, fmt.Sprintf("ack:%d", r.ContributionID))
		if it.Attempts != 1 || it.DoneAt == nil {
			t.Errorf("%s: attempts=%d done_at=%v, want one counted attempt, the successful one", it.IdempotencyKey, it.Attempts, it.DoneAt)
		}
	}
}
