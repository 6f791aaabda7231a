package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestSummaries lists contributions in the order received with their effective kind,
// counts inbound messages by kind, and counts the side effects still to carry out.
func TestSummaries(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	robot := inbound("mailer-daemon@mx.example.net", "Out of office")
	robot.Kind = store.MsgAutoReply
	res := ingest(t, s, inbound("first@gov.example", "First"), inbound("second@ngo.example", "Second"), robot)
	first, err := s.Contribution(ctx, res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Take(ctx, first.ID, "U1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Classify(ctx, first.ID, "U1", classification); err != nil {
		t.Fatal(err)
	}

	sums, err := s.ContributionSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0].FromEmail != "first@gov.example" || sums[1].FromEmail != "second@ngo.example" {
		t.Fatalf("summaries = %+v", sums)
	}
	if sums[0].Ref != first.Ref || sums[0].Kind != classification.Kind || sums[0].Language != "en" ||
		sums[0].AckStatus != first.AckStatus || sums[0].Carded || sums[0].DeadlineAt == nil || sums[0].Late {
		t.Errorf("first = %+v (contribution %+v)", sums[0], first)
	}

	kinds, err := s.InboundKindCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.KindCount{{Kind: store.MsgAutoReply, N: 1}, {Kind: store.MsgContribution, N: 2}}
	if !slices.Equal(kinds, want) {
		t.Errorf("kinds = %+v, want %+v", kinds, want)
	}

	p, err := s.Progress(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Inbound != 3 || p.OutboxPending == 0 {
		t.Errorf("progress = %+v: want 3 inbound and the cards and acknowledgements pending", p)
	}
}
