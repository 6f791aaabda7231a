package parse

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/wsis/wsisbot/store"
)

// evidence is the second half of the vocabulary: what tells a question from a request,
// a request to hold a session from a mention of one, a job title from an organisation,
// and the domains that say who writes.
type evidence struct {
	// asking are the words of a question in the six languages ("could you tell us",
	// «подскажите», «¿», «请问», «هل يمكن»): with a question mark, they make a short
	// message without attachment an inquiry before any topic word counts.
	asking termList
	// answering are the words of a reply to the reader's own call ("in response to your
	// invitation", «ردا على دعوتكم»): the invitation they name is ours, not a notice.
	answering termList
	// interrogatives are the words a question opens with in the six languages
	// ("whether", «si», «когда», «是否», «هل»): a list item opening with one asks even
	// without a question mark.
	interrogatives termList
	// holding are the verbs of asking to hold or organise something at the Forum;
	// sessions the names of what is held ("side event", «круглый стол», «分论坛»).
	// Together they make a workshop request that never says "workshop".
	holding, sessions termList
	// moderating are the words of proposing someone to chair or moderate a session.
	moderating termList
	// easyTerms are the Arabic phrases where the adjective ميسّرة eases terms or prices.
	easyTerms termList
	// privateCapacity says the writer writes for no organisation; students, among them,
	// that the writer is a student («je suis étudiante en master»).
	privateCapacity, students termList
	// accreditation names a request of a desk of the secretariat: a journalist's
	// accreditation, a sponsor's offer, a letter of invitation for a visa, a grant to
	// travel, a hotel to book, an internship.
	accreditation termList
	// photo words name a photograph, for a short message with an image attached.
	photo termList
	// otherKind are the words of messages that are no contribution: invitations,
	// press releases, thanks, changes of address, unsubscribing.
	otherKind termList
	// strongNotice are the words of messages that are no contribution whatever they
	// ask: an out-of-office text, unsubscribing, a sales offer, an application for a
	// post or an internship, a mailing's footer.
	strongNotice termList
	// formatWords speak of how the Forum is run.
	formatWords termList
	// jobTitles are the words of a position held: a line or part of a line with one
	// names a person's title, not their organisation.
	jobTitles termList
	// officeUnits are the words of an office inside an organisation ("Directorate",
	// «Secretaría de Innovación», «Департамент», «قسم»): a part of a name that opens or
	// ends with one is a unit, the organisation is the part beside it.
	officeUnits termList
	// units are the words of a team or office inside an organisation ("L'équipe de",
	// «Пресс-служба», «فريق»): dropped from the front of a signature line, and a display
	// name made of one does not name the organisation.
	units termList
	// governmentDomains are government bodies not under a government domain
	// (regulators on .org.uk, .fr...); academicDomains the same for academia.
	governmentDomains map[string]bool
	// themes are the subjects of the consultation beside the action lines ("digital
	// divide"): a long text on them that names no kind is a thematic submission.
	themes termList
	// webmailNames are the providers of personal addresses, under any country's domain
	// (yahoo.com.hk, hotmail.co.uk).
	webmailNames map[string]bool
	// governmentBodies are the government words that name a body outright, even in a
	// line with a job title ("Adviser, Ministry of ICT").
	governmentBodies termList
	// legalForms are the legal forms of companies (Ltd, ПАО, 有限公司).
	legalForms termList
	// nominee words name what comes with a person proposed (a CV, a biography): with
	// the words of moderating, a nomination rather than a request to hold a session.
	nominee termList
	// thanks in a subject mark a message of thanks, no contribution.
	thanks termList
	// closings end a letter before the name ("Kind regards", «С уважением»).
	closings termList
	// greetings open a salutation line ("Dear organisers,", «Уважаемые коллеги!»).
	greetings termList
	// ngoForms are the forms only civil society takes ("non-governmental organisation",
	// «общественная организация»): a sentence may open with one.
	ngoForms termList
	// regions and regionalBodies together name an intergovernmental organisation: a
	// region or "world" with a union, bank, community, commission, organisation…
	regions, regionalBodies termList
	// cooperationRegions are the places of regions (not "world" or "international"),
	// and cooperation their words of cooperation: a region's cooperation body ("Indian
	// Ocean Digital Cooperation Commission", «Евразийский центр цифрового
	// сотрудничества», "亚洲数字合作中心") is intergovernmental, as a region's union is.
	cooperationRegions, cooperation termList
	// studies are the words of study and research ("Centre for African Studies and
	// Cooperation"): a region's cooperation studied is no intergovernmental body.
	studies termList
	// ownIntergovernmental are the words a writer calls their own body intergovernmental
	// with ("X, an intergovernmental organisation", «organismo intergubernamental creado
	// por», «межправительственная организация», "our member states"); its plurals, the
	// intergovernmental organisations a body works with, are manyIntergovernmental.
	ownIntergovernmental, manyIntergovernmental termList
	// stateLinks are the words that join a body to the number of states it is made of
	// ("an alliance of 30 countries", «regroupant 15 États», «تضم ثلاث عشرة دولة»), one
	// of which ofStatesRE needs.
	stateLinks termList
	// offering are the words of giving input ("here is my input", «souhaite contribuer»,
	// «направляем наши предложения»): a short message that offers its views is no
	// inquiry for the questions it puts.
	offering termList
	// researchTitles are the positions of researchers and teachers ("Chargé de recherche",
	// «научный сотрудник»): when nothing else tells the sender's type, a signature
	// line with one says academia.
	// sellerTitles are the titles of a company's sellers ("Directeur commercial",
	// «директор по продажам»): a signature with one is a company's.
	sellerTitles   termList
	researchTitles termList
	// wholeGovernment are the words of a government as a whole ("Government of …",
	// «Правительство …», "香港特別行政區政府"); governmentOffices the words an office inside
	// one opens with ("Office of the …", «Управление …», «مكتب …»).
	wholeGovernment, governmentOffices termList
	// prizeNotices are the words of a notice that the reader has won a prize or a lottery:
	// a fraud that speaks for no organisation, whatever its domain or signature says.
	prizeNotices termList
	// away are the words of an away note ("out of the office", "on mission until"), among
	// strongNotice: even under a subject that says "submission", no contribution.
	away termList
	// deadlines name a deadline: a subject that speaks of the deadline of submissions
	// asks about them, it is none.
	deadlines termList
	// seekingWork says the writer looks for a post ("ищу работу в международной
	// организации"): the organisation that sentence names is the one wanted, not theirs.
	seekingWork termList
	// delegatedSigning is the formula of a signature made for someone else ("Pour le
	// Ministre et par délégation", "For the Minister", «За министра»): no organisation.
	delegatedSigning termList
	// forumAsHost are the words of a sentence that has the Forum hold something ("the
	// Forum should organise a session on…", «建议论坛举办…», «أن ينظم المنتدى»): a
	// suggestion for the programme, not a request to hold a session of one's own.
	forumAsHost termList
	// newsSubjects open the subject of a mailing's issue ("Our news - January",
	// «Novedades de diciembre», «Новости компании»): a newsletter, whatever webinar it
	// announces.
	newsSubjects termList
	// speakers are the words of the people who speak in a session ("speakers",
	// «intervenants», «докладчики», «发言人»): with a length, the details of a session of
	// one's own.
	speakers termList
	// suggesting are the words of proposing something to the Forum ("we suggest",
	// «nous proposons», «предлагаем», «建议», «نقترح»): a message that has them outside its
	// questions makes a proposal, not only an inquiry. The noun of one's own proposal
	// ("we are finalising a workshop proposal") is not among them.
	suggesting termList
	// wantingToKnow are the words of an indirect question ("we would like to know whether",
	// «quisiéramos saber si», «хотели бы узнать»): a session named in the sentence is
	// asked about, not asked for.
	wantingToKnow termList
	// inviting are the words of inviting the reader to the writer's own event ("we
	// cordially invite", «vous convier», «приглашаем вас»), among otherKind.
	inviting termList
	// contest words name a contest, or entering one ("concurso", «конкурс», «参赛»): with
	// a photograph and a word of one, a photo contest entry.
	contest termList
	// visaLetters name the letter of invitation a participant asks for a visa ("invitation
	// letter", «письмо-приглашение», «رسالة دعوة»): the invitation they name is none.
	visaLetters termList
	// compliments are what a note verbale opens with: the body presents them.
	compliments termList
	// trouble are the words of a subject that reports a problem ("Problème formulaire de
	// soumission", «Ошибка при подаче заявки»): a short message under one that asks is an
	// inquiry, whatever submission its subject names.
	trouble termList
	// optOut are the words of a mailing's footer for readers who would rather receive no
	// more ("si no desean seguir recibiendo estos correos", "unsubscribe"): a mailing is
	// no contribution, whatever workshop or webinar it announces.
	optOut termList
	// thematicAspects name the part of the consultation on the Forum's themes ("the
	// thematic aspects of the Forum", «الجوانب الموضوعية»): a text that says it answers
	// it is a thematic submission, though it proposes the Forum dedicate a session.
	thematicAspects termList
	// forwarding are the words of a message that passes on the one below it ("je vous
	// transmets ci-dessous", «пересылаю»): the forwarded message is what it says.
	forwarding termList
	// peoplesBodies are the words of a body of people who speak for themselves: indigenous
	// peoples, workers' unions, women, youth, believers. "Coordinadora Andina de
	// Organizaciones Indígenas" is theirs, not a regional body of states.
	peoplesBodies termList
	// disclaimers are the words of a mail disclaimer: a message confidential, meant for
	// its addressee only.
	disclaimers termList
	// deskMatters are the services of the secretariat's desk a participant asks for: a
	// visa, a hotel, an accreditation or credentials, money to travel, an exhibition
	// stand, volunteering, a room for a meeting, a registration that went wrong. Asked
	// about with nothing on the consultation itself, they make no inquiry (asksTheDesk).
	deskMatters termList
	// registering are the words of registering to attend: a question on it is neither
	// the desk's service nor one on the consultation.
	registering termList
	// forumMatters are what a question on the consultation or the Forum itself is about,
	// beside the kinds, sessions, submissions and deadlines: the prizes, the programme,
	// remote participation, the consultation's meetings.
	forumMatters termList
	// highLevel name the Forum's high-level sessions and track; leadingRoles what a person
	// does in one (facilitate, steer, moderate, «выступить в роли ведущего», 主持, تيسير);
	// puttingForward the words of proposing a person or oneself for it ("put forward",
	// «proposer», «готовность», 推荐, نرشح); hostingOwn the verbs of holding a session of
	// one's own, which makes it a workshop request instead. Together, in one paragraph
	// that asks nothing, they nominate a High-Level Track Facilitator (putsForward).
	highLevel, leadingRoles, puttingForward, hostingOwn termList
	// proposingThat are the words of proposing a change ("we propose that", «proponemos
	// que»): what follows is how the Forum should run, no person put forward.
	proposingThat termList
	// internetSociety names the Internet Society in the languages whose word for it is
	// also an association's («جمعية الإنترنت»).
	internetSociety termList
	// salesOffers are the words of a seller's offer ("commercial offer", «коммерческое
	// предложение», «devis»): its proposal is no submission.
	salesOffers termList
	// knownOrganisations are the stakeholder types of organisations well known in the
	// consultation's field, by the name part of their domain or their name written
	// without spaces ("yandexteam", "laquadraturedunet").
	knownOrganisations map[string]string
}

// newEvidence adds the evidence lists to the vocabulary's term set.
func (v *vocabulary) newEvidence() {
	v.asking = v.list(
		"could you tell", "could you please tell", "can you tell", "could you confirm", "could you let us know",
		"is it possible", "will it be possible", "is there", "do i need", "do we need", "when will", "where can",
		"how can", "how do", "would it be possible",
		"pourriez-vous", "pouvez-vous", "est-ce que", "serait-il possible", "est-il possible", "à qui faut-il",
		"quisiera saber", "podrían indicarnos", "podrian indicarnos", "nos podrían", "nos podrian", "¿", "se puede",
		"подскажите", "не могли бы", "просим сообщить", "можно ли", "нужна ли", "есть ли", "когда будет",
		"请问", "是否可以", "是否", "可以吗", "吗？", "請問", "是否可以",
		"هل يمكن", "هل يجب", "هل التسجيل", "متى سيتم", "كيف يمكنني", "ما هي", "ما هو", "وما هي",
		// asking without a question mark
		"would like to know", "would like to ask", "like to inquire", "like to enquire",
		"je souhaiterais savoir", "je voudrais savoir", "nous aimerions savoir", "nous souhaiterions savoir",
		"quisiéramos saber", "nos gustaría saber", "me gustaría saber", "agradecería nos indiquen",
		"хотели бы уточнить", "хотел бы уточнить", "хотела бы уточнить", "прошу уточнить", "просим уточнить", "уточните",
		"想了解", "想咨询", "想请教", "أود الاستفسار", "نود الاستفسار",
		// a formal note that enquires, and the French questions by inversion
		"wishes to enquire", "wishes to inquire", "wish to enquire", "wish to inquire", "souhaite s'enquérir",
		"souhaiterait savoir", "desea consultar", "desea saber", "desearía saber", "хотело бы узнать", "хотел бы узнать",
		"хотела бы узнать", "希望了解", "拟询问", "تود الاستفسار", "يود الاستفسار", "ترغب في الاستفسار",
		"y a-t-il", "pouvons-nous", "peut-on", "faut-il", "doit-on", "devons-nous", "avez-vous",
		"est-elle", "est-il", "peut-elle", "peut-il", "a-t-elle", "a-t-il", "sera-t-elle", "sera-t-il",
		"existe-t-il", "faudra-t-il",
		// asking to be told how, when or whether
		"let me know how", "let us know how", "let me know whether", "let us know whether", "let me know when",
		"let us know when", "if you could tell", "could tell us", "me faire savoir comment", "nous faire savoir comment",
		"m'indiquer comment", "nous indiquer comment", "me faire savoir si", "nous faire savoir si",
		"me indicaran cómo", "nos indicaran cómo", "me indiquen cómo", "nos indiquen cómo", "indicarme cómo",
		"сообщите, пожалуйста, как", "сообщите, как", "сообщите, можно ли", "请告知如何", "請告知如何", "烦请告知",
		"بكيفية الحصول", "إعلامي بكيفية", "إعلامنا بكيفية",
		"прошу сообщить", "прошу подсказать", "просим подсказать", "прошу разъяснить", "merci de m'indiquer",
		"je vous prie de m'indiquer", "je vous saurais gré de m'indiquer", "أرجو إفادتي", "يرجى إفادتي", "أرجو إعلامي",
		// asking for advice on a list of points
		"kindly advise", "please advise", "kindly clarify", "please clarify", "we wish to know",
		"merci de nous indiquer", "veuillez nous indiquer", "merci de préciser", "veuillez préciser",
		"le agradeceríamos nos indique", "agradeceríamos nos aclaren", "rogamos nos indiquen",
		"просим сообщить", "просим разъяснить", "хотели бы кое-что уточнить",
		"نرغب في معرفة", "نود معرفة", "يرجى إفادتنا", "نرجو إفادتنا",
		// a question reported for someone ("La diputada … consulta si los parlamentos
		// pueden …", "The Minister asks whether …")
		"asks whether", "enquires whether", "inquires whether", "wonders whether",
		"demande si", "aimerait savoir si", "souhaite savoir si", "se demande si",
		"consulta si", "pregunta si", "desea saber si", "quisiera saber si",
		"интересуется, можно ли", "интересуется, может ли", "интересуется, возможно ли", "спрашивает, можно ли",
		"询问是否", "詢問是否", "想知道是否", "عما إذا كان", "عما إذا كانت", "عما اذا كان", "عما اذا كانت",
	)
	v.interrogatives = v.list(
		"whether", "when", "where", "how", "what", "which", "who", "is there", "are there", "can", "could", "do", "does",
		"will", "should", "si", "s'il", "quand", "où", "comment", "quel", "quelle", "quels", "quelles", "est-ce",
		"combien", "cuándo", "dónde", "cómo", "qué", "cuál", "cuáles", "cuánto", "cuántos", "es posible", "hay",
		"когда", "где", "как", "какой", "какая", "какие", "каков*", "сколько", "можно ли", "нужно ли", "возможно ли",
		"是否", "如何", "什么", "何时", "能否", "可否", "哪", "هل", "متى", "كيف", "أين", "كم",
	)
	v.answering = v.list("in response to your invitation", "in reply to your invitation", "following your invitation",
		"in response to your call", "in response to the call", "en réponse à votre invitation", "suite à votre invitation",
		"en réponse à votre appel", "en respuesta a su invitación", "en respuesta a la invitación", "atendiendo a su invitación",
		"atendiendo a la invitación", "в ответ на ваше приглашение", "в ответ на приглашение", "по вашему приглашению",
		"应贵方邀请", "响应贵方邀请", "应邀", "ردا على دعوتكم", "ردا على دعوة", "تلبية لدعوتكم", "استجابة لدعوتكم")
	v.nominee = v.list("cv", "curriculum vitae", "biography", "bio", "biographie", "biografía", "hoja de vida",
		"резюме", "биографи*", "简历", "簡歷", "السيرة الذاتية", "سيرته الذاتية", "سيرتها الذاتية")
	v.thanks = v.list("thanks", "thank you", "merci", "remerciement*", "gracias", "agradecimiento*", "спасибо",
		"благодарност*", "感谢", "感謝", "谢谢", "謝謝", "شكر")
	v.closings = v.list("regards", "kind regards", "best regards", "best", "sincerely", "yours", "thanks", "thank you",
		"cordialement", "bien cordialement", "salutations", "sincères salutations", "saludos", "atentamente", "un saludo",
		"cordiales saludos", "с уважением", "спасибо", "此致", "敬礼", "祝好", "谢谢", "謝謝", "مع التحية", "مع خالص التحية",
		"وتفضلوا بقبول", "شكرا")
	v.greetings = v.list("dear", "hello", "hi", "greetings", "good morning", "good afternoon", "to whom", "bonjour",
		"bonsoir", "madame", "monsieur", "mesdames", "messieurs", "cher", "chère", "chers", "chères", "estimad*",
		"hola", "buenos días", "buenas tardes", "buenas", "señor*", "уважаем*", "здравствуйте", "добрый день", "доброе утро",
		"尊敬的", "您好", "你好", "各位", "السادة", "السيد", "السيدة", "مرحبا", "تحية", "الزملاء", "الأعزاء")
	v.holding = v.list(
		"tenir une", "tenir un", "accueillir une", "celebrar un", "celebrar una", "realizar un", "realizar una",
		"llevar a cabo", "hold a", "hold an", "host a", "host an", "to host",
		"organise", "organize", "organising", "organizing", "to hold", "host a", "convene", "to run a", "be reserved", "request a", "requests a",
		"would like to request", "like to propose an", "like to propose a", "propose an interactive", "reserve", "slot",
		"organiser", "organisons", "animer", "réserver", "créneau", "demande de séance", "demande d'organisation",
		// the future of a commitment: "organizará una sesión", «organisera un atelier»
		"will organise", "will organize", "will host", "will hold", "shall organise", "shall organize",
		"organisera", "organiserons", "organizará", "organizaremos", "организуем", "проведём", "проведем", "سننظم", "ستنظم",
		"organizar", "organización de un", "organización de una", "organización de la sesión", "proponer una", "solicita", "solicitamos", "solicitud de",
		"провести", "проведение", "проведения", "проведении", "организовать", "включить в программу", "заявка на", "просит включить",
		"举办", "舉辦", "申请举办", "申請舉辦", "拟于",
		"تنظيم جلسة", "تنظيم ورشة", "تنظيم ندوة", "تنظيم فعالية", "تنظيم حلقة", "تنظيم طاولة", "بتنظيم", "عقد جلسة", "بطلب", "طلب تنظيم", "طلب جلسة",
		// proposing a session
		"session proposal", "proposal for a session", "proposed session", "panel proposal", "proposal for a panel",
		"proposition de séance", "proposition de session", "proposition de panel", "proposition de table ronde",
		"propuesta de sesión", "propuesta de panel", "propuesta de mesa redonda", "propuesta de taller",
		"предложение о проведении", "предлагаем провести", "заявка на проведение",
		"مقترح جلسة", "اقتراح جلسة", "اقتراح ورشة", "مقترح ورشة",
		// a body that proposes a session of its own
		"event proposal", "side event proposal", "proposal for a side event", "proposes a side event", "proposes a session",
		"proposes a panel", "proposes a roundtable", "proposes a round table", "propose un événement parallèle",
		"propose une session", "propose une séance", "propose un panel", "propose une table ronde",
		"propuesta de evento paralelo", "propone un evento paralelo", "propone una sesión", "propone un panel",
		"propone una mesa redonda", "предлагает провести", "предлагаем провести", "提议举办", "建议举办一场", "拟举办",
		"تقترح عقد", "تقترح تنظيم", "نقترح عقد", "نقترح تنظيم",
		// booking or being given a slot
		"book a", "allocate a", "allocation of a", "a slot for", "space for a", "time slot",
		"accorder un créneau", "attribuer un", "un espace pour", "obtenir un créneau", "proposer une séance", "proposer un atelier",
		"reservar un", "reservar una", "asignar un", "asignación de", "un espacio para", "solicitar un", "solicitar una",
		"предоставить возможность провести", "выделить время", "выделить слот", "забронировать", "предоставить площадку",
		"预留", "安排一场", "申请一场", "申请设立", "设立一场", "申请一个", "时段", "時段", "办一场", "辦一場", "申請一個",
		"组织一场", "組織一場", "组织一次", "組織一次", "举行一场", "舉行一場", "主办一场", "主辦一場",
		"حجز", "تخصيص", "استضافة", "إقامة", "عقد ورشة", "عقد ندوة",
	)
	v.sessions = v.list(
		"session", "side event", "panel", "round table", "roundtable", "event", "dialogue", "debate",
		"séance", "table ronde", "panel", "événement parallèle", "débat", "dialogue",
		"sesión", "mesa redonda", "evento paralelo", "panel", "debate", "diálogo", "conversatorio",
		"сесси*", "круглый стол", "круглого стола", "мероприяти*", "секци*", "дискусси*", "панельн*",
		"分论坛", "分會場", "专题会议", "專題會議", "讲习班", "边会", "圆桌", "圓桌", "座谈会", "座談會", "对话会", "交流活动", "专题活动", "活动",
		"分享会", "分享會",
		// in traditional characters
		"分論壇", "邊會", "對話會", "交流活動", "專題活動", "活動", "講習班", "平行會議", "平行会议", "圓桌會議", "圆桌会议",
		"جلسة", "فعالية جانبية", "ندوة", "حلقة نقاش", "طاولة مستديرة", "حوار",
		"showcase", "launch", "hackathon", "fireside chat", "talk show", "lancement", "présentation", "lanzamiento",
		"foro paralelo", "презентаци*", "хакатон*", "发布会", "展示", "إطلاق", "عرض تقديمي",
	)
	v.moderating = v.list(
		"to moderate", "moderate the", "moderator", "to chair", "facilitator",
		"to facilitate one", "facilitate a high-level", "facilitate a session", "faciliter une session", "faciliter une séance",
		"para facilitar una sesión", "conducir una sesión", "вести сессию", "вести одну из", "модерировать", "主持一场",
		"主持一場", "لتيسير جلسة", "لتيسير إحدى", "تيسير جلسة", "تيسير إحدى", "تتولى تيسير", "يتولى تيسير",
		"لتتولى تيسير", "ليتولى تيسير", "تيسير جلسات المسار",
		"animer la session", "pour animer", "faciliter la session", "pour faciliter", "modérer", "facilitateur", "facilitatrice",
		"para moderar", "moderar la", "moderadora", "moderador", "facilitadora", "facilitador",
		"модерации", "модератор*", "ведущего", "фасилитатор*",
		"主持", "主持人",
		"لإدارة الجلسة", "لإدارة جلسة", "لتكون ميسرة", "ميسّر", "ميسر", "ميسرة",
		// "to steer one of the high-level policy sessions", «piloter l'une des sessions»:
		// leading one of the Forum's sessions is facilitating it (a steering committee is
		// not, nor leading a session of one's own)
		"to steer one", "to steer a session", "to steer the session", "steer a high-level", "to lead one of the high-level",
		"piloter l'une des sessions", "conduire l'une des sessions", "dirigir una de las sesiones",
		"руководить одной из сессий", "لقيادة إحدى الجلسات",
	)
	// "Easy terms", "affordable prices": the Arabic adjective ميسّرة is also a woman
	// facilitator's name of office.
	v.easyTerms = v.list("شروط ميسرة", "أسعار ميسرة", "قروض ميسرة", "تكلفة ميسرة", "تكاليف ميسرة",
		"بطريقة ميسرة", "لغة ميسرة", "تمويل ميسر", "خدمات ميسرة")
	// A request of a desk of the secretariat: no contribution, when the subject says that
	// is what the message is ("Press accreditation request", «Аккредитация прессы»,
	// "Sponsorship offer", «邀请函申请（签证）»).
	v.accreditation = v.list(
		"press accreditation", "media accreditation", "accreditation for journalists", "accreditation as a journalist",
		"accréditation presse", "accréditation de presse", "accréditation des médias", "accréditation média*",
		"accréditation des journalistes", "acreditación de prensa", "acreditación de periodistas", "acreditación de medios",
		"аккредитаци* прессы", "аккредитаци* журналистов", "аккредитаци* сми", "аккредитовать журналист*",
		"аккредитовать двух журналист*", "媒体注册", "记者注册", "媒体证", "記者證", "اعتماد الصحفيين", "الاعتماد الصحفي",
		"اعتماد إعلامي", "الاعتماد الإعلامي",
		// an offer to sponsor the Forum, made to its partnerships desk, the phrases with a
		// word of proposing first
		"partnership proposal", "partnership offer", "sponsorship proposal", "proposition de partenariat",
		"offre de partenariat", "proposition de parrainage", "propuesta de alianza", "propuesta de patrocinio",
		"предложение о партнерстве", "предложение о спонсорстве", "спонсорское предложение", "عرض رعاية", "عرض شراكة",
		"sponsorship", "sponsoring", "parrainage", "mécénat", "patrocinio", "спонсорств*", "спонсорск*", "赞助", "贊助",
		"رعاية المنتدى", "فرص الرعاية",
		// a grant to travel to the Forum, a hotel to book, an internship to apply for
		"travel grant", "travel grants", "travel support", "travel funding", "fellowship application",
		"bourse de voyage", "prise en charge du voyage", "beca de viaje", "apoyo para el viaje", "ayuda de viaje",
		"оплата проезда", "финансирование поездки", "差旅资助", "旅费资助", "差旅資助", "منحة سفر", "تمويل السفر",
		"hotel booking", "hotel reservation", "réservation d'hôtel", "réservation hôtel", "reserva de hotel",
		"бронирование гостиниц*", "бронь гостиниц*", "酒店预订", "预订酒店", "酒店預訂", "حجز فندق", "حجز الفندق",
		"internship", "internships", "demande de stage", "candidature de stage", "pasantía", "pasantías",
		"стажировк*", "实习", "實習", "تدريب داخلي", "فرصة تدريب",
	)

	v.privateCapacity = v.list("as a private individual", "as a private person", "in my personal capacity",
		"in a personal capacity", "in my own name", "à titre personnel", "à titre individuel", "en tant que particulier",
		"a título personal", "a título individual", "como particular", "en mi nombre propio",
		"как частное лицо", "в личном качестве", "от своего имени", "以个人身份", "以個人身份", "个人名义", "個人名義",
		"بصفة شخصية", "بصفتي الشخصية", "بصفة فردية", "بصفتي الفردية",
		// representing no one
		"i do not represent any", "i don't represent any", "not representing any", "je ne représente aucun*",
		"sans représenter aucun*", "no represento a ningun*", "sin representar a ningun*", "не представляю никак*",
		"не представляю ни одн*", "不代表任何", "لا أمثل أي", "ولا أمثل أي",
		// working for oneself
		"i am a freelance*", "i'm a freelance*", "i work as a freelance*", "as a freelance*", "i am self-employed",
		"i'm self-employed", "je suis freelance", "je suis indépendant", "je suis indépendante", "en tant que freelance",
		"travailleur indépendant", "travailleuse indépendante", "soy freelance", "trabajo como freelance",
		"soy trabajador independiente", "soy trabajadora independiente", "trabajo por cuenta propia",
		"я фрилансер", "я — фрилансер", "работаю фрилансером", "я самозанят*", "我是自由职业者", "我是自由職業者",
		"أعمل لحسابي الخاص", "أعمل بشكل مستقل", "independent consultant", "consultant indépendant",
		"consultante indépendante", "consultor independiente", "consultora independiente", "независимый консультант",
		"независимый эксперт", "独立顾问", "獨立顧問", "مستشار مستقل", "مصور مستقل", "صحفي مستقل",
		"independent researcher", "chercheur indépendant", "chercheuse indépendante", "investigador independiente",
		"investigadora independiente", "независимый исследователь", "独立研究者", "獨立研究者", "باحث مستقل", "باحثة مستقلة")
	// a student writes for themselves, not for their university
	v.students = v.list("i am a student", "i'm a student", "i am a phd student", "i'm a phd student", "i am a master's student",
		"i'm a master's student", "i am a graduate student", "i am an undergraduate", "i am a doctoral student",
		"je suis étudiant*", "je suis doctorant*", "soy estudiante", "soy alumno", "soy alumna", "soy doctorando",
		"soy doctoranda", "я студент*", "я аспирант*", "я магистрант*", "أنا طالب", "أنا طالبة", "انا طالب", "انا طالبة")
	v.privateCapacity = append(v.privateCapacity, v.students...)
	v.photo = v.list(
		"photo*", "picture", "image", "foto*", "fotografía", "фото*", "фотографи*", "снимок",
		"照片", "摄影", "攝影", "相片", "صورة", "صورتي", "الصور", "التصوير",
	)
	v.otherKind = v.list(
		"invitation", "invite you", "pleased to invite", "invitons", "vous inviter", "invitación", "invitarles",
		"приглашаем", "邀请您", "دعوتكم", "دعوة لحضور",
		"call for speakers", "call for papers", "call for abstracts", "appel à communications", "appel à intervenants",
		"convocatoria de ponencias", "convocatoria de ponentes", "приём докладов", "прием докладов", "征稿", "征集发言人",
		"دعوة لتقديم الأوراق", "دعوة لتقديم أوراق",
		"press release", "communiqué de presse", "nota de prensa", "пресс-релиз*", "新闻稿", "بيان صحفي",
		"newsletter", "lettre d'information", "boletín", "рассылк*", "نشرة",
		"本期通讯", "本期通訊", "月通讯", "月通訊", "会员通讯", "會員通訊", "电子报", "電子報", "新聞稿", "退訂",
		"unsubscribe", "désinscription", "désinscrire", "retirer mon adresse", "darse de baja", "отписаться", "退订",
		"不要再给我发邮件", "إلغاء الاشتراك",
		"focal point", "point focal", "punto focal", "контактным лицом", "联络人", "聯絡人", "جهة الاتصال",
		"merci pour", "un grand merci", "agradecemos", "благодарим", "谢谢您的", "نشكركم",
		"brochure", "our services", "nos services", "nuestros servicios", "наши услуги",
		"special offer", "discount", "pricing", "request a quote", "free trial", "book a demo",
		"offre spéciale", "oferta especial", "descuento", "cotización", "скидк*", "优惠", "报价", "折扣",
		"عرض خاص", "خصم", "عرض سعر",
		"for your information", "pour information", "para su información", "к сведению", "для информации", "供参考",
		"les comparto", "we share", "informe", "report",
	)
	v.wholeGovernment = v.list("government", "gouvernement", "gobierno", "правительств*", "政府", "حكومة", "الحكومة")
	v.governmentOffices = v.list("office of", "office for", "bureau", "department of", "directorate", "direction",
		"dirección", "oficina", "secretaría", "subsecretaría", "управление", "департамент", "служба", "مكتب", "إدارة",
		"دائرة")
	v.prizeNotices = v.list("you have won", "you've won", "lottery", "claim your prize", "winning notification",
		"vous avez gagné", "loterie", "réclamer votre gain", "usted ha ganado", "ha resultado ganador", "lotería", "usted ha sido premiado",
		"вы выиграли", "лотере*", "ваш выигрыш", "中奖", "中獎", "彩票", "لقد ربحت", "ربحت جائزة", "فاز في السحب", "اليانصيب")
	// Inviting the reader to the writer's own event: no contribution either.
	v.inviting = v.list("cordially invite", "would like to invite", "we invite you", "invitation to our", "invitation to the",
		"vous convier", "vous convions", "invitation à notre", "invitation au", "los invitamos", "les invitamos",
		"invitación a nuestro", "invitación al", "приглашаем вас", "приглашение на", "приглашение к участию",
		"敬邀", "诚邀", "誠邀", "邀請您", "ندعوكم", "يسرنا دعوتكم", "دعوة للمشاركة في",
		"pleased to invite", "delighted to invite", "honoured to invite", "honored to invite", "plaisir de vous inviter",
		"gusto de invitar", "gusto de invitarle", "рады пригласить", "честь пригласить", "诚挚邀请", "誠摯邀請", "يشرفنا دعوتكم")
	v.otherKind = append(v.otherKind, v.inviting...)
	v.strongNotice = v.list(
		"out of the office", "i am out of office", "away from the office", "on leave until", "limited access to email",
		"limited access to my email", "unsubscribe", "remove me from", "remove my address", "remove my email",
		"our services", "our products", "our solutions", "branding", "exhibition stands", "sponsorship packages",
		"price list", "special rates", "preferential rates", "offers its services", "offer our services",
		"прайс-лист*", "специальным тарифам", "специальные тарифы", "предлагает услуги", "предлагаем услуги",
		"tarifs préférentiels", "tarifs spéciaux", "propose ses services", "proposons nos services",
		"tarifas especiales", "tarifas preferenciales", "ofrece sus servicios", "ofrecemos nuestros servicios",
		"价格表", "优惠价格", "提供服务", "قائمة الأسعار", "أسعار خاصة", "نقدم خدماتنا",
		// a complaint that mail goes unanswered
		"pas de réponse à nos", "aucune réponse à nos", "aucun accusé de réception", "no reply to our", "no response to our",
		"formal complaint", "sin respuesta a nuestros", "ninguna respuesta a nuestros", "queja formal", "нет ответа на наши",
		"официальная жалоба", "正式投诉", "شكوى رسمية",
		// a vendor's deck, prices and opt-out
		"prefer not to hear from us", "short deck", "deck and pricing", "send you our pricing", "our pricing",
		"nos tarifs", "notre grille tarifaire", "présentation commerciale", "nuestras tarifas", "presentación comercial",
		"наши цены", "коммерческую презентацию", "我们的报价", "价目表", "أسعارنا",
		// a journalist's request for an interview
		"interview request", "request an interview", "demande d'interview", "solicitud de entrevista", "просьба об интервью",
		"взять интервью", "采访", "採訪", "إجراء مقابلة صحفية",
		"internship", "internships", "intern position", "job application", "vacancy", "vacancies", "employment opportunit*",
		"rather not hear from us", "rather not hear from me", "no longer wish to hear from us", "no longer wish to receive",
		// a company's offer of partnership or sponsorship
		"explore a partnership", "partnership opportunity", "partnership opportunities", "sponsorship budget",
		"sponsorship opportunit*", "co-branded", "explorer un partenariat", "opportunité de partenariat",
		"opportunités de partenariat", "budget de sponsoring", "offre de sponsoring", "explorar una alianza",
		"oportunidad de alianza", "oportunidades de patrocinio", "presupuesto de patrocinio",
		"возможности партнерства", "возможность партнерства", "спонсорский бюджет", "спонсорские возможности",
		"探讨合作机会", "探討合作機會", "赞助预算", "贊助預算", "فرص الشراكة", "فرصة شراكة", "ميزانية رعاية", "استكشاف شراكة",
		// a vendor's pitch: a demonstration, a quote or a commercial proposal
		"quick demo", "short demo", "free quote", "commercial proposal", "proposition commerciale", "devis gratuit",
		"propuesta comercial", "cotización sin compromiso", "демонстрацию продукта", "商业提案", "عرض تجاري",
		"si vous ne souhaitez plus recevoir", "no desea recibir", "si no desea recibir", "no desea seguir recibiendo",
		"не хотите получать", "如不希望收到", "如不想再收到", "لا ترغب في تلقي",
		"view this email in your browser", "view it in your browser", "this email was sent to", "you are receiving this",
		"vous recevez ce", "usted recibe este", "recibe este correo", "вы получили это письмо", "您收到此邮件",
		"تلقيت هذه الرسالة", "you have won", "lottery", "investment opportunity",
		"absent du bureau", "absente du bureau", "accès limité à ma messagerie", "en congé jusqu",
		"désinscrire", "désabonner", "désabonnement", "ne plus recevoir", "nos prestations",
		"nos produits", "nos solutions", "demande de stage", "stagiaire", "offre d'emploi", "candidature spontanée",
		"afficher dans le navigateur", "version en ligne",
		"fuera de la oficina", "acceso limitado al correo", "de vacaciones hasta", "darme de baja", "dar de baja",
		"darse de baja", "no deseo recibir", "nuestros productos", "nuestras soluciones",
		"pasantía", "pasantías", "pasantia", "prácticas profesionales", "práctica profesional",
		"ver en el navegador", "ver este correo en",
		"вне офиса", "в отпуске до", "нахожусь в отпуске", "ограниченный доступ к почте", "отписаться", "отпишите",
		"исключить мой адрес", "коммерческое предложение", "наши продукты", "наши решения", "стажировк*",
		"ваканси*", "трудоустройств*", "если письмо отображается некорректно",
		"不在办公室", "休假", "退订", "取消订阅", "我们的产品", "实习", "求职",
		"在浏览器中查看",
		"خارج المكتب", "في إجازة", "إلغاء الاشتراك", "إزالة بريدي", "منتجاتنا",
		"فرصة تدريب", "تدريب صيفي", "طلب وظيفة", "عرض في المتصفح",
	)
	v.away = v.list("out of the office", "i am out of office", "away from the office", "on leave until",
		"limited access to email", "limited access to my email", "absent du bureau", "absente du bureau",
		"accès limité à ma messagerie", "en congé jusqu", "fuera de la oficina", "acceso limitado al correo",
		"de vacaciones hasta", "вне офиса", "в отпуске до", "нахожусь в отпуске", "ограниченный доступ к почте",
		"不在办公室", "休假", "خارج المكتب", "في إجازة",
		// away on mission, with little access to mail
		"limited access to e-mail", "limited access to my e-mail", "on mission until", "travelling until", "on travel until",
		"en mission jusqu", "en déplacement jusqu", "accès limité à mes courriels", "en misión hasta", "de viaje hasta",
		"в командировке до", "出差至", "出差到", "في مهمة حتى")
	v.strongNotice = append(v.strongNotice, v.away...)
	v.forumAsHost = v.list("the forum should", "the forum could", "the forum would", "the forum must", "the forum might",
		"that the forum", "encourage the forum", "invite the forum to", "urge the forum", "the forum needs to",
		"le forum devrait", "le forum pourrait", "le forum doit", "que le forum", "au forum de", "le forum gagnerait",
		"el foro debería", "el foro deberia", "el foro podría", "el foro debe", "que el foro", "al foro que",
		"форуму следует", "форуму стоит", "форуму необходимо", "форум должен", "форум мог бы", "предлагаем форуму",
		"чтобы форум", "建议论坛", "建議論壇", "论坛应", "論壇應", "希望论坛", "希望論壇", "论坛可以", "論壇可以",
		"ينظم المنتدى", "يخصص المنتدى", "يعقد المنتدى", "على المنتدى", "يتضمن المنتدى", "ينبغي للمنتدى",
		"يولي المنتدى")
	v.newsSubjects = v.list("news", "our news", "latest news", "newsletter", "monthly update", "nouvelles", "nos nouvelles",
		"actualités", "nos actualités", "lettre d'information", "novedades", "noticias", "boletín", "новости", "наши новости",
		"дайджест", "动态", "简讯", "新闻简报", "月报", "動態", "簡訊", "أخبار", "آخر أخبار", "نشرة")
	v.speakers = v.list("speakers", "speaker", "panellists", "panelists", "presenters", "intervenants", "intervenantes",
		"orateurs", "panélistes", "ponentes", "panelistas", "expositores", "conferencistas", "докладчик*", "спикер*",
		"выступающи*", "发言人", "發言人", "讲者", "講者", "嘉宾", "嘉賓", "المتحدثون", "المتحدثين", "متحدثين")
	v.suggesting = v.list("we suggest", "we propose", "we recommend", "i suggest", "i propose", "i recommend", "should",
		"could consider", "would like to propose", "we would like to see", "suggestion*", "recommendation*",
		"nous suggérons", "nous proposons", "nous recommandons", "je suggère", "je propose", "devrait", "devraient",
		"recommandation*", "sugerimos", "proponemos", "recomendamos", "sugiero", "propongo", "debería",
		"deberían", "sugerencia*", "recomendaci*", "предлагаем", "предлагаю", "рекомендуем", "следует",
		"рекомендаци*", "建议", "建議", "提议", "提議", "推荐", "应当", "应该", "應該",
		"نقترح", "أقترح", "نوصي", "ينبغي", "يجب أن", "توصية", "توصيات",
		"would be great", "would be useful", "would welcome", "serait utile", "serait souhaitable", "sería útil",
		"sería deseable", "было бы полезно", "было бы хорошо", "可否考虑", "من المفيد")
	v.wantingToKnow = v.list("would like to know", "like to know whether", "wish to know", "we wonder", "i wonder",
		"nous aimerions savoir", "je voudrais savoir", "je souhaiterais savoir", "nous souhaiterions savoir",
		"quisiéramos saber", "quisiera saber", "nos gustaría saber", "me gustaría saber", "хотели бы узнать",
		"хотел бы узнать", "хотела бы узнать", "хотело бы узнать", "хотим узнать", "想了解", "想知道", "نود معرفة",
		"نرغب في معرفة", "أود معرفة")
	v.contest = v.list("contest", "competition", "entry", "concours", "participation au concours", "concurso", "конкурс*",
		"比赛", "大赛", "参赛", "參賽", "比賽", "مسابقة", "المسابقة")
	// A note verbale presents its body's compliments.
	v.compliments = v.list("presents its compliments", "present their compliments", "présente ses compliments",
		"présente ses meilleurs compliments", "saluda atentamente", "saluda muy atentamente", "свидетельствует свое уважение",
		"свидетельствует своё уважение", "свидетельствует уважение", "تهدي أطيب تحياتها", "تهدي تحياتها", "向秘书处致意", "向秘書處致意")
	v.visaLetters = v.list("invitation letter", "invitation letters", "letter of invitation", "letters of invitation",
		"visa letter", "visa support letter", "lettre d'invitation", "lettres d'invitation", "carta de invitación",
		"cartas de invitación", "carta de invitacion", "письмо-приглашение", "письма-приглашения", "приглашение для визы",
		"приглашения для визы", "визовое приглашение", "邀请函", "邀請函", "رسالة دعوة", "رسائل الدعوة", "رسالة الدعوة",
		"خطاب دعوة", "visa", "visas", "виза", "визы", "визов*", "签证", "簽證", "تأشيرة", "تأشيرات", "التأشيرة")
	v.deskMatters = v.list(
		// a visa, beside the letters of visaLetters
		"visado", "visados", "schengen", "шенген*", "申根", "شنغن", "شينغن",
		// a hotel
		"hotel", "hotels", "accommodation", "hôtel", "hôtels", "hébergement", "alojamiento", "hospedaje",
		"гостиниц*", "отель", "отеля", "отели", "проживание", "酒店", "宾馆", "賓館", "住宿", "فندق", "الفندق", "فنادق",
		// an accreditation, credentials
		"accreditation", "accredited", "accréditation", "accréditer", "acreditación", "acreditaciones", "acreditar",
		"credencial", "credenciales", "аккредитаци*", "аккредитовать", "认证证件", "代表证", "اعتماد الوفد", "بطاقات الاعتماد",
		// a badge to collect
		"collect the badges", "collect their badges", "collect our badges", "collect the badge", "badge pick-up",
		"pick up the badges", "pick up our badges", "retirer le badge", "retirer les badges",
		"retirer nos badges", "recoger los gafetes", "recoger las acreditaciones", "retirar las acreditaciones",
		"получить бейдж*", "получения бейдж*", "领取证件", "領取證件", "领取胸卡", "استلام الشارات", "استلام البطاقات",
		// money to travel
		"travel support", "travel grant*", "travel funding", "financial support to attend", "fellowship*",
		"travel costs", "travel expenses", "frais de voyage", "frais de déplacement", "billet d'avion", "gastos de viaje",
		"pasajes", "расходы на проезд", "авиабилет*", "机票", "機票", "تذاكر السفر", "تذكرة السفر", "تكاليف السفر",
		"bourse", "bourses", "prise en charge", "soutien financier", "beca", "becas", "financiamiento para viajar",
		"apoyo financiero", "стипенди*", "финансовая поддержка", "финансовой поддержки", "оплата проезда", "оплату проезда",
		"资助", "資助", "奖学金", "獎學金", "差旅补助", "منح سفر", "منحة سفر", "منح السفر", "دعم مالي", "تمويل السفر",
		// an exhibition stand, a sponsor's place
		"exhibition space", "exhibition stand", "exhibition booth", "booth", "stand d'exposition", "espace d'exposition",
		"un stand", "stand de exposición", "espacio de exposición", "стенд", "стенда", "выставочн*", "выставк*",
		"展位", "展台", "展览区", "展覽區", "جناح", "في المعرض",
		// volunteering
		"volunteer", "volunteers", "volunteering", "bénévole", "bénévoles", "bénévolat", "voluntario", "voluntaria",
		"voluntarios", "voluntariado", "волонтер*", "волонтёр*", "志愿者", "志願者", "متطوع", "متطوعين", "التطوع",
		// a room for a meeting
		"meeting room", "bilateral meeting room", "salle de réunion", "sala de reuniones", "sala de reunión",
		"переговорн* комнат*", "комнату для переговоров", "会谈的房间", "会议室", "會議室", "قاعة اجتماعات", "غرفة اجتماعات",
		// a registration that went wrong
		"no confirmation", "not received a confirmation", "never received a confirmation", "did not receive a confirmation",
		"didn't receive a confirmation", "pas reçu de confirmation", "pas reçu la confirmation", "aucune confirmation",
		"no he recibido confirmación", "no recibí la confirmación", "no he recibido la confirmación", "ninguna confirmación",
		"нет подтверждения", "так и не пришл*", "не пришло подтверждение", "не получил* подтверждени*",
		"没有收到确认", "未收到确认", "沒有收到確認", "未收到確認", "لم تصلني رسالة التأكيد", "لم يصلني تأكيد", "لم أتلق تأكيد",
	)
	v.highLevel = v.list("high-level session*", "high level session*", "high-level policy session*",
		"high level policy session*", "high-level track", "high level track", "high-level segment", "high level segment",
		"session de haut niveau", "sessions de haut niveau", "séance de haut niveau", "séances de haut niveau",
		"segment de haut niveau", "sesión de alto nivel", "sesiones de alto nivel", "segmento de alto nivel",
		"сессий высокого уровня", "сессии высокого уровня", "сессию высокого уровня", "сегмент* высокого уровня",
		"高级别", "高級別", "الرفيع المستوى", "رفيعة المستوى")
	v.leadingRoles = v.list("facilitate", "facilitating", "facilitation", "facilitator", "steer", "steering", "lead", "moderate",
		"moderating", "moderator", "chair", "chairing", "faciliter", "facilitateur", "facilitatrice", "animer", "modérer",
		"modérateur", "modératrice", "présider", "piloter", "conduire", "facilitar", "facilitación", "facilitador",
		"facilitadora", "moderar", "moderador", "moderadora", "conducir", "dirigir", "presidir", "ведущ*", "вести",
		"модерир*", "модератор*", "фасилитатор*", "председательств*", "主持", "引导", "引導", "تيسير", "ميسر", "لإدارة",
		"رئاسة")
	v.puttingForward = v.list("put forward", "putting forward", "propose", "proposes", "proposing", "nominate", "nominates",
		"nominating", "recommend", "candidate", "candidacy", "be considered", "available to", "would be glad to",
		"would be honoured to", "would be honored to", "willing to", "ready to", "proposer", "proposons", "présenter",
		"candidat", "candidate", "candidature", "disponible", "prêt à", "prête à", "proponer", "proponemos", "propone",
		"postular", "postulamos", "candidato", "candidata", "candidatura", "dispuesto", "dispuesta",
		"предлага*", "предложить", "выдвига*", "выдвинуть", "кандидатур*", "готовност*", "готов", "готова",
		"推荐", "推薦", "提名", "提议", "提議", "愿意", "願意", "ترشيح", "نرشح", "يرشح", "نقترح", "يقترح", "استعداد", "مستعد",
		// offering oneself
		"offer", "offers", "offering", "happy to", "pleased to", "honoured to", "honored to", "interested in",
		"self-nomination", "je me porte candidat", "je me porte candidate", "heureux de", "heureuse de", "me ofrezco",
		"nos ofrecemos", "con gusto", "хотел бы", "хотела бы", "хотели бы", "自荐", "自薦", "希望担任", "يسعدني", "أرغب في")
	v.proposingThat = v.list("propose that", "proposes that", "suggest that", "recommend that", "proposons que",
		"propose que", "suggérons que", "recommandons que", "proponemos que", "propone que", "sugerimos que",
		"recomendamos que", "предлагаем, чтобы", "предлагаем чтобы", "предлагается, чтобы", "рекомендуем, чтобы",
		"建议在", "建议每", "نقترح أن", "يقترح أن", "نوصي بأن")
	v.hostingOwn = v.list("host", "hold", "organise", "organize", "organiser", "organisons", "tenir", "organizar",
		"celebrar", "realizar", "провести", "организовать", "举办", "舉辦", "تنظيم", "عقد")
	v.internetSociety = v.list("جمعية الإنترنت", "جمعية الانترنت")
	v.salesOffers = v.list("commercial offer", "commercial proposal", "sales proposal", "price offer", "quotation",
		"offre commerciale", "proposition commerciale", "devis", "oferta comercial", "propuesta comercial", "cotización",
		"коммерческое предложение", "коммерческого предложения", "коммерческое предложение", "ценовое предложение",
		"商业报价", "商務報價", "报价单", "報價單", "عرض تجاري", "عرض سعر", "عرض أسعار")
	v.strongNotice = append(v.strongNotice, v.salesOffers...)
	v.registering = v.list("register", "registered", "registering", "registration", "s'inscrire", "inscription",
		"inscrire", "inscrit", "inscrits", "inscribirse", "inscribir", "inscripción", "registrarse", "registrar", "registro",
		"регистрац*", "регистрир*", "зарегистрир*", "注册", "註冊", "报名", "報名", "登记", "登記", "تسجيل", "التسجيل", "أسجل")
	v.forumMatters = v.list("prize", "prizes", "prix", "premio", "premios", "преми*", "奖项", "獎項", "جائزة", "جوائز",
		"programme", "program", "agenda", "programa", "программ*", "议程", "議程", "日程", "برنامج", "جدول الأعمال",
		"remote", "remotely", "online", "à distance", "en ligne", "remota", "remoto", "a distancia", "en línea",
		"дистанцион*", "удалённ*", "удаленн*", "онлайн", "远程", "遠程", "线上", "線上", "عن بعد",
		"consultation", "consulta abierta", "консультаци*", "磋商", "المشاورة", "physical meeting", "réunion physique",
		"reunión presencial", "очное совещание", "очного совещания",
		"session", "sessions", "séance", "séances", "sesión", "sesiones", "сесси*", "panel", "side event", "round table",
		"table ronde", "mesa redonda", "круглый стол", "分论坛", "分論壇", "جلسة", "الجلسة", "ندوة", "high-level track",
		"high level track",
		// a submission: the nouns, not the verbs a visa's papers are handed in with too
		"submission", "submissions", "contribution", "contributions", "soumission", "contribución", "contribuciones",
		"aportación", "aporte", "aportes", "вклад", "вклада", "意见书", "意見書", "正式意见", "正式意見", "مساهمة",
		"المساهمة", "مساهمات", "المساهمات")
	v.trouble = v.list("problem", "problems", "issue with", "issues with", "error", "technical issue", "cannot submit",
		"unable to submit", "can't submit", "problème", "probleme", "erreur", "impossible de soumettre", "impossible de déposer",
		"problema", "problemas", "error al", "no puedo enviar", "no podemos enviar", "проблем*", "ошибк*", "не удается",
		"не удаётся", "не получается", "故障", "错误", "錯誤", "无法提交", "無法提交", "无法上传", "無法上傳",
		"مشكلة", "مشكلات", "خطأ", "تعذر", "يتعذر")
	v.optOut = v.list("unsubscribe", "no longer wish to receive", "to stop receiving", "rather not receive",
		"ne plus recevoir", "ne souhaitez plus recevoir", "ne désirez plus recevoir", "se désabonner", "désinscrire",
		"désabonner", "no desea seguir recibiendo", "no desean seguir recibiendo", "no desea recibir más",
		"no desean recibir más", "dejar de recibir", "darse de baja", "darme de baja", "dar de baja",
		"отписаться", "не хотите получать", "не хотите больше получать", "отказаться от рассылки",
		"退订", "退訂", "取消订阅", "取消訂閱", "如不希望收到", "如不想再收到",
		"إلغاء الاشتراك", "لا ترغب في تلقي", "لا ترغبون في تلقي", "لإيقاف استلام")
	v.thematicAspects = v.list("thematic aspects", "thematic aspect", "aspects thématiques", "aspect thématique",
		"aspectos temáticos", "aspecto temático", "тематическим аспектам", "тематических аспектов", "тематически* аспект*",
		"主题方面", "主題方面", "专题方面", "專題方面", "الجوانب الموضوعية", "الجوانب المواضيعية", "الجانب الموضوعي")
	v.seekingWork = v.list("looking for a job", "looking for a position", "looking for employment", "seeking a position",
		"seeking employment", "job opportunities", "je cherche un emploi", "je cherche un poste", "à la recherche d'un emploi",
		"à la recherche d'un poste", "busco trabajo", "busco empleo", "en busca de empleo", "ищу работу", "ищу вакансию",
		"в поисках работы", "寻找工作", "尋找工作", "求职", "求職", "أبحث عن عمل", "أبحث عن وظيفة", "البحث عن عمل")
	v.delegatedSigning = v.list("par délégation", "pour le ministre", "pour la ministre", "p/o le ministre",
		"for the minister", "on behalf of the minister", "por el ministro", "por la ministra", "por delegación",
		"p.o. del ministro", "за министра", "по поручению министра", "عن الوزير", "بالنيابة عن الوزير", "代部长", "代部長")
	v.deadlines = v.list("deadline", "deadlines", "date limite", "délai", "délais", "fecha límite", "plazo", "plazos",
		"срок*", "截止", "截至日期", "الموعد النهائي", "آخر موعد")
	v.forwarding = v.list("je vous transmets", "je vous transfère", "nous vous transmettons", "i am forwarding",
		"i forward", "we are forwarding", "forwarding below", "le reenvío", "les reenvío", "les reenviamos",
		"пересылаю", "пересылаем", "转发", "轉發", "أعيد إرسال", "أحيل إليكم", "نحيل إليكم")
	v.formatWords = v.list(
		"interactive", "structure of", "how the week", "parallel sessions", "shorter sessions", "fewer panels",
		"how the forum", "the programme earlier", "tracks", "exhibition floor", "remote participation",
		"déroulement", "sessions plus courtes", "plus ouvert", "participation à distance",
		"organización del foro", "sesiones", "más diálogo", "dinámica del foro", "participación remota",
		"короткие выступления", "организации форума", "удалённ* участи*", "дистанционн* участи*",
		"互动", "互動", "远程参与", "遠程參加", "论坛安排", "論壇安排",
		"صيغة", "شكل المنتدى", "تنظيم المنتدى", "تفاعلية", "أقصر", "تطوير المنتدى", "جلسات قصيرة", "المشاركة عن بعد",
		// how sessions, the programme and the week are laid out
		"how it could be run", "how the forum is run", "could be run", "fewer, longer", "longer sessions", "fewer sessions",
		"at the same time", "in parallel", "more time for questions", "daily schedule", "published too late",
		"schedule of sessions", "session schedule", "calendrier des sessions", "calendario de sesiones",
		"расписание сессий", "会议日程表", "會議日程表",
		"live stream", "livestream", "live streaming", "webcast", "hybrid format", "networking", "speed networking",
		"interpretation", "mobile app", "plenary", "opening ceremony", "prize ceremony",
		"séances plus courtes", "plus courtes", "moins de séances", "en parallèle", "diffusion en direct", "retransmission",
		"interprétation", "temps pour les questions", "sur l'organisation", "format hybride", "application mobile",
		"sesiones más cortas", "más cortas", "menos sesiones", "en paralelo", "transmisión en vivo", "en directo",
		"interpretación", "tiempo para preguntas", "formato híbrido", "aplicación móvil", "la organización del foro",
		"короче", "меньше сессий", "параллельн*", "прямая трансляция", "онлайн-трансляци*", "синхронн* перевод*",
		"времени для вопросов", "гибридн* формат*", "мобильн* приложени*", "пленарн* заседани*",
		"更短", "平行会议", "同时举行", "直播", "网络直播", "同声传译", "提问时间", "混合形式", "移动应用", "开幕式",
		"البث المباشر", "الترجمة الفورية", "بالتوازي", "جدول الجلسات", "الجلسات العامة", "الجلسة العامة", "وقت للأسئلة", "تطبيق الهاتف", "حفل الافتتاح",
		// the kind named with the Forum, and the ways of running a session
		"format of the forum", "format du forum", "formato del foro", "формат* форума", "论坛的形式", "论坛形式",
		"structure of the forum", "structure du forum", "estructura del foro", "структур* форума", "论坛的结构", "هيكل المنتدى",
		"agenda completa", "programme complet", "full programme", "full agenda",
		"fishbowl", "world café", "world cafe", "poster session", "posters", "session de posters", "sesión de pósteres",
		"plénière*", "sesiones plenarias", "recordings", "enregistrements", "grabaciones", "записи выступлений",
		"participants à distance", "participantes a distancia", "intervenciones remotas", "panels classiques",
		// newcomers, mentoring and the next editions
		"newcomers", "first-time participants", "mentoring", "an app", "the schedule", "next year's forum", "the next forum",
		"future editions", "nouveaux participants", "mentorat", "prochaine édition", "prochaines éditions",
		"nuevos participantes", "mentoría", "próxima edición", "próximas ediciones", "новичк*", "наставничеств*",
		"следующ* форум*", "新参会者", "下届论坛", "今后的论坛", "المشاركين الجدد", "الدورة القادمة", "الدورات القادمة",
	)
	v.jobTitles = v.list(
		"director", "directora", "directeur", "directrice", "manager", "gerente", "officer", "head of", "chief",
		"ceo", "cto", "president", "presidenta", "président", "présidente", "chairman", "chair", "coordinator",
		"coordinador", "coordinadora", "coordinateur", "coordinatrice", "adviser", "advisor", "conseiller", "conseillère",
		"asesor", "asesora", "counsel", "secretary", "secrétaire", "secretario", "commissioner",
		"engineer", "ingeniero", "ingénieur", "professor", "profesor", "profesora", "professeur", "lecturer",
		"fellow", "specialist", "especialista", "spécialiste", "responsable", "chargé", "chargée", "cheffe", "chef",
		"maître de conférences", "chercheur", "chercheuse", "researcher", "investigador", "investigadora", "catedrático",
		"catedrática", "научн* сотрудник*", "باحث",
		"ambassador", "ambassadeur", "ambassadrice", "embajador", "inspecteur", "inspector", "analyst", "analyste",
		"sales", "policy", "communications officer", "editor", "rédacteur", "journalist",
		"professeure", "chercheure", "rectora", "rector", "recteur", "rectrice", "decano", "decana", "doyen", "doyenne",
		"jefe", "jefa", "vicepresidente", "vicepresidenta", "vice-président", "vice-présidente", "vice president",
		"founder", "co-founder", "cofounder", "fondateur", "fondatrice", "cofondateur", "cofondatrice", "fundador", "fundadora",
		"cofundador", "cofundadora", "head", "lead", "deputy", "directeur général", "directora general", "director general",
		"помощник*", "эксперт*", "координатор*", "ректор*", "декан*", "глава", "ведущий специалист", "исполнительн* директор*",
		"總監", "總裁", "总裁", "董事长", "董事長", "主席", "会长", "會長", "理事长", "理事長", "處長", "局長", "司長", "秘書長", "研究員", "工程師", "專員", "专员", "首席",
		"نائب", "الأمين العام", "مسؤول", "خبير", "منسقة", "عميد", "associée",
		// assistants: "Asistente de Presidencia" is a post, not the presidency's organisation
		"assistant", "assistante", "asistente", "ассистент*", "助理", "مساعد", "مساعدة",
		// teachers
		"docente", "enseignant", "enseignante", "преподавател*", "讲师", "講師", "مدرس", "مدرسة", "проректор*",
		// civil servants
		"funcionario", "funcionaria", "fonctionnaire", "civil servant", "госслужащ*", "公务员", "公務員", "موظف", "موظفة",
		// employees
		"employee", "staff member", "empleado", "empleada", "employé", "employée", "сотрудник*", "сотрудница",
		"директор*", "руководител*", "начальник*", "менеджер*", "специалист*", "советник*", "председател*", "инженер*",
		"заместител*", "второй секретарь", "первый секретарь", "секретарь", "секретаря", "профессор*", "доцент*", "главный редактор",
		"主任", "经理", "經理", "司长", "处长", "局长", "教授", "研究员", "秘书长", "总监", "工程师",
		"مدير", "مديرة", "رئيس", "مستشار", "أستاذ", "منسق", "مهندس", "المدير التنفيذي",
	)
	v.offering = v.list("here is my input", "here is our input", "here are my comments", "here are our comments",
		"here are my suggestions", "here are our suggestions", "my input on", "our input on", "i would like to contribute",
		"we would like to contribute", "wish to contribute", "souhaite contribuer", "souhaitons contribuer", "voici ma contribution",
		"voici notre contribution", "voici nos propositions", "voici mes propositions", "aimerions contribuer",
		"desea contribuir", "deseamos contribuir", "quisiera contribuir", "quisiéramos contribuir", "aquí va mi aporte",
		"aquí van nuestras propuestas", "les comparto mis ideas", "les compartimos nuestras propuestas",
		"направляем наши предложения", "направляю свои предложения", "хотим внести вклад", "хотели бы внести вклад",
		"предлагаем следующее", "以下是我们的建议", "以下是我的建议", "现提出以下建议", "我们希望提出", "نود المساهمة", "أود المساهمة",
		"فيما يلي مقترحاتنا", "فيما يلي مقترحاتي")
	v.sellerTitles = v.list("sales director", "sales manager", "head of sales", "business development", "account manager",
		"key account*", "chief commercial officer", "directeur commercial", "directrice commerciale", "responsable commercial*",
		"chargé d'affaires commerciales", "ingénieur commercial", "développement commercial", "director comercial",
		"directora comercial", "gerente comercial", "ejecutivo de ventas", "ejecutiva de ventas", "gerente de ventas",
		"desarrollo de negocios", "коммерческий директор", "директор по продажам", "менеджер по продажам",
		"развитию бизнеса", "销售总监", "销售经理", "銷售總監", "銷售經理", "商务总监", "商務總監", "业务拓展", "業務拓展",
		"مدير المبيعات", "مديرة المبيعات", "تطوير الأعمال")
	v.researchTitles = v.list("researcher", "research fellow", "research scientist", "postdoctoral*", "phd candidate",
		"doctoral student", "lecturer", "professor", "chercheur", "chercheuse", "chargé de recherche", "chargée de recherche",
		"directeur de recherche", "directrice de recherche", "maître de conférences", "doctorant", "doctorante", "professeur",
		"enseignant-chercheur", "enseignante-chercheuse", "investigador", "investigadora", "profesor", "profesora",
		"catedrático", "catedrática", "doctorando", "doctoranda", "научн* сотрудник*", "профессор*", "доцент*", "аспирант*",
		"研究员", "研究員", "教授", "副教授", "博士生", "博士后", "باحث", "باحثة", "أستاذ", "أستاذة", "محاضر",
		"docente universitario", "docente universitaria", "enseignant-chercheur", "преподавател*", "讲师", "講師", "محاضرة",
		// the posts that run a university or a faculty
		"dean", "decano", "decana", "doyen", "doyenne", "rector", "rectora", "recteur", "rectrice", "vice-rector",
		"vicerrector", "vicerrectora", "vice-recteur", "vice-rectrice", "vice-chancellor", "проректор*", "ректор*",
		"декан*", "副校长", "副校長", "عميد", "عميدة")
	v.themes = v.list("digital divide", "digital inclusion", "fracture numérique", "inclusion numérique", "brecha digital",
		"inclusión digital", "цифров* неравенств*", "цифров* разрыв*", "цифров* грамотност*", "数字鸿沟", "数字包容", "數碼共融",
		"الفجوة الرقمية", "الشمول الرقمي")
	v.webmailNames = wordSet(`gmail googlemail yahoo ymail hotmail outlook live msn aol icloud yandex rambler
	qq 163 126 sina sohu yeah foxmail protonmail gmx terra uol bol rediffmail`)
	v.officeUnits = v.list("secretariat", "secrétariat", "secretaría", "subsecretaría", "directorate", "direction", "dirección",
		"department", "département", "departamento", "division", "división", "unit", "unité", "unidad", "section", "sección",
		"office", "oficina", "service", "servicio", "cabinet", "gabinete", "управление", "отдел", "департамент", "служба",
		"قسم", "إدارة", "دائرة", "مكتب")
	v.units = v.list("team", "the team", "press office", "l'équipe", "équipe", "l'équipe de", "equipo", "el equipo",
		"пресс-служба", "пресс-службы", "команда", "团队", "團隊", "فريق", "مكتب")
	v.legalForms = v.list("ab", "oy", "nv", "bv", "spa", "srl", "ltd", "inc", "llc", "gmbh", "plc", "sarl", "s.a.", "c.a.", "corp", "corporation",
		"пао", "ооо", "оао", "зао", "ао", "有限公司", "股份有限公司", "شركة")
	v.governmentBodies = v.list("ministry", "ministère", "ministerio", "министерств*", "وزارة", "embassy", "ambassade", "embajada", "permanent mission",
		"mission permanente", "misión permanente", "постоянн* представительств*", "agency", "agence", "agencia", "агентств*",
		"federal office", "office fédéral", "سلطة", "ديوان", "مديرية", "هيئة", "superintendencia",
		// a regulator names a body outright ("Haute Autorité de régulation du numérique, Nouakchott")
		"regulatory authority", "autorité de régulation", "haute autorité", "autoridad reguladora", "autoridad de regulación",
		"ente regulador", "organismo regulador")
	v.ngoForms = v.list("non-governmental organi*", "nongovernmental organi*", "non-profit organi*", "nonprofit organi*",
		"organisation non gouvernementale", "organisation non-gouvernementale", "association loi 1901",
		"organización no gubernamental", "organización sin fines de lucro", "asociación civil",
		"общественн* организаци*", "некоммерческ* организаци*", "благотворительн* фонд*",
		"非政府组织", "社会组织", "民间组织", "منظمة غير حكومية", "جمعية أهلية")
	v.peoplesBodies = v.list(peoplesWords...)
	v.disclaimers = v.list("confidential", "intended solely", "intended recipient", "confidentiel*", "destinataire*",
		"confidencial*", "destinatario*", "конфиденциальн*", "адресат*", "保密", "机密", "機密", "سرية", "سري", "المرسل إليه")
	v.cooperationRegions = v.list(geographicRegions...)
	v.studies = v.list("studies", "study", "research", "études", "recherche*", "estudios", "investigación", "исследован*",
		"研究", "دراسات", "الدراسات", "البحوث", "بحوث")
	v.cooperation = v.list("cooperation", "co-operation", "coopération", "cooperación", "cooperação", "сотрудничеств*", "合作", "التعاون")
	v.ownIntergovernmental = v.list("an intergovernmental organisation", "an intergovernmental organization", "an intergovernmental body",
		"an inter-governmental organisation", "an inter-governmental organization", "our member states",
		"organisation intergouvernementale", "organisme intergouvernemental", "institution intergouvernementale", "nos états membres",
		"organismo intergubernamental", "organización intergubernamental", "institución intergubernamental", "nuestros estados miembros",
		"межправительственная организация", "межправительственной организацией", "межгосударственная организация",
		"межгосударственной организацией", "межправительственный орган", "межправительственным органом",
		"наших государств-членов", "наши государства-члены",
		"是一个政府间", "是政府间组织", "是政府间国际组织", "系政府间", "作为政府间组织", "为政府间组织", "我们的成员国", "本组织成员国",
		"是一個政府間", "是政府間組織", "是政府間國際組織", "係政府間", "作為政府間組織", "為政府間組織", "我們的成員國", "本組織成員國",
		"منظمة حكومية دولية", "هيئة حكومية دولية", "منظمة دولية حكومية", "دولنا الأعضاء",
		// a regional one
		"a regional intergovernmental organi*", "a regional intergovernmental body", "是一个区域性政府间", "是區域性政府間",
		"为区域性政府间组织", "منظمة إقليمية حكومية دولية", "هيئة إقليمية حكومية دولية", "منظمة حكومية دولية إقليمية")
	v.stateLinks = v.list("alliance of", "union of", "community of", "organisation of", "organization of", "grouping of",
		"commission of", "bloc of", "regroupant", "réunissant", "composée de", "rassemblant", "agrupa a", "integrada por",
		"conformada por", "compuesta por", "reúne a", "объединяющ*", "входят", "组成", "تضم")
	v.manyIntergovernmental = v.list("organisations intergouvernementales", "institutions intergouvernementales",
		"organismos intergubernamentales", "organizaciones intergubernamentales", "instituciones intergubernamentales")
	v.regions = v.list(append(append([]string{"commonwealth"}, geographicRegions...), worldRegions...)...)
	v.regionalBodies = v.list("union", "bank", "development bank", "community", "commission", "organisation", "organization",
		"league", "secretariat", "council", "parliament", "telecommunity",
		"union", "banque", "communauté", "commission", "organisation", "ligue", "secrétariat", "conseil", "parlement",
		"unión", "banco", "comunidad", "comisión", "organización", "liga", "secretaría", "consejo", "parlamento",
		"союз*", "банк*", "сообществ*", "комисси*", "организаци*", "секретариат*", "совет*", "парламент*",
		"联盟", "聯盟", "银行", "銀行", "共同体", "委员会", "委員會", "组织", "組織", "秘书处", "理事会", "议会",
		"الاتحاد", "اتحاد", "بنك", "البنك", "الجماعة", "اللجنة", "لجنة", "المنظمة", "منظمة", "الأمانة", "مجلس", "البرلمان",
		// a region's regulators together ("Communications Regulators' Association of
		// Southern Africa", «Assemblée des Régulateurs … de l'Afrique de l'Ouest»)
		"regulators", "regulators'", "régulateurs", "reguladores", "регуляторов", "هيئات تنظيم", "assembly", "assemblée", "asamblea")
	v.knownOrganisations = map[string]string{}
	for typ, names := range map[string]string{
		store.StakeholderPrivateSector: `huawei zte tencent alibaba alibabagroup baidu bytedance xiaomi lenovo chinamobile
		inwi djezzy mobilis algerietelecom tunisietelecom sudatel moovafrica telma africell expresso
		antel cantv viettel vnpt telkomsel indosat axiata maxis celcom pldt grameenphone banglalink ufone ptcl
		roshan kcell kazakhtelecom uzbektelecom ucell megacom turkcell turktelekom mobily asiacell korek jawwal
		paltel ogero yemenmobile ethiotelecom telkomkenya zamtel libyana almadar camtel nexttel
		chinatelecom chinaunicom microsoft google apple meta facebook amazon ibm cisco intel qualcomm ericsson nokia
		orange vodafone telefonica deutschetelekom telekom bt swisscom proximus kpn telenor telia mtn safaricom
		airtel bhartiairtel vodacom sonatel maroctelecom ooredoo etisalat eand stc zain du batelco omantel
		atos capgemini thales sopra soprasteria orangebusiness yandex yandexteam kaspersky rostelecom mts megafon
		beeline vk sber sberbank americamovil claro tigo millicom entel movistar liquid liquidtelecom econet
		telkom samsung lg sony ntt kddi softbank sap siemens deloitte pwc kpmg ey accenture salesforce oracle
		infosys tcs wipro tatacommunications reliance jio globe smart digicel inmarsat ses eutelsat starlink
		spacex oneweb`,
		store.StakeholderCivilSociety: `accessnow eff apc article19 hrw amnesty oxfam laquadrature laquadraturedunet
		rocit privacyinternational derechosdigitales hiperderecho karisma r3d smex cipesa paradigmhq itforchange
		digitalrightsfoundation edri internetwithoutborders internetsansfrontieres wikimedia mozilla
		webfoundation globalpartners gp-digital gpdigital tacticaltech digitalwatch diplo diplofoundation
		cis-india sflc bytesforall kictanet jonction cyberstewards citizenlab freedomhouse rsf cpj`,
		store.StakeholderInternationalO: `itu escap unescap escwa unescwa eclac cepal uneca unece oif francophonie
		comtelca citel atu-uat aicto apt-int rcc-cis`,
		// regulators of telecommunications and posts, by the initials they go by
		store.StakeholderGovernment: `arpt artp arcep arpce artci arct anrt arptc arcom arcel anatel subtel enacom
		osiptel sutel ursec arcotel conatel ntra citra tdra ofca mcmc imda btrc trai roskomnadzor`,
		store.StakeholderAcademia: `icann ietf w3c ripe afrinic apnic lacnic arin ieee etsi
		mipt itmo tsinghua pku fudan zju sjtu hku cuhk kaist mit stanford harvard oxford
		cambridge ethz epfl sorbonne sciencespo
		inria cnrs inrae cirad csiro riken fraunhofer conicet csic
		nic`, // a country's network information centre (nic.br, nic.ar)
	} {
		for _, n := range strings.Fields(names) {
			if !strings.HasSuffix(n, "?") {
				v.knownOrganisations[strings.ReplaceAll(n, "-", "")] = typ
			}
		}
	}
	v.governmentDomains = wordSet(`ofcom.org.uk arcep.fr admin.ch gc.ca bundesnetzagentur.de agcom.it cnmc.es
	ancom.ro rtr.at bipt.be acma.gov.au ictqatar.qa anrt.ma inpt.ma ntra.gov.eg citc.gov.sa cra.gov.qa
	trai.gov.in ncc.gov.ng ca.go.ke ucc.co.ug icasa.org.za nca.org.gh crc.gov.co ift.org.mx subtel.cl enacom.gob.ar
	anatel.gov.br osiptel.gob.pe conatel.gob.ve
	bund.de fgov.be gouv.qc.ca nic.in minsvyaz.ru artci.ci arcep.bj arcep.bf arcep.tg artp.sn arpce.dz arpt.dz
	intt.tn inpt.tn citra.gov.kw tra.org.bh bocra.org.bw macra.org.mw zicta.zm rura.rw tcra.go.tz ura.go.ug
	arcotel.gob.ec att.gob.bo sutel.go.cr ursec.gub.uy indotel.gob.do asep.gob.pa siget.gob.sv telcor.gob.ni
	crcom.gov.co mintic.gov.co arcep.ne arpce.cg arpt.gn artel.ml ptr.ru rkn.gov.ru`)
	for _, d := range strings.Fields(`un.org unesco.org undp.org unctad.org fao.org unep.org unwomen.org wfp.org
	ilo.org intracen.org unodc.org unicef.org unido.org unitar.org unhcr.org uneca.org unescap.org cepal.org
	unece.org unfpa.org ifad.org iaea.org worldbank.org oecd.org europa.eu unu.edu unops.org who.int wipo.int
	itu.int wmo.int upu.int wto.org imf.org afdb.org iadb.org adb.org isdb.org ebrd.com eib.org caf.com
	africa-union.org au.int oas.org francophonie.org thecommonwealth.org cto.int apt.int atu-uat.org
	rcc.org.ru eecommission.org cis.minsk.by e-cis.info iacis.org alecso.org isesco.org.ma arableague.org
	las.int gcc-sg.org asean.org saarc-sec.org segib.org sela.org aladi.org comunidadandina.org caricom.org
	ecowas.int sadc.int eac.int comesa.int igad.int unesco.org.cn paho.org ohchr.org unaids.org unhabitat.org
	unfccc.int cbd.int itso.int intelsat.int icao.int imo.org gsma.com`) {
		if d != "gsma.com" {
			v.internationalDomains[d] = true
		}
	}
}

// subjectAsks reports whether a subject is a question: a question mark (¿, ？, ؟ too)
// or the word of a question before a colon ("Question: deadline", «Вопрос о сроках»).
func (v *vocabulary) subjectAsks(subject string) bool {
	return v.strippedSubjectAsks(subject, stripReplyPrefixes(subject))
}

// strippedSubjectAsks is subjectAsks(subject) given stripReplyPrefixes(subject).
func (v *vocabulary) strippedSubjectAsks(subject, stripped string) bool {
	if strings.ContainsAny(subject, "?¿？؟") {
		return true
	}
	f := foldText(trimSpace(stripped))
	for _, name := range consultationNames {
		if strings.HasPrefix(f, name) {
			// "Consulta abierta - aporte de …": the consultation's name, not a question.
			return false
		}
	}
	if v.inquiry.openingOf(f) != "" {
		return true
	}
	// "Joint session - question", «Семинар: вопросы»: the part after the subject's last
	// dash or colon names what the message is.
	if i := strings.LastIndexAny(f, "-–—:："); i >= 0 {
		_, n := utf8.DecodeRuneInString(f[i:])
		return v.inquiry.openingOf(trimSpace(f[i+n:])) != ""
	}
	return false
}

// consultationNames are the names of the open consultation a subject may open with,
// folded.
var consultationNames = []string{"consulta abierta", "consultation ouverte", "open consultation", "открытая консультация",
	"открытые консультации", "открытых консультаций"}

// openingOf returns the first term of the list that a folded text opens with, as a
// word (or anywhere-matched term) of its own, or "".
func (tl termList) openingOf(folded string) string {
	folded = strings.TrimLeft(folded, " \t\"'«“[(")
	for _, t := range tl {
		if t.folded == "" || folded == "" || folded[0] != t.folded[0] || !strings.HasPrefix(folded, t.folded) {
			continue
		}
		rest := folded[len(t.folded):]
		r, _ := utf8.DecodeRuneInString(rest)
		if t.anywhere || rest == "" || !isWordRune(r) || strings.HasSuffix(t.words[len(t.words)-1], "*") {
			return t.text
		}
	}
	return ""
}

// appendLabels appends the labels of a domain, as strings.Split(domain, ".") cuts them,
// to labels: with a buffer on the stack, the few labels of a domain need no allocation.
func appendLabels(labels []string, domain string) []string {
	for {
		i := strings.IndexByte(domain, '.')
		if i < 0 {
			return append(labels, domain)
		}
		labels = append(labels, domain[:i])
		domain = domain[i+1:]
	}
}

// isWebmail reports whether a domain gives personal addresses: no evidence of who writes.
func (v *vocabulary) isWebmail(domain string) bool {
	if v.freemailDomains[domain] {
		return true
	}
	var buf [8]string
	labels := appendLabels(buf[:0], domain)
	if len(labels) == 2 && len(labels[1]) == 2 && isAnyOf(labels[0], "mail", "inbox", "email", "webmail", "post", "pochta") {
		// inbox.uz, mail.kz, pochta.tj: a country's mailbox for everyone.
		return true
	}
	// hotmail.cl, yahoo.de, gmx.at: a webmail name right under a country.
	if len(labels) == 2 && v.webmailNames[labels[0]] && len(labels[1]) == 2 {
		return true
	}
	// yahoo.com.hk, hotmail.co.uk, gmail.com.ar: a webmail name under a country.
	return len(labels) == 3 && v.webmailNames[labels[0]] && isAnyOf(labels[1], "co", "com", "net", "ne") && len(labels[2]) == 2
}

// countryLanguage is the UN language of a country code domain where one language is
// the rule (yahoo.fr, mail.ru, 163.com.cn), or "".
func countryLanguage(domain string) string {
	labels := strings.Split(domain, ".")
	switch labels[len(labels)-1] {
	case "fr", "sn", "ci", "ml", "bf", "ne", "tg", "bj", "ga", "cm", "cd", "cg", "mg", "ht":
		return langFrench
	case "es", "mx", "ar", "co", "cl", "pe", "ve", "ec", "bo", "py", "uy", "cr", "pa", "gt", "hn", "sv", "ni", "do", "cu":
		return langSpanish
	case "ru", "by", "kz", "kg":
		return langRussian
	case "cn", "tw", "hk", "mo":
		return langChinese
	case "sa", "eg", "ae", "jo", "iq", "sy", "ly", "sd", "om", "ye", "kw", "qa", "bh", "ps", "lb":
		return langArabic
	case "uk", "us", "au", "nz", "ie", "gh", "ng", "ke", "ug", "za", "jm":
		return langEnglish
	}
	return ""
}

// asksQuestion reports whether a text asks something: a question mark (？ and ؟
// too) or the words of a question.
func (v *vocabulary) asksQuestion(subject, body string, all foldedText) (bool, string) {
	for _, q := range []string{"?", "？", "؟"} {
		if strings.Contains(body, q) || strings.Contains(subject, q) {
			if unquotedQuestionMark(subject) || unquotedQuestionMark(body) {
				return true, "a question mark"
			}
			break
		}
	}
	if n, t := v.asking.countIn(all); n > 0 {
		return true, quoteReason(t)
	}
	return false, ""
}

// unquotedQuestionMark reports whether a text has a question mark (？ and ؟ too) outside
// quotation marks: the title of a session ("Le cloud souverain pour les PME : mythe ou
// réalité ?", «Кто платит?») asks the reader nothing. Straight quotes pair up within a
// line.
func unquotedQuestionMark(text string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		if !strings.ContainsAny(line, "?？؟") {
			continue
		}
		quoted, straight := 0, false
		for _, r := range line {
			switch r {
			case '«', '“', '「', '『':
				quoted++
			case '»', '”', '」', '』':
				quoted = max(quoted-1, 0)
			case '"':
				straight = !straight
			case '?', '？', '؟':
				if quoted == 0 && !straight {
					return true
				}
			}
		}
	}
	return false
}

// questions counts the questions of a text: the sentences ending with a question mark
// (？ and ؟ too) and the list items opening with the word of a question ("(a) whether
// the ITU can…", «— будет ли обеспечен…»). rest is the text without its questions.
func (v *vocabulary) questions(text string) (n int, rest string) {
	var b strings.Builder
	b.Grow(len(text) + 1) // each line and a newline: the text at most, and one more
	for line := range strings.SplitSeq(text, "\n") {
		marks := 0
		inMark := false
		quoted := 0
		// A line without a question mark is read no further for one.
		if strings.IndexByte(line, '?') >= 0 || strings.Contains(line, "？") || strings.Contains(line, "؟") {
			for _, r := range line {
				// A title in quotation marks (« … : quel modèle économique ? », "Who pays?")
				// asks the reader nothing.
				switch r {
				case '«', '“', '「', '『':
					quoted++
				case '»', '”', '」', '』':
					quoted = max(quoted-1, 0)
				}
				q := r == '?' || r == '？' || r == '؟'
				if q && !inMark && quoted == 0 {
					marks++
				}
				inMark = q
			}
		}
		if marks == 0 && isListItem(line) {
			item := trimSpace(listItemRE.ReplaceAllString(line, ""))
			words := strings.Fields(item)
			if v.interrogatives.openingOf(item) != "" || len(words) > 2 && isAnyOf(words[1], "ли", "ль") {
				marks = 1
			}
		}
		if marks == 0 {
			b.WriteString(line)
			b.WriteByte('\n')
		}
		n += marks
	}
	return n, b.String()
}

// asksTheDesk reports whether a message that asks wants a service of the secretariat's
// desk rather than an answer on the consultation: its subject or text names one of
// deskMatters (a visa or its letter, a hotel, an accreditation, money to travel, an
// exhibition stand or sponsorship, volunteering or an internship, a room, a badge to
// collect, a registration that went wrong) or invites the reader to another event, and
// none of its questions is on the consultation or the
// Forum itself ("is the deadline 10 February?", "is there a session for
// parliamentarians?"). A question naming the desk's matter is the desk's whatever else it
// names ("the deadline for booth applications"); one on registering is neither's.
// subjectAsks is what subjectAsks says of the subject.
func (v *vocabulary) asksTheDesk(subjectAsks bool, fs, fb foldedText) (bool, string) {
	named := ""
	for _, tl := range []termList{v.deskMatters, v.visaLetters, v.accreditation, v.inviting} {
		if _, t := tl.countIn(fs); t != "" {
			named = t
			break
		}
		if _, t := tl.countIn(fb); t != "" {
			named = t
			break
		}
	}
	if named == "" {
		return false, ""
	}
	qs := v.questionSentences(fb)
	if subjectAsks {
		qs = append(qs, fs.s)
	}
	for _, q := range qs {
		for _, c := range clauses(q) {
			ft := v.newFoldedTextIn(c, fb.slab)
			if v.namesDeskMatter(ft) {
				continue
			}
			if n, _ := v.registering.countIn(ft); n > 0 {
				continue
			}
			if v.namesForumMatter(ft) {
				return false, ""
			}
		}
	}
	return true, named
}

// putsForward says whether a message's text puts a person, or the writer, forward to facilitate
// one of the Forum's high-level sessions in other words than a nomination's ("would be
// glad to put forward Dr Brunner to help steer one of the high-level policy sessions",
// «готовность … выступить в роли ведущего одной из сессий высокого уровня», «proposer
// Monsieur le Ministre pour assurer la facilitation de l'une des sessions de haut
// niveau»): one paragraph names a high-level session, a role in it and the proposing,
// outside its questions, and no session of the writer's own to hold. It returns the
// role's word.
func (v *vocabulary) putsForward(body foldedText) string {
	if n, _ := v.highLevel.countIn(body); n == 0 {
		return ""
	}
	for para := range strings.SplitSeq(body.s, "\n\n") {
		if !v.mayPutForward(v.newFoldedTextIn(para, body.slab)) {
			continue
		}
		var kept strings.Builder
		for sentence := range strings.SplitSeq(statements(para), "\n") {
			ft := v.newFoldedTextIn(sentence, body.slab)
			if n, _ := v.asking.countIn(ft); n > 0 {
				continue
			}
			if n, _ := v.wantingToKnow.countIn(ft); n > 0 {
				continue
			}
			kept.WriteString(sentence)
			kept.WriteByte('\n')
		}
		ft := v.newFoldedTextIn(kept.String(), body.slab)
		if !v.mayPutForward(ft) {
			continue
		}
		if n, _ := v.hostingOwn.countIn(ft); n > 0 {
			continue
		}
		if n, _ := v.proposingThat.countIn(ft); n > 0 {
			// "We propose that the high-level track … and that young people lead the
			// discussion": a change to the Forum, no one put forward.
			continue
		}
		if n, _ := v.forumAsHost.countIn(ft); n > 0 {
			continue
		}
		_, role := v.leadingRoles.countIn(ft)
		return role
	}
	return ""
}

// mayPutForward reports whether a folded text names a high-level session, a role in it
// and the proposing of someone.
func (v *vocabulary) mayPutForward(ft foldedText) bool {
	if n, _ := v.highLevel.countIn(ft); n == 0 {
		return false
	}
	if n, _ := v.leadingRoles.countIn(ft); n == 0 {
		return false
	}
	n, _ := v.puttingForward.countIn(ft)
	return n > 0
}

// clauseLinks join two questions in one sentence ("is remote participation possible
// for the workshops, and must we register for it?").
var clauseLinks = []string{", and ", "; ", ", et ", ", y ", ", e ", ", и ", ", а также ", "، و", " وهل ", "；"}

// clauses cuts a question at clauseLinks.
func clauses(q string) []string {
	out := []string{q}
	for _, l := range clauseLinks {
		if !strings.Contains(q, l) {
			continue
		}
		var next []string
		for _, c := range out {
			next = append(next, strings.Split(c, l)...)
		}
		out = next
	}
	return out
}

func (v *vocabulary) namesDeskMatter(ft foldedText) bool {
	for _, tl := range []termList{v.deskMatters, v.visaLetters, v.accreditation, v.inviting} {
		if n, _ := tl.countIn(ft); n > 0 {
			return true
		}
	}
	return false
}

func (v *vocabulary) namesForumMatter(ft foldedText) bool {
	for _, k := range v.kinds {
		if n, _ := k.terms.countIn(ft); n > 0 {
			return true
		}
	}
	for _, tl := range []termList{v.forumMatters, v.deadlines, v.speakers, v.calls} {
		if n, _ := tl.countIn(ft); n > 0 {
			return true
		}
	}
	return false
}

// questionSentences returns the questions of a folded text: the sentences ending with a
// question mark (？ and ؟ too), those with the words of asking ("kindly advise whether…",
// «просим сообщить, выдаёт ли…») and the list items opening with the word of a question.
func (v *vocabulary) questionSentences(ft foldedText) []string {
	var out []string
	for line := range strings.SplitSeq(ft.s, "\n") {
		if trimSpace(line) == "" {
			continue
		}
		if isListItem(line) {
			item := trimSpace(listItemRE.ReplaceAllString(line, ""))
			words := strings.Fields(item)
			if v.interrogatives.openingOf(item) != "" || len(words) > 2 && isAnyOf(words[1], "ли", "ль") {
				out = append(out, item)
				continue
			}
		}
		start := 0
		for i, r := range line {
			if !strings.ContainsRune(".!?。！？؟", r) {
				continue
			}
			end := i + utf8.RuneLen(r)
			if s := line[start:end]; strings.ContainsRune("?？؟", r) {
				out = append(out, s)
			} else if n, _ := v.asking.countIn(v.newFoldedTextIn(s, ft.slab)); n > 0 {
				out = append(out, s)
			}
			start = end
		}
		if s := line[start:]; trimSpace(s) != "" {
			if n, _ := v.asking.countIn(v.newFoldedTextIn(s, ft.slab)); n > 0 {
				out = append(out, s)
			}
		}
	}
	return out
}

// statements returns the sentences of a text that do not end with a question mark, one
// a line: "We suggest shorter sessions. Why not stream them?" keeps the first.
func statements(text string) string {
	var b strings.Builder
	start := 0
	for i, r := range text {
		if !strings.ContainsRune(".!?\n。！？؟", r) {
			continue
		}
		if !strings.ContainsRune("?？؟", r) {
			b.WriteString(text[start:i])
			b.WriteByte('\n')
		}
		start = i + utf8.RuneLen(r)
	}
	b.WriteString(text[start:])
	return b.String()
}

// hasListItem reports whether a text has a line that is an item of a list ("- ", "1.",
// "•"): proposals come in lists, an introduction before a question seldom does.
func hasListItem(text string) bool {
	for line := range strings.SplitSeq(text, "\n") {
		if isListItem(line) {
			return true
		}
	}
	return false
}

// onlyImages reports whether a message carries attachments and all of them are images.
func onlyImages(p *Parsed) bool {
	n := 0
	for _, a := range p.Attachments {
		if a.Inline {
			continue
		}
		if !strings.HasPrefix(a.ContentType, "image/") && !hasImageExtension(a.Filename) {
			return false
		}
		n++
	}
	return n > 0
}

// hasImage reports whether a message carries an image among its attachments.
func hasImage(p *Parsed) bool {
	for _, a := range p.Attachments {
		if !a.Inline && (strings.HasPrefix(a.ContentType, "image/") || hasImageExtension(a.Filename)) {
			return true
		}
	}
	return false
}

func hasImageExtension(name string) bool {
	name = strings.ToLower(name)
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".heic", ".tif", ".tiff", ".webp"} {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// lineSegments cuts a signature line into its parts: "Policy Director, Digital Rights
// Foundation" is a title and an organisation; "Joseph Kariuki | Safaricom PLC" a name
// and an organisation. Chinese lines are cut at spaces ("华为技术有限公司 公共事务部").
func lineSegments(line string) []string {
	if !mayHaveSegments(line) {
		// One segment at most, as cutSegments makes it.
		if g := trimSpace(strings.Trim(line, segmentTrim)); g != "" {
			return []string{g}
		}
		return nil
	}
	return cutSegments(line)
}

// segmentTrim is what lineSegments trims off a line's ends before cutting it.
const segmentTrim = " \t,;-–—|"

// cutSegments is lineSegments, for a line mayHaveSegments lets through.
func cutSegments(line string) []string {
	line = strings.Trim(line, segmentTrim)
	// The fields between separators, as strings.FieldsFunc cuts them, each cut again
	// at " - ", and trimmed: empty ones are dropped.
	var out []string
	add := func(g string) {
		if g = trimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	start := 0
	for i := 0; ; {
		end := i == len(line)
		r, size := rune(0), 1
		if !end {
			if r = rune(line[i]); r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(line[i:])
			}
		}
		if end || r == ',' || r == '|' || r == '，' || r == '、' || r == '،' || r == '–' || r == '—' || r == '/' {
			f := line[start:i]
			for {
				j := strings.Index(f, " - ")
				if j < 0 {
					add(f)
					break
				}
				add(f[:j])
				f = f[j+len(" - "):]
			}
			if end {
				break
			}
			start = i + size
		}
		i += size
	}
	if len(out) == 1 && strings.IndexFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0 {
		return strings.Fields(line)
	}
	return out
}

// lettersOnly folds s and keeps its letters and digits: "Globex Events" is
// "globexevents", to be compared with a domain's name.
func lettersOnly(s string) string {
	var b strings.Builder
	for _, r := range foldText(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// domainLabel is the name part of a domain without its hyphens: "redcross" for
// redcross.or.ke, "digitalrightsfoundation" for digital-rights-foundation.pk.
func (v *vocabulary) domainLabel(domain string) string {
	return strings.ReplaceAll(v.domainName(domain), "-", "")
}

// domainName is the name part of a domain as written: "orange-ci" for orange-ci.net,
// "redcross" for redcross.or.ke; "" for a name without a dot.
func (v *vocabulary) domainName(domain string) string {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return ""
	}
	labels = labels[:len(labels)-1]
	if len(labels) >= 2 && v.secondLevel[labels[len(labels)-1]] {
		labels = labels[:len(labels)-1]
	}
	labels = reservedLabelCut(labels)
	return labels[len(labels)-1]
}

// reservedLabelCut drops a last label reserved for documentation (RFC 2606:
// "example" in escap.example.org) when an organisation's label stands before it: the
// name is that one.
func reservedLabelCut(labels []string) []string {
	if n := len(labels); n >= 2 && reservedLabels[labels[n-1]] && !hostLabels[labels[n-2]] {
		return labels[:n-1]
	}
	return labels
}

var reservedLabels = wordSet(`example test invalid localhost`)

// hostLabels name a mail server, not an organisation (mx.example.com).
var hostLabels = wordSet(`mx mx1 mx2 mail smtp mta relay www`)

// namesDomain reports whether a signature segment names the sender's domain:
// "Globex Events" for globexevents.com, "Kenya Red Cross Society" for redcross.or.ke.
// A label may also be the initials of the first words and the rest spelt out:
// "Global Partners Digital" for gp-digital.org.
func namesDomain(segment string, labels ...string) bool {
	letters := lettersOnly(segment)
	var words []string
	for _, label := range labels {
		if utf8.RuneCountInString(label) < 4 {
			continue
		}
		if strings.Contains(letters, label) {
			return true
		}
		if words == nil {
			words = strings.FieldsFunc(foldText(segment), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		}
		for k := 2; k < len(words); k++ {
			head := ""
			for _, w := range words[:k] {
				r, _ := utf8.DecodeRuneInString(w)
				head += string(r)
			}
			if head+strings.Join(words[k:], "") == label {
				return true
			}
		}
	}
	return false
}

// domainNames are the names of a domain that may spell its organisation: the name part
// (domainLabel) and, for a domain under an organisation's own ("colnodo.apc.org"), the
// labels before it that are no mail host's.
func (v *vocabulary) domainNames(domain string) []string {
	label := v.domainLabel(domain)
	out := []string{label}
	labels := strings.Split(domain, ".")
	for _, l := range labels[:max(0, len(labels)-2)] {
		l = strings.ReplaceAll(l, "-", "")
		if l != label && !v.secondLevel[l] && !isAnyOf(l, "mail", "email", "www", "mx", "smtp", "lists", "list", "info", "news", "noreply") {
			out = append(out, l)
		}
	}
	return out
}

// opensWithOrganisation reports whether a line's first two words hold an organisation
// word.
func (v *vocabulary) opensWithOrganisation(line string, lt lineTerms) bool {
	// The first two words of strings.Fields, without cutting the whole line.
	first, _ := nextTokenIn(&line, spaceSeps)
	if second, _ := nextTokenIn(&line, spaceSeps); second != "" {
		first += " " + second
	}
	return v.isOrganisationLine(first, lt)
}

// isFoldedAddressLine reports whether a signature line is a postal address or a company's
// registration: it opens with a number ("3 United Nations Plaza"), a post box or a
// street ("Rambla República de México 6125", «ул. Тверская, 7»), holds a number beside
// a street word ("INRS, 385, rue Sherbrooke Est", "香港添馬添美道2號"), or gives a
// registration ("Company no. 10457789, registered in England and Wales", "RCS Paris
// B 123 456 789", «ИНН 7701234567»). The line comes without spaces around it, f is its
// folded form (lineTerms.isAddressLine works it out once per line).
func isFoldedAddressLine(line, f string) bool {
	first, _ := utf8.DecodeRuneInString(line)
	if unicode.IsDigit(first) || strings.HasPrefix(f, "p.o. box") || strings.HasPrefix(f, "po box") ||
		strings.HasPrefix(f, "b.p.") || strings.HasPrefix(f, "bp ") || strings.HasPrefix(f, "apartado") {
		return true
	}
	// The words of the line are read as they come, each with the one before it (pair
	// holds the two, without allocating for each). Whether the line has a digit is
	// only looked for when a street word or a Chinese floor or number asks.
	digits := func() bool { return strings.IndexFunc(line, unicode.IsDigit) >= 0 }
	// addressWordKeys and pairFirstKeys say of most words that they are no key of
	// the maps, without looking them up.
	var pairBuf [64]byte
	rest, prev, prevKnown := f, "", false
	for i := 0; ; i++ {
		w, _ := nextTokenIn(&rest, addressSeps)
		if w == "" {
			break
		}
		known := addressWordKeys.has(w)
		if known && registrationWords[w] {
			return true
		}
		if i > 0 {
			switch {
			case i == 1 && prevKnown && streetWords[prev]:
				return true
			case pairFirstKeys.has(prev) && registrationPairs[string(append(append(append(pairBuf[:0], prev...), ' '), w...))]:
				return true
			case known && streetWords[w] && digits():
				return true
			}
		}
		prev, prevKnown = w, known
	}
	if isPlaceLine(line) {
		return true
	}
	if comma := strings.LastIndexByte(line, ','); comma >= 0 {
		// "…, Coyoacán, 04510 CDMX", "…, 75007 Paris": a postcode and a town end it.
		if last := trimSpace(line[comma+1:]); last != "" && '0' <= last[0] && last[0] <= '9' && postcodeRE.MatchString(last) {
			return true
		}
	}
	// Each address hanAddressRE matches has a digit and one of 號号樓楼.
	return hasHanAddressMark(line) && digits() && hanAddressRE.MatchString(line)
}

// postcodeRE matches a postcode of four to six digits before the name of a town.
var postcodeRE = regexp.MustCompile(`^\d{4,6}\s+\p{Lu}`)

// arabicHeads are the nouns an Arabic name of an organisation opens with, and the type
// they make it: the words after them are the name ("مؤسسة حلول للتنمية" is a foundation
// whatever "حلول", solutions, says; "شركة نبض للحلول الرقمية" a company; «اتصالات
// المغرب» an operator). Alone in a name, such a noun is the type's word.
var arabicHeads = map[string]string{
	"شركة": store.StakeholderPrivateSector, "الشركة": store.StakeholderPrivateSector,
	"مجموعة": store.StakeholderPrivateSector, "اتصالات": store.StakeholderPrivateSector,
	"مؤسسة": store.StakeholderCivilSociety, "جمعية": store.StakeholderCivilSociety, "الجمعية": store.StakeholderCivilSociety,
	"شبكة": store.StakeholderCivilSociety, "الشبكة": store.StakeholderCivilSociety, "مبادرة": store.StakeholderCivilSociety,
	"وزارة": store.StakeholderGovernment, "هيئة": store.StakeholderGovernment, "الهيئة": store.StakeholderGovernment,
	"سلطة": store.StakeholderGovernment, "بلدية": store.StakeholderGovernment, "سفارة": store.StakeholderGovernment,
	"الوكالة": store.StakeholderGovernment, "وكالة": store.StakeholderGovernment,
	"جامعة": store.StakeholderAcademia, "الجامعة": store.StakeholderAcademia, "كلية": store.StakeholderAcademia,
	"معهد": store.StakeholderAcademia, "المعهد": store.StakeholderAcademia,
}

// arabicHeadType is the stakeholder type of the noun an Arabic name opens with, or "".
func arabicHeadType(part string) string {
	// The part's first byte once trimmed is its first byte after the spaces it opens
	// with: the end of the part is trimmed only when that byte may open a noun.
	part = strings.TrimLeftFunc(part, unicode.IsSpace)
	if part == "" || !arabicHeadLeads[part[0]] {
		return "" // no noun of arabicHeads opens with this byte
	}
	first, _, _ := strings.Cut(trimSpace(part), " ")
	return arabicHeads[first]
}

// arabicHeadLeads holds the first bytes of the nouns of arabicHeads.
var arabicHeadLeads = func() (leads [256]bool) {
	for h := range arabicHeads {
		leads[h[0]] = true
	}
	return leads
}()

// isWholeGovernment reports whether a signature part names a government as a whole:
// a word of government and none of a ministry, an agency or an office inside it.
func (v *vocabulary) isWholeGovernment(part string, lt lineTerms) bool {
	ft := lt.get(part)
	if n, _ := v.wholeGovernment.countIn(ft); n == 0 && !isStateName(part) {
		return false
	}
	n, _ := v.governmentBodies.countIn(ft)
	return n == 0 && v.governmentOffice(part) == ""
}

// governmentOffice returns a signature line when it names an office inside a
// government: it opens with an office word ("Office of the Government Chief Information
// Officer", «Управление делами …») or, in Chinese, ends with one
// ("政府資訊科技總監辦公室", "通讯管理局"); else "".
func (v *vocabulary) governmentOffice(line string) string {
	line = trimSpace(line)
	if utf8.RuneCountInString(line) > 80 || endsSentence(line) {
		return ""
	}
	if v.governmentOffices.openingOf(foldText(line)) != "" {
		return trimName(line)
	}
	for _, end := range []string{"办公室", "辦公室", "管理局", "总局", "總局", "局", "署", "处", "處", "司"} {
		if strings.HasSuffix(line, end) && utf8.RuneCountInString(line) > utf8.RuneCountInString(end)+1 &&
			strings.IndexFunc(line, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) < 0 {
			return line
		}
	}
	return ""
}

// nameBeforeAddress is what a signature line says before its address: "TechPolicy
// Weekly" of "TechPolicy Weekly, 27 Old Street, London", "INRS" of "INRS, 385, rue
// Sherbrooke Est"; "" when the line opens with the address, and the line itself when it
// holds none.
// stateForms open the formal name of a state: "République du Bénin", "Kingdom of
// Bahrain", «Республика Казахстан».
var stateForms = []string{"republic of", "kingdom of", "state of", "république du", "république de", "république d'",
	"royaume du", "royaume de", "república de", "república del", "reino de", "республика", "королевство",
	"الجمهورية", "جمهورية", "المملكة", "دولة"}

// foldedStateForms are the stateForms folded (see foldText), once.
var foldedStateForms = foldAll(stateForms)

// foldAll returns the words folded (see foldText), in their order.
func foldAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = foldText(w)
	}
	return out
}

// isStateName reports whether a short part is a state's formal name ("Republic of the
// Philippines", «Республика Казахстан»): a state stands for its government as a whole.
func isStateName(part string) bool {
	f := foldText(trimSpace(part))
	if len(strings.Fields(f)) > 6 {
		return false
	}
	for _, sf := range foldedStateForms {
		if strings.HasPrefix(f, sf) {
			return true
		}
	}
	return false
}

// buildingWords end the name of a building: "Parliament House, Accra". A house is a
// building only after the word of a public body: Chatham House is an institute.
var (
	buildingWords  = wordSet(`house building tower towers plaza immeuble edificio torre`)
	publicBuilding = wordSet(`parliament state government council county city town`)
)

// hanPlaceRE matches a Chinese line that says where: it opens with a region, a
// province or a city and ends with a district, a road or a place ("香港九龍旺角",
// "香港灣仔港灣道", "四川省成都市武侯区"), never with a body's noun ("香港社會服務聯會").
var hanPlaceRE = regexp.MustCompile(`^(?:香港|澳門|澳门|臺灣|台灣|台湾|\p{Han}{2,3}[省市])\p{Han}{0,12}[道路街區区角灣湾島岛市省縣县鎮镇村]$`)

// isPlaceLine reports whether a line says where: a city and its state's formal name
// ("Cotonou, République du Bénin"), a building and its city ("Parliament House,
// Accra"), or a Chinese region and district ("香港九龍旺角").
func isPlaceLine(line string) bool {
	if first, _ := utf8.DecodeRuneInString(line); unicode.Is(unicode.Han, first) {
		// Most Chinese lines end otherwise: the expression runs on the few that end
		// with a place.
		last, _ := utf8.DecodeLastRuneInString(line)
		return strings.ContainsRune("道路街區区角灣湾島岛市省縣县鎮镇村", last) && hanPlaceRE.MatchString(line)
	}
	if !mayHaveSegments(line) {
		return false // one segment at most
	}
	segs := lineSegments(line)
	if len(segs) != 2 {
		return false
	}
	// The city or building is one to three capitalised words: «وزارة الاتصالات - جمهورية
	// العراق» is a ministry.
	for _, w := range strings.Fields(segs[0]) {
		if !startsUpper(w) {
			return false
		}
	}
	first := strings.Fields(foldText(segs[0]))
	if len(first) == 0 || len(first) > 3 {
		return false
	}
	if last := first[len(first)-1]; buildingWords[last] && len(first) > 1 && len(strings.Fields(segs[1])) <= 2 &&
		(last != "house" || publicBuilding[first[len(first)-2]]) {
		return true
	}
	second := foldText(segs[1])
	for _, sf := range foldedStateForms {
		if strings.HasPrefix(second, sf) && len(first) <= 2 {
			return true
		}
	}
	return false
}

// mayHaveSegments reports whether lineSegments may cut a line in two or more: it has
// a separator of lineSegments, or a Chinese character (a Chinese line is cut at its
// spaces).
func mayHaveSegments(line string) bool {
	if strings.IndexByte(line, ',') >= 0 || strings.IndexByte(line, '|') >= 0 || strings.IndexByte(line, '/') >= 0 ||
		strings.Contains(line, " - ") {
		return true
	}
	if isASCII(line) {
		return false
	}
	// One pass for the separators above ASCII and the Chinese characters: a valid rune's
	// bytes are found nowhere but at its start.
	for i := 0; i < len(line); {
		if line[i] < utf8.RuneSelf {
			i++
			continue
		}
		if r, ok := twoByteRune(line, i); ok {
			if r == '،' {
				return true
			}
			i += 2
			continue
		}
		r, size := decodeRune(line, i)
		switch {
		case r == '，' || r == '、' || r == '–' || r == '—':
			return true
		case r >= 0x2E80 && unicode.Is(unicode.Han, r):
			return true
		}
		i += size
	}
	return false
}

// hasHanAddressMark is strings.ContainsAny(line, "號号樓楼"), each rune looked for as a
// whole (UTF-8 finds a rune's bytes nowhere but in the rune).
func hasHanAddressMark(line string) bool {
	return !isASCII(line) && (strings.Contains(line, "號") || strings.Contains(line, "号") ||
		strings.Contains(line, "樓") || strings.Contains(line, "楼"))
}

func nameBeforeAddress(line string, lt lineTerms) string {
	if !lt.isAddressLine(line) {
		return line
	}
	if isPlaceLine(line) {
		return ""
	}
	var name []string
	for _, seg := range lineSegments(line) {
		if lt.isAddressLine(seg) {
			break
		}
		name = append(name, seg)
	}
	return strings.Join(name, ", ")
}

// streetWords name a street, a building or a post box in the six languages (and
// German), folded; registrationWords and registrationPairs the registers a company's
// number is in.
var (
	streetWords = wordSet(`rue avenue av. av boulevard bd bd. chemin route impasse allée quai immeuble
	calle avenida avda. rambla paseo carrera plaza pasaje camino edificio jirón
	street road rd. rd lane drive suite floor building
	ул. улица просп. проспект пр-т пер. переулок шоссе наб. набережная б-р бульвар д. дом офис
	straße strasse str.
	شارع طريق ص.ب مبنى`)
	registrationWords = wordSet(`siret siren rcs ninea rccm vat cif nif ruc rut cnpj registered immatriculée immatriculé
	огрн огрнип инн кпп бин иин унп`)
	registrationPairs = map[string]bool{"company no.": true, "company no": true, "company number": true,
		"registro mercantil": true, "n° tva": true, "registration no.": true, "registration number": true}
	// addressWordKeys holds the wordKeys of streetWords and registrationWords,
	// pairFirstKeys those of the first words of registrationPairs.
	addressWordKeys = func() (f wordFilter) {
		for _, m := range []map[string]bool{streetWords, registrationWords} {
			for w := range m {
				f.add(w)
			}
		}
		return f
	}()
	pairFirstKeys = func() (f wordFilter) {
		for p := range registrationPairs {
			first, _, _ := strings.Cut(p, " ")
			f.add(first)
		}
		return f
	}()
	hanAddressRE = regexp.MustCompile(`[路道街巷]\s*\d+\s*[號号]|\d+\s*[號号]\s*\S*[樓楼層层室座]|\d+\s*[樓楼]`)
)

// leadingAcronym returns the initials a signature line opens with ("БГУИР, Минск",
// "MINTEL, Quito - Ecuador", «ГКИТС Кыргызской Республики», "FESYNPOSTEL – Cotonou"): three to twelve capitals,
// not a country's, in a line of a few words, or "".
func leadingAcronym(line string) string {
	if strings.ContainsAny(line, "@:0123456789+") {
		// "ASIN – Sicap Liberté 6, Dakar": initials alone before a dash or a comma, the
		// address after them.
		segs := lineSegments(line)
		if len(segs) < 2 || strings.ContainsAny(segs[0], "@:0123456789+") || len(strings.Fields(segs[0])) != 1 {
			return ""
		}
		line = segs[0]
	}
	words := strings.Fields(strings.Trim(line, " 	,;-–—|"))
	if len(words) == 0 || len(words) > 6 {
		return ""
	}
	w := strings.TrimRight(words[0], ",;")
	if len(words) > 1 && isAcronym(strings.TrimRight(words[1], ",;")) {
		return "" // a name in capitals: "JOHN SMITH"
	}
	if n := utf8.RuneCountInString(w); n < 3 || n > 12 || !isAcronym(w) ||
		isAnyOf(w, "USA", "UAE", "RSA", "DRC", "PRC", "CEO", "CTO", "CFO", "COO", "PhD", "США", "ОАЭ", "РФ", "ООО", "ПАО", "ЗАО", "ОАО",
			"FYI", "FWD", "RSVP", "ASAP", "FAQ", "TBC", "TBD", "AOB", "BCC", "ENDS", "NB", "PS") {
		return ""
	}
	return w
}

// trailingAcronym returns the initials a short signature line ends with
// ("исполнительный директор АПИК"), by leadingAcronym's rules, or "".
func trailingAcronym(line string) string {
	words := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;|–—", r) })
	if len(words) < 2 || len(words) > 6 {
		return ""
	}
	last := words[len(words)-1]
	for _, el := range []string{"l'", "d'", "L'", "D'", "l’", "d’"} {
		// "Président de l'ABM": the initials without the elided article.
		last = strings.TrimPrefix(last, el)
	}
	return leadingAcronym(last)
}

// innerAcronym returns the first initials, by leadingAcronym's rules, after the first
// word of a short signature line ("секретарь ФНПР по международным вопросам"), or "".
func innerAcronym(line string) string {
	words := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",;|–—", r) })
	if len(words) < 3 || len(words) > 8 {
		return ""
	}
	for _, w := range words[1 : len(words)-1] {
		if acr := leadingAcronym(w); acr != "" {
			return acr
		}
	}
	return ""
}

// expandAcronym finds in a text the name that an acronym abbreviates: the words before
// "(ACR)" ("el Ministerio de Telecomunicaciones y de la Sociedad de la Información
// (MINTEL)"), or a run of words whose initials are the acronym's ("Государственный
// комитет информационных технологий и связи" for ГКИТС), or "".
func expandAcronym(text, acr string) string {
	want := foldText(acr)
	if i := strings.Index(text, "("+acr+")"); i > 0 {
		words := strings.Fields(text[:i])
		start := len(words)
		for j := len(words) - 1; j >= 0 && len(words)-j <= 14; j-- {
			w := words[j]
			if initials(strings.Join(words[j:], " ")) == want {
				// "L'Association Sénégalaise pour le Numérique Libre (ASNL)": the article
				// is no part of the name.
				name := strings.Join(words[j:], " ")
				for _, el := range []string{"L'", "l'", "L’", "l’"} {
					if rest, ok := strings.CutPrefix(name, el); ok && startsUpper(rest) {
						return rest
					}
				}
				return name
			}
			if startsUpper(w) {
				start = j
				continue
			}
			if !isAnyOf(foldText(w), "de", "del", "la", "las", "los", "el", "y", "of", "the", "and", "for", "du", "des", "et", "pour", "en", "d'",
				"le", "les", "para", "por") {
				break
			}
		}
		for start < len(words)-1 && isAnyOf(foldText(words[start]), "el", "la", "los", "las", "le", "les", "the") {
			start++ // "El Ministerio de …" opens a sentence
		}
		if start < len(words) {
			return strings.Join(words[start:], " ")
		}
	}
	if long := spelledAfter(text, acr); long != "" {
		return long
	}
	words := strings.Fields(text)
	n := utf8.RuneCountInString(want)
	for i := range words {
		for _, el := range []string{"l'", "d'", "l’", "d’", "L'", "D'", "L’", "D’"} {
			// "l'Institut national de la recherche scientifique", "L'Alliance …": the
			// article is no part of the name.
			if rest, ok := strings.CutPrefix(words[i], el); ok && startsUpper(rest) {
				words[i] = rest
			}
		}
		if !startsUpper(words[i]) {
			continue
		}
		for j := i + n; j <= min(len(words), i+2*n); j++ {
			name := strings.Trim(strings.Join(words[i:j], " "), ",;:.«»\"")
			if got := initials(name); got == want {
				if first, rest, ok := strings.Cut(name, " "); ok && isAnyOf(foldText(first), "le", "la", "les", "el", "los", "las", "the") {
					return rest // "Le Laboratoire …" opens a sentence
				}
				return name
			} else if len(got) > len(want) {
				break
			}
		}
	}
	return ""
}

// spelledAfter finds the name an acronym's brackets spell out after it: "l'ARTCI
// (Autorité de Régulation des Télécommunications/TIC de Côte d'Ivoire)". The name opens
// with a capital and the acronym's letters are, in order, among its words' initials;
// "" when the text has no such brackets.
func spelledAfter(text, acr string) string {
	for rest := text; ; {
		i := strings.Index(rest, acr+" (")
		if i < 0 {
			return ""
		}
		inner := rest[i+len(acr)+2:]
		rest = inner
		end := strings.IndexByte(inner, ')')
		if end < 0 || end > 160 {
			continue
		}
		name := trimSpace(inner[:end])
		if len(strings.Fields(name)) < 2 || !startsUpper(name) {
			continue
		}
		got, want := []rune(initials(name)), []rune(foldText(acr))
		if len(got) == 0 || len(want) == 0 || got[0] != want[0] {
			continue
		}
		k := 0
		for _, r := range got {
			if k < len(want) && r == want[k] {
				k++
			}
		}
		if k == len(want) {
			return name
		}
	}
}

// governmentDomain says whether a domain has the shape of a government's: .gov, .mil,
// gov.xx, gouv.xx, gob.xx, gub.xx, go.xx (or one of them under a province's name:
// gouv.qc.ca), or is in the list of government bodies elsewhere (regulators on their
// country's domain, bund.de).
func (v *vocabulary) governmentDomain(domain string) (bool, string) {
	labels := strings.Split(domain, ".")
	tld := labels[len(labels)-1]
	if tld == "gov" || tld == "mil" {
		return true, "." + tld
	}
	if len(labels) >= 3 && len(tld) == 2 {
		if sld := labels[len(labels)-2]; isAnyOf(sld, "gov", "gouv", "gob", "gub", "go", "govt", "gv", "mil", "gc") {
			return true, sld + "." + tld
		}
		for _, l := range labels[1 : len(labels)-2] {
			// A province's or a state's government under the country: "…gouv.qc.ca".
			if isAnyOf(l, "gov", "gouv", "gob", "gub", "govt") {
				return true, l + "…" + tld
			}
		}
	}
	if v.governmentDomains[domain] || hasParentIn(domain, v.governmentDomains) {
		return true, "a government body"
	}
	return false, ""
}

// academicDomain says whether a domain has the shape of a university's: .edu,
// edu.xx, ac.xx, or a name starting univ-, uni-.
func academicDomain(domain string) (bool, string) {
	labels := strings.Split(domain, ".")
	tld := labels[len(labels)-1]
	if tld == "edu" {
		return true, ".edu"
	}
	if len(labels) >= 3 && len(tld) == 2 && isAnyOf(labels[len(labels)-2], "edu", "ac") {
		return true, labels[len(labels)-2] + "." + tld
	}
	for _, l := range labels[:len(labels)-1] {
		if strings.HasPrefix(l, "univ-") || strings.HasPrefix(l, "uni-") || l == "univ" ||
			strings.HasPrefix(l, "university") || strings.HasPrefix(l, "universidad") || strings.HasPrefix(l, "universite") {
			return true, "a university's name"
		}
	}
	return false, ""
}

// geographicRegions are the names of the world's regions, as adjectives and as places
// ("Central Asia", "Océan Indien", «Центральной Азии», "印度洋", "آسيا الوسطى");
// worldRegions the words of the whole world ("international", «всемирн*», "国际").
var (
	geographicRegions = []string{"african", "asian", "asia-pacific", "asia pacific", "arab", "european", "eurasian", "caribbean",
		"andean", "pacific", "inter-american", "latin american", "ibero-american", "islamic", "indian ocean", "central asia",
		"latin america",
		"africaine", "africain", "asiatique", "arabe", "européenne", "européen", "eurasienne", "andine", "interaméricaine",
		"islamique", "océan indien", "asie centrale", "amérique latine",
		"africana", "africano", "asiático", "asiática", "árabe", "europea", "europeo", "euroasiático", "euroasiática",
		"caribeña", "del caribe", "andina", "interamericano", "interamericana", "latinoamericano", "latinoamericana",
		"iberoamericano", "iberoamericana", "islámica", "islámico", "océano índico", "asia central", "américa latina",
		"африканск*", "азиатск*", "арабск*", "европейск*", "евразийск*", "исламск*", "межамериканск*", "латиноамериканск*",
		"тихоокеанск*", "центральн* ази*", "индийск* океан*", "латинск* америк*",
		"非洲", "亚洲", "亞洲", "阿拉伯", "欧洲", "歐洲", "欧亚", "伊斯兰", "亚太", "亞太", "美洲", "拉丁美洲", "加勒比", "东盟",
		"中亚", "中亞", "印度洋",
		"الأفريقي", "الإفريقي", "الأفريقية", "الإفريقية", "الآسيوي", "العربي", "العربية", "الأوروبي", "الأوروبية",
		"الإسلامي", "الإسلامية", "لدول الخليج", "المحيط الهندي", "آسيا الوسطى",
		// the subregions of Africa and the Americas, as places ("d'Afrique centrale")
		"central africa", "west africa", "east africa", "southern africa", "central america",
		"afrique centrale", "afrique de l'ouest", "afrique de l'est", "afrique australe", "afrique occidentale",
		"afrique orientale", "áfrica central", "áfrica occidental", "áfrica oriental", "áfrica austral",
		"centroamérica", "centroamericano", "centroamericana", "américa central",
		"центральн* африк*", "западн* африк*", "восточн* африк*", "центральн* америк*",
		"中部非洲", "西部非洲", "东部非洲", "南部非洲", "西非", "东非", "中美洲",
		"وسط أفريقيا", "غرب أفريقيا", "شرق أفريقيا", "وسط إفريقيا", "غرب إفريقيا", "شرق إفريقيا", "أمريكا الوسطى"}
	worldRegions = []string{"world", "international", "mondiale", "mondial", "internationale", "mundial", "internacional",
		"всемирн*", "международн*", "межгосударственн*", "межправительственн*", "世界", "国际", "國際",
		"الدولي", "الدولية", "العالمي", "العالمية"}
)

// peoplesWords are the words of peoplesBodies, civil society's too.
var peoplesWords = []string{"indigenous", "indígena*", "autochtone*", "коренн* народ*", "коренных", "原住民",
	"الشعوب الأصلية", "السكان الأصليين",
	"trade union*", "labour union*", "labor union*", "workers union*", "workers' union*", "employees union*", "syndicat*", "sindicato*", "sindical", "профсоюз*",
	"профессиональн* союз*", "工会", "工會", "نقابة", "نقابات", "النقابات",
	"women", "women's", "femmes", "mujeres", "mulheres", "женщин*", "妇女", "婦女", "المرأة", "النساء",
	"youth", "jeunes", "jeunesse", "juventud", "jóvenes", "juvenil", "молодеж*", "молодёж*", "青年", "الشباب",
	"faith-based", "church", "churches", "église*", "iglesia*", "церк*", "教会", "الكنيسة", "الكنائس",
	"digital inclusion", "inclusion numérique", "inclusión digital", "цифров* инклюзи*", "数字包容", "數字包容", "الشمول الرقمي",
	"disability", "disabilities", "handicap*", "discapacidad*", "инвалид*", "残障", "残疾", "الإعاقة"}

// extraStakeholderWords are organisation words added to the lists of each type.
func (v *vocabulary) extraStakeholderWords() map[string][]string {
	return map[string][]string{
		store.StakeholderInternationalO: {"african union", "union africaine", "unión africana", "african development bank",
			"banque africaine de développement", "banco interamericano de desarrollo", "inter-american development bank",
			"asian development bank", "islamic development bank", "development bank", "banque de développement",
			"organisation internationale", "international organization", "international organisation",
			"organización internacional", "organización de los estados americanos", "organization of american states",
			"world health organization", "organisation mondiale", "organización mundial", "world intellectual property",
			"economic commission", "commission économique", "comisión económica", "экономическ* комисси*",
			"member states", "états membres", "estados miembros", "государств-членов", "государств-участников",
			"成员国", "الدول الأعضاء", "commonwealth", "commonwealth of", "economic co-operation and development", "economic cooperation and development",
			"union africaine des télécommunications", "african telecommunications union", "francophonie",
			"содружеств*", "межпарламентск*", "международн* организаци*", "евразийск* экономическ*",
			"開發銀行", "开发银行", "联合国", "亚太电信", "亞太電信",
			"اللجنة الاقتصادية", "الإسكوا", "جامعة الدول العربية", "المنظمة العربية", "البنك الإسلامي", "منظمة الأمم",
			"cepal", "eclac", "escwa", "unicef", "wipo", "ompi", "fao", "unesco", "undp",
			"intergovernmental", "intergouvernemental*", "intergubernamental", "межправительственн*", "政府间", "政府間",
			"interstate", "inter-state", "interétatique*", "interestatal*", "межгосударственн*",
			"الحكومية الدولية", "банк* развития", "banco de desarrollo", "بنك التنمية", "general secretariat",
			"secrétariat général", "secretaría general", "генеральн* секретариат*",
			"unep", "unfpa", "unhcr", "unido", "unitar", "unodc", "unops", "unrwa", "uneca", "unescap", "unece", "unwomen",
			"un women", "un-habitat", "unhabitat", "unaids", "undesa", "un desa", "wmo", "ilo", "oit", "ifad", "iaea",
			"upu", "wto", "omc", "imf", "fmi", "asean", "ecowas", "cedeao", "sadc", "comesa", "igad", "oas", "oea",
			"citel", "cept", "aicto", "escap", "comtelca", "亚太经社会", "亞太經社會", "亚洲及太平洋经济社会委员会",
			"asia-pacific telecommunity", "telecommunity", "commonwealth telecommunications", "alecso", "isesco", "icesco", "снг", "еаэс", "еэк", "рсс", "东盟", "非盟", "欧盟"},
		store.StakeholderGovernment: {"ministerio", "secretaría", "subsecretaría", "ente nacional", "presidencia",
			"permanent representation", "république", "república", "republic of", "regulator", "regulatory",
			"национальн* агентств*", "федеральн* служб*", "представительств*", "роскомнадзор",
			// Russian ministries' short names
			"минкомсвязь", "минкомсвязи", "минсвязи", "минэкономразвития", "минобрнауки", "минпромторг*",
			"минфин*", "минкультуры", "минпросвещения", "минтруд*", "минздрав*", "мид россии", "мининформ*", "минцифр*",
			"国家", "总局", "管理局", "特别行政区", "特別行政區", "郵電局", "邮电局", "部长", "国务院",
			// a province's departments
			"信息化厅", "信息化廳", "科学技术厅", "科技厅", "商务厅", "教育厅", "文化厅", "外事办公室",
			"الهيئة العامة", "هيئة تنظيم", "وزارة", "الحكومة",
			// regulators, authorities and offices of the state
			"superintendencia", "ente regulador", "organismo regulador", "comisión de regulación", "office national",
			"établissement public", "national regulatory", "регулятор*", "национальн* комисси*", "监管局", "监督管理",
			"фгбу", "фгку", "фку", "гбу", "гку", "мбу", "мку", // Russian state institutions' forms
			"سلطة", "الجهاز القومي", "الجهاز المركزي", "ديوان", "مديرية", "المديرية العامة", "الإدارة العامة",
			"agency", "agence", "agencia", "агентств*", "وكالة", "الوكالة", "государственн* комитет*", "государственн* служб*",
			"central bank", "banque centrale", "banco central", "центральн* банк*", "中央银行", "人民银行", "البنك المركزي",
			"municipality", "city council", "mairie", "municipalité", "municipalidad", "alcaldía", "ayuntamiento", "мэри*",
			"بلدية", "national commission", "commission nationale", "comisión nacional", "autoridad nacional", "autorité nationale",
			// local and regional government, parliaments
			"ville de", "city of", "municipio", "concejo", "intendencia", "prefectura",
			"gobierno regional", "gobierno provincial", "gobierno de la ciudad", "conseil régional", "conseil départemental",
			"conseil municipal", "conseil de ville", "commune de", "communauté urbaine", "collectivité*", "préfecture",
			"gouvernorat", "wilaya", "province de", "provincia de", "région de", "región de", "county council", "state government",
			"gouvernement du", "gouvernement de", "parliament", "parlement", "parlamento", "national assembly",
			"assemblée nationale", "asamblea nacional", "sénat", "senate", "senado", "congreso de", "congress",
			"администраци*", "мэри*", "городск* совет*", "областн* дум*", "государственн* дум*", "парламент*", "верховн* рад*",
			"жогорку кенеш", "мажилис*", "市政府", "人民政府", "省政府", "区政府", "县政府", "人大", "议会", "議會", "立法会",
			"مجلس النواب", "البرلمان", "مجلس الشعب", "مجلس الأمة", "محافظة", "ولاية", "المجلس البلدي"},
		store.StakeholderAcademia: {"ieee", "etsi", "standards association", "standards organization", "institute", "institut", "instituto", "институт*", "university college",
			"laboratory of", "research centre", "research center", "centre de recherche", "centro de investigación",
			"координационн* центр*", "cctld", "network information centre", "internet registry", "registro de direcciones",
			"мгу", "спбгу", "ниу", "вшэ", "科学院", "中国科学院", "研究中心", "الجامعة", "كلية",
			"tecnológico de", "instituto tecnológico", "politécnico", "politecnico", "кафедр*", "факультет*", "вуз*",
			"колледж*", "техникум*", // colleges of technology and vocational schools
			"laboratoire", "laboratorio", "лаборатори*", "hochschule", "grande école", "实验室", "مختبر", "المختبر", "高校", "学会", "學會",
			"مركز بحوث", "مركز أبحاث", "مركز الدراسات", "مركز البحوث", "مركز البحث", "مركز بحث", "مركز الأبحاث",
			"centro de investigaciones", "научно-исследовательск*", "研究中心",
			// the internet's technical community: registries of names and numbers, exchange points
			"nommage internet", "noms de domaine", "domain names", "domain name registry", "nombres de dominio",
			"доменн* имен*", "域名", "أسماء النطاقات", "internet exchange point", "point d'échange internet",
			"punto de intercambio de internet", "точка обмена трафиком", "network operators group",
			"网络信息中心", "網路資訊中心", "網絡資訊中心",
			"фгбоу", "фгаоу", "гбоу", "гаоу", "ано во", "чоу во", // Russian schools' and universities' forms
			// networks of universities, academies, libraries, laboratories and standards bodies
			"universitari*", "universitaire*", "университетск*", "academy", "academia", "library", "libraries",
			"bibliothèque*", "biblioteca*", "библиотек*", "图书馆", "圖書館", "مكتبة", "laboratory", "laboratories",
			"standards body", "standards institute", "organisme de normalisation", "organismo de normalización",
			"research and education network", "réseau de recherche", "red académica", "redes académicas"},
		store.StakeholderCivilSociety: {"نقابة", "رابطة", "society", "réseau", "asociación", "associação", "fundação", "ано",
			"автономн* некоммерческ*", "movement", "mouvement", "movimiento", "движени*",
			"联合会", "促进会", "研究会", "志愿者", "الشبكة العربية", "الجمعية", "مؤسسة", "منظمة",
			"обществ*", "благотворительн*", "initiative", "iniciativa", "collective", "collectif", "colectivo",
			"公益", "非营利", "非政府组织", "民间组织", "مبادرة", "غير ربحية", "غير حكومية",
			"trust", "charity", "charitable", "asbl", "association*", "associação", "community network*",
			"общественн* фонд*", "общественн* объединени*", "общественн* организаци*", "союз*", "الجمعية", "جمعيات", "اتحاد",
			// leagues, cooperatives and alliances
			"league", "ligue", "liga", "лига", "лиги", "cooperative", "co-operative", "coopérative", "cooperativa", "кооператив*",
			"合作社", "تعاونية", "alianza", "альянс*", "تحالف",
			// bodies without borders, and of a people, trade, sex or age: see peoplesWords
			"sans frontières", "sin fronteras", "sem fronteiras", "without borders", "без границ", "无国界", "無國界", "بلا حدود",
			"发展中心", "發展中心"},
		store.StakeholderPrivateSector: {"s.a.", "c.a.", "group", "groupe", "grupo", "группа",
			"corporation", "limited", "holdings", "пао", "ао", "шрк", "集团", "技术有限公司", "股份", "مجموعة", "ش.م.م",
			"solutions", "soluciones", "soluções", "systems", "consultancy", "consultants", "software", "bank", "banque", "banco", "банк", "银行",
			"بنك", "مصرف", "株式会社", "ذ.م.م", "ش.م.ع", "المحدودة", "общество с ограниченной ответственностью",
			"акционерн* обществ*", "бюро переводов", "оператор* связи", "运营商",
			// the words a company's name takes
			"compagnie", "enterprise*", "firm", "startup", "start-up", "holding", "consulting",
			"empresa", "compañía", "consultora", "группа компаний", "корпораци*", "холдинг*", "企业", "科技有限公司", "股份公司", "شركة",
			// consultancies, studios and the words of a company's trade
			"consultoría", "consultores", "cabinet de conseil", "консалтинг*", "консалтингов*", "咨询公司", "諮詢公司",
			"للاستشارات", "استشارات", "studio", "studios", "студи*", "ستوديو", "استوديو", "工作室",
			"photo studio", "photography studio", "studio photo", "estudio fotográfico", "estudio de fotografía",
			"фотостуди*", "摄影工作室", "攝影工作室", "استوديو تصوير",
			"حلول", "الحلول", "للحلول", "للتقنية", "للتكنولوجيا", "للبرمجيات",
			"advisory", "associates", "associés", "asociados", "associados", "chamber of commerce", "chambre de commerce", "cámara de comercio",
			"торгово-промышленн* палат*", "商会", "غرفة التجارة", "غرفة تجارة",
			// broadcasters, media groups and fintechs
			"radio télévision", "radio television", "radio y televisión", "radiotelevisión", "audiovisuel", "audiovisual",
			"broadcasting", "телерадиокомпани*", "телекомпани*", "медиахолдинг*", "传媒", "媒体集团", "fintech",
			// newspapers, magazines and their publishers
			"magazine", "newspaper", "news agency", "publishing house", "hebdomadaire", "agence de presse",
			"revista", "agencia de noticias", "журнал", "журнала", "газет*", "издательств*",
			"информационн* агентств*", "杂志社", "雜誌社", "报社", "報社", "日报", "日報", "مجلة", "صحيفة", "جريدة", "وكالة أنباء"},
	}
}

// startsWithUnit reports whether s starts with the name of a team or office
// ("L'équipe de …", «Пресс-служба …», «فريق …»).
// isOfficeUnit reports whether a part of a name is an office inside an organisation:
// it opens with an office word ("Dirección de …", «قسم التعاون الدولي») or, in
// English, ends with one ("Corporate Services Directorate").
func (v *vocabulary) isOfficeUnit(part string) bool {
	f := foldText(trimSpace(part))
	words := strings.Fields(f)
	if len(words) == 0 {
		return false
	}
	for _, t := range v.officeUnits {
		if strings.HasPrefix(f, t.folded) && (len(f) == len(t.folded) || !isWordRune([]rune(f[len(t.folded):])[0])) {
			return true
		}
		if len(words) > 1 && words[len(words)-1] == t.folded && isASCII(f) {
			return true
		}
	}
	return false
}

// founderWords are the words of a founder («المؤسس», folded) and, last, of a partner
// («الشريك»).
var founderWords = append(foldAll([]string{"المؤسس", "المؤسسة", "مؤسس", "مؤسسة"}), "الشريك", "الشريكة")

// founderTitle reports whether a part is an Arabic title that opens with "founder"
// («المؤسِّسة والرئيسة التنفيذية»): «المؤسسة» is then no institution.
func (v *vocabulary) founderTitle(part string, lt lineTerms) bool {
	words := strings.Fields(foldText(part))
	founder := founderWords[:4]
	if len(words) < 2 || !isAnyOf(words[0], founderWords...) {
		return false
	}
	rest, ok := strings.CutPrefix(words[1], "و")
	if !ok && !isAnyOf(words[1], founder...) {
		return false
	}
	n, _ := v.jobTitles.countIn(lt.get(strings.Join(append([]string{rest}, words[2:]...), " ")))
	return n > 0 || !ok
}

func (v *vocabulary) startsWithUnit(s string) bool {
	return v.dropUnit(s) != s
}

// dropUnit drops a team or office from the front of s: "L'équipe de La Quadrature du
// Net" is "La Quadrature du Net", «Пресс-служба Ассоциации …» is «Ассоциации …».
func (v *vocabulary) dropUnit(s string) string {
	f := foldText(s)
	best := 0
	for _, t := range v.units {
		if strings.HasPrefix(f, t.folded) && len(t.folded) > best {
			best = len(t.folded)
		}
	}
	if best == 0 {
		return s
	}
	// The folded prefix has as many runes as the original's: drop that many.
	n := utf8.RuneCountInString(f[:best])
	rest := s
	for i := 0; i < n && rest != ""; i++ {
		_, size := utf8.DecodeRuneInString(rest)
		rest = rest[size:]
	}
	rest = strings.TrimLeft(rest, " \t")
	for _, w := range []string{"de ", "del ", "of ", "d'"} {
		rest = strings.TrimPrefix(rest, w)
	}
	if trimSpace(rest) == "" {
		return s
	}
	return trimSpace(rest)
}

// dropSalutation drops the first line of a text when it is a salutation: a short line
// that opens with a greeting ("Dear organisers,", «Уважаемые коллеги!», «尊敬的各位»),
// asks nothing, ends there, and has more text after it.
func (v *vocabulary) dropSalutation(text string) string {
	trimmed := strings.TrimLeft(text, " \t\r\n")
	line, rest, ok := strings.Cut(trimmed, "\n")
	if !ok || trimSpace(rest) == "" || utf8.RuneCountInString(line) > 60 || strings.ContainsAny(line, "?？؟") {
		return text
	}
	// "你好，請問…": a greeting that runs into the message is kept.
	if end, _ := utf8.DecodeLastRuneInString(trimSpace(line)); !strings.ContainsRune(",:!،，：！", end) && utf8.RuneCountInString(line) > 25 {
		return text
	}
	folded := foldText(trimSpace(line))
	for _, g := range v.greetings {
		if !strings.HasPrefix(folded, g.folded) {
			continue
		}
		next, _ := utf8.DecodeRuneInString(folded[len(g.folded):])
		first, _ := utf8.DecodeRuneInString(g.folded)
		if len(folded) == len(g.folded) || !unicode.IsLetter(next) || strings.HasSuffix(g.words[len(g.words)-1], "*") || anywhereRune(first) {
			return rest
		}
	}
	return text
}

// sentenceSubject finds a sentence of text that opens with an organisation: an
// organisation word among its first five words ("Новосибирский государственный
// университет хотел бы…", "La Universidad de Cuenca propone…"). It returns the type and
// the words up to that organisation word.
func (v *vocabulary) sentenceSubject(text string, lt lineTerms) (string, string) {
	sentences := strings.FieldsFunc(v.unwrap(text), func(r rune) bool { return strings.ContainsRune(".!?\n。！？؟", r) })
	for _, sentence := range sentences {
		words := strings.Fields(sentence)
		if len(words) < 4 {
			continue
		}
		first := foldText(words[0])
		if isListItem(sentence) || isAnyOf(first, "our", "my", "this", "notre", "nos", "mon", "ma", "nuestra",
			"nuestro", "nuestros", "mi", "наш", "наша", "наше", "мой", "моя", "этот", "эта") {
			continue // a signature line, not a sentence; "Our university" names nobody
		}
		if words[1] == "في" && isAnyOf(words[0], "نحن", "نرغب", "نود") {
			// «نرغب في بلدية إربد الكبرى في معرفة…» (we, at Greater Irbid Municipality,
			// would like to know): the body the writers are at.
			if name := arabicNameOfWords(words[2:]); name != "" {
				if typ := arabicHeadType(name); typ != "" {
					return typ, name
				}
			}
			continue
		}
		if isAnyOf(first, "we", "nous", "somos", "мы", "نحن", "نرغب", "نود", "a", "à", "al", "to", "для", "إلى", "الى") {
			// "Somos una asociación civil sin fines de lucro…", "We are a network of…": the
			// writers describe what they are, they name nothing; "A la Secretaría del Foro
			// CMSI:", "To the WSIS Secretariat": the body addressed, not the sender.
			continue
		}
		if c, _ := v.jobTitles.countIn(lt.get(words[0])); c > 0 {
			continue // a title ("Head of Regulatory Affairs"), not a sentence's subject
		}
		verbFirst := arabicOpeningVerbs[words[0]]
		if verbFirst {
			// «تهدي البعثة الدائمة للمملكة المغربية … أطيب تحياتها»: an Arabic sentence opens
			// with its verb, the body that acts comes after it, named up to the verb's object.
			words = words[1:]
		}
		for n := 1; n <= min(5, len(words)-1); n++ {
			head := strings.Join(words[:n], " ")
			ft := lt.get(head)
			if n > 1 && legalForm(head) != "" {
				// A company's legal form as written opens the sentence: «ПАО «…» направляет».
				return store.StakeholderPrivateSector, strings.Trim(head, " ,;:«»\"")
			}
			if c, _ := v.ngoForms.countIn(ft); c > 0 {
				// «Региональная общественная организация …», "Une organisation non
				// gouvernementale …": a form only civil society takes.
				return store.StakeholderCivilSociety, strings.Trim(head, " ,;:«»\"")
			}
			for _, st := range v.stakeholders {
				if st.typ == store.StakeholderPrivateSector || st.typ == store.StakeholderCivilSociety {
					continue // "company", "network", "foundation" open too many sentences
				}
				if c, _ := v.typeWords(st, head, ft); c > 0 {
					if verbBefore(words[:n-1]) {
						// "Concrete cases would help regulators": the body is the object of
						// a verb, not the sentence's subject.
						break
					}
					// The name goes on while its words are capitalised: «Исполнительный
					// комитет Содружества Независимых Государств направляет».
					// A particle between two capitalised words belongs to the name: "Universidad
					// Nacional de Rosario".
					for n < len(words)-1 {
						if startsUpper(words[n]) {
							head += " " + words[n]
							n++
							continue
						}
						if n+1 < len(words)-1 && startsUpper(words[n+1]) && isAnyOf(foldText(words[n]), "de", "del", "of", "du", "des", "la", "for", "y", "et", "and", "d'") {
							head += " " + words[n] + " " + words[n+1]
							n += 2
							continue
						}
						break
					}
					if k := romanceVerbAfter(words, n); k > n {
						// «Le Ministère de la Transition numérique et des Postes … a
						// l'honneur»: the name goes on, its adjectives in small letters, up
						// to the verb; the article is not the name's.
						head = strings.Join(words[1:k], " ")
					} else if k := russianVerbAfter(words, n); k > n {
						// «Министерство по развитию … Республики Узбекистан подает заявку»: a
						// Russian name goes on in the genitive up to the verb.
						head = strings.Join(words[:k], " ")
					} else if k := russianPhraseEnd(words, n); k > n {
						// «Министерство цифрового развития, инноваций и …» broken over lines:
						// the name's first phrase, up to its comma.
						head = strings.Join(words[:k], " ")
					}
					if name := arabicNameOfWords(words); verbFirst && len(name) > len(head) {
						head = name
					}
					return st.typ, strings.Trim(head, " ,;:«»\"")
				}
			}
		}
	}
	return "", ""
}

// sessionDetailLengthRE finds a session's length: "90-minute", "60 minutes", "1h30",
// «60 минут», «90分钟», «90 دقيقة», or a field that gives it («Durée :», «Продолжительность»).
var sessionDetailLengthRE = regexp.MustCompile(`(?i)\b\d{2,3}\s?-?\s?(?:min\b|mins\b|minute|minuto|минут|分钟|分鐘)|\b\d{2,3}\s?دقيقة|\b[1-3]\s?h\s?[0-5]0\b|(?:\b(?:duration|duree|duracion)|продолжительность)\s*:|时长|時長|مدة الجلسة|مدة الورشة`)

// sessionLengthWords are the words of which sessionDetailLengthRE needs one, folded
// text being lower case, besides a digit 1-3 before "h".
var sessionLengthWords = []string{"min", "минут", "分钟", "分鐘", "دقيقة", "duration", "duree", "duracion",
	"продолжительность", "时长", "時長", "مدة"}

// hourMark is where a length in hours that starts at s[i] ends ("2h", "1 h": a digit 1-3,
// up to two spaces, an h), past its h; -1 when none starts there.
func hourMark(s string, i int) int {
	if s[i] < '1' || s[i] > '3' {
		return -1
	}
	j := i + 1
	for j < len(s) && j <= i+2 && strings.IndexByte(" \t\n\f\r", s[j]) >= 0 {
		j++
	}
	if j < len(s) && (s[j] == 'h' || s[j] == 'H') {
		return j + 1
	}
	return -1
}

// mayGiveLength reports whether s could match sessionDetailLengthRE: most texts have
// none of its words, and the expression, run on a whole message, costs more than the
// rest of the kind's evidence together.
func mayGiveLength(s string) bool {
	for _, w := range sessionLengthWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	for i := 0; i < len(s); i++ {
		if hourMark(s, i) >= 0 {
			return true
		}
	}
	return false
}

// findSessionLength is sessionDetailLengthRE.FindString(s) on a folded text s that
// mayGiveLength lets through (and "" on one it refuses), the expression run only on small
// windows around the words it needs, not on the whole message. Every match holds one of
// those words and reaches at most sessionLengthReach bytes past it (spaces before a
// field's colon aside); a window starts after a byte that is no ASCII word byte and ends
// before one, so "\b" reads the same in the window as in the whole text; and windows
// that overlap are joined, so the first window's first match is the text's first.
func findSessionLength(s string) string {
	var windows [][2]int
	add := func(start, end int) {
		lo := start
		for lo > 0 && !utf8.RuneStart(s[lo]) {
			lo--
		}
		for lo > 0 && isASCIIWordByte(s[lo-1]) {
			lo--
		}
		hi := min(end+sessionLengthReach, len(s))
		for hi < len(s) && !utf8.RuneStart(s[hi]) {
			hi++
		}
		for hi < len(s) && (isASCIIWordByte(s[hi]) || strings.IndexByte(" \t\n\f\r", s[hi]) >= 0) {
			hi++
		}
		if hi < len(s) {
			_, size := utf8.DecodeRuneInString(s[hi:])
			hi += size
		}
		windows = append(windows, [2]int{lo, hi})
	}
	for k, w := range sessionLengthWords {
		for at := 0; ; {
			i := strings.Index(s[at:], w)
			if i < 0 {
				break
			}
			i += at
			at = i + len(w)
			if k < sessionLengthCounted && !hasASCIIDigit(s[max(i-sessionLengthLead, 0):i]) {
				// a count of minutes has its number at most sessionLengthLead bytes before
				continue
			}
			add(max(i-sessionLengthLead, 0), at)
		}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '1' || c > '3' {
			continue // no hour mark starts here (see hourMark)
		}
		if end := hourMark(s, i); end >= 0 {
			add(i, end)
		}
	}
	if len(windows) == 0 {
		return ""
	}
	slices.SortFunc(windows, func(a, b [2]int) int { return cmp.Compare(a[0], b[0]) })
	cur := windows[0]
	for k := 1; k <= len(windows); k++ {
		if k < len(windows) && windows[k][0] <= cur[1] {
			cur[1] = max(cur[1], windows[k][1])
			continue
		}
		if loc := sessionDetailLengthRE.FindStringIndex(s[cur[0]:cur[1]]); loc != nil {
			return s[cur[0]+loc[0] : cur[0]+loc[1]]
		}
		if k < len(windows) {
			cur = windows[k]
		}
	}
	return ""
}

const (
	// sessionLengthCounted: the first sessionLengthCounted of sessionLengthWords are
	// units counted by a number, «\d{2,3}\s?-?\s?» at most sessionLengthLead bytes
	// before them.
	sessionLengthCounted = 5
	sessionLengthLead    = 6
	// sessionLengthReach is more than any match goes on past its word: "ute" of
	// "minute", " الجلسة" after «مدة», "h 30" after a digit.
	sessionLengthReach = 40
)

// isASCIIWordByte reports whether b is a byte "\b" counts as a word's: [0-9A-Za-z_].
func isASCIIWordByte(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_'
}

// hasASCIIDigit reports whether s holds a digit 0-9.
func hasASCIIDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}

// sessionDetails counts the details of a session of one's own a folded text gives: its
// length, and who speaks in it; and says which.
func (v *vocabulary) sessionDetails(ft foldedText) (int, string) {
	n, why := 0, []string{}
	if m := findSessionLength(ft.s); m != "" {
		n++
		why = append(why, quoteReason(trimSpace(m)))
	}
	if c, t := v.speakers.countIn(ft); c > 0 {
		n++
		why = append(why, quoteReason(t))
	}
	return n, strings.Join(why, ", ")
}

// ownHolding counts the words of holding in a message (subject fs, folded body) outside
// the sentences that have the Forum hold something or ask whether one may: "We believe
// the Forum should organise a session on AI ethics", "Quisiéramos saber si es posible
// presentar una propuesta de taller" ask to hold nothing of the writer's own.
func (v *vocabulary) ownHolding(fs, all foldedText, body string) (int, string) {
	n, t := v.holding.countIn(all)
	hosts, _ := v.forumAsHost.countIn(all)
	knowing, _ := v.wantingToKnow.countIn(all)
	if n == 0 || hosts == 0 && knowing == 0 {
		return n, t
	}
	var kept strings.Builder
	kept.WriteString(fs.s)
	for _, sentence := range strings.FieldsFunc(body, func(r rune) bool { return strings.ContainsRune(".!?\n。！？؟;；", r) }) {
		ft := v.newFoldedTextIn(sentence, all.slab)
		if h, _ := v.forumAsHost.countIn(ft); h > 0 {
			continue
		}
		if k, _ := v.wantingToKnow.countIn(ft); k > 0 {
			continue
		}
		kept.WriteByte('\n')
		kept.WriteString(sentence)
	}
	return v.holding.countIn(v.newFoldedTextIn(kept.String(), all.slab))
}

// verbBefore reports whether the words before an organisation's word in a sentence
// hold a small-letter Latin word that belongs to no name: "cases would help" before
// "regulators" is a clause, "Universidad Nacional de" or "The national" a name's
// beginning. Cyrillic names keep their small-letter adjectives («государственный
// университет»), Arabic and Chinese have no capitals: only Latin words count.
func verbBefore(words []string) bool {
	if len(words) == 0 {
		return false
	}
	if f := foldText(words[0]); firstPersons[f] || strings.HasPrefix(f, "j'") || strings.HasPrefix(f, "j’") {
		// "Je travaille à l'Agence…", "We are a national regulator": the writer speaks
		// of their own body.
		return false
	}
	lower := 0
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.Is(unicode.Latin, r) || !unicode.IsLower(r) {
			continue
		}
		if namePrepositions[foldText(strings.Trim(w, ",;:«»\"'()"))] {
			continue
		}
		lower++
	}
	return lower >= 2
}

// firstPersons are the pronouns a writer speaks of themselves with, folded.
var firstPersons = wordSet(`i we je nous yo nosotros nosotras`)

// namePrepositions are the small words inside an organisation's name ("of", «de la»)
// and the adjectives of its kind ("national", "nationale").
var namePrepositions = wordSet(`of for and the on in de del des du la le les l' d' et y e da do dos das der für und
national nationale nacional regional régional international internationale internacional federal fédéral fédérale
public publique público pública state général générale general`)

// russianVerbAfter returns the index of the verb that follows a Russian name in words,
// looked for from n among a dozen words of Cyrillic or capitalised letters, or -1.
// A verb ends in -ет, -ит, -ют, -ят, -ал, -ил, -ел («хотел бы»)…; the nouns «комитет»,
// «совет», «бюджет», «отдел» do not count.
// russianPhraseEnd returns the end of the lower-case Cyrillic words after words[n] up to
// and with the first one a comma ends (at most four), or -1 when none ends with one.
// behalfPhrases say for whom one writes: the name follows.
var behalfPhrases = []string{"on behalf of the ", "on behalf of ", "au nom de la ", "au nom du ", "au nom de l'", "au nom des ",
	"en nombre de la ", "en nombre del ", "en representación de la ", "en representación del "}

// onBehalfOf is the organisation a writer speaks for ("I write on behalf of the Select
// Committee on Communications, Parliament of Ghana"): the capitalised words after the
// phrase, and of two names apart by a comma the second, the body the first belongs
// to, unless it is a state ("…, Republic of Ghana"); or "".
func onBehalfOf(text string) string {
	if org := onBehalfOfNonLatin(text); org != "" {
		return org
	}
	lower := strings.ToLower(text)
	for _, ph := range behalfPhrases {
		i := strings.Index(lower, ph)
		if i < 0 {
			continue
		}
		rest := text[i+len(ph):]
		if end := strings.IndexAny(rest, ".;:\n"); end >= 0 {
			rest = rest[:end]
		}
		var names []string
		for _, seg := range strings.SplitN(rest, ",", 3)[:min(2, strings.Count(rest, ",")+1)] {
			name := capitalisedName(strings.Fields(seg))
			if name == "" {
				break
			}
			names = append(names, name)
		}
		switch {
		case len(names) == 2 && !slices.ContainsFunc(foldedStateForms, func(sf string) bool {
			return strings.HasPrefix(foldText(names[1]), sf)
		}):
			return names[1]
		case len(names) > 0:
			return names[0]
		}
	}
	return ""
}

// capitalisedName is the name words open with when they are capitalised, with the
// particles between them ("Parliament of Ghana"), whole or not at all: "".
func capitalisedName(words []string) string {
	if len(words) < 2 || len(words) > 10 || !startsUpper(words[0]) {
		return ""
	}
	for i, w := range words {
		if !startsUpper(w) && !(i > 0 && i < len(words)-1 && isAnyOf(strings.ToLower(w), "of", "for", "on", "and", "in", "de", "du", "des", "la", "del", "y", "et")) &&
			!elidedName(w) && !(i > 0 && (startsUpper(words[i-1]) || elidedName(words[i-1])) && nameAdjective(w)) {
			return ""
		}
	}
	return strings.Join(words, " ")
}

// elidedName reports whether w is a capitalised word after an elided French article
// or particle: "l'Economie", "d'Ivoire".
func elidedName(w string) bool {
	for _, p := range []string{"l'", "d'", "l’", "d’"} {
		if rest, ok := strings.CutPrefix(w, p); ok {
			return startsUpper(rest)
		}
	}
	return false
}

// nameAdjective reports whether w, in lower case after a capitalised noun, is an
// adjective of a French or Spanish name: "Economie numérique", "Desarrollo digital".
func nameAdjective(w string) bool {
	for _, end := range []string{"ique", "iques", "ico", "ica", "icos", "icas", "al", "ale", "ales", "aux", "el", "elle", "aire", "ario", "aria"} {
		if strings.HasSuffix(w, end) && utf8.RuneCountInString(w) > len(end)+2 {
			return true
		}
	}
	return false
}

// unwrap joins the lines of a text wrapped inside a sentence: a long line that ends
// with no sentence punctuation goes on in the next one, up to the closing ("С
// уважением,"): the signature's lines stay apart.
func (v *vocabulary) unwrap(text string) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	closed := false
	for i, line := range lines {
		b.WriteString(line)
		if i == len(lines)-1 {
			break
		}
		closed = closed || v.closings.openingOf(foldText(trimSpace(line))) != ""
		next := trimSpace(lines[i+1])
		if !closed && utf8.RuneCountInString(line) >= 60 && !endsSentence(line) && next != "" && !isListItem(next) {
			b.WriteByte(' ')
		} else {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func russianPhraseEnd(words []string, n int) int {
	for k := n; k < min(len(words), n+4); k++ {
		if !isCyrillic(words[k]) || startsUpper(words[k]) {
			return -1
		}
		if strings.HasSuffix(words[k], ",") {
			return k + 1
		}
	}
	return -1
}

// romanceVerbAfter is the index of the verb a French or Spanish name runs to after
// words[:n], an article opening the sentence («Le Ministère de la Transition numérique et
// des Postes … a l'honneur de transmettre», "El Ministerio de Tecnologías de la
// Información y las Comunicaciones presenta"), or -1: the name has lower-case words of
// its own that a capital cannot follow.
func romanceVerbAfter(words []string, n int) int {
	if n >= len(words) || !isAnyOf(strings.ToLower(words[0]), "le", "la", "el") {
		return -1
	}
	for k := n; k < min(len(words), n+14); k++ {
		if strings.ContainsAny(words[k], ",;:()") {
			return -1
		}
		if isAnyOf(strings.ToLower(words[k]), "a", "souhaite", "souhaiterait", "propose", "soumet", "transmet",
			"présente", "est", "ha", "desea", "desearía", "propone", "presenta", "somete", "remite", "tiene") {
			return k
		}
	}
	return -1
}

func russianVerbAfter(words []string, n int) int {
	if n >= len(words) || !isCyrillic(words[n]) {
		return -1
	}
	for k := n; k < min(len(words)-1, n+12); k++ {
		w := strings.ToLower(strings.Trim(words[k], ",;:«»\""))
		if strings.HasSuffix(words[k], ",") && slices.Contains(words[k+1:min(len(words), k+4)], "и") {
			// «Министерство цифрового развития, инноваций и … промышленности»: a list
			// inside the name.
			continue
		}
		if strings.ContainsAny(words[k], ",;:") || !isCyrillic(w) && !startsUpper(words[k]) {
			return -1
		}
		if utf8.RuneCountInString(w) < 4 || startsUpper(words[k]) {
			continue
		}
		for _, end := range []string{"ет", "ит", "ют", "ят", "ут", "ал", "ала", "али", "ил", "ила", "или", "ся",
			"ел", "ела", "ело", "ели"} {
			if strings.HasSuffix(w, end) && !strings.HasSuffix(w, "тет") && !strings.HasSuffix(w, "вет") &&
				!strings.HasSuffix(w, "жет") && !strings.HasSuffix(w, "кет") && !strings.HasSuffix(strings.TrimSuffix(w, "а"), "дел") {
				return k
			}
		}
	}
	return -1
}

func isCyrillic(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "«\"("))
	return unicode.Is(unicode.Cyrillic, r)
}

// trailingInitialsRE cuts a name from the initials in brackets after it.
var trailingInitialsRE = regexp.MustCompile(`^(.+?)\s*\(([A-ZА-Я][A-Za-zА-Яа-я0-9&-]{1,11})\)$`)

// lastSignatureName is the last line of a signature, the address under it aside, when
// it may be the name of an organisation: short, one part (no commas or bars), not a sentence, no address,
// number or job title, not a closing, and sharing no word with the sender's name.
func (v *vocabulary) lastSignatureName(sig []string, sender string, lt lineTerms) string {
	for len(sig) > 0 && lt.isAddressLine(sig[len(sig)-1]) {
		sig = sig[:len(sig)-1] // the address under the name
	}
	if len(sig) < 2 {
		return ""
	}
	whole := trimSpace(sig[len(sig)-1])
	line := whole
	var m []string
	if strings.HasSuffix(line, ")") { // trailingInitialsRE matches no other line
		m = trailingInitialsRE.FindStringSubmatch(line)
	}
	if m != nil && strings.HasPrefix(initials(m[1]), foldText(m[2])[:1]) {
		// "Cámara Argentina de Internet (CABASE)": a name and its initials.
		line = trimSpace(m[1])
	}
	n := utf8.RuneCountInString(line)
	if n < 3 || n > 60 || endsSentence(line) || isListItem(line) || len(lineSegments(line)) != 1 ||
		strings.ContainsAny(line, "@:/0123456789+()") {
		return ""
	}
	// In a script with capitals, a name of two words or more, each long word capitalised
	// ("Redes Comunitárias", «Исполнительный комитет СНГ» aside, one lower-case word is
	// allowed): "Unsubscribe" or a line of a bounce is no organisation.
	words := strings.Fields(line)
	cased, lower := false, 0
	for _, w := range words {
		// An initial ("K. Adeyemi") or an honorific ("Prof.", "Dr", "Mme") makes a person.
		if bare := strings.TrimSuffix(w, "."); utf8.RuneCountInString(bare) == 1 && bare != w ||
			isAnyOf(foldText(bare), "prof", "professor", "dr", "mr", "mrs", "ms", "mme", "mlle", "sr", "sra", "dra", "ing", "lic", "д-р") {
			return ""
		}
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) || unicode.IsLower(r) {
			cased = true
		}
		if unicode.IsLower(r) && utf8.RuneCountInString(w) > 3 {
			lower++
		}
	}
	if cased && (len(words) < 2 || lower > 1) {
		return ""
	}
	ft := lt.get(line)
	if c, _ := v.jobTitles.countIn(ft); c > 0 {
		return ""
	}
	if c, _ := v.closings.countIn(ft); c > 0 {
		return ""
	}
	folded := " " + foldText(line) + " "
	for _, w := range strings.Fields(foldText(sender)) {
		if utf8.RuneCountInString(w) >= 2 && (strings.Contains(folded, " "+w+" ") || strings.Contains(folded, w) && !isASCII(w)) {
			return ""
		}
	}
	return whole
}

// initialSeps separate the words initials reads: all but letters and apostrophes.
var initialSeps = newTokenSeps(func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' })

// initials are the first letters, folded, of the words of a name that are not
// articles or prepositions: "arcep" for "Autorité de régulation des communications
// électroniques et des postes".
func initials(name string) string {
	var b strings.Builder
	for rest := foldText(name); ; {
		w, _ := nextTokenIn(&rest, initialSeps) // as strings.FieldsFunc cuts them
		if w == "" {
			break
		}
		if i := strings.LastIndexByte(w, '\''); i >= 0 {
			w = w[i+1:]
		}
		if w == "" || isAnyOf(w, "de", "des", "du", "la", "le", "les", "et", "of", "the", "and", "for", "del", "y", "el", "los", "las", "en", "pour", "para", "и", "по", "в", "на") {
			continue
		}
		r, _ := utf8.DecodeRuneInString(w)
		b.WriteRune(r)
	}
	return b.String()
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// typeWords is countTypeWords, worked out once per part and type when ft is the
// part's in a lineTerms.
func (v *vocabulary) typeWords(st stakeholderTerms, part string, ft foldedText) (int, string) {
	m := ft.memo
	if m == nil || m.line != part {
		return v.countTypeWords(st, part, ft)
	}
	for _, f := range m.types {
		if f.typ == st.typ {
			return f.n, f.term
		}
	}
	n, term := v.countTypeWords(st, part, ft)
	m.types = append(m.types, typeWordsFound{st.typ, n, term})
	return n, term
}

// countTypeWords counts the organisation words of a stakeholder type in a part of a line
// (part, folded as ft), and names the first: the distinct words of the type's list, and
// the shape of a name the lists cannot hold — a company's legal form as it is written
// ("Geneva Expo Solutions SA", "PT Telkom", «ООО "ЛингваПро"») and a region with the
// body of an intergovernmental organisation ("Asian Infrastructure Investment Bank",
// «Евразийский банк развития», "亚洲基础设施投资银行").
func (v *vocabulary) countTypeWords(st stakeholderTerms, part string, ft foldedText) (int, string) {
	if st.typ == store.StakeholderGovernment || st.typ == store.StakeholderInternationalO {
		if m := missionName(part, ft.s); m != "" {
			// "中国常驻联合国日内瓦办事处和瑞士其他国际组织代表团", «Постоянное представительство … при
			// Отделении ООН»: a state's mission to the United Nations, not a body of it.
			if st.typ == store.StakeholderGovernment {
				return 2, m
			}
			return 0, ""
		}
	}
	n, term := st.terms.distinctIn(ft)
	if n == 0 && arabicHeadType(part) == st.typ {
		// «اتصالات المغرب»: the noun an Arabic name opens with says what it is.
		n, term = 1, strings.Fields(part)[0]
	}
	switch st.typ {
	case store.StakeholderPrivateSector:
		if f := legalForm(part); f != "" {
			if n == 0 {
				term = f
			}
			n++
		} else if f := consultancyName(part); f != "" {
			if n == 0 {
				term = f
			}
			n++
		}
	case store.StakeholderCivilSociety:
		if c, _ := v.internetSociety.countIn(ft); c > 0 {
			// «جمعية الإنترنت - فرع تونس»: the society is the Internet Society's chapter, of
			// the technical community, whatever its word of an association says.
			return 0, ""
		}
		if f := civilForm(part); f != "" {
			if n == 0 {
				term = f
			}
			n++
		}
	case store.StakeholderInternationalO:
		if n == 0 && hasToken(part, "UN") {
			// "UN Office at Geneva", "UN DESA": in capitals, no article "un".
			return 1, "UN"
		}
		r, rt := v.regions.countIn(ft)
		b, _ := v.regionalBodies.countIn(ft)
		p, _ := v.peoplesBodies.countIn(ft)
		if r > 0 && b > 0 && p == 0 {
			if n == 0 {
				term = rt
			}
			n++
		} else if p == 0 && v.regionalCooperation(part, ft) {
			if n == 0 {
				term = rt
			}
			n++
		}
	}
	return n, term
}

// regionalCooperation reports whether a part of a line names a region's body of
// cooperation ("Indian Ocean Digital Cooperation Commission", «Евразийский центр
// цифрового сотрудничества», "亚洲数字合作中心"): a region of the world, not the world
// itself, and cooperation, in no government body's name (the "Ministry of Foreign
// Affairs and African Cooperation" is a government's) and no cooperative's ("合作社").
func (v *vocabulary) regionalCooperation(part string, ft foldedText) bool {
	if c, _ := v.cooperation.countIn(ft); c == 0 {
		return false
	}
	if r, _ := v.cooperationRegions.countIn(ft); r == 0 {
		return false
	}
	g, _ := v.governmentBodies.countIn(ft)
	if st, _ := v.studies.countIn(ft); g > 0 || st > 0 || strings.Contains(part, "合作社") {
		return false
	}
	// "African Cooperation Foundation", "Asociación Latinoamericana de Cooperación",
	// "Centre for African Studies and Cooperation, University of …": a body of another
	// type that works for a region's cooperation.
	for _, st := range v.stakeholders {
		if st.typ == store.StakeholderInternationalO {
			continue
		}
		if n, _ := st.terms.distinctIn(ft); n > 0 {
			return false
		}
	}
	return legalForm(part) == "" && civilForm(part) == "" && arabicHeadType(part) == "" && !opensWithNetwork(part)
}

// consultancyName returns the word a consultancy's name ends with, as written
// ("Tactis Conseil", "Sahel Conseils", "Andes Consultores"), or "": in a name of two
// words or more that does not open with it, so that "Conseil régional" stays a council.
func consultancyName(part string) string {
	first, last, ok := firstAndLastWords(strings.Trim(part, " \t,;.()"))
	if !ok {
		return ""
	}
	if isAnyOf(last, "Conseil", "Conseils", "Consultores", "Consultants", "Consulting", "Consultoría", "Consultoria", "Advisory") &&
		startsUpper(first) && !isAnyOf(first, "Conseil", "Consejo") {
		return last
	}
	return ""
}

// firstAndLastWords returns the first and the last of the words of s (as strings.Fields
// cuts them) when it has two or more.
func firstAndLastWords(s string) (string, string, bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return "", "", false
	}
	j := strings.LastIndexFunc(s, unicode.IsSpace)
	_, size := utf8.DecodeRuneInString(s[j:])
	return s[:i], s[j+size:], true
}

// legalFormWords are companies' legal forms as they are written, matched with their
// case: in lower case, "sa", "as", "ag" or "se" are words of every text. The forms
// written first ("PT Telkom", «АО "…"») are in legalFormFirst.
var (
	legalFormWords = wordSet(`SA S.A. S.A AG SL S.L. SAS S.A.S. SARL Sàrl S.à.r.l. SRL S.R.L. Srl S.r.l. SpA S.p.A.
	BV B.V. NV N.V. AB Oy Oyj ASA A/S ApS GmbH Ltd Ltd. Ltda Ltda. LLC L.L.C. LLP Inc Inc. Corp Corp. Co. PLC plc
	Pty Tbk Bhd K.K. Lda Lda. OÜ OU UAB SIA SAC S.A.C. EIRL E.I.R.L. C.A. C.V. KG KGaA JSC PJSC OJSC CJSC s.r.o. a.s. d.o.o. Kft. Zrt.
	SPA SAU S.A.U. EURL SASU S.A.S.U. SNC S.A.E. SAE SAOG SAOC QSC Q.S.C. W.L.L. WLL KSC K.S.C. BSC B.S.C. PJSC. SAL S.A.L.`)
	legalFormFirst = wordSet(`PT ООО АО ПАО ЗАО ОАО ТОО`)
	// legalFormKeys holds the wordKeys of both: most words of a name are looked up in neither.
	legalFormKeys = keysOf(legalFormWords, legalFormFirst)
)

// companyInText returns the company a text names with its legal form, when the sender
// writes from a personal address: "une petite entreprise (Sahel Connect SARL)", "desde
// Patagonia Sistemas SRL (Neuquén)", «компания из Новосибирска (ООО «Сибирские облачные
// решения»)». The name is the capitalised words before a form written last, or the
// quoted name after a form written first; "" when none.
func companyInText(text string) string {
	if name := chineseCompanyInText(text); name != "" {
		return name
	}
	if name := arabicCompanyInText(text); name != "" {
		return name
	}
	words := strings.Fields(text)
	if name := startupInText(words); name != "" {
		return name
	}
	for i, w := range words {
		core := strings.Trim(w, ",;:()[]!?")
		if c := strings.TrimRight(core, ".)"); !legalFormWords[core] && (legalFormWords[c] || legalFormWords[c+"."]) {
			core = c
		}
		switch {
		case legalFormFirst[core] && core != "PT" && i+1 < len(words) && strings.IndexAny(words[i+1], "«\"“") == 0:
			// ООО «…»: up to the closing quote.
			name := []string{core}
			for _, n := range words[i+1 : min(len(words), i+9)] {
				name = append(name, n)
				if strings.ContainsAny(strings.TrimLeft(n, "«\"“"), "»\"”") {
					return trimName(strings.TrimRight(strings.Join(name, " "), ",;:.)"))
				}
			}
		case (legalFormWords[core] || legalFormWords[strings.TrimSuffix(core, ".")]) &&
			strings.IndexFunc(core, func(r rune) bool { return r == '.' || unicode.IsLower(r) }) >= 0 || isAnyOf(core, "SARL", "SRL", "SAS", "LLC", "LLP", "PLC", "GmbH", "JSC", "SAC"):
			// Capitalised words before the form, at most five, from an opening
			// bracket or the start of a name.
			j := i
			for j > 0 && i-j < 5 {
				prev := words[j-1]
				if !startsUpper(strings.TrimLeft(prev, "(«\"“")) || strings.ContainsAny(prev, ",;:.!?)") {
					break
				}
				j--
				if strings.HasPrefix(prev, "(") {
					break
				}
			}
			if j < i && (j > 0 || i-j >= 1) {
				name := strings.Join(append(append([]string{}, words[j:i]...), core), " ")
				return trimName(strings.TrimLeft(name, "(«\"“"))
			}
		}
	}
	return ""
}

// chineseCompanyInText returns the company a Chinese text names with its form
// ("我们是杭州某某科技有限公司的团队" names 杭州某某科技有限公司): the Han characters before
// 有限公司 or 股份公司, back to a verb, a particle or punctuation; "" when none.
func chineseCompanyInText(text string) string {
	for _, form := range []string{"有限责任公司", "股份有限公司", "有限公司", "股份公司"} {
		i := strings.Index(text, form)
		if i < 0 {
			continue
		}
		start := i
		for n := 0; start > 0 && n < 20; n++ {
			r, size := utf8.DecodeLastRuneInString(text[:start])
			if !unicode.Is(unicode.Han, r) || strings.ContainsRune("是在从自的我们为于和与及由代表", r) {
				break
			}
			start -= size
		}
		if utf8.RuneCountInString(text[start:i]) >= 2 {
			return text[start : i+len(form)]
		}
	}
	return ""
}

// arabicCompanyInText returns the company an Arabic text names after the word شركة
// ("نحن شركة نبض للحلول الرقمية، شركة ناشئة" names شركة نبض للحلول الرقمية): up to five
// words, to punctuation; "" when none, or when what follows describes a company
// («شركة ناشئة», a start-up) rather than names one.
// companyNouns say what a company is, after the name they stand beside: "Kër Tech,
// une jeune startup", "Acme, a small company".
var companyNouns = wordSet(`startup start-up company firm entreprise société empresa compañía`)

// ownCompanyHeads are the possessives of the first person a writer gives their own
// organisation ("our", «наша»), ownCompanyNouns the company nouns after them (not
// "firm", "our firm commitment", nor "société", «notre société» is our society), and
// ownCompanyWords the same said in one word (我司, شركتنا).
var (
	ownCompanyHeads = wordSet(`our notre nuestra nuestro nossa наша нашей нашу наше`)
	ownCompanyNouns = wordSet(`company startup start-up entreprise empresa compañía компания компании компанию компанией`)
	ownCompanyWords = []string{"我司", "本公司", "我们公司", "我們公司", "شركتنا"}
)

// weAreCompany is the company noun a writer gives their organisation in the first
// person ("nous sommes une jeune start-up", "we are a small company", "somos una
// empresa"), or "".
func weAreCompany(text string) string {
	lower := strings.ToLower(text)
	for _, w := range ownCompanyWords {
		if strings.Contains(lower, w) {
			return w
		}
	}
	words := strings.Fields(lower)
	for i := 0; i+1 < len(words); i++ {
		if ownCompanyHeads[words[i]] {
			// "Nuestra empresa está interesada", «наша компания хотела бы»: the writer's
			// own organisation, a company (one: "nuestras empresas" are an association's).
			if w := strings.Trim(words[i+1], ",;:.!?()"); ownCompanyNouns[w] {
				return w
			}
		}
		if i+2 >= len(words) {
			break
		}
		if !(words[i] == "we" && words[i+1] == "are" || words[i] == "nous" && words[i+1] == "sommes" || words[i] == "somos") {
			continue
		}
		k := i + 2
		if words[i] == "somos" {
			k = i + 1
		}
		if k >= len(words) || !isAnyOf(words[k], "a", "an", "une", "un", "una", "un") {
			continue
		}
		for _, w := range words[k+1 : min(len(words), k+4)] {
			if w = strings.Trim(w, ",;:.!?()"); companyNouns[w] {
				return w
			}
		}
	}
	return ""
}

// startupInText is the name a text sets beside a company noun ("le fondateur de Kër
// Tech, une jeune startup sénégalaise"): the capitalised words before the comma, the
// article and at most two adjectives, or "".
func startupInText(words []string) string {
	for i, w := range words {
		if !isCompanyNoun(w) {
			continue
		}
		j := i - 1
		for j > 0 && i-j <= 2 && !isAnyOf(strings.ToLower(words[j]), "a", "an", "un", "une", "una") && !startsUpper(words[j]) &&
			!strings.HasSuffix(words[j], ",") {
			j-- // "jeune", "small"
		}
		if j <= 0 || !isAnyOf(strings.ToLower(words[j]), "a", "an", "un", "une", "una") || !strings.HasSuffix(words[j-1], ",") {
			continue
		}
		var name []string
		for k := j - 1; k >= 0 && len(name) < 4; k-- {
			core := strings.TrimRight(words[k], ",")
			if !startsUpper(core) || k < j-1 && core != words[k] {
				break
			}
			name = append([]string{core}, name...)
		}
		if len(name) > 0 && !(len(name) == 1 && len([]rune(name[0])) < 3) {
			return strings.Join(name, " ")
		}
	}
	return ""
}

// isCompanyNoun reports whether a word, its punctuation trimmed, is one of companyNouns
// in any case. Lower case keeps a word's runes one for one, so a word whose first rune
// opens none of them, or with more or fewer runes than they have, is not lowered and
// looked up.
func isCompanyNoun(w string) bool {
	w = strings.Trim(w, ",;:.!?")
	if first, _ := utf8.DecodeRuneInString(w); !strings.ContainsRune("scfe", unicode.ToLower(first)) {
		return false
	}
	if n := utf8.RuneCountInString(w); n < 4 || n > 10 {
		return false
	}
	return companyNouns[strings.ToLower(w)]
}

// mayNameStartup reports whether a text has a word startupInText looks for: without
// one, it names nothing, and the text need not be cut into words.
// mayNameStartupIn is mayNameStartup(text) for a text of lt, whose folded text (see
// foldText) holds a company's noun folded wherever text holds one: most texts name
// none, and are not read word by word.
func mayNameStartupIn(text string, lt lineTerms) bool {
	folded := lt.fold(text)
	if !slices.ContainsFunc(foldedCompanyNouns, func(n string) bool { return strings.Contains(folded, n) }) {
		return false
	}
	return mayNameStartup(text)
}

// foldedCompanyNouns are the companyNouns folded.
var foldedCompanyNouns = func() []string {
	var out []string
	for n := range companyNouns {
		out = append(out, foldText(n))
	}
	return out
}()

func mayNameStartup(text string) bool {
	for rest := text; ; {
		w, _ := nextTokenIn(&rest, spaceSeps) // the words of strings.Fields
		if w == "" {
			return false
		}
		if isCompanyNoun(w) {
			return true
		}
	}
}

func arabicCompanyInText(text string) string {
	words := strings.Fields(text)
	for i, w := range words {
		// «لشركة "باي نايل"»: "for the company" too.
		if w != "شركة" && w != "لشركة" && w != "بشركة" && w != "وشركة" || i+1 == len(words) {
			continue
		}
		var name []string
		quoted := strings.ContainsAny(words[i+1][:1], "\"«“")
		for _, n := range words[i+1 : min(len(words), i+6)] {
			core := strings.TrimRight(n, "،,.:;!؟?)")
			if quoted {
				// A name in quotes is the name, up to the closing quote.
				bare := strings.Trim(core, "\"«»“”")
				if bare != "" {
					name = append(name, bare)
				}
				if strings.ContainsAny(strings.TrimLeft(core, "\"«“"), "\"»”") || core != n {
					break
				}
				continue
			}
			if core != "" && !strings.ContainsAny(core, "(\"«") {
				name = append(name, core)
			}
			if core != n || core == "" {
				break
			}
		}
		if len(name) == 0 || arabicCompanyWords[name[0]] {
			continue
		}
		return "شركة " + strings.Join(name, " ")
	}
	return ""
}

// arabicCompanyWords are the words after شركة that describe a company, not name it.
var arabicCompanyWords = wordSet(`ناشئة صغيرة كبيرة متوسطة خاصة عامة تعمل متخصصة رائدة محلية عالمية وطنية
	أن التي الذي في من هي واحدة`)

// civilFormWords are the legal forms of associations and foundations as they are
// written ("ASBL", "e.V.", "A.C."); civilFormFirst the ones written first («ОФ "…"»,
// «АНО …», «РОО …»).
var (
	civilFormWords = wordSet(`ASBL asbl A.S.B.L. a.s.b.l. e.V. gGmbH A.C. NPO NGO ONG ONGD OSC OSBL IAP I.A.P. NPC`)
	civilFormFirst = wordSet(`ОФ ОО ОБФ БФ РОО МОО МОФ АНО НКО НП ОЮЛ ОД ЧУ`)
	// civilFormKeys holds the wordKeys of both: most words of a name are looked up in neither.
	civilFormKeys = keysOf(civilFormWords, civilFormFirst)
)

// keysOf is a wordFilter of the words of sets.
func keysOf(sets ...map[string]bool) (f wordFilter) {
	for _, set := range sets {
		for w := range set {
			f.add(w)
		}
	}
	return f
}

// addressSep reports whether r separates the words isFoldedAddressLine reads: a space,
// a comma, a semicolon, a parenthesis.
func addressSep(r rune) bool {
	switch r {
	case ',', ';', '(', ')':
		return true
	}
	return unicode.IsSpace(r)
}

// nameSep reports whether r separates the words of a name in which civilForm and
// legalForm look for a form: a space, punctuation, quotes.
func nameSep(r rune) bool {
	switch r {
	case ',', ';', ':', '(', ')', '"', '«', '»', '“', '”', '„':
		return true
	}
	return unicode.IsSpace(r)
}

// civilForm returns the legal form of an association a name carries, as written, or "".
func civilForm(part string) string {
	for i, rest := 0, part; ; i++ {
		tok, more := nextTokenIn(&rest, nameSeps)
		switch {
		case tok == "":
			return ""
		case !civilFormKeys.has(tok):
			// no form: most words of a name
		case i == 0 && civilFormFirst[tok], civilFormWords[tok]:
			return tok
		}
		if !more {
			return ""
		}
	}
}

// legalForm returns the legal form of a company that a name carries, as written, or "".
func legalForm(part string) string {
	first, rest, found := "", part, ""
	for i := 0; ; i++ {
		tok, more := nextTokenIn(&rest, nameSeps)
		if tok == "" {
			if i == 1 && legalFormWords[first] && strings.IndexFunc(first, func(r rune) bool { return r == '.' || unicode.IsLower(r) }) >= 0 {
				// Alone after a comma ("TechSol, Lda.", "Telefónica, S.A."), a form with a
				// full stop or small letters: "SA" alone may be South Africa.
				return first
			}
			return found
		}
		switch {
		case i == 0:
			first = tok
		case i == 1 && legalFormKeys.has(first) && legalFormFirst[first]:
			return first
		case found == "" && legalFormKeys.has(tok) && legalFormWords[tok]:
			found = tok
		}
		if !more {
			rest = ""
		}
	}
}

// tokenSeps is a set of runes that separate tokens, for nextTokenIn: the ASCII ones
// by a table, so that most bytes of a line need neither decoding nor a call.
type tokenSeps struct {
	ascii [2]uint64 // a bit for each ASCII separator
	// bmp has a bit for each separator of the Basic Multilingual Plane, worked out the
	// first time a rune above ASCII is read.
	bmp   func() *[1 << 16 / 64]uint64
	other func(rune) bool
	// bmpBits is bmp() once it has been read, for table.
	bmpBits atomic.Pointer[[1 << 16 / 64]uint64]
}

// table is ts.bmp(), read without a call once worked out: nextTokenIn reads it for
// every token above ASCII.
func (ts *tokenSeps) table() bmpTable {
	if t := ts.bmpBits.Load(); t != nil {
		return t
	}
	return ts.loadTable()
}

func (ts *tokenSeps) loadTable() bmpTable {
	t := ts.bmp()
	ts.bmpBits.Store(t)
	return t
}

// newTokenSeps is the set of runes for which sep is true.
func newTokenSeps(sep func(rune) bool) *tokenSeps {
	ts := &tokenSeps{other: sep}
	for c := range rune(utf8.RuneSelf) {
		if sep(c) {
			ts.ascii[c/64] |= 1 << (c % 64)
		}
	}
	ts.bmp = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
		var t [1 << 16 / 64]uint64
		for c := range rune(1 << 16) {
			if sep(c) {
				t[c/64] |= 1 << (c % 64)
			}
		}
		return &t
	})
	return ts
}

var (
	spaceSeps   = newTokenSeps(unicode.IsSpace)
	nameSeps    = newTokenSeps(nameSep)
	addressSeps = newTokenSeps(addressSep)
)

// bmpTable is a table of the Basic Multilingual Plane, read once per text: a caller
// that reads many runes keeps it in a variable nil at first, for above to fill.
type bmpTable = *[1 << 16 / 64]uint64

// above reports whether the rune at s[i], above ASCII, is a separator, and its length;
// *bmp is ts.bmp(), read the first time it is needed.
func (ts *tokenSeps) above(s string, i int, bmp *bmpTable) (bool, int) {
	r, size := decodeRune(s, i)
	if r < 1<<16 {
		if *bmp == nil {
			*bmp = ts.table()
		}
		return (*bmp)[r/64]&(1<<(r%64)) != 0, size
	}
	return ts.other(r), size
}

// trimSpace is strings.TrimSpace(s). strings.TrimSpace calls unicode.IsSpace through
// strings.TrimFunc when a text opens or ends above ASCII (a line in Cyrillic, Arabic or
// Chinese); most open and end with a letter, and are returned as they are once their
// first and last runes are found to be no spaces.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	first := rune(s[0])
	if first >= utf8.RuneSelf {
		first, _ = decodeRune(s, 0)
	}
	if last, _ := utf8.DecodeLastRuneInString(s); !isSpaceRune(first) && !isSpaceRune(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// isSpaceRune is unicode.IsSpace(r): the Unicode White_Space runes, listed.
func isSpaceRune(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return 0x2000 <= r && r <= 0x200A
}

// nextTokenIn is nextToken(s, seps.other).
func nextTokenIn(s *string, seps *tokenSeps) (string, bool) {
	t := *s
	start := 0
	var bmp bmpTable
	for start < len(t) {
		c := t[start]
		if c < utf8.RuneSelf {
			if seps.ascii[c/64]&(1<<(c%64)) == 0 {
				break
			}
			start++
			continue
		}
		if r, ok := twoByteRune(t, start); ok {
			// Latin with accents, Cyrillic, Arabic: read here, without a call.
			if bmp == nil {
				bmp = seps.table()
			}
			if bmp[r/64]&(1<<(r%64)) == 0 {
				break
			}
			start += 2
			continue
		}
		is, size := seps.above(t, start, &bmp)
		if !is {
			break
		}
		start += size
	}
	if start == len(t) {
		*s = ""
		return "", false
	}
	for end := start; end < len(t); {
		c := t[end]
		if c < utf8.RuneSelf {
			if seps.ascii[c/64]&(1<<(c%64)) != 0 {
				*s = t[end:]
				return t[start:end], true
			}
			end++
			continue
		}
		if r, ok := twoByteRune(t, end); ok {
			if bmp == nil {
				bmp = seps.table()
			}
			if bmp[r/64]&(1<<(r%64)) != 0 {
				*s = t[end:]
				return t[start:end], true
			}
			end += 2
			continue
		}
		is, size := seps.above(t, end, &bmp)
		if is {
			*s = t[end:]
			return t[start:end], true
		}
		end += size
	}
	*s = ""
	return t[start:], false
}

// nextToken cuts the next token off *s, tokens being separated by runes for which sep
// is true; it returns "" when none is left, and whether text follows.
func nextToken(s *string, sep func(rune) bool) (string, bool) {
	t := strings.TrimLeftFunc(*s, sep)
	if t == "" {
		*s = ""
		return "", false
	}
	end := strings.IndexFunc(t, sep)
	if end < 0 {
		*s = ""
		return t, false
	}
	*s = t[end:]
	return t[:end], true
}

// chineseUnits are the departments a Chinese sender's name may end with.
var chineseUnits = []string{"国际合作处", "國際合作處", "国际传播部", "传播部", "公关部", "公共事务部", "对外关系部", "国际合作部", "国际合作司",
	"国际部", "市场部", "品牌部", "新闻中心", "新闻办公室", "办公室", "对外联络部", "国际交流部", "外事处", "外事办公室",
	"国际事务处", "國際事務處", "国际事务部", "國際事務部", "国际事务司", "國際事務司",
	"國際傳播部", "公關部", "公共事務部", "對外關係部", "國際合作部", "國際部", "市場部", "新聞中心", "辦公室"}

// chineseUnitOwner is the organisation a Chinese name of a department opens with
// ("阿里云" for "阿里云国际传播部"), or "".
func chineseUnitOwner(name string) string {
	name = trimSpace(name)
	if strings.IndexFunc(name, func(r rune) bool { return unicode.Is(unicode.Han, r) }) < 0 {
		return ""
	}
	// "澳門郵電局 國際事務處": a space between the two.
	name = strings.Join(strings.Fields(name), "")
	for _, u := range chineseUnits {
		if owner, ok := strings.CutSuffix(name, u); ok && utf8.RuneCountInString(owner) >= 2 &&
			strings.IndexFunc(owner, func(r rune) bool { return !unicode.Is(unicode.Han, r) && !unicode.IsLetter(r) }) < 0 {
			return owner
		}
	}
	return ""
}

// trimName trims punctuation and spaces around a name, keeping a closing parenthesis
// that closes one it opened: "… Agency of Sri Lanka (ICTA)".
func trimName(s string) string {
	s = strings.Trim(s, " \t,;-–—|(")
	for _, team := range []string{" team", " Team", " TEAM", " secretariat", " Secretariat"} {
		// "Youth IGF Kenya team", "Smart Africa Secretariat": the people of the body.
		if head, ok := strings.CutSuffix(s, team); ok && strings.Count(head, " ") >= 1 {
			s = head
			break
		}
	}
	if strings.Count(s, "(") < strings.Count(s, ")") || !strings.Contains(s, "(") {
		s = strings.TrimRight(s, ") \t")
	}
	return s
}

// hasToken reports whether a name holds tok as a word of its own, with its case.
func hasToken(s, tok string) bool {
	if !strings.Contains(s, tok) {
		return false
	}
	sep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for rest := s; ; {
		f, _ := nextToken(&rest, sep)
		if f == "" {
			return false
		}
		if f == tok {
			return true
		}
	}
}

// dropChineseUnit drops the department that ends a Chinese line after a space:
// "中国信息通信研究院 国际合作部" is the institute.
func dropChineseUnit(s string) string {
	fields := strings.Fields(s)
	if len(fields) < 2 {
		if owner := chineseUnitOwner(s); utf8.RuneCountInString(owner) >= 4 {
			return owner // "北京邮电大学国际合作处" without a space
		}
		return s
	}
	last := fields[len(fields)-1]
	for _, u := range chineseUnits {
		if last == u || strings.HasSuffix(last, u) && utf8.RuneCountInString(last) <= utf8.RuneCountInString(u)+4 {
			return strings.Join(fields[:len(fields)-1], " ")
		}
	}
	return s
}

// russianHeads are the nouns that head a Russian organisation's name, in the genitive a
// title puts them in («помощник депутата Государственной Думы»), with their nominative
// and gender (f, m, n).
var russianHeads = map[string]struct {
	nom    string
	gender byte
}{
	"министерства": {"министерство", 'n'}, "агентства": {"агентство", 'n'}, "представительства": {"представительство", 'n'},
	"правительства": {"правительство", 'n'}, "управления": {"управление", 'n'}, "объединения": {"объединение", 'n'},
	"университета": {"университет", 'm'}, "института": {"институт", 'm'}, "комитета": {"комитет", 'm'},
	"фонда": {"фонд", 'm'}, "центра": {"центр", 'm'}, "союза": {"союз", 'm'}, "департамента": {"департамент", 'm'},
	"банка": {"банк", 'm'}, "совета": {"совет", 'm'}, "аппарата": {"аппарат", 'm'},
	"ассоциации": {"ассоциация", 'f'}, "думы": {"дума", 'f'}, "службы": {"служба", 'f'}, "администрации": {"администрация", 'f'},
	"палаты": {"палата", 'f'}, "академии": {"академия", 'f'}, "сети": {"сеть", 'f'},
	// after «в» («работаю в Министерстве …»)
	"министерстве": {"министерство", 'n'}, "агентстве": {"агентство", 'n'}, "представительстве": {"представительство", 'n'},
	"правительстве": {"правительство", 'n'}, "управлении": {"управление", 'n'}, "университете": {"университет", 'm'},
	"институте": {"институт", 'm'}, "комитете": {"комитет", 'm'}, "фонде": {"фонд", 'm'}, "центре": {"центр", 'm'},
	"департаменте": {"департамент", 'm'}, "банке": {"банк", 'm'}, "совете": {"совет", 'm'}, "службе": {"служба", 'f'},
	"палате": {"палата", 'f'}, "думе": {"дума", 'f'}, "компании": {"компания", 'f'}, "корпорации": {"корпорация", 'f'},
	"организации": {"организация", 'f'}, "комиссии": {"комиссия", 'f'}, "мэрии": {"мэрия", 'f'}, "инспекции": {"инспекция", 'f'},
}

// russianOrganisation finds in words (a title and what follows it) the organisation a
// Russian title puts in the genitive, and names it in the nominative: «Начальник отдела
// Министерства цифрового развития» is «Министерство цифрового развития», «помощник
// депутата Государственной Думы» «Государственная Дума». The words after the head are in
// the genitive in both and stay, up to a comma; "" when no head follows a first word.
func russianOrganisation(words []string) string {
	for k := 1; k < len(words); k++ {
		word := strings.TrimRight(words[k], ",;.")
		head, ok := russianHeads[strings.ToLower(word)]
		if !ok {
			continue
		}
		j := k
		for j > 0 && j > k-3 && russianGenitiveAdjective(words[j-1]) {
			j--
		}
		out := make([]string, 0, k-j+8)
		for _, a := range words[j:k] {
			out = append(out, russianNominativeAdjective(a, head.gender))
		}
		nom := head.nom
		if r, _ := utf8.DecodeRuneInString(word); unicode.IsUpper(r) {
			_, size := utf8.DecodeRuneInString(nom)
			nom = string(r) + nom[size:]
		}
		out = append(out, nom)
		if word == words[k] {
			for _, w := range words[k+1 : min(len(words), k+9)] {
				core := strings.TrimRight(w, ",;.:")
				out = append(out, core)
				if core != w {
					break
				}
			}
		}
		return strings.Join(out, " ")
	}
	return ""
}

func russianGenitiveAdjective(w string) bool {
	w = strings.ToLower(w)
	if !isCyrillic(w) || utf8.RuneCountInString(w) < 5 {
		return false
	}
	for _, end := range []string{"ой", "ого", "его", "ей"} {
		if strings.HasSuffix(w, end) {
			return true
		}
	}
	return false
}

// russianNominativeAdjective puts an adjective in the genitive back in the nominative of
// a noun's gender: «Государственной» (f) is «Государственная», «Российского» (m)
// «Российский», «Национального» (n) «Национальное».
func russianNominativeAdjective(w string, gender byte) string {
	soft := func(stem string) bool {
		for _, c := range []string{"к", "г", "х", "ж", "ш", "ч", "щ"} {
			if strings.HasSuffix(stem, c) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.HasSuffix(w, "ой") && gender == 'f':
		return strings.TrimSuffix(w, "ой") + "ая"
	case strings.HasSuffix(w, "ей") && gender == 'f':
		return strings.TrimSuffix(w, "ей") + "яя"
	case strings.HasSuffix(w, "ого"):
		stem := strings.TrimSuffix(w, "ого")
		switch {
		case gender == 'n':
			return stem + "ое"
		case soft(stem):
			return stem + "ий"
		}
		return stem + "ый"
	case strings.HasSuffix(w, "его"):
		stem := strings.TrimSuffix(w, "его")
		if gender == 'n' {
			return stem + "ее"
		}
		return stem + "ий"
	}
	return w
}

// writerOrganisation finds the organisation a writer from a personal address gives with
// their position in a sentence of their own: «я помощник депутата Государственной Думы»
// names the Государственная Дума, "I am an adviser at the Ministry of Digital Economy"
// the ministry. It takes a first person, a job title and a government's, an academic
// or an international organisation's word; "" when no sentence has them.
func (v *vocabulary) writerOrganisation(text string, lt lineTerms) string {
	if org := v.writerOrganisationHan(text, lt); org != "" {
		return org
	}
	if org := onBehalfOf(text); org != "" {
		return org
	}
	if org := v.contributionOf(text); org != "" {
		return org
	}
	if org := civilBodySubject(text); org != "" {
		return org
	}
	sentences := strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".!?\n؟", r) })
	for _, sentence := range sentences {
		words := strings.Fields(sentence)
		if len(words) < 3 || len(words) > 40 {
			continue
		}
		// The first person opens the sentence, or follows a greeting: «Добрый день, я …».
		at := -1
		for i, w := range words[:min(len(words), 5)] {
			if isAnyOf(foldText(strings.Trim(w, ",،")), "я", "i", "i'm", "je", "soy", "trabajo", "أنا", "انا", "أعمل", "اعمل") {
				at = i
				break
			}
		}
		if at < 0 || at > 0 && !strings.HasSuffix(words[at-1], ",") && !strings.HasSuffix(words[at-1], "،") {
			continue
		}
		words = words[at:]
		if len(words) < 3 {
			continue
		}
		// "I work at", «أعمل في», "trabajo en" say a post without a title.
		works := isAnyOf(foldText(words[0]), "trabajo", "أعمل", "اعمل") || isAnyOf(foldText(words[1]), "work", "travaille")
		if isAnyOf(foldText(words[1]), "работаю", "тружусь") && isAnyOf(foldText(words[2]), "в", "во") {
			// «Я работаю в Министерстве цифрового развития …»: the ministry, in the nominative.
			if org := russianOrganisation(words[1:]); org != "" {
				return org
			}
			continue
		}
		if n, _ := v.jobTitles.countIn(lt.get(sentence)); n == 0 && (!works || isCyrillic(words[0])) {
			continue
		}
		if n, _ := v.seekingWork.countIn(lt.get(sentence)); n > 0 {
			// "I am a software engineer looking for a job at …": the post is wanted.
			continue
		}
		if isCyrillic(words[0]) {
			if org := russianOrganisation(words[1:]); org != "" {
				return org
			}
			continue
		}
		if isArabicWord(words[0]) {
			// «أنا مستشار في وزارة الاقتصاد الرقمي»: from the noun a name opens with, to
			// punctuation.
			for m := 1; m < len(words); m++ {
				typ := arabicHeadType(words[m])
				if typ == "" || typ == store.StakeholderPrivateSector || typ == store.StakeholderCivilSociety {
					continue
				}
				var name []string
				for _, w := range words[m:min(len(words), m+7)] {
					core := strings.TrimRight(w, "،,;:")
					name = append(name, core)
					if core != w {
						break
					}
				}
				return strings.Join(name, " ")
			}
			continue
		}
		upper := func(w string) bool {
			for _, el := range []string{"l'", "d'", "l’", "d’"} {
				w = strings.TrimPrefix(w, el)
			}
			return startsUpper(w)
		}
		for m := 2; m < len(words); m++ {
			w := strings.Trim(words[m], ",;:")
			if !upper(w) && v.governmentBodies.openingOf(foldText(w)) == "" {
				continue // "au ministère de l'Économie" names it in small letters
			}
			for _, st := range v.stakeholders {
				if st.typ == store.StakeholderPrivateSector || st.typ == store.StakeholderCivilSociety {
					continue
				}
				if c, _ := v.typeWords(st, w, lt.get(w)); c == 0 {
					continue
				}
				for _, el := range []string{"l'", "d'", "l’", "d’"} {
					w = strings.TrimPrefix(w, el)
				}
				name := []string{w}
				for k := m + 1; k < len(words) && len(name) < 12; k++ {
					next := strings.TrimRight(words[k], ",;:")
					if next == words[k] && k+2 < len(words) && isAnyOf(foldText(next), "de", "of") &&
						isAnyOf(foldText(words[k+1]), "la", "las", "los", "the") && upper(words[k+2]) {
						// "Ministerio de Tecnologías de la Información": an article between.
						name = append(name, next, words[k+1])
						k++
						continue
					}
					if upper(next) || k+1 < len(words) && upper(words[k+1]) &&
						isAnyOf(foldText(next), "de", "del", "of", "du", "des", "la", "for", "y", "et", "and", "d'", "de la") {
						name = append(name, next)
						if next != words[k] {
							break
						}
						continue
					}
					break
				}
				return strings.Join(name, " ")
			}
		}
	}
	return ""
}

// fullerName returns the signature line that spells out a display name's organisation
// at more length: a short line, no sentence, that opens with the same two words and is
// longer ("Secretaría General de la Comunidad Andina" for "Secretaría General CAN"); or "".
func fullerName(name string, sig []string) string {
	nw := strings.Fields(foldText(name))
	if len(nw) < 2 || len(nw) == 2 && !isAnyOf(nw[0], "secretaria", "secretariat", "secretariado", "direction",
		"direccion", "directorate", "office", "bureau", "oficina", "departement", "departamento", "department") {
		// Two words spell out a name only when they are an office's ("Secretaría General"
		// signing "Secretaría General de la Comunidad Andina").
		return ""
	}
	for i := len(sig) - 1; i >= 0; i-- {
		line := trimSpace(sig[i])
		lw := strings.Fields(foldText(line))
		if len(lw) > len(nw) && len(lw) <= 14 && !endsSentence(line) && lw[0] == nw[0] && lw[1] == nw[1] &&
			!strings.EqualFold(trimName(line), name) { // "Youth IGF Kenya team" spells out nothing
			return line
		}
	}
	return ""
}

func isArabicWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.Is(unicode.Arabic, r)
}

// hanWriterRE finds a Chinese writer's place of work: "我是国家互联网信息办公室的工作人员",
// "我在深圳大学工作".
var hanWriterRE = regexp.MustCompile(`我(?:是|在)(\p{Han}{4,24}?)(?:的|工作|任职)`)

// hanWeAreRE finds the body Chinese writers say they are: "我们是云南乡村数字发展协会",
// "我們是台灣數位人權聯盟", "我单位是广东省数字政府建设中心", a name that ends with a body's
// noun.
var hanWeAreRE = regexp.MustCompile(`我(?:[们們]|单位|單位)是(\p{Han}{2,24}?(?:协会|協會|基金会|基金會|联合会|聯合會|促进会|促進會|研究会|研究會|学会|學會|联盟|聯盟|网络|網絡|大学|大學|学院|學院|研究院|研究所|有限公司|公司|集团|集團|中心|局|厅|廳|委员会|委員會))(?:[，。,.;；、\s（(：:]|$)`)

// writerOrganisationHan is writerOrganisation for a Chinese text: the place of work a
// writer gives, when it holds a government's, an academic or an international
// organisation's word.
func (v *vocabulary) writerOrganisationHan(text string, lt lineTerms) string {
	if !strings.Contains(text, "我") {
		return ""
	}
	if m := hanWeAreRE.FindStringSubmatch(text); m != nil && !hasAnyPrefix(m[1], "一", "几", "幾", "来自", "來自", "这", "這") {
		// "我们是云南乡村数字发展协会": the writers name their body, of any type; "我们是一家
		// 公司" says what, not which.
		return m[1]
	}
	m := hanWriterRE.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	org := m[1]
	for _, st := range v.stakeholders {
		if st.typ == store.StakeholderPrivateSector || st.typ == store.StakeholderCivilSociety {
			continue
		}
		if n, _ := v.typeWords(st, org, lt.get(org)); n > 0 {
			return org
		}
	}
	return ""
}

// afterTitle returns the organisation a part that holds a job title ends with: from its
// last organisation word, with the capitalised words before it ("Coordinadora del
// Programa de Inclusión Digital de la Fundación Telefónica" is "Fundación Telefónica",
// «Советник генерального директора АНО «Цифровая экономика»» is «АНО «Цифровая
// экономика»»); the part itself when the title does not come first.
func (v *vocabulary) afterTitle(part string, lt lineTerms) string {
	words := strings.Fields(part)
	k := -1
	for i := len(words) - 1; i >= 1; i-- {
		if v.isOrganisationLine(strings.Join(words[i:], " "), lt) {
			k = i
			break
		}
	}
	if k <= 0 {
		return part
	}
	for k > 1 && startsUpper(strings.TrimLeft(words[k-1], "«\"(")) {
		k--
	}
	if n, _ := v.jobTitles.countIn(lt.get(strings.Join(words[:k], " "))); n == 0 {
		return part
	}
	if n, _ := v.jobTitles.countIn(lt.get(strings.Join(words[k:], " "))); n > 0 {
		return part
	}
	return strings.Join(words[k:], " ")
}

// namesOrganisation reports whether a short text holds an organisation word of any
// stakeholder type.
func (v *vocabulary) namesOrganisation(s string) bool {
	slab := v.getSlab()
	defer v.putSlab(slab)
	ft := v.newFoldedTextIn(foldText(s), slab)
	for _, st := range v.stakeholders {
		if n, _ := v.typeWords(st, s, ft); n > 0 {
			return true
		}
	}
	return false
}

// civilHeads are the words, folded, that name a body of people joined together: an
// association, a network, a foundation, a collective, a platform, a coalition, a
// forum, a movement, a federation, a union of workers.
var civilHeads = wordSet(foldText(`association network foundation collective platform coalition forum movement federation alliance union
	réseau fondation collectif plateforme mouvement fédération syndicat
	asociación red fundación colectivo plataforma coalición foro movimiento federación alianza sindicato
	ассоциация сеть фонд коалиция движение платформа федерация союз профсоюз`))

// ownCivilBody says a writer speaks for a body of people joined together, in the first
// person: "our network", «наша молодёжная сеть», «نحن شبكة شبابية», "Salutations
// syndicales" (a union's greeting); "" when the text does not.
func ownCivilBody(text string) string {
	if body := civilApposition(text); body != "" {
		return body
	}
	words := strings.Fields(foldText(text))
	for i, w := range words {
		w = strings.Trim(w, ",.;:!?()«»\"")
		switch {
		case isAnyOf(w, "our", "notre", "nuestra", "nuestro", "наша", "наш", "наше", "нашей", "нашего"):
			for _, next := range words[i+1 : min(len(words), i+3)] {
				if civilHeads[strings.Trim(next, ",.;:!?()«»\"")] {
					return words[i] + " " + strings.Join(words[i+1:min(len(words), i+3)], " ")
				}
			}
		case i+2 < len(words) && (isAnyOf(w, "somos", "мы") || isAnyOf(w+" "+words[i+1], "we are", "nous sommes")):
			// "We are a small network of …", «Nous sommes une association de …», «Somos una
			// fundación que …», «Мы — ассоциация …»: an article or a dash, and a head
			// among the next words.
			k := i + 1
			if w == "we" || w == "nous" {
				k++
			}
			if k >= len(words) || !isAnyOf(words[k], "a", "an", "un", "une", "una", "uno", "—", "–", "-", "являемся") {
				continue
			}
			for j := k + 1; j < min(len(words), k+4); j++ {
				if civilHeads[strings.Trim(words[j], ",.;:!?()«»\"")] {
					return strings.Join(words[i:j+1], " ")
				}
			}
		case w == "نحن" && i+1 < len(words) && isAnyOf(strings.Trim(words[i+1], "،,."), "شبكة", "جمعية", "ائتلاف", "رابطة", "حركة", "مؤسسة", "اتحاد", "نقابة"):
			return w + " " + words[i+1]
		case isAnyOf(w, "شبكتنا", "جمعيتنا", "ائتلافنا", "رابطتنا", "نقابتنا"):
			return w
		case w == "salutations" && i+1 < len(words) && strings.HasPrefix(words[i+1], "syndical"),
			isAnyOf(w, "travailleurs", "workers", "trabajadores") && i >= 2 && isAnyOf(words[i-1], "de", "of") && strings.HasPrefix(words[i-2], "organi"):
			return words[i] + " " + words[min(len(words)-1, i+1)]
		}
	}
	return ""
}

// appositionHeads are the heads of civilHeads that say what a named body is when they
// follow its name and a comma: "Jàmm Connect, réseau citoyen sénégalais", "Somos Wayra
// Tinkuy, red de comunicadoras", "Desde Ñandutí Conecta, colectivo de …". Forum, union
// and platform follow a name for other reasons ("WSIS Forum, …").
var appositionHeads = wordSet(foldText(`association network foundation collective coalition movement federation alliance
	réseau fondation collectif mouvement fédération
	asociación red fundación colectivo coalición movimiento federación alianza
	ассоциация сеть фонд коалиция движение федерация альянс`))

// civilApposition returns the name and head when the text sets a civil head beside a
// capitalised name after a comma or a dash, with at most an article between, and the
// head goes on ("Jàmm Connect, réseau citoyen …", «Мост — сеть волонтёров …»); "" when
// none.
func civilApposition(text string) string {
	words := strings.Fields(text)
	for i := 1; i+1 < len(words); i++ {
		w := words[i]
		j := i + 1
		switch {
		case strings.HasSuffix(w, ","):
			w = strings.TrimSuffix(w, ",")
		case isAnyOf(words[j], "—", "–", "-") && j+1 < len(words):
			j++
		default:
			continue
		}
		if !startsUpper(w) || !startsUpper(words[i-1]) && !startsUpper(strings.Trim(w, "«»\"")) {
			continue
		}
		if isAnyOf(foldText(words[j]), "a", "an", "the", "un", "une", "una", "le", "la", "el") && j+1 < len(words) {
			j++
		}
		// The head opens a description ("réseau citoyen sénégalais"), not a list of
		// words ("Marché, réseau, sourire").
		if j+1 < len(words) && appositionHeads[foldText(words[j])] {
			return strings.TrimSuffix(words[i], ",") + ", " + words[j]
		}
	}
	return ""
}

// civilBodySubject is the name a sentence of text opens with when it is an
// association's, a network's or a foundation's, written as a name: "Le Réseau des
// femmes en technologie du Québec aimerait…" (the head capitalised, the name up to its
// last capitalised word), "The Digital Rights Network would like…"; or "".
func civilBodySubject(text string) string {
	for _, sentence := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(".!?\n", r) }) {
		words := strings.Fields(sentence)
		if len(words) < 4 {
			continue
		}
		start := 0
		weAre := false
		if foldText(words[0]) == "somos" {
			// "Somos la Red Latinoamericana de …", "We are the Digital Rights Network": the
			// writers say which body they are.
			words, weAre = words[1:], true
		} else if isAnyOf(foldText(words[0]+" "+words[1]), "we are", "nous sommes", "мы —", "мы –", "мы -") {
			words, weAre = words[2:], true
		}
		if len(words) < 3 {
			continue
		}
		if isAnyOf(foldText(words[0]), "le", "la", "les", "the", "el", "los", "las") ||
			weAre && isAnyOf(foldText(words[0]), "a", "an", "un", "une", "una", "uno") {
			start = 1
		} else if f := foldText(words[0]); strings.HasPrefix(f, "l'") && startsUpper(words[0][2:]) {
			words = append([]string{words[0][:2], words[0][2:]}, words[1:]...)
			start = 1
		}
		head := words[start]
		if startsUpper(head) && civilHeads[foldText(head)] {
			// The head opens the name: up to the last capitalised word among the next
			// eight, no punctuation in between.
			end := -1
			for j := start + 1; j < min(len(words)-1, start+9); j++ {
				if strings.ContainsAny(words[j-1], ",;:") {
					break
				}
				if startsUpper(words[j]) {
					end = j
				}
			}
			if end > start {
				return strings.Trim(strings.Join(words[start:end+1], " "), " ,;:«»\"")
			}
			continue
		}
		// The head closes it: capitalised words ("Digital Rights Network").
		for end := start + 1; end < min(len(words)-1, start+8); end++ {
			if !startsUpper(words[end]) {
				break
			}
			if civilHeads[foldText(strings.Trim(words[end], ",;:"))] {
				if name := capitalisedName(words[start : end+1]); name != "" {
					return strings.Trim(name, " ,;:")
				}
			}
		}
	}
	return ""
}

// withoutEasyTerms is ft without the phrases of easy terms ("بشروط ميسّرة"), whose
// adjective is also the word of a woman facilitator.
func (v *vocabulary) withoutEasyTerms(ft foldedText) foldedText {
	if n, _ := v.easyTerms.countIn(ft); n == 0 {
		return ft
	}
	s := ft.s
	for _, t := range v.easyTerms {
		s = strings.ReplaceAll(s, t.folded, " ")
	}
	return v.newFoldedTextIn(s, ft.slab)
}

// facultyWords are the words, folded, that open the name of a faculty or a school
// inside a university.
var facultyWords = wordSet(foldText(`faculty faculté facultad faculdade факультет институт instituto institut school`))

// parentOfDivision is the parent body of an organisation named as a division or a
// faculty and its parent ("Facultad de Ingeniería – Universidad de la República",
// "Direction des TIC - Ministère de l'Économie"): the parent, when it names a body
// outright; else org.
func (v *vocabulary) parentOfDivision(org string, lt lineTerms) string {
	segs := lineSegments(org)
	if len(segs) != 2 {
		return org
	}
	first, _, _ := strings.Cut(foldText(segs[0]), " ")
	if !isDivision(segs[0]) && !facultyWords[first] {
		return org
	}
	parent := segs[1]
	ft := lt.get(parent)
	for _, st := range v.stakeholders {
		if st.typ != store.StakeholderAcademia && st.typ != store.StakeholderGovernment {
			continue
		}
		if n, _ := v.typeWords(st, parent, ft); n > 0 && !facultyWords[strings.Fields(foldText(parent))[0]] && !isDivision(parent) {
			return parent
		}
	}
	return org
}

// withoutPlace is org without a place written after it ("ООО «…», г. Красноярск",
// "وزارة النقل … - مسقط", "Fondation X, Dakar"): one or two capitalised words that name
// no body, after a name that does.
func (v *vocabulary) withoutPlace(org string, lt lineTerms) string {
	cut := -1
	for _, sep := range []string{", ", " - ", " – ", " — ", "، "} {
		if i := strings.LastIndex(org, sep); i > cut {
			cut = i
		}
	}
	if cut <= 0 {
		return org
	}
	head := trimSpace(org[:cut])
	place := trimSpace(strings.TrimLeft(org[cut:], ",-–—، "))
	place = trimSpace(strings.TrimPrefix(strings.TrimPrefix(place, "г."), "g."))
	words := strings.Fields(place)
	if len(words) == 0 || len(words) > 2 || strings.IndexFunc(place, unicode.IsDigit) >= 0 || isAcronym(place) ||
		legalForm(place) != "" || strings.ContainsAny(place, "()«»\"") {
		return org
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !startsUpper(w) && (unicode.IsLower(r) || !unicode.IsLetter(r)) {
			// A word of a script without capitals (مسقط) may be a place's.
			return org
		}
	}
	pt := lt.get(place)
	for _, st := range v.stakeholders {
		if n, _ := v.typeWords(st, place, pt); n > 0 {
			return org
		}
	}
	ht := lt.get(head)
	if !v.namesOrganisationType(head, ht) && legalForm(head) == "" {
		return org
	}
	return head
}

// unitHeads are the words, folded, that open the name of a faculty, a school, a
// laboratory or a chair inside a university, or a division inside a body.
var unitHeads = wordSet(foldText(`faculty faculté facultad факультет school école escuela college collège
	laboratory lab laboratoire laboratorio лаборатория кафедра department département departamento
	كلية الكلية معهد قسم`))

// parentLinks join a unit's name to its parent's in a sentence ("Laboratorio de Medios
// de la Universidad …", "School of Law at the University of …", «كلية الحوسبة في
// جامعة …»), longest first.
var parentLinks = []string{" de la ", " de l'", " de l’", " del ", " at the ", " of the ", " at ", " في ", " بجامعة "}

// arabicNameStops are the words an Arabic name does not run on to: a preposition, a
// relative, "what" («كلية الحوسبة في جامعة الخليج للعلوم التقنية ما يلي»).
var arabicNameStops = wordSet(`ما في على من إلى عن بشأن حول التي الذي وهو وهي و أم أو أطيب`)

// parentInText is the parent body a text gives a unit named as the organisation:
// "Laboratorio de Medios" written «Soy docente del Laboratorio de Medios de la
// Universidad Autónoma del Altiplano» is the university, «كلية الحوسبة» written «كلية
// الحوسبة في جامعة الخليج للعلوم التقنية» the university. The parent must name an
// academic or a government body; else org.
func (v *vocabulary) parentInText(org, text string, lt lineTerms) string {
	first, _, _ := strings.Cut(foldText(org), " ")
	if !unitHeads[first] || len(org) < 6 {
		return org
	}
	unit, acr := org, ""
	if f := strings.Fields(org); len(f) >= 3 && isAcronym(strings.Trim(f[len(f)-1], "()")) && strings.HasPrefix(f[len(f)-1], "(") {
		unit, acr = strings.Join(f[:len(f)-1], " "), " "+f[len(f)-1] // "Laboratorio de Medios (UAA)" as the text writes it
	}
	for _, link := range parentLinks {
		// "Laboratorio de Medios de la Universidad Nacional (UNO)": the parent inside the name.
		if _, tail, ok := strings.Cut(unit, link); ok && startsUpper(tail) {
			if tf, _, _ := strings.Cut(foldText(tail), " "); !unitHeads[tf] && !isDivision(tail) {
				// The parent's name opens with its body's word: "Economie numérique du
				// Ministère …" is no parent.
				head, _, _ := strings.Cut(tail, " ")
				ft := lt.get(head)
				for _, st := range v.stakeholders {
					if st.typ != store.StakeholderAcademia && st.typ != store.StakeholderGovernment {
						continue
					}
					if n, _ := v.typeWords(st, head, ft); n > 0 {
						return tail + acr
					}
				}
			}
		}
	}
	for rest := text; ; {
		i := strings.Index(rest, unit)
		if i < 0 {
			return org
		}
		rest = rest[i+len(unit):]
		after := ""
		for _, link := range parentLinks {
			if a, ok := strings.CutPrefix(rest, link); ok {
				after = a
				if link == " بجامعة " {
					after = "جامعة " + a
				}
				break
			}
		}
		if after == "" {
			continue
		}
		words := strings.Fields(after)
		var name []string
		for k := 0; k < len(words) && len(name) < 10; k++ {
			w := words[k]
			core := strings.TrimRight(w, ".,;:،!?)")
			if isArabicWord(w) {
				if arabicNameStops[core] {
					break
				}
			} else if !startsUpper(core) {
				if k+1 < len(words) && len(name) > 0 && startsUpper(words[k+1]) &&
					isAnyOf(foldText(core), "de", "del", "of", "du", "des", "la", "for", "y", "et", "and", "de la") {
					name = append(name, core)
					continue
				}
				break
			}
			name = append(name, core)
			if core != w {
				break
			}
		}
		parent := strings.Join(name, " ")
		if parent == "" {
			continue
		}
		if pf, _, _ := strings.Cut(foldText(parent), " "); unitHeads[pf] || isDivision(parent) {
			continue
		}
		ft := lt.get(parent)
		for _, st := range v.stakeholders {
			if st.typ != store.StakeholderAcademia && st.typ != store.StakeholderGovernment {
				continue
			}
			if n, _ := v.typeWords(st, parent, ft); n > 0 {
				return parent
			}
		}
	}
}

// ownBodyHeads are the nouns, folded, of a university or a ministry that a writer calls
// their own ("our university", «наш университет», «notre ministère»), with their
// stakeholder type; the Cyrillic ones are stems, to take their cases. A company of
// one's own is weAreCompany's.
var ownBodyHeads = [][2]string{
	{"university", store.StakeholderAcademia}, {"universite", store.StakeholderAcademia},
	{"laboratory", store.StakeholderAcademia}, {"lab", store.StakeholderAcademia}, {"laboratoire", store.StakeholderAcademia},
	{"laboratorio", store.StakeholderAcademia}, {"лаборатория", store.StakeholderAcademia},
	{"universidad", store.StakeholderAcademia}, {"faculty", store.StakeholderAcademia},
	{"faculte", store.StakeholderAcademia}, {"facultad", store.StakeholderAcademia},
	{"университет", store.StakeholderAcademia}, {"факультет", store.StakeholderAcademia}, {"вуз", store.StakeholderAcademia},
	{"ministry", store.StakeholderGovernment}, {"ministere", store.StakeholderGovernment},
	{"ministerio", store.StakeholderGovernment}, {"министерств", store.StakeholderGovernment},
	{"ведомств", store.StakeholderGovernment},
}

// ownBodyWords say the same in one word ("جامعتنا", "我校"), with their type.
var ownBodyWords = [][2]string{
	{"جامعتنا", store.StakeholderAcademia}, {"كليتنا", store.StakeholderAcademia}, {"مختبرنا", store.StakeholderAcademia},
	{"نحن مختبر", store.StakeholderAcademia}, {"نحن معهد", store.StakeholderAcademia}, {"نحن مركز بحثي", store.StakeholderAcademia},
	{"نحن مركز أبحاث", store.StakeholderAcademia}, {"نحن فريق بحثي", store.StakeholderAcademia},
	{"我们是一家研究", store.StakeholderAcademia}, {"我们实验室", store.StakeholderAcademia}, {"本实验室", store.StakeholderAcademia},
	{"وزارتنا", store.StakeholderGovernment},
	{"我校", store.StakeholderAcademia}, {"本校", store.StakeholderAcademia}, {"我部", store.StakeholderGovernment},
}

// ownBody says a writer speaks, in the first person, for a university or a ministry of
// their own ("Наш университет хотел бы…", «我校»), with its type and the words that say
// it; "" when the text does not.
func ownBody(text string) (string, string) {
	for _, wt := range ownBodyWords {
		if strings.Contains(text, wt[0]) {
			return wt[1], wt[0]
		}
	}
	words := strings.Fields(foldText(text))
	for i, w := range words {
		w = strings.Trim(w, ",.;:!?()«»\"")
		if i+1 == len(words) || !isAnyOf(w, "our", "notre", "nuestra", "nuestro", "наш", "наша", "наше", "нашего", "нашей", "нашем", "нашим") {
			continue
		}
		next := strings.Trim(words[i+1], ",.;:!?()«»\"")
		for _, ht := range ownBodyHeads {
			if next == ht[0] || isCyrillic(ht[0]) && strings.HasPrefix(next, ht[0]) {
				return ht[1], words[i] + " " + next
			}
		}
	}
	return "", ""
}

// arabicWriting are the verbs of writing or proposing in the first person, and "to you",
// one of which stands before «باسم» when the writer speaks for a body.
var arabicWriting = []string{"أكتب", "نكتب", "أتقدم", "نتقدم", "أتشرف", "نتشرف", "أتواصل", "نتواصل", "أراسلكم",
	"نراسلكم", "إليكم", "نقترح", "أقترح", "أتوجه", "نتوجه"}

// arabicOpeningVerbs are the verbs a formal Arabic sentence opens with before the body
// that presents, has the honour, wishes or proposes.
var arabicOpeningVerbs = wordSet(`تهدي يهدي تتشرف يتشرف تتقدم يتقدم تود يود ترغب يرغب تغتنم يغتنم تقترح يقترح يسر يسعد`)

// hanBehalfRE finds the body a Chinese writer speaks for: "我代表中国互联网协会", a name
// that ends with a body's noun.
var hanBehalfRE = regexp.MustCompile(`代表(\p{Han}{2,24}?(?:协会|協會|基金会|基金會|联合会|聯合會|促进会|促進會|研究会|研究會|学会|學會|联盟|聯盟|大学|大學|学院|學院|研究院|研究所|有限公司|公司|集团|集團|部|局|委员会|委員會))(?:[，。,.;；、\s（(：:向提参參就特申报報在对對]|$)`)

// arabicNameOfWords is the Arabic name of a body that words begin with (its head noun
// first): up to eight Arabic words, to a stop word or punctuation; "" when it has fewer
// than two.
func arabicNameOfWords(words []string) string {
	var name []string
	for _, w := range words[:min(len(words), 8)] {
		core := strings.TrimRight(w, ".,;:،؛!؟")
		if arabicNameStops[core] || !isArabicWord(core) {
			break
		}
		name = append(name, core)
		if core != w {
			break
		}
	}
	if len(name) < 2 {
		return ""
	}
	return strings.Join(name, " ")
}

// onBehalfOfNonLatin is onBehalfOf for Arabic, Russian and Chinese: «أكتب إليكم باسم
// جمعية التنمية الرقمية», «Пишу от имени Ассоциации интернет-провайдеров Урала» (the
// name in the nominative), «我代表中国互联网协会»; or "".
func onBehalfOfNonLatin(text string) string {
	if isASCII(text) {
		return ""
	}
	for _, ph := range []string{"باسم ", "نيابة عن ", "بالنيابة عن "} {
		i := strings.Index(text, ph)
		if i < 0 {
			continue
		}
		if !slices.ContainsFunc(arabicWriting, func(w string) bool { return strings.Contains(text[max(0, i-40):i], w) }) {
			continue // «هل يجب أن يكون المقترح باسم مؤسسة»: asked about, not written for
		}
		words := strings.Fields(text[i+len(ph):])
		if len(words) == 0 || arabicHeadType(words[0]) == "" {
			continue
		}
		if name := arabicNameOfWords(words); name != "" {
			return name
		}
	}
	if i := strings.Index(text, "от имени "); i >= 0 {
		words := strings.Fields(text[i+len("от имени "):])
		if len(words) > 0 && startsUpper(words[0]) {
			if org := russianOrganisation(append([]string{"имени"}, words[:min(len(words), 10)]...)); org != "" {
				return org
			}
		}
	}
	if m := hanBehalfRE.FindStringSubmatch(text); m != nil && !hasAnyPrefix(m[1], "一", "几", "幾", "这", "這", "某", "贵", "貴") {
		return m[1]
	}
	return ""
}

// hanStudentRE finds a Chinese writer who says they are a student: "我是清华大学的研究生".
var hanStudentRE = regexp.MustCompile(`我是[^，。,.！？!?]{0,20}?(?:学生|學生|研究生|博士生|本科生)`)

// writesAsStudent reports whether the writer says they are a student: they write for
// themselves, whatever university they name.
func (v *vocabulary) writesAsStudent(text string, lt lineTerms) bool {
	if n, _ := v.students.countIn(lt.get(text)); n > 0 {
		return true
	}
	return strings.Contains(text, "我是") && hanStudentRE.MatchString(text)
}

// contributionPhrases name the body whose contribution a message brings: "please find
// attached the contribution of Women in Tech Uganda", «la contribution de l'Association
// des Blogueurs du Mali», «مرفق مساهمة الجمعية التونسية للإنترنت».
var contributionPhrases = []string{"the contribution of ", "the submission of ", "the input of ", "the comments of ",
	"la contribution de l'", "la contribution de la ", "la contribution du ", "la contribución de la ",
	"la contribución del ", "el aporte de la ", "el aporte del ", "los aportes de la ", "los aportes del "}

// contributionOf is the body a contribution is said to be of, when its name holds an
// organisation word ("the contribution of ICTs to Sustainable Development" names none);
// or "".
func (v *vocabulary) contributionOf(text string) string {
	lower := strings.ToLower(text)
	for _, ph := range contributionPhrases {
		i := strings.Index(lower, ph)
		if i < 0 {
			continue
		}
		rest := text[i+len(ph):]
		if end := strings.IndexAny(rest, ".;:,(\n"); end >= 0 {
			rest = rest[:end]
		}
		words := strings.Fields(rest)
		if len(words) > 0 && isAnyOf(words[0], "the") {
			words = words[1:]
		}
		if name := capitalisedName(words); name != "" && v.namesOrganisation(name) {
			return name
		}
	}
	for _, ph := range []string{"مساهمة ", "مقترحات ", "ملاحظات "} {
		i := strings.Index(text, ph)
		if i < 0 {
			continue
		}
		words := strings.Fields(text[i+len(ph):])
		if len(words) < 2 || arabicHeadType(words[0]) == "" {
			continue
		}
		if name := arabicNameOfWords(words); name != "" {
			return name
		}
	}
	return ""
}

// tradeWords end a company's name as it is written, when no legal form follows: what
// the company sells ("Quillstone Analytics", "Andina Soluciones") or that it is a firm of
// partners ("Vernier & Associés"). Matched with their case, as the last word of a name.
var tradeWords = wordSet(`Analytics Solutions Technologies Systems Software Partners Associates Ventures Capital
	Holdings Enterprises Industries Advisors Advisers Consulting Consultants Associés Systèmes Logiciels Ingénierie
	Soluciones Tecnologías Sistemas Asociados Consultores Ingeniería Consultoría`)

// nameLinks are the words a company's name may hold in lower case or as signs.
var nameLinks = wordSet(`& and et y e und`)

// tradeName returns the word a company's name ends with when a part of a line is such a
// name: two to five words, each capitalised or a link ("&", "et", "y"), the last a trade
// word or a consultancy's ("Quillstone Analytics (Bangalore / London)", "Vernier &
// Associés Conseil"), the first none ("Systems and Solutions" names no company); a
// remark in brackets after the name aside. "Director of Information Systems" is a post.
func tradeName(part string) string {
	if i := strings.IndexAny(part, "(（"); i > 0 {
		part = part[:i]
	}
	part = strings.Trim(part, " \t,;.")
	if t := hanTradeName(part); t != "" {
		return t
	}
	words := strings.Fields(part)
	if len(words) < 2 || len(words) > 5 {
		return ""
	}
	last := words[len(words)-1]
	if !tradeWords[last] && consultancyName(part) == "" {
		return ""
	}
	if tradeWords[words[0]] {
		return ""
	}
	for _, w := range words {
		if !startsUpper(w) && !nameLinks[w] {
			return ""
		}
	}
	return last
}

// hanTradeWords end a Chinese company's name when its form (有限公司) is left out.
var hanTradeWords = []string{"科技", "咨询", "諮詢", "软件", "軟件", "顾问", "顧問"}

// hanTradeName is tradeName for a Chinese name: four to sixteen Han characters ending
// with a trade word ("云杉数据科技", "海川咨询"), or "".
func hanTradeName(part string) string {
	n := 0
	for _, r := range part {
		if !unicode.Is(unicode.Han, r) {
			return ""
		}
		n++
	}
	if n < 4 || n > 16 {
		return ""
	}
	for _, w := range hanTradeWords {
		if strings.HasSuffix(part, w) {
			return w
		}
	}
	return ""
}

// companySigned is the company a writer from a personal address signs for: a part of
// one of the last three lines of the signature that tradeName takes for a company's
// name and that is no post ("Associé gérant - Vernier & Associés Conseil, cabinet de
// conseil" names the firm), or "".
func (v *vocabulary) companySigned(sig []string, lt lineTerms) string {
	for i := len(sig) - 1; i >= 0 && i >= len(sig)-3; i-- {
		for _, part := range lineSegments(sig[i]) {
			if tradeName(part) == "" {
				continue
			}
			if n, _ := v.jobTitles.countIn(lt.get(part)); n > 0 {
				continue
			}
			if j := strings.IndexAny(part, "(（"); j > 0 {
				part = part[:j]
			}
			return trimName(trimSpace(part))
		}
	}
	return ""
}

// quotedCompanyNouns say what a company is before its name in quotation marks.
var quotedCompanyNouns = wordSet(`company firm société entreprise empresa compañía компания компании компанию компанией
	Company Firm Société Entreprise Empresa Compañía Компания Компании Компанию Компанией`)

// quotedCompany returns the name a text sets in quotation marks after a company noun
// («Компания «Сибирские облачные системы» подает заявку», "la société « Kora Data »",
// "la empresa \"Andes Datos\"") or the civil form written first («от АНО «Цифровая
// деревня»»), and the noun; "" when none. The name opens with a
// capital: "the company “as is”" names none.
func quotedCompany(text string) (name, noun string) {
	if !strings.ContainsAny(text, "«\"“„") {
		return "", ""
	}
	words := strings.Fields(text)
	for i := 0; i+1 < len(words); i++ {
		if !quotedCompanyNouns[words[i]] && !civilFormFirst[words[i]] {
			continue
		}
		j := i + 1
		if words[j] == "«" || words[j] == "\"" || words[j] == "“" || words[j] == "„" {
			j++ // « Kora Data »
			if j >= len(words) {
				break
			}
		} else if strings.IndexAny(words[j], "«\"“„") != 0 {
			continue
		}
		var b strings.Builder
		for k := j; k < len(words) && k < j+8; k++ {
			w := words[k]
			if k == j {
				w = strings.TrimLeft(w, "«\"“„")
				if !startsUpper(w) {
					break
				}
			}
			if end := strings.IndexAny(w, "»\"”"); end >= 0 || w == "»" {
				if end > 0 {
					if b.Len() > 0 {
						b.WriteByte(' ')
					}
					b.WriteString(w[:end])
				}
				if b.Len() > 0 {
					return b.String(), strings.ToLower(words[i])
				}
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
	}
	return "", ""
}

// domainSpelledIn returns the name a text spells the domain's label with, in capitalised
// words: the words whose letters make the label ("Tamarind Collective" for
// tamarindcollective), or open it and end with a word the rest of the label opens,
// skipping at most two words between ("Lakeside Institute of Technology" for
// lakesidetech); capitalised words right after it belong to the name ("Kibera Reads
// Trust" for kiberareads). "" when the text spells it nowhere.
func domainSpelledIn(text, label string) string {
	if len(label) < 8 || !isASCII(label) {
		return ""
	}
	// A quick look first: the first word spelling it has three letters or more.
	if !strings.Contains(strings.ToLower(text), label[:3]) {
		return ""
	}
	words := strings.Fields(text)
	for i, w := range words {
		if !startsUpper(w) {
			continue
		}
		j, ok := spellsLabel(words, i, label)
		if !ok {
			continue
		}
		// Capitalised words right after the label's belong to the name.
		for ; j < len(words) && j-i < 6 && startsUpper(words[j]) && !endsNamePart(words[j-1]); j++ {
		}
		return strings.Trim(strings.Join(words[i:j], " "), ",;:.!?()\"«»“”")
	}
	return ""
}

// spellsLabel reports whether the words from i on spell a domain's label as
// domainSpelledIn reads them, and the index of the word after them.
func spellsLabel(words []string, i int, label string) (int, bool) {
	rest, skipped := label, 0
	for j := i; j < len(words); j++ {
		if j > i && endsNamePart(words[j-1]) {
			return 0, false // the name ends at punctuation
		}
		c := strings.ToLower(lettersOnly(words[j]))
		switch {
		case j == i && len(c) < 3:
			return 0, false
		case c != "" && strings.HasPrefix(rest, c):
			rest = rest[len(c):]
		case j > i && len(rest) >= 3 && strings.HasPrefix(c, rest):
			rest = ""
		case j > i && skipped < 2 && len(label)-len(rest) >= 4 && (startsUpper(words[j]) || nameLinks[words[j]] ||
			isAnyOf(words[j], "of", "de", "du", "des", "for", "del", "la")):
			skipped++
		default:
			return 0, false
		}
		if rest == "" {
			return j + 1, true
		}
	}
	return 0, false
}

// endsNamePart reports whether a word ends with punctuation that ends a name.
func endsNamePart(w string) bool {
	return strings.ContainsAny(w, ",;:.!?)")
}

// mainScript is the script most letters of s are written in: 'L' Latin, 'A' Arabic, 'H'
// Han, 'C' Cyrillic; 0 for none of them. A Han character counts as two letters.
func mainScript(s string) byte {
	c := countScripts(s)
	best, script := 0, byte(0)
	for _, k := range []struct {
		n int
		s byte
	}{{c.latin, 'L'}, {c.arabic, 'A'}, {2 * c.han, 'H'}, {c.cyrillic, 'C'}} {
		if k.n > best {
			best, script = k.n, k.s
		}
	}
	return script
}

// nameInScript is the name of the sender's organisation a text gives in its own script
// (script, as mainScript says it): a part of a signature line with an organisation word
// ("數碼共融協會" under a Chinese text), the body a sentence opens with («Представительство
// ЮНИСЕФ в Кыргызстане направляет»), with an Arabic verb before it («تتقدم مجموعة
// سنابل للاتصالات بمساهمتها»), or the body written for; "" when none.
func (v *vocabulary) nameInScript(fresh string, sig []string, script byte, lt lineTerms) string {
	for i := len(sig) - 1; i >= 0; i-- {
		line := trimSpace(sig[i])
		if n := utf8.RuneCountInString(line); n > 60 || endsSentence(line) || holdsSentenceEnd(line) ||
			strings.ContainsAny(line, "。；：「」") || isListItem(line) || strings.IndexFunc(line, unicode.IsDigit) >= 0 {
			continue // a sentence of the text, not a line of the signature
		}
		for _, part := range lineSegments(line) {
			if mainScript(part) != script || !hasWords(part, 2) && script != 'H' || !v.isOrganisationLine(part, lt) {
				continue
			}
			if first, _, _ := strings.Cut(foldText(part), " "); isAnyOf(first, "наша", "наш", "нашей", "наше", "мы", "我们", "我們", "نحن") {
				continue // «Наша компания…»: a sentence about the writers
			}
			if n, _ := v.jobTitles.countIn(lt.get(part)); n > 0 {
				continue
			}
			return trimName(part)
		}
	}
	if _, head := lt.sentenceSubject(fresh); head != "" && mainScript(head) == script {
		// «يتشرف مركز البحث…»: an Arabic head that opens with a verb is no name.
		if first, _, _ := strings.Cut(head, " "); script != 'A' || arabicHeadType(first) != "" {
			return head
		}
	}
	if script == 'A' {
		for sentence := range strings.SplitSeq(fresh, "\n") {
			words := strings.Fields(sentence)
			if len(words) < 3 || arabicHeadType(words[1]) == "" || arabicHeadType(words[0]) != "" {
				continue
			}
			// «تتقدم مجموعة …»: a verb, then the body; the name ends before the word its
			// action goes on with («بمساهمتها»).
			name := arabicNameOfWords(words[1:])
			if f := strings.Fields(name); len(f) > 2 {
				for k, w := range f[1:] {
					if strings.HasSuffix(w, "ها") && utf8.RuneCountInString(w) > 4 {
						name = strings.Join(f[:k+1], " ")
						break
					}
				}
			}
			if name != "" {
				return name
			}
		}
	}
	if org := onBehalfOfNonLatin(fresh); org != "" && mainScript(org) == script {
		return org
	}
	return ""
}

// fromMarkers are the words before the name of the body a writer writes from or for
// ("Desde Nodo Sur, cooperativa de trabajo…", "At Tamarind Collective we…", «От имени
// …», «باسم …», "代表…"), folded, with the space after them where words are spaced.
var fromMarkers = []string{"desde ", "de parte de ", "en nombre de ", "from ", "at ", "on behalf of ", "au nom de ",
	"de la part de ", "chez ", "depuis ", "от имени ", "باسم ", "من ", "代表", "来自", "來自"}

// displayNameInText is the display name of a personal address when the text names it as
// the body the writer writes from or for, after one of fromMarkers ("Nodo Sur
// <nodosur.coop@gmail.com>" writing "Desde Nodo Sur, cooperativa de trabajo…"); "" when
// it does not. A person's name in the display name is not written so.
func displayNameInText(name, fresh string) string {
	name = strings.Trim(trimSpace(name), `"'`)
	if utf8.RuneCountInString(name) < 4 || strings.Contains(name, "@") {
		return ""
	}
	if !strings.Contains(fresh, name) {
		return "" // the name as the display name writes it, first
	}
	fname, ftext := foldText(name), foldText(fresh)
	for rest := ftext; ; {
		i := strings.Index(rest, fname)
		if i < 0 {
			return ""
		}
		before := rest[:i]
		rest = rest[i+len(fname):]
		if r, _ := utf8.DecodeRuneInString(rest); isWordRune(r) {
			continue // a part of a longer word
		}
		for _, m := range fromMarkers {
			if strings.HasSuffix(before, m) {
				if k := len(before) - len(m); k == 0 || !isWordRune(lastRune(before[:k])) || !isASCII(m) {
					return name
				}
			}
		}
	}
}

// lastRune is the last rune of s, or utf8.RuneError for "".
func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// noteVerbaleSender is the body a note verbale comes from, written from a personal
// address: the body its first sentence opens with, when the text presents the body's
// compliments («Постоянное представительство Республики Беларусь … свидетельствует своё
// уважение», "The Permanent Mission of Ghana presents its compliments"); "" when it is
// no note verbale.
func (v *vocabulary) noteVerbaleSender(fresh string, lt lineTerms) string {
	if !strings.Contains(fresh, "compliments") && !strings.Contains(fresh, "atentamente") &&
		!strings.Contains(fresh, "уважени") && !strings.Contains(fresh, "تحيات") && !strings.Contains(fresh, "致意") {
		return "" // none of the phrases' words, so none of the phrases
	}
	if n, _ := v.compliments.countIn(v.newFoldedTextIn(foldText(fresh), lt.slab)); n == 0 {
		return ""
	}
	typ, head := lt.sentenceSubject(fresh)
	if typ != store.StakeholderGovernment && typ != store.StakeholderInternationalO {
		return ""
	}
	return head
}

// missionOpenings open the name of a state's permanent mission, folded.
var missionOpenings = []string{"permanent mission of", "mission permanente de", "mission permanente du",
	"mision permanente de", "mision permanente del", "постоянное представительство", "постоянного представительства"}

// missionName returns what names a state's permanent mission in a part of a line
// (folded as folded): its opening ("Permanent Mission of Kenya to the United Nations
// Office at Geneva", «البعثة الدائمة لجمهورية مصر العربية لدى الأمم المتحدة»), or in
// Chinese 常驻 before a name ending with 代表团; "" when it names none.
func missionName(part, folded string) string {
	if strings.Contains(part, "常驻") || strings.Contains(part, "常駐") {
		if strings.HasSuffix(part, "代表团") || strings.HasSuffix(part, "代表團") {
			return "常驻…代表团"
		}
		return ""
	}
	if len(folded) < 20 {
		return ""
	}
	if strings.HasPrefix(part, "البعثة الدائمة ل") {
		return "البعثة الدائمة" // as written: folding changes its letters
	}
	for _, m := range missionOpenings {
		if strings.HasPrefix(folded, m) {
			return m
		}
	}
	return ""
}

// bracketedAcronymRE finds an acronym in brackets after a name: "(OIF)", "(UIT)".
var bracketedAcronymRE = regexp.MustCompile(`\(([A-ZÀ-ÖØ-Þ]{2,8})\)`)

// bodyOfDomainInText is the name a text spells with an acronym in brackets, the acronym
// the domain's label or the name holding the label as a word ("Organisation
// internationale de la Francophonie (OIF)" for francophonie.org), with the acronym; ""
// when none does.
func bodyOfDomainInText(text, label string) string {
	if len(label) < 3 || !strings.Contains(text, "(") {
		return ""
	}
	for _, m := range bracketedAcronymRE.FindAllStringSubmatchIndex(text, 4) {
		acr := text[m[2]:m[3]]
		long := nameBeforeAcronym(text[:m[0]], acr)
		if long == "" {
			continue
		}
		if foldText(acr) == label {
			return long + " (" + acr + ")" // apt.int for the Asia-Pacific Telecommunity (APT)
		}
		for w := range strings.FieldsSeq(foldText(long)) {
			if len(label) >= 4 && lettersOnly(w) == label {
				return long + " (" + acr + ")"
			}
		}
	}
	return ""
}

// acronymLinks are the small words an acronym leaves out, folded.
var acronymLinks = wordSet(`de la le les des du d' of the and for del y et el los las en`)

// nameBeforeAcronym is the name that ends text and whose words, the small ones
// (acronymLinks) aside, open with the acronym's letters: "L'Organisation internationale
// de la Francophonie" before "(OIF)", the article left out; "" when the words do not
// spell it.
func nameBeforeAcronym(text, acr string) string {
	want := []rune(strings.ToLower(acr))
	words := strings.Fields(text)
	k := len(want)
	for j := len(words) - 1; j >= 0 && len(words)-j <= 3*len(want); j-- {
		core := strings.TrimLeft(words[j], "«\"“(")
		for _, el := range []string{"L'", "l'", "L’", "l’", "D'", "d'"} {
			if rest, ok := strings.CutPrefix(core, el); ok && rest != "" {
				core = rest
				break
			}
		}
		if acronymLinks[strings.ToLower(core)] {
			continue
		}
		r, _ := utf8.DecodeRuneInString(core)
		if k == 0 || unicode.ToLower(r) != want[k-1] {
			return ""
		}
		k--
		if k == 0 {
			name := strings.Join(append([]string{core}, words[j+1:]...), " ")
			return strings.TrimRight(name, " ,;:")
		}
	}
	return ""
}
