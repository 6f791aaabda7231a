package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/wsis/wsisbot/store"
)

// NoteStore keeps what members write in a card's thread; *store.Store is it.
type NoteStore interface {
	RecordNote(ctx context.Context, ch store.NoteChange) (store.Note, bool, error)
	Notes(ctx context.Context, contributionID int64) ([]store.Note, error)
	QueueStaleReminders(ctx context.Context, now time.Time, after time.Duration, limit int) (int, error)
}

// threadMessage is the part of a message event the desk reads.
type threadMessage struct {
	Type     string `json:"type"`
	Subtype  string `json:"subtype"`
	Channel  string `json:"channel"`
	User     string `json:"user"`
	BotID    string `json:"bot_id"`
	Text     string `json:"text"`
	TS       string `json:"ts"`
	ThreadTS string `json:"thread_ts"`
	Edited   *struct {
		TS string `json:"ts"`
	} `json:"edited"`
}

// messageEvent is a message event of the Events API (message.channels, message.groups):
// a new message, or, with its subtype, an edit or a deletion.
type messageEvent struct {
	threadMessage
	Message         *threadMessage `json:"message"`          // message_changed: as it is now
	PreviousMessage *threadMessage `json:"previous_message"` // message_changed, message_deleted
	DeletedTS       string         `json:"deleted_ts"`       // message_deleted
}

// byPerson reports whether a person wrote m: not our bot, not another bot or app.
func (m *threadMessage) byPerson() bool {
	return m != nil && m.BotID == "" && m.Subtype != "bot_message" && m.User != "" && store.IsSlackUserID(m.User)
}

// isReply reports whether m is a reply in a thread (not the thread's first message).
func (m *threadMessage) isReply() bool {
	return m != nil && m.ThreadTS != "" && m.TS != "" && m.ThreadTS != m.TS
}

// noteChange reads what a message event changes in the notes: a reply by a person in a
// thread; its edit; its deletion. ok is false for anything else (the bot's own messages,
// other bots', messages outside threads, joins and the like).
func noteChange(raw json.RawMessage) (store.NoteChange, bool) {
	var ev messageEvent
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Type != "message" {
		return store.NoteChange{}, false
	}
	switch ev.Subtype {
	case "", "thread_broadcast", "file_share":
		if !ev.byPerson() || !ev.isReply() {
			return store.NoteChange{}, false
		}
		return store.NoteChange{Action: store.ActionNoteAdded, Channel: ev.Channel, ThreadTS: ev.ThreadTS, TS: ev.TS,
			Author: ev.User, Text: slackText(ev.Text)}, true
	case "message_changed":
		m := ev.Message
		if !m.byPerson() || !m.isReply() {
			return store.NoteChange{}, false
		}
		edited := ev.threadMessage.TS // the event's own ts, when the message carries no edited.ts
		if m.Edited != nil && m.Edited.TS != "" {
			edited = m.Edited.TS
		}
		return store.NoteChange{Action: store.ActionNoteEdited, Channel: ev.Channel, ThreadTS: m.ThreadTS, TS: m.TS,
			Author: m.User, Text: slackText(m.Text), EditedTS: edited}, true
	case "message_deleted":
		p := ev.PreviousMessage
		if p == nil || ev.DeletedTS == "" || p.BotID != "" || p.ThreadTS == "" || p.ThreadTS == ev.DeletedTS {
			return store.NoteChange{}, false
		}
		return store.NoteChange{Action: store.ActionNoteDeleted, Channel: ev.Channel, ThreadTS: p.ThreadTS, TS: ev.DeletedTS,
			Author: p.User, Text: slackText(p.Text)}, true
	}
	return store.NoteChange{}, false
}

// handleMessageEvent keeps a reply written in a card's thread as a note of the
// contribution, and follows its edits and its deletion. Replies in other threads, and
// messages by bots (ours included), are not notes.
func (b *Bot) handleMessageEvent(ctx context.Context, raw []byte) {
	var outer struct {
		Event json.RawMessage `json:"event"`
	}
	if err := json.Unmarshal(raw, &outer); err != nil {
		return
	}
	ch, ok := noteChange(outer.Event)
	if !ok {
		return
	}
	n, changed, err := b.st.RecordNote(ctx, ch)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return // a thread that is no card's
	case err != nil:
		b.log.Error("could not keep a note from a card's thread", "ts", ch.TS, slog.Any("error", err))
		return
	}
	if changed {
		b.log.Info("note", "action", ch.Action, "contribution_id", n.ContributionID, "ts", n.TS, "user", n.Author)
	}
}

// notesText lists a contribution's notes for /wsis show: who wrote what and when, edits
// and deletions marked. "" when it has none.
func (b *Bot) notesText(ctx context.Context, cid int64) (string, error) {
	ns, err := b.st.Notes(ctx, cid)
	if err != nil {
		return "", err
	}
	if len(ns) == 0 {
		return "", nil
	}
	var s strings.Builder
	fmt.Fprintf(&s, "*Notes from the thread (%d):*", len(ns))
	for _, n := range ns {
		who := "someone"
		if n.Author != "" {
			who = userMention(n.Author)
		}
		fmt.Fprintf(&s, "\n• %s · %s", who, b.genevaTime(n.PostedAt))
		switch {
		case n.DeletedAt != nil:
			fmt.Fprintf(&s, " · _deleted %s_", b.genevaTime(*n.DeletedAt))
			continue
		case n.EditedAt != nil:
			fmt.Fprintf(&s, " · _edited %s_", b.genevaTime(*n.EditedAt))
		}
		s.WriteString("\n" + quote(escapeMrkdwn(cut(n.Text, 1000))))
	}
	return s.String(), nil
}

// slackText is a message's text as its author typed it: Slack escapes &, < and > in
// message text, and a note is kept as plain text (escaped again where it is shown).
func slackText(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
