package slacktest

import (
	"encoding/json"
	"regexp"
	"strings"
)

// RenderText turns Block Kit blocks (JSON) into readable plain text, as Slack would show
// them: mentions as @U…, links as "label (url)", entities decoded. The demo prints what
// the Slack stand-in receives with it. fallback is used when there are no blocks.
func RenderText(blocks []byte, fallback string) string {
	var bs []map[string]any
	if len(blocks) == 0 || json.Unmarshal(blocks, &bs) != nil || len(bs) == 0 {
		return DisplayMrkdwn(fallback)
	}
	var out []string
	for _, b := range bs {
		switch b["type"] {
		case "header":
			t := textOf(b["text"])
			out = append(out, t, strings.Repeat("=", min(len([]rune(t)), 60)))
		case "section":
			if t := textOf(b["text"]); t != "" {
				out = append(out, t)
			}
			if fs, ok := b["fields"].([]any); ok {
				for _, f := range fs {
					out = append(out, "  "+strings.Replace(textOf(f), "\n", ": ", 1))
				}
			}
			if acc, ok := b["accessory"].(map[string]any); ok {
				out = append(out, "  "+elementText(acc))
			}
		case "context":
			if els, ok := b["elements"].([]any); ok {
				for _, el := range els {
					for _, l := range strings.Split(textOf(el), "\n") {
						out = append(out, "  · "+l)
					}
				}
			}
		case "divider":
			out = append(out, "----")
		case "actions":
			var parts []string
			if els, ok := b["elements"].([]any); ok {
				for _, el := range els {
					if m, ok := el.(map[string]any); ok {
						parts = append(parts, elementText(m))
					}
				}
			}
			out = append(out, strings.Join(parts, " "))
		case "input":
			label := textOf(b["label"])
			el, _ := b["element"].(map[string]any)
			out = append(out, label+": "+elementText(el))
		default:
			if t := textOf(b["text"]); t != "" {
				out = append(out, t)
			}
		}
	}
	return strings.Join(out, "\n")
}

// textOf is the displayed text of a text object.
func textOf(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	t, _ := m["text"].(string)
	if m["type"] == "mrkdwn" {
		return DisplayMrkdwn(t)
	}
	return t
}

func elementText(m map[string]any) string {
	if m == nil {
		return ""
	}
	switch m["type"] {
	case "button":
		return "[" + textOf(m["text"]) + "]"
	case "users_select":
		if u, ok := m["initial_user"].(string); ok && u != "" {
			return "[" + textOf(m["placeholder"]) + " @" + u + " ▾]"
		}
		return "[" + textOf(m["placeholder"]) + " ▾]"
	case "static_select", "multi_static_select", "overflow":
		return "[" + textOf(m["placeholder"]) + " ▾]"
	case "plain_text_input":
		v, _ := m["initial_value"].(string)
		return "[" + v + "]"
	}
	return "[" + textOf(m["text"]) + textOf(m["placeholder"]) + "]"
}

var slackToken = regexp.MustCompile(`<([^<>]*)>`)

// DisplayMrkdwn shows mrkdwn as plain text: <@U1> → @U1, <#C1> → #C1, <url|label> →
// label (url), <!here> → @here, and &lt; &gt; &amp; decoded last (escaped text stays text).
func DisplayMrkdwn(s string) string {
	s = slackToken.ReplaceAllStringFunc(s, func(tok string) string {
		in := tok[1 : len(tok)-1]
		target, label, hasLabel := strings.Cut(in, "|")
		switch {
		case strings.HasPrefix(target, "@"):
			return target
		case strings.HasPrefix(target, "#"):
			return target
		case strings.HasPrefix(target, "!subteam^"):
			return "@" + strings.TrimPrefix(target, "!subteam^")
		case strings.HasPrefix(target, "!"):
			if hasLabel {
				return label
			}
			return "@" + strings.TrimPrefix(target, "!")
		case hasLabel:
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
