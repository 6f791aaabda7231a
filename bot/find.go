package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// /wsis find: words, a phrase, a reference number or an address, with filters, in pages
// with Previous and Next buttons.

const (
	// findPerPage is how many contributions a page of /wsis find lists.
	findPerPage = 15
	// findBlockID is the block of the Previous and Next buttons; each button's value is
	// a findPage.
	findBlockID = "find"
	actFindPage = "find_page"
)

const findHelp = "What should I look for? `/wsis find &lt;words, reference or email&gt; [filters] [page:N]`\n" +
	"Filters: `kind:thematic` (format, hltf_nomination, photo_contest, workshop_request, inquiry, other), " +
	"`status:open` (received, taken, classified, closed; several with commas), " +
	"`type:government` (private_sector, civil_society, academia_technical, international_organization, other), " +
	"`late` or `late:no`, `assignee:@U…` (a member's mention or Slack ID), `mine`, `--history` (mail stored as history) or `--history:no`."

// findPage is the value of a Previous or Next button: the command's text without its
// page, and the page to show.
type findPage struct {
	Query string `json:"q"`
	Page  int    `json:"p"`
}

// findRequest is /wsis find's text read: the search, the page, and the filters as the
// answer names them.
type findRequest struct {
	search  store.Search
	page    int
	query   string   // the text without the page, for the buttons
	filters []string // the filters, as the answer's heading names them (mrkdwn)
}

// parseFind reads /wsis find's text; user is who asked (for `mine`). It returns a
// message for the user when the text cannot be read.
func parseFind(text, user string) (findRequest, string) {
	r := findRequest{page: 1}
	var words, kept []string
	yes, no := true, false
	for _, tok := range strings.Fields(text) {
		key, val, hasVal := strings.Cut(tok, ":")
		key = strings.ToLower(strings.TrimLeft(key, "-"))
		lval := strings.ToLower(val)
		switch {
		case key == "page" && hasVal:
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return r, "`page:` takes a page number from 1."
			}
			r.page = n
			continue
		case key == "history" && !hasVal, key == "history" && isYes(lval):
			r.search.History = &yes
			r.filters = append(r.filters, "stored as history")
		case key == "history" && isNo(lval):
			r.search.History = &no
			r.filters = append(r.filters, "not history")
		case (key == "late" && !hasVal) || (key == "late" && isYes(lval)):
			r.search.Late = &yes
			r.filters = append(r.filters, "late")
		case key == "late" && isNo(lval), key == "in-time" && !hasVal:
			r.search.Late = &no
			r.filters = append(r.filters, "in time")
		case key == "mine" && !hasVal:
			r.search.Assignee = user
			r.filters = append(r.filters, "assigned to you")
		case key == "kind" && hasVal:
			k, ok := findKind(lval)
			if !ok {
				return r, "I do not know the kind `" + escapeMrkdwn(val) + "`.\n" + findHelp
			}
			r.search.Kind = k
			r.filters = append(r.filters, "kind: "+escapeMrkdwn(kindLabel(k)))
		case (key == "type" || key == "stakeholder" || key == "stakeholder_type") && hasVal:
			st, ok := findStakeholderType(lval)
			if !ok {
				return r, "I do not know the stakeholder type `" + escapeMrkdwn(val) + "`.\n" + findHelp
			}
			r.search.StakeholderType = st
			r.filters = append(r.filters, "stakeholder type: "+escapeMrkdwn(stakeholderLabel(st)))
		case key == "status" && hasVal:
			for _, v := range strings.Split(lval, ",") {
				switch v {
				case "open":
					r.search.Open = true
				case "received", "classified", "closed":
					r.search.Statuses = append(r.search.Statuses, store.Status(v))
				case "taken", "acknowledged":
					r.search.Statuses = append(r.search.Statuses, store.StatusTaken)
				default:
					return r, "I do not know the status `" + escapeMrkdwn(v) + "`.\n" + findHelp
				}
			}
			r.filters = append(r.filters, "status: "+escapeMrkdwn(lval))
		case key == "assignee" && hasVal:
			id := slackUserID(val)
			if id == "" {
				return r, "Name the assignee with a mention or a Slack member ID (`assignee:U0123ABCD`), or say `mine`."
			}
			r.search.Assignee = id
			r.filters = append(r.filters, "assigned to "+userMention(id))
		default:
			words = append(words, tok)
			kept = append(kept, tok)
			continue
		}
		kept = append(kept, tok)
	}
	r.search.Text = strings.Join(words, " ")
	r.query = strings.Join(kept, " ")
	r.search.Limit = findPerPage
	r.search.Offset = (r.page - 1) * findPerPage
	return r, ""
}

func isYes(v string) bool { return v == "yes" || v == "true" || v == "on" }
func isNo(v string) bool  { return v == "no" || v == "false" || v == "off" }

// slackUserID reads a member named as <@U123|name>, <@U123>, @U123 or U123.
func slackUserID(v string) string {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	v = strings.TrimPrefix(v, "@")
	v, _, _ = strings.Cut(v, "|")
	if store.IsSlackUserID(v) {
		return v
	}
	return ""
}

// findKind reads a kind: its code, or the first word of its label.
func findKind(v string) (store.ContributionKind, bool) {
	for _, k := range store.Kinds {
		if string(k) == v || strings.HasPrefix(strings.ToLower(kindLabel(k)), v) && len(v) >= 4 {
			return k, true
		}
	}
	return "", false
}

// findStakeholderType reads a stakeholder type: its code, or the start of its label.
func findStakeholderType(v string) (string, bool) {
	for _, st := range store.StakeholderTypes {
		if st == v || strings.HasPrefix(strings.ToLower(stakeholderLabel(st)), strings.ReplaceAll(v, "_", " ")) && len(v) >= 4 {
			return st, true
		}
	}
	return "", false
}

// findCommand answers /wsis find.
func (b *Bot) findCommand(ctx context.Context, text, user string) (string, []slack.Block, error) {
	r, problem := parseFind(text, user)
	if problem != "" {
		return problem, nil, nil
	}
	if r.search.Text == "" && len(r.filters) == 0 {
		return findHelp, nil, nil
	}
	return b.findAnswer(ctx, r)
}

// findAnswer runs a search and shows its page.
func (b *Bot) findAnswer(ctx context.Context, r findRequest) (string, []slack.Block, error) {
	res, err := b.st.Find(ctx, r.search)
	if err != nil {
		return "", nil, err
	}
	var what string
	switch {
	case r.search.Text != "":
		what = "Contributions matching “" + cut(escapeMrkdwn(r.search.Text), 100) + "”"
	case r.search.History != nil && *r.search.History && len(r.filters) == 1:
		what = "Contributions stored as history (already old when first read; no cards)"
	default:
		what = "Contributions"
	}
	if len(r.filters) > 0 {
		what += " (" + strings.Join(r.filters, " · ") + ")"
	}
	if res.Total == 0 {
		onlyHistory := r.search.History != nil && *r.search.History && len(r.filters) == 1
		quoted := "“" + cut(escapeMrkdwn(r.search.Text), 100) + "”"
		var text string
		switch {
		case onlyHistory && r.search.Text == "":
			text = "No contribution is stored as history."
		case onlyHistory:
			text = "No contribution stored as history matches " + quoted + "."
		case len(r.filters) == 0:
			text = "Nothing matches " + quoted + "."
		default:
			text = "Nothing matches: " + what + "."
		}
		return text, textBlocks(text), nil
	}
	pages := (res.Total + findPerPage - 1) / findPerPage
	if len(res.Contributions) == 0 {
		text := fmt.Sprintf("%s: there are %s, on %s; page %d is past the last.", what, plural(res.Total, "contribution"), plural(pages, "page"), r.page)
		return text, textBlocks(text), nil
	}
	first := r.search.Offset + 1
	last := r.search.Offset + len(res.Contributions)
	var s strings.Builder
	fmt.Fprintf(&s, "*%s:* %d–%d of %d, newest first\n", what, first, last, res.Total)
	now := b.clock.Now()
	for _, c := range res.Contributions {
		line := b.contributionLine(c, now)
		if c.History {
			line += " · 🗄️ history, received " + b.genevaDate(c.ReceivedAt)
		}
		s.WriteString(line + "\n")
	}
	text := s.String()
	blocks := textBlocks(text)
	var buttons []slack.BlockElement
	query := cut(r.query, 1500)
	if r.page > 1 {
		buttons = append(buttons, findButton("◀ Previous", query, r.page-1))
	}
	if last < res.Total {
		buttons = append(buttons, findButton(fmt.Sprintf("Next ▶ (page %d of %d)", r.page+1, pages), query, r.page+1))
	}
	if len(buttons) > 0 {
		blocks = append(blocks, slack.NewActionBlock(findBlockID, buttons...))
	}
	return text, blocks, nil
}

func findButton(label, query string, page int) *slack.ButtonBlockElement {
	v, _ := json.Marshal(findPage{Query: query, Page: page}) // strings and an int: cannot fail
	// Each button needs its own action ID within the block.
	return slack.NewButtonBlockElement(actFindPage+"_"+strconv.Itoa(page), string(v), plain(label, maxButtonText))
}

// onFindPage shows another page of a search in place of the one clicked.
func (b *Bot) onFindPage(ctx context.Context, ic slack.InteractionCallback, a *slack.BlockAction, reply replier) {
	var p findPage
	if err := json.Unmarshal([]byte(a.Value), &p); err != nil || p.Page < 1 {
		b.log.Warn("unreadable find page button", "value", cut(a.Value, 200))
		return
	}
	q := p.Query
	if p.Page > 1 {
		q += " page:" + strconv.Itoa(p.Page)
	}
	r, problem := parseFind(q, ic.User.ID)
	text, blocks := problem, textBlocks(problem)
	if problem == "" {
		var err error
		if text, blocks, err = b.findAnswer(ctx, r); err != nil {
			b.log.Error("find failed", "user", ic.User.ID, slog.Any("error", err))
			reply(ctx, "Something went wrong: "+escapeMrkdwn(err.Error()))
			return
		}
	}
	if ic.ResponseURL == "" || !responseURLAllowed(b.cfg.APIURL, ic.ResponseURL) {
		reply(ctx, text)
		return
	}
	err := slack.PostWebhookCustomHTTPContext(ctx, ic.ResponseURL, b.httpClient, &slack.WebhookMessage{
		ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: true, Text: cut(firstLine(text), 300),
		Blocks: &slack.Blocks{BlockSet: blocks}})
	if err != nil {
		b.log.Warn("could not show the next page of a search", "user", ic.User.ID, slog.Any("error", err))
	}
}
