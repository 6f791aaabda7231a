package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// suggestCase is a message written for a test and what Suggest should make of it;
// an empty field is not checked, an organisation of "-" wants none.
type suggestCase struct {
	name        string
	p           *Parsed
	kind        store.ContributionKind
	stakeholder string
	org         string // "-": none
}

// runSuggestCases checks, for each case, the fields it names ("" for a field it does
// not check).
func runSuggestCases(t *testing.T, cases []suggestCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Suggest(tc.p)
			if tc.kind != "" && s.Kind != tc.kind {
				t.Errorf("Kind = %q, want %q (reasons %q)", s.Kind, tc.kind, s.Reasons)
			}
			if tc.stakeholder != "" && s.StakeholderType != tc.stakeholder {
				t.Errorf("StakeholderType = %q, want %q (reasons %q)", s.StakeholderType, tc.stakeholder, s.Reasons)
			}
			if tc.org == "-" && s.Organisation != "" {
				t.Errorf("Organisation = %q, want none (reasons %q)", s.Organisation, s.Reasons)
			}
			if tc.org != "" && tc.org != "-" && s.Organisation != tc.org {
				t.Errorf("Organisation = %q, want %q (reasons %q)", s.Organisation, tc.org, s.Reasons)
			}
		})
	}
}

// TestAccreditationRequests pins that a journalist's request for accreditation, named by
// its subject, is no contribution, and so is a question about accreditation under a
// subject that asks: it is the desk's matter, not the consultation's.
func TestAccreditationRequests(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "desk@example-news.com"}, Subject: "Media accreditation - WSIS Forum",
			Text: "Dear team,\n\nI write for a regional daily and would like to cover the Forum. Could you send the documents needed?\n\nAna Silva"},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "redaction@example-hebdo.fr"}, Subject: "Demande d'accréditation presse",
			Text: "Bonjour,\n\nNotre hebdomadaire souhaite couvrir le Forum. Quels documents faut-il fournir ?\n\nPaul Roy"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "prensa@example-diario.com.pe"}, Subject: "Acreditación de prensa para el Foro",
			Text: "Buenos días,\n\nQuisiéramos acreditar a una periodista. ¿Qué documentos se requieren?\n\nLuis Paz"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "editor@example-media.ru"}, Subject: "Аккредитация прессы",
			Text: "Здравствуйте!\n\nХотели бы аккредитовать корреспондента. Подскажите порядок.\n\nИван Орлов"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "news@example-daily.cn"}, Subject: "媒体注册申请",
			Text: "您好，我们希望派两名记者报道论坛，请问需要什么材料？\n\n王丽"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "news@example-jareeda.com"}, Subject: "طلب الاعتماد الإعلامي لمنتدى القمة",
			Text: "تحية طيبة، نرغب في تغطية المنتدى، فما هي الوثائق المطلوبة؟\n\nسامي"},
			store.KindOther, "", ""},
		{"a question about accreditation under a subject that asks", &Parsed{From: Address{Email: "a.b@example.net"}, Subject: "Renseignements",
			Text: "Bonjour, je suis journaliste. Comment obtenir une accréditation presse pour le Forum ? Merci."},
			store.KindOther, "", ""},
	})
}

// TestVendorCallPitches pins that a vendor's deck or prices, or a footer for those who
// would rather not hear from the sender, make no inquiry though the message asks; a
// call asked for about a session is no pitch.
func TestVendorCallPitches(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: a call and a deck", &Parsed{From: Address{Email: "sales@example-stream.com"}, Subject: "Hybrid event tools?",
			Text: "Hi team,\n\nWe help conferences run livestreams. Would you be open to a quick call next week? I can send a short deck.\n\nJo"},
			store.KindOther, "", ""},
		{"en: an opt-out footer", &Parsed{From: Address{Email: "hello@example-badges.com"}, Subject: "Badges for the Forum?",
			Text: "Hello,\n\nDo you already have a badge printer for April?\n\nIf you would prefer not to hear from us, reply STOP."},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "contact@example-son.fr"}, Subject: "Sonorisation du Forum",
			Text: "Bonjour,\n\nNous équipons des conférences internationales. Seriez-vous disponible pour un court appel ? Je peux vous envoyer nos tarifs.\n\nMarc"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "ventas@example-eventos.es"}, Subject: "Traducción simultánea",
			Text: "Hola,\n\nOfrecemos cabinas de interpretación. ¿Podemos tener una breve llamada el jueves? Le envío nuestras tarifas.\n\nEva"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "sales@example-zvuk.ru"}, Subject: "Оборудование для конференций",
			Text: "Добрый день!\n\nПредлагаем оборудование для синхронного перевода. Удобен ли вам короткий звонок в четверг? Пришлю наши цены.\n\nОлег"},
			store.KindOther, "", ""},
		{"a call about a session is no pitch", &Parsed{From: Address{Email: "events@example.org"}, Subject: "Side event",
			Text: "Dear team,\n\nWe would like to organise a side event on digital identity. Could we have a short call to discuss the room?\n\nMia"},
			store.KindWorkshopRequest, "", ""},
		{"a question without a pitch stays an inquiry", &Parsed{From: Address{Email: "j.doe@example.com"}, Subject: "Registration",
			Text: "Hello, is registration for the Forum free of charge?\n\nJane"},
			store.KindInquiry, "", ""},
	})
}

// TestEasyTermsNominateNoOne pins that the Arabic adjective of easy terms ("بشروط
// ميسّرة") proposes no facilitator, while a woman proposed as facilitator (ميسّرة) is.
func TestEasyTermsNominateNoOne(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"easy terms in a submission", &Parsed{From: Address{Email: "a@example.com.kw"}, Subject: "مساهمتنا في المشاورة",
			Text: "نقترح أن يناقش المنتدى المواضيع التالية:\n- إتاحة الطيف الترددي بشروط ميسّرة للمناطق الريفية؛\n- قروض ميسرة لشبكات الألياف.\n\nفهد"},
			store.KindThematic, "", ""},
		{"affordable prices", &Parsed{From: Address{Email: "b@example.org.jo"}, Subject: "المواضيع المقترحة",
			Text: "نأمل أن تتناول الجلسات المواضيع المتعلقة بالنفاذ إلى الإنترنت بأسعار ميسرة في المناطق النائية.\n\nليلى"},
			store.KindThematic, "", ""},
		{"a woman proposed as facilitator", &Parsed{From: Address{Email: "c@example.org.lb"}, Subject: "اقتراح",
			Text: "يسرنا أن نرشح الدكتورة منى لتكون ميسّرة للمسار الرفيع المستوى في المنتدى.\n\nسمير"},
			store.KindHLTFNomination, "", ""},
		{"en: facilitated terms are no facilitator", &Parsed{From: Address{Email: "d@example.com"}, Subject: "Our input on spectrum",
			Text: "We propose that the Forum discuss spectrum on affordable terms for rural operators.\n\nDan"},
			store.KindThematic, "", ""},
	})
}

// TestFormatOfTheForumInflected pins that the format of the Forum names the kind in the
// cases Russian declines it in, beside a request to organise a kind of session.
func TestFormatOfTheForumInflected(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru: по формату Форума", &Parsed{From: Address{Email: "a@example.md"}, Subject: "Предложения по формату Форума",
			Text: "Предлагаем:\n1. Сократить пленарные выступления.\n2. Организовать короткие «сессии знакомств» в первый день.\n3. Обеспечить синхронный перевод.\n\nВиорика"},
			store.KindFormat, "", ""},
		{"ru: о формате форума", &Parsed{From: Address{Email: "b@example.ru"}, Subject: "О формате форума",
			Text: "Коллеги, предлагаем меньше параллельных сессий и больше времени для вопросов.\n\nИгорь"},
			store.KindFormat, "", ""},
		{"en", &Parsed{From: Address{Email: "c@example.org"}, Subject: "On the format of the Forum",
			Text: "We suggest fewer panels and organising short networking sessions on the first day.\n\nAmy"},
			store.KindFormat, "", ""},
		{"fr", &Parsed{From: Address{Email: "d@example.fr"}, Subject: "Sur le format du Forum",
			Text: "Nous proposons des séances plus courtes et d'organiser des rencontres régionales le premier jour.\n\nLuc"},
			store.KindFormat, "", ""},
	})
}

// TestPrivateCapacity pins that a writer from a personal address who says they write
// for no organisation is "other", whatever the text names.
func TestPrivateCapacity(t *testing.T) {
	photo := []Attachment{{Filename: "photo.jpg", ContentType: "image/jpeg"}}
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Email: "aram.photo@yandex.ru"}, Subject: "Фотоконкурс",
			Text: "Отправляю фотографию.\n\nНазвание: «Библиотека нового поколения»\n\nУчаствую как частное лицо.\n\nАрам", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"en", &Parsed{From: Address{Email: "fiona.pics@gmail.com"}, Subject: "Photo contest entry",
			Text: "Title: University library at night\n\nI am entering as a private individual.\n\nFiona", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"fr", &Parsed{From: Address{Email: "gab@videotron.ca"}, Subject: "Concours photo",
			Text: "Titre : « L'école du village »\n\nJe participe à titre personnel.\n\nGabriel", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"es", &Parsed{From: Address{Email: "diego.fotos@gmail.com"}, Subject: "Concurso de fotografía",
			Text: "Título: «La Universidad de la radio»\n\nParticipo a título personal.\n\nDiego", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"zh", &Parsed{From: Address{Email: "chen@qq.com"}, Subject: "摄影比赛",
			Text: "作品名称：大学图书馆\n\n本人以个人身份参赛。\n\n陈", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"ar", &Parsed{From: Address{Email: "youssef.photo@hotmail.com"}, Subject: "مسابقة الصور",
			Text: "العنوان: مكتبة الجامعة\n\nأشارك بصفة شخصية.\n\nيوسف", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"en: representing no one", &Parsed{From: Address{Email: "sam.dev@gmail.com"}, Subject: "Question",
			Text: "Hello, I am a freelance developer at the Open University meetup and do not work for them: I do not represent any organisation. Can I register?\n\nSam"},
			"", store.StakeholderOther, ""},
		{"zh: 不代表任何机构", &Parsed{From: Address{Email: "yang@qq.com"}, Subject: "请问个人可以参加吗",
			Text: "您好，我是一名自由职业的软件开发者，不代表任何机构，请问可以报名吗？\n\n杨帆"},
			"", store.StakeholderOther, ""},
		{"ar: لا أمثل أي جهة", &Parsed{From: Address{Email: "youssef@hotmail.com"}, Subject: "مسابقة الصور",
			Text: "العنوان: طلاب الجامعة\n\nأنا مصور هاوٍ ولا أمثل أي جهة.\n\nيوسف", Attachments: photo},
			"", store.StakeholderOther, "-"},
		{"an organisation's own domain is not a private writer's", &Parsed{From: Address{Email: "a.b@uct.ac.za"}, Subject: "Photo",
			Text: "Title: Campus at dawn\n\nI am entering as a private individual.\n\nAnn", Attachments: photo},
			"", store.StakeholderAcademia, ""},
	})
}

// TestWellKnownInternationalBodies pins regional and UN bodies named by a domain under a
// documentation name, by their acronym or by their Chinese short name.
func TestWellKnownInternationalBodies(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ESCAP by its domain and Chinese short name", &Parsed{From: Address{Name: "Liu Yang", Email: "liu.yang@escap.example.org"}, Subject: "意见",
			Text: "亚太经社会建议论坛讨论区域宽带互联互通。\n\n刘洋\n亚太经社会 信息通信技术与减灾司"},
			"", store.StakeholderInternationalO, "亚太经社会 信息通信技术与减灾司"},
		{"COMTELCA beside a commission's word", &Parsed{From: Address{Email: "r@example.hn"}, Subject: "Aportes",
			Text: "Adjuntamos nuestros aportes sobre conectividad.\n\nRoberto\nCoordinador de Proyectos\nComisión Técnica Regional de Telecomunicaciones (COMTELCA)"},
			"", store.StakeholderInternationalO, ""},
		{"the Asia-Pacific Telecommunity", &Parsed{From: Address{Email: "k@example.net"}, Subject: "Input",
			Text: "We submit our views on broadband.\n\nKen\nAsia-Pacific Telecommunity"},
			"", store.StakeholderInternationalO, ""},
	})
	v := defaultVocabulary()
	for domain, want := range map[string]string{
		"escap.example.org":         "ESCAP",
		"ugtelecom.example.com.kw":  "Ugtelecom",
		"example-institute.ng":      "Example Institute",
		"fing.example.edu.uy":       "FING",
		"svyaz-biz.example.ru":      "Svyaz Biz",
		"mail.example":              "MAIL",
		"sub.test":                  "SUB",
		"opennet-fund.example.kz":   "Opennet Fund",
		"numerique.example.gouv.bj": "Numerique",
	} {
		if got := v.domainOrganisation(domain); got != want {
			t.Errorf("domainOrganisation(%q) = %q, want %q", domain, got, want)
		}
	}
}

// TestUnionsAndMedia pins that a trade union is civil society, whatever trade it names,
// and that a newspaper or a magazine is a company.
func TestUnionsAndMedia(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: a workers union", &Parsed{From: Address{Email: "cwu.secretariat@yahoo.com"}, Subject: "Submission",
			Text: "We submit the following on decent work.\n\nIbrahim Yusuf\nGeneral Secretary\nCommunication Workers Union of Nigeria\nAbuja"},
			"", store.StakeholderCivilSociety, "Communication Workers Union of Nigeria"},
		{"es: a telecom workers' syndicate", &Parsed{From: Address{Email: "sintra@hotmail.com"}, Subject: "Propuesta de taller",
			Text: "Proponemos un taller sobre trabajo decente.\n\nPatricio\nSindicato de Trabajadores de Telecomunicaciones del Ecuador"},
			"", store.StakeholderCivilSociety, ""},
		{"fr: un syndicat", &Parsed{From: Address{Email: "syndicat@example.net"}, Subject: "Contribution",
			Text: "Voici notre contribution sur l'emploi numérique.\n\nMarie\nSyndicat national des télécommunications"},
			"", store.StakeholderCivilSociety, ""},
		{"ru: журнал", &Parsed{From: Address{Email: "o.nikitin@example-svyaz.ru"}, Subject: "Вопрос",
			Text: "Добрый день! Когда будет опубликована программа?\n\nОлег\nглавный редактор, журнал «Связь и бизнес»"},
			"", store.StakeholderPrivateSector, ""},
		{"en: a magazine", &Parsed{From: Address{Email: "ed@example.net"}, Subject: "Question",
			Text: "Hello, when will the programme be published?\n\nSam\nEditor, Telecom Review Magazine"},
			"", store.StakeholderPrivateSector, ""},
		{"es: una revista", &Parsed{From: Address{Email: "ed@example.net"}, Subject: "Consulta",
			Text: "Hola, ¿cuándo se publica el programa?\n\nAna\nRevista Conectados"},
			"", store.StakeholderPrivateSector, ""},
		{"ar: مجلة", &Parsed{From: Address{Email: "ed@example.net"}, Subject: "سؤال",
			Text: "متى يُنشر برنامج المنتدى؟\n\nسامي\nمجلة الاتصالات العربية"},
			"", store.StakeholderPrivateSector, ""},
	})
}

// TestOrganisationPlaceAndParent pins that a place written after an organisation's name
// is not part of it, and that a faculty or a division named with its university or
// ministry gives way to that.
func TestOrganisationPlaceAndParent(t *testing.T) {
	v := defaultVocabulary()
	lt := lineTerms{v: v, lines: map[string]foldedText{}}
	for org, want := range map[string]string{
		`ООО "Сибирские облачные системы", г. Красноярск`: `ООО "Сибирские облачные системы"`,
		"Фонд «Открытая сеть», Алматы":                    "Фонд «Открытая сеть»",
		"وزارة النقل والاتصالات وتقنية المعلومات - مسقط":  "وزارة النقل والاتصالات وتقنية المعلومات",
		"Fondation Sonatel, Dakar":                              "Fondation Sonatel",
		"Sahel Télécom SA - Bamako":                             "Sahel Télécom SA",
		"Universidad de la República, Uruguay":                  "Universidad de la República",
		"Ministerio de Educación, Ciencia y Tecnología":         "Ministerio de Educación, Ciencia y Tecnología",
		"Instituto de Computación, Universidad de la República": "Universidad de la República",
		"Acme Consulting, Inc.":                                 "Acme Consulting, Inc.",
		"Chatham House, London":                                 "Chatham House, London",
	} {
		got := v.withoutPlace(v.parentOfDivision(org, lt), lt)
		if got != want {
			t.Errorf("organisation %q tidied to %q, want %q", org, got, want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"es: a faculty and its university", &Parsed{From: Address{Email: "c@fing.example.edu.uy"}, Subject: "Solicitud de sesión",
			Text: "Quisiéramos organizar una sesión.\n\nCarolina Pereira\nProfesora Titular\nFacultad de Ingeniería – Universidad de la República\nMontevideo, Uruguay"},
			"", store.StakeholderAcademia, "Universidad de la República"},
		{"fr: a faculty and its university", &Parsed{From: Address{Email: "c@example.sn"}, Subject: "Contribution",
			Text: "Voici notre contribution.\n\nAwa Sy\nFaculté des sciences - Université de Thiès"},
			"", store.StakeholderAcademia, "Université de Thiès"},
		{"ru: a company and its city", &Parsed{From: Address{Email: "d@example-cloud.ru"}, Subject: "Вопрос",
			Text: "Подскажите, пожалуйста, есть ли выставочная зона?\n\nДмитрий\nООО «Облачные системы», г. Красноярск"},
			"", store.StakeholderPrivateSector, "ООО «Облачные системы»"},
	})
}

// TestWritersSayWhichBodyTheyAre pins that "Somos la Red …", "We are the … Network",
// «Nous sommes le Réseau …» name the writers' body from a personal address, and that a
// group without a capitalised name names none.
func TestWritersSayWhichBodyTheyAre(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "REDJU", Email: "redju.red@gmail.com"}, Subject: "Propuesta",
			Text: "Hola equipo,\n\nSomos la Red Andina de Jóvenes Conectados, con nodos en 5 países. Les compartimos nuestra propuesta.\n\nAna Paz"},
			"", store.StakeholderCivilSociety, "Red Andina de Jóvenes Conectados"},
		{"en", &Parsed{From: Address{Name: "Lake Region", Email: "lakeregion.net@gmail.com"}, Subject: "Input",
			Text: "Hello,\n\nWe are the Lake Region Digital Rights Network, working in three countries. Our input is below.\n\nTom"},
			"", store.StakeholderCivilSociety, "Lake Region Digital Rights Network"},
		{"fr", &Parsed{From: Address{Name: "RFN", Email: "rfn.contact@yahoo.fr"}, Subject: "Contribution",
			Text: "Bonjour,\n\nNous sommes le Réseau des Femmes du Numérique de Lomé, actif depuis 2012. Voici notre contribution.\n\nAfi"},
			"", store.StakeholderCivilSociety, "Réseau des Femmes du Numérique de Lomé"},
		{"not a name: a group in small letters", &Parsed{From: Address{Name: "Ana Paz", Email: "ana.paz@gmail.com"}, Subject: "Propuesta",
			Text: "Hola,\n\nSomos un grupo de estudiantes de Lima interesados en el Foro. Les compartimos nuestra idea.\n\nAna"},
			"", store.StakeholderOther, "-"},
	})
}

// TestFreelanceWriters pins that a writer from a personal address who works for
// themselves speaks for no organisation, whatever body the text mentions, and that
// a company's address still says company.
func TestFreelanceWriters(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Kofi A", Email: "kofi1990@gmail.com"}, Subject: "Visa letter",
			Text: "Hello,\n\nI am a freelance developer from Kumasi. The embassy in Accra needs an invitation letter. Can you send one?\n\nKofi"},
			"", store.StakeholderOther, "-"},
		{"fr", &Parsed{From: Address{Name: "Luc M", Email: "luc.m@yahoo.fr"}, Subject: "Inscription",
			Text: "Bonjour,\n\nJe suis indépendant et le ministère de mon pays ne m'a pas inscrit. Comment faire ?\n\nLuc"},
			"", store.StakeholderOther, "-"},
		{"es", &Parsed{From: Address{Name: "Eva R", Email: "eva.r@hotmail.com"}, Subject: "Consulta",
			Text: "Hola,\n\nSoy trabajadora independiente y la embajada me pide una carta. ¿Pueden enviarla?\n\nEva"},
			"", store.StakeholderOther, "-"},
		{"ru", &Parsed{From: Address{Name: "Олег", Email: "oleg@mail.ru"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nЯ фрилансер, посольство просит письмо-приглашение. Можно ли его получить?\n\nОлег"},
			"", store.StakeholderOther, "-"},
		{"zh", &Parsed{From: Address{Name: "李明", Email: "liming@qq.com"}, Subject: "签证",
			Text: "您好，我是自由职业者，大使馆需要邀请函，请问可以提供吗？\n\n李明"},
			"", store.StakeholderOther, "-"},
		{"ar", &Parsed{From: Address{Name: "سامي", Email: "sami@gmail.com"}, Subject: "تأشيرة",
			Text: "تحية طيبة، أعمل لحسابي الخاص وتطلب السفارة رسالة دعوة، فهل يمكن إرسالها؟\n\nسامي"},
			"", store.StakeholderOther, "-"},
		{"not on a company's address", &Parsed{From: Address{Name: "Kofi A", Email: "kofi@example-apps.com"}, Subject: "Visa letter",
			Text: "Hello,\n\nI am a freelance developer working with Example Apps. Can you send an invitation letter?\n\nKofi"},
			"", store.StakeholderPrivateSector, ""},
	})
}

// TestSentencesRunOnInOneLine pins that a line that holds a sentence's end ("at the
// library. taken by me. Ana") is no signature line naming an organisation, while
// abbreviations with a stop ("Univ.", "Inc.") leave a signature line whole.
func TestSentencesRunOnInOneLine(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a photo's caption on one line", &Parsed{From: Address{Name: "Ana R", Email: "ana.r.photos@outlook.com"}, Subject: "photo contest",
			Text: "my entry - boys at the village library using a laptop. taken by me. Ana"},
			"", store.StakeholderOther, "-"},
		{"a caption with capitals", &Parsed{From: Address{Name: "Jo K", Email: "jo.k@gmail.com"}, Subject: "photo contest",
			Text: "Entry for the contest - the school library in Gulu after dark. Taken last May. Jo"},
			"", store.StakeholderOther, "-"},
		{"names and titles with stops keep the line", &Parsed{From: Address{Name: "Jane Smith", Email: "jane.smith@gmail.com"}, Subject: "Question",
			Text: "Dear team,\n\nCan students enter the photo contest?\n\nJane Smith. Senior Lecturer. Lakeside University"},
			"", store.StakeholderAcademia, ""},
		{"an abbreviation keeps the line", &Parsed{From: Address{Name: "Jane Okello", Email: "j.okello@example.ac.ug"}, Subject: "Question",
			Text: "Dear team,\n\nCan students enter the photo contest?\n\nJane Okello\nAssoc. Professor, Example Univ. of Technology"},
			"", store.StakeholderAcademia, ""},
	})
}

// TestAssistantsSignForTheirOrganisation pins that a display name made of an
// assistant's post ("Asistente de Presidencia", "Assistant to the CEO") does not name
// the organisation: the signature's company does.
func TestAssistantsSignForTheirOrganisation(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "Asistente de Presidencia", Email: "presidencia@example-datos.com.co"}, Subject: "Postulación",
			Text: "Buenas tardes,\n\nLes escribo para postular a nuestra presidenta como moderadora.\n\nCordialmente,\nSandra Gómez\nAsistente de Presidencia\nDatos del Valle S.A. – Cali"},
			"", store.StakeholderPrivateSector, "Datos del Valle S.A."},
		{"en", &Parsed{From: Address{Name: "Assistant to the President", Email: "office@example-logistics.com"}, Subject: "Nomination",
			Text: "Dear team,\n\nOn behalf of our President I write to propose her as a moderator.\n\nBest regards,\nMary Lee\nAssistant to the President\nNorthwind Logistics Ltd"},
			"", store.StakeholderPrivateSector, "Northwind Logistics Ltd"},
		{"not a name without a post", &Parsed{From: Address{Name: "Presidencia de la República", Email: "prensa@example.gob.pe"}, Subject: "Consulta",
			Text: "Buenas tardes,\n\n¿Cuándo cierra la convocatoria?\n\nPrensa"},
			"", store.StakeholderGovernment, "Presidencia de la República"},
	})
}

// TestInitialsSpeltOutWithArticles pins that initials are spelt out from the text with
// the articles inside the name ("pour le", "de la") and without the elided one before
// it ("L'Association …"), for a signature's title and for a display name made of an
// office and initials ("Secrétariat exécutif CRAC").
func TestInitialsSpeltOutWithArticles(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a title and initials", &Parsed{From: Address{Name: "Awa Ndiaye", Email: "contact@example-abnl.sn"}, Subject: "Atelier",
			Text: "Madame, Monsieur,\n\nL'Association Béninoise pour le Numérique Libre (ABNL) souhaite organiser un atelier.\n\nAwa Ndiaye\nSecrétaire générale, ABNL\nCotonou"},
			"", store.StakeholderCivilSociety, "Association Béninoise pour le Numérique Libre (ABNL)"},
		{"an office and initials", &Parsed{From: Address{Name: "Secrétariat exécutif CRAO", Email: "secretariat@example-crao.org"}, Subject: "Remerciements",
			Text: "Madame, Monsieur,\n\nLe Secrétariat exécutif de la Communauté des régulateurs d'Afrique de l'Ouest (CRAO) remercie l'équipe du Forum.\n\nMarie Koné\nSecrétaire exécutive"},
			"", store.StakeholderInternationalO, "Communauté des régulateurs d'Afrique de l'Ouest (CRAO)"},
		{"an office and initials the text does not spell", &Parsed{From: Address{Name: "Secretariat XYZ", Email: "info@example-xyz.org"}, Subject: "Thanks",
			Text: "Dear team,\n\nThank you for a wonderful Forum.\n\nJohn"},
			"", "", ""},
	})
}

// TestSubregionsNameRegionalBodies pins that a community, a commission or a bank of a
// subregion named as a place ("d'Afrique centrale", "de África Occidental", "West
// Africa") is intergovernmental, while a subregion's youth network is civil society.
func TestSubregionsNameRegionalBodies(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Name: "Paul Mba", Email: "p.mba@example-cemac.org"}, Subject: "Question",
			Text: "Bonjour,\n\nQuand le programme sera-t-il publié ?\n\nPaul Mba\nCommission des postes d'Afrique centrale"},
			"", store.StakeholderInternationalO, ""},
		{"en", &Parsed{From: Address{Name: "Ama Boateng", Email: "ama@example-wacomm.org"}, Subject: "Question",
			Text: "Dear team,\n\nWhen will the programme be published?\n\nAma Boateng\nWest Africa Telecommunications Commission"},
			"", store.StakeholderInternationalO, ""},
		{"es", &Parsed{From: Address{Name: "Luis Mora", Email: "lmora@example-ccr.org"}, Subject: "Consulta",
			Text: "Buenos días,\n\n¿Cuándo se publica el programa?\n\nLuis Mora\nConsejo de Regulación de Centroamérica"},
			"", store.StakeholderInternationalO, ""},
		{"not a youth network", &Parsed{From: Address{Name: "Ama Boateng", Email: "ama@example-wayn.org"}, Subject: "Question",
			Text: "Dear team,\n\nWhen will the programme be published?\n\nAma Boateng\nWest Africa Youth Network"},
			"", store.StakeholderCivilSociety, ""},
	})
}

// TestUnitsOfAParentInTheText pins that a faculty, a laboratory or a school named as the
// organisation is its university when the text writes them together ("Laboratorio de
// Medios de la Universidad …", "Faculty of Law at the University of …", «كلية … في
// جامعة …»), and stays itself when the text names no academic or government parent.
func TestUnitsOfAParentInTheText(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es: a teacher's post on a domain of initials", &Parsed{From: Address{Name: "Diego Mamani", Email: "dmamani@uno.edu.bo"}, Subject: "Consulta",
			Text: "Estimados,\n\nSoy docente del Laboratorio de Medios de la Universidad Nacional del Oriente. ¿Pueden participar estudiantes?\n\nGracias,\nDiego Mamani"},
			"", store.StakeholderAcademia, "Universidad Nacional del Oriente (UNO)"},
		{"en: a faculty in a signature", &Parsed{From: Address{Name: "Grace Mwangi", Email: "g.mwangi@example.ac.ke"}, Subject: "Question",
			Text: "Dear team,\n\nStudents of the Faculty of Law at the University of Lakeside would like to join. Can they enter?\n\nGrace Mwangi\nLecturer, Faculty of Law"},
			"", store.StakeholderAcademia, "University of Lakeside"},
		{"ar: a faculty in a university", &Parsed{From: Address{Name: "د. سلمى", Email: "salma@example-uni.edu.kw"}, Subject: "مقترح حول شكل المنتدى",
			Text: "الزملاء الأعزاء،\n\nنقترح باسم كلية الهندسة في جامعة الساحل للعلوم ما يلي بشأن شكل المنتدى.\n\nد. سلمى\nأستاذ مشارك، كلية الهندسة"},
			"", store.StakeholderAcademia, "جامعة الساحل للعلوم"},
		{"not a parent of another type", &Parsed{From: Address{Name: "Tom Reed", Email: "tom@example-design.com"}, Subject: "Question",
			Text: "Hello,\n\nCan we join the photo contest?\n\nTom Reed\nHead, School of Design at the Northwind Studio"},
			"", "", "School of Design at the Northwind Studio"},
	})
}

// TestArabicBodiesAsDisplayNames pins that an Arabic display name that opens with a
// noun and its article («المفوضية الوطنية …») is the organisation, and that a person's
// name, with or without a title, is not.
func TestArabicBodiesAsDisplayNames(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a national commission", &Parsed{From: Address{Name: "المفوضية الوطنية  للاتصالات الرقمية", Email: "info@example.gov.mr"}, Subject: "مساهمة",
			Text: "تحية طيبة،\n\nنتشرف بتقديم مساهمتنا حول الجوانب المواضيعية للمنتدى.\n\nالمفوض الوطني\nنواكشوط"},
			"", store.StakeholderGovernment, "المفوضية الوطنية للاتصالات الرقمية"},
		{"a regional intergovernmental centre", &Parsed{From: Address{Name: "المركز الإقليمي العربي للاتصالات", Email: "dg@example-arct.org"}, Subject: "ترشيح",
			Text: "السيدة المنسقة،\n\nيتشرف المركز، وهو منظمة إقليمية حكومية دولية، بترشيح الدكتورة ليلى حداد.\n\nمكتب المدير العام\nتونس"},
			"", store.StakeholderInternationalO, "المركز الإقليمي العربي للاتصالات"},
		{"not a team", &Parsed{From: Address{Name: "الفريق الإعلامي للملتقى الرقمي", Email: "media@example.gov.jo"}, Subject: "سؤال",
			Text: "تحية طيبة، متى آخر موعد؟\n\nالفريق الإعلامي\nوزارة الاقتصاد الرقمي والريادة"},
			"", store.StakeholderGovernment, "وزارة الاقتصاد الرقمي والريادة"},
		{"not a person with a title", &Parsed{From: Address{Name: "الدكتورة ليلى حداد", Email: "laila.h@gmail.com"}, Subject: "سؤال",
			Text: "تحية طيبة، متى يغلق باب المساهمات؟\n\nليلى"},
			"", store.StakeholderOther, "-"},
		{"not a person's name", &Parsed{From: Address{Name: "الحسن بن علي", Email: "hassan.ali@gmail.com"}, Subject: "سؤال",
			Text: "تحية طيبة، متى يغلق باب المساهمات؟\n\nالحسن"},
			"", store.StakeholderOther, "-"},
	})
}

// TestWritersSpeakForTheirOwnBody pins that "our university", «наш университет», «notre
// ministère», «我校», «جامعتنا» (and «nuestra empresa», weAreCompany's) say the writer's
// type when nothing else does, and that a university mentioned without "our" says
// nothing.
func TestWritersSpeakForTheirOwnBody(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Name: "Наталья К", Email: "n.k@example-bgu.by"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nНаш университет хотел бы выдвинуть кандидата. Подскажите сроки?\n\nН. К."},
			"", store.StakeholderAcademia, ""},
		{"en", &Parsed{From: Address{Name: "Tom Reed", Email: "tom.reed@example.net"}, Subject: "Question",
			Text: "Hello,\n\nOur university would like to send two students. Is there a fee?\n\nTom"},
			"", store.StakeholderAcademia, ""},
		{"fr", &Parsed{From: Address{Name: "Luc M", Email: "luc@example.net"}, Subject: "Question",
			Text: "Bonjour,\n\nNotre ministère souhaite envoyer une délégation. Faut-il s'inscrire ?\n\nLuc"},
			"", store.StakeholderGovernment, ""},
		{"es", &Parsed{From: Address{Name: "Eva R", Email: "eva@example.net"}, Subject: "Consulta",
			Text: "Hola,\n\nNuestra empresa quisiera patrocinar una pausa de café. ¿Con quién hablamos?\n\nEva"},
			"", store.StakeholderPrivateSector, ""},
		{"zh", &Parsed{From: Address{Name: "王老师", Email: "wang@example.net"}, Subject: "咨询",
			Text: "您好，我校希望派学生参加论坛，请问如何报名？\n\n王老师"},
			"", store.StakeholderAcademia, ""},
		{"ar", &Parsed{From: Address{Name: "سامي", Email: "sami@example.net"}, Subject: "سؤال",
			Text: "تحية طيبة، ترغب جامعتنا في إرسال وفد، فهل التسجيل مفتوح؟\n\nسامي"},
			"", store.StakeholderAcademia, ""},
		{"not a university without our", &Parsed{From: Address{Name: "Tom Reed", Email: "tom.reed@example.net"}, Subject: "Question",
			Text: "Hello,\n\nMy daughter's university told me about the Forum. Is there a fee?\n\nTom"},
			"", store.StakeholderOther, ""},
	})
}

// TestStudiosSocietiesAndRectors pins that a photo studio is a company, a learned
// society (學會) a body of the academic community, a rector's post academic, and that
// initials after a title name the organisation when the domain spells them, in Latin
// letters for Cyrillic ones.
func TestStudiosSocietiesAndRectors(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a photo studio", &Parsed{From: Address{Name: "Фотостудия Объектив", Email: "studio@example-obektiv.ru"}, Subject: "Фото на конкурс",
			Text: "На конкурс: «Связь в горах». Автор — Иван Петров, фотостудия «Объектив»."},
			"", store.StakeholderPrivateSector, "Фотостудия Объектив"},
		{"a learned society", &Parsed{From: Address{Name: "林怡", Email: "office.tsis@gmail.com"}, Subject: "主題建議",
			Text: "秘書處 鈞鑒：\n\n本會謹提出以下主題建議。\n\n林怡 副教授\n台灣網路治理研究學會 秘書長"},
			"", store.StakeholderAcademia, "台灣網路治理研究學會"},
		{"a vice-rector and initials", &Parsed{From: Address{Name: "Ольга Сидорова", Email: "o.sidorova@bgtu.by"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nМожно ли выдвинуть кандидата от вуза? Подскажите сроки.\n\nО. Сидорова, проректор по научной работе БГТУ"},
			"", store.StakeholderAcademia, "БГТУ"},
		{"not initials the domain does not spell", &Parsed{From: Address{Name: "Ольга Сидорова", Email: "o.sidorova@example-tech.by"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nПодскажите сроки подачи предложений.\n\nО. Сидорова, менеджер по работе с партнёрами ИКТ"},
			"", "", "Example Tech"},
	})
}

// TestRemarksInSmallLettersAfterAName pins that a remark in brackets that opens in small
// letters ("(registered charity, Tamil Nadu)") is left out of the organisation's name,
// while initials or a host body in brackets stay.
func TestRemarksInSmallLettersAfterAName(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a charity's remark", &Parsed{From: Address{Name: "Priya Nair", Email: "priya@example-rct.org.in"}, Subject: "Question",
			Text: "Dear team,\n\nIs the deadline still open?\n\nMany thanks,\nPriya Nair\nProgramme Officer | Hill Schools Trust (registered charity, Kerala)"},
			"", store.StakeholderCivilSociety, "Hill Schools Trust"},
		{"initials stay", &Parsed{From: Address{Name: "Awa Sow", Email: "awa@example.sn"}, Subject: "Question",
			Text: "Bonjour,\n\nLa date limite est-elle maintenue ?\n\nAwa Sow\nChargée de programme, Fondation Numérique Sahel (FNS)"},
			"", store.StakeholderCivilSociety, "Fondation Numérique Sahel (FNS)"},
	})
}

// TestPartnershipOffers pins that a company's offer of partnership or sponsorship is no
// contribution and no inquiry, though it asks whom to talk to, and that a question
// about partnering in a workshop stays an inquiry.
func TestPartnershipOffers(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Lena M", Email: "lena@example-maps.io"}, Subject: "Partnership opportunity",
			Text: "Hello WSIS team!\n\nWe'd love to explore a partnership with ITU: co-branded content and a booth. Who would be the right person to talk to?\n\nLena"},
			store.KindOther, store.StakeholderPrivateSector, ""},
		{"fr", &Parsed{From: Address{Name: "Marc D", Email: "marc@example-agence.fr"}, Subject: "Partenariat",
			Text: "Bonjour,\n\nNous aimerions explorer un partenariat avec le Forum et disposons d'un budget de sponsoring. À qui faut-il écrire ?\n\nMarc"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Name: "Ana P", Email: "ana@example-datos.com"}, Subject: "Patrocinio",
			Text: "Hola,\n\nTenemos un presupuesto de patrocinio para 2019. ¿Con quién podemos hablar?\n\nAna"},
			store.KindOther, "", ""},
		{"not a question about partners in a workshop", &Parsed{From: Address{Name: "Tom R", Email: "tom@example.org"}, Subject: "Workshop partners?",
			Text: "Hello,\n\nCan a workshop proposal list two partner organisations from different countries?\n\nTom"},
			store.KindInquiry, "", ""},
	})
}

// TestWritersSayWhatBodyTheyAre pins that "We are a small network of …", «Nous sommes
// une association de …», «Somos una fundación que …» say civil society from a personal
// address, that «我们是…协会» names the body, and that "we are a team of students" or
// "we are an NGO-friendly company" do not say civil society.
func TestWritersSayWhatBodyTheyAre(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "John", Email: "john.o@gmail.com"}, Subject: "Input",
			Text: "Hi,\n\nWe are a small network of community radios in Uganda. Here is our input on local content.\n\nJohn"},
			"", store.StakeholderCivilSociety, ""},
		{"fr", &Parsed{From: Address{Name: "Marie", Email: "marie.k@gmail.com"}, Subject: "Contribution",
			Text: "Bonjour,\n\nNous sommes une association de jeunes développeurs à Abidjan. Voici notre contribution.\n\nMarie"},
			"", store.StakeholderCivilSociety, ""},
		{"es", &Parsed{From: Address{Name: "Carlos", Email: "carlos.m@gmail.com"}, Subject: "Aporte",
			Text: "Hola,\n\nSomos una fundación que trabaja con escuelas rurales en Oaxaca. Les compartimos nuestro aporte.\n\nCarlos"},
			"", store.StakeholderCivilSociety, ""},
		{"zh", &Parsed{From: Address{Name: "李伟", Email: "liwei@qq.com"}, Subject: "建议",
			Text: "您好！\n\n我们是云南乡村数字发展协会，希望就论坛主题提出建议。\n\n李伟"},
			"", store.StakeholderCivilSociety, "云南乡村数字发展协会"},
		{"not a team of students", &Parsed{From: Address{Name: "Ana", Email: "ana.l@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nWe are a team of students from Lima. Can we enter the photo contest?\n\nAna"},
			"", store.StakeholderOther, "-"},
		{"not Chinese writers who name no body", &Parsed{From: Address{Name: "王芳", Email: "wangfang@163.com"}, Subject: "咨询",
			Text: "您好，我们是几名大学生，请问可以参加摄影比赛吗？\n\n王芳"},
			"", "", "-"},
		{"not a company said without its name", &Parsed{From: Address{Name: "张强", Email: "zhangq@163.com"}, Subject: "咨询",
			Text: "您好，我们是一家公司，请问可以赞助论坛吗？\n\n张强"},
			"", "", "-"},
	})
}

// TestWritingOnBehalfOfABody pins that «أكتب إليكم باسم جمعية …», «Пишу от имени
// Ассоциации …» (named in the nominative) and «我代表中国互联网协会» name the writer's body
// from a personal address, and that a question whether a proposal must come from a
// body («باسم مؤسسة أم …», «от имени организации», «代表某个大学») names none.
func TestWritingOnBehalfOfABody(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar", &Parsed{From: Address{Name: "سارة", Email: "sara.m@gmail.com"}, Subject: "سؤال",
			Text: "تحية طيبة،\n\nأكتب إليكم باسم جمعية التنمية الرقمية في المغرب. متى آخر موعد؟\n\nسارة"},
			"", store.StakeholderCivilSociety, "جمعية التنمية الرقمية"},
		{"ru", &Parsed{From: Address{Name: "Иван", Email: "ivan.p@yandex.ru"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nПишу от имени Ассоциации интернет-провайдеров Урала. Когда крайний срок?\n\nИван"},
			"", store.StakeholderCivilSociety, "Ассоциация интернет-провайдеров Урала"},
		{"zh", &Parsed{From: Address{Name: "刘洋", Email: "liuyang@126.com"}, Subject: "咨询",
			Text: "您好，我代表中国互联网协会向秘书处咨询：截止日期是什么时候？\n\n刘洋"},
			"", store.StakeholderCivilSociety, "中国互联网协会"},
		{"not ar: asked about", &Parsed{From: Address{Name: "يوسف", Email: "youssef.b@gmail.com"}, Subject: "سؤال",
			Text: "السلام عليكم، هل يجب أن يكون المقترح باسم مؤسسة أم يمكن تقديمه بصفة فردية؟\n\nيوسف"},
			"", store.StakeholderOther, "-"},
		{"not ru: asked about", &Parsed{From: Address{Name: "Иван", Email: "ivan.p@yandex.ru"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nМожно ли подать заявку от имени организации? Подскажите, пожалуйста.\n\nИван"},
			"", store.StakeholderOther, "-"},
		{"not zh: some university", &Parsed{From: Address{Name: "刘洋", Email: "liuyang@126.com"}, Subject: "咨询",
			Text: "您好，请问是否需要代表某个大学，才能提交意见？\n\n刘洋"},
			"", "", "-"},
	})
}

// TestSenderNameBeforeTheOrganisation pins that a signature line that opens with the
// sender's name ("Priya Nair — Hill Schools Trust") names the organisation after it,
// while a display name that is the organisation keeps the line's name and address
// apart ("TechLetter Weekly, 27 Old Street").
func TestSenderNameBeforeTheOrganisation(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a person's name", &Parsed{From: Address{Name: "Priya Nair", Email: "priya.n@gmail.com"}, Subject: "Question",
			Text: "Dear team,\n\nIs the deadline still open?\n\nPriya Nair — Hill Schools Trust"},
			"", store.StakeholderCivilSociety, "Hill Schools Trust"},
		{"not an organisation's own name", &Parsed{From: Address{Name: "Lakeside Digital Foundation", Email: "info@example-ldf.org"}, Subject: "Question",
			Text: "Dear team,\n\nIs the deadline still open?\n\nLakeside Digital Foundation, Nairobi"},
			"", store.StakeholderCivilSociety, "Lakeside Digital Foundation"},
	})
}

// TestStudentsAndConsultantsWriteForThemselves pins that a student or an independent
// consultant writing from a personal address speaks for no organisation, whatever
// university the text names, and that a teacher who names the university does not.
func TestStudentsAndConsultantsWriteForThemselves(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Nina", Email: "nina.o@gmail.com"}, Subject: "Photo contest",
			Text: "Hello,\n\nI am a student at Makerere University. Can I send two photos?\n\nNina"},
			"", store.StakeholderOther, "-"},
		{"fr", &Parsed{From: Address{Name: "Camille", Email: "camille.l@laposte.net"}, Subject: "Inscription",
			Text: "Bonjour,\n\nJe suis étudiante en master à l'Université Lumière Lyon 2. L'inscription est-elle gratuite ?\n\nCamille"},
			"", store.StakeholderOther, "-"},
		{"es", &Parsed{From: Address{Name: "Diego", Email: "diego.h@hotmail.com"}, Subject: "Concurso",
			Text: "Hola,\n\nSoy estudiante de la Universidad de Guadalajara. ¿Cuántas fotos se pueden mandar?\n\nDiego"},
			"", store.StakeholderOther, "-"},
		{"ru", &Parsed{From: Address{Name: "Анна", Email: "anna.s@mail.ru"}, Subject: "Вопрос",
			Text: "Здравствуйте! Я студентка Московского государственного университета. Можно ли участвовать в фотоконкурсе?\n\nАнна"},
			"", store.StakeholderOther, "-"},
		{"zh", &Parsed{From: Address{Name: "王明", Email: "wangming@163.com"}, Subject: "问题",
			Text: "您好，我是清华大学的研究生，请问摄影比赛的截止日期？\n\n王明"},
			"", store.StakeholderOther, "-"},
		{"ar", &Parsed{From: Address{Name: "يوسف", Email: "youssef.b@gmail.com"}, Subject: "سؤال",
			Text: "السلام عليكم، أنا طالب دكتوراه في جامعة تونس المنار، فهل يمكنني إرسال مقترح؟\n\nيوسف"},
			"", store.StakeholderOther, "-"},
		{"fr: an independent consultant", &Parsed{From: Address{Name: "Pierre", Email: "pierre.d@gmail.com"}, Subject: "Question",
			Text: "Bonjour,\n\nJe suis consultant indépendant en transformation digitale. Puis-je participer au Forum ?\n\nPierre"},
			"", store.StakeholderOther, "-"},
		{"not a teacher", &Parsed{From: Address{Name: "Grace", Email: "grace.m@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nI am a lecturer at the Ministry of Education's Teacher Training College. My students want to enter. Is there an age limit?\n\nGrace"},
			"", store.StakeholderGovernment, ""},
	})
}

// TestOfficeDisplayNamesSpeltOut pins that a display name of two words that is an
// office ("Secretaría General") is the signature line that spells it out with its
// organisation, and that a person's two names are not.
func TestOfficeDisplayNamesSpeltOut(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "Secretaría General", Email: "sg@comunidadandina.org"}, Subject: "Consulta",
			Text: "Estimados, ¿cuándo cierra la convocatoria?\n\nSecretaría General de la Comunidad Andina"},
			"", store.StakeholderInternationalO, "Secretaría General de la Comunidad Andina"},
		{"not a person's name", &Parsed{From: Address{Name: "Ana Torres", Email: "ana@example-datos.com"}, Subject: "Consulta",
			Text: "Estimados, ¿cuándo cierra la convocatoria?\n\nAna Torres Vega\nDatos del Sur S.A."},
			"", store.StakeholderPrivateSector, "Datos del Sur S.A."},
	})
}

// TestBodiesMadeOfStates pins that a body the text says is made of states ("an
// alliance of 30 African countries", «regroupant 15 États», «que agrupa a 12 países»,
// «объединяющая 9 государств», «由21个国家组成», «تضم ثلاث عشرة دولة») is
// intergovernmental, and that a network with members in several countries is not.
func TestBodiesMadeOfStates(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Info", Email: "info@example-sa.org"}, Subject: "Submission",
			Text: "Dear Secretariat,\n\nSmart Lakes, an alliance of 30 African countries, submits its input on the themes.\n\nSmart Lakes Secretariat"},
			"", store.StakeholderInternationalO, ""},
		{"fr", &Parsed{From: Address{Name: "Info", Email: "info@example-cr.org"}, Subject: "Contribution",
			Text: "Madame, Monsieur,\n\nNotre commission, regroupant 15 États de la sous-région, transmet sa contribution.\n\nLe Secrétariat"},
			"", store.StakeholderInternationalO, ""},
		{"es", &Parsed{From: Address{Name: "Info", Email: "info@example-sica.org"}, Subject: "Aporte",
			Text: "Estimados:\n\nNuestra organización, que agrupa a 12 países de la región, envía su aporte.\n\nSecretaría"},
			"", store.StakeholderInternationalO, ""},
		{"ru", &Parsed{From: Address{Name: "Секретариат", Email: "info@example-rs.org"}, Subject: "Предложения",
			Text: "Уважаемые коллеги!\n\nНаш совет, объединяющий 9 государств региона, направляет предложения.\n\nСекретариат"},
			"", store.StakeholderInternationalO, ""},
		{"zh", &Parsed{From: Address{Name: "秘书处", Email: "info@example-apc.org"}, Subject: "意见",
			Text: "秘书处：\n\n本组织由21个国家组成，现提交意见。\n\n秘书处"},
			"", store.StakeholderInternationalO, ""},
		{"ar", &Parsed{From: Address{Name: "الأمانة", Email: "info@example-arab.org"}, Subject: "مساهمة",
			Text: "تحية طيبة،\n\nيتشرف المركز، الذي تضم ثلاث عشرة دولة عربية، بتقديم مساهمته.\n\nالأمانة"},
			"", store.StakeholderInternationalO, ""},
		{"not a network present in many countries", &Parsed{From: Address{Name: "Info", Email: "info@example-net.org"}, Subject: "Input",
			Text: "Dear Secretariat,\n\nWe are a network of NGOs from 30 countries and submit our input.\n\nRegards"},
			"", store.StakeholderCivilSociety, ""},
	})
}

// TestContributionsOfABody pins that "the contribution of Women in Tech Uganda",
// «la contribution de l'Association des Blogueurs du Mali», «مرفق مساهمة الجمعية
// التونسية للإنترنت» name the body from a personal address; that initials after a title
// with an elided article ("Président de l'ABM") are spelt out; and that "the
// contribution of Artificial Intelligence" names none.
func TestContributionsOfABody(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Maria", Email: "maria.n@gmail.com"}, Subject: "Submission",
			Text: "Dear Secretariat,\n\nPlease find attached the contribution of Women in Tech Uganda, a non-profit organisation.\n\nMaria Nakato\nFounder"},
			"", store.StakeholderCivilSociety, "Women in Tech Uganda"},
		{"fr", &Parsed{From: Address{Name: "Abdou", Email: "abdou.t@gmail.com"}, Subject: "Soumission",
			Text: "Bonjour,\n\nVeuillez trouver ci-joint la contribution de l'Association des Blogueurs du Mali (ABM).\n\nAbdou Traoré\nPrésident de l'ABM"},
			"", store.StakeholderCivilSociety, "Association des Blogueurs du Mali (ABM)"},
		{"ar", &Parsed{From: Address{Name: "كريم", Email: "karim.t@gmail.com"}, Subject: "مساهمة",
			Text: "تحية طيبة،\n\nمرفق مساهمة الجمعية التونسية للإنترنت.\n\nكريم\nرئيس الجمعية"},
			"", store.StakeholderCivilSociety, "الجمعية التونسية للإنترنت"},
		{"not a theme", &Parsed{From: Address{Name: "Tom", Email: "tom.r@gmail.com"}, Subject: "Submission",
			Text: "Dear Secretariat,\n\nMy submission is on the contribution of Artificial Intelligence to development.\n\nTom"},
			"", store.StakeholderOther, "-"},
		{"a team's line spells out nothing", &Parsed{From: Address{Name: "Youth IGF Lakeside", Email: "youthigf.lakeside@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nCan youth groups request a workshop?\n\nYouth IGF Lakeside team"},
			"", store.StakeholderCivilSociety, "Youth IGF Lakeside"},
	})
}

// TestOfficesNamesAndCases pins the organisation behind an office or a post: «Пресс-служба
// Фонда …» is the fund in the nominative, «Я работаю в Министерстве …» the ministry,
// "北京邮电大学国际合作处" the university, «我单位是…中心» the centre, «Soy funcionaria
// del Ministerio de Tecnologías de la Información» the ministry with its article; a
// network's company ("Red Andina … S.A.C.") is a company; and a unit whose name goes
// on with a word that is no body's ("Faculté des Sciences de la Santé") stays itself.
func TestOfficesNamesAndCases(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru: a press office's fund", &Parsed{From: Address{Name: "Пресс-служба", Email: "press@example-fond.ru"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nКогда крайний срок?\n\nПресс-служба Фонда развития цифровых инициатив"},
			"", store.StakeholderCivilSociety, "Фонд развития цифровых инициатив"},
		{"ru: working in a ministry", &Parsed{From: Address{Name: "Алексей", Email: "alexey.k@yandex.ru"}, Subject: "Вопрос",
			Text: "Добрый день!\n\nЯ работаю в Министерстве цифрового развития Республики Казахстан. Когда крайний срок?\n\nАлексей"},
			"", store.StakeholderGovernment, "Министерство цифрового развития Республики Казахстан"},
		{"zh: a university's office", &Parsed{From: Address{Name: "国际合作处", Email: "ic@example.edu.cn"}, Subject: "咨询",
			Text: "您好，请问截止日期？\n\n北京邮电大学国际合作处"},
			"", store.StakeholderAcademia, "北京邮电大学"},
		{"zh: our unit is", &Parsed{From: Address{Name: "李娜", Email: "lina.gd@gmail.com"}, Subject: "建议",
			Text: "秘书处：\n\n我单位是广东省数字政府建设中心，现提出以下建议。\n\n李娜"},
			"", "", "广东省数字政府建设中心"},
		{"es: a civil servant", &Parsed{From: Address{Name: "Rosa", Email: "rosa.p@gmail.com"}, Subject: "Consulta",
			Text: "Hola,\n\nSoy funcionaria del Ministerio de Tecnologías de la Información de Colombia. ¿Cuándo cierra?\n\nRosa"},
			"", store.StakeholderGovernment, "Ministerio de Tecnologías de la Información de Colombia"},
		{"es: a network's company", &Parsed{From: Address{Name: "Gerencia de Comunicaciones", Email: "gc@example-telco.com.pe"}, Subject: "Consulta",
			Text: "Estimados, ¿cuándo cierra?\n\nGerencia de Comunicaciones\nRed Andina de Telecomunicaciones S.A.C."},
			"", store.StakeholderPrivateSector, "Red Andina de Telecomunicaciones S.A.C."},
		{"not a parent that is no body", &Parsed{From: Address{Name: "Faculté des Sciences de la Santé", Email: "fss@example-univ.bj"}, Subject: "Question",
			Text: "Bonjour,\n\nQuelle est la date limite ?\n\nLe décanat"},
			"", store.StakeholderAcademia, "Faculté des Sciences de la Santé"},
	})
}

// TestPersonalDomains pins that an address at a domain of the sender's own name
// (john@johnsmith.me) is a personal one, that an independent researcher writes for
// themselves, that a country's network information centre (nic.br) is of the technical
// community, and that a team's mailbox at a domain that spells a display name is not
// personal.
func TestPersonalDomains(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a personal domain", &Parsed{From: Address{Name: "John Smith", Email: "john@johnsmith.me"}, Subject: "Question",
			Text: "Hi,\n\nCan individuals attend?\n\nJohn Smith\nIndependent researcher"},
			"", store.StakeholderOther, "-"},
		{"initials and surname", &Parsed{From: Address{Name: "Marie Dubois", Email: "mdubois@mariedubois.fr"}, Subject: "Question",
			Text: "Bonjour,\n\nJe suis chercheuse indépendante. Puis-je participer ?\n\nMarie Dubois"},
			"", store.StakeholderOther, "-"},
		{"a network information centre", &Parsed{From: Address{Name: "Ana Costa", Email: "ana@nic.example"}, Subject: "Question",
			Text: "Dear team,\n\nWhen is the deadline?\n\nAna Costa\nNIC.example"},
			"", store.StakeholderAcademia, ""},
		{"not a newsletter's mailbox", &Parsed{From: Address{Name: "Lakeside Weekly", Email: "news@lakesideweekly.net"}, Subject: "Issue 12",
			Text: "Lakeside Weekly - Issue 12\n\nThis week: spectrum auctions.\n\nLakeside Weekly, 27 Old Street, London"},
			"", "", "Lakeside Weekly"},
	})
}

// TestEmployeesNameTheirEmployer pins that a writer who says they are an employee
// («Я сотрудник Института …», "I am a staff member of …", «Soy empleada del …») names
// the employer from a personal address, and that a company's staff mentioned in the
// third person names none.
func TestEmployeesNameTheirEmployer(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Name: "Павел", Email: "pavel.n@gmail.com"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nЯ сотрудник Института проблем информатики РАН. Когда крайний срок?\n\nПавел"},
			"", store.StakeholderAcademia, "Институт проблем информатики РАН"},
		{"en", &Parsed{From: Address{Name: "Grace", Email: "grace.w@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nI am a staff member of the Ministry of Information and Communications Technology. When is the deadline?\n\nGrace"},
			"", store.StakeholderGovernment, "Ministry of Information and Communications Technology"},
		{"es", &Parsed{From: Address{Name: "Lucía", Email: "lucia.r@gmail.com"}, Subject: "Consulta",
			Text: "Hola,\n\nSoy empleada del Instituto Nacional de Estadística. ¿Cuándo cierra la convocatoria?\n\nLucía"},
			"", "", "Instituto Nacional de Estadística"},
		{"not staff in the third person", &Parsed{From: Address{Name: "Tom", Email: "tom.k@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nMy neighbour is an employee of a bank. Can I attend the Forum?\n\nTom"},
			"", store.StakeholderOther, "-"},
	})
}

// TestRegionsRegulatorsTogether pins that a region's regulators together (an
// association, an assembly, a forum of them) are intergovernmental, and that one
// country's regulator stays government.
func TestRegionsRegulatorsTogether(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Secretariat", Email: "info@example-crasa.org"}, Subject: "Question",
			Text: "Dear team,\n\nWhen is the deadline?\n\nExecutive Secretary\nCommunications Regulators' Association of Southern Africa"},
			"", store.StakeholderInternationalO, ""},
		{"fr", &Parsed{From: Address{Name: "Secrétariat", Email: "contact@example-artao.org"}, Subject: "Question",
			Text: "Bonjour, quelle est la date limite ?\n\nSecrétariat permanent\nAssemblée des Régulateurs des Télécommunications de l'Afrique de l'Ouest"},
			"", store.StakeholderInternationalO, ""},
		{"es", &Parsed{From: Address{Name: "Secretaría", Email: "secretaria@example-foro.org"}, Subject: "Consulta",
			Text: "Estimados, ¿cuándo cierra?\n\nSecretaría Ejecutiva\nForo Latinoamericano de Entes Reguladores de Telecomunicaciones"},
			"", store.StakeholderInternationalO, ""},
		{"not one country's regulator", &Parsed{From: Address{Name: "Info", Email: "info@example-reg.org.za"}, Subject: "Question",
			Text: "Dear team,\n\nWhen is the deadline?\n\nIndependent Communications Authority of South Africa"},
			"", store.StakeholderGovernment, ""},
	})
}

// TestUniversitiesChairsAndChineseBehalf pins that a signature line with a faculty and
// its university names the university ("كلية الإعلام، الجامعة اللبنانية", "Faculty of
// Law, University of Lakeside"), while a department beside its government stays the
// department; that a chair's title (主席, 會長) is left out of a Chinese name; that
// «本人代表…协会提交» names the association; and that «منسق المبادرة» alone names none.
func TestUniversitiesChairsAndChineseBehalf(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar: a faculty and its university", &Parsed{From: Address{Name: "ليلى", Email: "laila@example.edu.lb"}, Subject: "سؤال",
			Text: "تحية طيبة، متى آخر موعد؟\n\nليلى\nأستاذة مساعدة، كلية الإعلام، الجامعة اللبنانية"},
			"", store.StakeholderAcademia, "الجامعة اللبنانية"},
		{"en: a faculty and its university", &Parsed{From: Address{Name: "Kofi", Email: "kofi@example.edu.gh"}, Subject: "Question",
			Text: "Dear team, when is the deadline?\n\nKofi Boateng\nLecturer, Faculty of Law, University of Lakeside"},
			"", store.StakeholderAcademia, "University of Lakeside"},
		{"not a department beside its government", &Parsed{From: Address{Name: "Ravi", Email: "ravi@example.gov.in"}, Subject: "Question",
			Text: "Dear team, when is the deadline?\n\nRavi Kumar\nDeputy Director, Department of Telecommunications, Government of India"},
			"", store.StakeholderGovernment, "Department of Telecommunications"},
		{"zh: a chair's title", &Parsed{From: Address{Name: "黃先生", Email: "huang@example.com.hk"}, Subject: "查詢",
			Text: "您好，請問截止日期？\n\n黃志明\n香港數碼共融協會 主席"},
			"", store.StakeholderCivilSociety, "香港數碼共融協會"},
		{"zh: on behalf of an association", &Parsed{From: Address{Name: "陈明", Email: "chenming@163.com"}, Subject: "建议",
			Text: "秘书处：\n\n本人代表深圳市青少年科技教育协会提交以下建议。\n\n陈明"},
			"", store.StakeholderCivilSociety, "深圳市青少年科技教育协会"},
		{"ar: the initiative alone", &Parsed{From: Address{Name: "عمر", Email: "omar.k@gmail.com"}, Subject: "سؤال",
			Text: "تحية طيبة، متى آخر موعد؟\n\nعمر\nمنسق المبادرة"},
			"", "", "-"},
	})
}

// TestDeskRequestsBySubject pins that a subject naming a sponsor's offer, or a letter
// for a visa over a text that asks nothing, makes a request of the secretariat's desk,
// no contribution; so does a visa letter asked about, and a submission's subject
// outweighs the sponsor's word.
func TestDeskRequestsBySubject(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en sponsorship", &Parsed{From: Address{Email: "bd@example-av.com"}, Subject: "Sponsorship offer - WSIS Forum 2019",
			Text: "Dear organisers,\n\nOur company would be glad to sponsor the coffee breaks and provide live streaming of the interactive sessions in exchange for our logo.\n\nJohn Smith"},
			store.KindOther, "", ""},
		{"fr partnership", &Parsed{From: Address{Email: "t.l@example-agence.be"}, Subject: "Proposition de partenariat - Forum SMSI 2019",
			Text: "Madame, Monsieur,\n\nNotre agence propose la diffusion en direct de la cérémonie d'ouverture, à titre de parrainage, en échange de notre logo.\n\nThibault"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "ventas@example-eventos.es"}, Subject: "Propuesta de patrocinio",
			Text: "Estimados:\n\nNuestra empresa desea patrocinar la recepción y ofrecer una plataforma interactiva para el programa.\n\nLuis"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "pr@example-media.ru"}, Subject: "Предложение о спонсорстве",
			Text: "Здравствуйте!\n\nНаша компания готова выступить спонсором приёма и организовать прямую трансляцию пленарных заседаний.\n\nИван"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "bd@example-tech.cn"}, Subject: "论坛赞助意向",
			Text: "您好，我公司希望赞助论坛的茶歇，并提供互动式直播平台。\n\n王明"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "bd@example-sa.com"}, Subject: "عرض رعاية - منتدى 2019",
			Text: "تحية طيبة، نعرض عليكم رعاية حفل الاستقبال وتوفير منصة تفاعلية لعرض الجلسات.\n\nفهد"},
			store.KindOther, "", ""},
		{"zh visa letter asked for", &Parsed{From: Address{Email: "a@example.edu.cn"}, Subject: "邀请函申请（签证）",
			Text: "尊敬的秘书处：\n\n我校三名教师拟赴日内瓦参加论坛，现需办理签证，恳请贵处出具邀请函。\n\n1. 张 教授 护照号 E1XXXXXXX\n\n孙琪"},
			store.KindOther, "", ""},
		{"es visa letter asked for", &Parsed{From: Address{Email: "a@example.org.bo"}, Subject: "Carta de invitación para visa",
			Text: "Señores:\n\nDos compañeras participarán en el Foro y necesitan una carta de invitación para tramitar la visa. Les rogamos enviarla pronto.\n\nMarcelina"},
			store.KindOther, "", ""},
		{"visa letter asked about", &Parsed{From: Address{Email: "k@example.com"}, Subject: "Visa letter",
			Text: "Good day,\n\nI registered last week. Can the secretariat issue an invitation letter for my Swiss visa application?\n\nKwabena"},
			store.KindOther, "", ""},
		{"visa letter enquired about without a question mark", &Parsed{From: Address{Email: "m@example.int"}, Subject: "Визовая поддержка",
			Text: "Уважаемые коллеги,\n\nПросим сообщить, выдаёт ли секретариат письма для получения визы и какие документы необходимы.\n\nС уважением"},
			store.KindOther, "", ""},
		{"a submission's subject outweighs sponsorship", &Parsed{From: Address{Email: "x@example.org"}, Subject: "Official submission: sponsorship models for community networks",
			Text: "Dear Secretariat,\n\nPlease find our official submission on the thematic aspects: community networks need sponsorship models and spectrum rules (C2, C6).\n\nAna"},
			store.KindThematic, "", ""},
	})
}

// TestSubjectAsksAfterItsDash pins that the part of a subject after its last dash or
// colon says it asks ("Joint session - question"), so that numbered questions about
// a workshop make an inquiry; a subject that only opens with its own words does not.
func TestSubjectAsksAfterItsDash(t *testing.T) {
	body := "Dear colleagues,\n\nTwo practical questions before we send anything:\n\n1. We are considering co-organising a workshop on e-commerce. Should each organisation submit its own request, or one joint request?\n2. Is 10 February the deadline for the request only, or also for the speakers?\n\nMatthias"
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "m@example.int"}, Subject: "Joint session - question", Text: body}, store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "m@example.fr"}, Subject: "Atelier conjoint : questions",
			Text: "Bonjour,\n\nNous envisageons d'organiser un atelier commun. Faut-il envoyer une demande par organisation ?\nLa date du 10 février vaut-elle aussi pour la liste des intervenants ?\n\nMarie"}, store.KindInquiry, "", ""},
	})
	v := newVocabulary()
	for subject, want := range map[string]bool{
		"Joint session - question":            true,
		"Семинар: вопросы":                    true,
		"Workshop request - C7 e-commerce":    false,
		"Question-and-answer session request": true,
		"Submission - thematic aspects":       false,
	} {
		if got := v.subjectAsks(subject); got != want {
			t.Errorf("subjectAsks(%q) = %v, want %v", subject, got, want)
		}
	}
}

// TestCivilBodyInApposition pins that a name followed by a comma and a civil head that
// goes on ("Jàmm Connect, réseau citoyen sénégalais") says the writer's body is civil
// society, while a list of words ("Marché, réseau, sourire") or a forum named after a
// comma says nothing.
func TestCivilBodyInApposition(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "n.sarr@example-jamm.sn"}, Subject: "Demande d'atelier",
			Text: "Bonjour,\n\nJàmm Connect, réseau citoyen sénégalais pour l'accès au numérique des femmes rurales, demande à organiser un atelier de 45 minutes.\n\nNdèye Fatou Sarr"},
			"", store.StakeholderCivilSociety, ""},
		{"es somos", &Parsed{From: Address{Email: "wayra@gmail.com"}, Subject: "Carta",
			Text: "Señoras y señores:\n\nSomos Wayra Tinkuy, red de comunicadoras indígenas de Bolivia. Necesitamos una carta para la embajada.\n\nMarcelina"},
			"", store.StakeholderCivilSociety, ""},
		{"es desde", &Parsed{From: Address{Email: "nanduti@gmail.com"}, Subject: "Aporte temático",
			Text: "Estimados:\n\nDesde Ñandutí Conecta, colectivo de comunicadoras comunitarias del Paraguay, enviamos nuestro aporte sobre contenidos locales (C8).\n\nRosa"},
			"", store.StakeholderCivilSociety, ""},
		{"en", &Parsed{From: Address{Email: "info@example-bridge.net"}, Subject: "Workshop request",
			Text: "Dear team,\n\nBridgeLink, a network of volunteer trainers in rural Kenya, would like to hold a 60-minute workshop.\n\nAmos"},
			"", store.StakeholderCivilSociety, ""},
		{"ru", &Parsed{From: Address{Email: "info@example-most.kz"}, Subject: "Заявка",
			Text: "Здравствуйте!\n\nМы, Мост — сеть волонтёров цифровой грамотности, просим включить в программу нашу сессию.\n\nАйгуль"},
			"", store.StakeholderCivilSociety, ""},
		{"a list of words is no apposition", &Parsed{From: Address{Email: "jb@yahoo.fr"}, Subject: "Concours photo",
			Text: "Bonjour,\n\nVoici ma photo pour le concours.\n\nTitre : Marché, réseau, sourire\nLieu : Bujumbura\n\nJe suis photographe amateur.\n\nJean-Baptiste"},
			"", store.StakeholderOther, ""},
		{"a forum after a comma", &Parsed{From: Address{Email: "a.b@example-mail.net"}, Subject: "Question",
			Text: "Hello,\n\nAt the WSIS Forum, forum participants asked about the format. When is the deadline?\n\nAnna"},
			"", store.StakeholderOther, ""},
	})
}

// TestSellersTitlesNameACompany pins that a seller's title in the signature says a
// company writes when nothing else does, before a sentence's "agence" reads as a
// government's; a government's domain and a title in a sentence outweigh it.
func TestSellersTitlesNameACompany(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "t.lemaire@clairval.be"}, Subject: "Proposition de partenariat",
			Text: "Madame, Monsieur,\n\nClairval Communication, agence bruxelloise spécialisée dans la captation vidéo et la diffusion en direct d'événements institutionnels, serait heureuse de soutenir le Forum du SMSI 2019.\n\nNous proposons de prendre en charge, à titre de parrainage, la diffusion en direct de la cérémonie d'ouverture, en échange de la présence de notre logo.\n\nJe me tiens à votre disposition pour un échange téléphonique.\n\nBien cordialement,\n\nThibault Lemaire\nDirecteur commercial\nClairval Communication\nAvenue Louise 231, 1050 Bruxelles\n+32 2 640 18 77"},
			"", store.StakeholderPrivateSector, ""},
		{"en", &Parsed{From: Address{Email: "j.doe@example-streams.net"}, Subject: "Live streaming",
			Text: "Dear organisers,\n\nWe could stream the opening ceremony.\n\nBest,\n\nJane Doe\nBusiness Development Manager\nStreamWorks"},
			"", store.StakeholderPrivateSector, ""},
		{"es", &Parsed{From: Address{Email: "l.paz@example-av.com.pe"}, Subject: "Propuesta",
			Text: "Estimados:\n\nPodemos encargarnos de la traducción simultánea del Foro.\n\nSaludos,\n\nLuis Paz\nGerente Comercial\nAudiovisual Andina"},
			"", store.StakeholderPrivateSector, ""},
		{"ru", &Parsed{From: Address{Email: "i.orlov@example-tech.ru"}, Subject: "Предложение",
			Text: "Здравствуйте!\n\nМы можем обеспечить трансляцию пленарных заседаний.\n\nИван Орлов\nкоммерческий директор\nТехноСтрим"},
			"", store.StakeholderPrivateSector, ""},
		{"zh", &Parsed{From: Address{Email: "wang@example-av.cn"}, Subject: "合作",
			Text: "您好，我们可以为论坛提供直播服务。\n\n王明\n销售总监\n华音视讯"},
			"", store.StakeholderPrivateSector, ""},
		{"ar", &Parsed{From: Address{Email: "fahd@example-sa.net"}, Subject: "عرض",
			Text: "تحية طيبة، يمكننا توفير منصة لعرض جدول الجلسات.\n\nفهد العتيبي\nمدير تطوير الأعمال\nرواسي"},
			"", store.StakeholderPrivateSector, ""},
		{"a government's domain outweighs the title", &Parsed{From: Address{Email: "a.b@mincom.gov.example"}, Subject: "Session",
			Text: "Dear team,\n\nWe would like to hold a session.\n\nAnna Berg\nHead of Business Development\nMinistry of Trade"},
			"", store.StakeholderGovernment, ""},
		{"a title in a sentence is no signature", &Parsed{From: Address{Email: "anna@gmail.com"}, Subject: "Question",
			Text: "Hello,\n\nMy brother, a sales manager in Lagos, told me about the Forum. When does registration open?\n\nAnna"},
			"", store.StakeholderOther, ""},
	})
}

// TestOwnBodyOutweighsDotOrg pins that what the writer says their own body is (a
// laboratory, a university, a ministry) outweighs an address under .org, while a
// .org's writer who speaks of others' laboratories stays civil society.
func TestOwnBodyOutweighsDotOrg(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar", &Parsed{From: Address{Email: "o.h@example-netlab.org"}, Subject: "مقترحات",
			Text: "نرسل لكم مقترحاتنا بشأن شكل المنتدى.\n\nنحن مختبر بحثي مستقل يضم مهندسين وأكاديميين.\n\nعمر"},
			"", store.StakeholderAcademia, ""},
		{"en", &Parsed{From: Address{Email: "info@example-measure.org"}, Subject: "Format ideas",
			Text: "Dear secretariat,\n\nOur laboratory measures internet quality across the region and proposes remote hubs.\n\nOmar"},
			"", store.StakeholderAcademia, ""},
		{"ru", &Parsed{From: Address{Email: "info@example-lab.org"}, Subject: "Предложения",
			Text: "Здравствуйте!\n\nНаша лаборатория изучает качество интернета и предлагает удалённые площадки.\n\nОлег"},
			"", store.StakeholderAcademia, ""},
		{"zh", &Parsed{From: Address{Email: "info@example-lab.org"}, Subject: "建议",
			Text: "您好，本实验室长期研究网络质量，建议设立远程参会点。\n\n李明"},
			"", store.StakeholderAcademia, ""},
		{"others' laboratories stay civil society", &Parsed{From: Address{Email: "info@example-rights.org"}, Subject: "Ideas",
			Text: "Dear secretariat,\n\nRights groups across the region work with university laboratories, and propose remote hubs.\n\nOmar"},
			"", store.StakeholderCivilSociety, ""},
		{"an association under .org", &Parsed{From: Address{Email: "info@example-jam.org"}, Subject: "مقترحات",
			Text: "نحن جمعية تعمل مع طلاب الجامعات ونقترح مراكز مشاركة عن بعد.\n\nسلمى"},
			"", store.StakeholderCivilSociety, ""},
	})
}

// TestChinesePlaceLinesNameNoBody pins that a signature's last line that says where
// ("香港九龍旺角") is no organisation: the body's name above it is.
func TestChinesePlaceLinesNameNoBody(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"hk", &Parsed{From: Address{Name: "何美儀", Email: "info@example-bridge.org.hk"}, Subject: "論壇活動申請",
			Text: "各位好：\n\n我們希望在論壇期間舉辦一場研討會。\n\n謝謝！\n\n何美儀\n總幹事\n樂齡數碼橋\n香港九龍旺角\n電話：+852 2778 4102"},
			"", "", "樂齡數碼橋"},
		{"a body named after its city stays", &Parsed{From: Address{Name: "李明", Email: "li@example-sh.cn"}, Subject: "建议",
			Text: "您好，我们建议论坛增加远程参会。\n\n李明\n上海市信息服务业行业协会"},
			"", "", "上海市信息服务业行业协会"},
	})
}

// TestCommitmentsInTheFuture pins that a session the writer will organise ("organizará
// una sesión de trabajo de 90 minutos") is a workshop request, and that a facilitator
// proposed in Arabic with «تتولى تيسير» is a nomination; facilitating access is a theme.
func TestCommitmentsInTheFuture(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Email: "ic@example.es"}, Subject: "Re: Propuesta para el Foro",
			Text: "Hola de nuevo,\n\nOs confirmo nuestra solicitud: el laboratorio organizará una sesión de trabajo de 90 minutos en el Foro sobre redes comunitarias y conectividad rural.\n\nPonentes: tres investigadores.\n\nInés"},
			store.KindWorkshopRequest, "", ""},
		{"en", &Parsed{From: Address{Email: "a@example.org"}, Subject: "Our session",
			Text: "Dear team,\n\nWe will organise a 60-minute session on community networks and connectivity, with three speakers.\n\nAmos"},
			store.KindWorkshopRequest, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example.fr"}, Subject: "Notre atelier",
			Text: "Bonjour,\n\nNotre réseau organisera un atelier de 45 minutes sur la connectivité rurale, avec trois intervenantes.\n\nAwa"},
			store.KindWorkshopRequest, "", ""},
		{"ar nomination", &Parsed{From: Address{Email: "c@example-nesij.org"}, Subject: "مقترح بخصوص جلسات المسار الرفيع المستوى",
			Text: "تحية طيبة،\n\nيسعدنا أن نقترح اسم الأستاذة ليلى بن عمر لتتولى تيسير إحدى جلسات المسار الرفيع المستوى في منتدى 2019.\n\nنرفق سيرتها الذاتية لاحقا.\n\nسلمى"},
			store.KindHLTFNomination, "", ""},
		{"facilitating access is a theme", &Parsed{From: Address{Email: "c@example-jam.org"}, Subject: "مساهمة في المواضيع",
			Text: "تحية طيبة،\n\nنقترح أن يناقش المنتدى تيسير الوصول إلى المعلومات والمحتوى المحلي باللغة العربية (C3, C8).\n\nسلمى"},
			store.KindThematic, "", ""},
	})
}

// TestSignedNameTheTextRepeats pins that a writer from a personal address speaks for
// the signature line the text names too; their own name, a title or a place the text
// repeats is no organisation.
func TestSignedNameTheTextRepeats(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "Rosa Benítez", Email: "nanduticonecta@gmail.com"}, Subject: "Aporte temático",
			Text: "Estimados:\n\nDesde Ñandutí Conecta, colectivo de comunicadoras comunitarias del Paraguay, enviamos nuestro aporte sobre contenidos locales (C8).\n\nRosa Benítez\nCoordinación general\nÑandutí Conecta\nAsunción - Paraguay"},
			"", "", "Ñandutí Conecta"},
		{"es somos", &Parsed{From: Address{Name: "Marcelina Huanca", Email: "wayratinkuy@gmail.com"}, Subject: "Carta de invitación para visa",
			Text: "Señoras y señores:\n\nSomos Wayra Tinkuy, red de comunicadoras indígenas de Bolivia. Dos compañeras necesitan una carta de invitación.\n\nMarcelina Huanca\nCoordinadora\nWayra Tinkuy\nEl Alto - Bolivia"},
			"", "", "Wayra Tinkuy"},
		{"en", &Parsed{From: Address{Name: "Amos Kiprop", Email: "amos.k@gmail.com"}, Subject: "Workshop request",
			Text: "Dear team,\n\nRift Valley Makers would like to hold a 60-minute workshop on repair cafés.\n\nAmos Kiprop\nRift Valley Makers"},
			"", "", "Rift Valley Makers"},
		{"the writer's own name", &Parsed{From: Address{Name: "Marcelina Huanca", Email: "mhuanca@gmail.com"}, Subject: "Pregunta",
			Text: "Hola,\n\nMe llamo Marcelina Huanca y quisiera saber cuándo abre la inscripción.\n\nMarcelina Huanca"},
			"", "", "-"},
		{"the writer's first name", &Parsed{From: Address{Name: "Rahul Mehta", Email: "rahul.m@outlook.com"}, Subject: "Photo contest",
			Text: "Hi,\n\nRahul here, my entry for the photo contest is attached.\n\nRahul"},
			"", "", "-"},
		{"a place the text repeats", &Parsed{From: Address{Name: "Ana Paz", Email: "anapaz@gmail.com"}, Subject: "Pregunta",
			Text: "Hola,\n\nViajo desde La Paz - Bolivia y quisiera saber cuándo abre la inscripción.\n\nAna Paz\nLa Paz - Bolivia"},
			"", "", "-"},
	})
}

// TestArabicLaboratories pins that «مختبر» names a laboratory, as "laboratoire" and
// «实验室» do: the signature line is the organisation, not the city below it.
func TestArabicLaboratories(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar", &Parsed{From: Address{Name: "Omar Haddadin", Email: "o.h@example-netlab.org"}, Subject: "مقترحات بشأن شكل المنتدى",
			Text: "نرسل لكم مقترحاتنا بشأن شكل المنتدى: مراكز مشاركة عن بعد في العواصم الإقليمية.\n\nد. عمر حدادين\nباحث رئيسي\nمختبر المشرق لأبحاث الشبكات\nعمّان"},
			"", store.StakeholderAcademia, "مختبر المشرق لأبحاث الشبكات"},
	})
}
