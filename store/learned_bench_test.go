package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// BenchmarkIngestLearned is BenchmarkIngest's batch of 250 with the desk's evidence in
// play: every message names a domain and an organisation, and confirmed classifications
// exist (none, or 5,000 over 500 domains) for the batch's one lookup to find.
func BenchmarkIngestLearned(b *testing.B) {
	for _, confirmed := range []int{0, 5000} {
		b.Run(fmt.Sprintf("confirmed=%d", confirmed), func(b *testing.B) {
			ctx := context.Background()
			s, _ := storetest.New(b, storetest.Options{Clock: store.NewOffsetClock(inConsultation)})
			if confirmed > 0 {
				// Contributions to hang the confirmations on, then the confirmations.
				if _, err := s.DB().ExecContext(ctx, `INSERT INTO contributions (seq, ref, received_at, created_at, updated_at, from_email)
					SELECT -g, 'SEED-' || g, now(), now(), now(), 'p' || g || '@org' || (g % 500) || '.example'
					FROM generate_series(1, $1) g`, confirmed); err != nil {
					b.Fatal(err)
				}
				if _, err := s.DB().ExecContext(ctx, `INSERT INTO confirmed_classifications
					(contribution_id, sender, domain, organisation_key, organisation, kind, stakeholder_type, confirmed_at)
					SELECT id, from_email, split_part(from_email, '@', 2), 'organisation' || (id % 500), 'Organisation ' || (id % 500),
						'thematic', 'government', now() FROM contributions`); err != nil {
					b.Fatal(err)
				}
			}
			body := make([]byte, 5600)
			for i := range body {
				body[i] = 'a' + byte(i%26)
			}
			pol := store.DefaultIngestPolicy()
			pol.AckPerSenderPerDay = 0
			const batch = 250
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			uid := uint32(0)
			for i := 0; i < b.N; i += batch {
				n := min(batch, b.N-i)
				msgs := make([]store.Inbound, n)
				for j := range msgs {
					uid++
					msgs[j] = store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: inConsultation,
						Raw: append([]byte(fmt.Sprintf("Message-ID: <l%d@x>\r\n\r\n", uid)), body...), Kind: store.MsgContribution,
						MessageID: fmt.Sprintf("l%d@x", uid), FromEmail: fmt.Sprintf("s%d@org%d.example", uid, uid%500),
						Subject: "Submission", Text: string(body[:2000]),
						Suggestion: store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther,
							Organisation: fmt.Sprintf("Organisation %d", uid%500), Domain: fmt.Sprintf("org%d.example", uid%500)}}
				}
				if _, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: msgs}, pol); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
