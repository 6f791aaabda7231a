package store

import (
	"fmt"
	"testing"
)

func TestRevisionOfBySimilarity(t *testing.T) {
	prevs := []priorContribution{
		{ID: 1, Subject: normSubject("Contribution to the WSIS Forum 2019 open consultation"), Names: []string{"ISOC_Contribution_WSIS2019.pdf"}},
		{ID: 2, Subject: normSubject("Workshop request: community networks"), Names: []string{"workshop-form.docx"}},
	}
	for _, tt := range []struct {
		name    string
		subject string
		files   []string
		want    int64
	}{
		{"revised, in English", "Revised: Contribution to the WSIS Forum 2019 open consultation", nil, 1},
		{"révisée, in French", "Contribution révisée", nil, 2}, // says it revises: the sender's latest
		{"v2 in the file name", "Our input", []string{"ISOC_Contribution_WSIS2019_v2.pdf"}, 1},
		{"updated and reworded", "Updated workshop request - community networks", nil, 2},
		{"a reply prefix", "RE: Workshop request: community networks (corrected)", nil, 2},
		{"Chinese revision word", "修订稿", nil, 2},
		{"Arabic revision word", "المساهمة المعدلة", nil, 2},
		{"Russian revision word", "Исправленная версия предложения", nil, 2},
		{"unrelated", "Question about accreditation", []string{"passport.jpg"}, 0},
		{"a short shared word is not enough", "Contribution", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Inbound{Subject: tt.subject}
			for _, f := range tt.files {
				m.Attachments = append(m.Attachments, InboundAttachment{Filename: f, Data: []byte(f)})
			}
			got := revisionOf(m, prevs, nil)
			if (got == nil) != (tt.want == 0) || (got != nil && *got != tt.want) {
				t.Fatalf("revisionOf(%q, %v) = %v; want %d", tt.subject, tt.files, got, tt.want)
			}
		})
	}
}

// Another sender of the same organisation: the same work is recognised, a revision word
// alone is not enough.
func TestRevisionOfTheSameOrganisation(t *testing.T) {
	org := []priorContribution{{ID: 7, Subject: normSubject("National ICT strategy 2019-2023"), Names: []string{"ICT_Strategy.pdf"}}}
	if got := revisionOf(&Inbound{Subject: "National ICT strategy 2019-2023 (updated)"}, nil, org); got == nil || *got != 7 {
		t.Fatalf("similar title from a colleague: %v", got)
	}
	if got := revisionOf(&Inbound{Subject: "Our input", Attachments: []InboundAttachment{{Filename: "ICT_Strategy_v3.pdf", Data: []byte("x")}}}, nil, org); got == nil || *got != 7 {
		t.Fatalf("same file name from a colleague: %v", got)
	}
	if got := revisionOf(&Inbound{Subject: "Revised workshop proposal"}, nil, org); got != nil {
		t.Fatalf("a revision word alone linked a colleague's contribution: %v", *got)
	}
}

// A title's facts are the same read again from the memo, and the memo stays bounded.
func TestTitleMemo(t *testing.T) {
	for _, tt := range []struct {
		s       string
		file    bool
		core    string
		revises bool
	}{
		{"RE: Revised contribution on C7 (2019-01-20)", false, "contribution on c7 2019 01 20", true},
		{"Contribution_WSIS2019_v2.pdf", true, "contribution wsis2019", true},
		{"notes.final", true, "notes", true},
		{"Our input", false, "our input", false},
	} {
		for range 2 { // computed, then remembered
			core, revises := titleOf(tt.s, tt.file)
			if core != tt.core || revises != tt.revises {
				t.Fatalf("titleOf(%q) = %q, %v; want %q, %v", tt.s, core, revises, tt.core, tt.revises)
			}
		}
	}
	for i := range titleMemoSize + 10 {
		titleOf(fmt.Sprintf("Subject %d", i), false)
	}
	titleMemo.Lock()
	n := len(titleMemo.m)
	titleMemo.Unlock()
	if n > titleMemoSize {
		t.Fatalf("the memo holds %d titles, more than %d", n, titleMemoSize)
	}
}

// titleOf's answers for subjects and file names in the six languages: revision words,
// reply and forward prefixes, date stamps, extensions, case and spacing.
func TestTitleOf(t *testing.T) {
	for _, tt := range []struct {
		s       string
		file    bool
		core    string
		revises bool
	}{
		{"Revised: Contribution to the WSIS Forum 2019", false, "contribution to the wsis forum 2019", true},
		{"revision of our proposal", false, "of our proposal", true},
		{"Rev. 3 - Action Line C7 report", false, "action line c7 report", true},
		{"Rev.2 Action Line C7 report", false, "action line c7 report", true},
		{"rev 12: the report", false, "the report", true},
		{"Updated workshop request", false, "workshop request", true},
		{"Update on the workshop", false, "on the workshop", true},
		{"Corrected version of the form", false, "version of the form", true},
		{"Amended proposal", false, "proposal", true},
		{"New version: national strategy", false, "national strategy", true},
		{"FINAL national strategy", false, "national strategy", true},
		{"Finalised national strategy", false, "finalised national strategy", false},
		{"Strategy v2", false, "strategy", true},
		{"Strategy V.3", false, "strategy", true},
		{"Strategy v 4", false, "strategy", true},
		{"Strategy version 5", false, "strategy", true},
		{"Strategy version5", false, "strategy", true},
		{"Strategy vision 2030", false, "strategy vision 2030", false},
		{"Proposition révisée", false, "proposition", true},
		{"PROPOSITION RÉVISÉES", false, "proposition", true},
		{"Rapport revisé", false, "rapport", true},
		{"Contribution mise à jour", false, "contribution", true},
		{"Contribution MISE À JOUR", false, "contribution", true},
		{"Document actualisé", false, "document", true},
		{"Documents corrigées", false, "documents", true},
		{"Formulaire modifié", false, "formulaire", true},
		{"Nouvelle version du rapport", false, "du rapport", true},
		{"Documento revisado", false, "documento", true},
		{"Propuesta actualizada", false, "propuesta", true},
		{"Informe corregido", false, "informe", true},
		{"Nueva versión del informe", false, "del informe", true},
		{"nueva version del informe", false, "del informe", true},
		{"Исправленная версия предложения", false, "версия предложения", true},
		{"ОБНОВЛЕННЫЙ доклад", false, "доклад", true},
		{"Пересмотренное предложение", false, "предложение", true},
		{"Новая версия доклада", false, "доклада", true},
		{"المساهمة المعدلة", false, "المساهمة", true},
		{"التقرير المحدث", false, "التقرير", true},
		{"المقترح المنقح", false, "المقترح", true},
		{"تقرير معدل", false, "تقرير", true},
		{"修订稿", false, "", true},
		{"专题研讨会提案修订版", false, "专题研讨会提案", true},
		{"修改稿：提案", false, "提案", true},
		{"更新版提案", false, "提案", true},
		{"提案更新", false, "提案", true},
		{"最新版提案", false, "提案", true},
		{"定稿", false, "", true},
		{"Re: Workshop request", false, "workshop request", false},
		{"RE: RE: Fwd: Workshop request", false, "workshop request", false},
		{"Fw: Workshop request", false, "workshop request", false},
		{"TR: Proposition d'atelier", false, "proposition d atelier", false},
		{"AW: Beitrag", false, "beitrag", false},
		{"SV: Bidrag", false, "bidrag", false},
		{"VS: Bidrag", false, "bidrag", false},
		{"WG: Beitrag", false, "beitrag", false},
		{"RV: Propuesta", false, "propuesta", false},
		{"RI: Proposta", false, "proposta", false},
		{"Re[2]: Workshop request", false, "workshop request", false},
		{"Re [3] : Workshop request", false, "workshop request", false},
		{"Ответ: доклад", false, "доклад", false},
		{"Отв: доклад", false, "доклад", false},
		{"Пересл: доклад", false, "доклад", false},
		{"رد: المساهمة", false, "المساهمة", false},
		{"إعادة توجيه: المساهمة", false, "المساهمة", false},
		{"回复：提案", false, "提案", false},
		{"答复: 提案", false, "提案", false},
		{"转发：提案", false, "提案", false},
		{"  re :  Workshop", false, "workshop", false},
		{"Regarding: Workshop", false, "regarding workshop", false},
		{"Report: Workshop", false, "report workshop", false},
		{"Contribution (2019-01-20)", false, "contribution 2019 01 20", false},
		{"Contribution 20190120", false, "contribution", false},
		{"Contribution 2019", false, "contribution 2019", false},
		{"Contribution 123456 abc123456", false, "contribution abc123456", false},
		{"Contribution_WSIS2019_v2.pdf", true, "contribution wsis2019", true},
		{"report.final", true, "report", true},
		{"report.v2", true, "report", true},
		{"Report FINAL.docx", true, "report", true},
		{"Rapport révisé.PDF", true, "rapport", true},
		{"notes", true, "notes", false},
		{".pdf", true, "", false},
		{"archive.tar.gz", true, "archive tar", false},
		{"WSIS2019-en-12.pdf", true, "wsis2019 en 12", false},
		{"Re: report.pdf", true, "report", false},
		{"", false, "", false},
		{"   ", false, "", false},
		{"!!!", false, "", false},
		{"Contribution to the WSIS Forum 2019: proposal for a thematic workshop (12)", false, "contribution to the wsis forum 2019 proposal for a thematic workshop 12", false},
		{"contribution to the wsis forum 2019: proposal for a thematic workshop (12)", false, "contribution to the wsis forum 2019 proposal for a thematic workshop 12", false},
		{"Вклад в Форум ВВУИО 2019: предложение тематического семинара (3)", false, "вклад в форум ввуио 2019 предложение тематического семинара 3", false},
		{"مساهمة في منتدى القمة العالمية لمجتمع المعلومات 2019: اقتراح ورشة عمل مواضيعية (5)", false, "مساهمة في منتدى القمة العالمية لمجتمع المعلومات 2019 اقتراح ورشة عمل مواضيعية 5", false},
		{"对2019年信息社会世界峰会论坛的贡献：专题研讨会提案 (4)", false, "对2019年信息社会世界峰会论坛的贡献 专题研讨会提案 4", false},
		{"REVİSED proposal", false, "revised proposal", false},
		{"reviſed proposal", false, "proposal", true},
		{"Strategy ᴠ2", false, "strategy ᴠ2", false},
		{"new  version of it", false, "new version of it", false},
		{"new\u00a0version of it", false, "new version of it", false},
		{"prevision weather", false, "prevision weather", false},
		{"unrevised text", false, "unrevised text", false},
		{"v2v3 thing", false, "v2v3 thing", false},
		{"C7-v2_final", false, "c7 final", true},
		{"Wórkshop café Ωmega", false, "wo rkshop café ωmega", false},
		{"ǅemal ǈ ǋ", false, "ǆemal ǉ ǌ", false},
		{"\xffbroken", false, "broken", false},
	} {
		core, revises := titleOf(tt.s, tt.file)
		if core != tt.core || revises != tt.revises {
			t.Errorf("titleOf(%q, %v) = %q, %v; want %q, %v", tt.s, tt.file, core, revises, tt.core, tt.revises)
		}
		if c := coreTitle(tt.s, tt.file); c != tt.core {
			t.Errorf("coreTitle(%q, %v) = %q; want %q", tt.s, tt.file, c, tt.core)
		}
	}
}

func TestSimilarTitles(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"", "", false},
		{"abc", "abc", false}, // too short to tell
		{"абвг", "абвг", true},
		{"提案提案", "提案提案", true},
		{"提案", "提案", false},
		{"national strategy", "national strategy", true},
		{"national strategy", "national strategies", false},
		{"national ict strategy", "national ict strategy 2019", true}, // 3 of 4
		{"national ict strategy", "national ict strategy 2019 2023", false},
		{"a b c d e f g h i j", "a b c d e f g x y z", true}, // 7 of 10
		{"a b c d e f g h i j", "a b c d e f x y z w", false},
		{"one two three", "three two one", true},
		{"one one one", "one two three", true}, // each word of a found in b counts
		{"one two three", "one one one", false},
		{"workshop request", "workshop request community", false},
		{"contribution to the wsis forum 2019 proposal for a thematic workshop 12",
			"contribution to the wsis forum 2019 proposal for a thematic workshop 13", true},
	} {
		if got := similarTitles(tt.a, tt.b); got != tt.want {
			t.Errorf("similarTitles(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
