package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestSuggestionReasonsKept checks that why the intake suggested what it did is stored
// with the contribution (cleaned like every text) and read back for the card, and
// that a contribution without reasons reads an empty list.
func TestSuggestionReasonsKept(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	m := inbound("a.person@mincom.gov.xx", "Contribution")
	m.Suggestion = store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment,
		Reasons: []string{"stakeholder government: sender domain mincom.gov.xx (gov.xx)", "bad\x00byte"}}
	plain := inbound("b.person@example.org", "Other")
	res := ingest(t, s, m, plain)
	c, err := s.Contribution(ctx, res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SuggestionReasons) != 2 || c.SuggestionReasons[0] != "stakeholder government: sender domain mincom.gov.xx (gov.xx)" ||
		slices.ContainsFunc(c.SuggestionReasons, func(r string) bool { return r == "bad\x00byte" }) {
		t.Errorf("reasons %q", c.SuggestionReasons)
	}
	c2, err := s.Contribution(ctx, res[1].ContributionID)
	if err != nil || c2.SuggestionReasons == nil || len(c2.SuggestionReasons) != 0 {
		t.Errorf("no reasons: %q %v", c2.SuggestionReasons, err)
	}
}
