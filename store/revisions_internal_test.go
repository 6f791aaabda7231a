package store

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"
	"unicode"
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

// titleOf's answers for subjects and file names in the six languages: revision words,
// reply and forward prefixes, date stamps, extensions, case and spacing.
func TestTitleOf(t *testing.T) {
	for _, tt := range []struct {
		s       string
		file    bool
		core    string
		revises bool
	}{
		{"RE: Revised contribution on C7 (2019-01-20)", false, "contribution on c7 2019 01 20", true},
		{"notes.final", true, "notes", true},
		{"Our input", false, "our input", false},
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

// BenchmarkRevisionOf compares a backlog's new contributions with the earlier ones of
// their senders and organisations, batch after batch, as decide does: each batch reads
// the earlier contributions anew, and each message's subject is new.
func BenchmarkRevisionOf(b *testing.B) {
	works := []string{
		"Contribution to the WSIS Forum 2019: proposal for a thematic workshop",
		"Contribution au Forum du SMSI 2019 : proposition d'atelier thématique",
		"Contribución al Foro de la CMSI 2019: propuesta de taller temático",
		"Вклад в Форум ВВУИО 2019: предложение тематического семинара",
		"对2019年信息社会世界峰会论坛的贡献：专题研讨会提案",
		"مساهمة في منتدى القمة العالمية لمجتمع المعلومات 2019: اقتراح ورشة عمل مواضيعية",
		"RE: National ICT strategy",
		"Updated country report on e-government services",
		"Questions about accreditation",
	}
	message := func(i int) Inbound {
		m := Inbound{Subject: fmt.Sprintf("%s (%d)", works[i%len(works)], i)}
		if i%3 == 0 {
			m.Attachments = []InboundAttachment{{Filename: fmt.Sprintf("WSIS2019-report-%d.pdf", i), SHA256: fmt.Sprint("sha", i)}}
		}
		return m
	}
	const batch, perSender, orgs = 250, 40, 6
	b.ReportAllocs()
	for i := 0; i < b.N; i += batch {
		// The earlier contributions of the batch's senders and organisations, read anew.
		var senders, org [][]priorContribution
		for s := range batch / 10 {
			var ps []priorContribution
			for k := range perSender {
				m := message(s*perSender + k + i)
				ps = append(ps, priorContribution{ID: int64(k), Subject: normSubject(m.Subject), Names: []string{fmt.Sprintf("report-%d-%d.docx", s, k)}})
			}
			senders = append(senders, ps)
		}
		for o := range orgs {
			org = append(org, senders[o][:20:20])
		}
		for j := range min(batch, b.N-i) {
			m := message(i + j)
			revisionOf(&m, senders[j%len(senders)], org[j%orgs])
		}
	}
}

// titleOfByRegexps is titleOf as it was before its cheap tests: both regexps on every
// string, then the words. titleOf must give the same answers.
func titleOfByRegexps(s string, file bool) (string, bool) {
	orig := s
	if file {
		s = strings.TrimSuffix(s, path.Ext(s))
	}
	s = subjectPrefixes.ReplaceAllString(s, "")
	cut := revisionWords.ReplaceAllString(s, " ")
	revises := cut != s || (file && revisionWords.MatchString(path.Ext(orig)))
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return unicode.ToLower(r)
		}
		return ' '
	}, cut)
	fields := slices.DeleteFunc(strings.Fields(s), func(w string) bool {
		return len(w) >= 6 && strings.Trim(w, "0123456789") == ""
	})
	return strings.Join(fields, " "), revises
}

// titleOf skips its regexps only where they find nothing: random subjects and file names
// made of the regexps' words, in every case the regexps take as the same (the Kelvin
// sign for K, ſ for s, the Cyrillic letters' old forms), give what the regexps give.
func TestTitleOfMatchesRegexps(t *testing.T) {
	pieces := []string{
		"re", "fw", "fwd", "tr", "rv", "ri", "aw", "sv", "vs", "wg", "ответ", "отв", "пересл", "رد", "إعادة توجيه", "回复", "答复", "转发",
		":", "：", "[2]", "[", "]", " ", "  ", "\t", "\n", "\u00a0", "\u3000",
		"revised", "revision", "rev", "rev.", "rev 3", "updated", "update", "corrected", "amended", "new version", "final",
		"v", "v.", "v 2", "version", "version 4", "révisée", "revisées", "mise à jour", "actualisé", "corrigées", "modifiés",
		"nouvelle version", "revisados", "actualizada", "corregido", "nueva versión", "nueva version",
		"исправленная", "обновленный", "пересмотренное", "новая версия", "версия",
		"المعدلة", "المحدث", "المنقح", "معدل", "محدث", "منقح", "ال", "修订", "修订版", "修改稿", "更新", "更新版", "最新版", "定稿", "版",
		"K", "ſ", "İ", "ı", "ǅ", "ᲀ", "ẞ", "Ω", "é", "e\u0301", "\xff", "٣", "²",
		"20190120", "2019", "01", "123456", "9", "v9", "5", "-", "_", ".", ",", "(", ")", "/",
		".pdf", ".final", ".v2", ".docx", ".rev", "report", "contribution", "WSIS", "proposal", "vision", "provision", "universidad",
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	// recase gives each letter a random one of the forms case folding makes equal to it.
	recase := func(s string) string {
		return strings.Map(func(r rune) rune {
			for range rnd.IntN(4) {
				r = unicode.SimpleFold(r)
			}
			return r
		}, s)
	}
	for range 40000 {
		var b strings.Builder
		for range 1 + rnd.IntN(7) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
			if rnd.IntN(3) == 0 {
				b.WriteString(" ")
			}
		}
		s := b.String()
		if rnd.IntN(2) == 0 {
			s = recase(s)
		}
		for _, file := range []bool{false, true} {
			core, revises := titleOf(s, file)
			wcore, wrevises := titleOfByRegexps(s, file)
			if core != wcore || revises != wrevises {
				t.Fatalf("titleOf(%q, %v) = %q, %v; the regexps give %q, %v", s, file, core, revises, wcore, wrevises)
			}
		}
	}
}
