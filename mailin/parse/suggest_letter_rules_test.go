package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestOwnCompanyPossessive pins that a writer who speaks of "our company" («наша
// компания», "nuestra empresa", 我司) writes for a company when nothing else says who
// writes, while "our firm commitment", «notre société» (our society) and "your
// company" say nothing.
func TestOwnCompanyPossessive(t *testing.T) {
	for text, want := range map[string]string{
		"Nuestra empresa está interesada en proponer a nuestra directora.": "empresa",
		"Our company would like to know the deadline.":                     "company",
		"Notre entreprise souhaite participer au Forum.":                   "entreprise",
		"Наша компания хотела бы принять участие.":                         "компания",
		"Мы представляем нашу компанию на форуме.":                         "компанию",
		"我司希望参加论坛。":                                                        "我司",
		"ترغب شركتنا في المشاركة.":                                         "شركتنا",
		"We reaffirm our firm commitment to the Forum.":                    "",
		"Les défis de notre société numérique sont nombreux.":              "",
		"Could your company sponsor the event?":                            "",
		"Nuestras empresas asociadas apoyan la propuesta.":                 "",
	} {
		if got := weAreCompany(text); got != want {
			t.Errorf("weAreCompany(%q) = %q, want %q", text, got, want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Email: "lc@example-mayab.mx"}, Subject: "¿Cómo se nomina?",
			Text: "Buenas tardes,\n\nNuestra empresa está interesada en participar. ¿Cuál es el procedimiento?\n\nLuis Canché\nRelaciones Institucionales\nSoluciones Digitales Mayab, Mérida"},
			"", store.StakeholderPrivateSector, ""},
		{"ru", &Parsed{From: Address{Email: "ip@example-kt.kz"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nНаша компания хотела бы участвовать в форуме. Как подать заявку?\n\nИван Петров\nВолнаТех"},
			"", store.StakeholderPrivateSector, ""},
		{"en, our firm commitment", &Parsed{From: Address{Email: "jo@example-kt.net"}, Subject: "Question",
			Text: "Hello,\n\nWe reaffirm our firm commitment to the Forum. When is the deadline?\n\nJo Smith"},
			"", store.StakeholderOther, ""},
	})
}

// TestNameOpensWithNetwork pins that a name that opens with a network's or an
// association's word ("Red Latinoamericana de Derechos Digitales", «Сеть цифровых
// инициатив Кавказа») is civil society's even without another of its words, and that
// a network of research keeps its type and a chain of shops is no network of people.
func TestNameOpensWithNetwork(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Email: "ms@example-rldd.lat"}, Subject: "Nominación",
			Text: "Estimado equipo:\n\nLa Red Latinoamericana de Derechos Digitales (RLDD) tiene el agrado de nominar a la abogada Lucía Arriaga como facilitadora.\n\nAtentamente,\nMariana Soto\nDirectora Ejecutiva, RLDD"},
			"", store.StakeholderCivilSociety, ""},
		{"ru", &Parsed{From: Address{Email: "info@example-sci.net"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nКак подать заявку на семинар?\n\nАнна Иванова\nСеть цифровых инициатив Кавказа"},
			"", store.StakeholderCivilSociety, ""},
		{"en", &Parsed{From: Address{Email: "info@example-anw.net"}, Subject: "Question",
			Text: "Hello,\n\nWhen is the deadline for workshops?\n\nAmina Bello\nNetwork Sahel Digital Futures"},
			"", store.StakeholderCivilSociety, ""},
		// Not civil society's.
		{"es, a network of research", &Parsed{From: Address{Email: "info@example-rei.net"}, Subject: "Pregunta",
			Text: "Hola,\n\n¿Cuál es la fecha límite?\n\nAna Paz\nRed Andina de Investigación Universitaria"},
			"", store.StakeholderAcademia, ""},
		{"ru, a chain of shops", &Parsed{From: Address{Email: "bo@example-el.net"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nКогда крайний срок?\n\nОлег Ким\nСеть магазинов «Электрон» Томск"},
			"", store.StakeholderOther, ""},
		{"es, a chain of pharmacies", &Parsed{From: Address{Email: "bo@example-fs.net"}, Subject: "Pregunta",
			Text: "Hola,\n\n¿Cuál es la fecha límite?\n\nAna Paz\nRed Farmacias del Sur Andino"},
			"", store.StakeholderOther, ""},
	})
}

// TestBodyHostedInParentheses pins that a signature line too long to be a name of its
// own reads the host named in parentheses at its end ("… (Universidad de Salamanca)")
// as a short name, and that a sentence or a parenthesis of lower-case words does not.
func TestBodyHostedInParentheses(t *testing.T) {
	for line, want := range map[string]string{
		"Observatorio Iberoamericano de la Sociedad de la Información (Universidad de Salamanca)":        "Universidad de Salamanca",
		"Centre d'études sur la gouvernance numérique et les politiques publiques (Université de Liège)": "Université de Liège",
		"Центр исследований цифровой экономики и информационного общества (Томский университет)":         "Томский университет",
		"Observatorio Iberoamericano de la Sociedad de la Información (en formación)":                    "",
		"Observatorio Iberoamericano de la Sociedad de la Información (UNESCO)":                          "",
		"No line ends here": "",
	} {
		if got := hostInParentheses(line); got != want {
			t.Errorf("hostInParentheses(%q) = %q, want %q", line, got, want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"es", &Parsed{From: Address{Name: "Observatorio Iberoamericano", Email: "boletin@example-oisi.net"}, Subject: "Boletín n.º 47",
			Text: "Estimados amigos:\n\nLes hacemos llegar el número 47 de nuestro boletín.\n\nPablo Iturriaga\nCoordinador editorial\nObservatorio Iberoamericano de la Sociedad de la Información (Universidad de Salamanca)"},
			"", store.StakeholderAcademia, ""},
		{"fr", &Parsed{From: Address{Email: "cg@example-cegn.net"}, Subject: "Question",
			Text: "Bonjour,\n\nQuelle est la date limite des ateliers ?\n\nClaire Gilson\nCentre d'études sur la gouvernance numérique et les politiques publiques (Université de Liège)"},
			"", store.StakeholderAcademia, ""},
		// A sentence that ends with a parenthesis is no signature line.
		{"en, a sentence", &Parsed{From: Address{Email: "jo@example-kt.net"}, Subject: "Question",
			Text: "Hello,\n\nWhen is the deadline?\n\nI studied at a place you may know of long ago, years before the Forum began (University of Ghana).\nJo Smith"},
			"", store.StakeholderOther, ""},
	})
}

// TestSteeringHighLevelSession pins that proposing someone to steer or lead one of the
// Forum's high-level sessions nominates a facilitator, in several languages, while a
// steering committee or leading a session of one's own does not.
func TestSteeringHighLevelSession(t *testing.T) {
	bio := "\n\nHer short biography is attached.\n\nBest regards,\nH. Tanabe"
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "t@example.ac.jp"}, Subject: "Dr. Ong and the high-level sessions",
			Text: "Dear colleagues,\n\nOur Institute would be honoured if Dr. Ong could be considered to steer one of the high-level policy sessions." + bio},
			store.KindHLTFNomination, "", ""},
		{"fr", &Parsed{From: Address{Email: "t@example.fr"}, Subject: "Segment de haut niveau",
			Text: "Madame, Monsieur,\n\nNous proposons Mme Diallo pour piloter l'une des sessions de haut niveau. Son curriculum vitae est joint.\n\nCordialement,\nA. Ba"},
			store.KindHLTFNomination, "", ""},
		{"es", &Parsed{From: Address{Email: "t@example.mx"}, Subject: "Serie de alto nivel",
			Text: "Estimados:\n\nProponemos a la Dra. Ruiz para dirigir una de las sesiones de alto nivel. Adjuntamos su CV.\n\nSaludos,\nA. Paz"},
			store.KindHLTFNomination, "", ""},
		{"ru", &Parsed{From: Address{Email: "t@example.ru"}, Subject: "Сегмент высокого уровня",
			Text: "Уважаемые коллеги!\n\nПредлагаем г-жу Орлову руководить одной из сессий высокого уровня. Её резюме прилагается.\n\nС уважением,\nИ. Орлов"},
			store.KindHLTFNomination, "", ""},
		// Not a nomination.
		{"en, a steering committee", &Parsed{From: Address{Email: "t@example.org"}, Subject: "Our inputs on the themes",
			Text: "Dear colleagues,\n\nForwarding the inputs on the themes agreed by our steering committee last week: cybersecurity (C5) and capacity building (C4) deserve more room.\n\nBest,\nA. Lee"},
			store.KindThematic, "", ""},
	})
}

// TestStraightQuotedTitleAsksNothing pins that a question mark inside quotation marks, the title
// of a session ("… : mythe ou réalité ?", «Кто платит?»), asks nothing, while one
// outside them does.
func TestStraightQuotedTitleAsksNothing(t *testing.T) {
	for text, want := range map[string]bool{
		`"Le cloud souverain pour les PME africaines : mythe ou réalité ?"`: false,
		"Тема: «Кто платит за связь?»":                                      false,
		"题目：“谁来付费？”":                                                        false,
		`Our title is "Who pays?" - can we still apply?`:                    true,
		"¿Cuál es el procedimiento?":                                        true,
		"هل يمكن المشاركة؟":                                                 true,
	} {
		if got := unquotedQuestionMark(text); got != want {
			t.Errorf("unquotedQuestionMark(%q) = %v, want %v", text, got, want)
		}
	}
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "kb@example.fr"}, Subject: "atelier forum smsi - demande",
			Text: "Bonsoir,\n\nJe vous écris pour demander l'organisation d'un atelier au Forum :\n\n\"Le cloud souverain pour les PME : mythe ou réalité ?\"\n\n45 min, 3 intervenants.\n\nKarim B."},
			store.KindWorkshopRequest, "", ""},
		{"en", &Parsed{From: Address{Email: "kb@example.com"}, Subject: "Workshop request",
			Text: "Hello,\n\nWe would like to hold a workshop at the Forum:\n\n\"Who pays for rural connectivity?\"\n\n60 minutes, four speakers.\n\nKim B."},
			store.KindWorkshopRequest, "", ""},
		{"en, a real question", &Parsed{From: Address{Email: "kb@example.com"}, Subject: "Workshops",
			Text: "Hello,\n\nIs there still time to propose a workshop?\n\nKim B."},
			store.KindInquiry, "", ""},
	})
}

// TestFormatSubjectSessions pins that under a subject on the Forum's format, sessions to
// hold or rooms to reserve are how the Forum would run, in several languages, while a
// subject that names the writer's session keeps it a request.
func TestFormatSubjectSessions(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr", &Parsed{From: Address{Email: "g@example.bj"}, Subject: "Proposition sur le format du Forum",
			Text: "Bonjour,\n\nQuelques propositions :\n1) Réserver chaque jour une heure des jeunes au lieu d'un seul atelier le vendredi.\n2) Organiser des sessions plus courtes.\n\nMerci,\nG. H."},
			store.KindFormat, "", ""},
		{"en", &Parsed{From: Address{Email: "g@example.org"}, Subject: "Ideas on the format of the Forum",
			Text: "Hello,\n\nTwo ideas:\n1) Reserve a youth hour every day instead of one workshop on Friday.\n2) Organise shorter sessions.\n\nThanks,\nG. H."},
			store.KindFormat, "", ""},
		{"es", &Parsed{From: Address{Email: "g@example.org"}, Subject: "Sobre el formato del Foro",
			Text: "Hola,\n\nDos ideas:\n1) Reservar cada día una hora de los jóvenes en vez de un solo taller el viernes.\n2) Organizar sesiones más cortas.\n\nGracias,\nG. H."},
			store.KindFormat, "", ""},
		// The subject names a workshop of the writer's.
		{"en, a workshop in the subject", &Parsed{From: Address{Email: "g@example.org"}, Subject: "Workshop request in an interactive format",
			Text: "Hello,\n\nWe would like to organise a workshop on community networks, 60 minutes with four speakers.\n\nThanks,\nG. H."},
			store.KindWorkshopRequest, "", ""},
	})
}

// TestRegulatorWithPlaceAndLetterhead pins that a regulator signed with its city keeps
// its name without the city, and that a minister's office that writes under its
// ministry's letterhead is the ministry, while a letterhead line that is a sentence or
// another office is not taken.
func TestRegulatorWithPlaceAndLetterhead(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"fr, regulator and city", &Parsed{From: Address{Email: "d@example.mr"}, Subject: "Candidature",
			Text: "Madame, Monsieur,\n\nNous proposons Mme Ahmed pour animer une session de haut niveau.\n\nMohamed Sidi\nDirecteur général\nAutorité de régulation du numérique, Nouakchott"},
			"", store.StakeholderGovernment, "Autorité de régulation du numérique"},
		{"es, regulator and city", &Parsed{From: Address{Email: "d@example.pe"}, Subject: "Pregunta",
			Text: "Estimados:\n\n¿Cuál es la fecha límite?\n\nAna Paz\nGerente\nOrganismo Regulador de Telecomunicaciones, Lima"},
			"", store.StakeholderGovernment, "Organismo Regulador de Telecomunicaciones"},
		{"fr, letterhead", &Parsed{From: Address{Name: "Cabinet du Ministre", Email: "cabinet@example.gouv.ci"}, Subject: "Contribution officielle",
			Text: "RÉPUBLIQUE DE CÔTE D'IVOIRE\n\nMINISTÈRE DE L'ÉCONOMIE NUMÉRIQUE ET DES POSTES\nCabinet du Ministre\n\nObjet : contribution sur les thèmes\n\nLe Ministère propose les thèmes suivants : cybersécurité (C5).\n\nLe Directeur de Cabinet"},
			"", store.StakeholderGovernment, "MINISTÈRE DE L'ÉCONOMIE NUMÉRIQUE ET DES POSTES"},
		{"en, letterhead", &Parsed{From: Address{Name: "Office of the Minister", Email: "om@example.gov.gh"}, Subject: "Contribution",
			Text: "Ministry of Communications and Digitalisation\nOffice of the Minister\n\nDear colleagues,\n\nThe Ministry proposes cybersecurity (C5) as a theme.\n\nRegards"},
			"", store.StakeholderGovernment, "Ministry of Communications and Digitalisation"},
		// Above the office, a sentence: no letterhead.
		{"en, a sentence above", &Parsed{From: Address{Name: "Office of the Minister", Email: "om@example.gov.gh"}, Subject: "Contribution",
			Text: "We write on behalf of the Ministry of Communications.\nOffice of the Minister\n\nThe Ministry proposes cybersecurity (C5) as a theme.\n\nRegards"},
			"", store.StakeholderGovernment, "Office of the Minister"},
	})
}

// TestCollegesAndSolutions pins that a college of technology (колледж, техникум) is
// academia and a company named for its solutions (Soluciones, Soluções) is a company.
func TestCollegesAndSolutions(t *testing.T) {
	runSuggestCases(t, []suggestCase{
		{"ru, college", &Parsed{From: Address{Email: "a@example-kkit.ru"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nКогда крайний срок?\n\nАлина Гарипова, преподаватель\nКазанский колледж информационных технологий"},
			"", store.StakeholderAcademia, "Казанский колледж информационных технологий"},
		{"ru, technical school", &Parsed{From: Address{Email: "a@example-tt.ru"}, Subject: "Вопрос",
			Text: "Здравствуйте!\n\nКогда крайний срок?\n\nОлег Ким\nТомский техникум связи"},
			"", store.StakeholderAcademia, ""},
		{"es, solutions", &Parsed{From: Address{Email: "l@example-sdm.net"}, Subject: "Pregunta",
			Text: "Hola,\n\n¿Cuál es la fecha límite?\n\nLuis Canché\nSoluciones Digitales Mayab"},
			"", store.StakeholderPrivateSector, ""},
		{"pt, solutions", &Parsed{From: Address{Email: "l@example-sdm.net"}, Subject: "Pregunta",
			Text: "Olá,\n\nQual é o prazo?\n\nLuís Costa\nSoluções Digitais Atlântico"},
			"", store.StakeholderPrivateSector, ""},
	})
}
