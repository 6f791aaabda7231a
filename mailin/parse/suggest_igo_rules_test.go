package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestOwnIntergovernmentalBody pins that a writer who calls their own body
// intergovernmental, or speaks of its member states, writes for an international
// organisation whatever its .org or .net domain says, in six languages; and that the
// intergovernmental organisations a body works with, or an intergovernmental process,
// say nothing of the writer.
func TestOwnIntergovernmentalBody(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	igo := store.StakeholderInternationalO
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "info@example-rdc.org"}, Subject: "Contribution",
			Text:        "Dear colleagues,\n\nThe Northern Seas Data Centre, an intergovernmental organisation of six states, sends its views on the themes.\n\nKind regards,\nAnna Berg",
			Attachments: pdf}, "", igo, ""},
		{"en, our member states", &Parsed{From: Address{Email: "p@example-rdc.net"}, Subject: "Format",
			Text: "Dear colleagues,\n\nBased on our member states' experience of the last edition, we suggest fewer parallel tracks.\n\nBest regards,\nPaul Grant"},
			"", igo, ""},
		{"fr", &Parsed{From: Address{Email: "sg@example-ofn.org"}, Subject: "Contribution",
			Text:        "Madame, Monsieur,\n\nL'Office du numérique, organisation intergouvernementale de douze États, transmet sa contribution.\n\nCordialement,\nJean Roy",
			Attachments: pdf}, "", igo, ""},
		{"es", &Parsed{From: Address{Email: "d@example-cre.net"}, Subject: "Contribución",
			Text:        "Estimada Secretaría:\n\nEl Centro Regional de Estudios, organismo intergubernamental creado por 11 Estados, envía su contribución.\n\nSaludos,\nLuis Paz",
			Attachments: pdf}, "", igo, ""},
		{"ru", &Parsed{From: Address{Email: "info@example-ecc.org"}, Subject: "Вклад",
			Text:        "Уважаемые коллеги!\n\nРегиональный центр (РЦ) — межправительственная организация пяти государств — направляет свой вклад.\n\nС уважением,\nИван Орлов",
			Attachments: pdf}, "", igo, ""},
		{"zh", &Parsed{From: Address{Email: "info@example-rc.org"}, Subject: "意见",
			Text: "尊敬的秘书处：\n\n本中心是一个政府间组织，现提交我们的意见。\n\n王磊", Attachments: pdf}, "", igo, ""},
		{"ar", &Parsed{From: Address{Email: "info@example-rc.org"}, Subject: "مساهمة",
			Text: "السادة الكرام،\n\nيتشرف المركز الإقليمي، وهو منظمة حكومية دولية، بتقديم مساهمته.\n\nأحمد علي", Attachments: pdf}, "", igo, ""},
		// Not the writer's body.
		{"en, the organisations an NGO works with", &Parsed{From: Address{Email: "info@example-rights.org"}, Subject: "Contribution",
			Text:        "Dear colleagues,\n\nOur network works with intergovernmental organisations and the intergovernmental process on these themes.\n\nRegards,\nMaria Lopez\nDigital Rights Network",
			Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"fr, the organisations an association works with", &Parsed{From: Address{Email: "info@example-asso.org"}, Subject: "Contribution",
			Text:        "Madame, Monsieur,\n\nNotre association dialogue avec les organisations intergouvernementales de la région.\n\nCordialement,\nMarie Diop\nAssociation pour l'inclusion numérique",
			Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"es, the organisations a foundation works with", &Parsed{From: Address{Email: "info@example-fund.org"}, Subject: "Contribución",
			Text:        "Estimados:\n\nTrabajamos con organismos intergubernamentales de la región.\n\nSaludos,\nAna Ruiz\nFundación Conectar",
			Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"ru, a ministry on intergovernmental organisations", &Parsed{From: Address{Email: "o@example.gov.kg"}, Subject: "Вклад",
			Text:        "Уважаемые коллеги!\n\nМы сотрудничаем с межправительственными организациями региона.\n\nС уважением,\nОлег Ким\nМинистерство цифрового развития",
			Attachments: pdf}, "", store.StakeholderGovernment, ""},
	})
}

// TestRegionalCooperationBody pins that a region's body of cooperation ("Indian Ocean
// Digital Cooperation Commission", «Евразийский центр цифрового сотрудничества»,
// "亚洲数字合作中心") is an international organisation, while a ministry's department of
// cooperation, a national commission, a consumers' union, a youth network of cooperation
// and a cooperative keep their own types.
func TestRegionalCooperationBody(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	igo := store.StakeholderInternationalO
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "p@example-iodc.org"}, Subject: "Contribution",
			Text: "Attached.\n\nPriya Ram\nProgramme Officer\nIndian Ocean Digital Cooperation Commission", Attachments: pdf}, "", igo, ""},
		{"fr", &Parsed{From: Address{Email: "p@example-cna.org"}, Subject: "Contribution",
			Text: "Ci-joint.\n\nPaul Roy\nCentre de coopération numérique de l'Afrique de l'Ouest africaine", Attachments: pdf}, "", igo, ""},
		{"es", &Parsed{From: Address{Email: "p@example-cla.org"}, Subject: "Contribución",
			Text: "Adjunto.\n\nLuis Paz\nCentro Latinoamericano de Cooperación Digital", Attachments: pdf}, "", igo, ""},
		{"ru", &Parsed{From: Address{Email: "info@example-ecc.org"}, Subject: "Вклад",
			Text: "Направляем вклад.\n\nИван Орлов\nЕвразийский центр цифрового сотрудничества", Attachments: pdf}, "", igo, ""},
		{"zh", &Parsed{From: Address{Email: "news@example-adc.org"}, Subject: "意见",
			Text: "附件为我们的意见。\n\n亚洲数字合作中心 秘书处\n吉隆坡", Attachments: pdf}, "", igo, ""},
		{"ar", &Parsed{From: Address{Email: "info@example-ac.org"}, Subject: "مساهمة",
			Text: "مرفق مساهمتنا.\n\nأحمد علي\nمركز التعاون الرقمي الآسيوي", Attachments: pdf}, "", igo, ""},
		// Not a region's body.
		{"a ministry of African cooperation", &Parsed{From: Address{Email: "k@example.gov.ma"}, Subject: "Contribution",
			Text: "Attached.\n\nKarim Alaoui\nMinistry of Foreign Affairs and African Cooperation", Attachments: pdf}, "", store.StakeholderGovernment, ""},
		{"a national commission of a ministry", &Parsed{From: Address{Email: "c@example.gouv.sn"}, Subject: "Contribution",
			Text: "Ci-joint.\n\nCheikh Fall\nCommission nationale du numérique, Ministère de l'Économie numérique", Attachments: pdf}, "", store.StakeholderGovernment, ""},
		{"a consumers' union", &Parsed{From: Address{Email: "info@example-consumers.org"}, Subject: "Contribution",
			Text: "Attached.\n\nJane Doe\nConsumers Union for Digital Rights", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"a youth network of Asian cooperation", &Parsed{From: Address{Email: "y@example-youth.org"}, Subject: "Contribution",
			Text: "Attached.\n\nLin Wei\nAsian Youth Cooperation Network", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"a foundation for African cooperation", &Parsed{From: Address{Email: "f@example-acf.org"}, Subject: "Contribution",
			Text: "Attached.\n\nAna Diaz\nAfrican Cooperation Foundation", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"an association for Latin American cooperation", &Parsed{From: Address{Email: "a@example-alc.org"}, Subject: "Contribución",
			Text: "Adjunto.\n\nAna Díaz\nAsociación Latinoamericana de Cooperación Digital", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"a network of African cooperation", &Parsed{From: Address{Email: "r@example-rac.org"}, Subject: "Contribution",
			Text: "Ci-joint.\n\nAwa Ba\nRéseau africain de coopération numérique", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"an association of Eurasian cooperation", &Parsed{From: Address{Email: "a@example-aes.org"}, Subject: "Вклад",
			Text: "Направляем вклад.\n\nАнна Петрова\nАссоциация евразийского сотрудничества", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"an Arab association of cooperation", &Parsed{From: Address{Email: "a@example-ata.org"}, Subject: "مساهمة",
			Text: "مرفق مساهمتنا.\n\nأحمد علي\nجمعية التعاون الرقمي العربية", Attachments: pdf}, "", store.StakeholderCivilSociety, ""},
		{"a centre that studies African cooperation", &Parsed{From: Address{Email: "c@example-uon.org"}, Subject: "Contribution",
			Text: "Attached.\n\nJohn Otieno\nCentre for African Studies and Cooperation, University of Nairobi", Attachments: pdf}, "", store.StakeholderAcademia, ""},
		{"an institute of Asian cooperation research", &Parsed{From: Address{Email: "c@example-acr.org"}, Subject: "意见",
			Text: "附件为我们的意见。\n\n王磊\n亚洲合作研究院", Attachments: pdf}, "", store.StakeholderAcademia, ""},
		{"a cooperative in Chinese", &Parsed{From: Address{Email: "c@example-coop.com"}, Subject: "意见",
			Text: "附件为我们的意见。\n\n亚洲农业合作社有限公司", Attachments: pdf}, "", store.StakeholderPrivateSector, ""},
	})
}

// TestKnownNameUnderAcademicZone pins that a domain under a country's academic or
// government zone is that zone's body, though its name is a company's known in the
// field (du.ac.bd is a university, du.ae an operator).
func TestKnownNameUnderAcademicZone(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	runSuggestCases(t, []suggestCase{
		{"academic zone", &Parsed{From: Address{Email: "n@du.ac.bd"}, Subject: "Contribution",
			Text: "Attached.\n\nNusrat Jahan", Attachments: pdf}, "", store.StakeholderAcademia, ""},
		{"government zone", &Parsed{From: Address{Email: "n@du.gov.bd"}, Subject: "Contribution",
			Text: "Attached.\n\nNusrat Jahan", Attachments: pdf}, "", store.StakeholderGovernment, ""},
		{"the company's own domain", &Parsed{From: Address{Email: "n@du.ae"}, Subject: "Contribution",
			Text: "Attached.\n\nNusrat Jahan", Attachments: pdf}, "", store.StakeholderPrivateSector, ""},
	})
}

// TestNameContinuedOnNextLine pins that a signature line opening in lower case with a
// preposition ("to the United Nations Office…", «auprès de l'Office des Nations
// Unies», «при Отделении ООН») ends the name above it: the mission is the organisation,
// and a government's.
func TestNameContinuedOnNextLine(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	gov := store.StakeholderGovernment
	runSuggestCases(t, []suggestCase{
		{"en", &Parsed{From: Address{Email: "m@example-mission.ch"}, Subject: "Contribution",
			Text:        "Attached.\n\nBest wishes,\nMarie Hoareau\nFirst Secretary\nPermanent Mission of the Republic of Seychelles\nto the United Nations Office and other international organisations in Geneva\nTel: +41 22 555 0184",
			Attachments: pdf}, "", gov, "Permanent Mission of the Republic of Seychelles"},
		{"fr", &Parsed{From: Address{Email: "m@example-mission.ch"}, Subject: "Contribution",
			Text:        "Ci-joint.\n\nCordialement,\nMarie Diop\nPremière secrétaire\nMission permanente du Sénégal\nauprès de l'Office des Nations Unies à Genève",
			Attachments: pdf}, "", gov, "Mission permanente du Sénégal"},
		{"ru", &Parsed{From: Address{Email: "m@example-mission.ch"}, Subject: "Вклад",
			Text:        "Направляем вклад.\n\nС уважением,\nИван Орлов\nПостоянное представительство Республики Беларусь\nпри Отделении ООН в Женеве",
			Attachments: pdf}, "", gov, "Постоянное представительство Республики Беларусь"},
		// A line in capitals of its own is an organisation of its own.
		{"a line of its own", &Parsed{From: Address{Email: "m@example-unog.ch"}, Subject: "Contribution",
			Text: "Attached.\n\nMarta Rossi\nUnited Nations Office at Geneva", Attachments: pdf}, "", store.StakeholderInternationalO, ""},
	})
}

// TestKnownResearchInstitutes pins that the public research institutes well known in the
// field are academia by their domain or their name, which says no university or institute
// word ("Inria, Paris", "Fraunhofer FOKUS"), and that a company's domain that only
// resembles one is not.
func TestKnownResearchInstitutes(t *testing.T) {
	pdf := []Attachment{{Filename: "comments.pdf", ContentType: "application/pdf"}}
	acad := store.StakeholderAcademia
	runSuggestCases(t, []suggestCase{
		{"by domain", &Parsed{From: Address{Email: "b@inria.fr"}, Subject: "Contribution",
			Text: "Ci-joint.\n\nBertrand Morel\nChargé de mission relations internationales\nInria, Paris", Attachments: pdf}, "", acad, ""},
		{"by name", &Parsed{From: Address{Email: "k@example-fokus.de"}, Subject: "Contribution",
			Text: "Attached.\n\nKlaus Weber\nFraunhofer FOKUS", Attachments: pdf}, "", acad, ""},
		{"by name in Spanish", &Parsed{From: Address{Email: "l@example-ar.net"}, Subject: "Contribución",
			Text: "Adjunto.\n\nLucía Gómez\nCONICET", Attachments: pdf}, "", acad, ""},
		{"a company's domain", &Parsed{From: Address{Email: "k@inriax-solutions.com"}, Subject: "Contribution",
			Text: "Attached.\n\nKlaus Weber\nInriax Solutions GmbH", Attachments: pdf}, "", store.StakeholderPrivateSector, ""},
	})
}
