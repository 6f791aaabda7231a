package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// searchWords are words of the six languages the benchmark's mail is written with.
var searchWords = map[string][]string{
	"en": strings.Fields("digital divide broadband community networks capacity building cybersecurity trust ethics media access infrastructure policy inclusion youth gender women rural innovation"),
	"fr": strings.Fields("fracture numérique réseaux communautaires renforcement capacités cybersécurité confiance éthique médias accès infrastructure politique inclusion jeunesse femmes rurales"),
	"es": strings.Fields("brecha digital banda ancha redes comunitarias capacidades ciberseguridad confianza ética medios acceso infraestructura política inclusión juventud mujeres rurales"),
	"ru": strings.Fields("цифровой разрыв широкополосный доступ сети сообщества кибербезопасность доверие этика инфраструктура политика молодежь женщины сельские инновации"),
	"ar": strings.Fields("الفجوة الرقمية النطاق العريض الشبكات المجتمعية بناء القدرات الأمن السيبراني الثقة الأخلاقيات البنية التحتية السياسات الشمول الشباب المرأة الريفية"),
	"zh": strings.Fields("数字鸿沟 宽带 社区网络 能力建设 网络安全 信任 伦理 媒体 接入 基础设施 政策 包容 青年 妇女 农村 创新"),
}

// searchFill stores n contributions in the six languages, about 1.5 KB of text each,
// one in four with an attachment, in batches as the intake does, and indexes them.
func searchFill(tb testing.TB, s *store.Store, n int) {
	tb.Helper()
	langs := []string{"en", "fr", "es", "ru", "ar", "zh"}
	rng := rand.New(rand.NewPCG(1, 2))
	pol := store.DefaultIngestPolicy()
	pol.AckPerSenderPerDay = 0
	uid := uint32(0)
	for done := 0; done < n; {
		batch := min(500, n-done)
		msgs := make([]store.Inbound, batch)
		for j := range msgs {
			uid++
			lang := langs[rng.IntN(len(langs))]
			ws := searchWords[lang]
			sep := " "
			if lang == "zh" {
				sep = ""
			}
			var text strings.Builder
			for text.Len() < 1500 {
				text.WriteString(ws[rng.IntN(len(ws))] + sep)
			}
			subject := ws[rng.IntN(len(ws))] + sep + ws[rng.IntN(len(ws))] + " " + strconv.Itoa(int(uid))
			m := store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: inConsultation.Add(-time.Duration(uid) * time.Second),
				Raw: []byte(fmt.Sprintf("Message-ID: <f%d@x>\r\n\r\nbody\r\n", uid)), Kind: store.MsgContribution, Language: lang,
				MessageID: fmt.Sprintf("f%d@x", uid), FromName: "Sender " + strconv.Itoa(int(uid)),
				FromEmail: fmt.Sprintf("s%d@org%d.example", uid, uid%300), Subject: subject, Text: text.String(), FreshText: text.String(),
				Suggestion: store.Suggestion{Kind: store.Kinds[rng.IntN(len(store.Kinds))], StakeholderType: store.StakeholderTypes[rng.IntN(len(store.StakeholderTypes))]}}
			if uid%4 == 0 {
				m.Attachments = []store.InboundAttachment{{Filename: fmt.Sprintf("%s_contribution_%d.pdf", ws[rng.IntN(len(ws))], uid),
					ContentType: "application/pdf", Data: []byte(fmt.Sprintf("%%PDF %d", uid))}}
			}
			msgs[j] = m
		}
		if _, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: msgs}, pol); err != nil {
			tb.Fatal(err)
		}
		done += batch
	}
	// serve's indexer computes their terms in the background.
	for {
		n, err := s.IndexForSearch(context.Background(), 500)
		if err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if _, err := s.DB().Exec(`ANALYZE`); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkFind runs /wsis find's query over 20,000 contributions
// (WSISBOT_BENCH_FIND_CONTRIBUTIONS for another number): a word, an Arabic word, a
// Chinese phrase, an attachment name, a word with filters, filters alone, and a later
// page. Each reports its time per query.
func BenchmarkFind(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("WSISBOT_BENCH_FIND_CONTRIBUTIONS")); err == nil && v > 0 {
		n = v
	}
	s, _ := storetest.New(b, storetest.Options{Clock: store.NewOffsetClock(inConsultation)})
	start := time.Now()
	searchFill(b, s, n)
	b.Logf("stored %d contributions in %s", n, time.Since(start).Round(time.Millisecond))
	open := true
	for _, tc := range []struct {
		name string
		q    store.Search
	}{
		{"word", store.Search{Text: "cybersecurity"}},
		{"arabic", store.Search{Text: "الرقمية"}},
		{"chinese", store.Search{Text: "数字鸿沟"}},
		{"attachment", store.Search{Text: "contribution_4000.pdf"}},
		{"two-words-filtered", store.Search{Text: "digital divide", Kind: store.KindThematic, Open: true}},
		{"filters-only", store.Search{Kind: store.KindInquiry, StakeholderType: store.StakeholderGovernment, Open: open}},
		{"page-10", store.Search{Text: "broadband", Offset: 135, Limit: 15}},
		{"address", store.Search{Text: "s4242@org42.example"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			tc.q.Limit = max(tc.q.Limit, 15)
			var total int
			for b.Loop() {
				r, err := s.Find(ctx, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				total = r.Total
			}
			b.ReportMetric(float64(total), "found")
		})
	}
}
