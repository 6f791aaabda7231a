package bot

import (
	"os"
	"regexp"
	"testing"
)

// methodScopes is the bot scope each Web API method the desk calls needs ("" for none;
// apps.connections.open takes the app-level token's connections:write, not a bot scope).
var methodScopes = map[string]string{
	"chat.postMessage":             "chat:write",
	"chat.postEphemeral":           "chat:write",
	"chat.update":                  "chat:write",
	"conversations.history":        "channels:history",
	"conversations.members":        "channels:read",
	"conversations.open":           "im:write",
	"users.info":                   "users:read",
	"usergroups.users.list":        "usergroups:read",
	"views.open":                   "",
	"views.publish":                "",
	"views.update":                 "",
	"files.getUploadURLExternal":   "files:write",
	"files.completeUploadExternal": "files:write",
	"files.info":                   "files:read",
	"auth.test":                    "",
	"apps.connections.open":        "",
}

// TestManifestGrantsWhatTheDeskCalls: slack-app-manifest.yaml grants the scope of every
// Web API method the desk calls (those it paces), the private channel's twins, /wsis,
// and subscribes to the events the desk reads: an app made from it can do the whole job.
func TestManifestGrantsWhatTheDeskCalls(t *testing.T) {
	raw, err := os.ReadFile("../slack-app-manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+- ([a-z_.:]+)\b`).FindAllStringSubmatch(string(raw), -1) {
		listed[m[1]] = true
	}
	for method := range slackPace {
		scope, known := methodScopes[method]
		if !known {
			t.Errorf("%s: which scope does it need? (methodScopes)", method)
			continue
		}
		if scope != "" && !listed[scope] {
			t.Errorf("%s needs the scope %s, which the manifest does not grant", method, scope)
		}
	}
	for _, want := range []string{"commands", "groups:read", "groups:history", "app_home_opened", "message.channels", "message.groups"} {
		if !listed[want] {
			t.Errorf("the manifest lacks %s", want)
		}
	}
}
