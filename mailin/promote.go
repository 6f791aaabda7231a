package mailin

import (
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// PromotionFor is what the intake would have known of a stored message had it sorted it
// as a contribution, for store.PromoteMessage: the suggestions made from its text, and
// whether its sender's address (or Reply-To) is one that must never get automatic mail.
// A message that cannot be parsed gets no suggestions and counts as no-reply.
func PromotionFor(raw []byte, pol store.IngestPolicy) store.Promotion {
	out := store.Promotion{Policy: pol, NoReply: true}
	p, err := parse.Parse(raw, parse.Limits{})
	if err != nil || p == nil {
		return out
	}
	lang := p.Language
	fresh := p.FreshText()
	if lang == "" {
		lang = parse.DetectLanguage(fresh, p.Subject, p.Headers)
	}
	sg := safeSuggest(p, fresh, lang)
	out.Suggestion = store.Suggestion{Kind: store.ContributionKind(sg.Kind), StakeholderType: sg.StakeholderType,
		ActionLines: sg.ActionLines, Organisation: sg.Organisation, Reasons: sg.Reasons, Domain: learningDomain(p.From.Email)}
	out.NoReply = parse.IsNoReplyAddress(p.From.Email)
	for _, a := range p.ReplyTo {
		if a.Email != "" && parse.IsNoReplyAddress(a.Email) {
			out.NoReply = true
		}
	}
	return out
}
