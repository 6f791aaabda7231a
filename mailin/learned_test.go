package mailin

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// The intake passes the sender's domain to the store's learning only when it says who
// writes: what the desk confirmed for one gmail.com address says nothing of another.
func TestIntakeLearnsFromTheDesk(t *testing.T) {
	now := time.Date(2019, 1, 20, 10, 0, 0, 0, time.UTC)
	st, _ := storetest.New(t, storetest.Options{Clock: store.NewOffsetClock(now)})
	ctx := context.Background()
	pol := store.IngestPolicy{AckWindow: 24 * time.Hour}
	var uid atomic.Uint32
	deliver := func(from, subject string) store.Contribution {
		t.Helper()
		n := uid.Add(1)
		raw := []byte(fmt.Sprintf("From: Somebody <%s>\r\nTo: wsis@itu.int\r\nSubject: %s\r\nMessage-ID: <l%d@example.net>\r\n"+
			"Date: Sun, 20 Jan 2019 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Please find our thoughts on the digital divide and broadband in rural areas in the text below.\r\n\r\nSomebody\r\n", from, subject, n))
		p, err := parse.Parse(raw, parse.DefaultLimits())
		in := ToInbound(raw, 1, n, now, "INBOX", p, err, pol)
		res, err := st.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: n, Messages: []store.Inbound{in}}, pol)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.Contribution(ctx, res[0].ContributionID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	confirm := func(c store.Contribution, stakeholder string) {
		t.Helper()
		if _, err := st.Take(ctx, c.ID, "U1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Classify(ctx, c.ID, "U1", store.Classification{Kind: store.KindThematic, StakeholderType: stakeholder}); err != nil {
			t.Fatal(err)
		}
	}
	stakeholder := func(c store.Contribution) string {
		if c.StakeholderTypeSuggested == nil {
			return ""
		}
		return *c.StakeholderTypeSuggested
	}

	first := deliver("a@quietbody.example", "Our views")
	if got := stakeholder(first); got != store.StakeholderOther {
		t.Fatalf("before any confirmation: stakeholder type %q, want other (%q)", got, first.SuggestionReasons)
	}
	confirm(first, store.StakeholderGovernment)
	confirm(deliver("b@quietbody.example", "Our views"), store.StakeholderGovernment)
	c := deliver("c@quietbody.example", "More views")
	if got := stakeholder(c); got != store.StakeholderGovernment {
		t.Errorf("same domain: stakeholder type %q, want government", got)
	}
	if !slices.ContainsFunc(c.SuggestionReasons, func(r string) bool {
		return strings.Contains(r, "2 earlier contributions from quietbody.example were confirmed as government")
	}) {
		t.Errorf("reasons %q", c.SuggestionReasons)
	}

	confirm(deliver("alice@gmail.com", "Our views"), store.StakeholderCivilSociety)
	if got := stakeholder(deliver("bob@gmail.com", "My views")); got != store.StakeholderOther {
		t.Errorf("webmail domain: stakeholder type %q, want other", got)
	}
	if got := stakeholder(deliver("alice@gmail.com", "Again")); got != store.StakeholderCivilSociety {
		t.Errorf("same webmail sender: stakeholder type %q, want civil_society", got)
	}
}
