package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestRecordNoteInAnyOrder: Slack delivers a message's events in any order and more than
// once; the note ends as the latest edit, a deletion is final, and each change is one
// event.
func TestRecordNoteInAnyOrder(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Card", "text", bqStart)
	if _, err := s.DB().Exec(`UPDATE contributions SET slack_channel = 'C1', slack_ts = '1548061200.000001' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	note := func(action, ts, text, edited string) bool {
		t.Helper()
		_, changed, err := s.RecordNote(ctx, store.NoteChange{Action: action, Channel: "C1", ThreadTS: "1548061200.000001",
			TS: ts, Author: "U1", Text: text, EditedTS: edited})
		if err != nil {
			t.Fatalf("%s %s: %v", action, ts, err)
		}
		return changed
	}
	const r = "1548061300.000100"
	steps := []struct {
		action, text, edited string
		changed              bool
	}{
		{store.ActionNoteEdited, "second version", "1548061400.000000", true}, // the edit before the message
		{store.ActionNoteAdded, "first version", "", false},                   // the message, late
		{store.ActionNoteEdited, "older edit", "1548061350.000000", false},
		{store.ActionNoteEdited, "third version", "1548061500.000000", true},
		{store.ActionNoteDeleted, "third version", "", true},
		{store.ActionNoteDeleted, "third version", "", false},
		{store.ActionNoteEdited, "after the deletion", "1548061600.000000", false},
	}
	for i, st := range steps {
		if got := note(st.action, r, st.text, st.edited); got != st.changed {
			t.Fatalf("step %d (%s %q): changed %v, want %v", i, st.action, st.text, got, st.changed)
		}
	}
	ns, err := s.Notes(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 || ns[0].Text != "third version" || ns[0].DeletedAt == nil || ns[0].Author != "U1" {
		t.Fatalf("notes %+v", ns)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range evs {
		if strings.HasPrefix(e.Action, "note_") {
			acts = append(acts, e.Actor+":"+e.Action)
		}
	}
	if got := strings.Join(acts, " "); got != "slack:U1:note_edited slack:U1:note_edited slack:U1:note_deleted" {
		t.Fatalf("events %s", got)
	}
	// The events of one message handled side by side (job workers, replicas): none
	// fails, one note, the latest edit.
	const r2 = "1548061700.000200"
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ch := store.NoteChange{Action: store.ActionNoteAdded, Channel: "C1", ThreadTS: "1548061200.000001", TS: r2, Author: "U2", Text: "v0"}
			if i > 0 {
				ch.Action, ch.Text, ch.EditedTS = store.ActionNoteEdited, fmt.Sprintf("v%d", i), fmt.Sprintf("15480618%02d.000000", i)
			}
			if _, _, err := s.RecordNote(ctx, ch); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ns, err := s.Notes(ctx, c.ID); err != nil || len(ns) != 2 || ns[1].Text != "v7" {
		t.Fatalf("notes after events side by side: %+v, %v", ns, err)
	}
	// A reply in a thread that is no card's.
	if _, _, err := s.RecordNote(ctx, store.NoteChange{Action: store.ActionNoteAdded, Channel: "C1", ThreadTS: "1.000001", TS: "2.000001", Author: "U1"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another thread: %v, want ErrNotFound", err)
	}
	// The export carries the notes.
	rows, err := s.ExportRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(rows[0].Notes) != 2 || rows[0].Notes[0].Text != "third version" {
		t.Fatalf("export rows %+v", rows)
	}
}
