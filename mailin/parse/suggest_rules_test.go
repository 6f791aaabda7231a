package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestSuggestGeneralRules pins the general rules behind the suggestions, on messages
// written for the test (none of them is in the evaluation set).
func TestSuggestGeneralRules(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	for _, tc := range []struct {
		name        string
		p           *Parsed
		kind        store.ContributionKind
		stakeholder string
		org         string
	}{
		{"a salutation to the organisers asks to hold nothing", &Parsed{From: Address{Email: "r@example.net"}, Subject: "Ideas for the Forum week",
			Text: "Dear organisers,\n\nWe would suggest fewer panels and shorter sessions, with more time for questions from remote participants.\n\nRuth"},
			store.KindFormat, "", ""},
		{"comments are a submission", &Parsed{From: Address{Email: "r@example.net"}, Subject: "Our comments",
			Text: "Attached are our comments on the priorities.", Attachments: pdf}, store.KindThematic, "", ""},
		{"proposing someone with a biography is a nomination", &Parsed{From: Address{Email: "r@example.fr"}, Subject: "Proposition",
			Text: "Nous proposons Mme Awa Diop pour animer la session de haut niveau sur l'inclusion numérique. Sa biographie est jointe."},
			store.KindHLTFNomination, "", ""},
		{"thanks are no contribution", &Parsed{From: Address{Email: "r@example.fr"}, Subject: "Merci",
			Text: "Merci pour l'organisation du Forum, nous avons beaucoup apprécié les sessions interactives de cette année."},
			store.KindOther, "", ""},
		{"to hold a round table", &Parsed{From: Address{Email: "r@example.fr"}, Subject: "Santé numérique",
			Text: "Notre agence souhaiterait tenir une table ronde sur la santé numérique pendant le Forum."},
			store.KindWorkshopRequest, "", ""},
		{"a company known in the field", &Parsed{From: Address{Email: "maria.lopez@telefonica.es"}, Subject: "Aportes",
			Text: "Adjuntamos nuestros aportes.\n\nMaría López"}, "", store.StakeholderPrivateSector, ""},
		{"an organisation a sentence opens with", &Parsed{From: Address{Email: "contacto@rosario-unr.ar"}, Subject: "Aportes",
			Text: "La Universidad Nacional de Rosario desea presentar sus aportes sobre conectividad rural en la Argentina.\n\nLaura Gómez"},
			"", store.StakeholderAcademia, "La Universidad Nacional de Rosario"},
		{"the last signature line in another script", &Parsed{From: Address{Name: "Tarek Salem", Email: "tarek.salem@vodafone.com.eg"}, Subject: "مساهمة",
			Text: "نرى أن يركز المنتدى على الشمول الرقمي في الريف.\n\nطارق سالم\nفودافون مصر"}, "", store.StakeholderPrivateSector, "فودافون مصر"},
		{"a person's initial is no organisation", &Parsed{From: Address{Email: "k@example-institute.ng"}, Subject: "Input",
			Text: "We submit these remarks on capacity building.\n\nRegards\nK. Adeyemi"}, "", "", "Example Institute"},
		{"initials beside a long name", &Parsed{From: Address{Email: "prensa@ift.org.mx"}, Subject: "Aportes",
			Text: "Adjuntamos nuestros aportes.\n\nInstituto Federal de Telecomunicaciones"}, "", "", "Instituto Federal de Telecomunicaciones (IFT)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Suggest(tc.p)
			if tc.kind != "" && s.Kind != tc.kind {
				t.Errorf("Kind = %q, want %q (reasons %q)", s.Kind, tc.kind, s.Reasons)
			}
			if tc.stakeholder != "" && s.StakeholderType != tc.stakeholder {
				t.Errorf("StakeholderType = %q, want %q (reasons %q)", s.StakeholderType, tc.stakeholder, s.Reasons)
			}
			if tc.org != "" && s.Organisation != tc.org {
				t.Errorf("Organisation = %q, want %q (reasons %q)", s.Organisation, tc.org, s.Reasons)
			}
		})
	}
}
