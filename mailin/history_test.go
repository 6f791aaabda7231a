package mailin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/imaptest"
	"github.com/wsis/wsisbot/mailin"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

const qHistorySummaries = `SELECT count(*) FROM outbox WHERE kind = 'slack_notice' AND payload->>'type' = 'history_import'`

// historyMailbox fills the mailbox on first contact: old contributions (reached the
// mailbox 30 days ago), one old automatic reply, then new contributions.
func (h *harness) historyMailbox(old, recent int) {
	h.t.Helper()
	month := time.Now().AddDate(0, 0, -30)
	for i := range old {
		imaptest.Append(h.t, h.client, "INBOX", imaptest.Mail(i, imaptest.MailOptions{Run: h.run, Date: month}), month)
	}
	auto := fmt.Sprintf("From: Holiday <away.%s@gov.example>\r\nTo: wsis-info@itu.int\r\nSubject: Out of office\r\n"+
		"Auto-Submitted: auto-replied\r\nMessage-ID: <away.%s@gov.example>\r\nDate: %s\r\n\r\nI am away.\r\n",
		h.run, h.run, month.Format(time.RFC1123Z))
	imaptest.Append(h.t, h.client, "INBOX", []byte(auto), month)
	for i := range recent {
		h.append("INBOX", h.mail(100+i))
	}
}

// historySummary is the one summary queued: its counts.
func (h *harness) historySummary() store.Notice {
	h.t.Helper()
	var raw []byte
	if err := h.st.DB().Get(&raw, `SELECT payload FROM outbox WHERE kind = 'slack_notice' AND payload->>'type' = 'history_import'`); err != nil {
		h.t.Fatal(err)
	}
	var n store.Notice
	if err := json.Unmarshal(raw, &n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// cardsOf counts the cards queued for history contributions and for the others.
func (h *harness) cardsOf() (history, recent int) {
	h.t.Helper()
	history = h.count(`SELECT count(*) FROM outbox o JOIN contributions c ON c.id = o.contribution_id WHERE o.kind = 'slack_card' AND c.history`)
	recent = h.count(`SELECT count(*) FROM outbox o JOIN contributions c ON c.id = o.contribution_id WHERE o.kind = 'slack_card' AND NOT c.history`)
	return history, recent
}

func (h *harness) historyPoller(ing mailin.Ingester, cards bool) *mailin.Poller {
	pol := testPolicy()
	pol.HistoryCards = cards
	cfg := h.cfg
	cfg.Batch = 3
	if ing == nil {
		ing = h.st
	}
	return mailin.NewPoller(cfg, ing, pol, testLogger(h.t), mailin.WithBackoff(20*time.Millisecond, 300*time.Millisecond))
}

// On first contact with a mailbox of old and new mail, new mail gets cards, old mail
// none, and the channel one summary of the old: its messages and contributions.
func TestHistoryGetsOneSummaryAndNoCards(t *testing.T) {
	h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
	h.historyMailbox(8, 3)
	p := h.historyPoller(nil, false)
	start(t, p)
	h.waitMessages(12, 10*time.Second)
	storetest.Eventually(t, 10*time.Second, "the history summary", func() bool { return h.count(qHistorySummaries) > 0 })
	if hist, recent := h.cardsOf(); hist != 0 || recent != 3 {
		t.Fatalf("cards: %d for history, %d for new mail; want 0 and 3", hist, recent)
	}
	if n := h.count(`SELECT count(*) FROM contributions WHERE history`); n != 8 {
		t.Fatalf("%d history contributions stored, want 8", n)
	}
	// No thread note waits for a card that will never come.
	if n := h.count(`SELECT count(*) FROM outbox o JOIN contributions c ON c.id = o.contribution_id WHERE o.kind = 'slack_thread' AND c.history`); n != 0 {
		t.Fatalf("%d thread notes queued for history contributions without cards", n)
	}
	n := h.historySummary()
	if n.Messages != 9 || n.Contributions != 8 || n.Before == "" {
		t.Fatalf("summary = %+v, want 9 messages, 8 contributions", n)
	}
	// Later passes (new mail, IDLE restarts) summarise nothing more.
	h.append("INBOX", h.mail(200))
	h.waitMessages(13, 10*time.Second)
	storetest.Eventually(t, 10*time.Second, "the new card", func() bool { _, recent := h.cardsOf(); return recent == 4 })
	if got := h.count(qHistorySummaries); got != 1 {
		t.Fatalf("%d history summaries, want 1", got)
	}
}

// failingIngester stores the first batches, then fails like a process that died: the
// rest of the import, or its summary, is left to the next process.
type failingIngester struct {
	*store.Store
	batches      int32 // batches stored before failing (-1: all)
	stored       atomic.Int32
	caughtUpDead bool // CaughtUp fails
}

var errDied = errors.New("the process died")

func (f *failingIngester) Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error) {
	if f.batches >= 0 && f.stored.Load() >= f.batches {
		return nil, errDied
	}
	res, err := f.Store.Ingest(ctx, b, pol)
	if err == nil {
		f.stored.Add(1)
	}
	return res, err
}

func (f *failingIngester) CaughtUp(ctx context.Context) (store.HistoryImport, error) {
	if f.caughtUpDead {
		return store.HistoryImport{}, errDied
	}
	return f.Store.CaughtUp(ctx)
}

// A restart in the middle of an import continues it: one summary, counting all of it.
// A process that dies after storing the import and before its summary leaves the
// summary to the next one.
func TestHistoryImportSurvivesRestarts(t *testing.T) {
	for _, tc := range []struct {
		name string
		ing  func(st *store.Store) *failingIngester
		all  bool // the first process stores everything
	}{
		{"mid-import", func(st *store.Store) *failingIngester { return &failingIngester{Store: st, batches: 2} }, false},
		{"before the summary", func(st *store.Store) *failingIngester {
			return &failingIngester{Store: st, batches: -1, caughtUpDead: true}
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
			h.historyMailbox(8, 3)
			first := tc.ing(h.st)
			stop := start(t, h.historyPoller(first, false))
			storetest.Eventually(t, 10*time.Second, "the first process to store its part", func() bool {
				if tc.all {
					return h.count(qMessages) == 12
				}
				return first.stored.Load() == 2
			})
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if n := h.count(qMessages); !tc.all && (n == 0 || n >= 12) {
				t.Fatalf("the first process stored %d messages, want some, not all", n)
			}
			if got := h.count(qHistorySummaries); got != 0 {
				t.Fatalf("%d summaries before the import was complete", got)
			}
			p := h.historyPoller(nil, false)
			start(t, p)
			h.waitMessages(12, 10*time.Second)
			storetest.Eventually(t, 10*time.Second, "the history summary", func() bool { return h.count(qHistorySummaries) > 0 })
			waitReady(t, p)
			if got := h.count(qHistorySummaries); got != 1 {
				t.Fatalf("%d history summaries, want 1", got)
			}
			if n := h.historySummary(); n.Messages != 9 || n.Contributions != 8 {
				t.Fatalf("summary = %+v, want 9 messages, 8 contributions", n)
			}
			if hist, recent := h.cardsOf(); hist != 0 || recent != 3 {
				t.Fatalf("cards: %d for history, %d for new mail; want 0 and 3", hist, recent)
			}
		})
	}
}

// WSISBOT_HISTORY_CARDS=true: history gets cards, and no summary.
func TestHistoryCardsWhenAsked(t *testing.T) {
	h := newHarness(t, imaptest.StartMemory(t, imaptest.MemoryOptions{}))
	h.historyMailbox(8, 3)
	p := h.historyPoller(nil, true)
	start(t, p)
	h.waitMessages(12, 10*time.Second)
	waitReady(t, p)
	if hist, recent := h.cardsOf(); hist != 8 || recent != 3 {
		t.Fatalf("cards: %d for history, %d for new mail; want 8 and 3", hist, recent)
	}
	if got := h.count(qHistorySummaries); got != 0 {
		t.Fatalf("%d history summaries with cards for history, want 0", got)
	}
}
