package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// learnFrom ingests a new contribution with the given suggestion and has a member
// confirm cl for it.
func learnFrom(t *testing.T, s *store.Store, from string, sg store.Suggestion, cl store.Classification) store.Contribution {
	t.Helper()
	ctx := context.Background()
	m := inbound(from, "Contribution")
	m.Suggestion = sg
	res := ingest(t, s, m)
	if _, err := s.Take(ctx, res[0].ContributionID, "U1"); err != nil {
		t.Fatal(err)
	}
	c, err := s.Classify(ctx, res[0].ContributionID, "U1", cl)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// suggested ingests a new contribution with the given text suggestion and returns it
// as stored.
func suggested(t *testing.T, s *store.Store, from string, sg store.Suggestion) store.Contribution {
	t.Helper()
	m := inbound(from, "Another one")
	m.Suggestion = sg
	res := ingest(t, s, m)
	c, err := s.Contribution(context.Background(), res[0].ContributionID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func TestLearnedFromTheDesk(t *testing.T) {
	s, _ := newStore(t)
	other := store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther,
		Reasons: []string{"kind thematic: mentions \"theme\"", "stakeholder other: nothing conclusive in domain mincom.gov.xx"}}
	gov := store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment, Organisation: "Ministry of Communications"}

	t.Run("same domain", func(t *testing.T) {
		for _, from := range []string{"a@mincom.gov.xx", "b@mincom.gov.xx", "c@mincom.gov.xx"} {
			sg := other
			sg.Domain = "mincom.gov.xx"
			learnFrom(t, s, from, sg, gov)
		}
		sg := other
		sg.Domain = "mincom.gov.xx"
		c := suggested(t, s, "d@mincom.gov.xx", sg)
		if got := deref(c.StakeholderTypeSuggested); got != store.StakeholderGovernment {
			t.Errorf("stakeholder type suggested %q, want government", got)
		}
		want := "stakeholder government: 3 earlier contributions from mincom.gov.xx were confirmed as government"
		if len(c.SuggestionReasons) == 0 || c.SuggestionReasons[0] != want && !slices.Contains(c.SuggestionReasons, want) {
			t.Errorf("reasons %q, want %q", c.SuggestionReasons, want)
		}
		if slices.ContainsFunc(c.SuggestionReasons, func(r string) bool { return strings.HasPrefix(r, "stakeholder other") }) {
			t.Errorf("reasons %q keep the overridden guess", c.SuggestionReasons)
		}
		if c.OrganisationSuggested != "Ministry of Communications" {
			t.Errorf("organisation suggested %q, want the one confirmed for the domain", c.OrganisationSuggested)
		}
	})

	t.Run("a domain the intake does not pass counts for nothing", func(t *testing.T) {
		// The intake leaves Domain empty for webmail: two people at gmail.com are not
		// one organisation.
		learnFrom(t, s, "someone@gmail.com", other, store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderCivilSociety})
		c := suggested(t, s, "someone.else@gmail.com", other)
		if got := deref(c.StakeholderTypeSuggested); got != store.StakeholderOther {
			t.Errorf("stakeholder type suggested %q, want other", got)
		}
	})

	t.Run("same sender", func(t *testing.T) {
		learnFrom(t, s, "writer@gmail.com", other, store.Classification{Kind: store.KindInquiry, StakeholderType: store.StakeholderAcademia, Organisation: "Univ. of Lagos"})
		c := suggested(t, s, "Writer@gmail.com", other)
		if got := deref(c.StakeholderTypeSuggested); got != store.StakeholderAcademia {
			t.Errorf("stakeholder type suggested %q, want academia_technical", got)
		}
		if c.OrganisationSuggested != "Univ. of Lagos" {
			t.Errorf("organisation suggested %q", c.OrganisationSuggested)
		}
		want := "stakeholder academia_technical: 1 earlier contribution from writer@gmail.com was confirmed as academia_technical"
		if !slices.Contains(c.SuggestionReasons, want) {
			t.Errorf("reasons %q, want %q", c.SuggestionReasons, want)
		}
		// One confirmed kind is not enough to change a kind the text named.
		if got := deref(c.KindSuggested); got != store.KindThematic {
			t.Errorf("kind suggested %q, want thematic (from the text)", got)
		}
	})

	t.Run("same sender, kind twice confirmed, text names none", func(t *testing.T) {
		none := store.Suggestion{Kind: store.KindOther, StakeholderType: store.StakeholderOther}
		cl := store.Classification{Kind: store.KindPhotoContest, StakeholderType: store.StakeholderOther}
		learnFrom(t, s, "photographer@gmail.com", none, cl)
		learnFrom(t, s, "photographer@gmail.com", none, cl)
		c := suggested(t, s, "photographer@gmail.com", none)
		if got := deref(c.KindSuggested); got != store.KindPhotoContest {
			t.Errorf("kind suggested %q, want photo_contest", got)
		}
		notice := store.Suggestion{Kind: store.KindOther, StakeholderType: store.StakeholderOther,
			Reasons: []string{`kind other: no contribution: "press release" (score 3)`}}
		if got := deref(suggested(t, s, "photographer@gmail.com", notice).KindSuggested); got != store.KindOther {
			t.Errorf("kind suggested for a press release %q, want other", got)
		}
	})

	t.Run("same organisation", func(t *testing.T) {
		learnFrom(t, s, "policy@gmail.com", store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther, Organisation: "Digital Rights Foundation"},
			store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderCivilSociety, Organisation: "Digital Rights Foundation"})
		c := suggested(t, s, "director@yahoo.com", store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther, Organisation: "digital rights foundation"})
		if got := deref(c.StakeholderTypeSuggested); got != store.StakeholderCivilSociety {
			t.Errorf("stakeholder type suggested %q, want civil_society", got)
		}
		want := "stakeholder civil_society: 1 earlier contribution from digital rights foundation was confirmed as civil_society"
		if !slices.Contains(c.SuggestionReasons, want) {
			t.Errorf("reasons %q, want %q", c.SuggestionReasons, want)
		}
	})

	t.Run("a reclassification replaces the earlier one", func(t *testing.T) {
		ctx := context.Background()
		sg := store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther, Domain: "flip.example"}
		c := learnFrom(t, s, "x@flip.example", sg, store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderPrivateSector})
		if _, err := s.Classify(ctx, c.ID, "U1", store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderCivilSociety}); err != nil {
			t.Fatal(err)
		}
		n := suggested(t, s, "y@flip.example", sg)
		want := "stakeholder civil_society: 1 earlier contribution from flip.example was confirmed as civil_society"
		if !slices.Contains(n.SuggestionReasons, want) {
			t.Errorf("reasons %q, want %q", n.SuggestionReasons, want)
		}
	})
}

// What a person confirmed on a contribution stays: evidence learned later, and new mail
// in its conversation, change no confirmed field of it.
func TestLearnedNeverOverridesConfirmed(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	sg := store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther, Domain: "mixed.example"}
	first := learnFrom(t, s, "a@mixed.example", sg, store.Classification{Kind: store.KindInquiry, StakeholderType: store.StakeholderCivilSociety, Organisation: "Mixed NGO"})
	// Two later contributions from the domain are confirmed otherwise.
	for _, from := range []string{"b@mixed.example", "c@mixed.example"} {
		learnFrom(t, s, from, sg, store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderPrivateSector, Organisation: "Mixed Ltd"})
	}
	// The same sender writes again (a new contribution) and replies in the conversation.
	suggested(t, s, "a@mixed.example", sg)
	reply := inbound("a@mixed.example", "Re: Contribution")
	reply.RefTag = first.Ref
	reply.Suggestion = sg
	ingest(t, s, reply)

	got, err := s.Contribution(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if deref(got.StakeholderType) != store.StakeholderCivilSociety || deref(got.Kind) != store.KindInquiry || got.Organisation != "Mixed NGO" {
		t.Errorf("confirmed fields changed: kind %q, stakeholder type %q, organisation %q",
			deref(got.Kind), deref(got.StakeholderType), got.Organisation)
	}
	if deref(got.StakeholderTypeSuggested) != store.StakeholderOther {
		t.Errorf("suggestion of a stored contribution changed: %q", deref(got.StakeholderTypeSuggested))
	}
}
