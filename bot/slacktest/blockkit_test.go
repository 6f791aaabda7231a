package slacktest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func section(text string) slack.Block {
	return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, true), nil, nil)
}

func plainText(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func blocksJSON(t *testing.T, bs ...slack.Block) []byte {
	t.Helper()
	js, err := json.Marshal(bs)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// TestBlocksProblem: each of Slack's limits on a message's blocks, at the limit and one
// past it.
func TestBlocksProblem(t *testing.T) {
	t.Parallel()
	many := func(n int) []slack.Block {
		bs := make([]slack.Block, n)
		for i := range bs {
			bs[i] = section("x")
		}
		return bs
	}
	button := func(text, value string) slack.Block {
		return slack.NewActionBlock("b", slack.NewButtonBlockElement("a", value, plainText(text)))
	}
	sel := func(text, value string, n int) slack.Block {
		opts := make([]*slack.OptionBlockObject, n)
		for i := range opts {
			opts[i] = slack.NewOptionBlockObject(value, plainText(text), nil)
		}
		return slack.NewActionBlock("b", slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plainText("Choose"), "s", opts...))
	}
	fields := func(n, size int) slack.Block {
		fs := make([]*slack.TextBlockObject, n)
		for i := range fs {
			fs[i] = slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("f", size), false, true)
		}
		return slack.NewSectionBlock(nil, fs, nil)
	}
	for _, tc := range []struct {
		name   string
		blocks []slack.Block
		want   string // "" when within the limits
	}{
		{"50 blocks", many(50), ""},
		{"51 blocks", many(51), "51 blocks, at most 50"},
		{"section of 3,000 characters", []slack.Block{section(strings.Repeat("é", 3000))}, ""},
		{"section of 3,001 characters", []slack.Block{section(strings.Repeat("é", 3001))}, "text of 3001 characters"},
		{"empty section", []slack.Block{section("")}, "text is empty"},
		{"10 fields of 2,000", []slack.Block{fields(10, 2000)}, ""},
		{"11 fields", []slack.Block{fields(11, 10)}, "11 fields"},
		{"a field of 2,001", []slack.Block{fields(1, 2001)}, "field of 2001"},
		{"header of 150", []slack.Block{slack.NewHeaderBlock(plainText(strings.Repeat("h", 150)))}, ""},
		{"header of 151", []slack.Block{slack.NewHeaderBlock(plainText(strings.Repeat("h", 151)))}, "header of 151"},
		{"button of 75", []slack.Block{button(strings.Repeat("b", 75), "v")}, ""},
		{"button of 76", []slack.Block{button(strings.Repeat("b", 76), "v")}, "button text of 76"},
		{"button value of 2,001", []slack.Block{button("Open", strings.Repeat("v", 2001))}, "button value of 2001"},
		{"100 options", []slack.Block{sel("o", "v", 100)}, ""},
		{"101 options", []slack.Block{sel("o", "v", 101)}, "101 options"},
		{"option text of 76", []slack.Block{sel(strings.Repeat("o", 76), "v", 1)}, "option text of 76"},
		{"option value of 151", []slack.Block{sel("o", strings.Repeat("v", 151), 1)}, "option value of 151"},
		{"block_id of 256", []slack.Block{slack.NewSectionBlock(plainText("x"), nil, nil, slack.SectionBlockOptionBlockID(strings.Repeat("i", 256)))}, "block_id of 256"},
		{"context of 11", []slack.Block{slack.NewContextBlock("c", plainText("1"), plainText("2"), plainText("3"), plainText("4"), plainText("5"),
			plainText("6"), plainText("7"), plainText("8"), plainText("9"), plainText("10"), plainText("11"))}, "11 context elements"},
	} {
		got := BlocksProblem(blocksJSON(t, tc.blocks...))
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestViewProblem: a modal's and a Home tab's limits.
func TestViewProblem(t *testing.T) {
	t.Parallel()
	input := func(initial string, most int) slack.Block {
		el := slack.NewPlainTextInputBlockElement(nil, "text")
		el.InitialValue, el.MaxLength = initial, most
		return slack.NewInputBlock("in", plainText("Your reply"), nil, el)
	}
	modal := func(title, meta string, blocks ...slack.Block) slack.ModalViewRequest {
		return slack.ModalViewRequest{Type: slack.VTModal, Title: plainText(title), Submit: plainText("Send"), Close: plainText("Cancel"),
			PrivateMetadata: meta, Blocks: slack.Blocks{BlockSet: blocks}}
	}
	hundred := make([]slack.Block, 100)
	for i := range hundred {
		hundred[i] = section("x")
	}
	for _, tc := range []struct {
		name string
		view any
		want string
	}{
		{"a reply modal", modal("Reply to WSIS-2019-0042", `{"c":1}`, input(strings.Repeat("r", 3000), 3000)), ""},
		{"title of 25", modal(strings.Repeat("t", 25), "", section("x")), "title of 25"},
		{"metadata of 3,001", modal("Reply", strings.Repeat("m", 3001), section("x")), "private_metadata of 3001"},
		{"initial value past max_length", modal("Reply", "", input(strings.Repeat("r", 101), 100)), "initial_value of 101 characters, at most 100"},
		{"max_length of 3,001", modal("Reply", "", input("", 3001)), "max_length 3001"},
		{"100 blocks", modal("Reply", "", hundred...), ""},
		{"101 blocks", modal("Reply", "", append(hundred, section("x"))...), "101 blocks, at most 100"},
		{"a Home tab of 100", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: hundred}}, ""},
		{"a Home tab of 101", slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: append(hundred, section("x"))}}, "101 blocks"},
	} {
		js, err := json.Marshal(tc.view)
		if err != nil {
			t.Fatal(err)
		}
		got := ViewProblem(js)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestServerRefusesPastBlockKitLimits: the stand-in answers as Slack does, and says why
// in the call it records.
func TestServerRefusesPastBlockKitLimits(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right"})
	srv := httptest.NewServer(si)
	defer srv.Close()
	ctx := context.Background()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))

	bs := make([]slack.Block, 51)
	for i := range bs {
		bs[i] = section("x")
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(bs...)); errorCode(err) != "invalid_blocks" {
		t.Errorf("51 blocks: %v, want invalid_blocks", err)
	}
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionBlocks(bs[:50]...))
	if err != nil {
		t.Fatalf("50 blocks: %v", err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionBlocks(section(strings.Repeat("x", 3001)))); errorCode(err) != "invalid_blocks" {
		t.Errorf("an update with a long section: %v, want invalid_blocks", err)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText(strings.Repeat("x", MaxMessageText+1), false)); errorCode(err) != "msg_too_long" {
		t.Errorf("a long text: %v, want msg_too_long", err)
	}
	_, err = api.OpenViewContext(ctx, "trigger", slack.ModalViewRequest{Type: slack.VTModal, Title: plainText(strings.Repeat("t", 25)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section("x")}}})
	if errorCode(err) != "invalid_arguments" {
		t.Errorf("a long modal title: %v, want invalid_arguments", err)
	}
	calls := si.Calls("views.open")
	if len(calls) != 1 || !strings.Contains(calls[0].Detail, "title of 25 characters") {
		t.Errorf("views.open recorded as %+v", calls)
	}
	resp, err := http.Post(srv.URL+"/_response/x", "application/json", strings.NewReader(string(mustJSON(t, map[string]any{"blocks": bs}))))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("51 blocks to a response URL: %d, want 400", resp.StatusCode)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return js
}
