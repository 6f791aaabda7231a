package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wsis/wsisbot/mailin/parse"
)

const inspectHelp = `Usage: wsisbot inspect [--our ADDR,...] FILE.eml...

Parse, sort and suggest for each message file, without a database, a mailbox or
Slack: one JSON object per file and line (file, message_id, from, subject, language,
attachments, warnings, sort and sort_reason, and the suggestion with its reasons).
Reads no configuration.

Flags:
  --our ADDR,...   the desk's own addresses, so that mail from them sorts as ours
`

// inspection is what inspect prints for one file.
type inspection struct {
	File        string           `json:"file"`
	Error       string           `json:"error,omitempty"`
	MessageID   string           `json:"message_id,omitempty"`
	From        parse.Address    `json:"from"`
	Subject     string           `json:"subject"`
	Language    string           `json:"language,omitempty"`
	Attachments []string         `json:"attachments,omitempty"`
	Warnings    []string         `json:"warnings,omitempty"`
	Sort        string           `json:"sort"`
	SortReason  string           `json:"sort_reason"`
	Suggestion  parse.Suggestion `json:"suggestion"`
}

// cmdInspect parses, sorts and suggests for each file named in args, and writes one
// JSON line per file. A file that cannot be read or parsed gets a line with its
// error; the command then fails once every file is done.
func cmdInspect(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	our := fs.String("our", "", "the desk's own addresses, comma-separated")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("inspect: %w", err)
	}
	if fs.NArg() == 0 {
		return errors.New("inspect: no file given")
	}
	var ours []string
	for _, a := range strings.Split(*our, ",") {
		if a = strings.TrimSpace(a); a != "" {
			ours = append(ours, a)
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range fs.Args() {
		in := inspectFile(name, ours)
		if in.Error != "" {
			failed++
		}
		if err := enc.Encode(in); err != nil {
			return fmt.Errorf("inspect: write: %w", err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("inspect: %d of %d files could not be read", failed, fs.NArg())
	}
	return nil
}

func inspectFile(name string, ours []string) inspection {
	in := inspection{File: name}
	raw, err := os.ReadFile(name)
	if err != nil {
		in.Error = err.Error()
		return in
	}
	p, err := parse.Parse(raw, parse.DefaultLimits())
	if err != nil {
		in.Error = "parse: " + err.Error()
		return in
	}
	kind, reason := parse.Sort(p, ours)
	in.MessageID, in.From, in.Subject, in.Warnings = p.MessageID, p.From, p.Subject, p.Warnings
	for _, a := range p.Attachments {
		in.Attachments = append(in.Attachments, a.Filename)
	}
	in.Sort, in.SortReason = string(kind), reason
	in.Suggestion = parse.Suggest(p)
	in.Language = in.Suggestion.Language
	return in
}
