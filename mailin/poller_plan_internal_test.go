package mailin

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/wsis/wsisbot/internal/backoff"
	"github.com/wsis/wsisbot/store"
)

// TestRampBatches: a long run's first and last batches are a tenth of the batch size;
// every message is in exactly one batch, in order, each batch's last UID its last
// message's; a message going alone (header only) and short runs are left as they are.
func TestRampBatches(t *testing.T) {
	uids := func(from, to uint32) []uint32 {
		var out []uint32
		for u := from; u <= to; u++ {
			out = append(out, u)
		}
		return out
	}
	batch := func(from, to uint32) batchPlan { return batchPlan{uids: uids(from, to), last: to} }
	sizes := func(ps []batchPlan) []int {
		var out []int
		for _, p := range ps {
			out = append(out, len(p.uids))
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		in    []batchPlan
		sizes []int
	}{
		{"a long run", []batchPlan{batch(1, 250), batch(251, 500), batch(501, 750)}, []int{25, 225, 250, 225, 25}},
		{"one full batch", []batchPlan{batch(1, 250)}, []int{25, 200, 25}},
		{"the last batch short already", []batchPlan{batch(1, 250), batch(251, 290)}, []int{25, 225, 40}},
		{"a few messages", []batchPlan{batch(1, 50)}, []int{50}},
		{"just over twice the short batch", []batchPlan{batch(1, 51)}, []int{25, 26}},
		{"a message alone", []batchPlan{{uids: []uint32{7}, last: 7, headerOnly: true}, batch(8, 257)}, []int{1, 225, 25}},
		{"nothing", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var want []uint32
			for _, p := range tc.in {
				want = append(want, p.uids...)
			}
			in := slices.Clone(tc.in)
			got := rampBatches(in, 250)
			if !slices.Equal(sizes(got), tc.sizes) {
				t.Errorf("sizes = %v, want %v", sizes(got), tc.sizes)
			}
			var all []uint32
			for i, p := range got {
				all = append(all, p.uids...)
				if len(p.uids) > 0 && p.last != p.uids[len(p.uids)-1] {
					t.Errorf("batch %d: last = %d, its last message is %d", i, p.last, p.uids[len(p.uids)-1])
				}
			}
			if !slices.Equal(all, want) {
				t.Errorf("messages = %v, want %v", all, want)
			}
			if len(got) > 0 && got[0].headerOnly != tc.in[0].headerOnly {
				t.Errorf("the first batch's headerOnly changed")
			}
		})
	}
}

// TestReconnectWaitsAtMostHalfAMinute: however long the server was away, the poller
// tries again within 30 s, so that it reads the mailbox soon after the server is back.
func TestReconnectWaitsAtMostHalfAMinute(t *testing.T) {
	p := NewPoller(IMAPConfig{Addr: "127.0.0.1:1"}, nil, store.DefaultIngestPolicy(), slog.New(slog.DiscardHandler))
	bo := backoff.New(p.minBackoff, p.maxBackoff)
	longest := time.Duration(0)
	for range 30 {
		longest = max(longest, bo.Next())
	}
	if longest > 30*time.Second || longest < 15*time.Second {
		t.Errorf("after 30 failures the longest wait was %s, want 15-30s", longest)
	}
}
