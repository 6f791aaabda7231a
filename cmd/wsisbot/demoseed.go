package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// seedMessage is one message the demo puts in its mailbox before the poller starts.
type seedMessage struct {
	Label    string    // what the transcript calls it
	Robot    bool      // an auto-reply, bounce, list post...: never acknowledged
	Genuine  bool      // a new contribution from a person
	Received time.Time // the mailbox's INTERNALDATE
	Raw      []byte

	Subject string // as written, before encoding
	Text    string // the body as written, before encoding ("\n" line ends)
}

type seedPart struct {
	ContentType string // e.g. application/pdf
	Filename    string // UTF-8; written as RFC 2231
	Data        []byte
}

type seedMail struct {
	From, To, Subject, MessageID, InReplyTo, Date string
	Charset                                       string // body charset; "" is utf-8
	Encoding                                      string // quoted-printable or base64
	Extra                                         []string
	Body                                          string
	Parts                                         []seedPart
}

// encodeText encodes s in charset cs. Text the charset cannot hold is an error: a
// message that claims one charset and carries another shows the secretariat mojibake.
func encodeText(cs, s string) ([]byte, error) {
	var enc *encoding.Encoder
	switch cs {
	case "windows-1256":
		enc = charmap.Windows1256.NewEncoder()
	case "iso-8859-1":
		enc = charmap.ISO8859_1.NewEncoder()
	case "windows-1252":
		enc = charmap.Windows1252.NewEncoder()
	case "koi8-r":
		enc = charmap.KOI8R.NewEncoder()
	case "gb18030":
		enc = simplifiedchinese.GB18030.NewEncoder()
	case "utf-8", "us-ascii":
		if cs == "us-ascii" {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					return nil, fmt.Errorf("demo seed: %q cannot be written in us-ascii", s)
				}
			}
		}
		return []byte(s), nil
	default:
		return nil, fmt.Errorf("demo seed: no encoder for charset %q", cs)
	}
	b, err := enc.Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("demo seed: text cannot be written in %s: %w", cs, err)
	}
	return b, nil
}

// encodedWord is name as an RFC 2047 encoded word in charset cs.
func encodedWord(cs, name string) (string, error) {
	b, err := encodeText(cs, name)
	if err != nil {
		return "", err
	}
	return "=?" + cs + "?b?" + base64.StdEncoding.EncodeToString(b) + "?=", nil
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func (m seedMail) bytes() ([]byte, error) {
	var b bytes.Buffer
	cs := m.Charset
	if cs == "" {
		cs = "utf-8"
	}
	raw, err := encodeText(cs, strings.ReplaceAll(m.Body, "\n", "\r\n"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", m.MessageID, err)
	}
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }
	w("From: %s", m.From)
	w("To: %s", m.To)
	w("Subject: %s", mime.BEncoding.Encode("utf-8", m.Subject))
	w("Date: %s", m.Date)
	if m.MessageID != "" {
		w("Message-ID: <%s>", m.MessageID)
	}
	if m.InReplyTo != "" {
		w("In-Reply-To: <%s>", m.InReplyTo)
		w("References: <%s>", m.InReplyTo)
	}
	for _, h := range m.Extra {
		w("%s", h)
	}
	w("MIME-Version: 1.0")
	body := func() {
		w("Content-Type: text/plain; charset=%s", cs)
		if m.Encoding == "base64" {
			w("Content-Transfer-Encoding: base64")
			w("")
			w("%s", wrap76(base64.StdEncoding.EncodeToString(raw)))
			return
		}
		w("Content-Transfer-Encoding: quoted-printable")
		w("")
		qw := quotedprintable.NewWriter(&b)
		qw.Write(raw)
		qw.Close()
		w("")
	}
	if len(m.Parts) == 0 {
		body()
		return b.Bytes(), nil
	}
	const boundary = "=_wsis_demo_boundary"
	w(`Content-Type: multipart/mixed; boundary="%s"`, boundary)
	w("")
	w("--%s", boundary)
	body()
	for _, p := range m.Parts {
		w("--%s", boundary)
		w("Content-Type: %s", p.ContentType)
		w("Content-Disposition: attachment; filename*=utf-8''%s", rfc2231(p.Filename))
		w("Content-Transfer-Encoding: base64")
		w("")
		w("%s", wrap76(base64.StdEncoding.EncodeToString(p.Data)))
	}
	w("--%s--", boundary)
	return b.Bytes(), nil
}

func rfc2231(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func fakePDF(title string) []byte {
	return []byte("%PDF-1.4\n% " + title + "\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// demoSeeds is the demo mailbox: contributions in the six UN languages and their legacy
// charsets, with attachments, a follow-up, and the robots' mail that must never be
// acknowledged. now is the demo clock's start; received times are just before it. A
// message whose text its declared charset cannot hold is an error, never sent as
// something else.
func demoSeeds(now time.Time) ([]seedMessage, error) {
	at := func(d time.Duration) time.Time { return now.Add(-d) }
	date := func(t time.Time) string { return t.Format(time.RFC1123Z) }
	to := "WSIS Secretariat <wsis-info@itu.int>"
	var out []seedMessage
	var errs []error
	word := func(cs, name string) string {
		w, err := encodedWord(cs, name)
		errs = append(errs, err)
		return w
	}
	add := func(label string, genuine, robot bool, received time.Time, m seedMail) {
		if m.Date == "" {
			m.Date = date(received)
		}
		if m.To == "" {
			m.To = to
		}
		raw, err := m.bytes()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", label, err))
			return
		}
		out = append(out, seedMessage{Label: label, Genuine: genuine, Robot: robot, Received: received, Raw: raw,
			Subject: m.Subject, Text: m.Body})
	}

	add("Arabic, government, windows-1256, PDF attachment", true, false, at(20*time.Hour), seedMail{
		From:      word("utf-8", "وزارة الاتصالات وتكنولوجيا المعلومات") + " <wsis@mcit.gov.eg>",
		Subject:   "مساهمة رسمية بشأن الجوانب المواضيعية لمنتدى القمة العالمية لمجتمع المعلومات 2019",
		MessageID: "20190119.ar.1@mcit.gov.eg", Charset: "windows-1256", Encoding: "quoted-printable",
		Body:  "حضرات السادة والسيدات،\n\nتحية طيبة وبعد،\n\nيسر وزارة الاتصالات وتكنولوجيا المعلومات أن تقدم مساهمتها الرسمية بشأن الجوانب المواضيعية لمنتدى القمة لعام 2019، مع التركيز على بناء القدرات (خط العمل C4) والأمن السيبراني (خط العمل C5).\n\nوتفضلوا بقبول فائق التقدير والاحترام.\n\nإدارة التعاون الدولي\nوزارة الاتصالات وتكنولوجيا المعلومات، جمهورية مصر العربية",
		Parts: []seedPart{{ContentType: "application/pdf", Filename: "مساهمة_مصر_2019.pdf", Data: fakePDF("Egypt submission")}},
	})
	add("Chinese, academia, GB18030, workshop request", true, false, at(19*time.Hour), seedMail{
		From:    word("utf-8", "清华大学 互联网治理研究中心") + " <igov@tsinghua.edu.cn>",
		Subject: "关于在2019年信息社会世界峰会论坛举办研讨会的申请", MessageID: "5c43a1b2.cn.2@tsinghua.edu.cn",
		Charset: "gb18030", Encoding: "base64",
		Body:  "尊敬的秘书处：\n\n清华大学互联网治理研究中心谨申请在2019年信息社会世界峰会论坛期间举办一场研讨会，主题为“人工智能与可持续发展目标”，涉及行动方针C3和C7。\n\n研讨会提案见附件。\n\n此致\n敬礼\n\n李明 教授\n清华大学",
		Parts: []seedPart{{ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Filename: "研讨会申请表.docx", Data: []byte("PK\x03\x04 workshop proposal form")}},
	})
	add("English, civil society, format innovation", true, false, at(18*time.Hour), seedMail{
		From: "Maria Lopez <maria.lopez@digitalrights.org>", Subject: "Official submission: innovations in the format of WSIS Forum 2019",
		MessageID: "CAF7x9q1.en.3@mail.digitalrights.org", Encoding: "quoted-printable",
		Body:  "Dear WSIS Secretariat,\n\nOn behalf of the Digital Rights Foundation, a non-governmental organization, please find attached our official submission on innovations in the format of the Forum: shorter interactive sessions, remote participation hubs and a youth track.\n\nKind regards,\nMaria Lopez\nPolicy Director, Digital Rights Foundation",
		Parts: []seedPart{{ContentType: "application/pdf", Filename: "DRF format proposal.pdf", Data: fakePDF("DRF format")}},
	})
	add("French, government, ISO-8859-1, HLTF nomination", true, false, at(15*time.Hour), seedMail{
		From:    "=?iso-8859-1?q?Minist=E8re_de_l'=C9conomie_num=E9rique?= <cooperation@numerique.gouv.sn>",
		Subject: "Nomination d'un facilitateur de haut niveau (High-Level Track Facilitator)", MessageID: "a1b2c3.fr.4@numerique.gouv.sn",
		Charset: "iso-8859-1", Encoding: "quoted-printable",
		Body: "Madame, Monsieur,\n\nLe Ministère de l'Économie numérique du Sénégal a l'honneur de proposer la candidature de Mme Awa Ndiaye comme facilitatrice de la filière de haut niveau du Forum du SMSI 2019.\n\nVeuillez agréer, Madame, Monsieur, l'expression de notre haute considération.\n\nDirection de la coopération",
	})
	add("Russian, academia, KOI8-R, photo contest entry", true, false, at(12*time.Hour), seedMail{
		From:    word("koi8-r", "Иван Петров") + " <petrov@spbu.ru>",
		Subject: "Заявка на фотоконкурс WSIS 2019", MessageID: "7f3e.ru.5@spbu.ru", Charset: "koi8-r", Encoding: "quoted-printable",
		Body:  "Уважаемые дамы и господа!\n\nНаправляю фотографию для фотоконкурса ВВУИО 2019: \"Цифровая школа в Арктике\".\n\nС уважением,\nИван Петров\nСанкт-Петербургский государственный университет",
		Parts: []seedPart{{ContentType: "image/jpeg", Filename: "Цифровая школа.jpg", Data: []byte("\xff\xd8\xff\xe0 JFIF demo photo")}},
	})
	add("Spanish, private sector, windows-1252, workshop request", true, false, at(9*time.Hour), seedMail{
		From: "Carlos Ruiz <carlos.ruiz@telecomsur.com>", Subject: "Solicitud de taller vinculante – Foro CMSI 2019",
		MessageID: "9d8c7b.es.6@telecomsur.com", Charset: "windows-1252", Encoding: "quoted-printable",
		Body: "Estimados señores y señoras:\n\nTelecomSur S.A. solicita organizar un taller sobre infraestructura de banda ancha rural (línea de acción C2) durante el Foro de la CMSI 2019.\n\nAtentamente,\nCarlos Ruiz\nDirector de Asuntos Regulatorios, TelecomSur S.A.",
	})
	add("English follow-up to the civil society submission", false, false, at(6*time.Hour), seedMail{
		From: "Maria Lopez <maria.lopez@digitalrights.org>", Subject: "Re: Official submission: innovations in the format of WSIS Forum 2019",
		MessageID: "CAF7x9q9.en.7@mail.digitalrights.org", InReplyTo: "CAF7x9q1.en.3@mail.digitalrights.org", Encoding: "quoted-printable",
		Body: "Dear Secretariat,\n\nA short addition: we would also be glad to co-organise the youth track.\n\nBest,\nMaria\n\nOn Sat, 19 Jan 2019 at 16:00, Maria Lopez <maria.lopez@digitalrights.org> wrote:\n> Dear WSIS Secretariat,\n> On behalf of the Digital Rights Foundation, please find attached our official submission.",
	})
	add("French out-of-office reply", false, true, at(5*time.Hour), seedMail{
		From: "Jean Dupont <jean.dupont@example.fr>", Subject: "Réponse automatique : Consultation WSIS 2019",
		MessageID: "ooo.fr.8@example.fr", Extra: []string{"Auto-Submitted: auto-replied", "X-Autoreply: yes"}, Encoding: "quoted-printable",
		Body: "Je suis absent du bureau jusqu'au 28 janvier. Pour toute urgence, contactez mon assistant.",
	})
	add("bounce from MAILER-DAEMON", false, true, at(4*time.Hour), seedMail{
		From: "Mail Delivery System <MAILER-DAEMON@mx.example.net>", Subject: "Undelivered Mail Returned to Sender",
		MessageID: "bounce.9@mx.example.net", Extra: []string{"Auto-Submitted: auto-replied"}, Encoding: "quoted-printable",
		Body: "This is the mail system at host mx.example.net.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients.\n\n<nobody@example.net>: host mx.example.net said: 550 5.1.1 User unknown",
	})
	add("duplicate of the Spanish request (sent twice)", false, true, at(3*time.Hour), seedMail{
		From: "Carlos Ruiz <carlos.ruiz@telecomsur.com>", Subject: "Solicitud de taller vinculante – Foro CMSI 2019",
		MessageID: "9d8c7b.es.6@telecomsur.com", Charset: "windows-1252", Encoding: "quoted-printable",
		Extra: []string{"X-Resent: via mobile"},
		Body:  "Estimados señores y señoras:\n\nTelecomSur S.A. solicita organizar un taller sobre infraestructura de banda ancha rural (línea de acción C2) durante el Foro de la CMSI 2019.\n\nAtentamente,\nCarlos Ruiz",
	})
	add("mailing-list post", false, true, at(2*time.Hour), seedMail{
		From: "IGF Community <igf-community@lists.example.org>", Subject: "[IGF] Weekly digest: 12 new messages",
		MessageID: "list.11@lists.example.org", Extra: []string{"List-Id: IGF community <igf-community.lists.example.org>", "List-Unsubscribe: <mailto:leave@lists.example.org>", "Precedence: list"},
		Encoding: "quoted-printable", Body: "Digest of the week: remote hubs, MAG renewal, best practice forums.",
	})
	add("English, international organisation, arrived in December (history: no card, summarised in the channel, not acknowledged)", true, false, now.AddDate(0, -1, -5), seedMail{
		From: "Amina Diallo <a.diallo@uneca.org>", Subject: "Inputs from the Africa regional WSIS review",
		MessageID: "uneca.12@uneca.org", Encoding: "quoted-printable",
		Body: "Dear colleagues,\n\nPlease find the inputs compiled from the Africa regional WSIS review meeting for the WSIS Forum 2019 open consultation.\n\nBest regards,\nAmina Diallo\nUnited Nations Economic Commission for Africa",
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
