package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestDeskRequestsThatAsk pins that a request of the secretariat's desk stays no
// contribution though it asks: a subject naming a journalist's accreditation with a
// question mark, a sponsor's offer with its kit attached, a letter for a visa asked for
// with the travellers' particulars or asked again in the desk's thread, and so is a visa
// letter or a press accreditation asked about in a new message. A submission's subject
// stays what it was.
func TestDeskRequestsThatAsk(t *testing.T) {
	kit := []Attachment{{Filename: "kit.pdf", ContentType: "application/pdf", Size: 90000}}
	runSuggestCases(t, []suggestCase{
		{"en accreditation asked", &Parsed{From: Address{Email: "j.w@example-mail.net"}, Subject: "Media accreditation for the Forum?",
			Text: "Hello,\n\nI write for an online magazine and would like to cover the Forum. Could you register me and tell me where to collect the badge?\n\nJo"},
			store.KindOther, "", ""},
		{"fr accreditation asked", &Parsed{From: Address{Email: "p.r@example-hebdo.fr"}, Subject: "Accréditation presse ?",
			Text: "Bonjour,\n\nJe suis journaliste pigiste. Pourriez-vous m'accréditer pour le Forum ?\n\nPaul"},
			store.KindOther, "", ""},
		{"ru accreditation asked", &Parsed{From: Address{Email: "o@example-media.ru"}, Subject: "Аккредитация прессы?",
			Text: "Здравствуйте!\n\nМожно ли аккредитовать нашего корреспондента на Форум?\n\nОльга"},
			store.KindOther, "", ""},
		{"fr sponsorship with its kit", &Parsed{From: Address{Email: "partenariats@example-solaire.ci"}, Subject: "Proposition de parrainage",
			Text: "Madame, Monsieur,\n\nNotre société souhaiterait parrainer une pause-café du Forum. Notre kit partenaires est joint. Pourriez-vous nous indiquer la personne à contacter ?\n\nMariam", Attachments: kit},
			store.KindOther, "", ""},
		{"es sponsorship with its kit", &Parsed{From: Address{Email: "alianzas@example-nube.mx"}, Subject: "Propuesta de patrocinio",
			Text: "Estimados:\n\nNuestra empresa desea patrocinar la recepción. Adjuntamos nuestro dossier. ¿Con quién podemos hablar?\n\nPaola", Attachments: kit},
			store.KindOther, "", ""},
		{"zh sponsorship with its kit", &Parsed{From: Address{Email: "bd@example-tech.cn"}, Subject: "论坛赞助",
			Text: "您好，我公司希望赞助论坛茶歇，附上合作方案。请问应联系哪位？\n\n王明", Attachments: kit},
			store.KindOther, "", ""},
		{"es visa letters with the travellers' particulars", &Parsed{From: Address{Email: "d@example.edu.ar"}, Subject: "Cartas para visa",
			Text: "Estimados:\n\nTres docentes asistirán al Foro. ¿Podrían emitir una carta para cada uno? Datos:\n\n- Dra. Ana Ruiz, DNI 22.471.330\n- Ing. Juan Gil, DNI 34.102.955\n- Lic. Eva Paz, DNI 38.776.014\n\nQuedo atento."},
			store.KindOther, "", ""},
		{"en visa letters with passports", &Parsed{From: Address{Email: "d@example.ac.ke"}, Subject: "Visa letters for our delegation",
			Text: "Dear team,\n\nCould you issue invitation letters for our two delegates?\n\n1. Mary Otieno, passport AK4471330\n2. John Kamau, passport AK3410295\n\nThanks"},
			store.KindOther, "", ""},
		{"ru visa letters with passports", &Parsed{From: Address{Email: "m@example.kz"}, Subject: "Визовая поддержка",
			Text: "Здравствуйте!\n\nНе могли бы вы выдать письма для визы?\n\n1. Иванов И. И., паспорт N12345678\n2. Петрова А. А., паспорт N87654321\n\nС уважением"},
			store.KindOther, "", ""},
		{"ar visa letter asked again in the thread", &Parsed{From: Address{Email: "l@gmail.com"}, Subject: "Re: طلب رسالة دعوة",
			Text: "شكرا على ردكم. هل يمكن إرسال رسالة الدعوة إلى السفارة مباشرة؟\n\nليلى"},
			store.KindOther, "", ""},
		{"fr visa letter asked again in the thread", &Parsed{From: Address{Email: "a@example.sn"}, Subject: "RE: Lettre d'invitation",
			Text: "Merci. Pourriez-vous corriger mon nom sur la lettre ? Il manque le second prénom.\n\nAwa"},
			store.KindOther, "", ""},
		{"a visa letter asked about in a new message", &Parsed{From: Address{Email: "k@example.com"}, Subject: "Visa letter",
			Text: "Good day,\n\nI registered last week. Can the secretariat issue an invitation letter for my Swiss visa application?\n\nKwabena"},
			store.KindOther, "", ""},
		{"a numbered list of questions about visas lists no particulars", &Parsed{From: Address{Email: "k@example.com"}, Subject: "Visa letter",
			Text: "Good day,\n\nTwo questions:\n1. Can the secretariat issue invitation letters?\n2. How long does it take?\n\nKwabena"},
			store.KindOther, "", ""},
		{"a subject with the word of a question", &Parsed{From: Address{Email: "a.b@example.net"}, Subject: "Question: press accreditation?",
			Text: "Bonjour, comment obtenir une accréditation presse pour le Forum ? Merci."},
			store.KindOther, "", ""},
		{"a submission's subject outweighs the sponsor's word with an attachment", &Parsed{From: Address{Email: "x@example.org"}, Subject: "Official submission: sponsorship models for community networks",
			Text: "Dear Secretariat,\n\nPlease find attached our official submission on the thematic aspects: community networks need sponsorship models (C2, C6).\n\nAna", Attachments: kit},
			store.KindThematic, "", ""},
	})
}

// TestReportedQuestions pins that a question reported for someone ("La diputada consulta
// si los parlamentos pueden…", "The Minister asks whether…") asks, in six languages; a
// text that only names a consultation or a request does not.
func TestReportedQuestions(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Email: "despacho@example.go.cr"}, Subject: "Participación parlamentaria",
			Text: "Buenos días,\n\nLa diputada Solano consulta si los parlamentos pueden presentar contribuciones propias, y si la fecha límite aplica también.\n\nAgradecemos su orientación."},
			store.KindInquiry, "", ""},
		{"en", &Parsed{From: Address{Email: "office@example.gov.gh"}, Subject: "Parliamentary participation",
			Text: "Good morning,\n\nThe Chair of the ICT Committee asks whether parliaments may send their own contributions to the consultation.\n\nWe thank you for your guidance."},
			store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "cabinet@example.gouv.sn"}, Subject: "Participation parlementaire",
			Text: "Bonjour,\n\nLe président de la commission demande si les parlements peuvent soumettre leurs propres contributions.\n\nAvec nos remerciements."},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "apparat@example.gov.kz"}, Subject: "Участие парламента",
			Text: "Добрый день!\n\nПредседатель комитета интересуется, можно ли парламентам направить собственные предложения.\n\nБлагодарим за разъяснение."},
			store.KindInquiry, "", ""},
		{"zh", &Parsed{From: Address{Email: "office@example.gov.cn"}, Subject: "议会参与",
			Text: "您好！\n\n委员会主任询问是否议会可以单独提交意见。\n\n谢谢指导。"},
			store.KindInquiry, "", ""},
		{"ar", &Parsed{From: Address{Email: "office@example.gov.jo"}, Subject: "مشاركة البرلمان",
			Text: "تحية طيبة،\n\nيستفسر رئيس اللجنة عما إذا كان بإمكان البرلمانات تقديم مساهمات خاصة بها.\n\nشكرا لتوجيهكم."},
			store.KindInquiry, "", ""},
		{"the consultation named, nothing asked", &Parsed{From: Address{Email: "despacho@example.go.cr"}, Subject: "Contribución a la consulta",
			Text: "Buenos días,\n\nEn la consulta sobre el Foro proponemos tratar la conectividad rural y la alfabetización digital de las comunidades indígenas, con especial atención a las mujeres y a los jóvenes de las zonas remotas del país.\n\nSaludos."},
			store.KindThematic, "", ""},
	})
}

// TestRepliesThatAsk pins that a short reply asking about submitting, under a subject that
// names the earlier message's submission, is an inquiry; a reply that sends its revised
// submission is none.
func TestRepliesThatAsk(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example.or.ke"}, Subject: "Re: Your submission WSIS/2019",
			Text: "Thank you for the acknowledgement. May we also send a separate paper on the format of the Forum, or does each organisation get only one?\n\nAgnes"},
			store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example.sn"}, Subject: "RE: Votre contribution SMSI/2019",
			Text: "Merci de l'accusé de réception. Pouvons-nous aussi envoyer un texte sur le format du Forum ?\n\nAwa"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "l@example.org.pe"}, Subject: "RE: Su contribución",
			Text: "Gracias por el acuse. ¿Podemos enviar también un texto sobre el formato del Foro?\n\nLuis"},
			store.KindInquiry, "", ""},
		{"a reply that sends its revised submission", &Parsed{From: Address{Email: "a@example.or.ke"}, Subject: "Re: Your submission WSIS/2019",
			Text: "Thank you. Please find below our revised submission on the format of the Forum: shorter plenaries and more interactive sessions. Is that fine?\n\nAgnes"},
			store.KindFormat, "", ""},
	})
}

// TestCompaniesSignedFromPersonalAddresses pins that a writer from a personal address
// who signs with a company's name ending with a trade word ("Quillstone Analytics",
// "Vernier & Associés Conseil", "云杉数据科技"), or who names the company in quotation marks
// after a company noun («Компания «Сибирские облачные системы»»), speaks for a company;
// a post, a department or a lower-case description names none.
func TestCompaniesSignedFromPersonalAddresses(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Ravi Menon", Email: "ravi.m@gmail.com"}, Subject: "Deadline",
			Text: "Hi - is the deadline midnight Geneva time or UTC?\n\nRavi\nQuillstone Analytics (Bangalore / London)"},
			"", store.StakeholderPrivateSector, "Quillstone Analytics"},
		{"fr", &Parsed{From: Address{Name: "Philippe Vernier", Email: "p.vernier@orange.fr"}, Subject: "Suggestions",
			Text: "Bonjour,\n\nVoici nos suggestions sur l'organisation du Forum.\n\nCordialement,\nPhilippe Vernier\nAssocié gérant - Vernier & Associés Conseil, cabinet de conseil, Lyon"},
			"", store.StakeholderPrivateSector, "Vernier & Associés Conseil"},
		{"es", &Parsed{From: Address{Name: "Lucía Ramos", Email: "lucia.ramos@hotmail.com"}, Subject: "Consulta",
			Text: "Buenos días:\n\n¿Hasta cuándo se reciben propuestas?\n\nLucía Ramos\nAndina Soluciones Digitales\nQuito"},
			"", store.StakeholderPrivateSector, "Andina Soluciones Digitales"},
		{"zh", &Parsed{From: Address{Name: "王磊", Email: "wanglei@163.com"}, Subject: "咨询",
			Text: "您好！\n\n请问提交截止时间是日内瓦时间吗？\n\n王磊\n云杉数据科技"},
			"", store.StakeholderPrivateSector, "云杉数据科技"},
		{"ru quoted", &Parsed{From: Address{Name: "Марина Кравец", Email: "m.kravets@yandex.ru"}, Subject: "Заявка на семинар",
			Text: "Добрый день!\n\nКомпания «Сибирские облачные системы» подает заявку на проведение семинара.\n\nМарина Кравец\nдиректор по развитию"},
			"", store.StakeholderPrivateSector, "Сибирские облачные системы"},
		{"fr quoted", &Parsed{From: Address{Name: "Awa Ndiaye", Email: "awa.ndiaye@yahoo.fr"}, Subject: "Atelier",
			Text: "Bonjour,\n\nLa société « Kora Data » souhaite organiser un atelier sur les données ouvertes.\n\nAwa Ndiaye"},
			"", store.StakeholderPrivateSector, "Kora Data"},
		{"es quoted", &Parsed{From: Address{Name: "Jorge Paz", Email: "jpaz@gmail.com"}, Subject: "Propuesta",
			Text: "Estimados:\n\nLa empresa \"Andes Datos\" propone un taller sobre datos abiertos.\n\nJorge Paz"},
			"", store.StakeholderPrivateSector, "Andes Datos"},
		{"ar company named in the text", &Parsed{From: Address{Name: "فهد", Email: "fahd.k@gmail.com"}, Subject: "استفسار",
			Text: "تحية طيبة،\n\nنحن شركة نبض للحلول الرقمية، هل يمكن المشاركة في المعرض؟\n\nفهد"},
			"", store.StakeholderPrivateSector, ""},
		{"a post in information systems names no company", &Parsed{From: Address{Name: "Jane Doe", Email: "jane.doe@gmail.com"}, Subject: "Deadline",
			Text: "Hello, is the deadline 10 February?\n\nJane Doe\nDirector of Information Systems"},
			"", store.StakeholderOther, "-"},
		{"a trade word alone names no company", &Parsed{From: Address{Name: "Jane Doe", Email: "jane.doe@gmail.com"}, Subject: "Deadline",
			Text: "Hello, is the deadline 10 February?\n\nJane Doe\nAnalytics"},
			"", store.StakeholderOther, "-"},
		{"a post names no company", &Parsed{From: Address{Name: "Jane Doe", Email: "jane.doe@gmail.com"}, Subject: "Deadline",
			Text: "Hello, is the deadline 10 February?\n\nJane Doe\nHead of Analytics"},
			"", store.StakeholderOther, "-"},
		{"a quoted word in lower case names no company", &Parsed{From: Address{Name: "Jane Doe", Email: "jane.doe@gmail.com"}, Subject: "Question",
			Text: "Hello, can a company \"as is\" take part?\n\nJane Doe"},
			"", store.StakeholderOther, "-"},
	})
}

// TestTradeName pins the names tradeName takes for a company's and those it does not.
func TestTradeName(t *testing.T) {
	for part, want := range map[string]string{
		"Quillstone Analytics (Bangalore":   "Analytics",
		"Vernier & Associés Conseil":        "Conseil",
		"Patagonia Sistemas":                "Sistemas",
		"Nordlys Software Partners":         "Partners",
		"云杉数据科技":                            "科技",
		"Solutions":                         "",
		"Systems and Solutions":             "",
		"Department of Information Systems": "",
		"digital solutions":                 "",
		"Digital Rights Foundation":         "",
		"科技":                                "",
	} {
		if got := tradeName(part); got != want {
			t.Errorf("tradeName(%q) = %q, want %q", part, got, want)
		}
	}
}

// TestDomainSpelledInText pins that a domain's label named as one word
// ("Tamarindcollective") gives way to the name the text spells it with, in any of the six
// languages, the words after it that are capitalised included; a text that spells it
// nowhere, in lower case only, or with a word that breaks it keeps the domain's.
func TestDomainSpelledInText(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Name: "Priya Raman", Email: "priya@tamarindcollective.in"}, Subject: "Workshop",
			Text: "Hello,\n\nAt Tamarind Collective we train rural women to run community radios. We would like to host a session.\n\nPriya Raman\nProgramme Lead"},
			"", "", "Tamarind Collective"},
		{"en with a word skipped", &Parsed{From: Address{Name: "Daniel Ochieng", Email: "d.ochieng@lakesidetech.org"}, Subject: "Format",
			Text: "Dear colleagues,\n\nSome suggestions on the format.\n\nRegards\nDaniel Ochieng\nProfessor, School of Computing, Lakeside Institute of Technology, Kisumu"},
			"", "", "Lakeside Institute of Technology"},
		{"en with the words after it", &Parsed{From: Address{Name: "Agnes Wambui", Email: "agnes@kiberareads.or.ke"}, Subject: "Question",
			Text: "Hello, may we send two papers?\n\nAgnes Wambui\nCoordinator, Kibera Reads Trust - community libraries"},
			"", "", "Kibera Reads Trust"},
		{"fr", &Parsed{From: Address{Name: "Aïssatou Kane", Email: "a.kane@ateliersbaobab.org"}, Subject: "Proposition",
			Text: "Bonjour,\n\nNotre association, Les Ateliers Baobab, forme chaque année 800 jeunes.\n\nAïssatou Kane"},
			"", "", "Ateliers Baobab"},
		{"es", &Parsed{From: Address{Name: "Rosa Quispe", Email: "rosa@redandinadigital.org.pe"}, Subject: "Aporte",
			Text: "Estimados:\n\nDesde la Red Andina Digital proponemos tratar la conectividad rural.\n\nRosa Quispe"},
			"", "", "Red Andina Digital"},
		{"ru with a Latin name", &Parsed{From: Address{Name: "Айгуль Садыкова", Email: "a.s@steppecoders.kz"}, Subject: "Предложение",
			Text: "Добрый день!\n\nКоманда Steppe Coders предлагает тему для Форума.\n\nАйгуль Садыкова"},
			"", "", "Steppe Coders"},
		{"zh with a Latin name", &Parsed{From: Address{Name: "陈敏", Email: "chen@brightbridgehk.org"}, Subject: "建议",
			Text: "您好！\n\n我们 Bright Bridge HK 建议论坛增加青年环节。\n\n陈敏"},
			"", "", "Bright Bridge HK"},
		{"ar with a Latin name", &Parsed{From: Address{Name: "سامي", Email: "sami@cedarcode.org.lb"}, Subject: "اقتراح",
			Text: "تحية طيبة،\n\nتقترح مبادرة Cedar Code تخصيص جلسة للشباب.\n\nسامي"},
			"", "", "Cedar Code"},
		{"spelled nowhere", &Parsed{From: Address{Name: "Priya Raman", Email: "priya@tamarindcollective.in"}, Subject: "Workshop",
			Text: "Hello,\n\nWe train rural women to run community radios.\n\nPriya Raman"},
			"", "", "Tamarindcollective"},
		{"in lower case only", &Parsed{From: Address{Name: "Priya Raman", Email: "priya@tamarindcollective.in"}, Subject: "Workshop",
			Text: "Hello,\n\nSee tamarind collective dot in for our work.\n\nPriya Raman"},
			"", "", "Tamarindcollective"},
		{"broken by a comma", &Parsed{From: Address{Name: "Priya Raman", Email: "priya@tamarindcollective.in"}, Subject: "Workshop",
			Text: "Hello,\n\nWe grow Tamarind, Collective farming is our work.\n\nPriya Raman"},
			"", "", "Tamarindcollective"},
	})
}

// TestSentencesThatNameNoSender pins that a sentence opening with the writers ("Somos una
// asociación civil…", "We are a network…") or with the body addressed ("A la Secretaría
// del Foro CMSI:", "To the WSIS Secretariat:") names no organisation, so that the next
// sentence or the domain does; and that «نرغب في بلدية … في معرفة» names the body the
// writers are at.
func TestSentencesThatNameNoSender(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es the writers", &Parsed{From: Address{Name: "Wayna", Email: "contacto@wayna.org.pe"}, Subject: "Aporte",
			Text: "Hola equipo:\n\nSomos una asociación civil sin fines de lucro que opera redes comunitarias en Cusco. Proponemos tratar el espectro para redes comunitarias.\n\nRosa Quispe\ncoordinadora"},
			"", store.StakeholderCivilSociety, "WAYNA"},
		{"en the writers", &Parsed{From: Address{Name: "Mesh Kenya", Email: "info@meshke.org"}, Subject: "Input",
			Text: "Dear team,\n\nWe are a foundation of volunteers running mesh networks in Kibera. We propose a theme on community networks.\n\nAnn Wairimu"},
			"", store.StakeholderCivilSociety, ""},
		{"fr the writers", &Parsed{From: Address{Name: "Awa Sy", Email: "awa@sahelnum.org"}, Subject: "Contribution",
			Text: "Bonjour,\n\nNous sommes une association de jeunes développeurs de Thiès. Nous proposons un thème sur l'inclusion numérique.\n\nAwa Sy"},
			"", store.StakeholderCivilSociety, ""},
		{"es the body addressed", &Parsed{From: Address{Name: "ILED", Email: "investigacion@iled-la.org"}, Subject: "Contribución oficial",
			Text: "A la Secretaría del Foro CMSI:\n\nEl Instituto Latinoamericano de Estudios Digitales (ILED), centro de investigación independiente, remite su contribución oficial.\n\nDra. Natalia Ospina"},
			"", store.StakeholderAcademia, "El Instituto Latinoamericano de Estudios Digitales"},
		{"en the body addressed", &Parsed{From: Address{Name: "Lakeview", Email: "office@lakeview-ri.org"}, Subject: "Submission",
			Text: "To the Secretariat of the WSIS Forum:\n\nThe Lakeview Research Institute submits its contribution on the thematic aspects of the Forum.\n\nJ. Otieno"},
			"", store.StakeholderAcademia, "The Lakeview Research Institute"},
		{"ar the body the writers are at", &Parsed{From: Address{Name: "عمر", Email: "omar@irbid.gov.jo"}, Subject: "استفسار",
			Text: "السلام عليكم،\n\nنرغب في بلدية إربد الكبرى في معرفة ما إذا كان يحق للبلديات تنظيم ورشة عمل.\n\nعمر"},
			"", store.StakeholderGovernment, "بلدية إربد الكبرى (IRBID)"},
		{"ar the writers describe", &Parsed{From: Address{Name: "سامي", Email: "sami@arabnet.org"}, Subject: "مساهمة",
			Text: "تحية طيبة،\n\nنحن جمعية غير ربحية تعمل في مجال الشمول الرقمي منذ عشر سنوات. نقترح موضوعا عن الشمول الرقمي.\n\nسامي"},
			"", store.StakeholderCivilSociety, ""},
		{"a body opening the sentence still names itself", &Parsed{From: Address{Name: "UC", Email: "info@ucuenca.edu.ec"}, Subject: "Aporte",
			Text: "Estimados:\n\nLa Universidad de Cuenca propone un tema sobre datos abiertos en el sector público.\n\nSaludos"},
			"", store.StakeholderAcademia, "La Universidad de Cuenca"},
	})
}

// TestNameInTheTextsScript pins that an organisation named in Latin letters (a display
// name, an English signature) under a text in Arabic, Chinese or Russian gives way to the
// name the text gives in its own script; a Latin text, a sentence of the text in the
// signature's place and a name the text does not give keep the Latin one.
func TestNameInTheTextsScript(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar a verb before the body", &Parsed{From: Address{Name: "Sanabel Telecom Group", Email: "regulatory@sanabel-tel.com"}, Subject: "مساهمة",
			Text: "إلى أمانة المنتدى،\n\nتتقدم مجموعة سنابل للاتصالات بمساهمتها الرسمية في الجوانب الموضوعية للمنتدى.\n\nNadia Khoury\nHead of Regulatory Affairs, Sanabel Telecom Group"},
			"", store.StakeholderPrivateSector, "مجموعة سنابل للاتصالات"},
		{"zh the signature's name", &Parsed{From: Address{Name: "Digital Inclusion HK", Email: "hello@digiinclusion.org.hk"}, Subject: "論壇形式建議",
			Text: "秘書處各位：\n\n本會是香港的非牟利團體。就論壇的形式，我們建議所有會議提供即時字幕。\n\n數碼共融協會\n幹事 黃嘉敏"},
			"", store.StakeholderCivilSociety, "數碼共融協會"},
		{"ru the body the text opens with", &Parsed{From: Address{Name: "Бакыт Осмонова", Email: "bosmonova@unicef.org"}, Subject: "Фотоконкурс",
			Text: "Добрый день!\n\nПредставительство ЮНИСЕФ в Кыргызстане направляет фотографию на фотоконкурс.\n\nБакыт Осмонова\nспециалист по коммуникациям\nUNICEF Kyrgyzstan Country Office, Bishkek"},
			"", store.StakeholderInternationalO, "Представительство ЮНИСЕФ в Кыргызстане"},
		{"ru an acronym spelled out", &Parsed{From: Address{Name: "Айгерим", Email: "aigerim.zh@mail.ru"}, Subject: "Официальный вклад",
			Text: "Уважаемая госпожа Сах!\n\nМинистерство информации и коммуникаций Республики Казахстан направляет официальный вклад.\n\nАйгерим\nглавный эксперт\nМинистерство информации и коммуникаций РК, г. Астана"},
			"", store.StakeholderGovernment, "Министерство информации и коммуникаций Республики Казахстан"},
		{"en a Latin text keeps its name", &Parsed{From: Address{Name: "Sanabel Telecom Group", Email: "regulatory@sanabel-tel.com"}, Subject: "Contribution",
			Text: "Dear Secretariat,\n\nSanabel Telecom Group submits its contribution on the thematic aspects.\n\nNadia Khoury\nHead of Regulatory Affairs, Sanabel Telecom Group"},
			"", store.StakeholderPrivateSector, "Sanabel Telecom Group"},
		{"ru a sentence about the writers is no signature", &Parsed{From: Address{Name: "Alpika Event", Email: "info@alpika-event.ch"}, Subject: "Трансфер",
			Text: "Добрый день!\n\nНаша компания предлагает трансфер для делегаций Форума.\n\nАнна Ковалева\nAlpika Event Sàrl"},
			"", store.StakeholderPrivateSector, "Alpika Event Sàrl"},
		{"zh a name the text does not give", &Parsed{From: Address{Name: "陈敏 | Bright Bridge HK", Email: "chen@bbhk.org.hk"}, Subject: "建議",
			Text: "您好！\n\n我們建議論壇增加青年環節，並提供即時字幕。\n\n陳敏"},
			"", "", "BBHK"},
	})
}

// TestDisplayNameWrittenFrom pins that the display name of a personal address is the
// organisation when the text names it as the body the writer writes from or for
// ("Desde Nodo Sur, cooperativa…", "At Mesh Kibera we…", «От имени …», «باسم …»,
// "代表…"); a person's display name, or one the text names otherwise, is not.
func TestDisplayNameWrittenFrom(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "Nodo Sur", Email: "nodosur.coop@gmail.com"}, Subject: "Sesión",
			Text: "Hola! Desde Nodo Sur, cooperativa de trabajo sin fines de lucro, queremos organizar una sesión.\n\nMartina Ledesma"},
			"", "", "Nodo Sur"},
		{"en", &Parsed{From: Address{Name: "Mesh Kibera", Email: "meshkibera@gmail.com"}, Subject: "Input",
			Text: "Hello,\n\nAt Mesh Kibera we run community wifi for 2,000 households. We propose a theme on community networks.\n\nAnn"},
			"", "", "Mesh Kibera"},
		{"fr", &Parsed{From: Address{Name: "Jeunes du Numérique", Email: "jeunesnum@yahoo.fr"}, Subject: "Contribution",
			Text: "Bonjour,\n\nAu nom de Jeunes du Numérique, nous proposons un thème sur l'emploi des jeunes.\n\nAwa"},
			"", "", "Jeunes du Numérique"},
		{"ru", &Parsed{From: Address{Name: "Цифровая Ферғана", Email: "cifra.fergana@mail.ru"}, Subject: "Предложение",
			Text: "Здравствуйте!\n\nОт имени Цифровая Ферғана предлагаем тему о цифровой грамотности.\n\nМадина"},
			"", "", "Цифровая Ферғана"},
		{"ar", &Parsed{From: Address{Name: "شباب رقمي", Email: "digital.youth.iq@gmail.com"}, Subject: "مساهمة",
			Text: "تحية طيبة،\n\nباسم شباب رقمي نقترح موضوعا عن الإدماج الرقمي للاجئين.\n\nأحمد"},
			"", "", "شباب رقمي"},
		{"zh", &Parsed{From: Address{Name: "青年数字联盟", Email: "qnszlm@163.com"}, Subject: "建议",
			Text: "您好！\n\n我代表青年数字联盟建议论坛增加青年环节。\n\n李明"},
			"", "", "青年数字联盟"},
		{"a person's name signed is none", &Parsed{From: Address{Name: "Maria Lopez", Email: "maria.lopez@gmail.com"}, Subject: "Pregunta",
			Text: "Hola, ¿cuándo cierra la consulta?\n\nMaria Lopez"},
			"", store.StakeholderOther, "-"},
		{"a person introduced is none", &Parsed{From: Address{Name: "Maria Lopez", Email: "maria.lopez@gmail.com"}, Subject: "Question",
			Text: "Hello, my name is Maria Lopez and I would like to know when the consultation closes.\n\nMaria"},
			"", store.StakeholderOther, "-"},
	})
}

// TestNoteVerbaleFromPersonalAddress pins that a note verbale sent from a personal
// address names the body that presents its compliments, in five languages; a body named
// in a text that presents none is not taken for the sender.
func TestNoteVerbaleFromPersonalAddress(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Name: "Mission of Belarus Geneva", Email: "mission.belarus.geneva@gmail.com"}, Subject: "Делегация",
			Text: "Постоянное представительство Республики Беларусь при Отделении ООН в Женеве свидетельствует своё уважение Секретариату Форума и имеет честь сообщить состав делегации.\n\nЖенева, 1 марта 2019 г."},
			"", store.StakeholderGovernment, "Постоянное представительство Республики Беларусь при Отделении ООН в Женеве"},
		{"en", &Parsed{From: Address{Name: "Ghana Mission", Email: "ghanamission.geneva@gmail.com"}, Subject: "Delegation",
			Text: "The Permanent Mission of the Republic of Ghana presents its compliments to the WSIS Secretariat and has the honour to transmit the list of its delegation.\n\nGeneva, 1 March 2019"},
			"", store.StakeholderGovernment, ""},
		{"fr", &Parsed{From: Address{Name: "Mission du Sénégal", Email: "mission.senegal.ge@gmail.com"}, Subject: "Délégation",
			Text: "La Mission permanente de la République du Sénégal présente ses compliments au Secrétariat du Forum et a l'honneur de lui transmettre la liste de sa délégation.\n\nGenève, le 1er mars 2019"},
			"", store.StakeholderGovernment, ""},
		{"es", &Parsed{From: Address{Name: "Misión Perú", Email: "mision.peru.ginebra@gmail.com"}, Subject: "Delegación",
			Text: "La Misión Permanente del Perú saluda atentamente a la Secretaría del Foro y tiene el honor de remitir la lista de su delegación.\n\nGinebra, 1 de marzo de 2019"},
			"", store.StakeholderGovernment, ""},
		{"ar", &Parsed{From: Address{Name: "بعثة الأردن", Email: "jordan.mission.gva@gmail.com"}, Subject: "الوفد",
			Text: "تهدي البعثة الدائمة للمملكة الأردنية الهاشمية أطيب تحياتها إلى أمانة المنتدى وتتشرف بإحالة قائمة الوفد.\n\nجنيف"},
			"", store.StakeholderGovernment, ""},
		{"a body named without compliments is not the sender", &Parsed{From: Address{Name: "Ivan Petrov", Email: "ivan.petrov@mail.ru"}, Subject: "Вопрос",
			Text: "Министерство цифрового развития объявило конкурс. Можно ли участвовать в Форуме частным лицам?\n\nИван Петров"},
			"", "", "-"},
	})
}

// TestOfficeOfAnAcronym pins that an organisation named as an acronym and an office of
// it ("STTN Secrétariat général", «ФПТ Секретариат») is the body the text spells the
// acronym for, and takes that body's type; without the spelling, the name stays.
// Arabic and Chinese names carry no acronyms in their own script.
func TestOfficeOfAnAcronym(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Name: "STTN Secrétariat général", Email: "secretariat@sttn-syndicat.ca"}, Subject: "Contribution",
			Text: "Bonjour,\n\nLe Syndicat des travailleurs des télécommunications et du numérique (STTN) souhaite que le Forum traite de l'avenir du travail.\n\nGeneviève Tremblay"},
			"", store.StakeholderCivilSociety, "Syndicat des travailleurs des télécommunications et du numérique (STTN)"},
		{"en", &Parsed{From: Address{Name: "CWU General Secretariat", Email: "gs@comworkers.org.za"}, Subject: "Contribution",
			Text: "Dear colleagues,\n\nThe Communication Workers Union (CWU) proposes a theme on the future of work in call centres.\n\nThabo"},
			"", store.StakeholderCivilSociety, "Communication Workers Union (CWU)"},
		{"es", &Parsed{From: Address{Name: "SUTD Secretaría General", Email: "sg@sutd-sindical.org.ar"}, Subject: "Aporte",
			Text: "Estimados:\n\nEl Sindicato Único de Trabajadores Digitales (SUTD) propone un tema sobre el trabajo en plataformas.\n\nJuan"},
			"", store.StakeholderCivilSociety, "Sindicato Único de Trabajadores Digitales (SUTD)"},
		{"without the spelling the name stays", &Parsed{From: Address{Name: "STTN Secrétariat général", Email: "secretariat@sttn-syndicat.ca"}, Subject: "Contribution",
			Text: "Bonjour,\n\nNous souhaitons que le Forum traite de l'avenir du travail.\n\nGeneviève Tremblay"},
			"", "", "STTN Secrétariat général"},
	})
}

// TestMissionsToTheUnitedNations pins that a state's permanent mission is government
// though its name holds the United Nations' ("… to the United Nations Office at
// Geneva", "常驻联合国日内瓦办事处…代表团"), in six languages; a United Nations office
// that names no mission stays an international organisation.
func TestMissionsToTheUnitedNations(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"zh", &Parsed{From: Address{Name: "张伟", Email: "zhangwei_geneva@126.com"}, Subject: "注册",
			Text: "秘书处：\n\n我团拟派5人出席论坛，请告知集体注册的方式。\n\n张伟\n一等秘书\n中国常驻联合国日内瓦办事处和瑞士其他国际组织代表团"},
			"", store.StakeholderGovernment, ""},
		{"en", &Parsed{From: Address{Name: "J. Mwangi", Email: "j.mwangi@gmail.com"}, Subject: "Registration",
			Text: "Dear Secretariat,\n\nPlease let us know how to register our delegation.\n\nJ. Mwangi\nFirst Secretary\nPermanent Mission of Kenya to the United Nations Office at Geneva"},
			"", store.StakeholderGovernment, ""},
		{"fr", &Parsed{From: Address{Name: "A. Diallo", Email: "a.diallo@yahoo.fr"}, Subject: "Inscription",
			Text: "Madame, Monsieur,\n\nMerci de nous indiquer comment inscrire notre délégation.\n\nA. Diallo\nPremier secrétaire\nMission permanente du Sénégal auprès de l'Office des Nations Unies à Genève"},
			"", store.StakeholderGovernment, ""},
		{"es", &Parsed{From: Address{Name: "L. Paz", Email: "l.paz@gmail.com"}, Subject: "Inscripción",
			Text: "Estimados:\n\n¿Cómo inscribimos a nuestra delegación?\n\nL. Paz\nPrimer Secretario\nMisión Permanente del Perú ante la Oficina de las Naciones Unidas en Ginebra"},
			"", store.StakeholderGovernment, ""},
		{"ru", &Parsed{From: Address{Name: "И. Петров", Email: "i.petrov@mail.ru"}, Subject: "Регистрация",
			Text: "Уважаемые коллеги!\n\nПросим сообщить порядок регистрации делегации.\n\nИ. Петров\nПервый секретарь\nПостоянное представительство Республики Беларусь при Отделении ООН в Женеве"},
			"", store.StakeholderGovernment, ""},
		{"ar", &Parsed{From: Address{Name: "أحمد", Email: "ahmed.gva@gmail.com"}, Subject: "التسجيل",
			Text: "تحية طيبة،\n\nيرجى إفادتنا بطريقة تسجيل الوفد.\n\nأحمد\nسكرتير أول\nالبعثة الدائمة لجمهورية مصر العربية لدى الأمم المتحدة في جنيف"},
			"", store.StakeholderGovernment, ""},
		{"a United Nations office is no mission", &Parsed{From: Address{Name: "ESCAP", Email: "info@un.org"}, Subject: "Workshop",
			Text: "Dear colleagues,\n\nWe would like to hold a workshop.\n\nKim\nUnited Nations Economic and Social Commission for Asia and the Pacific"},
			"", store.StakeholderInternationalO, ""},
		{"a Chinese UN office is no mission", &Parsed{From: Address{Name: "王", Email: "wang@un.org"}, Subject: "研讨会",
			Text: "您好！\n\n我们希望举办一场研讨会。\n\n王\n联合国开发计划署驻华代表处"},
			"", store.StakeholderInternationalO, ""},
	})
}

// TestDeskMattersBySubject pins that a subject naming a grant to travel to the Forum, a
// hotel to book or an internship makes a request of a desk, no contribution, though
// the text asks, in six languages; the word of a question in the subject, or a
// submission's subject, keeps what they were.
func TestDeskMattersBySubject(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en travel grant", &Parsed{From: Address{Email: "k.o@gmail.com"}, Subject: "Travel grant for the WSIS Forum",
			Text: "Dear team,\n\nI am a youth activist from Kisumu. Is there any travel grant I could apply for to attend in April?\n\nKevin"},
			store.KindOther, "", ""},
		{"fr hotel", &Parsed{From: Address{Email: "a.s@yahoo.fr"}, Subject: "Réservation d'hôtel",
			Text: "Bonjour,\n\nAvez-vous des tarifs négociés avec des hôtels près du CICG ? Nous serons trois.\n\nAwa"},
			store.KindOther, "", ""},
		{"es internship", &Parsed{From: Address{Email: "l.r@gmail.com"}, Subject: "Pasantía en la UIT",
			Text: "Estimados:\n\nSoy estudiante de relaciones internacionales. ¿Es posible realizar una pasantía durante el Foro?\n\nLucía"},
			store.KindOther, "", ""},
		{"ru hotel", &Parsed{From: Address{Email: "o.k@mail.ru"}, Subject: "Бронирование гостиницы",
			Text: "Здравствуйте!\n\nМожно ли забронировать гостиницу по льготной цене для участников Форума?\n\nОльга"},
			store.KindOther, "", ""},
		{"zh internship", &Parsed{From: Address{Email: "li@163.com"}, Subject: "实习申请",
			Text: "您好！\n\n我是大学生，请问论坛期间是否可以实习？\n\n李"},
			store.KindOther, "", ""},
		{"ar travel grant", &Parsed{From: Address{Email: "s@gmail.com"}, Subject: "طلب منحة سفر",
			Text: "تحية طيبة،\n\nهل يمكن الحصول على منحة سفر لحضور المنتدى؟\n\nسارة"},
			store.KindOther, "", ""},
		{"the word of a question keeps an inquiry", &Parsed{From: Address{Email: "k.o@gmail.com"}, Subject: "Question: travel grants",
			Text: "Dear team,\n\nAre there travel grants for speakers of workshops, and what is the deadline to apply?\n\nKevin"},
			store.KindInquiry, "", ""},
		{"a submission's subject keeps a submission", &Parsed{From: Address{Email: "x@example.org"}, Subject: "Contribution: travel grants for youth from the Global South",
			Text: "Dear Secretariat,\n\nOur contribution on the thematic aspects: the Forum should fund travel grants for young people from the least developed countries (C4, C11).\n\nAna"},
			store.KindThematic, "", ""},
	})
}

// TestNominationsInOtherWords pins that a person put forward for the high-level track in
// other words than "nomination" ("we would like to put forward the name of…", «نرشح
// الدكتورة…», "推荐她担任") makes an HLTF nomination, in six languages; a theme put
// forward is none.
func TestNominationsInOtherWords(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "d@example.ac.ng"}, Subject: "High-level track",
			Text: "Dear Secretariat,\n\nWe would like to put forward the name of Prof. Amina Yusuf, Dean of Computing, for one of the high-level policy sessions. Her profile is below.\n\nRegards"},
			store.KindHLTFNomination, "", ""},
		{"fr", &Parsed{From: Address{Email: "d@example.sn"}, Subject: "Sessions de haut niveau",
			Text: "Madame, Monsieur,\n\nNous avons l'honneur de proposer la candidature de Mme Awa Ndiaye, directrice générale, pour les sessions de haut niveau du Forum.\n\nCordialement"},
			store.KindHLTFNomination, "", ""},
		{"es", &Parsed{From: Address{Email: "d@example.gob.pe"}, Subject: "Foro CMSI 2019",
			Text: "Estimados:\n\nNos complace presentar la candidatura de la Dra. Rosa Paz, viceministra, para una de las sesiones de alto nivel del Foro.\n\nAtentamente"},
			store.KindHLTFNomination, "", ""},
		{"ru", &Parsed{From: Address{Email: "d@example.gov.kz"}, Subject: "Сегмент высокого уровня",
			Text: "Уважаемые коллеги!\n\nМинистерство предлагает кандидатуру заместителя министра А. Сериковой для сессий сегмента высокого уровня.\n\nС уважением"},
			store.KindHLTFNomination, "", ""},
		{"zh", &Parsed{From: Address{Email: "d@example.edu.cn"}, Subject: "高级别会议",
			Text: "尊敬的秘书处：\n\n我校推荐她担任论坛高级别政策会议的嘉宾，相关介绍见下。\n\n国际交流处"},
			store.KindHLTFNomination, "", ""},
		{"ar", &Parsed{From: Address{Email: "d@example.gov.eg"}, Subject: "المسار الرفيع المستوى",
			Text: "تحية طيبة،\n\nنرشح الدكتورة هالة محمود، مساعدة الوزير، لإحدى جلسات المسار الرفيع المستوى في المنتدى.\n\nمع التحية"},
			store.KindHLTFNomination, "", ""},
		{"a theme put forward is none", &Parsed{From: Address{Email: "d@example.org"}, Subject: "Themes",
			Text: "Dear Secretariat,\n\nWe would like to put forward two themes for the Forum: community networks (C2) and local content (C8), which matter to rural schools across the region and deserve a full session of their own.\n\nRegards"},
			store.KindThematic, "", ""},
	})
}

// TestDivisionOfTheDomainsBody pins that a division named as the organisation ("Direction
// de la Francophonie…") gives way to the body of the sender's domain that the text spells
// with its acronym ("L'Organisation internationale de la Francophonie (OIF)"); a body the
// text spells that is not the domain's leaves the division. Names in Arabic, Chinese and
// Russian carry no acronyms in brackets of the domain's Latin letters.
func TestDivisionOfTheDomainsBody(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Name: "Direction de la Francophonie économique et numérique", Email: "dfen@francophonie.org"}, Subject: "Atelier",
			Text: "Madame, Monsieur,\n\nL'Organisation internationale de la Francophonie (OIF) a l'honneur de présenter une demande d'atelier.\n\nMarc"},
			"", "", "Organisation internationale de la Francophonie (OIF)"},
		{"es", &Parsed{From: Address{Name: "Dirección Ejecutiva de la RLPD", Email: "de@rlpd.org"}, Subject: "Taller",
			Text: "Estimados:\n\nEn nombre de nuestra dirección y de toda la Red Latinoamericana de Políticas Digitales (RLPD), proponemos un taller.\n\nAna"},
			"", "", "Red Latinoamericana de Políticas Digitales (RLPD)"},
		{"a body that is not the domain's", &Parsed{From: Address{Name: "Direction de la Francophonie économique et numérique", Email: "dfen@francophonie.org"}, Subject: "Atelier",
			Text: "Madame, Monsieur,\n\nAvec l'Union internationale des télécommunications (UIT), nous proposons un atelier.\n\nMarc"},
			"", "", "Direction de la Francophonie économique et numérique"},
	})
}
