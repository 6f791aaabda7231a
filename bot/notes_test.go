package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/export"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

var eventSeq atomic.Int64

// messageEvent posts a signed Events API message event (message.channels) and expects
// it acknowledged.
func (d *desk) messageEvent(ev map[string]any) {
	d.t.Helper()
	if _, ok := ev["type"]; !ok {
		ev["type"] = "message"
	}
	if _, ok := ev["channel"]; !ok {
		ev["channel"] = testChannel
	}
	js, err := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("EvMsg%d", eventSeq.Add(1)), "event": ev})
	if err != nil {
		d.t.Fatal(err)
	}
	if rec := d.signedPost("/slack/events", string(js)); rec.Code != 200 {
		d.t.Fatalf("message event answered %d", rec.Code)
	}
}

// messageEventNow hands a message event to the desk's event handler and returns once it
// is handled, for steps whose order matters (the job workers run events side by side).
func (d *desk) messageEventNow(ev map[string]any) {
	d.t.Helper()
	if _, ok := ev["type"]; !ok {
		ev["type"] = "message"
	}
	if _, ok := ev["channel"]; !ok {
		ev["channel"] = testChannel
	}
	js, err := json.Marshal(map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("EvMsg%d", eventSeq.Add(1)), "event": ev})
	if err != nil {
		d.t.Fatal(err)
	}
	d.bots[0].handleEvent(d.ctx, js)
}

func (d *desk) notes(cid int64) []store.Note {
	d.t.Helper()
	ns, err := d.st.Notes(context.Background(), cid)
	if err != nil {
		d.t.Fatal(err)
	}
	return ns
}

// waitNotes waits until the contribution's notes satisfy ok.
func (d *desk) waitNotes(what string, cid int64, ok func([]store.Note) bool) []store.Note {
	d.t.Helper()
	var ns []store.Note
	storetest.Eventually(d.t, 10*time.Second, what, func() bool {
		ns = d.notes(cid)
		return ok(ns)
	})
	return ns
}

// noteActions lists the contribution's note events as actor:action.
func (d *desk) noteActions(cid int64) []string {
	var out []string
	for _, e := range d.events(cid) {
		if strings.HasPrefix(e.Action, "note_") {
			out = append(out, e.Actor+":"+e.Action)
		}
	}
	return out
}

// TestThreadRepliesAreNotes: a member's reply in a card's thread becomes a note of the
// contribution; its edit changes it (an older edit arriving late does not), its deletion
// marks it deleted; each is an event in the audit trail; /wsis show and the export show
// the notes. Bots' messages, ours included, and replies in other threads are not notes.
func TestThreadRepliesAreNotes(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	c := d.contribution("Notes on a thematic submission")
	other := d.contribution("Another one")

	const r1, r2 = "1548061300.000100", "1548061310.000200"
	// Not notes: the bot's own thread note, another app's, a message outside any thread,
	// a reply in a thread that is no card's, and the card itself.
	d.messageEventNow(map[string]any{"user": "U0WSISBOT", "bot_id": "B0WSISBOT", "text": "📩 Follow-up", "ts": "1548061290.000001", "thread_ts": c.SlackTS})
	d.messageEventNow(map[string]any{"subtype": "bot_message", "bot_id": "B0OTHER", "text": "a bot", "ts": "1548061290.000002", "thread_ts": c.SlackTS})
	d.messageEventNow(map[string]any{"user": "U1", "text": "hello channel", "ts": "1548061290.000003"})
	d.messageEventNow(map[string]any{"user": "U1", "text": "elsewhere", "ts": "1548061290.000004", "thread_ts": "1548000000.000001"})
	d.messageEventNow(map[string]any{"user": "U1", "text": "the card", "ts": c.SlackTS, "thread_ts": c.SlackTS})

	// A reply: Slack escapes &, < and > in message text.
	reply := map[string]any{"user": "U1", "text": "Called them &lt;today&gt; &amp; they resend", "ts": r1, "thread_ts": c.SlackTS}
	d.messageEvent(reply)
	ns := d.waitNotes("the reply to become a note", c.ID, func(ns []store.Note) bool { return len(ns) == 1 })
	if n := ns[0]; n.Author != "U1" || n.Text != "Called them <today> & they resend" || n.TS != r1 || n.EditedAt != nil || n.DeletedAt != nil {
		t.Fatalf("note %+v", n)
	}
	// Slack delivering it again (a new event ID) keeps one note.
	d.messageEventNow(reply)

	// Edited, then an older edit delivered late.
	edit := func(text, editedTS string) {
		d.messageEventNow(map[string]any{"subtype": "message_changed", "ts": "1548061400.000900", "hidden": true,
			"message":          map[string]any{"type": "message", "user": "U1", "text": text, "ts": r1, "thread_ts": c.SlackTS, "edited": map[string]any{"user": "U1", "ts": editedTS}},
			"previous_message": map[string]any{"type": "message", "user": "U1", "text": "Called them", "ts": r1, "thread_ts": c.SlackTS}})
	}
	edit("Called them today; they resend on Monday", "1548061400.000000")
	d.waitNotes("the edit", c.ID, func(ns []store.Note) bool {
		return len(ns) == 1 && ns[0].Text == "Called them today; they resend on Monday" && ns[0].EditedAt != nil
	})
	edit("an older version", "1548061350.000000")
	// A bot's edit of its own message (the card's reply count) is not a note either.
	d.messageEventNow(map[string]any{"subtype": "message_changed", "ts": "1548061401.000000",
		"message": map[string]any{"type": "message", "user": "U0WSISBOT", "bot_id": "B0WSISBOT", "text": "card", "ts": c.SlackTS, "thread_ts": c.SlackTS}})

	// A second reply, by U2, deleted.
	d.messageEventNow(map[string]any{"user": "U2", "text": "Wrong thread, sorry", "ts": r2, "thread_ts": c.SlackTS})
	d.waitNotes("the second note", c.ID, func(ns []store.Note) bool { return len(ns) == 2 })
	d.messageEventNow(map[string]any{"subtype": "message_deleted", "hidden": true, "deleted_ts": r2, "ts": "1548061500.000000",
		"previous_message": map[string]any{"type": "message", "user": "U2", "text": "Wrong thread, sorry", "ts": r2, "thread_ts": c.SlackTS}})
	d.waitNotes("the deletion", c.ID, func(ns []store.Note) bool { return len(ns) == 2 && ns[1].DeletedAt != nil })
	// Replies to the other card belong to it; a deletion arriving before its message keeps it deleted.
	const r3 = "1548061600.000300"
	d.messageEventNow(map[string]any{"subtype": "message_deleted", "deleted_ts": r3, "ts": "1548061700.000000",
		"previous_message": map[string]any{"type": "message", "user": "U3", "text": "gone", "ts": r3, "thread_ts": other.SlackTS}})
	d.messageEventNow(map[string]any{"user": "U3", "text": "gone", "ts": r3, "thread_ts": other.SlackTS})

	on := d.notes(other.ID)
	if len(on) != 1 || on[0].TS != r3 || on[0].DeletedAt == nil {
		t.Errorf("a reply delivered after its deletion: %+v", on)
	}
	ns = d.notes(c.ID)
	if len(ns) != 2 || ns[0].Text != "Called them today; they resend on Monday" || ns[1].DeletedAt == nil {
		t.Fatalf("notes %+v", ns)
	}
	want := "slack:U1:note_added slack:U1:note_edited slack:U2:note_added slack:U2:note_deleted"
	if got := strings.Join(d.noteActions(c.ID), " "); got != want {
		t.Fatalf("audit trail: %s, want %s", got, want)
	}
	for _, e := range d.events(c.ID) {
		if e.Action == store.ActionNoteEdited && !strings.Contains(string(e.Details), "resend on Monday") {
			t.Errorf("the edit's event does not keep the new text: %s", e.Details)
		}
	}

	// /wsis show.
	show := d.command("U1", "show "+c.Ref)
	for _, s := range []string{"Notes from the thread (2)", "@U1", "Called them today; they resend on Monday", "edited", "@U2", "deleted"} {
		if !strings.Contains(show, s) {
			t.Errorf("/wsis show lacks %q:\n%s", s, show)
		}
	}
	if strings.Contains(show, "Wrong thread, sorry") {
		t.Errorf("/wsis show shows a deleted note's text:\n%s", show)
	}

	// The export: a notes column in CSV, notes in JSON, a Notes sheet in XLSX.
	ctx := context.Background()
	var csv, js, xl bytes.Buffer
	for f, w := range map[string]*bytes.Buffer{"csv": &csv, "json": &js, "xlsx": &xl} {
		if err := export.Write(ctx, d.st, w, f); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(csv.String(), `"notes"`) || !strings.Contains(csv.String(), "slack:U1 (edited ") ||
		!strings.Contains(csv.String(), "Called them today; they resend on Monday") {
		t.Errorf("CSV export lacks the notes:\n%s", csv.String())
	}
	var recs []export.Record
	if err := json.Unmarshal(js.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	var rec export.Record
	for _, r := range recs {
		if r.Ref == c.Ref {
			rec = r
		}
	}
	if len(rec.Notes) != 2 || rec.Notes[0].Author != "slack:U1" || rec.Notes[0].EditedAt == nil || rec.Notes[1].Deleted == nil {
		t.Errorf("JSON export notes: %+v", rec.Notes)
	}
	f, err := excelize.OpenReader(&xl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Notes")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "ref,at,author,text,edited_at,deleted_at" || rows[1][0] != c.Ref ||
		rows[1][3] != "Called them today; they resend on Monday" {
		t.Errorf("Notes sheet: %q", rows)
	}
}

// TestThreadNoteOverSocketMode: the same reply, delivered over Socket Mode, is a note.
func TestThreadNoteOverSocketMode(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: func(c *Config) { c.AppToken = "xapp-test"; c.SigningSecret = "" }})
	storetest.Eventually(t, 10*time.Second, "the Socket Mode client to connect", d.slack.SocketConnected)
	c := d.contribution("Over the socket")
	if _, err := d.slack.SocketSend("events_api", map[string]any{"type": "event_callback", "event_id": "EvSock1",
		"event": map[string]any{"type": "message", "channel": testChannel, "user": "U2", "text": "Noted over the socket",
			"ts": "1548061300.000100", "thread_ts": c.SlackTS}}, ""); err != nil {
		t.Fatal(err)
	}
	ns := d.waitNotes("the note", c.ID, func(ns []store.Note) bool { return len(ns) == 1 })
	if ns[0].Author != "U2" || ns[0].Text != "Noted over the socket" {
		t.Fatalf("note %+v", ns[0])
	}
}
