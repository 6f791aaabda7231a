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
		// Kinds.
		{"an automatic reply that opens the subject", &Parsed{From: Address{Email: "k.osei@example.gov.gh"}, Subject: "Automatic reply: Forum registration",
			Text: "I am away until 3 March with no access to e-mail. For any question on registration, please write to my colleague."},
			store.KindOther, "", ""},
		{"a subject about automatic replies is no automatic reply", &Parsed{From: Address{Email: "p@example.org"}, Subject: "Automatic reply bots in public services: our comments",
			Text: "Please find attached our comments on chatbots and automatic replies in e-government services.", Attachments: pdf},
			store.KindThematic, "", ""},
		{"an application for an internship that asks", &Parsed{From: Address{Name: "Léa Martin", Email: "l.martin@example.net"}, Subject: "Demande",
			Text: "Bonjour,\n\nÉtudiante en master, je souhaiterais effectuer un stage comme stagiaire auprès de l'équipe du SMSI. Pouvez-vous me dire à qui écrire ?\n\nLéa Martin"},
			store.KindOther, "", ""},
		{"an offer of services with a question", &Parsed{From: Address{Email: "sales@example-av.com"}, Subject: "Conference audio-visual rental",
			Text: "We are a Geneva audio-visual rental firm and offer our services for conferences: microphones, screens and booths at special rates. Shall we send our price list?"},
			store.KindOther, "", ""},
		{"a subject that asks about submissions", &Parsed{From: Address{Email: "j.perez@example.com.uy"}, Subject: "¿Hasta cuándo se reciben las contribuciones?",
			Text: "Buenas tardes, quisiéramos saber la fecha límite. Gracias."},
			store.KindInquiry, "", ""},
		{"asking to hold a seminar, with a request for news", &Parsed{From: Address{Email: "i.petrova@example.ru"}, Subject: "Семинар по открытым данным",
			Text: "Уважаемые коллеги!\n\nНаш центр просит включить в программу Форума семинар по открытым данным (60 минут). Просим сообщить о решении."},
			store.KindWorkshopRequest, "", ""},
		{"booking a session", &Parsed{From: Address{Email: "n.haddad@example.gov.lb"}, Subject: "جلسة حول الحكومة المفتوحة",
			Text: "نود حجز جلسة لمدة تسعين دقيقة خلال المنتدى لعرض تجربة لبنان في البيانات المفتوحة."},
			store.KindWorkshopRequest, "", ""},
		{"a webinar is a workshop", &Parsed{From: Address{Email: "o@example.org"}, Subject: "Webinar proposal",
			Text: "We would like to organise a webinar on community networks during the Forum week, with four speakers from three regions."},
			store.KindWorkshopRequest, "", ""},
		{"how sessions are laid out is the format, even as input", &Parsed{From: Address{Email: "s@example.net"}, Subject: "My input",
			Text: "A few ideas: too many rooms at the same time, so fewer, longer sessions would help; a live stream of every room; and more time for questions from the floor."},
			store.KindFormat, "", ""},
		{"questions named but none asked", &Parsed{From: Address{Email: "s@example.net"}, Subject: "Suggestions",
			Text: "Des séances plus courtes, avec davantage de temps pour les questions du public, et une diffusion en direct de toutes les salles."},
			store.KindFormat, "", ""},
		{"an invitation in the subject", &Parsed{From: Address{Email: "c@example.edu.pe"}, Subject: "Invitación: Congreso de Innovación y Tecnología 2019",
			Text: "Tenemos el gusto de invitarlos a nuestro congreso anual sobre innovación en la universidad peruana."},
			store.KindOther, "", ""},
		{"a session proposed", &Parsed{From: Address{Email: "l@example.org.co"}, Subject: "Propuesta de sesión: datos abiertos",
			Text: "Les enviamos nuestra propuesta de sesión para el Foro, de 60 minutos, con cuatro ponentes."},
			store.KindWorkshopRequest, "", ""},
		{"a mailing's footer", &Parsed{From: Address{Email: "news@example-digest.com"}, Subject: "Digital policy this week",
			Text: "Spectrum, data flows and more. Is your country ready?\n\nYou are receiving this because you subscribed on our site."},
			store.KindOther, "", ""},
		{"a submission's subject outweighs one word in passing", &Parsed{From: Address{Email: "a@example-inst.org"}, Subject: "Our contribution",
			Text: "Please find our contribution attached.\n\nAna Prieto\nDirectorate for Science, Technology and Innovation", Attachments: pdf},
			store.KindThematic, "", ""},
		{"newcomers and mentoring are the format", &Parsed{From: Address{Email: "k@example.net"}, Subject: "Suggestion",
			Text: "Hello,\n\nThe Forum could pair newcomers with experienced participants through mentoring, and publish the schedule in an app.\n\nKim"},
			store.KindFormat, "", ""},
		{"asking without a question mark", &Parsed{From: Address{Email: "c@example.fr"}, Subject: "Webinaires",
			Text: "Bonjour,\n\nJe souhaiterais savoir si les webinaires de préparation seront enregistrés.\n\nClaire"},
			store.KindInquiry, "", ""},
		{"a subject that asks makes an inquiry", &Parsed{From: Address{Email: "o@example.ru"}, Subject: "Вопрос",
			Text: "Добрый день, интересуют сроки подачи заявок на семинары.\n\nОлег"},
			store.KindInquiry, "", ""},
		// Stakeholder types.
		{"the Commonwealth is intergovernmental", &Parsed{From: Address{Email: "i@example.org"}, Subject: "Contribution",
			Text: "Attached.\n\nIrina Popova\nRegional Commonwealth in the field of Communications", Attachments: pdf},
			"", store.StakeholderInternationalO, ""},
		{"a sentence opens with a form only civil society takes", &Parsed{From: Address{Email: "v@example-cifra.ru"}, Subject: "Вклад",
			Text: "Межрегиональная общественная организация «Цифровое равенство» направляет свой вклад.\n\nВера Соколова", Attachments: pdf},
			"", store.StakeholderCivilSociety, ""},
		{"a legal form alone after a comma", &Parsed{From: Address{Email: "r@example.pt"}, Subject: "Contribution",
			Text: "Please find attached.\n\nRui Costa\nDigiLab, Lda.", Attachments: pdf}, "", store.StakeholderPrivateSector, "DigiLab, Lda."},
		{"a legal form that ends the line is no full stop", &Parsed{From: Address{Email: "m@example-conseil.fr"}, Subject: "Contribution",
			Text: "Ci-joint notre contribution.\n\nMarc Petit\nAtlas Conseil S.A.S.", Attachments: pdf}, "", store.StakeholderPrivateSector, "Atlas Conseil S.A.S."},
		{"a company's legal form opens the sentence", &Parsed{From: Address{Email: "i@example-tel.ru"}, Subject: "Вклад",
			Text: "ПАО «Северсвязь» направляет свой вклад.\n\nИван Орлов\nдиректор по связям", Attachments: pdf}, "", store.StakeholderPrivateSector, ""},
		{"UN in capitals", &Parsed{From: Address{Email: "m@example.ch"}, Subject: "Input",
			Text: "Our input is attached.\n\nMarta Rossi\nUN Office for Digital Cooperation", Attachments: pdf}, "", store.StakeholderInternationalO, ""},
		{"a legal form as written", &Parsed{From: Address{Email: "info@alpenlogistik.ch"}, Subject: "Contribution",
			Text: "Attached is our contribution.\n\nUrs Meier\nAlpen Logistik AG", Attachments: pdf}, "", store.StakeholderPrivateSector, "Alpen Logistik AG"},
		{"a legal form written first", &Parsed{From: Address{Email: "budi@example.co.id"}, Subject: "Contribution",
			Text: "Attached is our contribution.\n\nBudi Santoso\nPT Nusantara Digital", Attachments: pdf}, "", store.StakeholderPrivateSector, "PT Nusantara Digital"},
		{"a region and the body of an intergovernmental organisation", &Parsed{From: Address{Email: "sg@example-ctu.org"}, Subject: "Contribution",
			Text: "Attached is our contribution.\n\nMarlon Grant\nCaribbean Telecommunications Union", Attachments: pdf}, "", store.StakeholderInternationalO, "Caribbean Telecommunications Union"},
		{"a regional bank in Chinese", &Parsed{From: Address{Email: "x@example-bank.org"}, Subject: "意见",
			Text: "附件为我行的意见。\n\n王磊\n非洲发展银行 北京代表处", Attachments: pdf}, "", store.StakeholderInternationalO, ""},
		{"a national agency", &Parsed{From: Address{Email: "r@example-dta.lk"}, Subject: "Contribution",
			Text: "Attached is our contribution.\n\nRavi Perera\nDigital Transformation Agency of Sri Lanka (DTA)", Attachments: pdf}, "", store.StakeholderGovernment, "Digital Transformation Agency of Sri Lanka (DTA)"},
		{"a chair of a university in Russian", &Parsed{From: Address{Email: "p@example-tu.by"}, Subject: "Вопрос",
			Text: "Будет ли трансляция?\n\nПавел Ковалёв\nдоцент кафедры сетей связи"}, "", store.StakeholderAcademia, ""},
		{"a society in Russian", &Parsed{From: Address{Email: "m@example-ozp.ru"}, Subject: "Предложения",
			Text: "Направляем наши предложения.\n\nМария Ильина\nОбщество защиты приватности", Attachments: pdf}, "", store.StakeholderCivilSociety, "Общество защиты приватности"},
		{"a limited company in Russian words", &Parsed{From: Address{Email: "m@example-soft.ru"}, Subject: "Предложения",
			Text: "Направляем наши предложения.\n\nМария Ильина\nОбщество с ограниченной ответственностью «Сибсофт»", Attachments: pdf}, "", store.StakeholderPrivateSector, ""},
		{"a sentence alone does not make a type", &Parsed{From: Address{Email: "j@example-num.fr"}, Subject: "Our input",
			Text: "Our agency contributes a study of e-government services in rural areas, attached.\n\nJean Morel", Attachments: pdf}, "", store.StakeholderOther, ""},
		{"a signature line outweighs a sentence", &Parsed{From: Address{Email: "a@example-arab.org"}, Subject: "مساهمة",
			Text: "تقدم المنظمة مساهمتها المرفقة.\n\nأحمد سالم\nالاتحاد العربي للاتصالات، القاهرة", Attachments: pdf}, "", store.StakeholderInternationalO, ""},
		// Organisations.
		{"a long name of a ministry in a signature", &Parsed{From: Address{Email: "a@example.gov.kz"}, Subject: "Вклад",
			Text: "Направляем официальный вклад.\n\nАсель Нурова\nМинистерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан", Attachments: pdf},
			"", store.StakeholderGovernment, "Министерство цифрового развития, инноваций и аэрокосмической промышленности Республики Казахстан"},
		{"initials that open the last line, spelt out in the text", &Parsed{From: Address{Email: "d@example.gob.py"}, Subject: "Aporte",
			Text: "El Ministerio de Tecnologías de la Información y Comunicación (MITIC) remite su aporte.\n\nDiego Benítez\nMITIC, Asunción", Attachments: pdf},
			"", "", "Ministerio de Tecnologías de la Información y Comunicación (MITIC)"},
		{"initials that open the last line, spelt out by their words", &Parsed{From: Address{Email: "n@example.kg"}, Subject: "Круглый стол",
			Text: "Национальный центр цифровых решений просит провести круглый стол.\n\nНурбек Асанов\nНЦЦР, Бишкек"},
			"", "", "Национальный центр цифровых решений (НЦЦР)"},
		{"initials and words spell the domain", &Parsed{From: Address{Email: "t@ok-labs.org"}, Subject: "Input",
			Text: "Our input is attached.\n\nTara Quinn\nProgramme Lead, Open Knowledge Labs", Attachments: pdf}, "", "", "Open Knowledge Labs"},
		{"a subdomain names the organisation", &Parsed{From: Address{Email: "e@openspectrum.example-alliance.org"}, Subject: "Input",
			Text: "Our input is attached.\n\nEmeka Obi\nCoordinator, OpenSpectrum", Attachments: pdf}, "", "", "OpenSpectrum"},
		{"a postal address is no organisation", &Parsed{From: Address{Email: "k@unhcr.org"}, Subject: "Input",
			Text: "Our input is attached.\n\nKarin Berg\nUNHCR, Innovation Service\n94 Rue de Montbrillant, Geneva", Attachments: pdf}, "", store.StakeholderInternationalO, "UNHCR, Innovation Service"},
		{"a Chinese department's organisation", &Parsed{From: Address{Name: "星河数据公关部", Email: "pr@example-xinghe.com"}, Subject: "新闻稿：星河数据发布报告",
			Text: "星河数据今日发布年度报告。"}, "", "", "星河数据"},
		{"a Chinese line's department after a space", &Parsed{From: Address{Name: "陈静", Email: "chen@example-lab.cn"}, Subject: "意见",
			Text: "附件为我们的意见。\n\n陈静\n华南数字研究院 国际合作部", Attachments: pdf}, "", store.StakeholderAcademia, "华南数字研究院"},
		{"a lecturer's title is no organisation", &Parsed{From: Address{Email: "a@example-univ.sn"}, Subject: "Contribution",
			Text: "Ci-joint notre contribution.\n\nAwa Ndiaye\nMaître de conférences, École supérieure polytechnique", Attachments: pdf}, "", store.StakeholderAcademia, "École supérieure polytechnique"},
		{"a note to a colleague is no acronym", &Parsed{From: Address{Name: "Paolo Neri", Email: "paolo@example-union.int"}, Subject: "FW: newsletter",
			Text: "FYI\n\nThe newsletter of the prizes is out."}, "", "", "Example Union"},
		{"an ISP's address is personal", &Parsed{From: Address{Email: "h.keller@t-online.de"}, Subject: "Ideen",
			Text: "Some ideas for shorter sessions.\n\nHans Keller"}, "", store.StakeholderOther, ""},
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
