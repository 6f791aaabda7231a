package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

// ingestPolicy stores msgs under pol.
func ingestPolicy(t *testing.T, s *store.Store, pol store.IngestPolicy, msgs ...store.Inbound) []store.Ingested {
	t.Helper()
	var last uint32
	for _, m := range msgs {
		last = max(last, m.UID)
	}
	res, err := s.Ingest(context.Background(), store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: last, Messages: msgs}, pol)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res
}

// slackKeys are the keys of the Slack items queued for contribution cid.
func slackKeys(t *testing.T, s *store.Store, cid int64) []string {
	t.Helper()
	var keys []string
	for k, it := range outboxKeys(t, s, cid) {
		if strings.HasPrefix(string(it.Kind), "slack_") {
			keys = append(keys, k)
		}
	}
	return keys
}

// A follow-up of a history contribution without a card: one that is itself history
// queues nothing for Slack (a note or an update would wait for a card that never
// comes); one written now, from the contact or from another sender, brings the card,
// its note and the update after it; once the card is on its way, an old follow-up's
// note waits for it like any other.
func TestHistoryFollowUpNeverWaitsForNoCard(t *testing.T) {
	month := inConsultation.AddDate(0, 0, -30)
	old := func(from, subject string, at time.Time) store.Inbound {
		m := inbound(from, subject)
		m.InternalDate = at
		return m
	}
	t.Run("old follow-ups queue nothing, a recent one brings the card", func(t *testing.T) {
		s, _ := newStore(t)
		pol := store.DefaultIngestPolicy()
		first := old("ministry@gov.example", "Regional inputs", month)
		res := ingestPolicy(t, s, pol, first)
		cid := res[0].ContributionID
		if keys := slackKeys(t, s, cid); len(keys) != 0 {
			t.Fatalf("history contribution: Slack items %v, want none", keys)
		}
		fu := old("ministry@gov.example", "Re: Regional inputs", month.Add(time.Hour))
		fu.InReplyTo = first.MessageID
		other := old("colleague@gov.example", "Re: Regional inputs", month.Add(2*time.Hour))
		other.InReplyTo = first.MessageID
		got := ingestPolicy(t, s, pol, fu, other)
		if got[0].Kind != store.MsgFollowUp || got[0].ContributionID != cid || !got[1].OtherSender || got[1].ContributionID != cid {
			t.Fatalf("old follow-ups: %+v", got)
		}
		if keys := slackKeys(t, s, cid); len(keys) != 0 {
			t.Fatalf("old follow-ups of a history contribution without a card: Slack items %v, want none", keys)
		}
		var followUps int
		if err := s.DB().Get(&followUps, `SELECT count(*) FROM events WHERE contribution_id = $1 AND action IN ('follow_up', 'other_sender')`, cid); err != nil || followUps != 2 {
			t.Fatalf("audit trail: %d follow-up events, %v; want 2", followUps, err)
		}

		// Someone else writes about it today: the card comes, with the note after it.
		now := inbound("colleague@gov.example", "About last month's regional inputs")
		now.References = []string{first.MessageID}
		got = ingestPolicy(t, s, pol, now)
		if !got[0].OtherSender || got[0].ContributionID != cid {
			t.Fatalf("recent mail from another sender: %+v", got[0])
		}
		keys := outboxKeys(t, s, cid)
		for _, k := range []string{"card:" + itoa(cid), "thread:othersender:" + itoa(got[0].MessageRowID)} {
			if _, ok := keys[k]; !ok {
				t.Fatalf("recent mail from another sender: no %s in %v", k, slackKeys(t, s, cid))
			}
		}
		// The card is on its way: an old follow-up read now has its note, after the card.
		late := old("ministry@gov.example", "Re: Regional inputs", month.Add(3*time.Hour))
		late.InReplyTo = first.MessageID
		got = ingestPolicy(t, s, pol, late)
		if _, ok := outboxKeys(t, s, cid)["thread:followup:"+itoa(got[0].MessageRowID)]; !ok {
			t.Fatalf("old follow-up with the card on its way: no note in %v", slackKeys(t, s, cid))
		}
		postCard(t, s, cid)
	})
	t.Run("history cards: the old follow-up's note waits for the card queued", func(t *testing.T) {
		s, _ := newStore(t)
		pol := store.DefaultIngestPolicy()
		pol.HistoryCards = true
		first := old("ministry@gov.example", "Regional inputs", month)
		cid := ingestPolicy(t, s, pol, first)[0].ContributionID
		fu := old("ministry@gov.example", "Re: Regional inputs", month.Add(time.Hour))
		fu.InReplyTo = first.MessageID
		got := ingestPolicy(t, s, pol, fu)
		keys := outboxKeys(t, s, cid)
		for _, k := range []string{"card:" + itoa(cid), "thread:followup:" + itoa(got[0].MessageRowID)} {
			if _, ok := keys[k]; !ok {
				t.Fatalf("no %s in %v", k, slackKeys(t, s, cid))
			}
		}
	})
}
