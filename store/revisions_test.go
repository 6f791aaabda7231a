package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/wsis/wsisbot/store"
)

func TestMarkAndDismissRevision(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	first := searchIngest(t, s, "en", "writer@gov.example", "National report on the digital divide", "First version.")
	second := searchIngest(t, s, "en", "writer@gov.example", "Revised: national report on the digital divide", "Second version.")
	third := searchIngest(t, s, "fr", "writer@gov.example", "Contribution révisée", "Troisième.")
	other := searchIngest(t, s, "en", "someone@else.example", "Revised national report on the digital divide", "Not the same sender.")
	if second.RevisionOfSuggested == nil || *second.RevisionOfSuggested != first.ID || third.RevisionOfSuggested == nil || other.RevisionOfSuggested != nil {
		t.Fatalf("suggestions: %v %v %v", second.RevisionOfSuggested, third.RevisionOfSuggested, other.RevisionOfSuggested)
	}
	l, err := s.RevisionLinks(ctx, second.ID)
	if err != nil || l.Suggested != first.Ref || l.RevisionOf != "" {
		t.Fatalf("links before: %+v %v", l, err)
	}

	c, err := s.MarkRevision(ctx, second.ID, "U1")
	if err != nil || c.RevisionOf == nil || *c.RevisionOf != first.ID || c.RevisionOfSuggested != nil {
		t.Fatalf("mark: %+v %v", c, err)
	}
	if l, _ := s.RevisionLinks(ctx, second.ID); l.RevisionOf != first.Ref || l.Suggested != "" {
		t.Fatalf("links of the revision: %+v", l)
	}
	if l, _ := s.RevisionLinks(ctx, first.ID); !slices.Equal(l.SupersededBy, []string{second.Ref}) {
		t.Fatalf("links of the earlier one: %+v", l)
	}
	if _, err := s.MarkRevision(ctx, second.ID, "U2"); !errors.Is(err, store.ErrNoRevisionHint) {
		t.Fatalf("marked twice: %v", err)
	}
	c, err = s.DismissRevision(ctx, third.ID, "U2")
	if err != nil || c.RevisionOf != nil || c.RevisionOfSuggested != nil {
		t.Fatalf("dismiss: %+v %v", c, err)
	}
	for _, tc := range []struct {
		id     int64
		action string
		actor  string
	}{{second.ID, store.ActionRevisionMarked, "slack:U1"}, {first.ID, store.ActionSuperseded, "slack:U1"}, {third.ID, store.ActionRevisionDismissed, "slack:U2"}} {
		evs, err := s.Events(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(evs, func(e store.Event) bool { return e.Action == tc.action && e.Actor == tc.actor }) {
			t.Errorf("no %s event by %s on %d: %+v", tc.action, tc.actor, tc.id, evs)
		}
	}
}

// A colleague at the same organisation sends the new version: the intake suggests it.
func TestRevisionFromTheSameOrganisation(t *testing.T) {
	s, _ := bqStore(t)
	ctx := context.Background()
	ingestOrg := func(from, subject string) store.Contribution {
		t.Helper()
		uid := searchUID.Add(1) + 9000
		m := store.Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: uid, InternalDate: bqStart,
			Raw: []byte(fmt.Sprint("x", uid)), Kind: store.MsgContribution, MessageID: fmt.Sprint("org", uid, "@example.org"),
			FromEmail: from, Subject: subject, Text: "Text.", Language: "en",
			Suggestion: store.Suggestion{Organisation: "Ministry of Communications"}}
		res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 7, LastUID: uid, Messages: []store.Inbound{m}}, store.DefaultIngestPolicy())
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Contribution(ctx, res[0].ContributionID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := ingestOrg("minister@mincom.gov.example", "National broadband strategy 2019-2023")
	second := ingestOrg("advisor@mincom.gov.example", "National broadband strategy 2019-2023 (updated version)")
	other := ingestOrg("clerk@mincom.gov.example", "Question about accreditation")
	if second.RevisionOfSuggested == nil || *second.RevisionOfSuggested != first.ID || other.RevisionOfSuggested != nil {
		t.Fatalf("suggestions: %v %v", second.RevisionOfSuggested, other.RevisionOfSuggested)
	}
}
