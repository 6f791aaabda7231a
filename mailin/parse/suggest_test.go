package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/wsis/wsisbot/store"
)

func TestSuggestKind(t *testing.T) {
	long := strings.Repeat("We describe our programme in detail. ", 30)
	for _, tc := range []struct {
		name, subject, text string
		attachments         int
		want                string
	}{
		{"thematic en", "Official submission on thematic aspects", long, 0, "thematic"},
		{"thematic fr", "Soumission sur les aspects thématiques du Forum", "Veuillez trouver notre contribution.", 1, "thematic"},
		{"thematic es", "Aporte sobre los aspectos temáticos", "Adjuntamos nuestro aporte.", 1, "thematic"},
		{"thematic ru", "Тематический вклад", "Направляем наш тематический вклад.", 0, "thematic"},
		{"thematic zh", "关于论坛专题方面的意见", "附件为意见书。", 1, "thematic"},
		{"thematic ar", "مساهمة بشأن الجوانب المواضيعية", "مرفق المساهمة.", 1, "thematic"},
		{"format en", "Innovations in the format of the Forum", long, 0, "format"},
		{"format ru", "Предложения по формату Форума", "Предлагаем инновации.", 0, "format"},
		{"format zh", "关于论坛形式创新的建议", "建议如下。", 0, "format"},
		{"format ar", "مقترح بشأن الابتكار في شكل المنتدى", "نقدم مقترحنا.", 0, "format"},
		{"hltf en", "Nomination of a High-Level Track Facilitator", long, 0, "hltf_nomination"},
		{"hltf fr", "Candidature", "Nous proposons Mme X comme facilitatrice de haut niveau.", 0, "hltf_nomination"},
		{"hltf es", "Nominación", "Proponemos al Sr. X como facilitador de alto nivel.", 0, "hltf_nomination"},
		{"hltf ru", "Кандидатура ведущего", "Предлагаем кандидатуру ведущего сегмента высокого уровня.", 0, "hltf_nomination"},
		{"hltf zh", "提名", "我们提名王先生担任高级别主持人。", 0, "hltf_nomination"},
		{"hltf ar", "ترشيح", "نرشح السيد أحمد ميسر المسار الرفيع المستوى.", 0, "hltf_nomination"},
		{"photo en", "WSIS Photo Contest 2019 entry", "My photo is attached.", 1, "photo_contest"},
		{"photo fr", "Concours photo SMSI", "Ma photo est jointe.", 1, "photo_contest"},
		{"photo es", "Participación", "Participamos en el concurso de fotografía.", 1, "photo_contest"},
		{"photo ru", "Фотоконкурс ВВУИО", "Прилагаем фотографию.", 1, "photo_contest"},
		{"photo zh", "摄影比赛参赛作品", "作品见附件。", 1, "photo_contest"},
		{"photo ar", "مسابقة الصور", "مرفق الصورة.", 1, "photo_contest"},
		{"workshop en", "Workshop request", "We request a workshop slot.", 0, "workshop_request"},
		{"workshop fr", "Demande d'atelier", "Nous souhaitons organiser un atelier.", 0, "workshop_request"},
		{"workshop es", "Solicitud de taller", "Solicitamos un taller.", 0, "workshop_request"},
		{"workshop ru", "Заявка на семинар", "Просим провести семинар.", 0, "workshop_request"},
		{"workshop zh", "研讨会申请", "我们申请举办研讨会。", 0, "workshop_request"},
		{"workshop ar", "طلب ورشة عمل", "نطلب عقد ورشة عمل.", 0, "workshop_request"},
		{"inquiry en", "Question about the deadline", "Could you tell me whether the deadline for workshop requests is still 10 February?", 0, "inquiry"},
		{"inquiry fr", "Renseignement", "Pourriez-vous me dire où envoyer notre contribution ?", 0, "inquiry"},
		{"inquiry es", "Consulta", "¿Cuál es el plazo para las contribuciones?", 0, "inquiry"},
		{"inquiry ru", "Вопрос", "Подскажите, пожалуйста, срок подачи?", 0, "inquiry"},
		{"inquiry zh", "咨询", "请问提交截止日期是什么时候？", 0, "inquiry"},
		{"inquiry ar", "استفسار", "ما هو الموعد النهائي لتقديم المساهمات؟", 0, "inquiry"},
		{"question inside a submission stays a submission", "Official submission on thematic aspects", long + " Could you confirm receipt?", 1, "thematic"},
		{"submission without a kind", "Our contribution", long, 2, "thematic"},
		{"nothing", "Hello", "Hello.", 0, "other"},
		{"reply to our acknowledgement ignores our subject", "Re: [WSIS-2019-0042] Acknowledgement of your contribution", "Could you confirm the annexes arrived?", 0, "inquiry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Parsed{From: Address{Email: "x@example.org"}, Subject: tc.subject, Text: tc.text}
			for i := 0; i < tc.attachments; i++ {
				p.Attachments = append(p.Attachments, Attachment{Filename: fmt.Sprintf("a%d.pdf", i)})
			}
			s := Suggest(p)
			if string(s.Kind) != tc.want {
				t.Errorf("Kind = %q, want %q (reasons %q)", s.Kind, tc.want, s.Reasons)
			}
			if !strings.HasPrefix(s.Reasons[0], "kind "+string(s.Kind)) {
				t.Errorf("first reason %q does not explain the kind", s.Reasons[0])
			}
		})
	}
}

func TestSuggestStakeholderType(t *testing.T) {
	for _, tc := range []struct {
		name, from, email, signature, want string
	}{
		{".gov", "", "a@fcc.gov", "", "government"},
		{".gov.xx", "", "a@ncc.gov.ng", "", "government"},
		{".gouv.fr", "", "a@economie.gouv.fr", "", "government"},
		{".gob.mx", "", "a@sct.gob.mx", "", "government"},
		{".go.jp", "", "a@soumu.go.jp", "", "government"},
		{"admin.ch", "", "a@bakom.admin.ch", "", "government"},
		{"ministry on a personal address", "", "minister.office@gmail.com", "Ministry of ICT and Innovation", "government"},
		{"ministère", "", "a@example.sn", "Ministère de l'Économie numérique", "government"},
		{"министерство", "", "a@example.ru", "Министерство цифрового развития", "government"},
		{"وزارة", "", "a@example.eg", "وزارة الاتصالات", "government"},
		{".int", "", "a@itu.int", "", "international_organization"},
		{"un.org subdomain", "", "a@escwa.un.org", "", "international_organization"},
		{"unesco.org", "", "a@unesco.org", "", "international_organization"},
		{"United Nations in the name", "Jane Doe, United Nations", "a@gmail.com", "", "international_organization"},
		{".edu", "", "a@mit.edu", "", "academia_technical"},
		{".ac.uk", "", "a@ox.ac.uk", "", "academia_technical"},
		{".edu.cn", "", "a@tsinghua.edu.cn", "", "academia_technical"},
		{"université", "", "a@example.fr", "Université de Genève", "academia_technical"},
		{"大学", "", "a@example.cn", "华东信息技术大学", "academia_technical"},
		{"جامعة", "", "a@example.jo", "جامعة العلوم التطبيقية", "academia_technical"},
		{"technical community", "", "a@example.net", "Internet Society Geneva Chapter", "academia_technical"},
		{".org with foundation", "", "a@fundacionconecta.org", "Fundación Conecta", "civil_society"},
		{".org with association", "", "a@numerique-solidaire.org", "Association Numérique Solidaire", "civil_society"},
		{"NGO on a personal address", "", "a@yahoo.fr", "ONG Jeunesse Numérique", "civil_society"},
		{"协会", "", "a@example.org.cn", "中国信息技术协会", "civil_society"},
		{"جمعية", "", "a@example.org", "جمعية تنمية المجتمع الرقمي", "civil_society"},
		{".com with Inc", "", "a@acme.com", "Acme Networks Inc.", "private_sector"},
		{".co.uk with Ltd", "", "a@example.co.uk", "Example Telecom Ltd", "private_sector"},
		{"ООО", "", "a@svyaztech.ru", `ООО "СвязьТехИнвест"`, "private_sector"},
		{"有限公司", "", "a@huaxin-tech.com.cn", "华信通信技术有限公司", "private_sector"},
		{"شركة", "", "a@example.ae", "شركة الاتصالات المتحدة", "private_sector"},
		{"plain .org: an association's domain", "", "a@example.org", "", "civil_society"},
		{"plain .com: a company's domain", "", "a@example.com", "", "private_sector"},
		{"plain .net says nothing", "", "a@example.net", "", "other"},
		{"personal address", "Tom Becker", "tom.becker@gmail.com", "Tom", "other"},
		{"no address", "", "", "", "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := "Dear Secretariat,\n\nPlease find our contribution attached.\n\nBest regards,\nJane Doe\n" + tc.signature
			s := Suggest(&Parsed{From: Address{Name: tc.from, Email: tc.email}, Subject: "Contribution", Text: text})
			if s.StakeholderType != tc.want {
				t.Errorf("StakeholderType = %q, want %q (reasons %q)", s.StakeholderType, tc.want, s.Reasons)
			}
		})
	}
}

func TestSuggestActionLines(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"C1 role of governments", "The role of governments in digital transformation.", []string{"C1"}},
		{"C2 infrastructure", "Broadband infrastructure for rural areas.", []string{"C2"}},
		{"C3 access to information", "Access to information for women.", []string{"C3"}},
		{"C4 capacity building", "Capacity building for regulators.", []string{"C4"}},
		{"C5 cybersecurity", "Cybersecurity and trust.", []string{"C5"}},
		{"C6 enabling environment", "An enabling environment for investment.", []string{"C6"}},
		{"C6 regulation", "Spectrum regulation.", []string{"C6"}},
		{"C7 e-health", "E-health in rural clinics.", []string{"C7"}},
		{"C7 e-learning and e-government", "E-learning and e-government services.", []string{"C7"}},
		{"C8 linguistic diversity", "Cultural and linguistic diversity and local content.", []string{"C8"}},
		{"C9 media", "The role of media.", []string{"C9"}},
		{"C10 ethics", "Ethics of artificial intelligence.", []string{"C10"}},
		{"C11 cooperation", "International cooperation.", []string{"C11"}},
		{"named", "Our work falls under Action Lines C4 and C11.", []string{"C4", "C11"}},
		{"named in Cyrillic", "Направление деятельности С7.", []string{"C7"}},
		{"named side by side", "Action lines C1 C2 C3", []string{"C1", "C2", "C3"}},
		{"named in lower case", "under c10", []string{"C10"}},
		{"not an action line", "C12, C0, C04, AC1, C1x and C3PO", nil},
		{"fr", "Le renforcement des capacités et la cybersécurité.", []string{"C4", "C5"}},
		{"es", "La banda ancha y la diversidad lingüística.", []string{"C2", "C8"}},
		{"es without accents", "la diversidad linguistica", []string{"C8"}},
		{"ru", "Инфраструктура связи и электронное здравоохранение.", []string{"C2", "C7"}},
		{"zh", "加强能力建设和网络安全。", []string{"C4", "C5"}},
		{"ar", "البنية التحتية والتعلم الإلكتروني.", []string{"C2", "C7"}},
		{"none", "Thank you for your message.", nil},
		{"multimedia is not media", "A multimedia kiosk.", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Suggest(&Parsed{From: Address{Email: "x@example.org"}, Text: tc.text})
			if fmt.Sprint(s.ActionLines) != fmt.Sprint(tc.want) {
				t.Errorf("ActionLines = %v, want %v", s.ActionLines, tc.want)
			}
		})
	}
}

func TestSuggestOrganisation(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       *Parsed
		want    string
		wantLng string
	}{
		{"Organization header", &Parsed{From: Address{Email: "a@x.org"}, Headers: map[string]string{"Organization": "OpenNet Association"}}, "OpenNet Association", ""},
		{"display name with organisation in brackets", &Parsed{From: Address{Name: "Kenji Ito (UNESCO)", Email: "k@unesco.org"}}, "UNESCO", ""},
		{"display name with organisation after a bar", &Parsed{From: Address{Name: "Jane Doe | Ministry of ICT", Email: "j@gmail.com"}}, "Ministry of ICT", ""},
		{"signature, bottom line", &Parsed{From: Address{Name: "Javier", Email: "j@uniandina.edu.pe"},
			Text: "Solicitamos un taller.\n\nSaludos,\nJavier Morales\nProfesor principal, Facultad de Ingeniería\nUniversidad Andina de Tecnología, Cusco"},
			"Universidad Andina de Tecnología", "es"},
		{"signature after the delimiter", &Parsed{From: Address{Email: "o@x.ru"},
			Text: "Просим рассмотреть заявку.\n-- \nДмитрий Соколов\nООО \"СвязьТехИнвест\""}, `ООО "СвязьТехИнвест"`, "ru"},
		{"sentences are not organisations", &Parsed{From: Address{Email: "a@univ-example.edu"},
			Text: "Our university submits these remarks on capacity building."}, "Univ Example", "en"},
		{"domain", &Parsed{From: Address{Email: "a@ncc.gov.ng"}}, "NCC", ""},
		{"personal address", &Parsed{From: Address{Email: "a@gmail.com"}}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Suggest(tc.p)
			if s.Organisation != tc.want {
				t.Errorf("Organisation = %q, want %q", s.Organisation, tc.want)
			}
			if s.Language != tc.wantLng {
				t.Errorf("Language = %q, want %q", s.Language, tc.wantLng)
			}
		})
	}
}

func TestSuggestNil(t *testing.T) {
	s := Suggest(nil)
	if s.Kind != "other" || s.StakeholderType != "other" {
		t.Errorf("Suggest(nil) = %+v", s)
	}
}

func TestSuggestUsesParsedLanguage(t *testing.T) {
	s := Suggest(&Parsed{From: Address{Email: "a@x.org"}, Text: "Hello", Language: "fr"})
	if s.Language != "fr" {
		t.Errorf("Language = %q, want the parsed one", s.Language)
	}
}

// A vocabulary is a value of its own: building another neither renumbers nor shares
// the first's terms, each finds every one of its terms in the term's own words, and
// both suggest the same.
func TestVocabularyIsAValue(t *testing.T) {
	a, b := newVocabulary(), newVocabulary()
	if len(a.all) == 0 || len(a.all) != len(b.all) {
		t.Fatalf("%d and %d terms", len(a.all), len(b.all))
	}
	for i, tm := range a.all {
		if tm.id != i || b.all[i].id != i {
			t.Fatalf("term %d (%q) has ids %d and %d", i, tm.text, tm.id, b.all[i].id)
		}
		if b.all[i] == tm || b.all[i].text != tm.text {
			t.Fatalf("term %d: %q (%p) and %q (%p)", i, tm.text, tm, b.all[i].text, b.all[i])
		}
		if ft := a.newFoldedText(tm.folded); ft.counts[tm.id] == 0 {
			t.Errorf("term %q is not found in %q", tm.text, tm.folded)
		}
	}
	for _, path := range corpusPaths(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			continue
		}
		m := defaultStakeholderModel()
		sa, sb := a.suggestWith(p, p.FreshText(), "", m), b.suggestWith(p, p.FreshText(), "", m)
		if !reflect.DeepEqual(sa, sb) || !reflect.DeepEqual(sa, Suggest(p)) {
			t.Errorf("%s: suggestions differ:\n%+v\n%+v\n%+v", filepath.Base(path), sa, sb, Suggest(p))
		}
	}
}

// What the suggestions name is in the store's vocabulary.
func TestSuggestionsUseStoreVocabulary(t *testing.T) {
	v := defaultVocabulary()
	for _, k := range v.kinds {
		if !store.ValidKind(k.kind) {
			t.Errorf("kind %q is not one of the store's", k.kind)
		}
	}
	for _, st := range v.stakeholders {
		if !store.ValidStakeholderType(st.typ) {
			t.Errorf("stakeholder type %q is not one of the store's", st.typ)
		}
	}
	for _, path := range corpusPaths(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			continue
		}
		s := Suggest(p)
		if !store.ValidKind(s.Kind) || !store.ValidStakeholderType(s.StakeholderType) {
			t.Errorf("%s: kind %q, stakeholder type %q", filepath.Base(path), s.Kind, s.StakeholderType)
		}
		for _, l := range s.ActionLines {
			if !store.ValidActionLine(l) {
				t.Errorf("%s: action line %q", filepath.Base(path), l)
			}
		}
	}
}

// SuggestFrom given what Parse found suggests what Suggest does.
func TestSuggestFromMatchesSuggest(t *testing.T) {
	for _, path := range corpusPaths(t) {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			continue
		}
		lang := p.Language
		if lang == "" {
			lang = DetectLanguage(p.FreshText(), p.Subject, p.Headers)
		}
		if got, want := SuggestFrom(p, p.FreshText(), lang), Suggest(p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: SuggestFrom = %+v, Suggest = %+v", filepath.Base(path), got, want)
		}
	}
	if s := SuggestFrom(nil, "", ""); s.Kind != store.KindOther || s.StakeholderType != store.StakeholderOther {
		t.Errorf("SuggestFrom(nil) = %+v", s)
	}
}

func corpusPaths(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	return paths
}

// foldTextReference is what foldText must equal: lower case, canonical decomposition,
// nonspacing marks removed, recomposed, apostrophes straightened.
func foldTextReference(s string) string {
	s = strings.ToLower(s)
	if out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s); err == nil {
		s = out
	}
	return strings.NewReplacer("’", "'", "‘", "'", "ʼ", "'").Replace(s)
}

func TestFoldTextEveryRune(t *testing.T) {
	step := rune(1)
	if testing.Short() {
		step = 7
	}
	for r := rune(0); r < 0x30000; r += step {
		if 0xD800 <= r && r < 0xE000 {
			continue
		}
		s := "Ab" + string(r) + "É"
		if got, want := foldText(s), foldTextReference(s); got != want {
			t.Errorf("foldText(%q) (%U) = %q, want %q", s, r, got, want)
		}
	}
	for _, s := range []string{"Temática", "ЁЛКА Йод", "أَهْلاً وسَهْلاً", "l’Union", "Ünïcödé  ñ", "ﬁ", "가나다", "豈"} {
		if got, want := foldText(s), foldTextReference(s); got != want {
			t.Errorf("foldText(%q) = %q, want %q", s, got, want)
		}
	}
}

// One pass over subject and text counts each term as three passes would: in the
// subject, in the text, and in both, a term running from the one into the other too.
func TestFoldedPairCountsAsSeparatePasses(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, c := range foldedPairSeeds {
		checkFoldedPair(t, c[0], c[1])
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := Parse(raw, DefaultLimits()); err == nil {
			checkFoldedPair(t, p.Subject, p.Text)
		}
	}
}

var foldedPairSeeds = [][2]string{
	{"photo", "contest on capacity building"},            // "photo contest" across the two
	{"Soumission: atelier", "Un atelier, deux ateliers"}, // in both
	{"", "研讨会研讨会研讨会研讨会"},                                 // capped at three
	{"ورشة عمل", "ورش عمل"},
}

func FuzzFoldedPair(f *testing.F) {
	for _, c := range foldedPairSeeds {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, subject, body string) {
		checkFoldedPair(t, subject, body)
	})
}

func checkFoldedPair(t *testing.T, rawSubject, rawBody string) {
	t.Helper()
	v := defaultVocabulary()
	subject, body := foldText(rawSubject), foldText(rawBody)
	fs, fb, all := v.newFoldedPair(subject, body)
	for _, w := range []struct {
		name      string
		got, want foldedText
	}{
		{"subject", fs, v.newFoldedText(subject)},
		{"text", fb, v.newFoldedText(body)},
		{"both", all, v.newFoldedText(subject + "\n" + body)},
	} {
		if slices.Equal(w.got.counts, w.want.counts) {
			continue
		}
		for _, tm := range v.all {
			if w.got.counts[tm.id] != w.want.counts[tm.id] {
				t.Errorf("%q / %q: %s: %q counted %d, want %d", shorten(rawSubject, 40), shorten(rawBody, 40),
					w.name, tm.text, w.got.counts[tm.id], w.want.counts[tm.id])
			}
		}
	}
}

// TestSuggestHardCases pins what the evaluation set taught: questions about workshops,
// requests that never say "workshop", nominations phrased as a proposal, photo entries
// of a few words, job titles beside organisations.
func TestSuggestHardCases(t *testing.T) {
	img := []Attachment{{Filename: "IMG_0001.jpg", ContentType: "image/jpeg"}}
	for _, tc := range []struct {
		name        string
		p           *Parsed
		kind        store.ContributionKind
		stakeholder string
		org         string
	}{
		{"question about workshop deadlines", &Parsed{From: Address{Email: "n@example.pk"}, Subject: "Workshop deadline",
			Text: "Could you tell us whether the deadline for workshop proposals is still 10 February?\n\nNighat\nPolicy Director, Digital Rights Foundation"},
			store.KindInquiry, store.StakeholderCivilSociety, "Digital Rights Foundation"},
		{"question in Russian", &Parsed{From: Address{Email: "a@example.ru"}, Subject: "Вопрос по семинарам",
			Text: "Подскажите, пожалуйста, до какого числа принимаются заявки на семинары."}, store.KindInquiry, "", ""},
		{"question in Chinese with a full-width mark", &Parsed{From: Address{Email: "a@example.cn"}, Subject: "研讨会",
			Text: "请问研讨会的申请截止日期是哪一天？"}, store.KindInquiry, "", ""},
		{"question in Arabic", &Parsed{From: Address{Email: "a@example.tn"}, Subject: "ورش العمل",
			Text: "هل يمكن أن تخبرونا عن آخر موعد لتقديم طلبات ورش العمل"}, store.KindInquiry, "", ""},
		{"side event from a company on webmail", &Parsed{From: Address{Email: "kasa.digital@gmail.com"}, Subject: "Side event on mobile money",
			Text: "Our company would like to organise a side event during the Forum on mobile money.\n\nKwame Asante\nCEO, Kasa Digital Ltd"},
			store.KindWorkshopRequest, store.StakeholderPrivateSector, "Kasa Digital Ltd"},
		{"round table in Russian", &Parsed{From: Address{Email: "a@example.ru"}, Subject: "Организация круглого стола",
			Text: "Министерство предлагает провести круглый стол по умным городам."}, store.KindWorkshopRequest, "", ""},
		{"proposing someone to moderate", &Parsed{From: Address{Email: "a@example.org"}, Subject: "We propose Dr Eva Nkosi to moderate",
			Text: "We propose Dr Eva Nkosi to moderate the high-level session on emerging technologies."}, store.KindHLTFNomination, "", ""},
		{"three words and a photograph", &Parsed{From: Address{Email: "t@gmail.com"}, Subject: "Connected village",
			Text: "Girls coding, Ghana.", Attachments: img}, store.KindPhotoContest, store.StakeholderOther, ""},
		{"vague subject, long text on themes", &Parsed{From: Address{Email: "a@commtech.gov.ng"}, Subject: "Our input",
			Text: "Good afternoon,\n\nOur priorities are affordable broadband in rural areas and digital skills for young people." +
				" We hope the Forum gives them the room they deserve this year.\n\nRegards,\nDr. Bashir Ahmed\nDirector, ICT Policy\nFederal Ministry of Communications"},
			store.KindThematic, store.StakeholderGovernment, "Federal Ministry of Communications"},
		{"an official on a personal address", &Parsed{From: Address{Email: "herve.kone@gmail.com"}, Subject: "Photo",
			Text: "Voici ma photo.\n\nHervé Koné\nInspecteur pédagogique\nMinistère de l'Éducation nationale, Côte d'Ivoire", Attachments: img},
			store.KindPhotoContest, store.StakeholderGovernment, "Ministère de l'Éducation nationale, Côte d'Ivoire"},
		{"an international organisation on .org", &Parsed{From: Address{Email: "a@francophonie.org"}, Subject: "Proposition",
			Text: "Voir ci-joint.\n\nOrganisation internationale de la Francophonie"}, "", store.StakeholderInternationalO, ""},
		{"a company by its domain", &Parsed{From: Address{Email: "sam@globexevents.com"}, Subject: "Stands",
			Text: "Our brochure is attached.\n\nSam Ritter\nSales | Globex Events"}, "", store.StakeholderPrivateSector, "Globex Events"},
		{"a regulatory title is no regulator", &Parsed{From: Address{Email: "j@gmail.com"}, Subject: "Aporte",
			Text: "Proponemos que el Foro trate la infraestructura resiliente.\n\nJavier Castillo\nGerente de Asuntos Regulatorios\nTelefónica Venezolana C.A."},
			"", store.StakeholderPrivateSector, "Telefónica Venezolana C.A."},
		{"a slot asked for with a question mark is a request", &Parsed{From: Address{Email: "a@mict.gov.tt"}, Subject: "Request",
			Text: "We wish to convene a ministerial dialogue during the Forum week. Could a 90-minute slot be reserved for us?"},
			store.KindWorkshopRequest, store.StakeholderGovernment, ""},
		{"the team is not the organisation", &Parsed{From: Address{Email: "contact@laquadrature.net"}, Subject: "Contribution",
			Text: "Notre contribution est jointe.\n\nL'équipe de La Quadrature du Net"}, "", "", "La Quadrature du Net"},
		{"an association in a technical body's name", &Parsed{From: Address{Name: "IEEE Standards Association", Email: "standards@ieee.org"},
			Subject: "Call for participation", Text: "Join our working groups."}, "", store.StakeholderAcademia, "IEEE Standards Association"},
		{"a department in a title is no government", &Parsed{From: Address{Email: "j.lind@ericsson.com"}, Subject: "Suggestions",
			Text: "Publish the programme earlier.\n\nJohan Lind\nHead of Government Relations, Ericsson AB"}, "", store.StakeholderPrivateSector, "Ericsson AB"},
		{"webmail under a country domain", &Parsed{From: Address{Email: "lee@yahoo.com.hk"}, Subject: "意見",
			Text: "希望論壇討論長者數碼共融。"}, "", store.StakeholderOther, ""},
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
				t.Errorf("Organisation = %q, want %q", s.Organisation, tc.org)
			}
		})
	}
}

// TestSuggestReasonsNameTheEvidence checks the card says what the stakeholder type
// rests on: the sender's domain and the signature line.
func TestSuggestReasonsNameTheEvidence(t *testing.T) {
	s := Suggest(&Parsed{From: Address{Email: "a@mincom.gov.xx"}, Subject: "Contribution",
		Text: "Please find our contribution attached.\n\nRegards,\nA. Person\nMinistry of Communications"})
	want := `stakeholder government: sender domain mincom.gov.xx (gov.xx), signature "Ministry of Communications"`
	if !slices.Contains(s.Reasons, want) {
		t.Errorf("reasons %q, want %q among them", s.Reasons, want)
	}
}
