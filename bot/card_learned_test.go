package bot

import (
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestCardShowsWhatTheDeskConfirmed checks a suggestion learned from earlier
// classifications says so on the card, under "Why suggested".
func TestCardShowsWhatTheDeskConfirmed(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	sg := store.Suggestion{Kind: store.KindThematic, StakeholderType: store.StakeholderOther, Domain: "mincom.gov.xx",
		Reasons: []string{"stakeholder other: nothing conclusive in domain mincom.gov.xx"}}
	for _, from := range []string{"a@mincom.gov.xx", "b@mincom.gov.xx", "c@mincom.gov.xx"} {
		m := d.email(from, "Contribution", "Please find our contribution attached.")
		m.Suggestion = sg
		id := d.ingest(m)[0].ContributionID
		d.waitCard(id)
		if _, err := d.st.Take(d.ctx, id, "U1"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.st.Classify(d.ctx, id, "U1", store.Classification{Kind: store.KindThematic, StakeholderType: store.StakeholderGovernment}); err != nil {
			t.Fatal(err)
		}
	}
	m := d.email("d@mincom.gov.xx", "Contribution", "Please find our contribution attached.")
	m.Suggestion = sg
	d.waitCard(d.ingest(m)[0].ContributionID)
	posts := d.slack.Calls("chat.postMessage")
	if len(posts) != 4 {
		t.Fatalf("%d posts", len(posts))
	}
	all := strings.Join(blockTexts(t, posts[3].Param("blocks")), "\n")
	want := "stakeholder government: 3 earlier contributions from mincom.gov.xx were confirmed as government"
	if !strings.Contains(all, "Why suggested") || !strings.Contains(all, want) {
		t.Errorf("the card lacks what the desk confirmed:\n%s", all)
	}
}
