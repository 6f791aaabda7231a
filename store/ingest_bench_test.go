package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// BenchmarkIngest stores a backlog of new contributions (about 5.6 KB each, one in five
// with an attachment) in batches, as the poller does: message, contribution, event,
// card and acknowledgement in the outbox, checkpoint.
func BenchmarkIngest(b *testing.B) {
	for _, batch := range []int{1, 100, 250} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s, _ := storetest.New(b, storetest.Options{Clock: store.NewOffsetClock(inConsultation)})
			body := make([]byte, 5600)
			for i := range body {
				body[i] = 'a' + byte(i%26)
			}
			pol := store.DefaultIngestPolicy()
			pol.AckPerSenderPerDay = 0
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			uid := uint32(0)
			for i := 0; i < b.N; i += batch {
				n := min(batch, b.N-i)
				msgs := make([]store.Inbound, n)
				for j := range msgs {
					uid++
					m := store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: inConsultation,
						Raw: append([]byte(fmt.Sprintf("Message-ID: <b%d@x>\r\n\r\n", uid)), body...), Kind: store.MsgContribution,
						MessageID: fmt.Sprintf("b%d@x", uid), FromEmail: fmt.Sprintf("s%d@gov.example", uid), Subject: "Submission", Text: string(body[:2000])}
					if uid%5 == 0 {
						m.Attachments = []store.InboundAttachment{{Filename: "a.pdf", ContentType: "application/pdf", Data: body[:3000]}}
					}
					msgs[j] = m
				}
				if _, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: msgs}, pol); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

var _ = time.Second
