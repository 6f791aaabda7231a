package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInspect parses, sorts and suggests for .eml files without a database or a valid
// configuration, one JSON line per file; a file that cannot be read gets its line
// with the error and the command fails.
func TestInspect(t *testing.T) {
	dir := t.TempDir()
	msg := filepath.Join(dir, "q.eml")
	raw := "From: Nighat Rahman <nighat@digitalrightsfoundation.pk>\r\nTo: wsis-info@itu.int\r\n" +
		"Subject: Workshop deadline\r\nMessage-ID: <q1@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Could you tell us whether the deadline for workshop proposals is still 10 February?\r\n\r\n" +
		"Nighat Rahman\r\nPolicy Director, Digital Rights Foundation\r\n"
	if err := os.WriteFile(msg, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{"DATABASE_URL": closedDB, "WSISBOT_IMAP_TLS": "bogus"}
	out, _, err := runCLI([]string{"inspect", msg}, bad)
	if err != nil {
		t.Fatalf("inspect: %v", err)
	}
	var in inspection
	if err := json.Unmarshal([]byte(out), &in); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	if in.Sort != "contribution" || in.Suggestion.Kind != "inquiry" || in.Suggestion.StakeholderType != "civil_society" ||
		in.Suggestion.Organisation != "Digital Rights Foundation" || in.Language != "en" || len(in.Suggestion.Reasons) == 0 {
		t.Errorf("inspection %+v", in)
	}

	out, _, err = runCLI([]string{"inspect", "--our", "wsis-info@itu.int", msg, filepath.Join(dir, "missing.eml")}, bad)
	if err == nil || !strings.Contains(err.Error(), "1 of 2") {
		t.Errorf("a missing file: err %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], `"error"`) {
		t.Errorf("output %q, want two lines, the second with an error", out)
	}
	if _, _, err := runCLI([]string{"inspect"}, bad); err == nil {
		t.Error("inspect without a file succeeded")
	}
}
