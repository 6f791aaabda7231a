package bot

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
)

// slackFileIDs are the ids of the files that blocks show as images (slack_file).
func slackFileIDs(t *testing.T, blocks []byte) []string {
	t.Helper()
	var bs []struct {
		Type      string `json:"type"`
		SlackFile *struct {
			ID string `json:"id"`
		} `json:"slack_file"`
	}
	if err := json.Unmarshal(blocks, &bs); err != nil {
		t.Fatalf("blocks are not JSON: %v", err)
	}
	var ids []string
	for _, b := range bs {
		if b.Type == "image" && b.SlackFile != nil {
			ids = append(ids, b.SlackFile.ID)
		}
	}
	return ids
}

// statusChartIDs answers /wsis status for user and returns the files its answer (the one
// the response URL took) shows.
func (d *desk) statusChartIDs(user string) []string {
	d.t.Helper()
	path := "/_response/cmd/" + itoa(commandSeq.Add(1))
	form := url.Values{"command": {"/wsis"}, "text": {"status"}, "user_id": {user}, "channel_id": {testChannel},
		"response_url": {d.api.URL + path}, "trigger_id": {"t"}, "team_id": {"T0WSIS"}}
	if rec := d.signedPost("/slack/commands", form.Encode()); rec.Code != http.StatusOK {
		d.t.Fatalf("/wsis status answered %d", rec.Code)
	}
	answer := d.waitCall("the answer to /wsis status", "response_url", func(c slacktest.Call) bool {
		return c.Path == path && c.Status == http.StatusOK
	})
	var msg struct {
		Blocks json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(answer.Body, &msg); err != nil {
		d.t.Fatal(err)
	}
	if !strings.Contains(slacktest.RenderText(msg.Blocks, ""), "Due next") {
		d.t.Fatalf("status answer:\n%s", slacktest.RenderText(msg.Blocks, ""))
	}
	return slackFileIDs(d.t, msg.Blocks)
}

// homeChartIDs opens user's App Home and returns the files it shows.
func (d *desk) homeChartIDs(user, eventID string) []string {
	d.t.Helper()
	before := len(d.slack.Calls("views.publish"))
	event := `{"type":"event_callback","event_id":"` + eventID + `","event":{"type":"app_home_opened","user":"` + user + `","tab":"home"}}`
	d.signedPost("/slack/events", event)
	var call slacktest.Call
	d.waitCall("App Home published for "+user, "views.publish", func(slacktest.Call) bool {
		for _, c := range d.slack.Calls("views.publish")[before:] {
			if c.Param("user_id") == user && c.Error == "" {
				call = c
				return true
			}
		}
		return false
	})
	return slackFileIDs(d.t, viewBlocks(d.t, call.Param("view")))
}

func TestStatusChart(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	d.contribution("Thematic views")

	uploaded := func(n int) []slacktest.File {
		t.Helper()
		files := d.slack.Files()
		if len(files) != n {
			t.Fatalf("%d files uploaded, want %d", len(files), n)
		}
		for _, f := range files {
			if !f.Shared || f.Channel != "" {
				t.Errorf("chart %s: shared %v in %q, want uploaded and shared in no channel", f.ID, f.Shared, f.Channel)
			}
			if _, err := png.Decode(bytes.NewReader(f.Data)); err != nil {
				t.Errorf("chart %s: %v", f.ID, err)
			}
		}
		return files
	}

	// /wsis status twice within the hour: one upload, both answers show it.
	first := d.statusChartIDs("U1")
	files := uploaded(1)
	if !slices.Equal(first, []string{files[0].ID}) {
		t.Fatalf("status shows %v, uploaded %s", first, files[0].ID)
	}
	d.clock.Advance(59 * time.Minute)
	if again := d.statusChartIDs("U2"); !slices.Equal(again, first) {
		t.Fatalf("status within the hour shows %v, want %v", again, first)
	}
	uploaded(1)

	// App Home shows the same chart.
	if home := d.homeChartIDs("U2", "EvChart1"); !slices.Equal(home, first) {
		t.Fatalf("App Home shows %v, want %v", home, first)
	}
	uploaded(1)

	// An hour after the upload, the next look draws and uploads it again, once.
	d.clock.Advance(time.Minute)
	home := d.homeChartIDs("U1", "EvChart2")
	files = uploaded(2)
	if !slices.Equal(home, []string{files[1].ID}) {
		t.Fatalf("App Home an hour later shows %v, want the new upload %s", home, files[1].ID)
	}
	if now := d.statusChartIDs("U1"); !slices.Equal(now, home) {
		t.Fatalf("status shows %v, want %v", now, home)
	}
	uploaded(2)

	// Someone deleted the chart in Slack: the answers go without it until the next one.
	d.slack.DeleteFile(files[1].ID)
	if ids := d.statusChartIDs("U2"); len(ids) != 0 {
		t.Fatalf("status shows %v, a deleted file", ids)
	}
	if ids := d.homeChartIDs("U2", "EvChart4"); len(ids) != 0 {
		t.Fatalf("App Home shows %v, a deleted file", ids)
	}

	// Someone outside the secretariat sees no chart and causes no upload.
	d.clock.Advance(2 * time.Hour)
	if ids := d.homeChartIDs("U9", "EvChart3"); len(ids) != 0 {
		t.Fatalf("outsider's App Home shows %v", ids)
	}
	uploaded(2)
}

// Replicas answering together within the hour upload the chart once.
func TestStatusChartReplicas(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{replicas: 3})
	d.contribution("Thematic views")
	ids := make(chan string, 12)
	for i := range 12 {
		go func() { ids <- d.bots[i%3].statusChart(d.ctx) }()
	}
	got := map[string]int{}
	for range 12 {
		got[<-ids]++
	}
	files := d.slack.Files()
	if len(files) != 1 {
		t.Fatalf("%d uploads, want 1", len(files))
	}
	if got[files[0].ID] == 0 {
		t.Errorf("no caller showed the upload: %v", got)
	}
}
