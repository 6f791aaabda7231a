package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestDeskServiceQuestions pins the kind convention's line between an inquiry and a
// request of the secretariat's desk, in six languages: a message whose questions are
// all about a desk's service (a visa letter, a hotel's letter, a travel grant, an
// exhibition stand, volunteering, a missing registration confirmation, credentials and
// a meeting room, badges to collect) or that invites the reader to another event is
// other, whatever it asks; one that also asks about the consultation, an answer to our
// invitation, one that asks only how to register, one that names a hotel beside a
// question on the programme, and a workshop request that asks for its speakers' visa
// letters are not.
func TestDeskServiceQuestions(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		// the desk's service, asked about
		{"en: a hotel's letter", &Parsed{From: Address{Email: "p.r@outlook.com"}, Subject: "Fwd: Booking 5521",
			Text: "Hi,\n\nThe hotel asks for a letter from the organiser to keep the conference rate. Could you send me one, or tell me whom to ask?\n\nThanks,\nPat"},
			store.KindOther, "", ""},
		{"fr: a travel grant", &Parsed{From: Address{Email: "asso@example-ong.cm"}, Subject: "Demande d'information",
			Text: "Bonjour,\n\nNotre association n'a pas les moyens de payer le billet d'avion. L'UIT a-t-elle un programme de bourses pour les ONG ? Si oui, pourriez-vous m'envoyer le formulaire ?\n\nSerge"},
			store.KindOther, "", ""},
		{"es: credentials and a meeting room", &Parsed{From: Address{Email: "a@example.org"}, Subject: "Delegación al Foro",
			Text: "Estimados:\n\nViajarán tres funcionarios; la lista va adjunta. ¿Podrían indicarnos dónde retirar las credenciales y si es posible reservar una sala de reuniones el martes?\n\nSaludos"},
			store.KindOther, "", ""},
		{"ru: a registration never confirmed", &Parsed{From: Address{Email: "n.e@yandex.ru"}, Subject: "Нет подтверждения регистрации",
			Text: "Здравствуйте.\nЯ зарегистрировалась на Форум две недели назад, но письмо так и не пришло. Проверьте, пожалуйста, есть ли моя регистрация.\nНаталья"},
			store.KindOther, "", ""},
		{"zh: an exhibition stand", &Parsed{From: Address{Email: "m@example-cloud.cn"}, Subject: "咨询",
			Text: "您好，请问论坛期间企业是否可以设立展位？费用是多少？展位申请的截止日期是什么时候？\n\n张伟"},
			store.KindOther, "", ""},
		{"ar: volunteering", &Parsed{From: Address{Email: "s@example.edu.eg"}, Subject: "استفسار",
			Text: "هل يمكن للطلاب التطوع في تنظيم المنتدى؟ وما هي الشروط؟\n\nمنى"},
			store.KindOther, "", ""},
		{"en: registering and a visa letter", &Parsed{From: Address{Email: "t@gmail.com"}, Subject: "registration + visa letter?",
			Text: "Hi,\n\nTwo quick questions:\n- is registration free for individuals?\n- can ITU issue an invitation letter for the Swiss visa?\n\nThanks"},
			store.KindOther, "", ""},
		{"en: badges to collect", &Parsed{From: Address{Email: "a@example.org"}, Subject: "Badge pick-up",
			Text: "Dear team,\n\nWhere and when can our delegation collect their badges on 8 April?\n\nRegards"},
			store.KindOther, "", ""},
		{"en: an invitation to another event that asks", &Parsed{From: Address{Email: "e@example-events.com"}, Subject: "Digital Africa Summit 2019",
			Text: "Dear Ms Sah,\n\nWe are pleased to invite you to speak at the Digital Africa Summit in Kigali on 20 May. Would you be available?\n\nBest"},
			store.KindOther, "", ""},
		// not the desk's alone
		{"en: a visa letter and the workshop deadline", &Parsed{From: Address{Email: "t@example-ngo.org"}, Subject: "Two questions",
			Text: "Hello,\n\n1. Can the secretariat issue visa letters for our speakers?\n2. Is 10 February also the deadline for workshop requests?\n\nThanks"},
			store.KindInquiry, "", ""},
		{"fr: remote participation, and registering for it", &Parsed{From: Address{Email: "g@example-reseau.cd"}, Subject: "RE: Soutien financier pour participer au Forum ?",
			Text: "Bonsoir,\n\nMerci pour votre réponse. Est-ce que la participation à distance sera possible pour les ateliers, et faut-il s'inscrire à l'avance pour cela ?\n\nGrâce"},
			store.KindInquiry, "", ""},
		{"en: an answer to our invitation that asks about the deadline", &Parsed{From: Address{Email: "o@example-ngo.org"}, Subject: "Re: Invitation to the open consultation",
			Text: "Dear colleagues,\n\nIn response to your invitation: is the deadline for official submissions still 10 February?\n\nBest"},
			store.KindInquiry, "", ""},
		{"es: only how to register", &Parsed{From: Address{Email: "a@example.go.cr"}, Subject: "Consulta inscripción",
			Text: "Buenos días,\n\n¿Sigue abierta la inscripción para el Foro de abril? ¿El Viceministro debe registrarse aparte?\n\nAna"},
			store.KindInquiry, "", ""},
		{"ar: a hotel beside a question on the programme", &Parsed{From: Address{Email: "r@example-zain.com"}, Subject: "سؤال",
			Text: "مساء الخير،\nمتى سيتم الإعلان عن برنامج المنتدى النهائي؟ نرغب في حجز الفندق مبكراً.\n\nرامي"},
			store.KindInquiry, "", ""},
		{"ru: a stand beside the deadline of sessions", &Parsed{From: Address{Email: "rcc@example-rcc.org"}, Subject: "Вопрос по срокам",
			Text: "Уважаемые коллеги,\n\nПросим уточнить:\n- является ли 10 февраля окончательным сроком подачи заявок на проведение мероприятий;\n- возможно ли разместить стенд в зоне выставки.\n\nСпасибо"},
			store.KindInquiry, "", ""},
		{"zh: a volunteer's question with one on the sessions", &Parsed{From: Address{Email: "w@example.edu.cn"}, Subject: "请问",
			Text: "您好，请问学生可以做志愿者吗？另外，论坛的分论坛是否有远程参与？\n\n王芳"},
			store.KindInquiry, "", ""},
		{"en: a workshop request that asks for its speakers' visa letters", &Parsed{From: Address{Email: "o@example-ngo.org"}, Subject: "Workshop request - community networks",
			Text: "Dear Secretariat,\n\nWe would like to request a 90-minute workshop on community networks, with four speakers from Kenya, Brazil and India. Could you also issue visa letters for our speakers?\n\nBest,\nOlu"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestHighLevelNominationsInOtherWords pins that a person, or the writer, put forward to
// facilitate, steer or lead one of the Forum's high-level sessions nominates a
// High-Level Track Facilitator without the call's words, in six languages, though the
// message then asks for the next steps; a question on how to nominate, a session of
// one's own with a moderator, a subject alone and a proposal that the Forum's sessions
// be led or facilitated otherwise nominate nobody.
func TestHighLevelNominationsInOtherWords(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: put forward to help steer", &Parsed{From: Address{Email: "t.w@example.int"}, Subject: "High-level track - our proposal",
			Text: "Dear Ms Sah,\n\nWe would be glad to put forward Dr Anna Berg, Director of our Data Branch, to help steer one of the high-level policy sessions of the Forum.\n\nKind regards,\nTom"},
			store.KindHLTFNomination, "", ""},
		{"fr: proposer pour assurer la facilitation", &Parsed{From: Address{Email: "mission@example.ch"}, Subject: "Note verbale - sessions de haut niveau",
			Text: "La Mission permanente a l'honneur de faire savoir que le Gouvernement souhaite proposer Monsieur le Ministre pour assurer la facilitation de l'une des sessions de haut niveau du Forum.\n\nGenève, le 10 décembre 2018"},
			store.KindHLTFNomination, "", ""},
		{"es: proponemos a la viceministra", &Parsed{From: Address{Email: "dg@example.gob.pe"}, Subject: "Foro CMSI 2019",
			Text: "Estimados:\n\nProponemos a la Viceministra de Comunicaciones para moderar una de las sesiones de alto nivel del Foro.\n\nAtentamente"},
			store.KindHLTFNomination, "", ""},
		{"ru: готовность выступить ведущим, then the next steps", &Parsed{From: Address{Email: "dit@example-commission.org"}, Subject: "О сессиях высокого уровня",
			Text: "Уважаемая госпожа Са!\n\nИнформируем Вас о готовности Министра выступить в роли ведущего одной из сессий высокого уровня Форума.\n\nПросим сообщить о порядке дальнейшего согласования.\n\nС уважением"},
			store.KindHLTFNomination, "", ""},
		{"zh: 推荐…担任主持", &Parsed{From: Address{Email: "gjc@example.gov.cn"}, Subject: "论坛2019",
			Text: "秘书处：\n\n我部推荐李明司长担任一场高级别政策会议的主持人。\n\n此致"},
			store.KindHLTFNomination, "", ""},
		{"ar: نرشح لتيسير", &Parsed{From: Address{Email: "ir@example.gov.jo"}, Subject: "منتدى القمة 2019",
			Text: "تحية طيبة،\n\nنرشح الدكتورة ريم حداد لتيسير إحدى الجلسات الرفيعة المستوى في المنتدى.\n\nمع التحية"},
			store.KindHLTFNomination, "", ""},
		// nobody put forward
		{"ru: how to put a candidate forward", &Parsed{From: Address{Email: "iro@example-univ.by"}, Subject: "Вопрос о выдвижении",
			Text: "Добрый день!\n\nНаш университет хотел бы выдвинуть кандидата в ведущие сессий высокого уровня. Подскажите, пожалуйста: до какого числа принимаются кандидатуры?\n\nН. К."},
			store.KindInquiry, "", ""},
		{"zh: the subject names the facilitators, the text asks", &Parsed{From: Address{Email: "lf@example-apt.int"}, Subject: "关于高级别会议主持人提名的截止日期",
			Text: "秘书处同事：\n\n您好！想请问提名的截止日期是否也是2019年2月10日？\n\n谢谢！"},
			store.KindInquiry, "", ""},
		{"en: how to put the director forward", &Parsed{From: Address{Email: "o@example-ngo.org"}, Subject: "HLTF call",
			Text: "Dear Secretariat,\n\nWe would like to propose our director to facilitate a high-level session. What documents should we send, and by when?\n\nBest"},
			store.KindInquiry, "", ""},
		{"en: a submission that proposes young people lead", &Parsed{From: Address{Email: "o@example-ngo.org"}, Subject: "Official submission - thematic aspects",
			Text:        "Dear Secretariat,\n\nPlease find attached our contribution. We propose that the high-level track give more room to digital inclusion of women, and that young people lead the discussion.\n\nBest",
			Attachments: []Attachment{{Filename: "c.pdf", ContentType: "application/pdf", Size: 90000}}},
			store.KindThematic, "", ""},
		{"es: two facilitators for every session", &Parsed{From: Address{Email: "o@example-ong.org"}, Subject: "Propuesta sobre el formato del Foro",
			Text:        "Estimados:\n\nProponemos que cada sesión de alto nivel sea facilitada por dos personas, una del gobierno y otra de la sociedad civil.\n\nSaludos",
			Attachments: []Attachment{{Filename: "f.pdf", ContentType: "application/pdf", Size: 90000}}},
			store.KindFormat, "", ""},
		{"en: a high-level session of one's own, with its moderator", &Parsed{From: Address{Email: "ps@example.go.ke"}, Subject: "Session request",
			Text: "Dear Secretariat,\n\nThe Ministry would like to host a high-level session on digital ID at the Forum, which our Principal Secretary would moderate, with four speakers.\n\nBest regards"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestSessionParticulars pins that a session's particulars (its length and speakers)
// given in reply make a workshop request without a verb of holding, and that a format
// proposal that names lengths and speakers for every session stays a format proposal.
func TestSessionParticulars(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: the panel's details", &Parsed{From: Address{Email: "p@example.go.ke"}, Subject: "Re: WSIS Forum 2019 - our proposal",
			Text: "Dear Secretariat,\n\nAs requested, here are the details of the panel:\n\nTitle: Digital ID and inclusive services\nSpeakers: Principal Secretary (moderator); two ID agencies; one civil society speaker\nDuration: 60 minutes\n\nBest regards,\nPeter"},
			store.KindWorkshopRequest, "", ""},
		{"en: shorter sessions for the whole Forum", &Parsed{From: Address{Email: "h@example.ac.uk"}, Subject: "Ideas for making the Forum more interactive",
			Text: "Dear organisers,\n\nMay I suggest a few changes to how the week is run: fewer panels of six speakers, more fishbowl sessions, and shorter sessions (45 minutes).\n\nHelen"},
			store.KindFormat, "", ""},
	})
}

// TestArabicFormatWord pins that نسق (the format) names the format kind when a word
// stands before it, and that منسق (a coordinator) in a signature names no format.
func TestArabicFormatWord(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a proposal on the Forum's format", &Parsed{From: Address{Email: "p@example-co.ae"}, Subject: "مقترحات حول نسق المنتدى",
			Text:        "تحية طيبة،\n\nنود أن نقترح بعض الأفكار لتطوير نسق المنتدى: تخصيص مساحة يومية قصيرة لعروض الشركات الناشئة، وتقليص مدة الجلسات.\n\nفريق الشراكات",
			Attachments: []Attachment{{Filename: "format.pdf", ContentType: "application/pdf", Size: 80000}}},
			store.KindFormat, "", ""},
		{"a coordinator's question", &Parsed{From: Address{Email: "s@example-ngo.jo"}, Subject: "استفسار عن موعد تقديم المساهمات",
			Text: "مرحباً،\n\nما هو الموعد النهائي لتقديم المساهمات الرسمية؟\n\nسلمى\nمنسقة البرامج"},
			store.KindInquiry, "", ""},
	})
}

// TestSalesOfferSubjects pins that a seller's offer named by its subject («Коммерческое
// предложение», "Offre commerciale") is no contribution, though its subject's word of
// a proposal is a submission's, in six languages; an official proposal stays one.
func TestSalesOfferSubjects(t *testing.T) {
	kp := []Attachment{{Filename: "offer.pdf", ContentType: "application/pdf", Size: 90000}}
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Email: "d@example-lingua.ru"}, Subject: "Коммерческое предложение: синхронный перевод для Форума",
			Text: "Добрый день!\n\nКомпания предлагает услуги синхронного перевода для мероприятий Форума. Коммерческое предложение во вложении.\n\nДмитрий", Attachments: kp},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "c@example-interpretes.fr"}, Subject: "Offre commerciale - interprétation pour le Forum",
			Text: "Bonjour,\n\nNotre cabinet propose l'interprétation simultanée des sessions. Vous trouverez notre offre commerciale en pièce jointe.\n\nClaire", Attachments: kp},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "v@example-eventos.es"}, Subject: "Propuesta comercial: streaming del Foro",
			Text: "Estimados:\n\nOfrecemos la transmisión en vivo de las sesiones. Adjuntamos nuestra propuesta comercial.\n\nLuis", Attachments: kp},
			store.KindOther, "", ""},
		{"en", &Parsed{From: Address{Email: "s@example-av.com"}, Subject: "Commercial proposal - live captioning",
			Text: "Dear team,\n\nWe provide live captioning for conferences. Our commercial proposal is attached.\n\nSam", Attachments: kp},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "s@example-expo.cn"}, Subject: "同声传译设备报价单",
			Text: "您好，我司提供同声传译设备租赁服务，报价单见附件。\n\n孙", Attachments: kp},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "t@example-trans.ae"}, Subject: "عرض سعر - الترجمة الفورية للمنتدى",
			Text: "تحية طيبة،\n\nنقدم خدماتنا في الترجمة الفورية للجلسات، وتجدون عرض السعر في المرفق.\n\nطارق", Attachments: kp},
			store.KindOther, "", ""},
		{"an official proposal stays one", &Parsed{From: Address{Email: "m@example.gov.by"}, Subject: "Предложения к Форуму ВВУИО 2019",
			Text: "Министерство направляет предложения по тематическим аспектам Форума: широкополосный доступ (C2), кибербезопасность (C5).\n\nС уважением", Attachments: kp},
			store.KindThematic, "", ""},
	})
}

// TestRussianNominative pins that a Russian organisation a signature gives in the
// genitive is named in the nominative, and that a name in the nominative or one that
// opens with another word stays.
func TestRussianNominative(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Министерства связи и информатизации Республики Беларусь", "Министерство связи и информатизации Республики Беларусь"},
		{"Евразийской экономической комиссии", "Евразийская экономическая комиссия"},
		{"Государственной Думы", "Государственная Дума"},
		{"Министерство цифрового развития", "Министерство цифрового развития"},
		{"ООО «Вектор»", "ООО «Вектор»"},
		{"Начальник управления", "Начальник управления"},
		{"Ministry of ICT", "Ministry of ICT"},
	} {
		if got := russianNominative(tc.in); got != tc.want {
			t.Errorf("russianNominative(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestOrganisationsInOtherWords pins three ways a text names its body: a note verbale
// in Arabic that opens with its verb («تهدي البعثة الدائمة…»), a civil form before a
// name in quotation marks («от АНО «Цифровая деревня»») from a personal address, and
// «جمعية الإنترنت», the Internet Society, of the technical community; an Arabic
// association of another name stays civil society.
func TestOrganisationsInOtherWords(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar: a note verbale's verb", &Parsed{From: Address{Email: "secretariat@example-mission.ch"}, Subject: "تسجيل الوفد",
			Text: "تهدي البعثة الدائمة للمملكة المغربية لدى مكتب الأمم المتحدة بجنيف أطيب تحياتها إلى أمانة المنتدى، وترجو تسجيل أعضاء الوفد.\n\nجنيف، في 20 فبراير 2019"},
			"", store.StakeholderGovernment, "البعثة الدائمة للمملكة المغربية لدى مكتب الأمم المتحدة"},
		{"ru: a civil form before quotes", &Parsed{From: Address{Email: "o.s@yandex.ru"}, Subject: "Фотоконкурс",
			Text: "Добрый день!\n\nНаправляем фотографию на конкурс от АНО «Цифровая деревня».\n\nС уважением,\nОльга"},
			"", "", "Цифровая деревня"},
		{"ar: the Internet Society's chapter", &Parsed{From: Address{Email: "y@example.tn"}, Subject: "ورشة عمل",
			Text: "نطلب تنظيم ورشة عمل حول أمن الشبكات.\n\nيوسف بن عمر\nرئيس جمعية الإنترنت - فرع تونس"},
			"", store.StakeholderAcademia, ""},
		{"ar: another association", &Parsed{From: Address{Email: "s@example.org.lb"}, Subject: "ورشة عمل",
			Text: "نطلب تنظيم ورشة عمل حول محو الأمية الرقمية.\n\nسارة\nجمعية المستقبل الرقمي - بيروت"},
			"", store.StakeholderCivilSociety, ""},
	})
}

// TestSelfNominations pins that a writer who offers themselves, or is glad, to
// facilitate one of the high-level sessions nominates a High-Level Track Facilitator,
// in six languages, and that a travel cost asked about is the desk's matter.
func TestSelfNominations(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a.k@example.ac.ke"}, Subject: "WSIS Forum 2019",
			Text: "Dear Secretariat,\n\nI would be happy to facilitate one of the high-level sessions on capacity building; my short biography is below.\n\nProf. A. Kamau"},
			store.KindHLTFNomination, "", ""},
		{"fr", &Parsed{From: Address{Email: "m.d@example.sn"}, Subject: "Forum du SMSI 2019",
			Text: "Madame,\n\nJe me porte candidate pour animer l'une des sessions de haut niveau du Forum, sur l'inclusion numérique.\n\nMariama Diallo"},
			store.KindHLTFNomination, "", ""},
		{"es", &Parsed{From: Address{Email: "l.p@example.edu.uy"}, Subject: "Foro CMSI 2019",
			Text: "Estimados:\n\nMe ofrezco para moderar una de las sesiones de alto nivel sobre gobierno electrónico.\n\nLucía Pérez"},
			store.KindHLTFNomination, "", ""},
		{"ru", &Parsed{From: Address{Email: "i.p@example.ru"}, Subject: "Форум ВВУИО 2019",
			Text: "Уважаемые коллеги!\n\nЯ хотел бы выступить ведущим одной из сессий высокого уровня по кибербезопасности.\n\nИ. Петров"},
			store.KindHLTFNomination, "", ""},
		{"zh", &Parsed{From: Address{Email: "w@example.edu.cn"}, Subject: "论坛2019",
			Text: "秘书处：\n\n本人自荐担任一场高级别会议的主持人，简历附后。\n\n王教授"},
			store.KindHLTFNomination, "", ""},
		{"ar", &Parsed{From: Address{Email: "h@example.edu.lb"}, Subject: "منتدى القمة 2019",
			Text: "تحية طيبة،\n\nيسعدني أن أتولى تيسير إحدى الجلسات الرفيعة المستوى حول الشمول الرقمي.\n\nهالة"},
			store.KindHLTFNomination, "", ""},
		{"fr: travel costs", &Parsed{From: Address{Email: "c@example-ong.bj"}, Subject: "Question",
			Text: "Bonjour,\n\nLes frais de voyage des participants des pays les moins avancés sont-ils couverts ?\n\nCodjo"},
			store.KindOther, "", ""},
	})
}
