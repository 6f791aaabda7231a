package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/templates"
)

// answerSubjects are contributions' subjects in each language.
var answerSubjects = map[string]string{
	"en": "Community networks in rural areas", "fr": "Réseaux communautaires en zone rurale",
	"es": "Redes comunitarias en zonas rurales", "ru": "Сети сообществ в сельской местности",
	"ar": "الشبكات المجتمعية في المناطق الريفية", "zh": "农村地区的社区网络",
}

// TestEveryStandardAnswerFromTheDesk: each standard answer, about a contribution in each
// of the six languages, chosen in the Reply modal through the Slack stand-in, fills the
// text with the template in the contribution's language; sent, it goes through the SMTP
// server and, parsed back, carries the reference and subject, the language and the text.
func TestEveryStandardAnswerFromTheDesk(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	srv := d.runMailer()
	tpl, err := templates.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	updates := 0
	for _, lang := range templates.Languages {
		for i, code := range templates.Answers {
			addr := fmt.Sprintf("%s.%d@gov.example", lang, i)
			m := d.email(addr, answerSubjects[lang], "Our contribution.")
			m.Language = lang
			c := d.waitCard(d.ingest(m)[0].ContributionID)

			trigger := "trigger-" + lang + "-" + code
			click := d.click("U1", c, button(actReply, c))
			click["trigger_id"] = trigger
			d.interact(click)
			d.waitView(trigger, viewReply)
			opened := d.slack.Calls("views.open")
			meta, _, chosen := modalView(t, opened[len(opened)-1].Param("view"))
			if chosen[actReplyLanguage] != lang {
				t.Fatalf("%s: the modal opens in %q", c.Ref, chosen[actReplyLanguage])
			}
			d.interact(d.choose("U1", trigger, meta, actReplyAnswer, code))
			updates++
			meta, inputs, _ := modalView(t, d.waitModalUpdate(updates))
			in := textInput(t, inputs)
			want, err := tpl.RenderAnswer(templates.Answer{Code: code, Ref: c.Ref, Language: lang, Subject: c.Subject,
				ReceivedAt: c.ReceivedAt, Location: geneva})
			if err != nil {
				t.Fatal(err)
			}
			if in.Initial != want {
				t.Fatalf("%s/%s: the modal's text:\n%s\nwant:\n%s", code, lang, in.Initial, want)
			}

			viewID, _, _ := d.slack.View(trigger)
			d.interact(replySubmission("U1", viewID, meta, map[string]map[string]any{
				in.BlockID:     {inText: typed(in.Initial)},
				blkReplyAnswer: {actReplyAnswer: selected(code), actReplyLanguage: selected(lang)},
				inTo:           {inTo: selected(addr)},
			}))
			sent := waitReplyMail(t, srv, c.Ref, addr)
			p, err := parse.Parse(sent.Raw, parse.DefaultLimits())
			if err != nil {
				t.Fatalf("%s/%s: %v", code, lang, err)
			}
			if ref, _ := parse.RefTag(p.Subject); ref != c.Ref || !strings.Contains(p.Subject, answerSubjects[lang]) {
				t.Errorf("%s/%s: subject %q", code, lang, p.Subject)
			}
			if sent.Language != lang || p.Language != lang {
				t.Errorf("%s/%s: sent in %q, read as %q", code, lang, sent.Language, p.Language)
			}
			for _, line := range strings.Split(want, "\n") {
				if line = strings.TrimSpace(line); line != "" && !strings.Contains(p.Text, line) {
					t.Errorf("%s/%s: the mail lacks the line %q:\n%s", code, lang, line, p.Text)
				}
			}
		}
	}
}
