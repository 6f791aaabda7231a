package imaptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"
)

// A contribution written in one of the six UN languages.
type sample struct {
	lang, name, org, domain, subject, body string
}

var samples = []sample{
	{"en", "Grace Mensah", "Ministry of Communications", "moc.gov.gh",
		"Contribution to the WSIS Forum 2019: proposal for a thematic workshop",
		"Dear WSIS Secretariat,\n\nPlease find below our proposal for a thematic workshop on ICT infrastructure for rural connectivity (Action Line C2), for the WSIS Forum 2019 in Geneva.\n\nThe session would bring together regulators, operators and community networks to discuss shared infrastructure and universal service funds.\n\nBest regards,\nGrace Mensah\nMinistry of Communications, Ghana\n"},
	{"fr", "Amélie Durand", "Université de Genève", "unige.ch",
		"Contribution au Forum du SMSI 2019 : proposition d'atelier thématique",
		"Madame, Monsieur,\n\nVeuillez trouver ci-dessous notre proposition d'atelier thématique sur l'éducation numérique et le renforcement des capacités (grande orientation C4) pour le Forum du SMSI 2019.\n\nL'atelier réunirait des universités, des gouvernements et la société civile autour des compétences numériques des jeunes.\n\nCordialement,\nAmélie Durand\nUniversité de Genève\n"},
	{"es", "José Martínez", "Secretaría de Comunicaciones", "sct.gob.mx",
		"Contribución al Foro de la CMSI 2019: propuesta de taller temático",
		"Estimada Secretaría de la CMSI:\n\nNos complace enviarles nuestra propuesta de taller temático sobre gobierno electrónico y servicios públicos digitales (Línea de Acción C7) para el Foro de la CMSI 2019.\n\nEl taller presentaría experiencias de América Latina en la digitalización de trámites para la ciudadanía.\n\nAtentamente,\nJosé Martínez\nSecretaría de Comunicaciones y Transportes, México\n"},
	{"ru", "Ирина Петрова", "Министерство цифрового развития", "digital.gov.ru",
		"Вклад в Форум ВВУИО 2019: предложение тематического семинара",
		"Уважаемый секретариат ВВУИО!\n\nНаправляем вам наше предложение о проведении тематического семинара по укреплению доверия и безопасности при использовании ИКТ (направление деятельности C5) на Форуме ВВУИО 2019.\n\nНа семинаре будут представлены национальные стратегии кибербезопасности и опыт сотрудничества государства и бизнеса.\n\nС уважением,\nИрина Петрова\nМинистерство цифрового развития\n"},
	{"zh", "王伟", "中国信息通信研究院", "caict.ac.cn",
		"对2019年信息社会世界峰会论坛的贡献：专题研讨会提案",
		"尊敬的信息社会世界峰会秘书处：\n\n我们谨提交关于信息通信技术促进可持续发展的专题研讨会提案（C7行动方针），供2019年信息社会世界峰会论坛审议。\n\n研讨会将介绍数字经济、电子商务和农村宽带建设方面的经验。\n\n此致\n敬礼\n王伟\n中国信息通信研究院\n"},
	{"ar", "أحمد الخطيب", "هيئة تنظيم الاتصالات", "tra.gov.ae",
		"مساهمة في منتدى القمة العالمية لمجتمع المعلومات 2019: اقتراح ورشة عمل مواضيعية",
		"السادة أمانة القمة العالمية لمجتمع المعلومات المحترمين،\n\nيسرنا أن نقدم اقتراحنا لتنظيم ورشة عمل مواضيعية حول بناء الثقة والأمن في استخدام تكنولوجيا المعلومات والاتصالات (خط العمل C5) في منتدى القمة العالمية لمجتمع المعلومات 2019.\n\nستعرض الورشة التجارب الوطنية في حماية البنية التحتية الحيوية.\n\nمع خالص التحيات،\nأحمد الخطيب\nهيئة تنظيم الاتصالات\n"},
}

// MailOptions shape a generated message.
type MailOptions struct {
	// Run makes Message-IDs and senders unique to a test run.
	Run string
	// Attachment is the size of a PDF attachment in bytes (0: none).
	Attachment int
	// Date is the Date header (now when zero).
	Date time.Time
	// Pad adds this many bytes of extra text to the body.
	Pad int
}

// Mail returns realistic message i: a contribution in one of the six languages (i mod
// 6), from a distinct sender, with an RFC 2047 encoded subject and name, the body in
// base64 or quoted-printable, and optionally a PDF attachment.
func Mail(i int, o MailOptions) []byte {
	s := samples[i%len(samples)]
	date := o.Date
	if date.IsZero() {
		date = time.Now()
	}
	run := o.Run
	if run == "" {
		run = "t"
	}
	from := fmt.Sprintf("contributor.%s.%d@%s", run, i, s.domain)
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", from)
	fmt.Fprintf(&b, "Received: from mail.%s (mail.%s [192.0.2.%d]) by mx.itu.int with ESMTPS; %s\r\n",
		s.domain, s.domain, i%250+1, date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "From: %s <%s>\r\n", mime.QEncoding.Encode("utf-8", s.name), from)
	b.WriteString("To: WSIS Secretariat <wsis-info@itu.int>\r\n")
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", fmt.Sprintf("%s (%d)", s.subject, i)))
	fmt.Fprintf(&b, "Date: %s\r\n", date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s.%d.%d@%s>\r\n", run, i, date.UnixNano()%1e6, s.domain)
	fmt.Fprintf(&b, "Content-Language: %s\r\n", s.lang)
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("X-Mailer: Microsoft Outlook 16.0\r\n")

	body := s.body
	if o.Pad > 0 {
		var pad strings.Builder
		for pad.Len() < o.Pad {
			pad.WriteString(s.body)
		}
		body += "\n" + truncateUTF8(pad.String(), o.Pad)
	}
	textPart := func(w *bytes.Buffer) {
		w.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
		if i%2 == 0 {
			w.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
			writeBase64(w, []byte(strings.ReplaceAll(body, "\n", "\r\n")))
		} else {
			w.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
			qp := quotedprintable.NewWriter(w)
			qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))) //nolint:errcheck
			qp.Close()
			w.WriteString("\r\n")
		}
	}
	if o.Attachment <= 0 {
		textPart(&b)
		return b.Bytes()
	}
	boundary := fmt.Sprintf("=_wsis_%s_%d", run, i)
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary)
	b.WriteString("This is a multi-part message in MIME format.\r\n")
	fmt.Fprintf(&b, "--%s\r\n", boundary)
	textPart(&b)
	fmt.Fprintf(&b, "--%s\r\n", boundary)
	name := fmt.Sprintf("WSIS2019-%s-%d.pdf", s.lang, i)
	fmt.Fprintf(&b, "Content-Type: application/pdf; name=\"%s\"\r\n", name)
	fmt.Fprintf(&b, "Content-Disposition: attachment; filename=\"%s\"\r\n", name)
	b.WriteString("Content-Transfer-Encoding: base64\r\n\r\n")
	writeBase64(&b, pdf(i, o.Attachment))
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// pdf returns size bytes that start like a PDF, the rest pseudo-random (incompressible,
// like real documents), different for each i.
func pdf(i, size int) []byte {
	out := make([]byte, size)
	r := rand.New(rand.NewPCG(uint64(i), 2019))
	for j := 0; j+8 <= len(out); j += 8 {
		v := r.Uint64()
		for k := 0; k < 8; k++ {
			out[j+k] = byte(v >> (8 * k))
		}
	}
	copy(out, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	return out
}

func writeBase64(w *bytes.Buffer, data []byte) {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 76 {
		w.WriteString(enc[:76])
		w.WriteString("\r\n")
		enc = enc[76:]
	}
	w.WriteString(enc)
	w.WriteString("\r\n")
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
