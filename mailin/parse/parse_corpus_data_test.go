package parse

import "strings"

const toSecretariat = `To: "WSIS Secretariat" <wsis-info@itu.int>`

// corpusFiles returns the test corpus, by file name without ".eml".
func corpusFiles() map[string][]byte {
	files := map[string][]byte{}
	for name, build := range map[string]func() []byte{
		// Genuine contributions, UTF-8.
		"contribution-en-utf8": contributionEnUTF8,
		"contribution-fr-utf8": contributionFrUTF8,
		"contribution-es-utf8": contributionEsUTF8,
		"contribution-ru-utf8": contributionRuUTF8,
		"contribution-zh-utf8": contributionZhUTF8,
		"contribution-ar-utf8": contributionArUTF8,
		// Genuine contributions, legacy charsets.
		"contribution-ar-windows1256": contributionArWindows1256,
		"contribution-ar-iso88596":    contributionArISO88596,
		"contribution-zh-gb2312":      contributionZhGB2312,
		"contribution-zh-gbk":         contributionZhGBK,
		"contribution-zh-gb18030":     contributionZhGB18030,
		"contribution-zh-big5":        contributionZhBig5,
		"contribution-ru-koi8r":       contributionRuKOI8R,
		"contribution-ru-windows1251": contributionRuWindows1251,
		"contribution-fr-iso88591":    contributionFrISO88591,
		"contribution-es-iso885915":   contributionEsISO885915,
		"contribution-fr-windows1252": contributionFrWindows1252,
		"contribution-es-windows1252": contributionEsWindows1252,
		// MIME structure.
		"html-only-fr":                     htmlOnlyFr,
		"nested-related-inline-image":      nestedRelatedInlineImage,
		"attachment-rfc2231-arabic-utf8":   attachmentRFC2231ArabicUTF8,
		"attachment-rfc2231-arabic-cp1256": attachmentRFC2231ArabicCP1256,
		"attachment-rfc2231-chinese":       attachmentRFC2231Chinese,
		"attachment-rfc2047-filenames":     attachmentRFC2047Filenames,
		"attachment-path-traversal":        attachmentPathTraversal,
		"forwarded-rfc822":                 forwardedRFC822,
		"signed-multipart":                 signedMultipart,
		"photo-contest-en":                 photoContestEn,
		"inquiry-en":                       inquiryEn,
		// People's mail whose subject reads like a robot's.
		"person-service-delivery-failure": personServiceDeliveryFailure,
		"person-out-of-office-hours":      personOutOfOfficeHours,
		"person-automatic-reply-subject":  personAutomaticReplySubject,
		// Robots.
		"ooo-en":                oooEn,
		"ooo-fr":                oooFr,
		"ooo-es":                oooEs,
		"ooo-ru":                oooRu,
		"ooo-zh":                oooZh,
		"ooo-ar":                oooAr,
		"autosubmitted-rfc3834": autoSubmittedRFC3834,
		"x-autoreply":           xAutoreply,
		"read-receipt-mdn":      readReceiptMDN,
		"bounce-dsn":            bounceDSN,
		"bounce-dsn-headers":    bounceDSNHeaders,
		"bounce-mailer-daemon":  bounceMailerDaemon,
		"list-post":             listPost,
		"bulk-newsletter":       bulkNewsletter,
		"own-ack-loop":          ownAckLoop,
		// Follow-ups.
		"followup-en":          followupEn,
		"followup-fr":          followupFr,
		"followup-es":          followupEs,
		"followup-ru":          followupRu,
		"followup-zh":          followupZh,
		"followup-ar":          followupAr,
		"followup-outlook-es":  followupOutlookEs,
		"followup-bottom-post": followupBottomPost,
		// Damaged or odd.
		"unknown-charset":           unknownCharset,
		"unknown-transfer-encoding": unknownTransferEncoding,
		"broken-base64":             brokenBase64,
		"nul-invalid-utf8":          nulInvalidUTF8,
		"undeclared-8bit":           undeclared8bit,
		"no-message-id":             noMessageID,
		"malformed-not-a-message":   malformedNotAMessage,
	} {
		files[name] = build()
	}
	return files
}

// --- Genuine contributions, UTF-8 -------------------------------------------

func contributionEnUTF8() []byte {
	return textMessage([]string{
		`From: "Dr. Amina Okafor" <amina.okafor@ncc.gov.ng>`,
		toSecretariat,
		"Subject: Official submission on thematic aspects =?utf-8?q?=E2=80=93?= WSIS Forum 2019",
		"Date: Mon, 4 Feb 2019 09:12:44 +0100",
		"Message-ID: <20190204081244.4F2A1C0042@mail.ncc.gov.ng>",
		"X-Mailer: Microsoft Outlook 16.0",
		"Content-Language: en-GB",
	}, "utf-8", "quoted-printable", `Dear WSIS Secretariat,

On behalf of the Nigerian Communications Commission, please find below our official submission on the thematic aspects of the WSIS Forum 2019.

We suggest that the Forum give particular attention to:

– broadband infrastructure and connectivity for rural communities (Action Line C2);
– capacity building and digital skills for young women and girls;
– cybersecurity and trust in e-government services.

Nigeria’s experience with its “Digital Nigeria” programme shows that these topics are closely linked: people only use e-government services they trust, and only where the network reaches them.

We would be glad to share our data with the other stakeholders.

Kind regards,

Dr. Amina Okafor
Director, Policy, Competition and Economic Analysis
Nigerian Communications Commission, Abuja
`)
}

func contributionFrUTF8() []byte {
	return textMessage([]string{
		`From: Claire Dubois <claire.dubois@numerique-solidaire.org>`,
		toSecretariat,
		"Subject: " + bword("utf-8", "Contribution officielle : innovations dans le format du Forum SMSI 2019"),
		"Date: Tue, 05 Feb 2019 14:03:10 +0100",
		"Message-ID: <5c5988ce.1c69fb81.8a3f.2b07@mx.numerique-solidaire.org>",
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:60.0) Gecko/20100101 Thunderbird/60.5.0",
		"Content-Language: fr",
	}, "utf-8", "base64", `Madame, Monsieur,

L’Association Numérique Solidaire a l’honneur de vous adresser sa contribution officielle sur les innovations dans le format du Forum du SMSI 2019.

Nous proposons :
• des sessions « laboratoire » de 45 minutes, co-animées par des jeunes ;
• un espace dédié à la diversité linguistique et aux contenus locaux ;
• la publication des synthèses des sessions en français et dans les autres langues officielles.

Nous restons à votre disposition pour tout complément d’information.

Veuillez agréer, Madame, Monsieur, l’expression de nos salutations distinguées.

Claire Dubois
Déléguée générale
Association Numérique Solidaire – Lyon
`)
}

func contributionEsUTF8() []byte {
	plain := `Estimado equipo de la CMSI:

La Universidad Andina de Tecnología solicita formalmente la organización de un taller titulado «Salud electrónica en lenguas originarias: experiencias con el quechua y el aimara» durante el Foro de la CMSI 2019.

Objetivos del taller:
– compartir resultados de telesalud en comunidades rurales;
– promover la diversidad lingüística y el contenido local en las aplicaciones de salud;
– fortalecer el acceso a la información sanitaria.

Duración propuesta: 60 minutos. Idiomas: español e inglés.

Saludos cordiales,
Javier Morales Quispe
Profesor principal, Facultad de Ingeniería
Universidad Andina de Tecnología, Cusco
`
	html := `<html><head><meta charset="utf-8"><style>p{font-family:Calibri}</style></head><body>
<p>Estimado equipo de la CMSI:</p>
<p>La <b>Universidad Andina de Tecnología</b> solicita formalmente la organización de un taller titulado
«Salud electrónica en lenguas originarias: experiencias con el quechua y el aimara» durante el Foro de la CMSI 2019.</p>
<p>Objetivos del taller:</p>
<ul><li>compartir resultados de telesalud en comunidades rurales;</li>
<li>promover la diversidad lingüística y el contenido local en las aplicaciones de salud;</li>
<li>fortalecer el acceso a la información sanitaria.</li></ul>
<p>Duración propuesta: 60 minutos. Idiomas: español e inglés.</p>
<p>Saludos cordiales,<br>Javier Morales Quispe<br>Profesor principal, Facultad de Ingeniería<br>Universidad Andina de Tecnología, Cusco</p>
</body></html>
`
	return []byte(header(
		`From: "Prof. Javier Morales Quispe" <jmorales@uniandina.edu.pe>`,
		toSecretariat,
		"Cc: "+bword("utf-8", "Decanato de Ingeniería")+" <decanato.ing@uniandina.edu.pe>",
		"Subject: "+bword("utf-8", "Solicitud de taller – Foro de la CMSI 2019"),
		"Date: Wed, 6 Feb 2019 10:45:00 -0500",
		"Message-ID: <CAF3kq2Yx7m+Ob5VnQ9jR0uN@mail.gmail.com>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"`,
	) + multipart("000000000000a1b2c3d4e5f60718",
		textPart("text/plain", "UTF-8", "quoted-printable", plain),
		textPart("text/html", "UTF-8", "quoted-printable", html),
	))
}

func contributionRuUTF8() []byte {
	return textMessage([]string{
		"From: " + bword("utf-8", "Ирина Волкова") + " <i.volkova@digital.gov.ru>",
		toSecretariat,
		"Subject: " + bword("utf-8", "Выдвижение кандидатуры ведущего сегмента высокого уровня (HLTF) на Форум ВВУИО 2019"),
		"Date: Thu, 7 Feb 2019 11:20:31 +0300",
		"Message-ID: <1549527631.412233@digital.gov.ru>",
		"X-Mailer: Zimbra 8.8.10_GA_3039",
	}, "utf-8", "8bit", `Уважаемые коллеги!

Министерство цифрового развития, связи и массовых коммуникаций предлагает кандидатуру Андрея Петровича Смирнова, заместителя директора Департамента международного сотрудничества, в качестве ведущего сегмента высокого уровня Форума ВВУИО 2019.

Господин Смирнов обладает многолетним опытом в области международного сотрудничества и кибербезопасности.

Краткая биография прилагается.

С уважением,
Ирина Волкова
Министерство цифрового развития, связи и массовых коммуникаций
`)
}

func contributionZhUTF8() []byte {
	return textMessage([]string{
		"From: " + bword("utf-8", "李娜") + " <lina@ecitu.edu.cn>",
		toSecretariat,
		"Subject: " + bword("utf-8", "关于2019年信息社会世界峰会论坛专题方面的正式意见"),
		"Date: Fri, 8 Feb 2019 16:08:12 +0800",
		"Message-ID: <tencent_5A1E0C2D9B8F@ecitu.edu.cn>",
	}, "utf-8", "base64", `尊敬的WSIS秘书处：

您好！

华东信息技术大学信息社会研究中心谨就2019年信息社会世界峰会（WSIS）论坛的专题方面提交以下正式意见：

一、加强发展中国家的能力建设，特别是面向青年和妇女的数字技能培训；
二、推动语言多样性和本地内容建设，支持中文等多语种网络内容；
三、加快农村地区宽带基础设施建设，缩小数字鸿沟。

我们建议将上述议题与可持续发展目标相结合，并愿意在论坛期间分享我们的研究成果。

此致
敬礼！

李娜 教授
华东信息技术大学 信息社会研究中心
`)
}

func contributionArUTF8() []byte {
	return textMessage([]string{
		"From: " + bword("utf-8", "د. أحمد المنصوري") + " <a.almansouri@tra.gov.ae>",
		toSecretariat,
		"Subject: " + bword("utf-8", "مساهمة رسمية بشأن الجوانب المواضيعية لمنتدى القمة العالمية لمجتمع المعلومات 2019"),
		"Date: Sun, 10 Feb 2019 08:30:00 +0400",
		"Message-ID: <AM0PR0402MB3412.eurprd04.prod.outlook.com>",
		"Content-Language: ar-AE",
	}, "utf-8", "quoted-printable", `السادة أمانة منتدى القمة العالمية لمجتمع المعلومات،

تحية طيبة وبعد،

يسر هيئة تنظيم الاتصالات أن تقدم مساهمتها الرسمية في المشاورة المفتوحة بشأن الجوانب المواضيعية لمنتدى القمة العالمية لمجتمع المعلومات لعام 2019.

نقترح أن يولي المنتدى اهتماماً خاصاً للمواضيع التالية:
١. الأمن السيبراني وبناء الثقة في استخدام تكنولوجيا المعلومات والاتصالات؛
٢. الحكومة الإلكترونية وتقديم الخدمات العامة عبر الهاتف المحمول؛
٣. تطوير البنية التحتية للنطاق العريض في المناطق الريفية.

ونرى أن ربط هذه المواضيع بأهداف التنمية المستدامة سيعزز أثر المنتدى.

وتفضلوا بقبول فائق الاحترام والتقدير،

د. أحمد المنصوري
مدير إدارة السياسات والاستراتيجيات
هيئة تنظيم الاتصالات
`)
}

// --- Genuine contributions, legacy charsets ----------------------------------

func contributionArWindows1256() []byte {
	return textMessage([]string{
		"From: " + bword("windows-1256", "د. سامي الحداد") + " <s.haddad@asu-it.edu.jo>",
		toSecretariat,
		"Subject: " + bword("windows-1256", "مقترح بشأن الابتكارات في شكل منتدى القمة العالمية 2019"),
		"Date: Sat, 9 Feb 2019 12:15:09 +0200",
		"Message-ID: <000001d4c06a$8e2f1a40$aa8d4ec0$@asu-it.edu.jo>",
		"X-Mailer: Microsoft Outlook 14.0",
	}, "windows-1256", "8bit", `حضرات السادة في أمانة المنتدى،

نقدم فيما يلي مقترحنا بشأن الابتكارات في شكل المنتدى:
- تخصيص جلسات تفاعلية قصيرة للشباب والباحثين؛
- إتاحة المشاركة عن بعد بجميع اللغات الرسمية الست؛
- نشر ملخصات الجلسات باللغة العربية لتعزيز التنوع اللغوي والمحتوى المحلي.

مع خالص التحية،
د. سامي الحداد
كلية تكنولوجيا المعلومات، جامعة العلوم التطبيقية
`)
}

func contributionArISO88596() []byte {
	return textMessage([]string{
		"From: " + bword("iso-8859-6", "منى عبد الرحمن") + " <info@dsd-association.org>",
		toSecretariat,
		"Subject: " + bword("iso-8859-6", "طلب عقد ورشة عمل خلال منتدى القمة العالمية 2019"),
		"Date: Mon, 4 Feb 2019 13:40:00 +0200",
		"Message-ID: <20190204114000.GA2231@dsd-association.org>",
		"User-Agent: Mutt/1.9.4 (2018-02-28)",
	}, "iso-8859-6", "quoted-printable", `السلام عليكم،

تتشرف جمعية تنمية المجتمع الرقمي بتقديم طلب لعقد ورشة عمل بعنوان "النفاذ إلى المعلومات للأشخاص ذوي الإعاقة" خلال المنتدى.

ستتناول الورشة أفضل الممارسات في بناء القدرات والتطبيقات الإلكترونية الميسرة، بمشاركة خبراء من المنطقة العربية.

المدة المقترحة: 90 دقيقة.
اللغة: العربية مع ترجمة فورية إلى الإنكليزية.

مع الشكر والتقدير،
منى عبد الرحمن
رئيسة جمعية تنمية المجتمع الرقمي
`)
}

func contributionZhGB2312() []byte {
	return textMessage([]string{
		"From: " + bword("gb2312", "张伟") + " <zhangwei@huaxin-tech.com.cn>",
		toSecretariat,
		"Subject: " + bword("gb2312", "关于论坛形式创新的建议"),
		"Date: Tue, 5 Feb 2019 09:01:55 +0800",
		"Message-ID: <201902050901553213471@huaxin-tech.com.cn>",
		"X-Mailer: Foxmail 7.2.9.156[cn]",
	}, "gb2312", "base64", `WSIS秘书处：

华信通信技术有限公司就2019年论坛形式的创新提出以下建议：
1. 增加互动式的创新展示环节，展示电子商务和电子政务的最新应用；
2. 为远程参与者提供实时字幕和多语种翻译；
3. 设立企业与政府的合作对话环节。

联系人：张伟
华信通信技术有限公司 国际合作部
电话：+86 10 5555 0123
`)
}

func contributionZhGBK() []byte {
	return textMessage([]string{
		"From: " + bword("gbk", "陈静") + " <chenjing@miit.gov.cn>",
		toSecretariat,
		"Subject: " + bword("gbk", "推荐2019年论坛高级别主持人人选（提名）"),
		"Date: Wed, 6 Feb 2019 17:30:00 +0800",
		"Message-ID: <5C5AA8B8.0000A1.01234@miit.gov.cn>",
	}, "gbk", "8bit", `尊敬的秘书处：

根据公开征集通知，我们谨提名欧阳喆先生担任2019年信息社会世界峰会论坛高级别主持人（HLTF）。欧阳先生长期从事信息通信政策研究，在网络安全和监管领域经验丰富。

随函附上欧阳先生的简历。

陈静
工业和信息化部 国际合作司
`)
}

func contributionZhGB18030() []byte {
	return textMessage([]string{
		"From: " + bword("gb18030", "刘洋") + " <liuyang@cdf-foundation.org.cn>",
		toSecretariat,
		"Subject: " + bword("gb18030", "2019年WSIS摄影比赛参赛作品 📷"),
		"Date: Thu, 7 Feb 2019 20:12:00 +0800",
		"Message-ID: <2019020720120012345@cdf-foundation.org.cn>",
	}, "gb18030", "quoted-printable", `您好！

我们基金会的志愿者拍摄了一组反映农村学校接入互联网的照片📷，现报名参加2019年WSIS摄影比赛。作品名称：《山村里的第一堂网课》。

作品说明：照片记录了贵州山区小学的学生第一次通过宽带网络参加远程课堂的情景。

刘洋
中国数字未来基金会 项目部
`)
}

func contributionZhBig5() []byte {
	return textMessage([]string{
		"From: " + bword("big5", "黃志明") + " <cm.wong@hkitu.edu.hk>",
		toSecretariat,
		"Subject: " + bword("big5", "就2019年資訊社會世界高峰會論壇專題方面提交的意見"),
		"Date: Fri, 8 Feb 2019 10:00:00 +0800",
		"Message-ID: <HK2PR0601MB1234.apcprd06.prod.outlook.com>",
	}, "big5", "base64", `WSIS秘書處 台鑒：

本系謹就論壇的專題方面提出以下建議：
（一）加強網絡安全教育，提升公眾對資訊安全的信任；
（二）推廣電子政務及開放數據，促進資訊的獲取；
（三）重視文化多樣性，鼓勵以本地語言製作數碼內容。

敬請考慮。

黃志明 博士
香港資訊科技大學 資訊系統學系
`)
}

func contributionRuKOI8R() []byte {
	return textMessage([]string{
		"From: " + bword("koi8-r", "Дмитрий Соколов") + " <d.sokolov@svyaztech.ru>",
		toSecretariat,
		"Subject: " + bword("koi8-r", "Заявка на проведение семинара на Форуме ВВУИО 2019"),
		"Date: Mon, 4 Feb 2019 15:22:00 +0300",
		"Message-ID: <1549282920.55555.123@svyaztech.ru>",
		"X-Mailer: The Bat! (v8.8.2) Professional",
	}, "koi8-r", "8bit", `Добрый день!

ООО "СвязьТехИнвест" просит рассмотреть заявку на проведение семинара "Широкополосный доступ для малых городов: опыт частно-государственного партнерства".

Формат: панельная дискуссия, 90 минут.
Участники: представители операторов связи, регуляторов и муниципалитетов.

С уважением,
Дмитрий Соколов
директор по развитию
ООО "СвязьТехИнвест", Москва
`)
}

func contributionRuWindows1251() []byte {
	return textMessage([]string{
		"From: " + bword("windows-1251", "Алия Нурланова") + " <a.nurlanova@iitu.edu.kz>",
		toSecretariat,
		"Subject: " + bword("windows-1251", "Предложения по инновациям в формате Форума ВВУИО 2019"),
		"Date: Tue, 5 Feb 2019 18:45:00 +0600",
		"Message-ID: <8a7b6c5d4e3f@iitu.edu.kz>",
	}, "windows-1251", "quoted-printable", `Уважаемый секретариат ВВУИО!

Университет предлагает следующие инновации в формате Форума:
— проведение хакатона для студентов по теме электронного обучения;
— трансляция всех сессий с синхронным переводом на шесть официальных языков ООН;
— отдельная сессия по этике искусственного интеллекта.

С уважением,
Алия Нурланова, PhD
проректор по науке
Международный университет информационных технологий, Алматы
`)
}

func contributionFrISO88591() []byte {
	return textMessage([]string{
		`From: Moussa Diallo <m.diallo@artp.sn>`,
		toSecretariat,
		"Subject: " + qword("iso-8859-1", "Soumission officielle sur les aspects thématiques du Forum SMSI 2019"),
		"Date: Wed, 6 Feb 2019 11:11:11 +0000",
		"Message-ID: <20190206111111.7788@artp.sn>",
	}, "iso-8859-1", "quoted-printable", `Madame, Monsieur,

L'Autorité de Régulation des Télécommunications et des Postes (ARTP) du Sénégal soumet ci-dessous sa contribution sur les aspects thématiques du Forum :

1. l'environnement favorable à l'investissement dans les réseaux à haut débit ;
2. la protection des consommateurs et la confiance dans les services numériques ;
3. le renforcement des capacités des régulateurs africains.

Nous vous prions d'agréer l'expression de notre haute considération.

Moussa Diallo
Directeur de la Régulation
ARTP Sénégal, Dakar
`)
}

func contributionEsISO885915() []byte {
	return textMessage([]string{
		"From: " + qword("iso-8859-15", "María José Fernández") + " <mjfernandez@fundacionconecta.org>",
		toSecretariat,
		"Subject: " + qword("iso-8859-15", "Participación en el concurso de fotografía WSIS 2019"),
		"Date: Thu, 7 Feb 2019 19:05:00 +0100",
		"Message-ID: <c3d9a1e2-77b1-4e0b-9a51-1f0e2d3c4b5a@fundacionconecta.org>",
	}, "iso-8859-15", "8bit", `Estimados señores:

La Fundación Conecta desea participar en el concurso de fotografía WSIS 2019 con la obra «Conectando aulas rurales», tomada en un pueblo de Extremadura donde un proyecto comunitario llevó la banda ancha a la escuela por menos de 15 € al mes por familia.

Adjuntamos la ficha técnica en un próximo correo.

Atentamente,
María José Fernández
Coordinadora de proyectos
Fundación Conecta, Madrid
`)
}

func contributionFrWindows1252() []byte {
	return textMessage([]string{
		`From: "Jean-Baptiste Lefèvre" <jb.lefevre@telecom-ouest.fr>`,
		toSecretariat,
		"Subject: " + qword("windows-1252", "Demande d’atelier – Forum SMSI 2019"),
		"Date: Fri, 8 Feb 2019 08:55:00 +0100",
		"Message-ID: <DB6PR07MB3046C2F1@telecom-ouest.fr>",
	}, "windows-1252", "8bit", `Bonjour,

Télécom Ouest SAS souhaite organiser un atelier intitulé “Fibre optique et cœur de réseau : l’infrastructure au service des territoires” lors du Forum du SMSI 2019.

L’atelier réunirait des opérateurs, des collectivités et des chercheurs… Nous proposons une durée de 90 minutes.

Bien cordialement,

Jean-Baptiste Lefèvre
Directeur des affaires publiques
Télécom Ouest SAS – Rennes
`)
}

func contributionEsWindows1252() []byte {
	return textMessage([]string{
		"From: " + qword("windows-1252", "Ana Lucía Gómez") + " <agomez@mintic.gov.co>",
		toSecretariat,
		"Subject: " + qword("windows-1252", "Aporte oficial sobre los aspectos temáticos del Foro CMSI 2019"),
		"Date: Sat, 9 Feb 2019 16:20:00 -0500",
		"Message-ID: <BN6PR04MB0660.namprd04.prod.outlook.com>",
	}, "windows-1252", "quoted-printable", `Respetados señores:

El Ministerio de Tecnologías de la Información y las Comunicaciones presenta su aporte sobre los aspectos temáticos del Foro:

– el papel de los gobiernos en la transformación digital del Estado;
– la ciberseguridad como condición para la “confianza digital”;
– la cooperación regional en América Latina y el Caribe.

Cordialmente,
Ana Lucía Gómez
Asesora de Asuntos Internacionales
Ministerio de Tecnologías de la Información y las Comunicaciones
`)
}

// --- MIME structure -------------------------------------------------------------

func htmlOnlyFr() []byte {
	html := `<!DOCTYPE html>
<html><head><title>Concours photo</title>
<style>body { font-family: Arial; } .x { color: red }</style>
<script>alert("pwned")</script></head>
<body onload="track()">
<p>Bonjour,</p>
<p>Je souhaite participer au <strong>concours photo SMSI 2019</strong> avec la photo
«&nbsp;Le cybercafé de Ségou&nbsp;», prise au Mali en décembre 2018.</p>
<ul>
<li>Titre : Le cybercafé de Ségou</li>
<li>Lieu : Ségou, Mali</li>
<li>Thème : l’accès à l’information pour les jeunes</li>
</ul>
<p>Le fichier en haute résolution est disponible sur <a href="https://photos.example.org/segou" onclick="steal()">ma galerie</a>.</p>
<p>Cordialement,<br>
Awa Traoré<br>
Photographe indépendante</p>
<img src="https://tracker.example.com/pixel.gif" width="1" height="1">
</body></html>
`
	return []byte(header(
		`From: "Awa Traoré" <awa.traore@gmail.com>`,
		toSecretariat,
		"Subject: =?UTF-8?Q?Concours_photo_SMSI_2019_=E2=80=93_participation?=",
		"Date: Sun, 3 Feb 2019 21:14:07 +0000",
		"Message-ID: <CAOx4rT1_aWa+sEgOu9mPq@mail.gmail.com>",
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=UTF-8",
		"Content-Transfer-Encoding: quoted-printable",
	) + qp(html))
}

func nestedRelatedInlineImage() []byte {
	plain := `Dear colleagues,

UNESCO is pleased to submit its contribution on the thematic aspects of the WSIS Forum 2019, with a focus on access to information and knowledge, multilingualism and media development.

The full submission is attached.

Best regards,
Kenji Ito
Communication and Information Sector, UNESCO
`
	html := `<html><body>
<p><img src="cid:logo.3f9a@unesco.org" alt="UNESCO logo"></p>
<p>Dear colleagues,</p>
<p>UNESCO is pleased to submit its contribution on the <em>thematic aspects</em> of the WSIS Forum 2019,
with a focus on access to information and knowledge, multilingualism and media development.</p>
<p>The full submission is attached.</p>
<p>Best regards,<br>Kenji Ito<br>Communication and Information Sector, UNESCO</p>
</body></html>
`
	png := fakeBinary("\x89PNG\r\n\x1a\n", 600)
	pdf := fakeBinary("%PDF-1.5\n", 3000)
	related := part([]string{`Content-Type: multipart/related; boundary="rel-7d1f"; type="text/html"`},
		multipart("rel-7d1f",
			textPart("text/html", "utf-8", "quoted-printable", html),
			part([]string{
				`Content-Type: image/png; name="image001.png"`,
				"Content-Transfer-Encoding: base64",
				"Content-ID: <logo.3f9a@unesco.org>",
				`Content-Disposition: inline; filename="image001.png"`,
			}, b64(png)),
		))
	alternative := part([]string{`Content-Type: multipart/alternative; boundary="alt-9c2e"`},
		multipart("alt-9c2e",
			textPart("text/plain", "utf-8", "quoted-printable", plain),
			related,
		))
	return []byte(header(
		`From: "Kenji Ito (UNESCO)" <k.ito@unesco.org>`,
		toSecretariat,
		"Subject: UNESCO contribution: thematic aspects of the WSIS Forum 2019",
		"Date: Mon, 4 Feb 2019 17:02:33 +0100",
		"Message-ID: <VI1PR0701MB2797E5@unesco.org>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="mix-41ab"`,
	) + multipart("mix-41ab",
		alternative,
		part([]string{
			`Content-Type: application/pdf; name="UNESCO_WSIS2019_submission.pdf"`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="UNESCO_WSIS2019_submission.pdf"`,
		}, b64(pdf)),
	))
}

func attachmentRFC2231ArabicUTF8() []byte {
	name := "مساهمة_منتدى_القمة_العالمية_2019.docx"
	encoded := pct("utf-8", name)
	half := len(encoded) / 2
	for encoded[half] != '%' { // split between two bytes, as clients do
		half--
	}
	docx := fakeBinary("PK\x03\x04", 2048)
	pdf := fakeBinary("%PDF-1.4\n", 1500)
	return []byte(header(
		"From: "+bword("utf-8", "م. هالة سعيد")+" <hala.said@mcit.gov.eg>",
		toSecretariat,
		"Subject: "+bword("utf-8", "مساهمة وزارة الاتصالات في المشاورة المفتوحة"),
		"Date: Tue, 5 Feb 2019 12:00:00 +0200",
		"Message-ID: <a1b2c3d4.mcit@mcit.gov.eg>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="----=_Part_1_20190205"`,
	) + multipart("----=_Part_1_20190205",
		textPart("text/plain", "utf-8", "base64", `السادة الأفاضل،

مرفق مساهمة وزارة الاتصالات وتكنولوجيا المعلومات بشأن الجوانب المواضيعية للمنتدى، وخطة عمل لبناء القدرات.

مع التحية،
م. هالة سعيد
وزارة الاتصالات وتكنولوجيا المعلومات
`),
		part([]string{
			"Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment;",
			" filename*0*=utf-8''" + encoded[:half] + ";",
			" filename*1*=" + encoded[half:],
		}, b64(docx)),
		part([]string{
			"Content-Type: application/pdf",
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment; filename*=UTF-8''" + pct("utf-8", "خطة_بناء_القدرات.pdf"),
		}, b64(pdf)),
	))
}

func attachmentRFC2231ArabicCP1256() []byte {
	pdf := fakeBinary("%PDF-1.3\n", 1200)
	return []byte(header(
		"From: "+bword("windows-1256", "يوسف العلوي")+" <y.alaoui@anrt.ma>",
		toSecretariat,
		"Subject: "+bword("windows-1256", "ورقة عمل بشأن الجوانب المواضيعية"),
		"Date: Wed, 6 Feb 2019 09:30:00 +0100",
		"Message-ID: <000a01d4bdf1$5b2c8e10$@anrt.ma>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="_002_ANRT_"`,
	) + multipart("_002_ANRT_",
		textPart("text/plain", "windows-1256", "quoted-printable", `تحية طيبة،

تجدون مرفقاً ورقة عمل الوكالة الوطنية لتقنين المواصلات بشأن الجوانب المواضيعية للمنتدى.

يوسف العلوي
الوكالة الوطنية لتقنين المواصلات
`),
		part([]string{
			`Content-Type: application/pdf; name="=?windows-1256?B?` + b64word("windows-1256", "ورقة_عمل.pdf") + `?="`,
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment; filename*=windows-1256''" + pct("windows-1256", "ورقة_عمل.pdf"),
		}, b64(pdf)),
	))
}

// b64word is the base64 of s in charset cs, for a hand-made encoded word.
func b64word(cs, s string) string {
	return strings.TrimSpace(strings.ReplaceAll(b64(enc(cs, s)), "\r\n", ""))
}

func attachmentRFC2231Chinese() []byte {
	gbName := pct("gb2312", "信息社会论坛专题意见书.pdf")
	cut := len(gbName) / 2
	for gbName[cut] != '%' {
		cut--
	}
	// Cut between two characters: four %XX per GB 2312 character.
	for (cut/3)%2 != 0 {
		cut -= 3
	}
	return []byte(header(
		"From: "+bword("gb2312", "王芳")+" <wangfang@cast-example.org.cn>",
		toSecretariat,
		"Subject: "+bword("gb2312", "专题意见书及附件"),
		"Date: Thu, 7 Feb 2019 14:14:14 +0800",
		"Message-ID: <20190207141414.abcdef@cast-example.org.cn>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="=====003_Dragon000000000000_====="`,
	) + multipart("=====003_Dragon000000000000_=====",
		textPart("text/plain", "gb2312", "base64", `秘书处：

附件为我协会关于论坛专题方面的意见书（PDF）和照片。

王芳
中国信息技术协会
`),
		part([]string{
			"Content-Type: application/pdf",
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment;",
			" filename*0*=gb2312''" + gbName[:cut] + ";",
			" filename*1*=" + gbName[cut:],
		}, b64(fakeBinary("%PDF-1.6\n", 900))),
		part([]string{
			"Content-Type: image/jpeg",
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment; filename*=big5''" + pct("big5", "論壇照片.jpg"),
		}, b64(fakeBinary("\xff\xd8\xff\xe0\x00\x10JFIF", 700))),
		part([]string{
			"Content-Type: text/plain; charset=utf-8",
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment; filename*=utf-8''" + pct("utf-8", "说明.txt"),
		}, b64("附件说明：意见书一份，照片一张。\r\n")),
	))
}

func attachmentRFC2047Filenames() []byte {
	return []byte(header(
		`From: Olga Ivanova <olga.ivanova@ngo-opennet.org>`,
		toSecretariat,
		"Subject: Documents for the thematic submission",
		"Date: Fri, 8 Feb 2019 13:13:13 +0100",
		"Message-ID: <20190208.131313.olga@ngo-opennet.org>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="b1_rfc2047"`,
	) + multipart("b1_rfc2047",
		textPart("text/plain", "us-ascii", "7bit", `Dear Secretariat,

Our association sends three documents for the thematic submission:
the Russian original, a Chinese summary and a French summary.

Best regards,
Olga Ivanova
OpenNet Association
`),
		part([]string{
			`Content-Type: application/msword; name="=?koi8-r?B?` + b64word("koi8-r", "Предложение.doc") + `?="`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="=?koi8-r?B?` + b64word("koi8-r", "Предложение.doc") + `?="`,
		}, b64(fakeBinary("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 1024))),
		part([]string{
			`Content-Type: application/pdf; name="=?UTF-8?B?` + b64word("utf-8", "摘要（中文）.pdf") + `?="`,
			"Content-Transfer-Encoding: base64",
		}, b64(fakeBinary("%PDF-1.4\n", 512))),
		part([]string{
			`Content-Type: application/pdf`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="` + qword("iso-8859-1", "Résumé en français.pdf") + `"`,
		}, b64(fakeBinary("%PDF-1.4\n", 256))),
	))
}

func attachmentPathTraversal() []byte {
	return []byte(header(
		`From: "J. Doe" <jdoe@consult-example.com>`,
		toSecretariat,
		"Subject: Proposal and supporting files",
		"Date: Sat, 9 Feb 2019 22:22:22 +0000",
		"Message-ID: <path.traversal.1@consult-example.com>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="XYZ"`,
	) + multipart("XYZ",
		textPart("text/plain", "utf-8", "7bit", "Please see the attached files.\n"),
		part([]string{
			`Content-Type: text/plain; name="../../etc/passwd"`,
			`Content-Disposition: attachment; filename="../../etc/passwd"`,
		}, "root:x:0:0:root:/root:/bin/bash\r\n"),
		part([]string{
			`Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="C:\\Users\\jdoe\\Documents\\proposal.docx"`,
		}, b64(fakeBinary("PK\x03\x04", 300))),
		part([]string{
			`Content-Type: application/pdf`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename=""`,
		}, b64(fakeBinary("%PDF-1.4\n", 200))),
		part([]string{
			`Content-Type: application/octet-stream`,
			"Content-Transfer-Encoding: base64",
			"Content-Disposition: attachment; filename*=utf-8''report%E2%80%AEfdp.exe",
		}, b64(fakeBinary("MZ", 100))),
		part([]string{
			`Content-Type: application/octet-stream; name="/.."`,
			"Content-Transfer-Encoding: base64",
		}, b64(fakeBinary("..", 50))),
	))
}

func forwardedRFC822() []byte {
	inner := header(
		"From: "+bword("windows-1251", "Сергей Кузнецов")+" <s.kuznetsov@rosinfocom.ru>",
		`To: "Maria Rossi" <m.rossi@itu-partners.org>`,
		"Subject: "+bword("windows-1251", "Тематический вклад для Форума ВВУИО 2019"),
		"Date: Wed, 30 Jan 2019 10:00:00 +0300",
		"Message-ID: <inner.30012019.1000@rosinfocom.ru>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=windows-1251",
		"Content-Transfer-Encoding: 8bit",
	) + crlf(enc("windows-1251", `Уважаемая Мария!

Направляю наш тематический вклад: предлагаем обсудить развитие инфраструктуры связи в Арктике и электронное здравоохранение для удаленных поселков.

С уважением,
Сергей Кузнецов
`))
	return []byte(header(
		`From: Maria Rossi <m.rossi@itu-partners.org>`,
		toSecretariat,
		"Subject: Fwd: Thematic contribution from Rosinfocom",
		"Date: Thu, 31 Jan 2019 09:00:00 +0100",
		"Message-ID: <fwd.31012019@itu-partners.org>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="fwd-boundary"`,
	) + multipart("fwd-boundary",
		textPart("text/plain", "utf-8", "7bit", `Dear colleagues,

Forwarding the thematic contribution our Russian partner sent me; he asked me to pass it on.

Maria Rossi
`),
		part([]string{
			"Content-Type: message/rfc822",
			"Content-Disposition: attachment",
		}, inner),
	))
}

func signedMultipart() []byte {
	plain := `Madame, Monsieur,

L'Office fédéral de la communication propose la candidature de Mme Anne Muster comme facilitatrice de haut niveau (High-Level Track Facilitator) pour le Forum du SMSI 2019.

Mme Muster préside le groupe de travail national sur la coopération internationale dans le domaine du numérique.

Meilleures salutations,
Peter Muster
Office fédéral de la communication OFCOM
Affaires internationales
`
	html := "<html><body><p>" + strings.ReplaceAll(strings.TrimSpace(plain), "\n", "<br>\n") + "</p></body></html>\n"
	sig := fakeBinary("\x30\x82\x06\x7a\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 1700)
	return []byte(header(
		`From: Peter Muster <peter.muster@bakom.admin.ch>`,
		toSecretariat,
		"Subject: =?utf-8?Q?Nomination_HLTF_=E2=80=93_Forum_du_SMSI_2019?=",
		"Date: Fri, 1 Feb 2019 15:15:15 +0100",
		"Message-ID: <4b9c1e2f@bakom.admin.ch>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="----sig-8F2A"`,
	) + multipart("----sig-8F2A",
		part([]string{`Content-Type: multipart/alternative; boundary="----alt-8F2A"`},
			multipart("----alt-8F2A",
				textPart("text/plain", "utf-8", "quoted-printable", plain),
				textPart("text/html", "utf-8", "quoted-printable", html),
			)),
		part([]string{
			`Content-Type: application/pkcs7-signature; name="smime.p7s"`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="smime.p7s"`,
			"Content-Description: S/MIME Cryptographic Signature",
		}, b64(sig)),
	))
}

func photoContestEn() []byte {
	jpeg := fakeBinary("\xff\xd8\xff\xe1\x00\x18Exif", 4096)
	return []byte(header(
		`From: Rahul Mehta <rahul.mehta@outlook.com>`,
		toSecretariat,
		"Subject: WSIS Photo Contest 2019 entry: Solar-powered connectivity",
		"Date: Sun, 27 Jan 2019 07:07:07 +0530",
		"Message-ID: <PN1PR01MB0783A@outlook.com>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="_004_PN1PR01MB0783_"`,
	) + multipart("_004_PN1PR01MB0783_",
		textPart("text/plain", "utf-8", "quoted-printable", `Hello,

Please find attached my entry to the WSIS Photo Contest 2019: a solar-powered community Wi-Fi kiosk in a village in Rajasthan, where students come in the evening to download their lessons.

Photographer: Rahul Mehta
Place: Barmer district, Rajasthan, India
Date taken: 12 December 2018

Regards,
Rahul
`),
		part([]string{
			`Content-Type: image/jpeg; name="Solar_WiFi_Kiosk_Barmer.jpg"`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="Solar_WiFi_Kiosk_Barmer.jpg"; size=4096`,
		}, b64(jpeg)),
	))
}

func inquiryEn() []byte {
	return textMessage([]string{
		`From: Tom Becker <tom.becker@gmail.com>`,
		toSecretariat,
		"Subject: Question about the deadline",
		"Date: Fri, 1 Feb 2019 18:00:00 +0100",
		"Message-ID: <CAM7f1zq-deadline@mail.gmail.com>",
	}, "us-ascii", "7bit", `Hello,

Could you tell me whether the deadline for workshop requests is still 10 February 2019? And can remote participants present?

Thank you,
Tom
`)
}

// --- People whose subjects read like robots' -----------------------------------

func personServiceDeliveryFailure() []byte {
	return textMessage([]string{
		`From: Grace Mwangi <g.mwangi@ca-example.go.ke>`,
		toSecretariat,
		"Subject: Service delivery failure in rural broadband",
		"Date: Mon, 4 Feb 2019 09:30:00 +0300",
		"Message-ID: <rural.broadband.1@ca-example.go.ke>",
		"X-Mailer: Microsoft Outlook 16.0",
	}, "utf-8", "7bit", `Dear WSIS Secretariat,

Please find below our contribution on action line C2 (information and communication infrastructure).

Universal service funds in the region have financed towers that do not deliver the service promised: we document the causes of this service delivery failure in rural broadband and propose three remedies for the WSIS Forum 2019 thematic workshops.

Best regards,
Grace Mwangi
Communications Authority
`)
}

func personOutOfOfficeHours() []byte {
	return textMessage([]string{
		`From: "Ana Lima" <ana.lima@redes-example.org.br>`,
		toSecretariat,
		"Subject: Out of office hours: proposal for community networks",
		"Date: Tue, 5 Feb 2019 20:15:00 -0200",
		"Message-ID: <community.networks.7@redes-example.org.br>",
	}, "utf-8", "8bit", `Hello,

We propose a workshop on community networks that keep schools and clinics connected out of office hours, when the municipal network is switched off. Our proposal for the WSIS Forum 2019 is attached below in text.

Ana Lima
Redes Comunitárias
`)
}

func personAutomaticReplySubject() []byte {
	return textMessage([]string{
		`From: Jean Dupont <jean.dupont@numerique-example.fr>`,
		toSecretariat,
		"Subject: Automatic reply systems in e-government: our input",
		"Date: Wed, 6 Feb 2019 10:00:00 +0100",
		"Message-ID: <e-gov.input.3@numerique-example.fr>",
		"Auto-Submitted: no",
	}, "utf-8", "7bit", `Dear colleagues,

Our agency contributes to action line C7 (e-government) a study of automatic reply systems used by public administrations, and what citizens expect of them.

Jean Dupont
`)
}

// --- Robots -----------------------------------------------------------------

func oooEn() []byte {
	return textMessage([]string{
		`From: "Sarah Johnson" <s.johnson@dfid-example.gov.uk>`,
		toSecretariat,
		"Subject: Out of Office: [WSIS-2019-0042] Acknowledgement of your contribution",
		"Date: Tue, 5 Feb 2019 10:16:00 +0000",
		"Message-ID: <ooo.en.1@dfid-example.gov.uk>",
		"In-Reply-To: <ack-20190205-0042@wsis.test>",
		"X-Auto-Response-Suppress: All",
		"Thread-Topic: Acknowledgement of your contribution",
	}, "utf-8", "7bit", `I am out of the office until 18 February with limited access to email.
For urgent matters, please contact my colleague Mark Evans.
`)
}

func oooFr() []byte {
	return textMessage([]string{
		`From: "Pierre Martin" <pierre.martin@arcep-example.fr>`,
		toSecretariat,
		"Subject: " + qword("iso-8859-1", "Réponse automatique : Accusé de réception [WSIS-2019-0017]"),
		"Date: Tue, 5 Feb 2019 11:03:00 +0100",
		"Message-ID: <ooo.fr.1@arcep-example.fr>",
		"In-Reply-To: <ack-20190205-0017@wsis.test>",
	}, "iso-8859-1", "quoted-printable", `Bonjour,

Je suis absent du bureau jusqu'au 11 février inclus. Je prendrai connaissance de votre message à mon retour.

Pierre Martin
`)
}

func oooEs() []byte {
	return textMessage([]string{
		`From: "Lucía Torres" <ltorres@subtel-example.gob.cl>`,
		toSecretariat,
		"Subject: " + bword("utf-8", "Respuesta automática: Acuse de recibo [WSIS-2019-0023]"),
		"Date: Tue, 5 Feb 2019 07:03:00 -0300",
		"Message-ID: <ooo.es.1@subtel-example.gob.cl>",
		"In-Reply-To: <ack-20190205-0023@wsis.test>",
	}, "utf-8", "quoted-printable", `Estaré fuera de la oficina hasta el lunes 11 de febrero, sin acceso al correo electrónico.

Lucía Torres
`)
}

func oooRu() []byte {
	return textMessage([]string{
		"From: " + bword("koi8-r", "Павел Орлов") + " <p.orlov@rostelecom-example.ru>",
		toSecretariat,
		"Subject: " + bword("koi8-r", "Автоматический ответ: Подтверждение получения [WSIS-2019-0031]"),
		"Date: Tue, 5 Feb 2019 13:03:00 +0300",
		"Message-ID: <ooo.ru.1@rostelecom-example.ru>",
		"In-Reply-To: <ack-20190205-0031@wsis.test>",
	}, "koi8-r", "8bit", `Здравствуйте!

Меня нет на месте до 12 февраля. По срочным вопросам обращайтесь к Елене Смирновой.

Павел Орлов
`)
}

func oooZh() []byte {
	return textMessage([]string{
		"From: " + bword("gb2312", "赵敏") + " <zhaomin@cnnic-example.cn>",
		toSecretariat,
		"Subject: " + bword("gb2312", "自动回复: 确认收到 [WSIS-2019-0036]"),
		"Date: Tue, 5 Feb 2019 18:03:00 +0800",
		"Message-ID: <ooo.zh.1@cnnic-example.cn>",
		"In-Reply-To: <ack-20190205-0036@wsis.test>",
	}, "gb2312", "base64", `您好，我正在休假，2月11日返回办公室。紧急事务请联系办公室。
`)
}

func oooAr() []byte {
	return textMessage([]string{
		"From: " + bword("windows-1256", "خالد العتيبي") + " <k.alotaibi@citc-example.gov.sa>",
		toSecretariat,
		"Subject: " + bword("windows-1256", "رد تلقائي: إشعار بالاستلام [WSIS-2019-0048]"),
		"Date: Tue, 5 Feb 2019 13:03:00 +0300",
		"Message-ID: <ooo.ar.1@citc-example.gov.sa>",
		"In-Reply-To: <ack-20190205-0048@wsis.test>",
		"Auto-Submitted: auto-replied",
	}, "windows-1256", "quoted-printable", `أنا خارج المكتب حتى 12 فبراير. للأمور العاجلة يرجى التواصل مع مكتب العلاقات الدولية.

خالد العتيبي
`)
}

func autoSubmittedRFC3834() []byte {
	return textMessage([]string{
		"Return-Path: <>",
		`From: Helen Clarke <h.clarke@cybersec-nz.org.nz>`,
		toSecretariat,
		"Subject: Re: Acknowledgement of your contribution",
		"Date: Wed, 6 Feb 2019 09:00:00 +1300",
		"Message-ID: <vacation.20190206@cybersec-nz.org.nz>",
		"In-Reply-To: <ack-20190205-0051@wsis.test>",
		"Auto-Submitted: auto-replied (vacation)",
		"Precedence: bulk",
	}, "utf-8", "7bit", `Thank you for your message. I am travelling and will reply when I am back.
`)
}

func xAutoreply() []byte {
	return textMessage([]string{
		"From: " + bword("utf-8", "Наталья Белова") + " <n.belova@yandex.ru>",
		toSecretariat,
		"Subject: " + bword("utf-8", "Re: [WSIS-2019-0105] Подтверждение получения"),
		"Date: Wed, 6 Feb 2019 12:00:00 +0300",
		"Message-ID: <7123451549443600@iva3-7f3b1c.qloud-c.yandex.net>",
		"In-Reply-To: <ack-20190206-0105@wsis.test>",
		"X-Autoreply: yes",
		"X-Mailer: Yamail [ http://yandex.ru ] 5.0",
	}, "utf-8", "8bit", `Спасибо за письмо! Я в отпуске до 15 февраля.
`)
}

func readReceiptMDN() []byte {
	return []byte(header(
		`From: "Giulia Bianchi" <g.bianchi@agid-example.gov.it>`,
		toSecretariat,
		"Subject: Read: [WSIS-2019-0060] Acknowledgement of your contribution",
		"Date: Thu, 7 Feb 2019 08:00:00 +0100",
		"Message-ID: <mdn.0060@agid-example.gov.it>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=disposition-notification; boundary="mdn-b"`,
	) + multipart("mdn-b",
		textPart("text/plain", "utf-8", "7bit", "Your message was displayed on 07/02/2019 08:00.\n"),
		part([]string{"Content-Type: message/disposition-notification"}, crlf(`Reporting-UA: agid-example.gov.it; Microsoft Outlook 16.0
Final-Recipient: rfc822;g.bianchi@agid-example.gov.it
Original-Message-ID: <ack-20190207-0060@wsis.test>
Disposition: manual-action/MDN-sent-manually; displayed
`)),
	))
}

// ack is an acknowledgement as wsisbot sends it, quoted back by bounces.
func ack(id, to, ref string) string {
	return header(
		`From: "WSIS Secretariat" <wsis-info@itu.int>`,
		"To: "+to,
		"Subject: ["+ref+"] Acknowledgement of your contribution",
		"Date: Tue, 5 Feb 2019 10:15:00 +0100",
		"Message-ID: <"+id+">",
		"Auto-Submitted: auto-replied",
		"X-WSISBot: ack",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 7bit",
	) + crlf(`Dear contributor,

Thank you for your contribution to the WSIS Forum 2019 open consultation.
Its reference is `+ref+`.

WSIS Secretariat
`)
}

func bounceDSN() []byte {
	return []byte(header(
		"Return-Path: <>",
		`From: MAILER-DAEMON@mail.wsis.test (Mail Delivery System)`,
		"To: wsis-info@itu.int",
		"Subject: Undelivered Mail Returned to Sender",
		"Date: Tue, 5 Feb 2019 10:15:07 +0100 (CET)",
		"Message-ID: <20190205091507.3A1F2C0B1@mail.wsis.test>",
		"Auto-Submitted: auto-replied",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="3A1F2C0B1.1549358107/mail.wsis.test"`,
	) + multipart("3A1F2C0B1.1549358107/mail.wsis.test",
		part([]string{
			"Content-Description: Notification",
			"Content-Type: text/plain; charset=us-ascii",
		}, crlf(`This is the mail system at host mail.wsis.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<k.mensah@moc-example.gov.gh>: host mx.moc-example.gov.gh[192.0.2.25] said:
    550 5.1.1 <k.mensah@moc-example.gov.gh>: Recipient address rejected:
    User unknown in virtual mailbox table
`)),
		part([]string{
			"Content-Description: Delivery report",
			"Content-Type: message/delivery-status",
		}, crlf(`Reporting-MTA: dns; mail.wsis.test
X-Postfix-Queue-ID: 3A1F2C0B1
Arrival-Date: Tue,  5 Feb 2019 10:15:05 +0100 (CET)

Final-Recipient: rfc822; k.mensah@moc-example.gov.gh
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.moc-example.gov.gh
Diagnostic-Code: smtp; 550 5.1.1 User unknown
`)),
		part([]string{
			"Content-Description: Undelivered Message",
			"Content-Type: message/rfc822",
		}, ack("ack-20190205-0042@wsis.test", "k.mensah@moc-example.gov.gh", "WSIS-2019-0042")),
	))
}

func bounceDSNHeaders() []byte {
	original := `Received: from mail.wsis.test (192.0.2.10) by mx.outlook.com
From: "WSIS Secretariat" <wsis-info@itu.int>
To: <a.nowak@uke-example.gov.pl>
Subject: [WSIS-2019-0057] Acknowledgement of your contribution
Date: Wed, 6 Feb 2019 11:00:00 +0100
Message-ID: <ack-20190206-0057@wsis.test>
X-WSISBot: ack
`
	return []byte(header(
		`From: postmaster@outlook.com`,
		"To: wsis-info@itu.int",
		"Subject: Undeliverable: [WSIS-2019-0057] Acknowledgement of your contribution",
		"Date: Wed, 6 Feb 2019 10:00:05 +0000",
		"Message-ID: <ndr.0057@outlook.com>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="ndr_boundary"`,
	) + multipart("ndr_boundary",
		part([]string{`Content-Type: multipart/alternative; boundary="ndr_alt"`},
			multipart("ndr_alt",
				textPart("text/plain", "us-ascii", "7bit", "Delivery has failed to these recipients or groups:\n\na.nowak@uke-example.gov.pl\nThe email address you entered couldn't be found.\n"),
				textPart("text/html", "us-ascii", "7bit", "<html><body><p><b>Delivery has failed to these recipients or groups:</b></p><p>a.nowak@uke-example.gov.pl<br>The email address you entered couldn't be found.</p></body></html>\n"),
			)),
		part([]string{"Content-Type: message/delivery-status"}, crlf(`Reporting-MTA: dns;AM5PR0701MB2.eurprd07.prod.outlook.com

Final-recipient: RFC822; a.nowak@uke-example.gov.pl
Action: failed
Status: 5.1.10
`)),
		part([]string{"Content-Type: text/rfc822-headers"}, crlf(original)),
	))
}

func bounceMailerDaemon() []byte {
	return []byte(header(
		"Return-Path: <>",
		"From: MAILER-DAEMON@mx.example.net",
		"To: wsis-info@itu.int",
		"Subject: failure notice",
		"Date: 7 Feb 2019 09:00:00 -0000",
		"Message-ID: <20190207090000.12345.qmail@mx.example.net>",
	) + crlf(`Hi. This is the qmail-send program at mx.example.net.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<d.okello@ucc-example.go.ug>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

Return-Path: <>
Received: from mail.wsis.test (192.0.2.10)
From: "WSIS Secretariat" <wsis-info@itu.int>
To: d.okello@ucc-example.go.ug
Subject: [WSIS-2019-0063] Acknowledgement of your contribution
Date: Thu, 7 Feb 2019 09:59:58 +0100
Message-ID: <ack-20190207-0063@wsis.test>
X-WSISBot: ack

Dear contributor,
`))
}

func listPost() []byte {
	return textMessage([]string{
		`From: Rafael Silva <rafael.silva@cgi-example.br>`,
		`To: wsis-stakeholders@lists.example.org`,
		`Cc: wsis-info@itu.int`,
		"Subject: [wsis-stakeholders] Regional inputs for the WSIS Forum 2019",
		"Date: Sun, 3 Feb 2019 12:00:00 -0200",
		"Message-ID: <list.post.1@cgi-example.br>",
		"List-Id: WSIS stakeholders discussion <wsis-stakeholders.lists.example.org>",
		"List-Post: <mailto:wsis-stakeholders@lists.example.org>",
		"Sender: wsis-stakeholders-bounces@lists.example.org",
	}, "utf-8", "8bit", `Dear all,

The Latin American regional meeting will compile its inputs for the WSIS Forum 2019 consultation by 8 February. Please send your comments to the list.

Rafael
`)
}

func bulkNewsletter() []byte {
	html := `<html><body><h1>ICT Policy Weekly</h1>
<p>This week: spectrum auctions, the WSIS Forum 2019 consultation, and more.</p>
<p><a href="https://news.example.com/unsubscribe?u=123">Unsubscribe</a></p></body></html>
`
	return []byte(header(
		`From: "ICT Policy Weekly" <newsletter@ictpolicyweekly-example.com>`,
		"To: wsis-info@itu.int",
		"Subject: ICT Policy Weekly #112: spectrum, WSIS and more",
		"Date: Mon, 4 Feb 2019 06:00:00 +0000",
		"Message-ID: <newsletter.112@ictpolicyweekly-example.com>",
		"Precedence: bulk",
		"MIME-Version: 1.0",
		"Content-Type: text/html; charset=utf-8",
		"Content-Transfer-Encoding: 7bit",
	) + crlf(html))
}

func ownAckLoop() []byte {
	return []byte(ack("ack-20190205-0099@wsis.test", "wsis-info@itu.int", "WSIS-2019-0099"))
}

// --- Follow-ups ---------------------------------------------------------------

// ackQuote is the acknowledgement text as replies quote it.
const ackQuote = `> Dear contributor,
>
> Thank you for your contribution to the WSIS Forum 2019 open consultation.
> Its reference is %s.
>
> WSIS Secretariat
`

func followup(from, subject, date, id, inReplyTo, cs, cte, body string) []byte {
	return textMessage([]string{
		"From: " + from,
		toSecretariat,
		"Subject: " + subject,
		"Date: " + date,
		"Message-ID: <" + id + ">",
		"In-Reply-To: <" + inReplyTo + ">",
		"References: <" + inReplyTo + ">",
	}, cs, cte, body)
}

func followupEn() []byte {
	return followup(`"Dr. Amina Okafor" <amina.okafor@ncc.gov.ng>`,
		"Re: [WSIS-2019-0042] Acknowledgement of your contribution",
		"Tue, 5 Feb 2019 12:30:00 +0100", "followup.en.1@ncc.gov.ng", "ack-20190205-0042@wsis.test",
		"utf-8", "quoted-printable", `Dear Secretariat,

Please find an updated version of our submission: we have added a paragraph on e-health in rural clinics.

Best regards,
Amina

On Tue, 5 Feb 2019 at 10:15, WSIS Secretariat <wsis-info@itu.int> wrote:
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0042"))
}

func followupFr() []byte {
	return followup(`Claire Dubois <claire.dubois@numerique-solidaire.org>`,
		bword("utf-8", "Re: [WSIS-2019-0017] Accusé de réception de votre contribution"),
		"Tue, 5 Feb 2019 15:00:00 +0100", "followup.fr.1@numerique-solidaire.org", "ack-20190205-0017@wsis.test",
		"utf-8", "quoted-printable", `Bonjour,

Merci pour votre accusé de réception. Pourriez-vous nous confirmer que les annexes ont bien été reçues ?

Bien cordialement,
Claire

Le mar. 5 févr. 2019 à 11:02, WSIS Secretariat <wsis-info@itu.int> a
écrit :
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0017"))
}

func followupEs() []byte {
	return followup(`"Prof. Javier Morales Quispe" <jmorales@uniandina.edu.pe>`,
		bword("utf-8", "RE: [WSIS-2019-0023] Acuse de recibo de su contribución"),
		"Wed, 6 Feb 2019 09:00:00 -0500", "followup.es.1@uniandina.edu.pe", "ack-20190205-0023@wsis.test",
		"utf-8", "quoted-printable", `Estimados señores:

Les agradecemos el acuse de recibo. Adjuntaremos la lista de ponentes del taller la próxima semana.

Saludos cordiales,
Javier Morales

El mar., 5 feb. 2019 a las 11:02, WSIS Secretariat (<wsis-info@itu.int>) escribió:
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0023"))
}

func followupRu() []byte {
	return followup(bword("utf-8", "Ирина Волкова")+" <i.volkova@digital.gov.ru>",
		bword("utf-8", "Ответ: WSIS-2019-0031 Подтверждение получения"),
		"Wed, 6 Feb 2019 10:00:00 +0300", "followup.ru.1@digital.gov.ru", "ack-20190205-0031@wsis.test",
		"koi8-r", "8bit", `Добрый день!

Благодарим за подтверждение. Направляем дополнительно краткую биографию кандидата.

С уважением,
Ирина Волкова

05.02.2019 11:02, WSIS Secretariat пишет:
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0031"))
}

func followupZh() []byte {
	return followup(bword("utf-8", "李娜")+" <lina@ecitu.edu.cn>",
		bword("utf-8", "回复：[WSIS-2019-0036] 确认收到您的意见"),
		"Wed, 6 Feb 2019 16:00:00 +0800", "followup.zh.1@ecitu.edu.cn", "ack-20190205-0036@wsis.test",
		"utf-8", "base64", `您好！

感谢确认。我们将于下周补充提交研究报告的英文摘要。

李娜

WSIS Secretariat <wsis-info@itu.int> 于2019年2月5日周二 下午6:02写道：
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0036"))
}

func followupAr() []byte {
	return followup(bword("utf-8", "د. أحمد المنصوري")+" <a.almansouri@tra.gov.ae>",
		bword("utf-8", "رد: [WSIS-2019-0048] إشعار بالاستلام"),
		"Wed, 6 Feb 2019 09:00:00 +0400", "followup.ar.1@tra.gov.ae", "ack-20190205-0048@wsis.test",
		"windows-1256", "quoted-printable", `شكراً على تأكيد الاستلام. سنرسل النسخة النهائية من المساهمة قبل الموعد النهائي.

مع التحية،
أحمد

في الثلاثاء، 5 فبراير 2019 في 1:02 م، WSIS Secretariat <wsis-info@itu.int> كتب:
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0048"))
}

func followupOutlookEs() []byte {
	return followup(bword("utf-8", "Ana Lucía Gómez")+" <agomez@mintic.gov.co>",
		"RE: [WSIS-2019-0070] Acknowledgement of your contribution",
		"Mon, 11 Feb 2019 09:00:00 -0500", "followup.es.2@mintic.gov.co", "ack-20190209-0070@wsis.test",
		"windows-1252", "quoted-printable", `Buenos días:

¿Podrían indicarnos si nuestro aporte llegó antes del plazo del 10 de febrero?

Gracias,
Ana Lucía Gómez

________________________________
De: WSIS Secretariat <wsis-info@itu.int>
Enviado: sábado, 9 de febrero de 2019 22:20
Para: Ana Lucía Gómez
Asunto: [WSIS-2019-0070] Acknowledgement of your contribution

Dear contributor,

Thank you for your contribution to the WSIS Forum 2019 open consultation.
`)
}

func followupBottomPost() []byte {
	return followup(`Moussa Diallo <m.diallo@artp.sn>`,
		"Re: [WSIS-2019-0081] Acknowledgement of your contribution",
		"Thu, 7 Feb 2019 10:00:00 +0000", "followup.bottom.1@artp.sn", "ack-20190206-0081@wsis.test",
		"utf-8", "8bit", `On Wed, 6 Feb 2019 at 12:11, WSIS Secretariat <wsis-info@itu.int> wrote:
`+strings.ReplaceAll(ackQuote, "%s", "WSIS-2019-0081")+`
Merci. Nous enverrons également la version anglaise de notre contribution.

-- 
Moussa Diallo
ARTP Sénégal
`)
}

// --- Damaged or odd -------------------------------------------------------------

func unknownCharset() []byte {
	return textMessage([]string{
		`From: "Hélène Roux" <helene.roux@cooperation-numerique.org>`,
		toSecretariat,
		"Subject: =?x-unknown?Q?Contribution_th=E9matique?=",
		"Date: Mon, 4 Feb 2019 10:00:00 +0100",
		"Message-ID: <unknown.charset.1@cooperation-numerique.org>",
	}, "x-unknown", "8bit", enc("iso-8859-1", `Bonjour,

Notre réseau soumet sa contribution thématique sur la coopération régionale et l'éthique de l'intelligence artificielle.

Hélène Roux
Réseau Coopération Numérique
`))
}

func unknownTransferEncoding() []byte {
	return []byte(header(
		`From: Old Mailer <legacy@univ-example.edu>`,
		toSecretariat,
		"Subject: Thematic submission (sent from an old system)",
		"Date: Mon, 4 Feb 2019 11:00:00 +0000",
		"Message-ID: <uu.1@univ-example.edu>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=us-ascii",
		"Content-Transfer-Encoding: x-uuencode",
	) + crlf(`Dear Secretariat,

Our university submits these thematic remarks on capacity building.

Prof. K. Adeyemi
`))
}

func brokenBase64() []byte {
	good := strings.TrimSpace(b64("Dear Secretariat,\r\n\r\nOur submission on the format of the Forum is attached.\r\n\r\n"))
	return []byte(header(
		`From: "Nadia Petrova" <n.petrova@bg-ict-example.org>`,
		toSecretariat,
		"Subject: Submission on the format of the Forum",
		"Date: Tue, 5 Feb 2019 11:00:00 +0200",
		"Message-ID: <broken.b64.1@bg-ict-example.org>",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="bb"`,
	) + multipart("bb",
		part([]string{
			"Content-Type: text/plain; charset=utf-8",
			"Content-Transfer-Encoding: base64",
		}, good+"\r\n!!!!This*is*not*base64!!!!\r\nQmVzdCByZWdhcmRz\r\n"),
		part([]string{
			`Content-Type: application/pdf; name="format.pdf"`,
			"Content-Transfer-Encoding: base64",
			`Content-Disposition: attachment; filename="format.pdf"`,
		}, "JVBERi0xLjQK\r\n%%%%\r\n"),
	))
}

func nulInvalidUTF8() []byte {
	body := "Dear Secretariat,\n\nOur text had a NUL\x00 byte and broken UTF-8: caf\xc3 cr\xe8me, \xff\xfe, 中\xe6\x96.\n\nRegards,\nIgor\n"
	return []byte(header(
		`From: Igor Novak <igor.novak@example-telecom.si>`,
		toSecretariat,
		"Subject: Broken\x00 text =?utf-8?B?w6k=?= \xe9t\xe9",
		"Date: Wed, 6 Feb 2019 12:00:00 +0100",
		"Message-ID: <nul.1@example-telecom.si>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
	) + crlf(body))
}

func undeclared8bit() []byte {
	return []byte(header(
		`From: Carmen Ruiz <cruiz@telecentros-example.org>`,
		toSecretariat,
		"Subject: Propuesta tematica",
		"Date: Thu, 7 Feb 2019 12:00:00 -0600",
		"Message-ID: <undeclared.1@telecentros-example.org>",
	) + crlf(enc("windows-1252", `Estimados señores:

La Red de Telecentros envía su propuesta sobre la alfabetización digital y la creación de capacidad en zonas rurales.

Atentamente,
Carmen Ruiz
`)))
}

func noMessageID() []byte {
	return []byte(header(
		`From: info@smallngo-example.org`,
		"To: wsis-info@itu.int",
		"Subject: contribution",
	) + crlf(`Hello, we would like to contribute to the consultation on the thematic aspects: access to information for rural women.

Small NGO
`))
}

func malformedNotAMessage() []byte {
	return []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
}
