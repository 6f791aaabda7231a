package parse

import (
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestQuotedTitleAsksNothing pins that a question mark inside a title in quotation
// marks is no question put to the reader, in six languages, while a question outside
// them still counts.
func TestQuotedTitleAsksNothing(t *testing.T) {
	v := defaultVocabulary()
	for _, tc := range []struct {
		name, text string
		want       int
	}{
		{"fr title", "Nous proposons une session sur le thème « Centres de données : quel modèle économique ? ».", 0},
		{"fr title and a question", "Sur le thème « Quel modèle ? ».\nPourriez-vous confirmer la réception ?", 1},
		{"en curly quotes", "Proposed title: “Who pays for the last mile?”, 60 minutes.", 0},
		{"es", "Título: «¿Quién conecta a los que faltan?», con tres panelistas.", 0},
		{"ru", "Тема секции: «Кто заплатит за связь?» — 90 минут.", 0},
		{"zh", "拟定题目：「数字鸿沟如何弥合？」，时长60分钟。", 0},
		{"ar", "عنوان الجلسة: «من يمول الربط؟» لمدة ساعة.", 0},
		// must still count
		{"en plain questions", "Is the deadline 10 February? Can we send two proposals?", 2},
		{"ru plain question", "Можно ли подать две заявки?", 1},
		{"zh plain question", "请问截止日期是哪天？", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := v.questions(tc.text); got != tc.want {
				t.Errorf("questions(%q) = %d, want %d", tc.text, got, tc.want)
			}
		})
	}
}

// TestQuestionsUnderACall pins that a reply under the Forum's own call ("Re: Appel à
// propositions d'ateliers") that asks two questions is an inquiry, the French questions
// by inversion («est-elle», «peut-elle») asking too, and that an answer to a call that
// names its own submission still submits.
func TestQuestionsUnderACall(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "coop@example-regulateur.bi"}, Subject: "Re: Appel à propositions d'ateliers",
			Text: "Bonjour,\n\nMerci pour ce rappel. La date limite pour soumettre les propositions d'ateliers est-elle toujours le 15 décembre ? " +
				"Et une même institution peut-elle soumettre deux propositions ?\n\nCordialement,\nJean Ndayishimiye"},
			store.KindInquiry, "", ""},
		{"en", &Parsed{From: Address{Email: "office@example-ngo.org"}, Subject: "Re: Call for proposals - workshops",
			Text: "Dear team,\n\nThank you for the reminder. Is the deadline for workshop proposals still 15 December? " +
				"Can one institution send two proposals?\n\nBest,\nAnn Lee"},
			store.KindInquiry, "", ""},
		{"es", &Parsed{From: Address{Email: "info@example-red.org.pe"}, Subject: "Re: Convocatoria de propuestas - Foro 2019",
			Text: "Estimados:\n\n¿La fecha límite para enviar propuestas de talleres sigue siendo el 15 de diciembre? " +
				"¿Una misma institución puede enviar dos propuestas?\n\nSaludos,\nRosa Paz"},
			store.KindInquiry, "", ""},
		{"ru", &Parsed{From: Address{Email: "info@example-fond.kg"}, Subject: "Re: Сбор предложений по семинарам",
			Text: "Добрый день!\n\nПодскажите, срок подачи заявок на семинары по-прежнему 15 декабря? " +
				"Может ли одна организация подать две заявки?\n\nС уважением,\nАйбек Осмонов"},
			store.KindInquiry, "", ""},
		// must not fire: the answer to a call that submits its own contribution
		{"fr submits", &Parsed{From: Address{Email: "dg@example-ministere.gouv.ml"},
			Subject:     "Réponse à l'appel à contributions : contribution du Mali",
			Text:        "Madame, Monsieur,\n\nVeuillez trouver ci-joint la contribution du Mali aux aspects thématiques du Forum.\n\nLe Directeur",
			Attachments: []Attachment{{Filename: "contribution-mali.pdf", ContentType: "application/pdf", Size: 80000}}},
			store.KindThematic, "", ""},
		// must not fire: a French request without questions stays a request
		{"fr request", &Parsed{From: Address{Email: "contact@example-asso.sn"}, Subject: "Demande d'atelier",
			Text: "Madame, Monsieur,\n\nNotre association souhaite organiser un atelier de 45 minutes avec trois intervenants " +
				"sur les radios communautaires.\n\nCordialement,\nAwa Diop"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestWorkshopInPassing pins that a workshop named in passing in a text on the action
// lines, nothing asked to be held, is a theme, and that asking to hold one still asks.
func TestWorkshopInPassing(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "lead@example-collective.org"}, Subject: "Re: Open Consultation - Phase I",
			Text: "Dear Secretariat,\n\nPlease find below our input.\n\n1. Capacity building (C4) must move beyond \"digital literacy\" " +
				"workshops: women finish courses and then have no affordable device.\n\n2. Local content (C8): local languages " +
				"remain marginal. We suggest a thematic focus on public funding for them.\n\nKind regards,\nAda Obi"},
			store.KindThematic, "", ""},
		// must not fire
		{"en holds one", &Parsed{From: Address{Email: "lead@example-collective.org"}, Subject: "Workshop request",
			Text: "Dear Secretariat,\n\nWe would like to organise a workshop on capacity building (C4) and local content (C8) " +
				"with four speakers.\n\nKind regards,\nAda Obi"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestChineseProposalsAndNewsletters pins that "如何" inside a proposal ("建议讨论数字平台如何
// 帮助…") asks nothing, while a question with it still asks, and that an issue of a
// newsletter (本期通訊, 月通讯) is no contribution.
func TestChineseProposalsAndNewsletters(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"zh proposal", &Parsed{From: Address{Email: "office@example-unido.org"}, Subject: "对2019年论坛主题的建议",
			Text: "WSIS论坛秘书处：\n\n谨就2019年论坛的主题提出如下建议：\n\n一、电子商务（C7）：建议讨论数字平台如何帮助中小企业进入全球价值链。\n" +
				"二、关注数字化转型对就业的影响以及职业技能再培训（C4）。\n\n周明"},
			store.KindThematic, "", ""},
		{"zh question", &Parsed{From: Address{Email: "li@example.cn"}, Subject: "注册",
			Text: "您好，请问个人如何注册参加论坛？谢谢。\n\n李华"},
			store.KindInquiry, "", ""},
		{"zh-hant newsletter", &Parsed{From: Address{Email: "marketing@example-bridge.com.hk"}, Subject: "數碼橋 2018年12月通訊",
			Text: "各位朋友：\n\n本期通訊與您分享：我們開設了第二間長者數碼學堂；明年一月將舉辦數碼共融分享會，歡迎參加。\n\n張志明"},
			store.KindOther, "", ""},
		{"zh-hans newsletter", &Parsed{From: Address{Email: "news@example-lab.cn"}, Subject: "数字实验室11月通讯",
			Text: "各位朋友：\n\n本期通讯：我们在三个县开设了培训班，下月将举办开放日，欢迎参加。\n\n王芳"},
			store.KindOther, "", ""},
		// must not fire: a communications authority is no newsletter
		{"zh authority", &Parsed{From: Address{Email: "intl@example-ca.gov.cn"}, Subject: "关于举办研讨会的申请",
			Text: "WSIS论坛秘书处：\n\n我局（通讯管理局）希望在论坛期间举办一场90分钟的研讨会，邀请三位发言人。\n\n赵强"},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestSessionLayoutWords pins the words of how sessions are laid out (their schedule,
// the plenary sessions) as format words, in Arabic as in the other languages, and an
// Arabic list of such proposals as a format proposal.
func TestSessionLayoutWords(t *testing.T) {
	v := defaultVocabulary()
	for _, text := range []string{"نشر جدول الجلسات قبل شهر", "وليس فقط في الجلسات العامة", "publish the schedule of sessions",
		"le calendrier des sessions", "el calendario de sesiones", "расписание сессий", "提前公布会议日程表"} {
		if n, _ := v.formatWords.countIn(v.newFoldedText(foldText(text))); n == 0 {
			t.Errorf("%q: no format word", text)
		}
	}
	for _, text := range []string{"جلسة عن الحكومة الإلكترونية", "a session on e-government"} {
		if n, _ := v.formatWords.countIn(v.newFoldedText(foldText(text))); n != 0 {
			t.Errorf("%q: a format word", text)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"ar", &Parsed{From: Address{Email: "sami@example-mail.tn"}, Subject: "اقتراح",
			Text: "السلام عليكم،\n\nأكتب بصفتي الشخصية. أقترح:\n- توفير الترجمة الفورية إلى العربية في عدد أكبر من الجلسات وليس فقط في الجلسات العامة؛\n" +
				"- تخصيص جلسة للأسئلة المفتوحة في نهاية كل يوم؛\n- نشر جدول الجلسات مع أسماء المتحدثين قبل شهر على الأقل.\n\nسامي"},
			store.KindFormat, "", ""},
	})
}

// TestOrganisationNotTheWriters pins that the organisation a job seeker wants, the
// formula of a signature made for a minister and the middle of a wrapped sentence name
// no organisation, while the writer's own post still does.
func TestOrganisationNotTheWriters(t *testing.T) {
	v := defaultVocabulary()
	lt := lineTerms{v: v, lines: map[string]foldedText{}}
	for _, tc := range []struct{ text, want string }{
		{"Я инженер-программист, ищу работу в международной организации в Женеве.", ""},
		{"I am a software engineer looking for a job at the United Nations Office in Geneva.", ""},
		{"Je suis ingénieur, je cherche un emploi à l'Union internationale des télécommunications.", ""},
		// must still find the post
		{"Я главный специалист Министерства цифрового развития.", "Министерство цифрового развития"},
		{"I am an adviser at the Ministry of Digital Economy.", "Ministry of Digital Economy"},
	} {
		if got := v.writerOrganisation(tc.text, lt); got != tc.want {
			t.Errorf("writerOrganisation(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
	for _, tc := range []struct {
		sentence string
		want     int
	}{
		{"Le Ministère de la Transition numérique et des Postes a l'honneur", 9},
		{"El Ministerio de Tecnologías de la Información y las Comunicaciones presenta su aporte", 10},
		{"La Fundación Conectar Comunidades desea proponer", 4},
		// must not fire: no article, a comma inside, no verb
		{"Ministère de la Transition numérique a l'honneur", -1},
		{"La Universidad de Cuenca, con sede en Ecuador, propone", -1},
		{"Le Ministère de la Transition numérique et des Postes", -1},
	} {
		if got := romanceVerbAfter(strings.Fields(tc.sentence), 2); got != tc.want {
			t.Errorf("romanceVerbAfter(%q) = %d, want %d", tc.sentence, got, tc.want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"fr delegation", &Parsed{From: Address{Email: "dg@transitionnumerique.gouv.ci"}, Subject: "Contribution officielle",
			Text: "Madame,\n\nLe Ministère de la Transition numérique et des Postes de la République de Côte d'Ivoire a\nl'honneur de transmettre sa contribution " +
				"aux aspects thématiques du Forum.\n\nPour le Ministre et par délégation,\nLe Directeur général\nKoffi Yao\nAbidjan"},
			"", store.StakeholderGovernment, "Ministère de la Transition numérique et des Postes de la République de Côte d'Ivoire"},
		{"es delegation", &Parsed{From: Address{Email: "dg@mtc.gob.pe"}, Subject: "Contribución",
			Text: "Estimados:\n\nEl Ministerio de Transportes y Comunicaciones de la República del Perú presenta a continuación\nsu " +
				"contribución sobre los aspectos temáticos del Foro.\n\nPor el Ministro,\nDirector General\nLima"},
			"", store.StakeholderGovernment, "Ministerio de Transportes y Comunicaciones de la República del Perú (MTC)"},
		{"en wrapped sentence", &Parsed{From: Address{Email: "henrik@fastmail.fm"}, Subject: "ethics input",
			Text: "Dear organisers,\n\nOn Action Line C10 the Forum should look at automated decision\nsystems used by public " +
				"administrations - welfare eligibility, predictive policing,\nschool allocation. Citizens rarely know.\n\nRegards,\nHenrik Aalto\nEspoo, Finland"},
			"", store.StakeholderOther, "-"},
	})
}

// TestGovernmentBodiesByName pins a national commission, a province's data bureau and
// the regulators known by their initials as government, and names that only resemble
// them as not.
func TestGovernmentBodiesByName(t *testing.T) {
	v := defaultVocabulary()
	lt := lineTerms{v: v, lines: map[string]foldedText{}}
	for _, line := range []string{"广西壮族自治区大数据发展局", "贵州省大數據發展管理局", "اللجنة الوطنية المصرية للتربية والعلوم والثقافة",
		"深圳市人民政府"} {
		if !v.isOrganisationLine(line, lt) {
			t.Errorf("%q: not an organisation line", line)
		}
	}
	for _, domain := range []string{"arpt.bi", "artp.sn", "arcep.bf", "anatel.gov.br", "osiptel.gob.pe", "tdra.gov.ae"} {
		if got := v.knownDomainType(domain); got != store.StakeholderGovernment {
			t.Errorf("knownDomainType(%q) = %q, want government", domain, got)
		}
	}
	for _, domain := range []string{"arptech.com", "artpaper.fr", "example.org"} {
		if got := v.knownDomainType(domain); got != "" {
			t.Errorf("knownDomainType(%q) = %q, want none", domain, got)
		}
	}
	for _, domain := range []string{"fastmail.fm", "fastmail.com"} {
		if !IsWebmailDomain(domain) {
			t.Errorf("%s: not webmail", domain)
		}
	}
}
