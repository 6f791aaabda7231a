package bot

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/bot/slacktest"
)

var commandSeq atomic.Int64

// command posts a signed /wsis command and returns the answer sent to its response URL.
func (d *desk) command(user, text string) string {
	d.t.Helper()
	path := "/_response/cmd/" + itoa(commandSeq.Add(1))
	form := url.Values{"command": {"/wsis"}, "text": {text}, "user_id": {user}, "channel_id": {testChannel},
		"response_url": {d.api.URL + path}, "trigger_id": {"t"}, "team_id": {"T0WSIS"}}
	rec := d.signedPost("/slack/commands", form.Encode())
	if rec.Code != http.StatusOK {
		d.t.Fatalf("/wsis %s answered %d", text, rec.Code)
	}
	answer := d.waitCall("the answer to /wsis "+text, "response_url", func(c slacktest.Call) bool { return c.Path == path })
	var msg struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if err := json.Unmarshal(answer.Body, &msg); err != nil {
		d.t.Fatal(err)
	}
	if msg.ResponseType != "ephemeral" {
		d.t.Errorf("answer is %q, want ephemeral", msg.ResponseType)
	}
	return slacktest.RenderText(msg.Blocks, msg.Text)
}

func TestSlashCommands(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	a := d.contribution("Thematic views <!channel>")
	b := d.contribution("Second one")
	if _, err := d.st.Take(d.ctx, b.ID, "U1"); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		text string
		want []string
		not  []string
	}{
		{"", []string{"/wsis status", "/wsis export"}, nil},
		{"status", []string{"2 contributions, 2 open", "received: 1", "acknowledged: 1", "Thematic aspects (official submission): 2",
			"Government: 2", "phase III: 2", "Due next:* Official submissions and workshop requests, 10 February 2019 (20 days left); 2 open"}, nil},
		{"find thematic", []string{a.Ref, "Thematic views <!channel>"}, []string{b.Ref}},
		{"find " + strings.ToLower(b.Ref), []string{b.Ref}, []string{a.Ref}},
		{"find amina@gov.example", []string{a.Ref, b.Ref}, nil},
		{"find nothing-like-it", []string{"Nothing matches"}, nil},
		{"show " + a.Ref, []string{a.Ref, "Subject:* Thematic views <!channel>", "Amina Sender", "Ministry of ICT"}, []string{"[Reply]"}},
		{"show WSIS-2019-9999", []string{"There is no contribution WSIS-2019-9999"}, nil},
		{"deadlines", []string{"Official submissions and workshop requests", "Sunday 10 February 2019", "20 days left", "2 open against it"}, nil},
		{"frobnicate", []string{"I do not know"}, nil},
	}
	for _, tc := range cases {
		t.Run("/wsis "+tc.text, func(t *testing.T) {
			got := d.command("U1", tc.text)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("answer lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("answer has %q:\n%s", w, got)
				}
			}
		})
	}
	// The answers carry email text escaped.
	for _, c := range d.slack.Calls("response_url") {
		var msg struct {
			Blocks json.RawMessage `json:"blocks"`
		}
		_ = json.Unmarshal(c.Body, &msg)
		if strings.Contains(joinedTexts(t, string(msg.Blocks)), "<!channel>") {
			t.Fatalf("unescaped email text in an answer: %s", msg.Blocks)
		}
	}

	t.Run("export uploads an XLSX and a CSV to the channel", func(t *testing.T) {
		got := d.command("U2", "export")
		if !strings.Contains(got, "Uploaded wsis-contributions-2019-01-21-1000.xlsx and wsis-contributions-2019-01-21-1000.csv") {
			t.Fatalf("answer:\n%s", got)
		}
		var files []slacktest.File
		for _, f := range d.slack.Files() {
			if f.Channel != "" { // not the status chart, which is shared nowhere
				files = append(files, f)
			}
		}
		if len(files) != 2 {
			t.Fatalf("%d files", len(files))
		}
		for _, f := range files {
			if !f.Shared || f.Channel != testChannel || len(f.Data) == 0 || !strings.Contains(f.Comment, "<@U2>") {
				t.Fatalf("file %+v", f)
			}
		}
		x, err := excelize.OpenReader(bytes.NewReader(files[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("Contributions")
		if err != nil || len(rows) != 3 || rows[1][0] != a.Ref || rows[0][0] != "ref" {
			t.Fatalf("xlsx rows = %v, %v", rows, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files[1].Data, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(recs) != 3 || recs[2][0] != b.Ref {
			t.Fatalf("csv = %v, %v", recs, err)
		}
	})

	t.Run("a non-member is refused", func(t *testing.T) {
		got := d.command("U9", "status")
		if !strings.Contains(got, "only members of #C0INTAKE") || strings.Contains(got, "contributions, 2 open") {
			t.Fatalf("answer:\n%s", got)
		}
	})
}
