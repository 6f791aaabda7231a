package store_test

import (
	"context"
	"fmt"
	"testing"

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
			body, pol := benchBody(), benchPolicy()
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			ingestBatches(b, s, pol, batch, func(uid uint32) store.Inbound {
				m := store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: inConsultation,
					Raw: append([]byte(fmt.Sprintf("Message-ID: <b%d@x>\r\n\r\n", uid)), body...), Kind: store.MsgContribution,
					MessageID: fmt.Sprintf("b%d@x", uid), FromEmail: fmt.Sprintf("s%d@gov.example", uid), Subject: "Submission", Text: string(body[:2000])}
				if uid%5 == 0 {
					m.Attachments = []store.InboundAttachment{{Filename: "a.pdf", ContentType: "application/pdf", Data: body[:3000]}}
				}
				return m
			})
		})
	}
}

// benchBody is a benchmark message's body: 5,600 letters.
func benchBody() []byte {
	body := make([]byte, 5600)
	for i := range body {
		body[i] = 'a' + byte(i%26)
	}
	return body
}

// benchPolicy is the default policy without the per-sender acknowledgement cap, which
// a benchmark's senders would reach.
func benchPolicy() store.IngestPolicy {
	pol := store.DefaultIngestPolicy()
	pol.AckPerSenderPerDay = 0
	return pol
}

// BenchmarkIngestRepeatedSenders stores a backlog in which each sender writes again and
// again, from a few organisations, subjects in the six languages: each new
// contribution is compared with its sender's and organisation's earlier ones (see
// revisionOf).
func BenchmarkIngestRepeatedSenders(b *testing.B) {
	works := []string{
		"Contribution to the WSIS Forum 2019: proposal for a thematic workshop",
		"Contribution au Forum du SMSI 2019 : proposition d'atelier thématique",
		"Contribución al Foro de la CMSI 2019: propuesta de taller temático",
		"Вклад в Форум ВВУИО 2019: предложение тематического семинара",
		"对2019年信息社会世界峰会论坛的贡献：专题研讨会提案",
		"مساهمة في منتدى القمة العالمية لمجتمع المعلومات 2019: اقتراح ورشة عمل مواضيعية",
	}
	const batch, senders = 250, 50
	s, _ := storetest.New(b, storetest.Options{Clock: store.NewOffsetClock(inConsultation)})
	body, pol := benchBody(), benchPolicy()
	b.ResetTimer()
	ingestBatches(b, s, pol, batch, func(uid uint32) store.Inbound {
		k := int(uid) % senders
		m := store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: inConsultation,
			Raw: append([]byte(fmt.Sprintf("Message-ID: <r%d@x>\r\n\r\n", uid)), body...), Kind: store.MsgContribution,
			MessageID: fmt.Sprintf("r%d@x", uid), FromEmail: fmt.Sprintf("s%d@gov.example", k),
			Subject: fmt.Sprintf("%s (%d)", works[k%len(works)], uid), Text: string(body[:2000]),
			Suggestion: store.Suggestion{Organisation: fmt.Sprintf("Ministry number %d", k%6)}}
		if uid%5 == 0 {
			m.Attachments = []store.InboundAttachment{{Filename: fmt.Sprintf("WSIS2019-%d.pdf", uid), ContentType: "application/pdf",
				Data: append([]byte(fmt.Sprint(uid)), body[:3000]...)}}
		}
		return m
	})
}

// ingestBatches ingests b.N messages made by msg (UIDs from 1) in batches of batch, as
// the poller does, and reports the messages a second.
func ingestBatches(b *testing.B, s *store.Store, pol store.IngestPolicy, batch int, msg func(uid uint32) store.Inbound) {
	b.Helper()
	uid := uint32(0)
	for i := 0; i < b.N; i += batch {
		msgs := make([]store.Inbound, min(batch, b.N-i))
		for j := range msgs {
			uid++
			msgs[j] = msg(uid)
		}
		if _, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: msgs}, pol); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
