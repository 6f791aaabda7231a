package parse

import (
	"testing"

	"github.com/wsis/wsisbot/store"
)

// TestDeskRequestsThatAsk pins that a request of the secretariat's desk stays no
// contribution though it asks: a subject naming a journalist's accreditation with a
// question mark, a sponsor's offer with its kit attached, a letter for a visa asked for
// with the travellers' particulars or asked again in the desk's thread. A visa letter
// asked about in a new message, a subject with the word of a question and a submission's
// subject stay what they were.
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
		{"a visa letter asked about in a new message stays an inquiry", &Parsed{From: Address{Email: "k@example.com"}, Subject: "Visa letter",
			Text: "Good day,\n\nI registered last week. Can the secretariat issue an invitation letter for my Swiss visa application?\n\nKwabena"},
			store.KindInquiry, "", ""},
		{"a numbered list of questions about visas lists no particulars", &Parsed{From: Address{Email: "k@example.com"}, Subject: "Visa letter",
			Text: "Good day,\n\nTwo questions:\n1. Can the secretariat issue invitation letters?\n2. How long does it take?\n\nKwabena"},
			store.KindInquiry, "", ""},
		{"a subject with the word of a question stays an inquiry", &Parsed{From: Address{Email: "a.b@example.net"}, Subject: "Question: press accreditation?",
			Text: "Bonjour, comment obtenir une accréditation presse pour le Forum ? Merci."},
			store.KindInquiry, "", ""},
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
