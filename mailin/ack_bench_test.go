package mailin

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/smtptest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
	"github.com/wsis/wsisbot/templates"
)

// BenchmarkAckDrain is the acknowledgement path alone: n contributions stored, then
// serve's eight mail workers send their acknowledgements to the SMTP test server. It
// reports acknowledgements per second, from the workers' start to the last one
// recorded; -cpuprofile shows what each costs on our side.
func BenchmarkAckDrain(b *testing.B) {
	const n = 2000
	for range b.N {
		b.StopTimer()
		now := time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)
		st, _ := storetest.New(b, storetest.Options{Clock: store.NewOffsetClock(now)})
		srv := smtptest.Start(b, smtptest.Options{})
		tpl, err := templates.Load("", store.Strings(store.Kinds))
		if err != nil {
			b.Fatal(err)
		}
		pol := store.IngestPolicy{Ack: true, AckWindow: 24 * time.Hour, AckPerSenderPerDay: 5, OurAddresses: []string{"wsis-info@itu.int"}}
		ctx := context.Background()
		for i := 0; i < n; i += 250 {
			var msgs []store.Inbound
			for j := i; j < min(i+250, n); j++ {
				from := fmt.Sprintf("person%d@gov%d.example", j, j%40)
				raw := fmt.Sprintf("From: <%s>\r\nTo: wsis-info@itu.int\r\nSubject: Contribution %d\r\nMessage-ID: <ackdrain%d@example.org>\r\n\r\nOur views.\r\n", from, j, j)
				msgs = append(msgs, store.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(j + 1), InternalDate: now,
					Kind: store.MsgContribution, MessageID: fmt.Sprintf("ackdrain%d@example.org", j), FromName: "Stakeholder",
					FromEmail: from, To: "wsis-info@itu.int", Subject: fmt.Sprintf("Contribution %d", j), Date: now,
					Text: "Our views on the action lines.", Language: []string{"en", "fr", "es", "ru", "ar", "zh"}[j%6], Raw: []byte(raw)})
			}
			if _, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: uint32(min(i+250, n)), Messages: msgs}, pol); err != nil {
				b.Fatal(err)
			}
		}
		sender, err := NewSMTPSender(testMailConfig(srv.Addr(), SMTPPlain))
		if err != nil {
			b.Fatal(err)
		}
		w, err := NewAckWorker(st, sender, tpl, testMailConfig(srv.Addr(), SMTPPlain), slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		b.StartTimer()
		began := time.Now()
		go func() { done <- st.RunOutbox(runCtx, w.Outbox(8)) }()
		storetest.Eventually(b, 5*time.Minute, "every acknowledgement recorded", func() bool {
			var pending int
			if err := st.DB().Get(&pending, `SELECT count(*) FROM outbox WHERE kind = 'ack_email' AND done_at IS NULL AND failed_at IS NULL`); err != nil {
				b.Fatal(err)
			}
			return pending == 0
		})
		took := time.Since(began)
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		sender.Close()
		if got := len(srv.Sent()); got != n {
			b.Fatalf("%d acknowledgements at SMTP, want %d", got, n)
		}
		size := 0
		for _, m := range srv.Sent() {
			size += len(m.Raw)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "acks/s")
		b.ReportMetric(float64(size)/float64(n), "bytes/ack")
	}
}
