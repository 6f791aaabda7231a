package slacktest

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Slack's Block Kit limits (docs.slack.dev/reference/block-kit), in characters. The
// stand-in refuses what breaks them, as Slack does: a message's blocks with
// invalid_blocks, a view with invalid_arguments, a message's text with msg_too_long. So
// every test through it checks that what the desk sends stays within them.
const (
	MaxMessageBlocks = 50    // blocks of a message (chat.postMessage, chat.update, chat.postEphemeral, a response URL)
	MaxViewBlocks    = 100   // blocks of a modal or a Home tab
	MaxMessageText   = 40000 // a message's top-level text
	maxText          = 3000  // a text object; a section's text
	maxField         = 2000  // a section field
	maxFields        = 10    // fields of a section
	maxHeader        = 150   // a header's text
	maxLabel         = 2000  // an input's label and hint
	maxButtonText    = 75    // a button's text
	maxButtonValue   = 2000  // a button's value
	maxURL           = 3000  // a button's URL
	maxOptionText    = 75    // an option's text and description
	maxOptionValue   = 150   // an option's value
	maxOptions       = 100   // options of a select
	maxPlaceholder   = 150   // an element's placeholder
	maxID            = 255   // block_id, action_id, callback_id, external_id
	maxActions       = 25    // elements of an actions block
	maxContext       = 10    // elements of a context block
	maxAltText       = 2000  // an image's alt text and title
	maxViewTitle     = 24    // a view's title, submit and close
	maxMetadata      = 3000  // a view's private_metadata
	maxInputValue    = 3000  // a plain_text_input's max_length and initial value
)

// BlocksProblem says what in a message's blocks (JSON) breaks Slack's limits, or ""
// when nothing does. No blocks is no problem.
func BlocksProblem(blocks []byte) string {
	if len(blocks) == 0 {
		return ""
	}
	var bs []map[string]any
	if err := json.Unmarshal(blocks, &bs); err != nil {
		return "blocks are not a JSON array of objects: " + err.Error()
	}
	return blocksProblem(bs, MaxMessageBlocks)
}

// ViewProblem says what in a view (JSON: a modal or a Home tab) breaks Slack's limits,
// or "" when nothing does.
func ViewProblem(view []byte) string {
	var v struct {
		Type            string           `json:"type"`
		Title           map[string]any   `json:"title"`
		Submit          map[string]any   `json:"submit"`
		Close           map[string]any   `json:"close"`
		PrivateMetadata string           `json:"private_metadata"`
		CallbackID      string           `json:"callback_id"`
		ExternalID      string           `json:"external_id"`
		Blocks          []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(view, &v); err != nil {
		return "the view is not a JSON object: " + err.Error()
	}
	if v.Type == "modal" && v.Title == nil {
		return "a modal without a title"
	}
	for what, t := range map[string]map[string]any{"title": v.Title, "submit": v.Submit, "close": v.Close} {
		if p := textProblem(what, t, maxViewTitle); p != "" {
			return p
		}
	}
	if p := tooLong("private_metadata", v.PrivateMetadata, maxMetadata); p != "" {
		return p
	}
	if p := tooLong("callback_id", v.CallbackID, maxID); p != "" {
		return p
	}
	if p := tooLong("external_id", v.ExternalID, maxID); p != "" {
		return p
	}
	return blocksProblem(v.Blocks, MaxViewBlocks)
}

// TextProblem says whether a message's top-level text is too long.
func TextProblem(text string) string { return tooLong("text", text, MaxMessageText) }

// payloadProblem checks what a call posts for Slack to show: a message's blocks and
// text (Slack's error then), or a view.
func payloadProblem(c Call) (slackErr, detail string) {
	switch c.Method {
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		if p := BlocksProblem([]byte(c.Param("blocks"))); p != "" {
			return "invalid_blocks", p
		}
		if p := TextProblem(c.Param("text")); p != "" {
			return "msg_too_long", p
		}
	case "views.open", "views.update", "views.publish":
		if p := ViewProblem([]byte(c.Param("view"))); p != "" {
			return "invalid_arguments", p
		}
	case "response_url":
		var msg struct {
			Text   string          `json:"text"`
			Blocks json.RawMessage `json:"blocks"`
		}
		if json.Unmarshal(c.Body, &msg) != nil {
			return "", ""
		}
		if p := BlocksProblem(msg.Blocks); p != "" {
			return "invalid_blocks", p
		}
		if p := TextProblem(msg.Text); p != "" {
			return "msg_too_long", p
		}
	}
	return "", ""
}

func blocksProblem(bs []map[string]any, most int) string {
	if len(bs) > most {
		return fmt.Sprintf("%d blocks, at most %d", len(bs), most)
	}
	for i, b := range bs {
		if p := blockProblem(b); p != "" {
			return fmt.Sprintf("block %d (%v): %s", i, b["type"], p)
		}
	}
	return ""
}

func blockProblem(b map[string]any) string {
	if p := tooLong("block_id", str(b["block_id"]), maxID); p != "" {
		return p
	}
	switch b["type"] {
	case "section":
		fields, _ := b["fields"].([]any)
		if b["text"] == nil && len(fields) == 0 {
			return "a section needs text or fields"
		}
		if b["text"] != nil {
			if p := textProblem("text", obj(b["text"]), maxText); p != "" {
				return p
			}
		}
		if len(fields) > maxFields {
			return fmt.Sprintf("%d fields, at most %d", len(fields), maxFields)
		}
		for _, f := range fields {
			if p := textProblem("field", obj(f), maxField); p != "" {
				return p
			}
		}
		if a, ok := b["accessory"].(map[string]any); ok {
			return elementProblem(a)
		}
	case "header":
		if b["text"] == nil {
			return "a header without text"
		}
		return textProblem("header", obj(b["text"]), maxHeader)
	case "context":
		es, _ := b["elements"].([]any)
		if len(es) == 0 || len(es) > maxContext {
			return fmt.Sprintf("%d context elements, 1 to %d", len(es), maxContext)
		}
		for _, e := range es {
			if m := obj(e); m["type"] == "image" {
				if p := tooLong("alt_text", str(m["alt_text"]), maxAltText); p != "" {
					return p
				}
			} else if p := textProblem("context text", m, maxText); p != "" {
				return p
			}
		}
	case "actions":
		es, _ := b["elements"].([]any)
		if len(es) == 0 || len(es) > maxActions {
			return fmt.Sprintf("%d action elements, 1 to %d", len(es), maxActions)
		}
		for _, e := range es {
			if p := elementProblem(obj(e)); p != "" {
				return p
			}
		}
	case "input":
		if p := textProblem("label", obj(b["label"]), maxLabel); p != "" {
			return p
		}
		if b["hint"] != nil {
			if p := textProblem("hint", obj(b["hint"]), maxLabel); p != "" {
				return p
			}
		}
		if b["element"] == nil {
			return "an input without an element"
		}
		return elementProblem(obj(b["element"]))
	case "image":
		if p := tooLong("alt_text", str(b["alt_text"]), maxAltText); p != "" {
			return p
		}
		if b["title"] != nil {
			return textProblem("title", obj(b["title"]), maxAltText)
		}
	}
	return ""
}

func elementProblem(e map[string]any) string {
	if p := tooLong("action_id", str(e["action_id"]), maxID); p != "" {
		return p
	}
	if e["placeholder"] != nil {
		if p := textProblem("placeholder", obj(e["placeholder"]), maxPlaceholder); p != "" {
			return p
		}
	}
	switch e["type"] {
	case "button":
		if p := textProblem("button text", obj(e["text"]), maxButtonText); p != "" {
			return p
		}
		if p := tooLong("button value", str(e["value"]), maxButtonValue); p != "" {
			return p
		}
		return tooLong("button url", str(e["url"]), maxURL)
	case "static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes":
		opts, _ := e["options"].([]any)
		groups, _ := e["option_groups"].([]any)
		for _, g := range groups {
			more, _ := obj(g)["options"].([]any)
			opts = append(opts, more...)
		}
		if len(opts) > maxOptions {
			return fmt.Sprintf("%d options, at most %d", len(opts), maxOptions)
		}
		if e["initial_option"] != nil {
			opts = append(opts, e["initial_option"])
		}
		if io, ok := e["initial_options"].([]any); ok {
			opts = append(opts, io...)
		}
		for _, o := range opts {
			if p := optionProblem(obj(o)); p != "" {
				return p
			}
		}
	case "plain_text_input":
		if n, ok := e["max_length"].(float64); ok && n > maxInputValue {
			return fmt.Sprintf("max_length %v, at most %d", n, maxInputValue)
		}
		most := maxInputValue
		if n, ok := e["max_length"].(float64); ok && n > 0 {
			most = int(n)
		}
		return tooLong("initial_value", str(e["initial_value"]), most)
	}
	return ""
}

func optionProblem(o map[string]any) string {
	if p := textProblem("option text", obj(o["text"]), maxOptionText); p != "" {
		return p
	}
	if o["description"] != nil {
		if p := textProblem("option description", obj(o["description"]), maxOptionText); p != "" {
			return p
		}
	}
	return tooLong("option value", str(o["value"]), maxOptionValue)
}

// textProblem checks a text object: present, not empty, at most most characters.
func textProblem(what string, t map[string]any, most int) string {
	if t == nil {
		return ""
	}
	s := str(t["text"])
	if s == "" {
		return what + " is empty"
	}
	return tooLong(what, s, most)
}

func tooLong(what, s string, most int) string {
	if n := utf8.RuneCountInString(s); n > most {
		return fmt.Sprintf("%s of %d characters, at most %d", what, n, most)
	}
	return ""
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
