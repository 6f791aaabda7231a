package bot

import (
	"encoding/json"
	"strings"
	"testing"
)

// /wsis export offers JSON, as `wsisbot export` does.
func TestExportJSONFromSlack(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	a := d.contribution("Thematic views")
	if got := d.command("U1", "export pdf"); !strings.Contains(got, "not `pdf`") {
		t.Fatalf("answer:\n%s", got)
	}
	got := d.command("U1", "export json")
	if !strings.Contains(got, "Uploaded wsis-contributions-2019-01-21-1000.json to") {
		t.Fatalf("answer:\n%s", got)
	}
	var found bool
	for _, f := range d.slack.Files() {
		if !strings.HasSuffix(f.Name, ".json") {
			if f.Channel != "" {
				t.Errorf("uploaded %s too", f.Name)
			}
			continue
		}
		found = true
		var rows []struct {
			Ref     string `json:"ref"`
			Subject string `json:"subject"`
		}
		if err := json.Unmarshal(f.Data, &rows); err != nil || len(rows) != 1 || rows[0].Ref != a.Ref || rows[0].Subject != "Thematic views" {
			t.Fatalf("json %s: %v %+v", f.Data, err, rows)
		}
		if f.Channel != testChannel || !strings.Contains(f.Comment, "<@U1>") {
			t.Fatalf("file %+v", f)
		}
	}
	if !found {
		t.Fatal("no JSON uploaded")
	}
}
