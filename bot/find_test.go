package bot

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

// findButtons reads the Previous and Next buttons of an answer: label → value.
func findButtons(t *testing.T, blocksJSON json.RawMessage) map[string]string {
	t.Helper()
	var blocks []struct {
		BlockID  string `json:"block_id"`
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			Text     struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(blocksJSON, &blocks); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, b := range blocks {
		if b.BlockID != findBlockID {
			continue
		}
		for _, e := range b.Elements {
			out[e.Text.Text] = e.Value
		}
	}
	return out
}

// lastAnswer is the latest message sent to a response URL under path.
func (d *desk) lastAnswer(path string) (string, json.RawMessage, bool) {
	var msg struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ReplaceOriginal bool            `json:"replace_original"`
	}
	calls := d.slack.Calls("response_url")
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Path == path {
			if err := json.Unmarshal(calls[i].Body, &msg); err != nil {
				d.t.Fatal(err)
			}
			return slacktest.RenderText(msg.Blocks, msg.Text), msg.Blocks, msg.ReplaceOriginal
		}
	}
	d.t.Fatalf("no answer at %s", path)
	return "", nil, false
}

func TestFindInTheDesk(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	ar := d.email("info@mcit.gov.example", "مساهمة وزارة الاتصالات", "نقدم مساهمتنا حول الفجوة الرقمية في المنطقة العربية.")
	ar.Language = "ar"
	zh := d.email("office@miit.gov.example", "关于信息社会的意见", "我们建议进一步缩小数字鸿沟，推动宽带普及。")
	zh.Language = "zh"
	att := d.email("policy@isoc.example", "Our views", "Please see the attached file.")
	att.Language = "en"
	att.Attachments = []store.InboundAttachment{{Filename: "Community_Networks-Outcome.docx", ContentType: "application/msword", Data: []byte("doc")}}
	res := d.ingest(ar, zh, att)
	var many []store.Inbound
	for i := range 17 {
		m := d.email(fmt.Sprintf("s%d@gov.example", i), fmt.Sprintf("Broadband plan %02d", i), "Our national broadband plan.")
		m.Language = "en"
		m.InternalDate = d.clock.Now().Add(-60*time.Minute + time.Duration(i)*time.Minute)
		many = append(many, m)
	}
	mres := d.ingest(many...)
	arC, zhC, attC := d.get(res[0].ContributionID), d.get(res[1].ContributionID), d.get(res[2].ContributionID)
	if _, err := d.st.Take(d.ctx, mres[3].ContributionID, "U2"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.Take(d.ctx, mres[5].ContributionID, "U1"); err != nil {
		t.Fatal(err)
	}
	taken3, taken5 := d.get(mres[3].ContributionID), d.get(mres[5].ContributionID)

	for _, tc := range []struct {
		text      string
		want, not []string
	}{
		{"find الاتصالات", []string{arC.Ref, "مساهمة وزارة الاتصالات"}, []string{zhC.Ref}},
		{"find الرقمية", []string{arC.Ref}, []string{zhC.Ref}},
		{"find 数字鸿沟", []string{zhC.Ref, "关于信息社会的意见"}, []string{arC.Ref}},
		{"find community networks outcome", []string{attC.Ref, "Our views"}, nil},
		{"find Community_Networks-Outcome.docx", []string{attC.Ref}, nil},
		{"find broadband mine", []string{taken5.Ref, "assigned to you"}, []string{taken3.Ref}},
		{"find broadband assignee:<@U2|ben>", []string{taken3.Ref, "assigned to @U2"}, []string{taken5.Ref}},
		{"find status:<b>", []string{"I do not know the status `<b>`"}, nil},
		{"find status:taken", []string{taken3.Ref, taken5.Ref, "1–2 of 2"}, []string{arC.Ref}},
		{"find broadband status:received kind:thematic type:government", []string{"1–15 of 15"}, []string{taken3.Ref}},
		{"find kind:photo", []string{"Nothing matches"}, nil},
		{"find kind:poems", []string{"I do not know the kind"}, nil},
		{"find late", []string{"Nothing matches"}, nil},
		{"find", []string{"Filters:"}, nil},
	} {
		got := d.command("U1", tc.text)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("/wsis %s lacks %q:\n%s", tc.text, w, got)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(got, w) {
				t.Errorf("/wsis %s has %q:\n%s", tc.text, w, got)
			}
		}
	}

	// Pages: 17 plans, 15 a page, newest first; Next shows the rest in place.
	got := d.command("U1", "find broadband")
	if !strings.Contains(got, "1–15 of 17") || !strings.Contains(got, d.get(mres[16].ContributionID).Ref) ||
		strings.Contains(got, d.get(mres[1].ContributionID).Ref) {
		t.Fatalf("first page:\n%s", got)
	}
	path := "/_response/cmd/" + itoa(commandSeq.Load())
	_, blocks, _ := d.lastAnswer(path)
	buttons := findButtons(t, blocks)
	next, ok := buttons["Next ▶ (page 2 of 2)"]
	if !ok || len(buttons) != 1 {
		t.Fatalf("buttons %v", buttons)
	}
	clickPath := "/_response/find/1"
	click := func(user, value string) {
		d.interact(map[string]any{
			"type": "block_actions", "trigger_id": "trigger-" + user, "response_url": d.api.URL + clickPath,
			"user":      map[string]any{"id": user, "name": strings.ToLower(user)},
			"channel":   map[string]any{"id": testChannel},
			"container": map[string]any{"type": "message", "message_ts": "1548061200.000100", "channel_id": testChannel, "is_ephemeral": true},
			"actions": []any{map[string]any{"block_id": findBlockID, "action_id": actFindPage + "_2", "type": "button",
				"value": value, "action_ts": "1548061200.1"}},
		})
	}
	click("U1", next)
	d.waitCall("page 2", "response_url", func(c slacktest.Call) bool { return c.Path == clickPath })
	page2, blocks2, replaced := d.lastAnswer(clickPath)
	if !replaced || !strings.Contains(page2, "16–17 of 17") || !strings.Contains(page2, d.get(mres[0].ContributionID).Ref) ||
		strings.Contains(page2, d.get(mres[16].ContributionID).Ref) {
		t.Fatalf("page 2 (replace_original %v):\n%s", replaced, page2)
	}
	if b2 := findButtons(t, blocks2); len(b2) != 1 || b2["◀ Previous"] == "" {
		t.Fatalf("page 2 buttons %v", b2)
	}
	// page:N says it too.
	if got := d.command("U1", "find broadband page:2"); !strings.Contains(got, "16–17 of 17") {
		t.Fatalf("page:2:\n%s", got)
	}
	if got := d.command("U1", "find broadband page:9"); !strings.Contains(got, "page 9 is past the last") {
		t.Fatalf("page:9:\n%s", got)
	}
	// Someone outside the secretariat cannot page through.
	n := len(d.slack.Calls("response_url"))
	click("U9", next)
	d.waitEphemeral("U9", "only members of")
	if calls := d.slack.Calls("response_url"); len(calls) != n {
		for _, c := range calls[n:] {
			if c.Path == clickPath {
				t.Fatalf("a refused click was answered with a page: %s", url.PathEscape(string(c.Body)))
			}
		}
	}
}
