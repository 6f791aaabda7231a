package parse

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/wsis/wsisbot/store"
)

// Suggestion is what Suggest makes of a contribution, for a person to
// confirm: the contribution kind (thematic, format, hltf_nomination,
// photo_contest, workshop_request, inquiry, other), the stakeholder type
// (government, private_sector, civil_society, academia_technical,
// international_organization, other), the WSIS Action Lines (C1…C11), the
// language, the organisation, and why.
type Suggestion struct {
	Kind            store.ContributionKind `json:"kind"`
	StakeholderType string                 `json:"stakeholder_type"`
	ActionLines     []string               `json:"action_lines,omitempty"`
	Language        string                 `json:"language,omitempty"`
	Organisation    string                 `json:"organisation,omitempty"`
	Reasons         []string               `json:"reasons,omitempty"`
	// KindGuessed says that the kind rests on no kind named in the mail: thematic for
	// a submission that names none, or other for nothing at all. A mailbox's default
	// kind (WSISBOT_MAILBOX_<NAME>_KIND) takes the place of such a guess.
	KindGuessed bool `json:"-"`
}

// vocabulary is every word list the suggestions look for, in the six languages, folded
// and indexed once by newVocabulary. It is read-only afterwards and safe for concurrent
// use.
type vocabulary struct {
	termSet
	evidence
	// kinds are the words that point to a contribution kind, in order of precedence
	// when scores tie.
	kinds []kindTerms
	// submission terms mark an official submission without saying on what: the
	// consultation's submissions are on thematic aspects first.
	submission termList
	// calls name the Forum's own call for submissions ("Re: Appel à propositions
	// d'ateliers", «Сбор предложений»): its word of submission is the call's, not the writer's.
	calls termList
	// inquiry terms mark a question rather than a contribution.
	inquiry termList
	// workshop are the kind terms of a workshop request, also among kinds; formatKind
	// those of a format proposal.
	workshop, formatKind termList
	// innovation words name the format kind only beside its words or the way the Forum
	// is run ("innovations in the format"), not in a theme ("digital innovation").
	innovation termList
	// actionLineTerms point to the WSIS Action Lines C1…C11.
	actionLineTerms [11]termList
	// stakeholders are organisation words of each stakeholder type, looked for in the
	// sender's name, organisation and signature.
	stakeholders []stakeholderTerms
	// internationalDomains are domains of international organisations not under .int.
	internationalDomains map[string]bool
	// freemailDomains say nothing about the sender: webmail, and the mailboxes internet
	// providers give their subscribers (eircom.net, moov.mg, telkomsa.net).
	freemailDomains map[string]bool
	// secondLevel are the labels under a country code that say what a domain is
	// (gov.ng, ac.uk, com.cn), dropped when naming the organisation.
	secondLevel map[string]bool
	// forwardingIndex and stakeholdersIndex index the forwarding words and the
	// stakeholders' words alone, for a long text where nothing else is looked for.
	forwardingIndex, stakeholdersIndex *termIndex
}

type kindTerms struct {
	kind  store.ContributionKind
	terms termList
}

type stakeholderTerms struct {
	typ   string
	terms termList
}

// defaultVocabulary is the vocabulary of Suggest and SuggestFrom, built the first time
// a suggestion is made.
var defaultVocabulary = sync.OnceValue(newVocabulary)

// newVocabulary folds and indexes the word lists.
func newVocabulary() *vocabulary {
	v := &vocabulary{}
	v.kinds = []kindTerms{
		{store.KindHLTFNomination, v.list(
			"high-level track facilitator*", "high level track facilitator*", "hltf",
			"facilitateur* de haut niveau", "facilitatrice* de haut niveau", "animateur* de haut niveau",
			"facilitador* de alto nivel", "facilitadora* de alto nivel", "moderador* de alto nivel",
			"ведущ* сегмента высокого уровня", "координатор* сегмента высокого уровня", "модератор* сегмента высокого уровня",
			"高级别会议主持人", "高级别分会场主持人", "高级别主持人", "高級別主持人",
			"ميسر المسار الرفيع المستوى", "ميسري المسار الرفيع المستوى", "ميسّر المسار الرفيع المستوى",
			"nomination*", "nominate*", "nominación", "nominaciones", "candidature*", "кандидатур*", "выдвижени*",
			"提名", "ترشيح",
			// a person put forward in other words ("we would like to put forward the name
			// of Dr Amina Yusuf", «نرشح الدكتورة …», "推荐她担任")
			"put forward the name", "put forward the candidacy", "put forward her name", "put forward his name",
			"propose the name of", "proposer le nom de", "proposer la candidature", "présenter la candidature",
			"proponer el nombre de", "proponer la candidatura", "presentar la candidatura", "postular a la", "postular al",
			"предложить кандидатуру", "предлагает кандидатуру", "выдвинуть кандидатуру", "выдвигает кандидатуру",
			"推荐她担任", "推荐他担任", "推薦她擔任", "推薦他擔任", "نرشح", "يرشح", "نتشرف بترشيح",
		)},
		{store.KindPhotoContest, v.list(
			"photo contest", "photo competition", "photography contest", "photography competition",
			"concours photo*", "concours de photo*", "concours de la photo*",
			"concurso de fotografía", "concurso fotográfico", "concurso de fotos", "concurso de fotografias",
			"фотоконкурс*", "конкурс фотографи*",
			"摄影比赛", "摄影大赛", "攝影比賽", "照片比赛", "摄影竞赛",
			"مسابقة الصور", "مسابقة التصوير", "مسابقة للصور", "مسابقة الصورة",
		)},
		{store.KindWorkshopRequest, v.list(
			"workshop", "atelier", "taller", "семинар*", "воркшоп*",
			"seminar", "séminaire", "seminario", "webinar", "webinaire", "вебинар*", "masterclass", "master class",
			"研讨会", "讲习班", "工作坊", "研討會", "ورشة", "ورش عمل",
		)},
		{store.KindFormat, v.list(
			"format", "formato*", "формат*", "形式", "شكل المنتدى",
			// the Arabic نسق with a word before it: منسق (a coordinator) holds its letters
			"النسق", "في نسق", "حول نسق", "بشأن نسق", "تطوير نسق", "لنسق",
		)},
		{store.KindThematic, v.list(
			"thematic", "theme", "thème*", "thématique*", "temático*", "temática*", "tema", "temas",
			"тематик*", "тематическ*", "тема", "темы", "专题", "專題", "主题", "主題",
			"المواضيع", "موضوعي", "المواضيعية", "الموضوعية", "الجوانب المواضيعية",
		)},
	}

	// "Innovations in the format of the Forum": innovation names the kind only beside the
	// format or the way the Forum is run; "digital innovation for SMEs" is a theme.
	v.innovation = v.list("innovation*", "innovación", "innovaciones", "инноваци*", "创新", "創新", "ابتكار")
	for _, k := range v.kinds {
		if k.kind == store.KindWorkshopRequest {
			v.workshop = k.terms
		}
		if k.kind == store.KindFormat {
			v.formatKind = k.terms
		}
	}

	v.submission = v.list(
		"submission*", "contribution*", "soumission*", "contribución", "contribuciones", "aportación", "aporte",
		"вклад*", "предложени*", "提交", "意见", "意見", "مساهمة", "مقترح", "تقديم",
		"comments", "commentaires", "comentarios", "observations", "observaciones", "замечани*", "комментари*",
		"评论", "看法", "观点", "觀點", "تعليقات", "ملاحظات", "رأي", "views", "our view", "notre avis",
		"nuestra opinión", "мнение", "позици*",
		"input*", "our input", "recommendations", "apport*", "propositions", "aporte*", "propuestas", "материал*",
		"意见书", "意見書", "مساهمتنا",
	)

	v.calls = v.list("call for proposals", "call for submissions", "call for contributions", "call for inputs",
		"appel à propositions", "appel à contributions", "appel à soumissions", "convocatoria de propuestas",
		"convocatoria de contribuciones", "llamado a propuestas", "llamado a contribuciones", "сбор предложений",
		"приём предложений", "прием предложений", "征集意见", "徵集意見", "征集提案", "徵集提案",
		"دعوة لتقديم المقترحات", "دعوة لتقديم المساهمات")

	v.inquiry = v.list(
		"question*", "query", "inquiry", "enquiry", "could you", "can you", "how can", "how do", "is it possible",
		"renseignement*", "est-ce que", "pourriez-vous", "pouvez-vous",
		"pregunta*", "consulta", "quisiera saber", "podrían", "podria", "¿",
		"вопрос*", "подскажите", "не могли бы",
		"请问", "问题", "咨询", "諮詢", "問題", "سؤال", "استفسار", "هل يمكن",
	)

	v.actionLineTerms = [11]termList{
		v.list("role of government*", "role of public governance authorities", "rôle des gouvernements", "rôle des pouvoirs publics",
			"papel de los gobiernos", "función de los gobiernos", "роль правительств*", "роль государств*",
			"政府的作用", "دور الحكومات"),
		v.list("infrastructure*", "broadband", "connectivity", "haut débit", "connectivité", "infraestructura*", "banda ancha",
			"conectividad", "инфраструктур*", "широкополосн*", "基础设施", "宽带", "基礎設施", "寬頻", "البنية التحتية", "النطاق العريض"),
		v.list("access to information", "access to knowledge", "open data", "accès à l'information", "accès au savoir",
			"accès aux connaissances", "acceso a la información", "acceso al conocimiento", "доступ к информации",
			"доступ к знаниям", "获取信息", "获取知识", "獲取資訊", "النفاذ إلى المعلومات", "الوصول إلى المعلومات"),
		v.list("capacity building", "capacity-building", "digital skills", "training", "renforcement des capacités",
			"compétences numériques", "formation", "creación de capacidad*", "fortalecimiento de capacidades",
			"desarrollo de capacidades", "capacitación", "наращивани* потенциала", "создани* потенциала",
			"цифров* навык*", "обучени*", "能力建设", "能力建設", "培训", "بناء القدرات", "المهارات الرقمية", "التدريب"),
		v.list("cybersecurity", "cyber security", "cyber-security", "security", "cybersécurité", "sécurité", "ciberseguridad",
			"seguridad", "кибербезопасност*", "безопасност*", "网络安全", "網絡安全", "信息安全", "资安", "الأمن السيبراني", "أمن المعلومات"),
		v.list("enabling environment", "regulation*", "regulatory", "policy framework", "environnement favorable",
			"réglementation", "régulation", "entorno propicio", "regulación", "reglamentación", "благоприятн* сред*",
			"регулировани*", "регуляторн*", "有利环境", "扶持性环境", "监管", "監管", "البيئة التمكينية", "الإطار التنظيمي", "التنظيم"),
		v.list("e-health", "ehealth", "e-learning", "elearning", "e-government", "egovernment", "e-business", "e-commerce",
			"e-employment", "e-environment", "e-agriculture", "e-science", "ict applications", "cybersanté", "télésanté",
			"e-santé", "apprentissage en ligne", "administration électronique", "gouvernement électronique",
			"salud electrónica", "telesalud", "aprendizaje electrónico", "gobierno electrónico", "comercio electrónico",
			"электронн* здравоохранени*", "электронн* обучени*", "электронн* правительств*", "телемедицин*",
			"电子卫生", "电子健康", "电子学习", "电子政务", "电子商务", "電子政務", "远程医疗",
			"الصحة الإلكترونية", "التعلم الإلكتروني", "الحكومة الإلكترونية", "التجارة الإلكترونية"),
		v.list("cultural diversity", "linguistic diversity", "local content", "multilingualism", "diversité culturelle",
			"diversité linguistique", "contenu local", "contenus locaux", "multilinguisme", "diversidad cultural",
			"diversidad lingüística", "contenido local", "contenidos locales", "multilingüismo",
			"культурн* разнообрази*", "языков* разнообрази*", "местн* контент*", "многоязычи*",
			"文化多样性", "语言多样性", "本地内容", "文化多樣性", "التنوع الثقافي", "التنوع اللغوي", "المحتوى المحلي"),
		v.list("media", "journalism", "médias", "journalisme", "medios de comunicación", "periodismo", "сми",
			"средств* массовой информации", "медиа", "журналист*", "媒体", "媒體", "新闻", "وسائط الإعلام", "الإعلام", "الصحافة"),
		v.list("ethic*", "éthique*", "ética*", "этик*", "этическ*", "伦理", "倫理", "الأخلاق", "أخلاقيات"),
		v.list("cooperation", "co-operation", "coopération", "cooperación", "сотрудничеств*", "合作", "التعاون"),
	}

	v.stakeholders = []stakeholderTerms{
		{store.StakeholderInternationalO, v.list("united nations", "nations unies", "naciones unidas",
			"организаци* объединенных наций", "организаци* объединённых наций", "联合国", "聯合國", "الأمم المتحدة",
			"unesco", "unctad", "cnuced", "undp", "pnud", "itu", "uit", "world bank", "banque mondiale", "banco mundial",
			"oecd", "ocde", "international telecommunication union", "union internationale des télécommunications")},
		{store.StakeholderGovernment, v.list("ministry", "minister", "ministère", "ministre", "ministerio", "ministro", "ministra",
			"министерств*", "министр*", "government", "gouvernement", "gobierno", "правительств*", "政府", "部长",
			"حكومة", "وزارة", "وزير", "regulatory authority", "regulator*", "autorité de régulation", "autorité de régulation",
			"permanent mission", "mission permanente", "misión permanente", "постоянн* представительств*", "常驻代表团",
			"البعثة الدائمة", "embassy", "ambassade", "embajada", "посольств*", "大使馆", "سفارة",
			"commission", "authority", "autorité", "comisión", "autoridad", "комисси*", "委员会", "هيئة",
			"federal office", "office fédéral", "bundesamt", "ufficio federale",
			"secretaría de", "secrétariat d'état", "agence nationale", "national agency", "agencia nacional",
			"هيئة تنظيم", "الهيئة الوطنية", "الوكالة الوطنية", "工业和信息化部",
			// a national commission («اللجنة الوطنية المصرية لليونسكو»), a province's or a
			// city's data bureau and its people's government (广西壮族自治区大数据发展局)
			"اللجنة الوطنية", "لجنة وطنية", "大数据局", "大數據局", "大数据发展局", "大數據發展局", "数据局", "數據局",
			"人民政府")},
		{store.StakeholderAcademia, v.list("university", "université", "universidad", "universidade", "universität",
			"университет*", "нии", "научно-исследовательск*", "research centre", "research center", "centre de recherche*",
			"centro de investigación", "исследовательский центр", "研究中心", "مركز بحوث", "مركز أبحاث", "لبحوث", "للبحوث", "大学", "大學", "جامعة", "institute of technology", "polytechni*", "research institute",
			"institut de recherche", "instituto de investigación", "academy of sciences", "académie", "академи*",
			"学院", "研究所", "研究院", "معهد", "كلية", "école", "escuela", "college", "faculty", "faculté", "facultad",
			"internet society", "isoc", "جمعية الإنترنت", "جمعية الانترنت", "icann", "ietf", "w3c", "ripe ncc", "afrinic", "apnic", "lacnic", "arin")},
		{store.StakeholderCivilSociety, v.list("non-governmental", "non-profit", "nonprofit", "foundation",
			"fondation", "fundación", "association", "asociación", "société civile", "sociedad civil", "civil society",
			"фонд*", "ассоциаци*", "некоммерческ*", "общественн*", "协会", "基金会", "協會", "基金會",
			"جمعية", "مؤسسة", "منظمة غير حكومية", "المجتمع المدني", "network", "réseau", "red de", "alliance",
			"coalition", "ассоциация")},
		{store.StakeholderPrivateSector, v.list("inc", "ltd", "llc", "gmbh", "sarl", "sas", "plc", "corp*", "company",
			"société", "empresa", "compañía", "telecom*", "technologies", "consulting", "компания", "ооо", "пао",
			"оао", "зао", "公司", "有限公司", "集团", "شركة")},
	}

	v.internationalDomains = wordSet(`un.org unesco.org undp.org unctad.org fao.org unep.org unwomen.org wfp.org
	ilo.org intracen.org unodc.org unicef.org unido.org unitar.org unhcr.org uneca.org unescap.org cepal.org
	unece.org unfpa.org ifad.org iaea.org worldbank.org oecd.org europa.eu unu.edu unops.org`)

	v.freemailDomains = wordSet(`gmail.com googlemail.com yahoo.com yahoo.fr yahoo.es yahoo.co.uk hotmail.com
	hotmail.fr hotmail.es outlook.com outlook.fr live.com live.fr msn.com aol.com icloud.com me.com mail.ru
	yandex.ru yandex.com ya.ru rambler.ru bk.ru list.ru inbox.ru qq.com 163.com 126.com sina.com sina.cn
	sohu.com yeah.net foxmail.com protonmail.com proton.me gmx.com gmx.net gmx.de web.de orange.fr free.fr
	laposte.net wanadoo.fr sfr.fr terra.com uol.com.br bol.com.br
	bluewin.ch gmx.ch t-online.de libero.it virgilio.it alice.it tiscali.it seznam.cz wp.pl o2.pl onet.pl
	naver.com daum.net hanmail.net mail.com zoho.com tutanota.com fastmail.com fastmail.fm fastmail.net posteo.de hushmail.com rocketmail.com
	btinternet.com comcast.net verizon.net att.net sbcglobal.net sympatico.ca shaw.ca rogers.com videotron.ca cogeco.ca telus.net bigpond.com
	optusnet.com.au xtra.co.nz skynet.be telenet.be neuf.fr numericable.fr bbox.fr club-internet.fr aliceadsl.fr
	ukr.net i.ua tut.by mail.kz bigmir.net inbox.lv 139.com aliyun.com 21cn.com tom.com hinet.net netvigator.com
	yahoo.co.jp prodigy.net.mx arnet.com.ar fibertel.com.ar speedy.com.ar cantv.net menara.ma topnet.tn
	planet.tn emirates.net.ae link.net.eg
	eircom.net iol.ie moov.mg blueyonder.co.uk ntlworld.com virginmedia.com talktalk.net sky.com tiscali.co.uk
	telkomsa.net mweb.co.za telefonica.net wanadoo.es ono.com sapo.pt netcabo.pt vsnl.net bezeqint.net
	otenet.gr tin.it ngs.ru pacific.net.sg singnet.com.sg tm.net.my streamyx.com`)

	v.secondLevel = wordSet(`gov gouv gob go govt gv mil edu ac co com org net or ne nic ltd plc sch res int admin`)
	v.newEvidence()
	extra := v.extraStakeholderWords()
	extra[store.StakeholderCivilSociety] = append(extra[store.StakeholderCivilSociety], peoplesWords...)
	for i, st := range v.stakeholders {
		have := map[string]bool{}
		for _, t := range st.terms {
			have[t.text] = true
		}
		for _, w := range extra[st.typ] {
			if !have[strings.ReplaceAll(w, "*", "")] {
				v.stakeholders[i].terms = append(v.stakeholders[i].terms, v.list(w)...)
			}
		}
	}
	// The lists made of others are read as often as those list made.
	for _, st := range v.stakeholders {
		v.register(st.terms)
	}
	for _, k := range v.kinds {
		v.register(k.terms)
	}
	v.indexTerms()
	v.forwardingIndex = v.indexOf(v.forwarding)
	stakeholderLists := make([]termList, len(v.stakeholders))
	for i, st := range v.stakeholders {
		stakeholderLists[i] = st.terms
	}
	v.stakeholdersIndex = v.indexOf(stakeholderLists...)
	return v
}

// namedActionLines finds the action lines named in a folded text: "c4", "с4"
// (Cyrillic es), "c11", each a word of its own.
func namedActionLines(folded string) []int {
	var out []int
	alnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }
	for i := 0; i < len(folded); {
		// "c" is one byte, "с" the two bytes D1 81: the text is read byte by byte for
		// them, and a rune decoded only there. Neither byte is ever inside another rune.
		size := 1
		switch {
		case folded[i] == 'c':
		case folded[i] == 0xD1 && i+1 < len(folded) && folded[i+1] == 0x81:
			size = 2
		default:
			i++
			continue
		}
		if prev, _ := utf8.DecodeLastRuneInString(folded[:i]); i > 0 && alnum(prev) {
			i += size
			continue
		}
		j := i + size
		n := 0
		for j < len(folded) && n < 100 && '0' <= folded[j] && folded[j] <= '9' {
			n = 10*n + int(folded[j]-'0')
			j++
		}
		if next, _ := utf8.DecodeRuneInString(folded[j:]); n >= 1 && n <= 11 && folded[i+size] != '0' && (j == len(folded) || !alnum(next)) {
			out = append(out, n)
		}
		i = j
	}
	return out
}

const maxSuggestSample = 20_000 // bytes of text looked at

// Suggest guesses, from the sender, subject and new text of p, the kind of
// contribution, the stakeholder type, the action lines, the language and the
// organisation. It is a suggestion for the secretariat: Reasons says what
// it rests on.
func Suggest(p *Parsed) Suggestion {
	if p == nil {
		return Suggestion{Kind: store.KindOther, StakeholderType: store.StakeholderOther}
	}
	return defaultVocabulary().suggestWith(p, p.FreshText(), "", defaultStakeholderModel())
}

// SuggestFrom is Suggest for a caller that already has the new text of p (fresh, as
// p.FreshText returns it) and, when known, its language (lang, else ""), so that
// neither is worked out twice.
func SuggestFrom(p *Parsed, fresh, lang string) Suggestion {
	if p == nil {
		return Suggestion{Kind: store.KindOther, StakeholderType: store.StakeholderOther}
	}
	return defaultVocabulary().suggestWith(p, fresh, lang, defaultStakeholderModel())
}

// suggestSample is the part of p's text the suggestions read, and of its new text fresh
// (splitQuoted's): both cut to a bounded length, the new text taken again from the cut
// text when that was cut, and the whole cut text when it has no new text.
func suggestSample(p *Parsed, fresh string) (text, sample string) {
	text = truncateBytes(p.Text, 4*maxSuggestSample)
	if len(text) < len(p.Text) {
		fresh, _ = splitQuoted(text)
	}
	if trimSpace(fresh) == "" {
		fresh = text
	}
	return text, truncateBytes(fresh, maxSuggestSample)
}

// suggestWith is Suggest given splitQuoted(p.Text)'s new text and, when known, the
// language, with the stakeholder model the rules ask when they find no evidence (nil:
// the rules alone).
func (v *vocabulary) suggestWith(p *Parsed, fresh, lang string, model *suggestModel) Suggestion {
	s := Suggestion{Kind: store.KindOther, StakeholderType: store.StakeholderOther}
	text, fresh := suggestSample(p, fresh)
	lt := lineTerms{v: v, slab: v.getSlab()}
	lt.lines, lt.address, lt.subjects, lt.folds = lt.slab.lineMaps()
	// No count of lt, nor of the subject and text, is read once the suggestion is made.
	defer v.putSlab(lt.slab)
	stripped := stripReplyPrefixes(p.Subject) // the subject's reply prefixes, read once
	subject := foldText(stripped)
	// A forward with a few words of its own says what it is with the message it passes
	// on.
	// The subject without its reply prefixes up to a forward's, read by the forward and
	// the kind.
	exceptForward := stripReplyPrefixesExceptForward(p.Subject)
	forwarded := v.forwardedText(p, text, fresh, exceptForward, lt)
	kindText := fresh
	if forwarded != "" {
		kindText = truncateBytes(fresh+"\n\n"+forwarded, maxSuggestSample)
	}
	// The salutation ("Dear organisers,") addresses the reader: it says nothing of
	// what is asked.
	unsaluted := v.dropSalutation(kindText)
	body := foldText(unsaluted)
	if _, ok := lt.folds[fresh]; !ok && kindText == fresh && strings.HasSuffix(fresh, unsaluted) {
		// Folding works rune by rune, and the text without its salutation is the end of
		// the new text: the new text folded, which the organisation and stakeholder guesses
		// read, is its salutation folded and body.
		lt.folds[fresh] = foldText(fresh[:len(fresh)-len(unsaluted)]) + body
	}

	kindSubject := subject
	if _, ok := RefTag(p.Subject); ok {
		// A reply to our acknowledgement: the subject is ours.
		kindSubject = ""
	}
	fs, fb, all := v.newFoldedPairIn(subject, body, lt.slab)
	if kindSubject == "" {
		fs = v.newFoldedText("")
	}
	var lineReasons []string
	s.ActionLines, lineReasons = v.actionLines(all)
	s.Kind, s.Reasons = v.suggestKind(fs, fb, all, p, stripped, exceptForward, subject, len(s.ActionLines))
	s.KindGuessed = kindGuessed(s.Kind, s.Reasons)

	if n, t := v.prizeNotices.countIn(all); n > 0 {
		// "You have won…": a fraud's domain and signature are made up.
		s.Reasons = append(s.Reasons, "stakeholder other: a prize notice ("+quoteReason(t)+") speaks for no organisation")
	} else {
		sig := v.signatureLines(text, fresh)
		s.Organisation = v.organisation(p, sig, lt, fresh)
		if s.Organisation != "" {
			s.Reasons = append(s.Reasons, "organisation: "+s.Organisation)
		}
		var why string
		s.StakeholderType, why = v.stakeholderType(p, sig, lt, fresh, s.Organisation, fb)
		ownSig := sig // the signature as the model was trained to read it (modelText)
		domain := emailDomain(p.From.Email)
		d := v.domainOrganisation(domain)
		domainName := d != "" && strings.HasPrefix(s.Organisation, d)
		if (s.Organisation == "" && s.StakeholderType == store.StakeholderOther || domainName) &&
			forwarded != "" && p.From.Email != "" && (strings.Contains(strings.ToLower(forwarded), strings.ToLower(p.From.Email)) ||
			d != "" && strings.Contains(strings.ToLower(forwarded), "@"+domain)) {
			// The sender forwards a message of their own ("发件人: 杨海燕 <…>") or of a
			// colleague at the same domain, and signs with no more than a name: that
			// message's signature says who they are.
			own := fresh + "\n\n" + forwarded
			sig = v.signatureLines(own, own)
			if org := v.organisation(p, sig, lt, own); org != "" && org != s.Organisation {
				s.Organisation = org
				s.Reasons = append(s.Reasons, "organisation: "+org+" (in the sender's own message forwarded)")
				s.StakeholderType, why = v.stakeholderType(p, sig, lt, own, org, fb)
			}
		}
		if model != nil && s.StakeholderType == store.StakeholderOther && noStakeholderEvidence(why) {
			// The rules found nothing: the mail labelled so far may say more.
			g := model.predict(v.modelFeatures(p, fresh, ownSig, s.Organisation))
			if typ := model.decides(g); typ != "" && typ != store.StakeholderOther {
				s.StakeholderType, why = typ, g.reason()
			}
		}
		s.Reasons = append(s.Reasons, "stakeholder "+s.StakeholderType+": "+why)
	}

	s.Reasons = append(s.Reasons, lineReasons...)

	s.Language = p.Language
	if s.Language == "" {
		s.Language = lang
	}
	if s.Language == "" {
		s.Language = DetectLanguage(fresh, p.Subject, p.Headers)
	}
	if s.Language == "" && trimSpace(fresh+p.Subject) != "" {
		// A few words say nothing: the country of the sender's address may.
		if s.Language = countryLanguage(emailDomain(p.From.Email)); s.Language != "" {
			s.Reasons = append(s.Reasons, "language "+s.Language+": from the sender's country domain")
			return s
		}
	}
	if s.Language != "" {
		s.Reasons = append(s.Reasons, "language "+s.Language)
	}
	return s
}

// forwardSubjectRE matches the forward prefixes mail clients add ("Fwd:", "TR:", "RV:",
// "WG:", «Пересл:», "转发:", «إعادة توجيه:»).
var forwardSubjectRE = regexp.MustCompile(`(?i)^\s*(fw|fwd|wg|tr|rv|enc|пересл|переслано|转发|轉寄|轉發|إعادة توجيه)\s*[:：]`)

// forwardedText is the message a forward passes on, its lines unquoted, when the
// sender's own words are few (at most 400 letters) and the subject or those words say
// it is a forward; else "".
//
// exceptForward is stripReplyPrefixesExceptForward(p.Subject).
func (v *vocabulary) forwardedText(p *Parsed, text, fresh, exceptForward string, lt lineTerms) string {
	if len(fresh) > 400 && utf8.RuneCountInString(fresh) > 400 {
		return ""
	}
	if !forwardSubjectRE.MatchString(exceptForward) {
		if n, _ := v.forwarding.countIn(v.newFoldedTextOf(v.forwardingIndex, lt.fold(fresh), lt.slab)); n == 0 {
			return ""
		}
	}
	_, quoted := splitQuoted(text)
	lines := strings.Split(quoted, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, "> ")
	}
	return truncateBytes(trimSpace(strings.Join(lines, "\n")), maxSuggestSample)
}

// stripReplyPrefixesExceptForward removes the reply prefixes ("Re:", "AW:") a subject
// opens with, up to its first forward prefix.
func stripReplyPrefixesExceptForward(subject string) string {
	// Every prefix, of a forward or a reply, ends with a colon.
	for strings.ContainsAny(subject, ":：") && mayOpenWithReplyPrefix(subject) && !forwardSubjectRE.MatchString(subject) {
		loc := replyPrefixRE.FindStringIndex(subject)
		if loc == nil {
			return subject
		}
		subject = subject[loc[1]:]
	}
	return subject
}

// suggestKind decides the kind. A short message without attachment that asks
// something (a question mark, the words of a question) is an inquiry before any topic
// word counts: a question about workshops is no workshop request. Otherwise the
// kind terms are scored, the subject counting three times the text, with the
// evidence of the message's shape: a few words and a photograph are a photo contest
// entry; asking to hold a session, a side event or a round table is a workshop
// request; proposing someone to moderate is a nomination. all is the subject (even
// one of ours) and the text together; topics is how many action lines the text
// speaks of.
//
// stripped is p's subject without its reply prefixes (see stripReplyPrefixes),
// exceptForward without those before a forward's (see stripReplyPrefixesExceptForward),
// folded stripped folded (see foldText), as suggestWith works them out.
func (v *vocabulary) suggestKind(fs, fb, all foldedText, p *Parsed, stripped, exceptForward, folded string, topics int) (store.ContributionKind, []string) {
	subject, body := fs.s, fb.s
	attachments := 0
	for _, a := range p.Attachments {
		if !a.Inline {
			attachments++
		}
	}
	bodyRunes := utf8.RuneCountInString(body)
	short := bodyRunes < 800
	submitted, st := v.submission.countIn(fs)
	if c, _ := v.salesOffers.countIn(fs); c > 0 {
		// «Коммерческое предложение: синхронный перевод»: the proposal is a seller's.
		submitted = max(submitted-c, 0)
		if submitted == 0 {
			st = ""
		}
	}
	if c, _ := v.calls.countIn(fs); c > 0 {
		// "Re: Appel à propositions d'ateliers": the word is the call's; "Réponse à l'appel à
		// contributions : contribution de …" still submits one.
		submitted = max(submitted-c, 0)
		if submitted == 0 {
			st = ""
		}
	}
	subjectAsks := v.strippedSubjectAsks(p.Subject, stripped)
	// A message that asks only for a service of the desk (a visa letter, a hotel, an
	// accreditation, a travel grant) or invites to another event is no inquiry on the
	// consultation, whatever it asks.
	inquiry := func(why string) (store.ContributionKind, []string) {
		if ok, t := v.asksTheDesk(subjectAsks, fs, fb); ok {
			return store.KindOther, []string{"kind other: no contribution: asks only the secretariat's desk (" +
				quoteReason(t) + "), nothing on the consultation"}
		}
		return store.KindInquiry, []string{why}
	}
	if submitted > 0 && subjectAsks {
		// "Question: can contributions be sent in Spanish?": a subject that asks about
		// submissions is no submission.
		submitted, st = 0, ""
	}

	// An automatic reply ("Réponse automatique : absence du bureau") answers nothing,
	// whatever it asks or names.
	if m := autoReplySubjects.find(p.Subject); m != "" && opensSubject(p.Subject, m) {
		return store.KindOther, []string{"kind other: no contribution: an automatic reply, subject says " + quoteReason(m)}
	}
	// "Press accreditation request", «Аккредитация прессы», "Offre de parrainage": a
	// subject that names a journalist's accreditation or a sponsor's offer makes a
	// request of a desk of the secretariat, not a question about the Forum
	// ("Renseignements: comment obtenir une accréditation ?" asks) nor a submission; so
	// does one that names a letter for a visa over a text that asks nothing
	// («邀请函申请（签证）» with the travellers' passports).
	n, t := v.accreditation.countIn(fs)
	reply := exceptForward != p.Subject
	if n == 0 {
		if m, vt := v.visaLetters.countIn(fs); m > 0 {
			a, _ := v.asking.countIn(all)
			q, _ := v.inquiry.countIn(all)
			// A letter for a visa asked for with the travellers' particulars ("- Dr. H.
			// Salgado, DNI 22.471.330"), or asked again in the thread where the desk
			// answered ("Re: طلب رسالة دعوة"), is the desk's work, whatever it asks.
			if a+q == 0 && !unquotedQuestionMark(body) || reply || listsParticulars(body) {
				n, t = m, vt
			}
		}
	}
	// «Предложение о спонсорстве», "Propuesta de patrocinio": the proposal is the sponsor's,
	// with its partners' kit attached too. "Press accreditation for April?": a subject that
	// names the desk's matter with a question mark still asks the desk; one with the word
	// of a question ("Question: accreditation") does not.
	if n > 0 && (submitted == 0 || strings.Contains(t, st)) {
		if m, _ := v.inquiry.countIn(fs); m == 0 {
			return store.KindOther, []string{"kind other: no contribution: a request of the secretariat's desk, subject says " + quoteReason(t)}
		}
	}
	hn, ht := v.ownHolding(fs, all, body)
	details, detailsWhy := v.sessionDetails(fb)
	asks, what := v.asksQuestion(subject, body, all)
	if !asks && subjectAsks {
		asks, what = true, "the subject asks"
	}
	offers, _ := v.offering.countIn(fb)
	// «Информируем о готовности Министра выступить в роли ведущего одной из сессий
	// высокого уровня. Просим сообщить о порядке…»: a person put forward for the
	// high-level track is the message's purpose, whatever it then asks.
	role := v.putsForward(fb)
	if role != "" && !unquotedQuestionMark(body) {
		offers++
	}
	// Several questions ("Kindly advise: (a) whether…", «Можно ли провести семинар…?
	// До какого числа…?») make an inquiry, about workshops or hotel rates as well, when
	// the message says it asks and no subject asks to hold something.
	asking, askTerm := v.asking.countIn(all)
	askReason := quoteReason(askTerm)
	if asking == 0 && subjectAsks {
		asking, askReason = 1, "the subject asks"
	}
	// "Re: 关于正式意见提交截止日期": a subject on the deadline of submissions asks about them.
	deadline, _ := v.deadlines.countIn(fs)
	// "Problème formulaire de soumission": a subject that reports trouble with a
	// submission asks for help with it, it is none.
	trouble, _ := v.trouble.countIn(fs)
	// The questions of the body, counted once for the tests below.
	bodyQuestions, bodyRest := v.questions(body)
	if questions, rest := bodyQuestions, bodyRest; questions >= 2 && asking > 0 &&
		attachments == 0 && bodyRunes < 1200 && (submitted == 0 || deadline > 0 || trouble > 0) && offers == 0 {
		if n, _ := v.holding.countIn(fs); n == 0 {
			if n, _ := v.strongNotice.countIn(v.newFoldedTextIn(rest, fb.slab)); n == 0 {
				return inquiry("kind inquiry: asks " + strconv.Itoa(questions) + " questions (" + askReason + ")")
			}
		}
	}

	// What no contribution is made of (an out-of-office text, unsubscribing, a sales
	// offer, an application for a post) outweighs a question it ends with.
	// A subject's submission word does not make one of a short away note without
	// attachment ("Our submission - slight delay": "on mission until 8 February").
	strong, strongTerm := v.strongNotice.countIn(all)
	away, _ := v.away.countIn(all)
	if strong > 0 && (submitted == 0 || away > 0 && attachments == 0 && short) {
		hits := 0
		for _, k := range v.kinds {
			if n, _ := k.terms.countIn(all); n > 0 {
				hits++
			}
		}
		if hits == 0 {
			return store.KindOther, []string{"kind other: no contribution: " + quoteReason(strongTerm)}
		}
	}

	// A mailing's opt-out footer ("Si no desean seguir recibiendo estos correos,
	// respondan con «baja»") makes a newsletter of a message, whatever workshop or
	// webinar it announces; not of one whose subject says it is a submission.
	if n, t := v.optOut.countIn(all); n > 0 && submitted == 0 {
		return store.KindOther, []string{"kind other: no contribution: a mailing's footer, " + quoteReason(t)}
	}

	// "Thank you for the workshop", «Спасибо за семинар»: a subject that opens with
	// thanks names what the reader gave, not a contribution, when nothing is attached,
	// submitted, asked or asked to be held ("Thanks for the call - a 90-minute session
	// with four speakers").
	if t := v.thanks.openingOf(folded); t != "" && submitted == 0 &&
		attachments == 0 && short && !asks && hn == 0 && details == 0 {
		return store.KindOther, []string{"kind other: no contribution: a message of thanks, subject says " + quoteReason(t)}
	}

	// A short reply that thanks and names nothing of its own ("¡Muchísimas gracias por la
	// información! Quedamos atentos.", "Confirmed … Thank you"): the subject's words are the
	// earlier message's.
	if stripped != p.Subject && attachments == 0 && bodyRunes < 400 && !asks {
		thanked, thanksTerm := v.thanks.countIn(fb)
		named := 0
		for _, k := range v.kinds {
			n, _ := k.terms.countIn(fb)
			named += n
		}
		held, _ := v.holding.countIn(fb)
		given, _ := v.submission.countIn(fb)
		if thanked > 0 && named == 0 && held == 0 && given == 0 && offers == 0 {
			return store.KindOther, []string{"kind other: no contribution: a short reply of thanks (" + quoteReason(thanksTerm) + ")"}
		}
	}

	// Asking to hold a session ("Could a 90-minute slot be reserved for us?") or a
	// workshop («просит включить в программу семинар») is a request, even with a
	// question mark.
	sn, _ := v.sessions.countIn(all)
	if wn, _ := v.workshop.countIn(all); sn == 0 && !subjectAsks {
		sn = wn
	}
	// "Re: Your submission WSIS/2019 — one more question: may we also send a paper on the
	// format?": a reply's subject names the earlier message's submission; a reply whose
	// questions are all it says of submitting asks.
	repliedAsks := false
	if reply && submitted > 0 && asks && attachments == 0 && short {
		if q := bodyQuestions; q > 0 {
			if g, _ := v.submission.countIn(v.newFoldedTextIn(statements(body), fb.slab)); g == 0 {
				repliedAsks = true
			}
		}
	}
	if asks && attachments == 0 && short && (submitted == 0 || trouble > 0 || repliedAsks) && offers == 0 && (hn == 0 || sn == 0) {
		return inquiry("kind inquiry: short message without attachment asking (" + what + ")")
	}

	// A longer message that asks and proposes nothing ("Our organisation works with rural
	// schools… We are preparing a workshop request: is the deadline 10 February?"): its
	// questions are what it is for, whatever topic its introduction names.
	if asks && attachments == 0 && !short && bodyRunes < 1600 && submitted == 0 && offers == 0 && (hn == 0 || sn == 0) {
		if q, rest := bodyQuestions, bodyRest; q > 0 && !hasListItem(rest) {
			ft := v.newFoldedTextIn(statements(body), fb.slab)
			if n, _ := v.suggesting.countIn(ft); n == 0 {
				if m, _ := v.strongNotice.countIn(ft); m == 0 {
					return inquiry("kind inquiry: asks " + strconv.Itoa(q) + " question(s) and proposes nothing")
				}
			}
		}
	}

	score := map[store.ContributionKind]int{}
	why := map[store.ContributionKind][]string{}
	add := func(k store.ContributionKind, n int, reason string) {
		if n > 0 {
			score[k] += n
			why[k] = append(why[k], reason)
		}
	}
	scored := func(tl termList) (int, string) {
		sc, st := tl.countIn(fs)
		bc, bt := tl.countIn(fb)
		if st == "" {
			st = bt
		}
		return 3*sc + bc, st
	}
	for _, k := range v.kinds {
		n, t := scored(k.terms)
		add(k.kind, n, "mentions "+quoteReason(t))
	}
	if n, t := scored(v.innovation); n > 0 {
		f, _ := v.formatKind.countIn(all)
		w, _ := v.formatWords.countIn(all)
		if f > 0 || w > 0 {
			add(store.KindFormat, n, "with "+quoteReason(t))
		}
	}
	// "Our contribution on the thematic aspects of the Forum": the text says which part
	// of the consultation it answers, more than a session it would have the Forum hold.
	if n, t := v.thematicAspects.countIn(all); n > 0 {
		add(store.KindThematic, 2, "answers the consultation's "+quoteReason(t))
	}
	moderating := func() (int, string) {
		// "بشروط ميسّرة" (on easy terms) eases a price, it proposes no one to facilitate.
		sc, st := v.moderating.countIn(v.withoutEasyTerms(fs))
		bc, bt := v.moderating.countIn(v.withoutEasyTerms(fb))
		if st == "" {
			st = bt
		}
		return 3*sc + bc, st
	}
	if n, t := moderating(); n > 0 {
		add(store.KindHLTFNomination, n, "proposes someone to "+quoteReason(t))
	}
	named, _ := v.workshop.countIn(all)
	inSubject, _ := v.sessions.countIn(fs)
	if f, _ := v.formatKind.countIn(fs); f > 0 && inSubject == 0 && details == 0 {
		// "Proposition sur le format du Forum: réserver chaque jour une heure des jeunes…":
		// under a subject on the format that names no session of the writer's, sessions to
		// hold are how the Forum would be run.
		if w, _ := v.workshop.countIn(fs); w == 0 {
			hn = 0
		}
	}
	if hn > 0 && (submitted == 0 || details > 0 || named > 0 || inSubject > 0) {
		// "Our contribution: … we would like to propose a dialogue between regulators and
		// community networks": under a submission's subject that names no session
		// («Предложение секции» does), a session asked for with no length or speakers of
		// its own is a theme.
		if n, t := scored(v.sessions); n > 0 {
			add(store.KindWorkshopRequest, n+hn, "asks to hold ("+quoteReason(ht)+") "+quoteReason(t))
		} else if details >= 2 {
			// "We would like to present our project in a 60-minute slot with three
			// speakers": a session of one's own by its length and speakers.
			add(store.KindWorkshopRequest, hn+details, "asks to hold ("+quoteReason(ht)+") "+detailsWhy)
		}
	}
	if n, t := scored(v.formatWords); n > 0 {
		add(store.KindFormat, n, "speaks of how the Forum is run: "+quoteReason(t))
	}
	if role != "" {
		add(store.KindHLTFNomination, 6, "puts someone forward to "+quoteReason(role)+" a high-level session")
	}
	if hn == 0 && details >= 2 {
		// "Here are the details of the panel: … Speakers: … Duration: 60 minutes": a
		// session's length and speakers are those of a session of one's own, in a message
		// that says nothing of how the Forum is run ("shorter sessions (45 minutes) with
		// fewer speakers" would change every session).
		f, _ := v.formatKind.countIn(all)
		w, _ := v.formatWords.countIn(all)
		if n, t := scored(v.sessions); n > 0 && f == 0 && w == 0 {
			add(store.KindWorkshopRequest, n+details, "gives the particulars of "+quoteReason(t)+": "+detailsWhy)
		}
	}
	if n, _ := moderating(); n > 0 {
		if m, t := v.nominee.countIn(all); m > 0 {
			add(store.KindHLTFNomination, 3, "with the person's "+quoteReason(t))
		}
	}
	notice, noticeTerm := scored(v.otherKind)
	if n, _ := v.answering.countIn(all); n > 0 {
		// "In response to your invitation": the invitation is ours, the message answers it.
		notice = max(notice-n, 0)
	}
	visa, _ := scored(v.visaLetters)
	if visa > 0 {
		// "Invitation letter for a visa", «письмо-приглашение»: a letter the writer asks
		// for, not an invitation made to the reader.
		notice = max(notice-visa, 0)
	}
	if t := v.otherKind.openingOf(subject); t != "" && visa == 0 {
		// A subject that opens with what the message is ("Invitation au congrès…",
		// "Newsletter n° 12", "新闻稿：…") says so more than the names it carries.
		notice += 3
		noticeTerm = t
	}
	if t := v.newsSubjects.openingOf(folded); t != "" {
		// "Novedades de Nubeverde - diciembre": an issue of a mailing.
		notice += 3
		noticeTerm = t
	}
	if n, t := v.thanks.countIn(fs); n > 0 {
		// A subject of thanks: a message that answers, not a contribution.
		notice += 3 * n
		if noticeTerm == "" {
			noticeTerm = t
		}
	}
	if onlyImages(p) && bodyRunes < 400 {
		n, t := scored(v.photo)
		reason := "a short text and a photograph"
		if n > 0 {
			reason += ", " + quoteReason(t)
		}
		add(store.KindPhotoContest, 4+n, reason)
	} else if hasImage(p) && bodyRunes < 400 {
		// "Adjunto mi fotografía y el formulario firmado": a photograph with its entry
		// form, named as a photograph or sent to a contest.
		n, t := scored(v.photo)
		c, ct := scored(v.contest)
		if n > 0 && c > 0 {
			add(store.KindPhotoContest, 4+n+c, "a short text, a photograph and its form, "+quoteReason(t)+", "+quoteReason(ct))
		}
	}
	best, bestScore := store.KindOther, 0
	for _, k := range []store.ContributionKind{store.KindHLTFNomination, store.KindPhotoContest, store.KindWorkshopRequest,
		store.KindFormat, store.KindThematic} {
		if score[k] > bestScore {
			best, bestScore = k, score[k]
		}
	}
	if best == store.KindWorkshopRequest && score[store.KindThematic] == bestScore && hn == 0 && details == 0 && topics > 0 {
		// "Capacity building (C4) must move beyond 'digital literacy' workshops": a workshop
		// named in passing, with nothing asked to be held, in a text on the action lines is
		// a theme when the two weigh the same.
		best = store.KindThematic
	}
	// A word of asking ("question", «вопрос») makes an inquiry when the message asks
	// something or its subject says so: "more time for questions" asks nothing.
	_, weak := v.inquiry.countIn(all)
	weakInSubject, _ := v.inquiry.countIn(fs)
	themes, _ := v.themes.countIn(all)
	invites, _ := v.inviting.countIn(all)
	suggests, _ := v.suggesting.countIn(all)
	if n, _ := v.answering.countIn(all); n > 0 {
		invites = 0
	}
	switch {
	case bestScore > 0 && (bestScore > notice || bestScore == notice && (notice > 1 || best != store.KindWorkshopRequest || invites == 0)) && (submitted == 0 || bestScore >= 2 || best == store.KindThematic):
		// A submission's subject outweighs one word in passing ("… Technology and
		// Innovation" in a signature). A workshop named once in a message that invites
		// ("our congress, with workshops and roundtables") is the programme of the
		// writer's own event.
		return best, []string{"kind " + string(best) + ": " + strings.Join(why[best], ", ") + " (score " + strconv.Itoa(bestScore) + ")"}
	case submitted > 0 && submitted >= notice:
		return store.KindThematic, []string{"kind thematic: official submission without a kind named: subject says " + quoteReason(st)}
	case notice > 0:
		return store.KindOther, []string{"kind other: no contribution: " + quoteReason(noticeTerm) + " (score " + strconv.Itoa(notice) + ")"}
	case submitted > 0 || attachments > 0 && !short:
		why := "subject says " + quoteReason(st)
		if submitted == 0 {
			why = "long text with attachments"
		}
		return store.KindThematic, []string{"kind thematic: official submission without a kind named: " + why}
	case weak != "" && (asks || weakInSubject > 0):
		return inquiry("kind inquiry: asks a question (" + quoteReason(weak) + ")")
	case (topics > 0 || themes > 0) && (bodyRunes >= 200 || suggests > 0):
		// "Proponemos que el Foro trate la innovación digital en las pymes (C6, C7)": a
		// short text that proposes on the action lines is a theme too.
		return store.KindThematic, []string{"kind thematic: speaks of " + strconv.Itoa(topics) + " WSIS action line(s) without naming a kind"}
	}
	return store.KindOther, []string{kindNoneNamed}
}

// opensSubject reports whether a subject (reply prefixes aside) opens with phrase, the
// phrase standing alone or before a colon or a dash: "Out of office: …", «Réponse
// automatique : Absence», not "Automatic reply systems in e-government".
func opensSubject(subject, phrase string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(trimSpace(stripReplyPrefixes(subject))), strings.ToLower(phrase))
	if !ok {
		return false
	}
	rest = trimSpace(rest)
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || strings.ContainsRune(":：-–—(（[|", r)
}

// kindNoneNamed is the reason of the kind when the mail gives no clue at all.
const kindNoneNamed = "kind other: no kind named"

// kindGuessed says whether suggestKind's answer (kind, why) is a guess made without a
// kind named: the thematic defaults ("without a kind named") and kindNoneNamed. A
// named kind, a question and a notice are evidence; these are not.
func kindGuessed(kind store.ContributionKind, why []string) bool {
	if len(why) == 0 {
		return true
	}
	switch kind {
	case store.KindOther:
		return why[0] == kindNoneNamed
	case store.KindThematic:
		return strings.Contains(why[0], "without a kind named") || strings.Contains(why[0], "without naming a kind")
	}
	return false
}

// actionLines returns the action lines a folded text mentions, in order.
func (v *vocabulary) actionLines(ft foldedText) ([]string, []string) {
	var lines, reasons []string
	seen := [12]bool{}
	for i, list := range v.actionLineTerms {
		if n, term := list.countIn(ft); n > 0 {
			seen[i+1] = true
			reasons = append(reasons, "action line C"+strconv.Itoa(i+1)+": "+quoteReason(term))
		}
	}
	for _, n := range namedActionLines(ft.s) {
		if !seen[n] {
			seen[n] = true
			reasons = append(reasons, "action line C"+strconv.Itoa(n)+": named")
		}
	}
	for n := 1; n <= 11; n++ {
		if seen[n] {
			lines = append(lines, "C"+strconv.Itoa(n))
		}
	}
	sort.SliceStable(reasons, func(i, j int) bool { return actionLineNumber(reasons[i]) < actionLineNumber(reasons[j]) })
	return lines, reasons
}

func actionLineNumber(reason string) int {
	rest := strings.TrimPrefix(reason, "action line C")
	end := strings.IndexByte(rest, ':')
	if end < 0 {
		return 0
	}
	n, _ := strconv.Atoi(rest[:end])
	return n
}

// stakeholderType scores the sender's domain, read structurally (3 for a
// government, international or academic domain, 2 for a company's .com or an
// association's .org, nothing for a personal address), and the organisation words
// of the name, the organisation header and the signature (2), read in the parts of
// a line that are not a job title: "Policy Director, Digital Rights Foundation" is
// a foundation, "Gerente de Asuntos Regulatorios" says nothing. Two points are needed.
// An organisation well known in the field (by its domain or name) counts 3; when nothing
// else decides, a sentence of the text that opens with an organisation of a type
// ("Новосибирский государственный университет хотел бы…") counts 2.
//
// body is the text's words as the kind reads them (the new text, or a forward's with
// the message it passes on), folded and counted once.
func (v *vocabulary) stakeholderType(p *Parsed, sig []string, lt lineTerms, fresh, org string, body foldedText) (string, string) {
	score := map[string]int{}
	why := map[string][]string{}
	add := func(typ string, n int, reason string) {
		score[typ] += n
		why[typ] = append(why[typ], reason)
	}
	domain := emailDomain(p.From.Email)
	labels := strings.Split(domain, ".")
	tld := labels[len(labels)-1]
	sld := ""
	if len(labels) >= 3 {
		sld = labels[len(labels)-2]
	}
	personal := v.personalDomain(p.From.Email, p.From.Name)
	if domain == "" || v.isWebmail(domain) || personal {
		if n, t := v.privateCapacity.countIn(lt.get(fresh)); org == "" && (n > 0 || v.writesAsStudent(fresh, lt)) {
			if n == 0 {
				t = "a student" // «我是…的研究生»
			}
			// «Участвую как частное лицо», "in my personal capacity": the writer says
			// no organisation stands behind the message.
			return store.StakeholderOther, "the writer writes " + quoteReason(t)
		}
	}
	gov, govWhy := v.governmentDomain(domain)
	acad, acadWhy := academicDomain(domain)
	knownDomain := v.knownDomainType(domain)
	if (gov || acad) && knownDomain != store.StakeholderInternationalO {
		// du.ac.bd is the University of Dhaka's, not the operator du's: under a country's
		// academic or government zone, a name is that zone's body, whatever company of
		// the field bears it.
		knownDomain = ""
	}
	switch {
	case domain == "" || v.isWebmail(domain) || personal:
	case tld == "int" || v.internationalDomains[domain] || hasParentIn(domain, v.internationalDomains) ||
		knownDomain == store.StakeholderInternationalO:
		add(store.StakeholderInternationalO, 3, "sender domain "+domain+" (international organisation)")
	case knownDomain != "":
		add(knownDomain, 3, "sender domain "+domain+" (known organisation)")
	case gov:
		add(store.StakeholderGovernment, 3, "sender domain "+domain+" ("+govWhy+")")
	case acad:
		add(store.StakeholderAcademia, 3, "sender domain "+domain+" ("+acadWhy+")")
	case tld == "org" || (len(tld) == 2 && isAnyOf(sld, "org", "or")):
		add(store.StakeholderCivilSociety, 2, "sender domain "+domain+" (.org)")
	case tld == "com" || tld == "biz" || (len(tld) == 2 && isAnyOf(sld, "co", "com", "ne")) ||
		len(labels) == 2 && isAnyOf(tld, "co", "io", "tech", "app", "dev"):
		// A name right under .co or .io ("dawstudio.co"): a company's, as under .com; a
		// country's own bodies are under gov.co, org.co, edu.co.
		add(store.StakeholderPrivateSector, 2, "sender domain "+domain+" (company)")
	}
	// Organisation words: 2 points from the name, the Organization header
	// or a short signature line; from a long line (a sentence), 1 point per
	// distinct word, at most 2.
	lines := append([]string{p.From.Name, p.Headers[hdrOrganization]}, sig...)
	orgLine := -1
	d := v.domainOrganisation(domain)
	domainName := d != "" && strings.HasPrefix(org, d) // the organisation is the domain's name
	if org != "" && !slices.Contains(lines, org) && !domainName {
		// The organisation named from the text ("l'Institut national de la recherche
		// scientifique (INRS)" for a signature "INRS, 385, rue Sherbrooke Est") says
		// what it is as a signature line would; a name made of the domain (Itu Partners
		// for itu-partners.org) says no more than the domain.
		orgLine = len(lines)
		lines = append(lines, org)
	}
	wordScore := map[string]int{}
	wordWhy := map[string]string{}
	fromLine := map[string]bool{} // words found in a short line, not a sentence
	fromOrg := map[string]bool{}  // words found in the organisation's name
	for i, line := range lines {
		if i > 2 && i != orgLine && v.continuesOrganisation(line, lines[i-1], lt) {
			// "to the United Nations Office … in Geneva" says where the mission above is
			// accredited, not what it is.
			continue
		}
		long := i >= 2 && (utf8.RuneCountInString(line) > 80 || endsSentence(line) || holdsSentenceEnd(line) || isListItem(line) ||
			wrapsOn(line, lines[i+1:]))
		parts := []string{line}
		hosted := ""
		if !long {
			parts = lineSegments(line)
		} else if hosted = hostInParentheses(line); hosted != "" && !endsSentence(line) {
			// "Observatorio Iberoamericano de la Sociedad de la Información (Universidad de
			// Salamanca)": a name too long for a line of its own, and the body that hosts
			// it in parentheses, a short name of its own.
			parts = append(parts, hosted)
		}
		lineLong := long
		for _, part := range parts {
			long := lineLong && (hosted == "" || part != hosted)
			if i >= 2 && lt.isAddressLine(part) {
				// "12 rue de la République, 69002 Lyon" is where, not who.
				continue
			}
			ft := lt.get(part)
			if !long && len(parts) > 1 || i >= 2 && !long {
				if n, _ := v.jobTitles.countIn(ft); n > 0 && (!v.namesOrganisationType(part, ft) || v.founderTitle(part, lt)) {
					continue
				}
			}
			// "Association", "foundation", "network" are also in the names of other
			// bodies (IEEE Standards Association, Internet Society): with a word of
			// another type in the same part, they do not count.
			other := false
			for _, st := range v.stakeholders {
				if n, _ := v.typeWords(st, part, ft); n > 0 && st.typ != store.StakeholderCivilSociety {
					other = true
				}
			}
			head := ""
			if !long {
				head = arabicHeadType(part)
				if c, _ := v.internetSociety.countIn(ft); c > 0 {
					head = "" // «جمعية الإنترنت»: the Internet Society, no association's name
				}
				if head == "" && opensWithNetwork(part) && legalForm(part) == "" {
					head = store.StakeholderCivilSociety
				}
			}
			for _, st := range v.stakeholders {
				n, term := v.typeWords(st, part, ft)
				if n == 0 && head == st.typ && st.typ == store.StakeholderCivilSociety && !storeChain(part) {
					// "Red Latinoamericana de Derechos Digitales", «Сеть молодёжных
					// инициатив…»: a name that opens with a network's word is the network's
					// (not a chain of shops).
					n, term = 1, strings.Fields(part)[0]
				}
				if n == 0 || other && st.typ == store.StakeholderCivilSociety && head != st.typ ||
					head != "" && st.typ != head && st.typ != store.StakeholderInternationalO {
					continue
				}
				w := 2
				if long {
					w = 1
				} else {
					if st.typ == store.StakeholderPrivateSector && legalForm(part) != "" {
						// A company's legal form outweighs the words of a title beside it
						// ("Gerenta de Asuntos Regulatorios").
						w = 3
					}
					fromLine[st.typ] = true
					if i == orgLine {
						fromOrg[st.typ] = true
					}
				}
				if w > wordScore[st.typ] {
					if wordScore[st.typ] == 0 || i == orgLine || wordScore[st.typ] == 1 && !long {
						where := "signature"
						switch i {
						case 0:
							where = "name"
						case 1:
							where = "organisation header"
						case orgLine:
							where = "organisation"
						}
						if long {
							wordWhy[st.typ] = where + " mentions " + quoteReason(term)
						} else {
							wordWhy[st.typ] = where + " " + quoteReason(shorten(part, 60))
						}
					}
					wordScore[st.typ] = w
				}
			}
		}
	}
	for typ, n := range wordScore {
		if len(fromLine) > 0 && !fromLine[typ] {
			// A line that names an organisation outweighs the words of sentences: «وتقترح
			// المنظمة…» above «المنظمة العربية…، تونس».
			continue
		}
		score[typ] += n
		why[typ] = append(why[typ], wordWhy[typ])
	}
	known := v.knownOrganisations[lettersOnly(org)]
	if f := strings.Fields(org); known == "" && !domainName && len(f) >= 2 && len(f) <= 3 && len(lettersOnly(f[0])) >= 3 {
		// "MTN Cameroon", "Orange Mali", "Vodafone Egypt": a group known in the field and
		// the country of its branch.
		known = v.knownOrganisations[lettersOnly(f[0])]
	}
	if typ := known; typ != "" && score[typ] < 3 {
		add(typ, 3, "organisation "+quoteReason(org)+" (known)")
	}
	f := legalForm(org)
	if f == "" && strings.HasSuffix(org, "公司") {
		f = "公司"
	}
	if f == "" && strings.HasPrefix(org, "شركة ") {
		f = "شركة"
	}
	if c := chineseCompanyInText(fresh); f == "" && org != "" && strings.HasPrefix(c, org) {
		// "杭州译联会展" in the display name, "杭州译联会展服务有限公司是一家…" in the text: the
		// text names it with its form.
		f = "公司"
	}
	if f == "" && org != "" && mayNameStartupIn(fresh, lt) && startupInText(strings.Fields(fresh)) == org {
		f = "startup"
	}
	if f == "" && org != "" && score[store.StakeholderPrivateSector] < 2 && top0(score) < 2 {
		// "Nous sommes une jeune start-up de Douala", "we are a small company": the writer
		// says what the organisation named is.
		f = weAreCompany(fresh)
	}
	if f == "" && org != "" {
		// "Quillstone Analytics", "Vernier & Associés Conseil": a name that ends with what
		// the company sells or that it is a firm of partners.
		f = tradeName(org)
	}
	if f == "" && org != "" && (strings.Contains(fresh, "«"+org) || strings.Contains(fresh, "« "+org) ||
		strings.Contains(fresh, "\""+org) || strings.Contains(fresh, "“"+org)) {
		// «Компания «Сибирские облачные системы»»: the text names it after a company noun.
		if name, noun := quotedCompany(fresh); name == org && quotedCompanyNouns[noun] {
			f = noun
		}
	}
	if f != "" && score[store.StakeholderPrivateSector] < 2 {
		// A company named with its legal form in the text ("… (Sahel Connect SARL)"), or
		// set beside a company noun ("Kër Tech, une jeune startup").
		add(store.StakeholderPrivateSector, 2, "organisation "+quoteReason(org)+" (legal form "+f+")")
	}
	if score[store.StakeholderInternationalO] < 3 {
		// "CRESIAL, organismo intergubernamental creado por 11 Estados", «ЕЦЦС —
		// межправительственная организация», "based on our member states' experience":
		// the writer's body is intergovernmental, whatever its .org or .net says.
		n, term := v.ownIntergovernmental.countIn(body)
		if m, _ := v.manyIntergovernmental.countIn(body); n > m {
			add(store.StakeholderInternationalO, 3, "the text says "+quoteReason(term))
		} else if states := v.ofStates(body); states != "" {
			// "Smart Africa, an alliance of 30 African countries", «تضم ثلاث عشرة دولة»:
			// a body made of states.
			add(store.StakeholderInternationalO, 3, "the text says "+quoteReason(states))
		}
	}
	top := 0
	for _, n := range score {
		top = max(top, n)
	}
	if top < 2 {
		// "Directeur commercial", "Business Development Manager", «مدير تطوير الأعمال»: a
		// seller's title in the signature, when nothing else says who writes, is a
		// company's, before the words of a sentence ("Clairval Communication, agence
		// bruxelloise…") are read for a body.
		for _, line := range sig {
			if utf8.RuneCountInString(line) > 80 || endsSentence(line) {
				continue
			}
			if n, term := v.sellerTitles.countIn(lt.get(line)); n > 0 {
				add(store.StakeholderPrivateSector, 2, "signature title "+quoteReason(term))
				top = 2
				break
			}
		}
	}
	if top < 2 {
		if typ, subject := lt.sentenceSubject(fresh); typ != "" {
			add(typ, 2, "the text speaks for "+quoteReason(shorten(subject, 60)))
		} else if body := ownCivilBody(fresh); body != "" {
			// Nothing else says who writes, and the writer speaks for an association, a
			// network or a union of their own.
			add(store.StakeholderCivilSociety, 2, "the text speaks for "+quoteReason(body))
		} else if typ, body := ownBody(fresh); typ != "" {
			// «Наш университет хотел бы…», "our ministry", «我校»: the writer speaks for a
			// university or a ministry of their own.
			add(typ, 2, "the text speaks for "+quoteReason(body))
		}
	} else if top == 2 && score[store.StakeholderCivilSociety] == 2 && len(why[store.StakeholderCivilSociety]) == 1 &&
		strings.HasSuffix(why[store.StakeholderCivilSociety][0], "(.org)") && aloneDecides(score, store.StakeholderCivilSociety) {
		// "mashreq-netlab.org" with «نحن مختبر بحثي مستقل»: what the writer says their own
		// body is outweighs an address under .org, which any body may take.
		if typ, body := ownBody(fresh); typ != "" && typ != store.StakeholderCivilSociety {
			add(typ, 3, "the text speaks for "+quoteReason(body))
		}
	}
	if top < 2 && score[store.StakeholderAcademia] < 2 {
		// "Chargé de recherche, Inria Saclay": a researcher's or teacher's title, when
		// nothing else says who writes.
		for _, line := range sig {
			if utf8.RuneCountInString(line) > 80 || endsSentence(line) {
				continue
			}
			if n, term := v.researchTitles.countIn(lt.get(line)); n > 0 {
				add(store.StakeholderAcademia, 2, "signature title "+quoteReason(term))
				break
			}
		}
	}
	if top < 2 && score[store.StakeholderAcademia] < 2 && utf8.RuneCountInString(org) >= 3 {
		// "Mme Sophie Garnier, directrice de recherche … d'Inria": the text gives someone of
		// the organisation a researcher's title.
		for _, sentence := range strings.FieldsFunc(fresh, func(r rune) bool { return strings.ContainsRune(".!?\n。！？؟", r) }) {
			if !strings.Contains(sentence, org) {
				continue
			}
			if n, term := v.researchTitles.countIn(lt.get(sentence)); n > 0 {
				add(store.StakeholderAcademia, 2, "the text gives "+quoteReason(org)+" a researcher's title "+quoteReason(term))
				break
			}
		}
	}
	best, bestScore := store.StakeholderOther, 1
	for _, typ := range []string{store.StakeholderInternationalO, store.StakeholderGovernment, store.StakeholderAcademia,
		store.StakeholderCivilSociety, store.StakeholderPrivateSector} {
		// On a tie, a signature line outweighs a sentence that mentions an organisation.
		// On a tie between lines, the organisation's name outweighs a line of its office
		// ("Comisión de Comunicación" above "CAOI - Lima").
		if score[typ] > bestScore || score[typ] == bestScore && best != store.StakeholderOther &&
			(fromLine[typ] && !fromLine[best] || fromOrg[typ] && !fromOrg[best]) {
			best, bestScore = typ, score[typ]
		}
	}
	if best == store.StakeholderOther {
		if domain == "" {
			return best, "no sender domain"
		}
		if v.isWebmail(domain) {
			return best, "personal address " + domain + " (no evidence) and no organisation in the signature"
		}
		return best, "nothing conclusive in domain " + domain
	}
	return best, strings.Join(why[best], ", ")
}

// aloneDecides reports whether typ is the one type scored the two points that decide.
func aloneDecides(score map[string]int, typ string) bool {
	for t, n := range score {
		if n >= 2 && t != typ {
			return false
		}
	}
	return true
}

// lineAbove is the non-empty line above the first line of text's first n non-empty
// lines that is name (in any case), or "".
func lineAbove(text, name string, n int) string {
	above := ""
	for line := range strings.SplitSeq(text, "\n") {
		line = trimSpace(line)
		if line == "" {
			continue
		}
		if strings.EqualFold(line, name) {
			return above
		}
		if n--; n == 0 {
			break
		}
		above = line
	}
	return ""
}

// chainWords, folded, say after a network's word that it is a chain of shops, a
// company's: «Сеть магазинов "Электрон"», "Red de Farmacias del Sur".
var chainWords = wordSet(`магазинов аптек ресторанов кафе супермаркетов салонов tiendas farmacias supermercados restaurantes
	magasins restaurants supermarchés stores shops pharmacies supermarkets`)

// storeChain reports whether a name that opens with a network's word names a chain of
// shops.
func storeChain(part string) bool {
	f := strings.Fields(foldText(part))
	for i := 1; i < len(f) && i <= 2; i++ {
		if w := strings.Trim(f[i], "«»\",."); chainWords[w] {
			return true
		}
	}
	return false
}

// hostInParentheses is the name in parentheses that ends a signature line of at most
// 160 characters and no sentence ("… de la Información (Universidad de Salamanca)"):
// two to six words, the first capitalised, or "".
func hostInParentheses(line string) string {
	line = trimSpace(line)
	if !strings.HasSuffix(line, ")") || len(line) > 320 || utf8.RuneCountInString(line) > 160 {
		return ""
	}
	open := strings.LastIndexByte(line, '(')
	if open <= 0 {
		return ""
	}
	inner := trimSpace(line[open+1 : len(line)-1])
	words := strings.Fields(inner)
	if len(words) < 2 || len(words) > 6 || strings.ContainsAny(inner, "()") {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(inner); !unicode.IsUpper(r) {
		return ""
	}
	return inner
}

// networkHeads are the words, folded, that open the name of a network or an
// association of people; networkOfResearch those of a network of research, of
// laboratories or of the internet's technical community (names, numbers, exchange
// points, standards), academia's.
var (
	networkHeads = wordSet(`red réseau network asociación association ассоциация сеть coalition coalición alianza alliance
	syndicat sindicato профсоюз`)
	networkOfResearch = []string{"academ", "académ", "research", "recherche", "investigación", "информационн", "operators", "university", "universit",
		"nommage", "domain", "domaine", "dominio", "доменн", "registry", "registre", "registro", "exchange", "échange", "intercambio",
		"standard", "normalisation", "normalización", "laborator", "institut"}
	// foldedNetworkOfResearch are those words folded, once.
	foldedNetworkOfResearch = foldAll(networkOfResearch)
)

// opensWithNetwork reports whether a name opens with a network's or an association's
// word ("Red de Bibliotecas Populares de Chile"): its members' words (libraries,
// companies, cities) do not say what it is.
func opensWithNetwork(part string) bool {
	f := foldText(trimSpace(part))
	first, _, _ := strings.Cut(f, " ")
	if !networkHeads[first] || strings.Count(f, " ") < 2 {
		return false
	}
	for _, w := range foldedNetworkOfResearch {
		if strings.Contains(f, w) {
			return false
		}
	}
	return true
}

// continuationWords open, in lower case, the second line of a name cut in two:
// "Permanent Mission of … / to the United Nations Office at Geneva", «Mission
// permanente … / auprès de l'Office des Nations Unies», «Постоянное представительство …
// / при Отделении ООН».
var continuationWords = wordSet(`to at of for in auprès de du des à ante en para del ante при в по`)

// continuesOrganisation reports whether a signature line, opening in lower case with a
// preposition, ends the name of the organisation on the line above.
func (v *vocabulary) continuesOrganisation(line, above string, lt lineTerms) bool {
	line = trimSpace(line)
	r, _ := utf8.DecodeRuneInString(line)
	if !unicode.IsLower(r) {
		return false
	}
	first, _, _ := strings.Cut(line, " ")
	if !continuationWords[first] {
		return false
	}
	above = trimSpace(above)
	return above != "" && !endsSentence(above) && utf8.RuneCountInString(above) <= 80 && v.isOrganisationLine(above, lt)
}

// knownDomainType is the stakeholder type of the organisation well known in the field
// whose domain domain is: its name ("orange.com"), or that name and the country or
// trade of a branch after a hyphen ("orange-ci.net", "ooredoo-om.net").
func (v *vocabulary) knownDomainType(domain string) string {
	if typ := v.knownOrganisations[v.domainLabel(domain)]; typ != "" {
		return typ
	}
	head, _, ok := strings.Cut(v.domainName(domain), "-")
	if !ok || len(head) < 4 {
		return ""
	}
	return v.knownOrganisations[head]
}

// namesOrganisationType reports whether a line part holds one of the organisation
// words that name a body outright (ministry, university, foundation...), even beside
// a job title: "Professor at the University of Ghana".
func (v *vocabulary) namesOrganisationType(part string, ft foldedText) bool {
	for _, st := range v.stakeholders {
		if n, _ := v.typeWords(st, part, ft); n > 0 {
			switch st.typ {
			case store.StakeholderAcademia, store.StakeholderCivilSociety, store.StakeholderInternationalO:
				return true
			}
		}
	}
	// "Commissioner", "Regulatory affairs", "Telecommunications policy": the
	// government and company words a title takes are not enough; a ministry or a
	// company's legal form is.
	n, _ := v.governmentBodies.countIn(ft)
	m, _ := v.legalForms.countIn(ft)
	return n+m > 0 || legalForm(part) != ""
}

func isAnyOf(s string, set ...string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

func hasParentIn(domain string, set map[string]bool) bool {
	for {
		_, parent, ok := strings.Cut(domain, ".")
		if !ok {
			return false
		}
		if set[parent] {
			return true
		}
		domain = parent
	}
}

func emailDomain(email string) string {
	_, domain, ok := strings.Cut(strings.ToLower(trimSpace(email)), "@")
	if !ok {
		return ""
	}
	return strings.Trim(domain, ".> ")
}

// lineTerms keeps the short lines (name, signature) that the organisation and the
// stakeholder guesses both read, folded and counted once, with what is worked out of
// them (the organisation words of each stakeholder type, whether a line is an
// address), also once.
type lineTerms struct {
	v       *vocabulary
	lines   map[string]foldedText
	address map[string]bool
	slab    *countSlab // lends the lines' counts, when not nil
	// subjects are sentenceSubject's type and subject of a text, by text.
	subjects map[string][2]string
	// folds are the lines folded (see foldText), for get and isAddressLine.
	folds map[string]string
}

// fold is foldText(line), worked out once per line.
func (lt lineTerms) fold(line string) string {
	f, ok := lt.folds[line]
	if !ok {
		f = foldText(line)
		if lt.folds != nil {
			lt.folds[line] = f
		}
	}
	return f
}

// sentenceSubject is v.sentenceSubject(text, lt), worked out once per text.
func (lt lineTerms) sentenceSubject(text string) (string, string) {
	s, ok := lt.subjects[text]
	if !ok {
		s[0], s[1] = lt.v.sentenceSubject(text, lt)
		if lt.subjects != nil {
			lt.subjects[text] = s
		}
	}
	return s[0], s[1]
}

// lineMemo is what typeWords found in one line of lineTerms, by stakeholder type.
type lineMemo struct {
	line  string
	types []typeWordsFound
	found [5]typeWordsFound // where types are kept while there are no more types
}

type typeWordsFound struct {
	typ  string
	n    int
	term string
}

func (lt lineTerms) get(line string) foldedText {
	ft, ok := lt.lines[line]
	if !ok {
		ft = lt.v.newFoldedTextIn(lt.fold(line), lt.slab)
		if lt.slab != nil {
			ft.memo = &lt.slab.memos.take(1, 64)[0]
		} else {
			ft.memo = new(lineMemo)
		}
		ft.memo.line = line
		ft.memo.types = ft.memo.found[:0]
		lt.lines[line] = ft
	}
	return ft
}

// isAddressLine is isFoldedAddressLine of the line, worked out once per line.
func (lt lineTerms) isAddressLine(line string) bool {
	is, ok := lt.address[line]
	if !ok {
		trimmed := trimSpace(line)
		is = isFoldedAddressLine(trimmed, lt.fold(trimmed))
		if lt.address != nil {
			lt.address[line] = is
		}
	}
	return is
}

// isOrganisationLine reports whether line holds an organisation word of any
// stakeholder type.
func (v *vocabulary) isOrganisationLine(line string, lt lineTerms) bool {
	ft := lt.get(line)
	for _, st := range v.stakeholders {
		if n, _ := v.typeWords(st, line, ft); n > 0 {
			return true
		}
	}
	return false
}

var displayNameOrgRE = regexp.MustCompile(`^(.+?)\s*(?:\||/|–|—| - |,|\()\s*(.+?)\)?$`)

// displayNameOrgSeps holds a rune of each separator of displayNameOrgRE: a name with none
// of them (most are a person's name alone) is not run through it.
const displayNameOrgSeps = "|/–—-,("

// organisation names the sender's organisation: the Organization header,
// the organisation part of the display name, the part of a signature line with an
// organisation word that is not a job title ("Policy Director, Digital Rights
// Foundation" names the foundation), a signature line that spells the sender's
// domain ("Globex Events" for globexevents.com), or the domain.
//
// Before the domain, when its name part is all there is: the organisation a sentence
// of the text opens with ("Новосибирский государственный университет хотел бы…"), then
// the last line of the signature when it is one short name that is not the sender's
// ("香港社會服務聯會", «أورانج مصر»). A long name whose initials are the domain's name gets
// them after it: "Autorité de régulation … et des postes (ARCEP)".
func (v *vocabulary) organisation(p *Parsed, sig []string, lt lineTerms, fresh string) string {
	org := v.organisationNamed(p, sig, lt, fresh)
	if org != "" && !strings.Contains(org, " ") && utf8.RuneCountInString(org) >= 8 {
		// "Tamarindcollective" of tamarindcollective.in: the name the text spells with its
		// words ("At Tamarind Collective we…", "Lakeside Institute of Technology" for
		// lakesidetech.org), when it does.
		if label := v.domainLabel(emailDomain(p.From.Email)); label != "" && strings.EqualFold(org, label) {
			if spelled := domainSpelledIn(fresh, label); spelled != "" {
				org = spelled
			}
		}
	}
	org = spelledOut(org, fresh)
	if f := strings.Fields(org); len(f) >= 2 && isAcronym(f[0]) && v.isOfficeUnit(strings.Join(f[1:], " ")) {
		// "STTN Secrétariat général" of a text that writes «Le Syndicat des travailleurs des
		// télécommunications et du numérique (STTN) souhaite…»: the office's body, spelled out.
		if long := expandAcronym(fresh, f[0]); long != "" && !strings.EqualFold(long, f[0]) {
			org = long + " (" + f[0] + ")"
		}
	}
	if isDivision(org) {
		// "Direction de la Francophonie économique et numérique" from francophonie.org, a
		// text that opens «L'Organisation internationale de la Francophonie (OIF) a
		// l'honneur…»: the body of the domain the text spells with its acronym.
		if body := bodyOfDomainInText(fresh, v.domainLabel(emailDomain(p.From.Email))); body != "" {
			org = body
		}
	}
	if org != "" && mainScript(org) == 'L' {
		// "Sanabel Telecom Group" signs a text that opens «تتقدم مجموعة سنابل للاتصالات
		// بمساهمتها»: the name in the script the text is written in.
		if script := mainScript(fresh); script != 'L' && script != 0 {
			if name := v.nameInScript(fresh, sig, script, lt); name != "" {
				org = name
			}
		}
	}
	org = v.parentOfDivision(org, lt)
	org = v.parentInText(org, fresh, lt)
	if o := v.withoutPlace(org, lt); o != org {
		// «Министерство … РК, г. Астана»: the acronym ends the name once the place is off.
		org = spelledOut(o, fresh)
	}
	org = russianNominative(org)
	if label := v.domainLabel(emailDomain(p.From.Email)); len(label) >= 3 && len(label) <= 8 && utf8.RuneCountInString(org) > 20 &&
		initials(org) == label {
		org += " (" + strings.ToUpper(label) + ")"
	}
	return org
}

// russianNominative names in the nominative an organisation a signature line gives in
// the genitive, under the writer's title on the line above: «Министерства связи и
// информатизации Республики Беларусь» is «Министерство связи …», «Евразийской
// экономической комиссии» «Евразийская экономическая комиссия». A name that opens
// otherwise stays.
func russianNominative(org string) string {
	words := strings.Fields(org)
	if len(words) < 2 || !isCyrillic(words[0]) {
		return org
	}
	k := 0
	for k < len(words) && k < 3 && russianGenitiveAdjective(words[k]) {
		k++
	}
	if k == len(words) {
		return org
	}
	if _, ok := russianHeads[strings.ToLower(strings.TrimRight(words[k], ",;."))]; !ok {
		return org
	}
	if nom := russianOrganisation(append([]string{""}, words...)); nom != "" {
		return nom
	}
	return org
}

// spelledOut is an organisation's name that ends with an acronym as the text spells it:
// «Министерство … развития РК» signs what the text spells «Министерство … развития
// Республики Казахстан». Else org.
func spelledOut(org, fresh string) string {
	f := strings.Fields(org)
	if len(f) < 3 {
		return org
	}
	if acr := f[len(f)-1]; isAcronym(acr) && len(f[len(f)-2]) > 0 && !isAcronym(f[len(f)-2]) {
		stem := strings.Join(f[:len(f)-1], " ")
		if long := expandAcronym(fresh, acr); long != "" && !strings.EqualFold(long, acr) && strings.Contains(fresh, stem+" "+long) {
			return stem + " " + long
		}
	}
	return org
}

func (v *vocabulary) organisationNamed(p *Parsed, sig []string, lt lineTerms, fresh string) string {
	if org := trimSpace(p.Headers[hdrOrganization]); org != "" {
		return shorten(org, 120)
	}
	name := trimSpace(p.From.Name)
	var m []string
	if strings.ContainsAny(name, displayNameOrgSeps) {
		m = displayNameOrgRE.FindStringSubmatch(name)
	}
	if m != nil && v.isOfficeUnit(m[2]) {
		// "Municipalidad de Rosario - Secretaría de Innovación": the office's
		// organisation goes first; "Secrétariat - Direction de …" names offices only.
		if !v.isOfficeUnit(m[1]) && v.isOrganisationLine(m[1], lt) {
			return shorten(trimSpace(m[1]), 120)
		}
		name = ""
	} else if m != nil && (v.isOrganisationLine(m[2], lt) || isAcronym(m[2])) {
		return shorten(trimSpace(m[2]), 120)
	}
	if org := chineseUnitOwner(name); org != "" {
		// "阿里云国际传播部": a department of the organisation its name opens with, as the
		// signature spells it in full ("澳門特別行政區郵電局 國際事務處" under "澳門郵電局 國際事務處").
		last, _ := utf8.DecodeLastRuneInString(org)
		for _, line := range sig {
			if full := chineseUnitOwner(line); utf8.RuneCountInString(full) > utf8.RuneCountInString(org) &&
				strings.HasSuffix(full, string(last)) && strings.HasPrefix(full, string([]rune(org)[:2])) {
				return full
			}
		}
		return org
	}
	if name != "" && v.isOfficeUnit(name) {
		if acr := trailingAcronym(name); acr != "" {
			// "Secrétariat exécutif CRAC": the office of the body whose initials end the
			// name, as the text spells them ("la Communauté des régulateurs d'Afrique
			// centrale (CRAC)").
			if long := expandAcronym(fresh, acr); long != "" && !strings.EqualFold(long, acr) && !v.isOfficeUnit(long) {
				return shorten(long+" ("+acr+")", 120)
			}
		}
	}
	if name != "" && v.isOfficeUnit(name) {
		// "Cabinet du Ministre" writes under its ministry's letterhead, the line above its
		// own at the head of the letter: the ministry's.
		if above := lineAbove(fresh, name, 12); above != "" && utf8.RuneCountInString(above) <= 100 && !endsSentence(above) &&
			!v.isOfficeUnit(above) && v.isOrganisationLine(above, lt) {
			return shorten(above, 120)
		}
	}
	if name != "" && v.isOrganisationLine(name, lt) {
		if i := slices.Index(sig, name); i >= 0 && i+1 < len(sig) && v.isOfficeUnit(name) && isDivision(name) {
			// "Direction de la Francophonie économique et numérique" signs above
			// "Organisation internationale de la Francophonie": the office's organisation.
			if below := sig[i+1]; !v.isOfficeUnit(below) && v.isOrganisationLine(below, lt) && !v.isWholeGovernment(below, lt) &&
				utf8.RuneCountInString(below) <= 80 && !endsSentence(below) {
				return shorten(below, 120)
			}
		}
		if n, _ := v.jobTitles.countIn(lt.get(name)); n == 0 && !v.startsWithUnit(name) {
			if full := fullerName(name, sig); full != "" {
				// "Secretaría General CAN" signs "Secretaría General de la Comunidad Andina".
				return shorten(full, 120)
			}
			return shorten(name, 120)
		}
	}
	if arabicBodyName(name) {
		// «المفوضية الوطنية للتحول الرقمي», «المركز الإقليمي العربي للتنمية الرقمية»: a
		// display name that opens with a noun and its article is a body's, not a person's.
		return shorten(strings.Join(strings.Fields(name), " "), 120)
	}
	// Signatures end with the organisation: look from the bottom, at short
	// lines that are not sentences or list items.
	var candidates []string
	var candidateAt []int    // each candidate's index in sig
	var beforeAddress []bool // each candidate is the words before an address
	for i := len(sig) - 1; i >= 0; i-- {
		line := sig[i]
		if n := utf8.RuneCountInString(line); n > 130 || n > 80 && !v.opensWithOrganisation(line, lt) ||
			endsSentence(line) || holdsSentenceEnd(line) || isListItem(line) {
			// A long line is a sentence, unless it opens with an organisation word: «Министерство
			// по развитию информационных технологий и коммуникаций Республики Узбекистан».
			continue
		}
		if r, _ := utf8.DecodeRuneInString(line); unicode.IsLower(r) && strings.HasSuffix(trimSpace(line), ",") {
			// "systems used by public administrations - welfare eligibility, predictive
			// policing,": the middle of a sentence wrapped over lines.
			continue
		}
		if hasAnyPrefix(line, "Le ", "La ", "El ") && romanceVerbAfter(strings.Fields(line), 2) > 0 {
			// «Le Ministère de … a» wrapped before «l'honneur de transmettre»: a sentence.
			continue
		}
		if maySignForAnother(line) && v.countsIn(v.delegatedSigning, lt, line) > 0 {
			// "Pour le Ministre et par délégation": who signs for whom, above the title.
			continue
		}
		if i > 0 && v.continuesOrganisation(line, sig[i-1], lt) {
			// "to the United Nations Office … in Geneva" under "Permanent Mission of …":
			// the end of the name above, not an organisation of its own.
			continue
		}
		line = withoutRemark(line)
		if sender := trimSpace(p.From.Name); len(sender) > 3 && strings.HasPrefix(line, sender) &&
			hasAnyPrefix(line[len(sender):], " —", " –", " -", ",", " |", "|") && !v.isOrganisationLine(sender, lt) {
			// "Priya Raman — Rural Connect Trust": the sender's name before the organisation.
			if rest := strings.TrimLeft(line[len(sender):], " ,;|-–—"); rest != "" && v.isOrganisationLine(rest, lt) {
				line = rest
			}
		}
		whole := line
		if line = nameBeforeAddress(line, lt); line == "" || isBracketed(line) || isWebAddress(line) {
			// "（公司邮箱暂时无法发送外部邮件，故使用个人邮箱）": a remark in brackets; "www.oif.org": where
			// to read more.
			continue
		}
		candidates = append(candidates, line)
		candidateAt = append(candidateAt, i)
		beforeAddress = append(beforeAddress, line != whole)
	}
	for k, line := range candidates {
		if beforeAddress[k] && k+1 < len(candidates) && candidateAt[k+1] == candidateAt[k]-1 &&
			(len(lineSegments(line)) >= 3 || slices.ContainsFunc(strings.Fields(foldText(line)), func(w string) bool { return streetWords[w] })) &&
			v.isOrganisationLine(candidates[k+1], lt) {
			// "PCJ Building, 36 Trafalgar Road" or "Circuito Interior, Ciudad Universitaria,
			// 04510 CDMX" under "Ministry of Science, Energy and Technology": the words before
			// an address are the building's or the campus's when the line above names the
			// organisation.
			continue
		}
		if !v.isOrganisationLine(line, lt) {
			// "БГУИР, Минск", "MINTEL, Quito - Ecuador": initials that open a line name the
			// organisation, spelt out when the text does.
			if acr := leadingAcronym(line); acr != "" {
				if long := expandAcronym(fresh, acr); long != "" {
					return shorten(long+" ("+acr+")", 120)
				}
				return shorten(strings.Trim(lineSegments(line)[0], " \t,;-–—|"), 120)
			}
			// "исполнительный директор АПИК", "Coordinadora regional, REDMUTEC": initials
			// after a job title name the organisation the text spells out.
			// "секретарь ФНПР по международным вопросам": or inside the line, when the text
			// spells them out.
			lastSegment := func() string {
				// "Н. Ковальчук, проректор по … БГУИС": the initials the last part ends with.
				if !strings.ContainsAny(line, ",|–—/") {
					return ""
				}
				segs := lineSegments(line)
				return trailingAcronym(segs[len(segs)-1])
			}
			for _, acr := range []string{trailingAcronym(line), innerAcronym(line), lastSegment()} {
				if acr == "" {
					continue
				}
				if n, _ := v.jobTitles.countIn(lt.get(line)); n > 0 {
					if long := expandAcronym(fresh, acr); long != "" && !strings.EqualFold(long, acr) {
						return shorten(long+" ("+acr+")", 120)
					}
					if label := v.domainLabel(emailDomain(p.From.Email)); label != "" && latinLetters(acr) == label {
						// "проректор по международным связям БГУИС" from bguis.by: the
						// initials the domain spells.
						return acr
					}
				}
			}
			continue
		}
		parts := []string{line}
		if n, _ := v.jobTitles.countIn(lt.get(line)); n > 0 || strings.ContainsAny(line, "|/") {
			// "Policy Director, Digital Rights Foundation": the title is left out. A line
			// without one stays whole ("Universidad Andina, Cusco").
			parts = lineSegments(line)
		} else if segs := lineSegments(line); len(segs) > 1 && slices.ContainsFunc(segs, v.isOfficeUnit) {
			parts = segs
		}
		if len(parts) > 1 {
			// "Corporate Services Directorate | City of Cape Town", «قسم التعاون الدولي -
			// وزارة الاتصالات»: the office is left out when its organisation is beside it.
			var whole []string
			for _, part := range parts {
				// "Department of Telecommunications, Government of India": the department
				// is the organisation, not the government.
				if !v.isOfficeUnit(part) && v.isOrganisationLine(part, lt) && !v.isWholeGovernment(part, lt) {
					whole = append(whole, part)
				}
			}
			if len(whole) > 0 {
				parts = slices.DeleteFunc(parts, v.isOfficeUnit)
			}
		}
		// A part without a title before one with it: "عميد كلية …، جامعة بيرزيت" is the
		// university, "Professor at the University of Ghana" still the university.
		titled := func(part string) bool {
			n, _ := v.jobTitles.countIn(lt.get(part))
			return n > 0
		}
		var plain, withTitle []string
		for _, part := range parts {
			if titled(part) {
				withTitle = append(withTitle, part)
			} else {
				plain = append(plain, part)
			}
		}
		// "كلية الإعلام، الجامعة اللبنانية", "Faculty of Law, University of Ghana": the
		// university before its faculty ("Department of Telecommunications, Government
		// of India" stays the department).
		unitFirst := func(part string) bool {
			first, _, _ := strings.Cut(foldText(part), " ")
			return unitHeads[first]
		}
		university := func(part string) bool {
			if unitFirst(part) {
				return false
			}
			for _, st := range v.stakeholders {
				if st.typ == store.StakeholderAcademia {
					n, _ := v.typeWords(st, part, lt.get(part))
					return n > 0
				}
			}
			return false
		}
		if len(plain) > 1 && slices.ContainsFunc(plain, unitFirst) && slices.ContainsFunc(plain, university) {
			var bodies, units []string
			for _, part := range plain {
				if unitFirst(part) {
					units = append(units, part)
				} else {
					bodies = append(bodies, part)
				}
			}
			plain = append(bodies, units...)
		}
		parts = append(plain, withTitle...)
		for _, part := range parts {
			ft := lt.get(part)
			if n, _ := v.jobTitles.countIn(ft); n > 0 && (!v.namesOrganisationType(part, ft) || v.founderTitle(part, lt)) {
				continue
			}
			if v.isOfficeUnit(part) && len(parts) > 1 && isAcronym(parts[0]) && utf8.RuneCountInString(parts[0]) >= 3 {
				// "OEI – Secretaría General, Madrid": the initials before the office are its
				// organisation's, spelt out when the text does.
				if long := expandAcronym(fresh, parts[0]); long != "" && !strings.EqualFold(long, parts[0]) {
					return shorten(long+" ("+parts[0]+")", 120)
				}
				return parts[0]
			}
			if !v.isOrganisationLine(part, lt) {
				continue
			}
			if k+1 < len(candidates) && candidateAt[k+1] == candidateAt[k]-1 && v.isWholeGovernment(part, lt) {
				// "政府資訊科技總監辦公室" above "香港特別行政區政府", "Office of the … / Government
				// of …": the office inside the government is the organisation.
				if office := v.governmentOffice(candidates[k+1]); office != "" {
					return shorten(office, 120)
				}
			}
			if titled(part) && isCyrillic(part) {
				// «Начальник отдела Министерства цифрового развития»: the ministry, named
				// in the nominative.
				if org := russianOrganisation(strings.Fields(part)); org != "" {
					return shorten(org, 120)
				}
			}
			if titled(part) {
				// "Coordinadora del Programa … de la Fundación Telefónica": the title is
				// left out.
				part = v.afterTitle(part, lt)
			}
			if bare := trimSpace(part); arabicHeads[bare] != "" || arabicHeads[strings.TrimPrefix(bare, "ال")] != "" {
				// «رئيس الجمعية»: "the association" alone names none.
				continue
			}
			if rest := v.dropUnit(part); rest != part && isCyrillic(rest) {
				// «Пресс-служба Фонда развития …»: the fund, named in the nominative.
				if org := russianOrganisation(append([]string{"-"}, strings.Fields(rest)...)); org != "" {
					return shorten(org, 120)
				}
			}
			return shorten(trimName(dropChineseUnit(v.dropUnit(part))), 120)
		}
	}
	domain := emailDomain(p.From.Email)
	if labels := v.domainNames(domain); domain != "" && !v.isWebmail(domain) && !v.personalDomain(p.From.Email, p.From.Name) {
		for _, line := range candidates {
			for _, part := range lineSegments(line) {
				if namesDomain(part, labels...) {
					return shorten(trimName(v.dropUnit(part)), 120)
				}
			}
		}
	}
	fromDomain := v.domainOrganisation(domain)
	if v.personalDomain(p.From.Email, p.From.Name) {
		// john@johnsmith.me: a domain of the sender's own name is a personal address.
		fromDomain = ""
	}
	if fromDomain == "" && v.signsAsTeam(p.From.Name, sig) {
		// "Solar Schools Nepal <solarschoolsnepal@gmail.com>" signing "Solar Schools Nepal
		// team": the display name is the organisation's.
		return shorten(trimSpace(p.From.Name), 120)
	}
	if fromDomain == "" && v.writesAsStudent(fresh, lt) {
		// "Soy estudiante de comunicación…", «我是清华大学的研究生»: a student writes for
		// themselves, not for their university.
		return ""
	}
	if fromDomain == "" {
		// A personal address: whoever signs, signs for themselves, unless the text writes
		// from the body of the display name, names their company (with its legal form, or
		// in quotation marks after a company noun), the organisation they hold a post in or
		// whose compliments a note verbale presents, or they sign with a company's name.
		if org := displayNameInText(p.From.Name, fresh); org != "" {
			// "Nodo Sur <nodosur.coop@gmail.com>" writing "Desde Nodo Sur, cooperativa…":
			// the display name is the body's the writer writes from.
			return shorten(org, 120)
		}
		if org := companyInText(fresh); org != "" {
			return shorten(org, 120)
		}
		if org, _ := quotedCompany(fresh); org != "" {
			// «Компания «Сибирские облачные системы» подает заявку», «от АНО «Цифровая
			// деревня»»: a company noun or a civil form before a name in quotation marks.
			return shorten(org, 120)
		}
		if org := v.writerOrganisation(fresh, lt); org != "" {
			return shorten(org, 120)
		}
		if org := v.noteVerbaleSender(fresh, lt); org != "" {
			return shorten(org, 120)
		}
		if org := v.companySigned(sig, lt); org != "" {
			return shorten(org, 120)
		}
		return shorten(v.signedAndNamed(sig, p.From, fresh, lt), 120)
	}
	named := ""
	_, head := lt.sentenceSubject(fresh)
	if first, _, _ := strings.Cut(head, " "); isAnyOf(foldText(first), "i", "i'm", "je", "soy", "я") {
		// "Soy docente del Laboratorio de …" opens with the writer: their post, not the
		// name of a body.
		head = ""
	}
	if head != "" {
		named = head
	} else if own := ""; isAcronym(fromDomain) && func() bool { own = v.writerOrganisation(fresh, lt); return own != "" }() {
		// "Soy docente del Laboratorio de Medios de la Universidad …": the post the
		// writer holds names the organisation the domain's initials stand for.
		named = own
	} else {
		named = v.lastSignatureName(sig, p.From.Name, lt)
	}
	switch {
	case named == "":
		return fromDomain
	case isAcronym(fromDomain):
		// The domain's name is often the organisation's initials: keep both.
		return shorten(named, 100) + " (" + fromDomain + ")"
	}
	return shorten(named, 120)
}

// signedAndNamed is the signature line that the text names too ("Desde Ñandutí
// Tinkuy, red de …" signed "Wayra Tinkuy"): a short name of one part, no title,
// address or part of the sender's name, that a writer from a personal address speaks
// for; or "".
func (v *vocabulary) signedAndNamed(sig []string, from Address, fresh string, lt lineTerms) string {
	for i := len(sig) - 1; i >= 0; i-- {
		line := trimSpace(sig[i])
		if n := utf8.RuneCountInString(line); n < 4 || n > 60 || endsSentence(line) || !startsUpper(line) ||
			strings.IndexFunc(line, unicode.IsDigit) >= 0 || lt.isAddressLine(line) || len(lineSegments(line)) > 1 {
			continue // "El Alto - Bolivia": a place and its country
		}
		if strings.Contains(foldText(from.Name), foldText(line)) {
			continue // the writer's own name ("Rahul" of "Rahul Mehta")
		}
		if n, _ := v.jobTitles.countIn(lt.get(line)); n > 0 {
			continue
		}
		if strings.Count(fresh, line) >= 2 {
			return line
		}
	}
	return ""
}

// hasWords reports whether s has n words or more, as strings.Fields cuts them.
func hasWords(s string, n int) bool {
	for range n {
		if w, _ := nextTokenIn(&s, spaceSeps); w == "" {
			return false
		}
	}
	return true
}

// wrapsOn reports whether a line of six words or more is a sentence wrapped onto the
// next line, which opens in small letters ("…panels at APT and ASEAN meetings and" /
// "is an experienced and neutral chair.").
func wrapsOn(line string, next []string) bool {
	if len(next) == 0 || !hasWords(line, 6) {
		return false
	}
	rest := next[0]
	first, _ := nextTokenIn(&rest, spaceSeps) // as strings.Fields cuts it
	if first == "" || strings.HasSuffix(first, ".") {
		return false // «г. Москва», "c/o": an address
	}
	r, _ := utf8.DecodeRuneInString(first)
	return unicode.IsLower(r)
}

// endsSentence reports whether line ends with sentence punctuation (spaces after it
// aside), in the six languages.
// A full stop after an abbreviation ("Telefónica Venezolana C.A.", "Acme Inc.")
// ends no sentence.
func endsSentence(line string) bool {
	line = strings.TrimRightFunc(line, unicode.IsSpace)
	r, _ := utf8.DecodeLastRuneInString(line)
	if r == '.' {
		// The last word, as strings.Fields cuts it, and whether a word comes before it.
		lastWord, before := line, false
		if i := strings.LastIndexFunc(line, unicode.IsSpace); i >= 0 {
			_, size := utf8.DecodeRuneInString(line[i:])
			lastWord = line[i+size:]
			before = strings.TrimFunc(line[:i], unicode.IsSpace) != ""
		}
		last := strings.TrimSuffix(lastWord, ".")
		first, _ := utf8.DecodeRuneInString(last)
		if before && (len(last) <= 4 && (strings.Contains(last, ".") || unicode.IsUpper(first)) || legalFormWords[lastWord]) {
			return false
		}
	}
	return strings.ContainsRune(".:;!?。：；！？؟", r)
}

// holdsSentenceEnd reports whether a line of six words or more holds the end of a
// sentence before its last word: a word of four letters or more, all small, its stop,
// a space and the next word ("at the library. taken by me. Ana"), a sentence or two
// run on, not a signature line. An abbreviation's stop ("Inc. ", "Univ. ", "Dr. ") has
// fewer small letters before it.
func holdsSentenceEnd(line string) bool {
	for i := 0; i < len(line); {
		j := strings.IndexAny(line[i:], ".!?")
		if j < 0 {
			return false
		}
		j += i
		if j+2 < len(line) && line[j+1] == ' ' && line[j+2] != ' ' && lowerBefore(line[:j], 4) {
			return hasWords(line, 6)
		}
		i = j + 1
	}
	return false
}

// lowerBefore reports whether s ends with a word of n small letters or more, all
// small: "library", not "Smith" ("Jane Smith. Senior Lecturer. …" is a signature line).
func lowerBefore(s string, n int) bool {
	k := 0
	for {
		r, size := utf8.DecodeLastRuneInString(s)
		if size == 0 || !unicode.IsLetter(r) {
			return k >= n
		}
		if !unicode.IsLower(r) {
			return false
		}
		k++
		s = s[:len(s)-size]
	}
}

// listsParticulars reports whether a text lists people by their particulars: two items
// of a list or more that carry a number of their own ("- Ing. M. Ferreyra, DNI
// 34.102.955", "2. 李 护照号 E12345678"), the list's numbering aside.
func listsParticulars(text string) bool {
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		loc := listItemRE.FindStringIndex(line)
		if loc == nil {
			continue
		}
		item := line[loc[1]:]
		digits := 0
		for i := 0; i < len(item); i++ {
			if item[i] >= '0' && item[i] <= '9' {
				digits++
			}
		}
		if digits >= 5 {
			n++
		}
	}
	return n >= 2
}

var listItemRE = regexp.MustCompile(`^\s*([-–—•·・▪◦‣►*]|\d+[.)]|[a-zа-я]\)|[(（][^)）]{1,3}[)）])`)

// isListItem is listItemRE.MatchString(line), without running the expression on the
// lines (most) whose first rune after the spaces can open no list item.
func isListItem(line string) bool {
	i := 0
	for i < len(line) && strings.IndexByte(" \t\n\f\r", line[i]) >= 0 {
		i++
	}
	if i == len(line) {
		return false
	}
	switch r, size := utf8.DecodeRuneInString(line[i:]); {
	case '0' <= r && r <= '9':
		// Only \d+[.)] opens with a digit.
		j := i + 1
		for j < len(line) && '0' <= line[j] && line[j] <= '9' {
			j++
		}
		return j < len(line) && (line[j] == '.' || line[j] == ')') && listItemRE.MatchString(line)
	case 'a' <= r && r <= 'z', 'а' <= r && r <= 'я':
		// Only [a-zа-я]\) opens with a small letter.
		return i+size < len(line) && line[i+size] == ')' && listItemRE.MatchString(line)
	case r == '(', r == '（', strings.ContainsRune("-–—•·・▪◦‣►*", r):
		return listItemRE.MatchString(line)
	}
	return false
}

func isAcronym(s string) bool {
	s = trimSpace(s)
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '-' && r != '&' {
			return false
		}
	}
	return true
}

// domainOrganisation names an organisation after its domain: "ncc.gov.ng"
// is "NCC", "numerique-solidaire.org" is "Numerique Solidaire".
func (v *vocabulary) domainOrganisation(domain string) string {
	if domain == "" || v.isWebmail(domain) {
		return ""
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return ""
	}
	if bulkTLDs[labels[len(labels)-1]] {
		// Mass mailing's domains (winners-notify.top) name nobody.
		return ""
	}
	labels = labels[:len(labels)-1] // top-level domain
	if len(labels) >= 2 && v.secondLevel[labels[len(labels)-1]] {
		labels = labels[:len(labels)-1]
	}
	labels = reservedLabelCut(labels)
	label := labels[len(labels)-1]
	if label == "" {
		return ""
	}
	if strings.Contains(label, "-") && strings.IndexFunc(label, unicode.IsDigit) >= 0 {
		// Numbers between words (fp-kaipiao88, baza-kontaktov-2019) make a throwaway
		// sending domain, not an organisation's name.
		return ""
	}
	if len(label) <= 6 && !strings.Contains(label, "-") {
		return strings.ToUpper(label)
	}
	words := strings.FieldsFunc(label, func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	return strings.Join(words, " ")
}

// bulkTLDs are the top-level domains of throwaway sending domains, not of organisations.
var bulkTLDs = wordSet(`top xyz click loan win bid icu buzz monster rest cyou cfd sbs quest`)

// signatureLines returns the lines of the signature: those after "-- ", or
// else the last lines of the new text, where people sign.
func (v *vocabulary) signatureLines(text, fresh string) []string {
	// The lines of the text are read one by one up to a delimiter; those under it are
	// cut apart only when there is one.
	for rest := normalizeNewlines(text); ; {
		l, after, more := strings.Cut(rest, "\n")
		if isSignatureDelimiter(l) {
			var below []string
			if more {
				below = strings.Split(after, "\n")
			}
			if sig := slices.DeleteFunc(nonEmpty(v.dropFields(below), 8), v.isDisclaimer); len(sig) > 0 {
				return sig
			}
			// Only a disclaimer under the delimiter: the signature is above it.
			break
		}
		if !more {
			break
		}
		rest = after
	}
	// The last eight lines of the new text that dropFields and nonEmpty keep: each line
	// is kept or dropped by itself, so the lines are read from the last, up to eight.
	var last []string
	for rest := fresh; len(last) < 8; {
		i := strings.LastIndexByte(rest, '\n')
		for _, l := range v.dropFields([]string{rest[i+1:]}) {
			if l = trimSpace(l); l != "" && !isQuoteLine(l) {
				last = append(last, l)
			}
		}
		if i < 0 {
			break
		}
		rest = rest[:i]
	}
	slices.Reverse(last)
	return last
}

// isDisclaimer reports whether a line is a sentence of a disclaimer ("This e-mail and
// any attachments are confidential…"): it says nothing of who signs.
func (v *vocabulary) isDisclaimer(line string) bool {
	if utf8.RuneCountInString(line) < 40 {
		return false
	}
	slab := v.getSlab()
	defer v.putSlab(slab)
	n, _ := v.disclaimers.countIn(v.newFoldedTextIn(foldText(line), slab))
	return n > 0
}

// dropFields leaves out the lines that fill in a field of the message ("Titre : …",
// "Coorganizan: ONU Mujeres Guatemala y la Universidad de San Carlos", "講者：…",
// "Tel.: +41…"): a label of one to three words before a colon. They speak of a session
// or a way to write, not of who signs. A field that names the organisation
// ("Organisation : Afnic", «Организация: АПИК») keeps its value; a label that is an
// organisation ("中国互联网协会：王明") keeps its line.
func (v *vocabulary) dropFields(lines []string) []string {
	out := lines[:0:0]
	for _, l := range lines {
		label, value, ok := cutField(l)
		switch {
		case ok && placeFields[foldText(label)]:
			// "国家：中国", "Pays : Sénégal": where the writer is, not who.
		case ok && organisationFields[foldText(label)]:
			out = append(out, value)
		case !ok || v.namesOrganisation(label):
			out = append(out, l)
		}
	}
	return out
}

// organisationFields are the labels of a field that names the sender's organisation,
// folded.
var organisationFields = map[string]bool{"organisation": true, "organization": true, "organisme": true,
	"institution": true, "organización": true, "organizacion": true, "entidad": true, "institución": true,
	"empresa": true, "société": true, "company": true, "организация": true, "учреждение": true,
	"机构": true, "单位": true, "機構": true, "單位": true, "الجهة": true, "المؤسسة": true, "المنظمة": true}

// placeFields are the labels of a field that says where: a country or a city is no
// organisation.
var placeFields = map[string]bool{"country": true, "pays": true, "país": true, "pais": true, "страна": true,
	"国家": true, "國家": true, "国家/地区": true, "البلد": true, "الدولة": true, "city": true, "ville": true,
	"ciudad": true, "город": true, "城市": true, "المدينة": true}

// isBracketed reports whether a line is all in brackets: a remark, not a name.
func isBracketed(line string) bool {
	line = trimSpace(line)
	return (strings.HasPrefix(line, "(") && strings.HasSuffix(line, ")") ||
		strings.HasPrefix(line, "（") && strings.HasSuffix(line, "）")) && !strings.ContainsAny(line[1:len(line)-1], "()（）")
}

// isWebAddress reports whether a line is a web address alone ("www.francophonie.org",
// "https://example.org/about").
func isWebAddress(line string) bool {
	// No rune above ASCII lowers to the letters of the prefixes: the line is read as it
	// is, without lowering it.
	f := trimSpace(line)
	return !strings.ContainsAny(f, " \t") && (hasPrefixFold(f, "www.") || hasPrefixFold(f, "http://") ||
		hasPrefixFold(f, "https://"))
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), prefix) for a prefix of
// lower-case ASCII letters and punctuation that no rune above ASCII lowers to.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// cutField cuts a line "label: value" with a label of one to three words of letters
// (dots and hyphens too) and a value after it.
func cutField(line string) (label, value string, ok bool) {
	line = trimSpace(line)
	i := strings.IndexByte(line, ':') // the first of ":" and "：", two fast searches
	if j := strings.Index(line, "："); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i <= 0 {
		return "", "", false
	}
	label = trimSpace(line[:i])
	_, size := utf8.DecodeRuneInString(line[i:])
	value = trimSpace(line[i+size:])
	if value == "" || strings.HasPrefix(value, "//") || !hasWords(label, 1) || hasWords(label, 4) || utf8.RuneCountInString(label) > 30 {
		return "", "", false
	}
	for _, r := range label {
		if !unicode.IsLetter(r) && !unicode.IsSpace(r) && r != '.' && r != '-' && r != '\'' {
			return "", "", false
		}
	}
	return label, value, true
}

func nonEmpty(lines []string, n int) []string {
	var out []string
	for _, l := range lines {
		if l = trimSpace(l); l != "" && !isQuoteLine(l) {
			out = append(out, l)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// replyPrefixLeads are the runes a prefix of replyPrefixRE may open with, in any case:
// each first rune of its words with the runes (?i) matches it with (unicode.SimpleFold).
var replyPrefixLeads = func() map[rune]bool {
	leads := map[rune]bool{}
	for _, r := range "rfawtsveо回答转轉رإ" {
		for f := unicode.SimpleFold(r); ; f = unicode.SimpleFold(f) {
			leads[f] = true
			if f == r {
				break
			}
		}
	}
	return leads
}()

// mayOpenWithReplyPrefix reports whether replyPrefixRE may match at the start of s: its
// first rune after the spaces of \s opens one of its words. Most subjects ("Contribution
// to the WSIS Forum: …", «Вклад в Форум: …») do not, and are not run through it.
func mayOpenWithReplyPrefix(s string) bool {
	s = strings.TrimLeft(s, "\t\n\f\r ") // \s in RE2
	r, _ := utf8.DecodeRuneInString(s)
	return replyPrefixLeads[r]
}

// stripReplyPrefixes removes "Re:", "Fwd:", "回复:"... from a subject.
func stripReplyPrefixes(subject string) string {
	for {
		if !strings.ContainsAny(subject, ":：") || !mayOpenWithReplyPrefix(subject) {
			return subject // every prefix ends with a colon
		}
		loc := replyPrefixRE.FindStringIndex(subject)
		if loc == nil {
			return subject
		}
		subject = subject[loc[1]:]
	}
}

// top0 is the highest of the scores.
func top0(score map[string]int) int {
	top := 0
	for _, n := range score {
		top = max(top, n)
	}
	return top
}

// divisionWords are the words, folded, that open the name of a division inside an
// organisation (a directorate, a department, a service), not a body of its own as a
// commission or an under-secretariat is.
var divisionWords = wordSet(foldText(`direction directorate division department département departamento dirección
	service servicio unit unité unidad управление отдел департамент`))

// isDivision reports whether a name opens with a division's word.
func isDivision(name string) bool {
	first, _, _ := strings.Cut(foldText(trimSpace(name)), " ")
	return divisionWords[first]
}

// signsAsTeam reports whether a signature line is the display name with a team's word
// before or after it ("Solar Schools Nepal team", "L'équipe de Kër Tech").
func (v *vocabulary) signsAsTeam(name string, sig []string) bool {
	fn := foldText(trimSpace(name))
	if len(strings.Fields(fn)) < 2 {
		return false
	}
	for _, line := range sig {
		fl := foldText(trimSpace(line))
		if fl == fn || !strings.Contains(fl, fn) {
			continue
		}
		rest := trimSpace(strings.Replace(fl, fn, "", 1))
		for _, t := range v.units {
			if rest == t.folded || rest == trimSpace(t.folded+" de") || rest == t.folded+" of" {
				return true
			}
		}
	}
	return false
}

// hasAnyPrefix reports whether s opens with one of prefixes.
func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// maySignForAnother reports whether line could hold a term of delegatedSigning: a
// minister's word or delegation's, as written, before the line is folded and counted.
func maySignForAnother(line string) bool {
	for _, w := range []string{"inist", "INIST", "élégation", "elegación", "инистр", "الوزير", "部长", "部長"} {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}

// countsIn is how many terms of tl line holds.
func (v *vocabulary) countsIn(tl termList, lt lineTerms, line string) int {
	n, _ := tl.countIn(lt.get(line))
	return n
}

// arabicHonorifics are the titles an Arabic name of a person may open with, article and
// all.
var arabicHonorifics = wordSet(`الدكتور الدكتورة الأستاذ الأستاذة المهندس المهندسة السيد السيدة الشيخ الشيخة الأمير الأميرة`)

// arabicBodyName reports whether a display name is an Arabic body's name: three words
// or more, all Arabic, the first a noun of four letters or more with its article
// («المفوضية …», «المركز …»), which a person's given name does not take («الحسن» is
// too short, «الدكتورة» a title).
func arabicBodyName(name string) bool {
	words := strings.Fields(name)
	if len(words) < 3 || len(words) > 10 {
		return false
	}
	for _, w := range words {
		if !isArabicWord(w) {
			return false
		}
	}
	rest, ok := strings.CutPrefix(words[0], "ال")
	// «المكتب الإعلامي للوزارة», «الفريق …»: an office or a team, whose body the
	// signature names.
	return ok && utf8.RuneCountInString(rest) >= 4 && !arabicHonorifics[words[0]] &&
		!isAnyOf(rest, "مكتب", "قسم", "إدارة", "ادارة", "دائرة", "فريق", "أمانة", "امانة", "وحدة", "شعبة")
}

// cyrillicLatin spells each Cyrillic letter in Latin ones, as domains do (бгуис.by is
// bguis.by).
var cyrillicLatin = map[rune]string{'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'у': "u", 'ф': "f", 'х': "h", 'ц': "c", 'ч': "ch", 'ш': "sh", 'щ': "sch", 'ы': "y", 'э': "e",
	'ю': "yu", 'я': "ya"}

// latinLetters is s folded, its letters spelt in Latin ones where Cyrillic: "bguis" for
// БГУИС, "mgimo" for МГИМО.
func latinLetters(s string) string {
	var b strings.Builder
	for _, r := range foldText(s) {
		if l, ok := cyrillicLatin[r]; ok {
			b.WriteString(l)
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// withoutRemark is a line without the remark in brackets it ends with when the remark
// opens in small letters: "Rural Connect Trust (registered charity, Tamil Nadu)"
// describes the trust, "… (ASNL)" and "(Universidad de Salamanca)" name it.
func withoutRemark(line string) string {
	trimmed := strings.TrimRightFunc(line, unicode.IsSpace)
	if !strings.HasSuffix(trimmed, ")") {
		return line
	}
	open := strings.LastIndexByte(trimmed, '(')
	if open <= 0 {
		return line
	}
	if r, _ := utf8.DecodeRuneInString(trimmed[open+1:]); !unicode.IsLower(r) {
		return line
	}
	if head := strings.TrimRightFunc(trimmed[:open], unicode.IsSpace); head != "" {
		return head
	}
	return line
}

// ofStatesRE finds a body said to be made of states, in folded text: "an alliance of 30
// african countries", «regroupant 15 états», «que agrupa a 12 países», «объединяющая 9
// государств», «由21个国家组成», «تضم ثلاث عشرة دولة».
var ofStatesRE = regexp.MustCompile(`(?:alliance|union|community|organi[sz]ation|grouping|commission|bloc) of (?:\d+|[a-z]+(?:-[a-z]+)?) (?:[a-z]+ )?(?:countries|states|member states|governments)\b|` +
	`(?:regroupant|reunissant|composee de|rassemblant) (?:\d+|[a-z]+) (?:pays|etats)\b|` +
	`(?:que agrupa a|integrada por|conformada por|compuesta por|que reune a) (?:\d+|[a-z]+) (?:paises|estados)\b|` +
	`(?:объединяющ[а-я]*|в состав которо[а-я]* входят) (?:\d+|[а-я]+) (?:государств|стран)|` +
	`由(?:\d+|[一二三四五六七八九十]+)个(?:国家|成员国)组成|` +
	`تضم (?:\S+ ){1,3}(?:دولة|دول)(?:\s|$)`)

// ofStates is what ofStatesRE finds in a folded text, when it has one of the words the
// expression needs before the number of states (v.stateLinks, counted with the text's
// other terms); else "". The expression, slow on a whole text, is not run on most.
func (v *vocabulary) ofStates(body foldedText) string {
	if n, _ := v.stateLinks.countIn(body); n == 0 {
		return ""
	}
	// The expression is run on the few words after each joining word, not on the text.
	for _, link := range ofStatesLinks {
		for rest := body.s; ; {
			i := strings.Index(rest, link)
			if i < 0 {
				break
			}
			// «в состав которой входят», «由…组成»: some openings go before the word.
			start := max(0, i-40)
			window := rest[start:min(len(rest), i+len(link)+120)]
			if m := ofStatesRE.FindString(window); m != "" {
				return m
			}
			rest = rest[i+len(link):]
		}
	}
	return ""
}

// ofStatesLinks are the folded words around which ofStatesRE is run, v.stateLinks as
// folded text has them.
var ofStatesLinks = []string{"alliance of", "union of", "community of", "organisation of", "organization of", "grouping of",
	"commission of", "bloc of", "regroupant", "reunissant", "composee de", "rassemblant", "agrupa a", "integrada por",
	"conformada por", "compuesta por", "reune a", "объединяющ", "входят", "组成", "تضم"}

// personalDomain reports whether an address is at a domain of the sender's own name
// (john@johnsmith.me for John Smith, jsmith@smith-john.net): a personal address, which
// says nothing of an organisation.
func (v *vocabulary) personalDomain(email, name string) bool {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || len(local) < 2 || len(domain) < 8 || !strings.Contains(domain, local) && !strings.Contains(domain, local[1:]) {
		// The domain holds the mailbox's name (john@johnsmith.me), or all of it but the
		// initial (jsmith@smith-john.net): most addresses are let go here, before any
		// allocation.
		return false
	}
	local, domain = strings.ToLower(local), strings.ToLower(domain)
	words := strings.Fields(name)
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	// The mailbox is the person's too (john@, jsmith@, john.smith@), not a team's
	// (newsletter@johnsmith.me is a newsletter's).
	first, last := lettersOnly(words[0]), lettersOnly(words[len(words)-1])
	if first == "" || last == "" {
		return false
	}
	if l := lettersOnly(local); l == "" || !isAnyOf(l, first, last, first+last, last+first, string([]rune(first)[:1])+last) {
		return false
	}
	label := v.domainLabel(domain)
	if len(label) < 6 {
		return false
	}
	if lettersOnly(name) == label {
		return true
	}
	reversed := slices.Clone(words)
	slices.Reverse(reversed)
	return lettersOnly(strings.Join(reversed, " ")) == label
}

// Warm builds the tables that parsing and suggesting otherwise build the first time
// they are needed (about 30 ms of one core: the vocabulary, the stakeholder model, the
// stop words and the HTML policy). A server calls it while it connects, so that the
// first batch of a backlog does not wait for them.
func Warm() {
	defaultVocabulary()
	defaultStakeholderModel()
	stopwords()
	htmlPolicy()
}
