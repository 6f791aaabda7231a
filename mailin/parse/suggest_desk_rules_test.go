package parse

import (
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestTroubleSubjectsAsk pins that a subject reporting trouble with a submission ("Problème
// formulaire de soumission") over a short text that asks makes an inquiry, its submission
// word notwithstanding; a long submission on "problems" of connectivity asks nothing.
func TestTroubleSubjectsAsk(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "a.k@example-telecom.ci"}, Subject: "Probleme formulaire de soumission",
			Text: "Bonjour,\n\nLe formulaire renvoie une erreur au moment de joindre le PDF. Y a-t-il une taille maximale ? Pouvons-nous l'envoyer par courriel ?\n\nMerci,\nA. K."},
			store.KindInquiry, "", ""},
		{"en", &Parsed{From: Address{Email: "j.doe@example-corp.com"}, Subject: "Error on the submission page",
			Text: "Hello,\n\nThe upload of our submission fails with an error. Is there a size limit? Can we send it by email instead?\n\nJ. Doe"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "l.paz@example.org.pe"}, Subject: "Problema con el envío de la contribución",
			Text: "Buenos días:\n\nEl formulario no acepta nuestro archivo. ¿Hay un tamaño máximo? ¿Podemos enviarlo por correo?\n\nLuis Paz"},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "i.orlov@example-soft.ru"}, Subject: "Ошибка при подаче предложения",
			Text: "Здравствуйте!\n\nФорма выдаёт ошибку при загрузке файла. Есть ли ограничение по размеру? Можно ли прислать документ по почте?\n\nИван"},
			store.KindInquiry, "", ""},
		{"zh", &Parsed{From: Address{Email: "wang@example-tech.cn"}, Subject: "意见提交系统故障",
			Text: "您好，我们上传意见书时系统报错。文件大小有限制吗？可以通过电子邮件发送吗？\n\n王"},
			store.KindInquiry, "", ""},
		{"ar", &Parsed{From: Address{Email: "sami@example-co.com.eg"}, Subject: "مشكلة في تقديم المساهمة",
			Text: "تحية طيبة، يظهر خطأ عند رفع الملف. هل هناك حد أقصى للحجم؟ وهل يمكن إرسال المساهمة بالبريد؟\n\nسامي"},
			store.KindInquiry, "", ""},
		{"a long submission on problems asks nothing", &Parsed{From: Address{Email: "policy@example-isp.co.ke"},
			Subject: "Submission: problems of rural connectivity",
			Text: "Dear Secretariat,\n\nPlease find our submission on the thematic aspects of the Forum. " +
				strings.Repeat("Rural connectivity remains costly because backhaul is scarce and spectrum fees are high. ", 12) +
				"\n\nRegards,\nPolicy team"},
			store.KindThematic, "", ""},
	})
}

// TestEnquiringNotes pins that a formal note that "wishes to enquire" over a list of
// points opening with "whether" or "how" is an inquiry, in six languages, when a point
// is on the consultation (the deadline of submissions), and so is a request to be told
// («прошу сообщить», «أرجو إفادتي», "merci de m'indiquer").
func TestEnquiringNotes(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "c.b@example-mission.ch"}, Subject: "Registration of delegation",
			Text: "The Permanent Mission presents its compliments to the Secretariat and wishes to enquire:\n\n- whether the delegation should register individually;\n- whether the deadline for submissions is 10 February;\n- whether badges can be collected in advance.\n\nFirst Secretary"},
			store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "m.d@example-mission.ch"}, Subject: "Délégation au Forum",
			Text: "La Mission permanente souhaiterait savoir :\n\n- si la délégation doit s'inscrire en ligne ;\n- si la date limite des contributions est le 10 février.\n\nPremier secrétaire"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "r.g@example-mision.ch"}, Subject: "Delegación al Foro",
			Text: "La Misión Permanente desea saber:\n\n- si la delegación debe registrarse en línea;\n- si el plazo de las contribuciones vence el 10 de febrero.\n\nPrimer Secretario"},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "a.p@example-mission.ch"}, Subject: "Делегация на Форум",
			Text: "Постоянное представительство хотело бы узнать:\n\n— нужно ли делегации регистрироваться отдельно;\n— каков срок подачи вкладов.\n\nПервый секретарь"},
			store.KindInquiry, "", ""},
		{"zh", &Parsed{From: Address{Email: "li@example-mission.ch"}, Subject: "代表团注册",
			Text: "常驻代表团希望了解：\n\n1. 是否需要每位代表单独注册；\n2. 正式意见的提交截止日期是否为2月10日。\n\n一等秘书"},
			store.KindInquiry, "", ""},
		{"ar", &Parsed{From: Address{Email: "k@example-mission.ch"}, Subject: "تسجيل الوفد",
			Text: "تود البعثة الدائمة الاستفسار عما يلي:\n\n- هل يجب على أعضاء الوفد التسجيل فرديا؛\n- هل الموعد النهائي لتقديم المساهمات هو 10 فبراير.\n\nالسكرتير الأول"},
			store.KindInquiry, "", ""},
		{"ru: прошу сообщить", &Parsed{From: Address{Email: "a.p@example-univ.ru"}, Subject: "Регистрация",
			Text: "Добрый день!\n\nПрошу сообщить, нужно ли регистрироваться на каждое мероприятие отдельно.\n\nАнна"},
			store.KindInquiry, "", ""},
		{"ar: أرجو إفادتي", &Parsed{From: Address{Email: "k@example-univ.edu.eg"}, Subject: "التسجيل",
			Text: "تحية طيبة،\n\nأرجو إفادتي عن إمكانية التسجيل الفردي في المنتدى.\n\nكريم"},
			store.KindInquiry, "", ""},
		{"fr: merci de m'indiquer", &Parsed{From: Address{Email: "m@example-univ.fr"}, Subject: "Inscription",
			Text: "Bonjour,\n\nMerci de m'indiquer la marche à suivre pour l'inscription individuelle.\n\nMarie"},
			store.KindInquiry, "", ""},
		{"a workshop request that lists its points asks nothing", &Parsed{From: Address{Email: "o@example-ngo.org"},
			Subject: "Workshop request - community networks",
			Text:    "Dear colleagues,\n\nWe would like to organise a workshop at the Forum.\n\n- Title: Community networks\n- Speakers: four\n- Duration: 90 minutes\n\nRegards,\nOna"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestMailingFooters pins that a mailing's opt-out footer makes a newsletter of a message
// though it announces a webinar or a workshop, while a subject that says the message is
// a submission keeps its kind.
func TestMailingFooters(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Email: "p.t@example-nube.mx"}, Subject: "Novedades de diciembre",
			Text: "Hola a todos:\n\nEl 24 de enero organizamos un webinar gratuito sobre la nube. ¡Están invitados!\n\nSi no desean seguir recibiendo estos correos, respondan con \"baja\".\n\nPaola"},
			store.KindOther, "", ""},
		{"en", &Parsed{From: Address{Email: "news@example-cloud.com"}, Subject: "December news",
			Text: "Hi all,\n\nJoin our free webinar on cloud security on 24 January.\n\nIf you no longer wish to receive these emails, unsubscribe here.\n\nThe team"},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "info@example-num.fr"}, Subject: "Nos actualités de décembre",
			Text: "Bonjour,\n\nNotre prochain atelier gratuit aura lieu le 24 janvier.\n\nSi vous ne souhaitez plus recevoir nos messages, cliquez ici pour vous désabonner.\n\nL'équipe"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "news@example-it.ru"}, Subject: "Новости компании",
			Text: "Здравствуйте!\n\n24 января проводим бесплатный вебинар по облачным технологиям.\n\nЕсли вы не хотите получать наши письма, нажмите «отписаться».\n\nКоманда"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "news@example-yun.cn"}, Subject: "十二月动态",
			Text: "各位好：\n\n1月24日我们将举办免费云安全研讨会，欢迎参加。\n\n如不希望收到此类邮件，请回复退订。\n\n市场部"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "news@example-digital.com.kw"}, Subject: "أخبار الشركة",
			Text: "مرحبا،\n\nننظم ورشة عمل مجانية عبر الإنترنت يوم 24 يناير.\n\nإذا كنت لا ترغب في تلقي رسائلنا، اضغط على إلغاء الاشتراك.\n\nالفريق"},
			store.KindOther, "", ""},
		{"a workshop submission with a footer stays one", &Parsed{From: Address{Email: "events@example-ngo.org"},
			Subject: "Workshop submission: digital skills for seniors",
			Text:    "Dear WSIS team,\n\nWe request a 60-minute workshop on digital skills for seniors, with four speakers.\n\nTo stop receiving our newsletter, unsubscribe here.\n\nEvents team"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestThematicAspectsOutweighASession pins that a contribution that says it answers the
// thematic aspects of the Forum stays thematic though it proposes the Forum dedicate a
// session to a theme, while a request to hold a session of one's own, titled and timed,
// is a workshop request though it names a theme.
func TestThematicAspectsOutweighASession(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ar", &Parsed{From: Address{Email: "k@example-rights.org.lb"}, Subject: "مساهمتنا",
			Text: "تتشرف الجمعية بتقديم مساهمتها في المشاورة المفتوحة حول الجوانب الموضوعية للمنتدى.\n\nأولاً: حرية التعبير. نقترح تخصيص جلسة لمناقشة قوانين الجرائم الإلكترونية.\n\nثانياً: حماية البيانات.\n\nكريم"},
			store.KindThematic, "", ""},
		{"en", &Parsed{From: Address{Email: "p@example-rights.org"}, Subject: "Our contribution",
			Text: "Dear Secretariat,\n\nHere is our contribution on the thematic aspects of the Forum.\n\nFirst, free expression online: we propose to allocate a session to cybercrime laws.\n\nSecond, data protection.\n\nRegards,\nPat"},
			store.KindThematic, "", ""},
		{"fr", &Parsed{From: Address{Email: "c@example-droits.org"}, Subject: "Notre contribution",
			Text: "Madame, Monsieur,\n\nVoici notre contribution aux aspects thématiques du Forum.\n\nNous proposons de réserver une séance aux lois sur la cybercriminalité, et une place à la protection des données.\n\nClaire"},
			store.KindThematic, "", ""},
		{"es", &Parsed{From: Address{Email: "m@example-derechos.org"}, Subject: "Nuestro aporte",
			Text: "Estimados:\n\nEnviamos nuestro aporte sobre los aspectos temáticos del Foro.\n\nProponemos reservar una sesión a las leyes de ciberdelito y otra a la protección de datos.\n\nMarta"},
			store.KindThematic, "", ""},
		{"ru", &Parsed{From: Address{Email: "o@example-prava.org"}, Subject: "Наш вклад",
			Text: "Уважаемые коллеги!\n\nНаправляем наш вклад по тематическим аспектам Форума.\n\nПредлагаем выделить время для сессии о законах о киберпреступности и о защите данных.\n\nОльга"},
			store.KindThematic, "", ""},
		{"zh", &Parsed{From: Address{Email: "z@example-ngo.org.cn"}, Subject: "我们的意见",
			Text: "秘书处：\n\n现就论坛主题方面提出意见。建议预留时段讨论网络犯罪立法，并关注数据保护。\n\n赵"},
			store.KindThematic, "", ""},
		{"a request of one's own, titled and timed, on a theme", &Parsed{From: Address{Email: "r@example-univ.edu"},
			Subject: "Workshop request: open data curricula",
			Text:    "Dear team,\n\nOur department requests a 90-minute workshop on the theme of open data curricula.\n\nTitle: Open data in class\nSpeakers: four\n\nRegards,\nRita"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestTraditionalChineseSessions pins that a session asked for in traditional characters
// (平行會議, 分論壇) or organised (组织一场) with a verb of holding is a workshop request,
// and that a suggestion to hold fewer parallel sessions, or to work with international
// organisations (国际组织), is none.
func TestTraditionalChineseSessions(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"a parallel session", &Parsed{From: Address{Email: "w@example-tech.com.hk"}, Subject: "申請舉辦平行會議",
			Text: "您好，\n\n本公司希望於論壇期間舉辦一場平行會議（約60分鐘），主題為「金融科技與跨境匯款」。\n\n請將此電郵視為正式申請。\n\n梁"},
			store.KindWorkshopRequest, "", ""},
		{"a sub-forum", &Parsed{From: Address{Email: "c@example-univ.edu.tw"}, Subject: "分論壇申請",
			Text: "秘書處您好：\n\n本校擬於論壇期間舉辦一場分論壇，討論數位包容。講者四位，時長九十分鐘。\n\n陳"},
			store.KindWorkshopRequest, "", ""},
		{"simplified: to organise a roundtable", &Parsed{From: Address{Email: "w@example-univ.edu.cn"}, Subject: "圆桌讨论申请",
			Text: "秘书处：\n\n我校希望在论坛期间组织一场圆桌讨论，时长60分钟，发言人四位。\n\n王"},
			store.KindWorkshopRequest, "", ""},
		{"an international organisation is no organising", &Parsed{From: Address{Email: "w@example-univ.edu.cn"}, Subject: "意见",
			Text: "秘书处：\n\n建议论坛加强与国际组织的合作，讨论数字包容和网络安全（C5、C11）。\n\n王"},
			store.KindThematic, "", ""},
		{"fewer parallel sessions is a word on the format", &Parsed{From: Address{Email: "h@example-univ.edu.hk"},
			Subject: "關於論壇形式的建議",
			Text:    "秘書處：\n\n就論壇形式提出建議：減少同時進行的平行會議，並在會前上載所有資料。\n\n黃"},
			store.KindFormat, "", ""},
	})
}

// TestObjectOfAVerbSpeaksForNoOne pins that a body named after a verb in a sentence
// ("Concrete cases would help regulators") says nothing of the writer, while a sentence
// that opens with a body's name ("The National Communications Authority would like…")
// or with the writer ("Je travaille à l'Agence…") speaks for it.
func TestObjectOfAVerbSpeaksForNoOne(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: regulators helped", &Parsed{From: Address{Email: "m.k@gmail.com"}, Subject: "Our input",
			Text: "Dear team,\n\nConcrete cases would help regulators more than general statements.\n\nBest,\nM. K."},
			"", store.StakeholderOther, ""},
		{"fr: régulateurs aidés", &Parsed{From: Address{Email: "m.k@gmail.com"}, Subject: "Notre avis",
			Text: "Bonjour,\n\nDes cas concrets aideraient les régulateurs davantage que des déclarations.\n\nM. K."},
			"", store.StakeholderOther, ""},
		{"en: the authority writes", &Parsed{From: Address{Email: "m.k@gmail.com"}, Subject: "Our input",
			Text: "Dear team,\n\nThe National Communications Authority would like to share its views on spectrum.\n\nBest,\nM. K."},
			"", store.StakeholderGovernment, ""},
		{"fr: the writer works there", &Parsed{From: Address{Email: "s.t@gmail.com"}, Subject: "Question",
			Text: "Je travaille à l'Agence nationale des TIC et je vous écris depuis mon adresse personnelle. Les contributions en français sont-elles acceptées ?\n\nS. T."},
			"", store.StakeholderGovernment, ""},
		{"es: the university writes", &Parsed{From: Address{Email: "m.k@gmail.com"}, Subject: "Aporte",
			Text: "Estimados:\n\nLa Universidad Nacional de Rosario desea compartir sus ideas sobre inclusión digital.\n\nM. K."},
			"", store.StakeholderAcademia, ""},
	})
}

// TestNorthernLegalForms pins the legal forms of Estonia, Lithuania and Latvia after a
// company's name: the company is the organisation, of the private sector.
func TestNorthernLegalForms(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"OU", &Parsed{From: Address{Email: "m.kask@gmail.com"}, Subject: "Our input",
			Text: "Dear team,\n\nWe build e-signature services for municipalities.\n\nBest regards,\nMarten Kask\nCEO, Tallinn Cloudworks OU"},
			"", store.StakeholderPrivateSector, "Tallinn Cloudworks OU"},
		{"UAB", &Parsed{From: Address{Email: "r.j@gmail.com"}, Subject: "Our input",
			Text: "Dear team,\n\nWe build data services for cities.\n\nBest regards,\nRasa Jonaitė\nDirector, Vilnius Data UAB"},
			"", store.StakeholderPrivateSector, "Vilnius Data UAB"},
		{"SIA", &Parsed{From: Address{Email: "a.b@gmail.com"}, Subject: "Our input",
			Text: "Dear team,\n\nWe build mapping services.\n\nBest regards,\nAnna Berzina\nHead of Product, Riga Maps SIA"},
			"", store.StakeholderPrivateSector, "Riga Maps SIA"},
	})
}

// TestInterstateBodies pins that a fund or council of states ("Межгосударственный фонд …
// государств – участников СНГ", "Interstate Council") is an international organisation,
// though its name holds a civil-society word and it writes from .org, and that a
// ministry speaking of interstate cooperation stays a government.
func TestInterstateBodies(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru", &Parsed{From: Address{Email: "n.g@example-fund.org"}, Subject: "Кандидатура модератора",
			Text: "Уважаемая госпожа Сах!\n\nПредлагаем кандидатуру модератора сессии высокого уровня.\n\nС уважением,\nН.С. Григорян\nзаместитель директора\nМежгосударственный фонд гуманитарного сотрудничества государств – участников СНГ"},
			"", store.StakeholderInternationalO, ""},
		{"en", &Parsed{From: Address{Email: "j.s@example-council.org"}, Subject: "Nomination",
			Text: "Dear Ms Sah,\n\nWe nominate Dr Smith to moderate a high-level session.\n\nRegards,\nJ. Smith\nInterstate Foundation for Digital Cooperation"},
			"", store.StakeholderInternationalO, ""},
		{"a ministry on interstate cooperation", &Parsed{From: Address{Email: "k@example.gov.by"}, Subject: "Предложения",
			Text: "Министерство связи направляет предложения.\n\nПредлагаем обсудить межгосударственное взаимодействие информационных систем.\n\nС уважением,\nА.В. Ковалевич\nМинистерство связи и информатизации"},
			"", store.StakeholderGovernment, ""},
	})
}

// TestRussianNameUpToPastVerb pins that a Russian body's name in a sentence runs up to a
// verb in the past ("хотел бы провести"), not to its first two words, and that «отдел»
// is no verb.
func TestRussianNameUpToPastVerb(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"хотел бы", &Parsed{From: Address{Email: "a.t@example.gov.kg"}, Subject: "О проведении сессии",
			Text: "Уважаемые коллеги,\n\nГосударственный комитет информационных технологий и связи Кыргызской Республики хотел бы провести на Форуме сессию.\n\nС уважением,\nА. Токтосунова"},
			"", store.StakeholderGovernment, "Государственный комитет информационных технологий и связи Кыргызской Республики"},
	})
	words := strings.Fields("Министерство связи отдела международного сотрудничества провело встречу")
	if k := russianVerbAfter(words, 1); k != 5 {
		t.Errorf("russianVerbAfter = %d, want 5 (провело, not отдела)", k)
	}
}

// TestWebmailUnderACountry pins that a webmail provider's name right under a country
// code (hotmail.cl, yahoo.de) is a personal address, and a company's is not.
func TestWebmailUnderACountry(t *testing.T) {
	v := defaultVocabulary()
	for domain, want := range map[string]bool{"hotmail.cl": true, "yahoo.de": true, "gmx.at": true, "outlook.cl": true,
		"hotmail.co.uk": true, "telecom.cl": false, "andinafibra.co": false, "example-isp.de": false} {
		if got := v.isWebmail(domain); got != want {
			t.Errorf("isWebmail(%q) = %v, want %v", domain, got, want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"a photograph from hotmail.cl names no organisation", &Parsed{From: Address{Name: "Ignacio Rojas", Email: "ignacio.rojas.f@hotmail.cl"},
			Subject: "Foto concurso", Text: "Adjunto mi foto: antena comunitaria en Chiloé.\n\nIgnacio Rojas",
			Attachments: []Attachment{{Filename: "antena.jpg", ContentType: "image/jpeg", Size: 1000}}},
			store.KindPhotoContest, store.StakeholderOther, "-"},
	})
}

// TestForumAsHostRequestsNothing pins that a contribution proposing the Forum hold a
// session ("the Forum should organise a session on…") is thematic in six languages, and
// that a body asking to hold its own session is still a workshop request.
func TestForumAsHostRequestsNothing(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Our contribution",
			Text: "Dear Secretariat,\n\nWe believe the Forum should organise a session on the ethics of artificial intelligence in public services, and give more room to digital inclusion (C10, C3).\n\nBest,\nAnn\nDigital Rights Network"},
			store.KindThematic, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Notre contribution",
			Text: "Madame, Monsieur,\n\nNous proposons que le Forum organise une session sur l'éthique de l'intelligence artificielle dans les services publics (C10, C3).\n\nCordialement,\nAnne"},
			store.KindThematic, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Nuestro aporte",
			Text: "Estimados:\n\nProponemos que el Foro organice una sesión sobre la ética de la inteligencia artificial en los servicios públicos (C10, C3).\n\nSaludos,\nAna"},
			store.KindThematic, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Наши предложения",
			Text: "Уважаемые коллеги!\n\nПредлагаем Форуму провести сессию по этике искусственного интеллекта в государственных услугах (C10, C3).\n\nС уважением,\nАнна"},
			store.KindThematic, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-ngo.org.cn"}, Subject: "我们的意见",
			Text: "秘书处：\n\n建议论坛举办一场关于公共服务中人工智能伦理的分论坛，并更多关注数字包容（C10、C3）。\n\n安"},
			store.KindThematic, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "مساهمتنا",
			Text: "السادة الأمانة،\n\nنقترح أن ينظم المنتدى جلسة حول أخلاقيات الذكاء الاصطناعي في الخدمات العامة (C10، C3).\n\nآنا"},
			store.KindThematic, "", ""},
		{"a body that holds its own session", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Session at the Forum",
			Text: "Dear Secretariat,\n\nOur network would like to organise a session on AI ethics at the Forum: 60 minutes, four speakers. We believe the Forum should give the theme more room.\n\nBest,\nAnn"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestVisaLettersAsked pins that a participant asking how to obtain an invitation letter
// for a visa asks the secretariat's desk for its service, no contribution and no
// inquiry on the consultation, in six languages, and that an invitation to the writer's
// own congress stays no contribution.
func TestVisaLettersAsked(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Invitation letter for visa",
			Text: "Dear team,\n\nI am registered for the Forum and need an invitation letter for my Schengen visa application. Please let me know how to obtain it.\n\nBest,\nAli"},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Lettre d'invitation pour le visa",
			Text: "Bonjour,\n\nJe suis inscrit au Forum et j'ai besoin d'une lettre d'invitation pour ma demande de visa. Merci de me faire savoir comment l'obtenir.\n\nAli"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Carta de invitación para visa",
			Text: "Buenos días:\n\nEstoy registrado en el Foro y necesito una carta de invitación para la visa. Les agradecería me indicaran cómo obtenerla.\n\nAna"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@mail.ru"}, Subject: "Приглашение для визы",
			Text: "Здравствуйте!\n\nЯ зарегистрирован на Форум, и мне нужно письмо-приглашение для визы. Сообщите, пожалуйста, как его получить.\n\nИван"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@163.com"}, Subject: "签证邀请函",
			Text: "您好，\n\n我已注册论坛，需要一封签证邀请函，烦请告知办理方式。\n\n王"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "رسالة دعوة للتأشيرة",
			Text: "تحية طيبة،\n\nأنا مسجل في المنتدى وأحتاج إلى رسالة دعوة لطلب التأشيرة. يرجى إعلامي بكيفية الحصول عليها.\n\nعلي"},
			store.KindOther, "", ""},
		{"an invitation to a congress", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Invitation: Digital Week 2019",
			Text: "Dear colleagues,\n\nWe are pleased to invite you to our Digital Week, with workshops and panels, on 3-5 May in Nairobi.\n\nBest,\nAnn"},
			store.KindOther, "", ""},
	})
}

// TestNewsletterSubjects pins that an issue of a mailing, named by its subject ("Our
// news - January", «Novedades de diciembre»), is no contribution though it announces a
// webinar, and that a subject on fake news is no newsletter.
func TestNewsletterSubjects(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "news@example-co.com"}, Subject: "Our news - January",
			Text: "Dear partners,\n\nThis month we opened an office in Dakar. On 24 January we hold a free webinar on cloud migration for SMEs.\n\nBest,\nThe team"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "info@example-nube.mx"}, Subject: "Novedades de diciembre",
			Text: "Hola a todos:\n\nEl 24 de enero organizamos un webinar gratuito sobre la nube.\n\nPaola"},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "info@example-num.fr"}, Subject: "Nos actualités - janvier",
			Text: "Bonjour,\n\nNotre prochain webinaire gratuit aura lieu le 24 janvier.\n\nL'équipe"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "info@example-it.ru"}, Subject: "Новости компании - январь",
			Text: "Здравствуйте!\n\n24 января проводим бесплатный вебинар по облачным технологиям.\n\nКоманда"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "info@example-yun.cn"}, Subject: "动态｜一月",
			Text: "各位好：\n\n1月24日我们将举办免费网络研讨会。\n\n市场部"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "info@example-digital.com.kw"}, Subject: "أخبار الشركة - يناير",
			Text: "مرحبا،\n\nننظم ورشة عمل مجانية عبر الإنترنت يوم 24 يناير.\n\nالفريق"},
			store.KindOther, "", ""},
		{"a workshop on fake news", &Parsed{From: Address{Email: "a@example-media.org"}, Subject: "Fake news workshop request",
			Text: "Dear team,\n\nWe would like to organise a 60-minute workshop on fake news and media literacy, with four speakers.\n\nBest,\nAnn"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestBodyProposesASession pins that a body proposing a session of its own ("Our
// university proposes a side event…", "Side event proposal") is a workshop request,
// in six languages.
func TestBodyProposesASession(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-univ.edu"}, Subject: "Side event proposal",
			Text: "Dear colleagues,\n\nOur university proposes a side event on open science during the Forum, 60 minutes, four speakers, action lines C3 and C7.\n\nBest regards,\nProf. Ann Lee"},
			store.KindWorkshopRequest, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-univ.fr"}, Subject: "Science ouverte au Forum",
			Text: "Madame, Monsieur,\n\nNotre laboratoire propose une table ronde sur la science ouverte pendant le Forum, 60 minutes, quatre intervenants.\n\nCordialement,\nAnne"},
			store.KindWorkshopRequest, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-univ.edu.co"}, Subject: "Ciencia abierta en el Foro",
			Text: "Estimados:\n\nNuestra universidad propone un evento paralelo sobre ciencia abierta durante el Foro, 60 minutos, cuatro ponentes.\n\nSaludos,\nAna"},
			store.KindWorkshopRequest, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-univ.ru"}, Subject: "Открытая наука на Форуме",
			Text: "Уважаемые коллеги!\n\nНаш университет предлагает провести круглый стол по открытой науке, 60 минут, четыре докладчика.\n\nАнна"},
			store.KindWorkshopRequest, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-univ.edu.cn"}, Subject: "开放科学边会",
			Text: "秘书处：\n\n我校提议举办一场开放科学边会，时长60分钟，发言人四位。\n\n安"},
			store.KindWorkshopRequest, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-univ.edu.sa"}, Subject: "العلوم المفتوحة في المنتدى",
			Text: "السادة الأمانة،\n\nتقترح جامعتنا عقد جلسة حول العلوم المفتوحة مدتها ستون دقيقة بمشاركة أربعة متحدثين.\n\nآنا"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestSessionDetails pins that a session of one's own is told by its length and its
// speakers: a project presented "in a 60-minute slot with three speakers" is a workshop
// request though it names no session, while under a submission's subject a dialogue
// proposed with neither is a theme; a subject that names the session («Предложение
// секции») keeps the request.
func TestSessionDetails(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: a slot, its length and speakers", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Presenting our project",
			Text: "Dear team,\n\nWe would like to present our rural telemedicine project at the Forum in a 60-minute slot with three speakers from Kenya, Nepal and Peru.\n\nBest,\nAnn"},
			store.KindWorkshopRequest, "", ""},
		{"fr: un créneau, sa durée, ses intervenants", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Présenter notre projet",
			Text: "Bonjour,\n\nNous souhaitons réserver un créneau de 45 minutes pour présenter notre projet de télémédecine, avec trois intervenants.\n\nAnne"},
			store.KindWorkshopRequest, "", ""},
		{"es: un espacio, su duración, sus ponentes", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Presentar nuestro proyecto",
			Text: "Estimados:\n\nQuisiéramos reservar un espacio de 60 minutos para presentar nuestro proyecto de telemedicina, con tres ponentes.\n\nAna"},
			store.KindWorkshopRequest, "", ""},
		{"en: a dialogue proposed in a contribution", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Our contribution",
			Text: "Dear Secretariat,\n\nWe would like to propose a dialogue between regulators and community networks on spectrum for rural access, and more attention to local content (C2, C8).\n\nBest,\nAnn"},
			store.KindThematic, "", ""},
		{"fr: un débat proposé dans une contribution", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Notre contribution",
			Text: "Madame, Monsieur,\n\nNous souhaitons proposer un débat entre régulateurs et réseaux communautaires sur le spectre, et plus d'attention au contenu local (C2, C8).\n\nAnne"},
			store.KindThematic, "", ""},
		{"ru: a subject that names the session", &Parsed{From: Address{Email: "i.b@example-univ.ru"}, Subject: "Предложение секции",
			Text: "Добрый день!\n\nУниверситет хотел бы организовать на Форуме секцию «Открытые данные в науке».\n\nИ. Б."},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestThanksAndCallsForSpeakers pins that a subject opening with thanks ("Thank you for
// the workshop", «Спасибо за семинар») and a call for speakers to one's own seminar are
// no contribution, while thanks over a session asked for with its length stay a request.
func TestThanksAndCallsForSpeakers(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en: thanks", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Thank you for the workshop",
			Text: "Dear team,\n\nThank you for hosting our workshop last week; the room and the remote link worked perfectly.\n\nBest,\nAnn"},
			store.KindOther, "", ""},
		{"fr: merci", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Merci pour l'atelier",
			Text: "Bonjour,\n\nMerci pour l'accueil de notre atelier la semaine dernière, tout a très bien fonctionné.\n\nAnne"},
			store.KindOther, "", ""},
		{"es: gracias", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Gracias por el taller",
			Text: "Estimados:\n\nMuchas gracias por acoger nuestro taller la semana pasada; todo funcionó muy bien.\n\nAna"},
			store.KindOther, "", ""},
		{"ru: спасибо", &Parsed{From: Address{Email: "a@example-ngo.ru"}, Subject: "Спасибо за семинар",
			Text: "Здравствуйте!\n\nСпасибо за организацию нашего семинара на прошлой неделе, всё прошло отлично.\n\nАнна"},
			store.KindOther, "", ""},
		{"zh: 感谢", &Parsed{From: Address{Email: "a@example-ngo.cn"}, Subject: "感谢研讨会的支持",
			Text: "秘书处：\n\n感谢上周对我们研讨会的支持，会场和远程连线都很顺利。\n\n安"},
			store.KindOther, "", ""},
		{"ar: شكر", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "شكر على الورشة",
			Text: "تحية طيبة،\n\nنشكركم على استضافة ورشتنا الأسبوع الماضي، وقد سار كل شيء على ما يرام.\n\nآنا"},
			store.KindOther, "", ""},
		{"en: a call for speakers", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Call for speakers: our seminar on AI",
			Text: "Dear colleagues,\n\nWe are looking for speakers for our seminar on AI in Africa, Nairobi, 3 May. Please send proposals by 1 April.\n\nBest,\nAnn"},
			store.KindOther, "", ""},
		{"fr: un appel à intervenants", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Appel à intervenants - séminaire IA",
			Text: "Bonjour,\n\nNous cherchons des intervenants pour notre séminaire sur l'IA à Dakar le 3 mai.\n\nAnne"},
			store.KindOther, "", ""},
		{"thanks over a session asked for", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Thanks for the call - session request",
			Text: "Dear team,\n\nWe would like to hold a 90-minute session on community networks with four speakers.\n\nBest,\nAnn"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestLongerQuestionsProposingNothing pins that a message longer than a note, whose
// introduction names the format or a workshop and which ends with a question, is an
// inquiry when it proposes nothing, in six languages; a format proposal that asks a
// question of its own stays a proposal.
func TestLongerQuestionsProposingNothing(t *testing.T) {
	intro := func(sentence string) string { return strings.Repeat(sentence+" ", 6) }
	en := intro("Our organisation works with rural schools and libraries on connectivity and digital skills, and we have followed the Forum for several years.")
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Format of the Forum",
			Text: "Hello,\n\n" + en + "\n\nWill the format of the Forum again include remote participation for workshops this year?\n\nThanks,\nAnn"},
			store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Format du Forum",
			Text: "Bonjour,\n\n" + intro("Notre association travaille avec des écoles rurales sur la connectivité et les compétences numériques, et nous suivons le Forum depuis plusieurs années.") +
				"\n\nLe format du Forum prévoit-il cette année encore la participation à distance pour les ateliers ?\n\nMerci,\nAnne"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Formato del Foro",
			Text: "Hola:\n\n" + intro("Nuestra asociación trabaja con escuelas rurales en conectividad y habilidades digitales, y seguimos el Foro desde hace varios años.") +
				"\n\n¿El formato del Foro incluirá otra vez la participación remota en los talleres?\n\nGracias,\nAna"},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-ngo.ru"}, Subject: "Формат Форума",
			Text: "Здравствуйте!\n\n" + intro("Наша организация много лет работает с сельскими школами и библиотеками над подключением к интернету и цифровыми навыками.") +
				"\n\nБудет ли формат Форума в этом году снова включать дистанционное участие в семинарах?\n\nСпасибо,\nАнна"},
			store.KindInquiry, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-ngo.cn"}, Subject: "论坛形式",
			Text: "您好：\n\n" + strings.Repeat("我们机构多年来与农村学校和图书馆合作，致力于网络连接和数字技能培训，并长期关注信息社会世界峰会论坛的各项活动和成果。", 12) +
				"\n\n今年论坛的形式是否仍包括研讨会的远程参与？\n\n谢谢\n安"},
			store.KindInquiry, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "شكل المنتدى",
			Text: "تحية طيبة،\n\n" + intro("تعمل جمعيتنا منذ سنوات مع المدارس والمكتبات الريفية في مجال الاتصال والمهارات الرقمية، ونتابع المنتدى باهتمام.") +
				"\n\nهل سيتضمن شكل المنتدى هذا العام المشاركة عن بعد في ورش العمل؟\n\nشكرا\nآنا"},
			store.KindInquiry, "", ""},
		{"en: a workshop proposal in preparation", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Workshop deadline",
			Text: "Hello,\n\n" + en + "\n\nWe are finalising a workshop proposal on open data. Is the deadline 10 February, and can we change speakers afterwards?\n\nThanks,\nAnn"},
			store.KindInquiry, "", ""},
		{"a format proposal with a question of its own", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Format of the Forum",
			Text: "Hello,\n\n" + en + "\n\nWe suggest shorter sessions, more interactive formats and a daily summary. Why not stream every session?\n\nThanks,\nAnn"},
			store.KindFormat, "", ""},
	})
}

// TestInvitationsToOwnEvents pins that an invitation to the writer's own congress, whose
// programme names workshops, is no contribution in six languages, while a workshop
// request that invites a speaker to it stays a request.
func TestInvitationsToOwnEvents(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Digital Congress 2019",
			Text: "Dear colleagues,\n\nWe cordially invite the WSIS team to our Digital Congress with workshops and roundtables on 3-4 May in Accra.\n\nBest regards"},
			store.KindOther, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Congrès numérique 2019",
			Text: "Madame, Monsieur,\n\nNous avons le plaisir de vous convier à notre congrès numérique, avec ateliers et tables rondes, les 3 et 4 mai à Abidjan.\n\nCordialement"},
			store.KindOther, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-ong.org.mx"}, Subject: "Congreso Digital 2019",
			Text: "Estimados:\n\nLos invitamos a participar en nuestro Congreso Digital, con talleres y mesas redondas, el 3 y 4 de mayo en Guadalajara.\n\nSaludos"},
			store.KindOther, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-ngo.ru"}, Subject: "Приглашение на конференцию",
			Text: "Уважаемые коллеги!\n\nПриглашаем вас принять участие в конференции «Цифровая Евразия» с семинарами и круглыми столами 3–4 мая в Алматы.\n\nС уважением"},
			store.KindOther, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-ngo.org.hk"}, Subject: "年會",
			Text: "秘書處：\n\n誠邀貴處派員出席本會於十月舉行的年會及工作坊並致辭。\n\n陳"},
			store.KindOther, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "دعوة للمشاركة في ملتقى التحول الرقمي",
			Text: "السادة الأمانة،\n\nيسرنا دعوتكم للمشاركة في ملتقى التحول الرقمي الذي يتضمن ورش عمل وجلسات حوارية يومي 3 و4 مايو في عمّان.\n\nمع التحية"},
			store.KindOther, "", ""},
		{"a workshop request that invites a speaker", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Workshop request",
			Text: "Dear team,\n\nWe would like to organise a 90-minute workshop on community networks, and we would like to invite a speaker from the ITU to join it.\n\nBest,\nAnn"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestSessionsAskedAbout pins that a session named inside an indirect question ("we
// would like to know whether we can still propose a side event") is asked about, not
// asked for: an inquiry in six languages; a request followed by a practical question
// stays a request.
func TestSessionsAskedAbout(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Side event",
			Text: "Hello,\n\nWe would like to know whether we can still request a side event after the deadline.\n\nThanks,\nAnn"},
			store.KindInquiry, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Atelier",
			Text: "Bonjour,\n\nNous aimerions savoir s'il est possible d'organiser un atelier en français.\n\nMerci,\nAnne"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-ong.org.ar"}, Subject: "Taller",
			Text: "Hola:\n\nQuisiéramos saber si es posible presentar una propuesta de taller en español y si habrá interpretación.\n\nGracias"},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-ngo.ru"}, Subject: "Семинар",
			Text: "Добрый день!\n\nХотели бы узнать, можно ли организовать семинар на русском языке.\n\nСпасибо"},
			store.KindInquiry, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-ngo.cn"}, Subject: "研讨会",
			Text: "您好：\n\n我们想了解今年是否还可以申请举办研讨会。\n\n谢谢"},
			store.KindInquiry, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "ورشة عمل",
			Text: "السلام عليكم،\n\nنود معرفة ما إذا كان بإمكاننا تنظيم ورشة عمل باللغة العربية.\n\nشكرا"},
			store.KindInquiry, "", ""},
		{"a request, then a practical question", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Workshop",
			Text: "Hello,\n\nWe would like to organise a workshop on community networks. We would like to know whether a projector is available.\n\nThanks,\nAnn"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestInnovationAsATheme pins that innovation is a theme ("digital innovation for SMEs",
// «инновации для малого бизнеса») unless the message speaks of the format or the way the
// Forum is run, and that a short proposal on named action lines is thematic.
func TestInnovationAsATheme(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-co.com"}, Subject: "Our input",
			Text: "Dear Secretariat,\n\nWe propose that the Forum address digital innovation for SMEs: innovation hubs, finance for start-ups and open innovation (C6, C7).\n\nAnn"},
			store.KindThematic, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-co.fr"}, Subject: "Innovation numérique",
			Text: "Madame, Monsieur,\n\nNous proposons que le Forum traite de l'innovation numérique dans les PME : pôles d'innovation, innovation ouverte (C6, C7).\n\nAnne"},
			store.KindThematic, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-co.com.co"}, Subject: "Innovación digital",
			Text: "Estimados:\n\nProponemos que el Foro trate la innovación digital en las pymes: centros de innovación e innovación abierta (C6, C7).\n\nAna"},
			store.KindThematic, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-co.ru"}, Subject: "Инновации",
			Text: "Уважаемые коллеги!\n\nПредлагаем обсудить на Форуме цифровые инновации для малого бизнеса: инновационные центры, финансирование стартапов (C6, C7).\n\nАнна"},
			store.KindThematic, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@example-co.cn"}, Subject: "关于创新议题的建议",
			Text: "秘书处：\n\n建议论坛关注中小企业数字创新：创新中心、初创企业融资、产学研开放创新（C6、C7）。\n\n安"},
			store.KindThematic, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@example-co.com"}, Subject: "الابتكار الرقمي",
			Text: "السادة الأمانة،\n\nنقترح أن يتناول المنتدى الابتكار الرقمي في الشركات الصغيرة: مراكز الابتكار وتمويل الشركات الناشئة (C6، C7).\n\nآنا"},
			store.KindThematic, "", ""},
		{"innovations in the format", &Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Innovations",
			Text: "Dear Secretariat,\n\nSome innovations for the format of the Forum: fishbowl sessions, a daily summary and speed networking.\n\nAnn"},
			store.KindFormat, "", ""},
		{"innovación en la organización del foro", &Parsed{From: Address{Email: "a@example-ong.org"}, Subject: "Innovaciones",
			Text: "Estimados:\n\nAlgunas innovaciones para la organización del foro: sesiones más cortas y participación remota.\n\nAna"},
			store.KindFormat, "", ""},
	})
}

// TestPhotoWithItsForm pins that a photograph sent with its entry form, named as a
// photograph and sent to a contest, is a photo contest entry in six languages, while a
// short note with a chart and a report asks for no contest.
func TestPhotoWithItsForm(t *testing.T) {
	withForm := []Attachment{{Filename: "entry.jpg", ContentType: "image/jpeg", Size: 1000},
		{Filename: "form.pdf", ContentType: "application/pdf", Size: 1000}}
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Contest entry",
			Text: "Hello, please find my photo and the signed form for the contest.\n\nAnn", Attachments: withForm},
			store.KindPhotoContest, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Concours",
			Text: "Bonjour, ci-joint ma photo et le formulaire signé.\n\nAnne", Attachments: withForm},
			store.KindPhotoContest, "", ""},
		{"es", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "Concurso",
			Text: "Hola, adjunto mi fotografía y el formulario firmado.\n\nAna", Attachments: withForm},
			store.KindPhotoContest, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@mail.ru"}, Subject: "Участие в конкурсе",
			Text: "Здравствуйте! Высылаю снимок и заполненную анкету.\n\nАнна", Attachments: withForm},
			store.KindPhotoContest, "", ""},
		{"zh", &Parsed{From: Address{Email: "a@163.com"}, Subject: "参赛",
			Text: "您好：\n\n附上参赛照片和报名表。\n\n安", Attachments: withForm},
			store.KindPhotoContest, "", ""},
		{"ar", &Parsed{From: Address{Email: "a@gmail.com"}, Subject: "المسابقة",
			Text: "مرحبا، مرفق صورتي واستمارة المشاركة في المسابقة.\n\nآنا", Attachments: withForm},
			store.KindPhotoContest, "", ""},
	})
	s := Suggest(&Parsed{From: Address{Email: "a@example-ngo.org"}, Subject: "Our report",
		Text: "Hello, attached are our report and a chart of connectivity by district.\n\nAnn", Attachments: withForm})
	if s.Kind == store.KindPhotoContest {
		t.Errorf("a report with a chart: Kind = %q (reasons %q)", s.Kind, s.Reasons)
	}
}

// TestFacilitatorsPutForward pins that someone put forward "to facilitate one of the
// high-level policy sessions" is a nomination, and that policies "to facilitate the
// deployment of broadband" nominate no one.
func TestFacilitatorsPutForward(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "a@example-univ.edu"}, Subject: "High-level track",
			Text:        "Dear Ms Sah,\n\nWe would like to put forward Prof. Ann Lee to facilitate one of the high-level policy sessions. Her biography is attached.\n\nDean",
			Attachments: []Attachment{{Filename: "bio.pdf", ContentType: "application/pdf", Size: 1000}}},
			store.KindHLTFNomination, "", ""},
		{"fr", &Parsed{From: Address{Email: "a@example-univ.fr"}, Subject: "Volet de haut niveau",
			Text: "Madame,\n\nNous proposons Mme Diallo pour faciliter une session du volet de haut niveau. Son CV suivra.\n\nAnne"},
			store.KindHLTFNomination, "", ""},
		{"es", &Parsed{From: Address{Email: "a@example-univ.edu.pe"}, Subject: "Alto nivel",
			Text: "Estimada Sra. Sah:\n\nProponemos a la Dra. Pérez para conducir una sesión de alto nivel. Adjuntamos su hoja de vida.\n\nAna"},
			store.KindHLTFNomination, "", ""},
		{"ru", &Parsed{From: Address{Email: "a@example-univ.ru"}, Subject: "Сегмент высокого уровня",
			Text: "Уважаемая госпожа Сах!\n\nПредлагаем профессора Иванова вести одну из сессий сегмента высокого уровня. Резюме прилагается.\n\nАнна"},
			store.KindHLTFNomination, "", ""},
		{"policies to facilitate the deployment", &Parsed{From: Address{Email: "a@example.gov.xx"}, Subject: "Our input",
			Text: "Dear Secretariat,\n\nThe Forum should discuss policies to facilitate the deployment of broadband in rural areas and to facilitate a fair spectrum allocation (C2, C6).\n\nMinistry of ICT"},
			store.KindThematic, "", ""},
	})
}
