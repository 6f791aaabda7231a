package report

import (
	"strings"

	"github.com/wsis/wsisbot/store"
)

// Languages are the languages a report is written in: the six UN languages.
var Languages = []string{"en", "fr", "es", "ru", "ar", "zh"}

// words are the report's labels in one language.
type words struct {
	Title, Period, AllTime, Generated, Total                        string
	OverTime, OverTimeNote, AllKinds, DeadlineMark                  string
	ByKind, ByStakeholder, ByLanguage, ByStatus                     string
	Grid, GridNote, Workshops, HLTF, Photo                          string
	Timeliness, OnTime, Late, Timing, FirstAction, Closing, Acted   string
	Closed, Kind, Count, Share, Ref, Received, From, Organisation   string
	Subject, Status, Outcome, Deadline, None, Unknown, Days, Hours  string
	Summary, Contributions, Stakeholder, Language, ActionLines, SDG string
	Assignee, Email                                                 string
	Kinds                                                           map[store.ContributionKind]string
	Stakeholders, Statuses, Outcomes, LanguageNames                 map[string]string
}

// labels are the report's words in its six languages.
var labels = map[string]words{
	"en": {
		Title: "Open consultation: what was received", Period: "Period", AllTime: "whole consultation", Generated: "Generated",
		Total: "Contributions", OverTime: "Contributions over time", OverTimeNote: "Cumulative count by kind; dashed lines mark the deadline days.",
		AllKinds: "All kinds", DeadlineMark: "Deadline", ByKind: "Kinds", ByStakeholder: "Stakeholder types", ByLanguage: "Languages",
		ByStatus: "Status", Grid: "Action lines and SDGs", GridNote: "Contributions naming each action line (or SDG), by kind.",
		Workshops: "Workshop requests", HLTF: "High-Level Track Facilitator nominations", Photo: "Photo contest entries",
		Timeliness: "On time and late", OnTime: "On time", Late: "Late", Timing: "Handling times",
		FirstAction: "Median time to first action by the secretariat", Closing: "Median time to closing", Acted: "acted on", Closed: "closed",
		Kind: "Kind", Count: "Count", Share: "Share", Ref: "Reference", Received: "Received", From: "From", Organisation: "Organisation",
		Subject: "Subject", Status: "Status", Outcome: "Outcome", Deadline: "Deadline", None: "None.", Unknown: "not known",
		Days: "d", Hours: "h", Summary: "Summary", Contributions: "Contributions", Stakeholder: "Stakeholder type", Language: "Language",
		ActionLines: "Action lines", SDG: "SDGs", Assignee: "Assignee", Email: "Email",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "Thematic aspects", store.KindFormat: "Format innovations",
			store.KindHLTFNomination: "HLTF nominations", store.KindPhotoContest: "Photo contest", store.KindWorkshopRequest: "Workshop requests",
			store.KindInquiry: "Inquiries", store.KindOther: "Other"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "Government", store.StakeholderPrivateSector: "Private sector",
			store.StakeholderCivilSociety: "Civil society", store.StakeholderAcademia: "Academia and technical community",
			store.StakeholderInternationalO: "International organisation", store.StakeholderOther: "Other"},
		Statuses:      map[string]string{"received": "Received", "acknowledged": "Taken", "classified": "Classified", "closed": "Closed"},
		Outcomes:      map[string]string{"accepted": "accepted", "declined": "declined", "spam": "spam", "duplicate": "duplicate"},
		LanguageNames: map[string]string{"ar": "Arabic", "zh": "Chinese", "en": "English", "fr": "French", "ru": "Russian", "es": "Spanish"},
	},
	"fr": {
		Title: "Consultation ouverte : contributions reçues", Period: "Période", AllTime: "toute la consultation", Generated: "Établi le",
		Total: "Contributions", OverTime: "Contributions dans le temps", OverTimeNote: "Nombre cumulé par type ; les lignes pointillées marquent les jours d'échéance.",
		AllKinds: "Tous types", DeadlineMark: "Échéance", ByKind: "Types", ByStakeholder: "Catégories de parties prenantes", ByLanguage: "Langues",
		ByStatus: "État", Grid: "Grandes orientations et ODD", GridNote: "Contributions citant chaque grande orientation (ou ODD), par type.",
		Workshops: "Demandes d'ateliers", HLTF: "Candidatures de facilitateurs de haut niveau", Photo: "Participations au concours photo",
		Timeliness: "Dans les délais et en retard", OnTime: "Dans les délais", Late: "En retard", Timing: "Délais de traitement",
		FirstAction: "Délai médian avant la première action du secrétariat", Closing: "Délai médian avant clôture", Acted: "traitées", Closed: "closes",
		Kind: "Type", Count: "Nombre", Share: "Part", Ref: "Référence", Received: "Reçue", From: "Expéditeur", Organisation: "Organisation",
		Subject: "Objet", Status: "État", Outcome: "Issue", Deadline: "Échéance", None: "Aucune.", Unknown: "inconnu",
		Days: "j", Hours: "h", Summary: "Synthèse", Contributions: "Contributions", Stakeholder: "Partie prenante", Language: "Langue",
		ActionLines: "Grandes orientations", SDG: "ODD", Assignee: "Responsable", Email: "Courriel",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "Aspects thématiques", store.KindFormat: "Innovations de format",
			store.KindHLTFNomination: "Facilitateurs de haut niveau", store.KindPhotoContest: "Concours photo", store.KindWorkshopRequest: "Demandes d'ateliers",
			store.KindInquiry: "Demandes d'information", store.KindOther: "Autres"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "Gouvernement", store.StakeholderPrivateSector: "Secteur privé",
			store.StakeholderCivilSociety: "Société civile", store.StakeholderAcademia: "Milieu universitaire et technique",
			store.StakeholderInternationalO: "Organisation internationale", store.StakeholderOther: "Autre"},
		Statuses:      map[string]string{"received": "Reçue", "acknowledged": "Prise en charge", "classified": "Classée", "closed": "Close"},
		Outcomes:      map[string]string{"accepted": "acceptée", "declined": "refusée", "spam": "indésirable", "duplicate": "doublon"},
		LanguageNames: map[string]string{"ar": "arabe", "zh": "chinois", "en": "anglais", "fr": "français", "ru": "russe", "es": "espagnol"},
	},
	"es": {
		Title: "Consulta abierta: contribuciones recibidas", Period: "Período", AllTime: "toda la consulta", Generated: "Generado el",
		Total: "Contribuciones", OverTime: "Contribuciones en el tiempo", OverTimeNote: "Recuento acumulado por tipo; las líneas discontinuas marcan los días de plazo.",
		AllKinds: "Todos los tipos", DeadlineMark: "Plazo", ByKind: "Tipos", ByStakeholder: "Tipos de partes interesadas", ByLanguage: "Idiomas",
		ByStatus: "Estado", Grid: "Líneas de acción y ODS", GridNote: "Contribuciones que citan cada línea de acción (u ODS), por tipo.",
		Workshops: "Solicitudes de talleres", HLTF: "Candidaturas de facilitadores de alto nivel", Photo: "Participaciones en el concurso de fotografía",
		Timeliness: "En plazo y fuera de plazo", OnTime: "En plazo", Late: "Fuera de plazo", Timing: "Tiempos de tramitación",
		FirstAction: "Mediana hasta la primera acción de la secretaría", Closing: "Mediana hasta el cierre", Acted: "atendidas", Closed: "cerradas",
		Kind: "Tipo", Count: "Número", Share: "Porcentaje", Ref: "Referencia", Received: "Recibida", From: "Remitente", Organisation: "Organización",
		Subject: "Asunto", Status: "Estado", Outcome: "Resultado", Deadline: "Plazo", None: "Ninguna.", Unknown: "desconocido",
		Days: "d", Hours: "h", Summary: "Resumen", Contributions: "Contribuciones", Stakeholder: "Parte interesada", Language: "Idioma",
		ActionLines: "Líneas de acción", SDG: "ODS", Assignee: "Responsable", Email: "Correo electrónico",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "Aspectos temáticos", store.KindFormat: "Innovaciones de formato",
			store.KindHLTFNomination: "Facilitadores de alto nivel", store.KindPhotoContest: "Concurso de fotografía", store.KindWorkshopRequest: "Solicitudes de talleres",
			store.KindInquiry: "Consultas", store.KindOther: "Otros"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "Gobierno", store.StakeholderPrivateSector: "Sector privado",
			store.StakeholderCivilSociety: "Sociedad civil", store.StakeholderAcademia: "Comunidad académica y técnica",
			store.StakeholderInternationalO: "Organización internacional", store.StakeholderOther: "Otro"},
		Statuses:      map[string]string{"received": "Recibida", "acknowledged": "Asignada", "classified": "Clasificada", "closed": "Cerrada"},
		Outcomes:      map[string]string{"accepted": "aceptada", "declined": "rechazada", "spam": "correo no deseado", "duplicate": "duplicada"},
		LanguageNames: map[string]string{"ar": "árabe", "zh": "chino", "en": "inglés", "fr": "francés", "ru": "ruso", "es": "español"},
	},
	"ru": {
		Title: "Открытая консультация: полученные материалы", Period: "Период", AllTime: "вся консультация", Generated: "Составлено",
		Total: "Материалы", OverTime: "Поступление материалов", OverTimeNote: "Нарастающий итог по видам; пунктиром отмечены дни окончания сроков.",
		AllKinds: "Все виды", DeadlineMark: "Срок", ByKind: "Виды", ByStakeholder: "Категории заинтересованных сторон", ByLanguage: "Языки",
		ByStatus: "Состояние", Grid: "Направления деятельности и ЦУР", GridNote: "Материалы, называющие каждое направление (или ЦУР), по видам.",
		Workshops: "Заявки на семинары", HLTF: "Кандидатуры модераторов высокого уровня", Photo: "Работы на фотоконкурс",
		Timeliness: "В срок и с опозданием", OnTime: "В срок", Late: "С опозданием", Timing: "Сроки обработки",
		FirstAction: "Медиана до первого действия секретариата", Closing: "Медиана до закрытия", Acted: "обработано", Closed: "закрыто",
		Kind: "Вид", Count: "Число", Share: "Доля", Ref: "Номер", Received: "Получено", From: "Отправитель", Organisation: "Организация",
		Subject: "Тема", Status: "Состояние", Outcome: "Итог", Deadline: "Срок", None: "Нет.", Unknown: "неизвестно",
		Days: "дн.", Hours: "ч", Summary: "Сводка", Contributions: "Материалы", Stakeholder: "Заинтересованная сторона", Language: "Язык",
		ActionLines: "Направления", SDG: "ЦУР", Assignee: "Ответственный", Email: "Эл. почта",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "Тематические аспекты", store.KindFormat: "Новые форматы",
			store.KindHLTFNomination: "Модераторы высокого уровня", store.KindPhotoContest: "Фотоконкурс", store.KindWorkshopRequest: "Заявки на семинары",
			store.KindInquiry: "Запросы", store.KindOther: "Прочее"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "Правительство", store.StakeholderPrivateSector: "Частный сектор",
			store.StakeholderCivilSociety: "Гражданское общество", store.StakeholderAcademia: "Академическое и техническое сообщество",
			store.StakeholderInternationalO: "Международная организация", store.StakeholderOther: "Другое"},
		Statuses:      map[string]string{"received": "Получено", "acknowledged": "Взято в работу", "classified": "Классифицировано", "closed": "Закрыто"},
		Outcomes:      map[string]string{"accepted": "принято", "declined": "отклонено", "spam": "спам", "duplicate": "дубликат"},
		LanguageNames: map[string]string{"ar": "арабский", "zh": "китайский", "en": "английский", "fr": "французский", "ru": "русский", "es": "испанский"},
	},
	"ar": {
		Title: "المشاورة المفتوحة: ما ورد من مساهمات", Period: "الفترة", AllTime: "المشاورة بأكملها", Generated: "تاريخ الإعداد",
		Total: "المساهمات", OverTime: "المساهمات على مر الزمن", OverTimeNote: "العدد التراكمي حسب النوع؛ الخطوط المتقطعة تبين أيام المواعيد النهائية.",
		AllKinds: "جميع الأنواع", DeadlineMark: "الموعد النهائي", ByKind: "الأنواع", ByStakeholder: "فئات أصحاب المصلحة", ByLanguage: "اللغات",
		ByStatus: "الحالة", Grid: "خطوط العمل وأهداف التنمية المستدامة", GridNote: "المساهمات التي تذكر كل خط عمل (أو هدف)، حسب النوع.",
		Workshops: "طلبات حلقات العمل", HLTF: "ترشيحات ميسري المسار الرفيع المستوى", Photo: "المشاركات في مسابقة الصور",
		Timeliness: "في الموعد ومتأخرة", OnTime: "في الموعد", Late: "متأخرة", Timing: "أوقات المعالجة",
		FirstAction: "الوقت الوسيط حتى أول إجراء من الأمانة", Closing: "الوقت الوسيط حتى الإغلاق", Acted: "عولجت", Closed: "أغلقت",
		Kind: "النوع", Count: "العدد", Share: "النسبة", Ref: "المرجع", Received: "تاريخ الورود", From: "المرسل", Organisation: "المنظمة",
		Subject: "الموضوع", Status: "الحالة", Outcome: "النتيجة", Deadline: "الموعد النهائي", None: "لا شيء.", Unknown: "غير معروف",
		Days: "يوم", Hours: "ساعة", Summary: "ملخص", Contributions: "المساهمات", Stakeholder: "فئة صاحب المصلحة", Language: "اللغة",
		ActionLines: "خطوط العمل", SDG: "أهداف التنمية المستدامة", Assignee: "المكلف", Email: "البريد الإلكتروني",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "الجوانب المواضيعية", store.KindFormat: "ابتكارات الشكل",
			store.KindHLTFNomination: "ميسرو المسار الرفيع المستوى", store.KindPhotoContest: "مسابقة الصور", store.KindWorkshopRequest: "طلبات حلقات العمل",
			store.KindInquiry: "استفسارات", store.KindOther: "أخرى"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "حكومة", store.StakeholderPrivateSector: "القطاع الخاص",
			store.StakeholderCivilSociety: "المجتمع المدني", store.StakeholderAcademia: "الأوساط الأكاديمية والتقنية",
			store.StakeholderInternationalO: "منظمة دولية", store.StakeholderOther: "أخرى"},
		Statuses:      map[string]string{"received": "واردة", "acknowledged": "قيد المعالجة", "classified": "مصنفة", "closed": "مغلقة"},
		Outcomes:      map[string]string{"accepted": "مقبولة", "declined": "مرفوضة", "spam": "بريد مزعج", "duplicate": "مكررة"},
		LanguageNames: map[string]string{"ar": "العربية", "zh": "الصينية", "en": "الإنكليزية", "fr": "الفرنسية", "ru": "الروسية", "es": "الإسبانية"},
	},
	"zh": {
		Title: "公开磋商：收到的材料", Period: "期间", AllTime: "整个磋商期", Generated: "生成时间",
		Total: "材料", OverTime: "材料累计", OverTimeNote: "按类型的累计数量；虚线标出截止日。",
		AllKinds: "全部类型", DeadlineMark: "截止日", ByKind: "类型", ByStakeholder: "利益攸关方类别", ByLanguage: "语言",
		ByStatus: "状态", Grid: "行动方针与可持续发展目标", GridNote: "按类型统计提及各行动方针（或可持续发展目标）的材料。",
		Workshops: "研讨会申请", HLTF: "高级别会议主持人提名", Photo: "摄影比赛作品",
		Timeliness: "按时与逾期", OnTime: "按时", Late: "逾期", Timing: "处理时间",
		FirstAction: "至秘书处首次处理的中位时间", Closing: "至结案的中位时间", Acted: "已处理", Closed: "已结案",
		Kind: "类型", Count: "数量", Share: "比例", Ref: "编号", Received: "收到时间", From: "发件人", Organisation: "机构",
		Subject: "主题", Status: "状态", Outcome: "结果", Deadline: "截止日", None: "无。", Unknown: "未知",
		Days: "天", Hours: "小时", Summary: "摘要", Contributions: "材料", Stakeholder: "利益攸关方", Language: "语言",
		ActionLines: "行动方针", SDG: "可持续发展目标", Assignee: "负责人", Email: "电子邮件",
		Kinds: map[store.ContributionKind]string{store.KindThematic: "专题方面", store.KindFormat: "形式创新",
			store.KindHLTFNomination: "高级别主持人", store.KindPhotoContest: "摄影比赛", store.KindWorkshopRequest: "研讨会申请",
			store.KindInquiry: "询问", store.KindOther: "其他"},
		Stakeholders: map[string]string{store.StakeholderGovernment: "政府", store.StakeholderPrivateSector: "私营部门",
			store.StakeholderCivilSociety: "民间社会", store.StakeholderAcademia: "学术界和技术界",
			store.StakeholderInternationalO: "国际组织", store.StakeholderOther: "其他"},
		Statuses:      map[string]string{"received": "已收到", "acknowledged": "处理中", "classified": "已分类", "closed": "已结案"},
		Outcomes:      map[string]string{"accepted": "接受", "declined": "拒绝", "spam": "垃圾邮件", "duplicate": "重复"},
		LanguageNames: map[string]string{"ar": "阿拉伯文", "zh": "中文", "en": "英文", "fr": "法文", "ru": "俄文", "es": "西班牙文"},
	},
}

// wordsFor is the labels of lang (English for a language the report is not written in).
func wordsFor(lang string) words {
	if w, ok := labels[lang]; ok {
		return w
	}
	return labels["en"]
}

func (w words) kind(k store.ContributionKind) string {
	if l, ok := w.Kinds[k]; ok {
		return l
	}
	if k == "" {
		return w.Unknown
	}
	return string(k)
}

func lookup(m map[string]string, key, unknown string) string {
	if l, ok := m[key]; ok {
		return l
	}
	if strings.TrimSpace(key) == "" {
		return unknown
	}
	return key
}

func (w words) stakeholder(s string) string { return lookup(w.Stakeholders, s, w.Unknown) }
func (w words) status(s string) string      { return lookup(w.Statuses, s, w.Unknown) }
func (w words) outcome(s string) string     { return lookup(w.Outcomes, s, "") }
func (w words) language(s string) string    { return lookup(w.LanguageNames, s, w.Unknown) }
