// Package export writes every contribution as CSV, JSON or XLSX: for the command line
// (wsisbot export) and for the /wsis export command in Slack. It reads through the
// small Store interface it declares and knows nothing of Slack.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wsis/wsisbot/store"
)

// Store is what Write reads.
type Store interface {
	ExportRows(ctx context.Context) ([]store.ExportRow, error)
}

// Formats are the formats Write writes.
var Formats = []string{"csv", "json", "xlsx"}

// Record is one contribution in an export. Kind, stakeholder type and organisation
// are the confirmed values, else the suggested ones (the *_confirmed fields say which).
// Times are RFC 3339, UTC.
type Record struct {
	Ref                      string       `json:"ref"`
	Status                   string       `json:"status"`
	Outcome                  *string      `json:"outcome"`
	Kind                     string       `json:"kind"`
	KindConfirmed            bool         `json:"kind_confirmed"`
	StakeholderType          string       `json:"stakeholder_type"`
	StakeholderTypeConfirmed bool         `json:"stakeholder_type_confirmed"`
	ActionLines              []string     `json:"action_lines"`
	SDGs                     []int64      `json:"sdgs"`
	Language                 string       `json:"language"`
	FromName                 string       `json:"from_name"`
	FromEmail                string       `json:"from_email"`
	Organisation             string       `json:"organisation"`
	Subject                  string       `json:"subject"`
	ReceivedAt               string       `json:"received_at"`
	DeadlineName             string       `json:"deadline_name"`
	Deadline                 *string      `json:"deadline"`
	Late                     bool         `json:"late"`
	Assignee                 string       `json:"assignee"`
	AckStatus                string       `json:"ack_status"`
	AckSentAt                *string      `json:"ack_sent_at"`
	AckSuppressedReason      string       `json:"ack_suppressed_reason"`
	MessageCount             int          `json:"message_count"`
	Attachments              []Attachment `json:"attachments"`
	Events                   []Event      `json:"events"`
	Mailbox                  string       `json:"mailbox"` // the name of the mailbox it came to
	Notes                    []Note       `json:"notes"`
}

// Note is one note written in the contribution's card thread in Slack, as it stands
// now; a deleted note keeps its last text.
type Note struct {
	At       string  `json:"at"`
	Author   string  `json:"author"` // "slack:" and a Slack user ID
	Text     string  `json:"text"`
	EditedAt *string `json:"edited_at"`
	Deleted  *string `json:"deleted_at"`
}

// Attachment is one attachment in an export.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Event is one audit event in an export.
type Event struct {
	At     string `json:"at"`
	Actor  string `json:"actor"` // "slack:" and a Slack user ID, wsisbot, or a sender's address
	Action string `json:"action"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func rfc3339p(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := rfc3339(*t)
	return &s
}

// NewRecord builds the export record of a row.
func NewRecord(r store.ExportRow) Record {
	c := r.Contribution
	org := c.Organisation
	if org == "" {
		org = c.OrganisationSuggested
	}
	rec := Record{
		Ref: c.Ref, Status: string(c.Status), Outcome: c.Outcome,
		Kind: string(c.EffectiveKind()), KindConfirmed: c.Kind != nil,
		StakeholderType: c.EffectiveStakeholderType(), StakeholderTypeConfirmed: c.StakeholderType != nil,
		ActionLines: append([]string{}, c.ActionLines...), SDGs: append([]int64{}, c.SDGs...),
		Language: c.Language, FromName: c.FromName, FromEmail: c.FromEmail, Organisation: org,
		Subject: c.Subject, ReceivedAt: rfc3339(c.ReceivedAt), DeadlineName: c.DeadlineName,
		Deadline: rfc3339p(c.DeadlineAt), Late: c.Late, Assignee: c.Assignee, AckStatus: c.AckStatus,
		AckSentAt: rfc3339p(c.AckSentAt), AckSuppressedReason: c.AckSuppressedReason,
		MessageCount: r.MessageCount, Attachments: []Attachment{}, Events: []Event{}, Notes: []Note{},
		Mailbox: c.MailboxName,
	}
	for _, n := range r.Notes {
		rec.Notes = append(rec.Notes, Note{At: rfc3339(n.PostedAt), Author: store.SlackActor(n.Author), Text: n.Text,
			EditedAt: rfc3339p(n.EditedAt), Deleted: rfc3339p(n.DeletedAt)})
	}
	for _, a := range r.Attachments {
		rec.Attachments = append(rec.Attachments, Attachment{Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256})
	}
	for _, e := range r.Events {
		// A Slack user is "slack:" and the ID, in events written before actors were typed too.
		actor := e.Actor
		if id, ok := e.SlackUser(); ok {
			actor = store.SlackActor(id)
		}
		rec.Events = append(rec.Events, Event{At: rfc3339(e.At), Actor: actor, Action: e.Action})
	}
	return rec
}

// Write writes every contribution to w as csv, json (an array of Record) or xlsx.
func Write(ctx context.Context, st Store, w io.Writer, format string) error {
	switch format {
	case "csv", "json", "xlsx":
	default:
		return fmt.Errorf("export: unknown format %q (csv, json or xlsx)", format)
	}
	rows, err := st.ExportRows(ctx)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	recs := make([]Record, len(rows))
	for i, r := range rows {
		recs[i] = NewRecord(r)
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(recs)
	case "csv":
		err = writeCSV(w, recs)
	case "xlsx":
		err = writeXLSX(w, recs)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return nil
}

var tableHeader = []string{"ref", "status", "outcome", "kind", "kind_confirmed", "stakeholder_type",
	"stakeholder_type_confirmed", "action_lines", "sdgs", "language", "from_name", "from_email", "organisation",
	"subject", "received_at", "deadline_name", "deadline", "late", "assignee", "ack_status", "ack_sent_at",
	"ack_suppressed_reason", "message_count", "attachments", "events", "notes", "mailbox"}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// tableRow is a record as one row; attachments and events are summarised in a cell each.
func tableRow(r Record) []string {
	sdgs := make([]string, len(r.SDGs))
	for i, g := range r.SDGs {
		sdgs[i] = strconv.FormatInt(g, 10)
	}
	atts := make([]string, len(r.Attachments))
	for i, a := range r.Attachments {
		atts[i] = fmt.Sprintf("%s (%s, %d bytes, sha256 %s)", a.Filename, a.ContentType, a.Size, a.SHA256)
	}
	evs := make([]string, len(r.Events))
	for i, e := range r.Events {
		evs[i] = fmt.Sprintf("%s %s %s", e.At, e.Actor, e.Action)
	}
	notes := make([]string, len(r.Notes))
	for i, n := range r.Notes {
		notes[i] = n.cell()
	}
	return []string{r.Ref, r.Status, deref(r.Outcome), r.Kind, strconv.FormatBool(r.KindConfirmed), r.StakeholderType,
		strconv.FormatBool(r.StakeholderTypeConfirmed), strings.Join(r.ActionLines, " "), strings.Join(sdgs, " "),
		r.Language, r.FromName, r.FromEmail, r.Organisation, r.Subject, r.ReceivedAt, r.DeadlineName, deref(r.Deadline),
		strconv.FormatBool(r.Late), r.Assignee, r.AckStatus, deref(r.AckSentAt), r.AckSuppressedReason,
		strconv.Itoa(r.MessageCount), strings.Join(atts, "; "), strings.Join(evs, "; "), strings.Join(notes, "\n"), r.Mailbox}
}

// cell is a note on one line of a cell: when, who, the text, and whether it was edited
// or deleted.
func (n Note) cell() string {
	s := n.At + " " + n.Author
	switch {
	case n.Deleted != nil:
		s += " (deleted " + *n.Deleted + ")"
	case n.EditedAt != nil:
		s += " (edited " + *n.EditedAt + ")"
	}
	return s + ": " + strings.Join(strings.Fields(n.Text), " ")
}

// formulaStart are the characters that make a spreadsheet read a cell as a formula.
const formulaStart = "=+-@"

// csvSafe keeps a spreadsheet from reading text a sender wrote as a formula, whatever
// delimiter it splits cells on (",", ";" in French, German, Spanish and Russian
// locales, a tab): an apostrophe goes before a formula character that begins the
// field, and before one that follows a delimiter or a line break (and any spaces or
// quotes), where a spreadsheet splitting on that character starts a new cell. A field
// beginning with a tab or a carriage return gets one too. Excel and LibreOffice show
// such a cell as text.
func csvSafe(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 1)
	if s[0] == '\t' || s[0] == '\r' {
		b.WriteByte('\'')
	}
	cellStart := true
	for _, r := range s {
		if cellStart {
			switch {
			case r == ' ' || r == '"':
			case strings.ContainsRune(formulaStart, r):
				b.WriteByte('\'')
				cellStart = false
			default:
				cellStart = false
			}
		}
		if strings.ContainsRune(",;\t\r\n", r) {
			cellStart = true
		}
		b.WriteRune(r)
	}
	return b.String()
}

// csvField is a CSV field, always quoted, quotes doubled.
func csvField(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// utf8BOM opens the CSV file: without it Excel reads UTF-8 as the local code page and
// garbles Arabic, Chinese and Russian.
const utf8BOM = "\uFEFF"

// writeCSV writes the table as Excel opens it right in any locale: UTF-8 with a
// byte-order mark, comma-separated, every field quoted (whatever delimiter the locale
// splits on outside quotes), lines ended by CRLF (RFC 4180).
func writeCSV(w io.Writer, recs []Record) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(utf8BOM)
	line := func(fields []string) {
		for i, f := range fields {
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString(csvField(csvSafe(f)))
		}
		bw.WriteString("\r\n")
	}
	line(tableHeader)
	for _, r := range recs {
		line(tableRow(r))
	}
	return bw.Flush()
}

// writeXLSX writes four sheets: Contributions, Attachments, Events and Notes. Every cell is a
// string cell, so no text a sender wrote is ever taken for a formula.
func writeXLSX(w io.Writer, recs []Record) error {
	f := excelize.NewFile()
	defer f.Close()
	const main = "Contributions"
	if err := f.SetSheetName("Sheet1", main); err != nil {
		return err
	}
	for _, s := range []string{"Attachments", "Events", "Notes"} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	put := func(sheet string, row int, values []string) error {
		for col, v := range values {
			cell, err := excelize.CoordinatesToCellName(col+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
		return nil
	}
	if err := put(main, 1, tableHeader); err != nil {
		return err
	}
	if err := put("Attachments", 1, []string{"ref", "filename", "content_type", "size", "sha256"}); err != nil {
		return err
	}
	if err := put("Events", 1, []string{"ref", "at", "actor", "action"}); err != nil {
		return err
	}
	if err := put("Notes", 1, []string{"ref", "at", "author", "text", "edited_at", "deleted_at"}); err != nil {
		return err
	}
	ar, er, nr := 2, 2, 2
	for i, r := range recs {
		if err := put(main, i+2, tableRow(r)); err != nil {
			return err
		}
		for _, a := range r.Attachments {
			if err := put("Attachments", ar, []string{r.Ref, a.Filename, a.ContentType, strconv.FormatInt(a.Size, 10), a.SHA256}); err != nil {
				return err
			}
			ar++
		}
		for _, e := range r.Events {
			if err := put("Events", er, []string{r.Ref, e.At, e.Actor, e.Action}); err != nil {
				return err
			}
			er++
		}
		for _, n := range r.Notes {
			if err := put("Notes", nr, []string{r.Ref, n.At, n.Author, n.Text, deref(n.EditedAt), deref(n.Deleted)}); err != nil {
				return err
			}
			nr++
		}
	}
	for _, s := range []string{main, "Attachments", "Events", "Notes"} {
		if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return f.Write(w)
}
