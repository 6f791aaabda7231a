package parse

import (
	"strings"
	"testing"
)

func TestSort(t *testing.T) {
	person := Address{Name: "Amina Okafor", Email: "amina.okafor@ncc.gov.ng"}
	msg := func(subject string, headers map[string]string) *Parsed {
		return &Parsed{From: person, Subject: subject, Headers: headers}
	}
	for _, tc := range []struct {
		name       string
		p          *Parsed
		want       MessageKind
		wantReason string
	}{
		{"person", msg("Official submission on thematic aspects", nil), KindContribution, "person"},
		{"reply of a person", msg("Re: [WSIS-2019-0042] Acknowledgement", map[string]string{"Auto-Submitted": "no"}), KindContribution, "person"},
		{"nil", nil, KindQuarantined, "no message"},

		{"our marker header", msg("anything", map[string]string{"X-WSISBot": "ack"}), KindOwn, "X-WSISBot"},
		{"our address", &Parsed{From: Address{Email: "WSIS-Info@ITU.int"}, Subject: "x"}, KindOwn, "our address"},

		{"multipart/report", &Parsed{From: person, IsReport: true, ReportType: "delivery-status"}, KindBounce, "multipart/report"},
		{"read receipt", &Parsed{From: person, IsReport: true, ReportType: "disposition-notification"}, KindAutoReply, "read receipt"},
		{"MAILER-DAEMON", &Parsed{From: Address{Email: "MAILER-DAEMON@mx.example.net"}, Subject: "failure notice"}, KindBounce, "mailer-daemon"},
		{"postmaster", &Parsed{From: Address{Email: "postmaster@outlook.com"}, Subject: "x"}, KindBounce, "postmaster"},
		{"MAILER-DAEMON Return-Path", msg("Notice", map[string]string{"Return-Path": "<MAILER-DAEMON@mx.example.net>"}), KindBounce, "Return-Path mailer-daemon"},
		{"Delivery Status Notification from no-reply", &Parsed{From: Address{Email: "no-reply@accounts.example.com"}, Subject: "Delivery Status Notification (Failure)"}, KindBounce, "Delivery Status Notification"},
		{"Undeliverable with null Return-Path", msg("Undeliverable: [WSIS-2019-0057] Acknowledgement", map[string]string{"Return-Path": "<>"}), KindBounce, "Undeliverable"},
		{"Mail delivery failed with X-Auto-Response-Suppress", msg("Mail delivery failed: returning message to sender", map[string]string{"X-Auto-Response-Suppress": "All"}), KindBounce, "Mail delivery failed"},
		{"Undelivered Mail with null Return-Path and Auto-Submitted", msg("Undelivered Mail Returned to Sender", map[string]string{"Return-Path": "<>", "Auto-Submitted": "auto-replied"}), KindBounce, "Undelivered Mail"},
		{"multipart/report in Content-Type only", msg("x", map[string]string{"Content-Type": `multipart/report; report-type=delivery-status; boundary="b"`}), KindBounce, "multipart/report"},

		// A phrase alone is not evidence: people write these words.
		{"Delivery Status Notification from a person", msg("Delivery Status Notification (Failure)", nil), KindContribution, "person"},
		{"service delivery failure", msg("Service delivery failure in rural broadband", nil), KindContribution, "person"},
		{"out of office hours", msg("Out of office hours: proposal for community networks", nil), KindContribution, "person"},
		{"automatic reply from a person", msg("Re: Automatic reply: Acknowledgement of your contribution", nil), KindContribution, "person"},
		{"undeliverable from a person", msg("Undeliverable promises: connectivity targets for 2030", map[string]string{"Auto-Submitted": "no"}), KindContribution, "person"},
		{"no-reply sender without a phrase", &Parsed{From: Address{Email: "noreply@ministry.example"}, Subject: "Submission of the national report"}, KindContribution, "person"},
		{"X-Auto-Response-Suppress alone", msg("Re: x", map[string]string{"X-Auto-Response-Suppress": "All"}), KindAutoReply, "X-Auto-Response-Suppress"},
		{"Out of office with X-Auto-Response-Suppress", msg("Out of Office: x", map[string]string{"X-Auto-Response-Suppress": "All"}), KindAutoReply, "Out of Office"},
		{"X-Failed-Recipients", msg("x", map[string]string{"X-Failed-Recipients": "a@b"}), KindBounce, "X-Failed-Recipients"},
		{"null Return-Path alone", msg("Notice", map[string]string{"Return-Path": "<>"}), KindBounce, "null Return-Path"},

		{"Auto-Submitted auto-replied", msg("Re: x", map[string]string{"Auto-Submitted": "auto-replied"}), KindAutoReply, "Auto-Submitted: auto-replied"},
		{"Auto-Submitted auto-generated", msg("x", map[string]string{"Auto-Submitted": "Auto-Generated"}), KindAutoReply, "auto-generated"},
		{"Auto-Submitted with null Return-Path", msg("Re: x", map[string]string{"Auto-Submitted": "auto-replied (vacation)", "Return-Path": "<>"}), KindAutoReply, "Auto-Submitted"},
		{"X-Autoreply", msg("Re: x", map[string]string{"X-Autoreply": "yes"}), KindAutoReply, "X-Autoreply"},
		{"X-Autorespond", msg("Re: x", map[string]string{"X-Autorespond": "x"}), KindAutoReply, "X-Autorespond"},
		{"Precedence auto_reply", msg("Re: x", map[string]string{"Precedence": "auto_reply"}), KindAutoReply, "auto_reply"},

		{"List-Id", msg("[list] news", map[string]string{"List-Id": "<l.example.org>"}), KindList, "List-Id"},
		{"List-Unsubscribe", msg("news", map[string]string{"List-Unsubscribe": "<mailto:u@x>"}), KindList, "List-Unsubscribe"},
		{"Precedence bulk", msg("news", map[string]string{"Precedence": "bulk"}), KindList, "bulk"},
		{"Precedence list", msg("news", map[string]string{"Precedence": "List"}), KindList, "list"},
		{"Precedence junk", msg("news", map[string]string{"Precedence": "junk"}), KindList, "junk"},
		{"List-Post", msg("Re: [igf] community networks", map[string]string{"List-Post": "<mailto:igf@lists.example.org>"}), KindList, "List-Post"},
		{"List-Post NO (announcements)", msg("News", map[string]string{"List-Post": "NO"}), KindList, "List-Post"},
		{"Sender list-bounces", msg("Re: [igf] x", map[string]string{"Sender": `"igf" <igf-bounces@lists.example.org>`}), KindList, "igf-bounces@lists.example.org"},
		{"Sender list-bounces with VERP", msg("x", map[string]string{"Sender": "igf-bounces+amina=gov.example@lists.example.org"}), KindList, "mailing list"},
		{"Sender list-bounce", msg("x", map[string]string{"Sender": "<wsis-bounce@lists.example.org>"}), KindList, "wsis-bounce@"},
		{"Sender owner-list", msg("x", map[string]string{"Sender": "owner-isoc-members@lists.example.org"}), KindList, "owner-isoc-members@"},
		{"Sender list-request", msg("x", map[string]string{"Sender": "news-request@lists.example.org"}), KindList, "news-request@"},
		{"Sender of a person", msg("Submission", map[string]string{"Sender": "Assistant <assistant@gov.example>"}), KindContribution, "person"},
		{"Sender owner as a word", msg("Submission", map[string]string{"Sender": "owner@shop.example"}), KindContribution, "person"},
		{"X-Loop", msg("Re: your message", map[string]string{"X-Loop": "helpdesk@ngo.example"}), KindAutoReply, "X-Loop"},
		{"X-Loop with an out-of-office subject", msg("Out of office: x", map[string]string{"X-Loop": "x"}), KindAutoReply, "Out of office"},
		{"List-Post with a bounce subject", msg("Undelivered Mail Returned to Sender", map[string]string{"List-Post": "<mailto:l@x>"}), KindBounce, "Undelivered Mail"},
		{"own beats bounce", &Parsed{From: Address{Email: "wsis-info@itu.int"}, IsReport: true}, KindOwn, "our address"},
		{"bounce beats auto-reply", &Parsed{From: Address{Email: "mailer-daemon@x"}, Headers: map[string]string{"Auto-Submitted": "auto-replied"}}, KindBounce, "sender"},
		{"auto-reply beats list", msg("Automatic reply: x", map[string]string{"List-Id": "<l>"}), KindAutoReply, "Automatic reply"},
		{"bounce phrase on a list", msg("Undelivered Mail Returned to Sender", map[string]string{"List-Id": "<l>"}), KindBounce, "Undelivered Mail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, reason := Sort(tc.p, []string{"wsis-info@itu.int"})
			if kind != tc.want {
				t.Errorf("Sort = %q (%s), want %q", kind, reason, tc.want)
			}
			if !strings.Contains(strings.ToLower(reason), strings.ToLower(tc.wantReason)) {
				t.Errorf("reason %q does not mention %q", reason, tc.wantReason)
			}
		})
	}
}

func TestSortOutOfOfficeSubjects(t *testing.T) {
	for _, subject := range []string{
		"Out of Office: [WSIS-2019-0042] Acknowledgement",
		"Automatic reply: Acknowledgement",
		"Auto-Reply: thanks",
		"AutoResponse: thanks",
		"Automatic Response: thanks",
		"I am out of the office until Monday",
		"Away from the office",
		"Vacation reply",
		"Abwesenheitsnotiz: Beitrag",
		"Réponse automatique : Accusé de réception",
		"Absence du bureau",
		"Respuesta automática: Acuse de recibo",
		"Fuera de la oficina",
		"Автоматический ответ: Подтверждение",
		"Нет на месте",
		"自动回复: 确认收到",
		"自動回覆: 確認收到",
		"رد تلقائي: إشعار بالاستلام",
		"خارج المكتب",
	} {
		t.Run(subject, func(t *testing.T) {
			kind, reason := Sort(&Parsed{From: Address{Email: "someone@example.org"}, Subject: subject,
				Headers: map[string]string{"Return-Path": "<>"}}, nil)
			if kind != KindAutoReply || !strings.HasPrefix(reason, "subject contains") {
				t.Errorf("with a null Return-Path: Sort = %q (%s), want auto_reply from the subject", kind, reason)
			}
			kind, reason = Sort(&Parsed{From: Address{Email: "no-reply@example.org"}, Subject: subject}, nil)
			if kind != KindAutoReply || !strings.HasPrefix(reason, "subject contains") {
				t.Errorf("from a no-reply address: Sort = %q (%s), want auto_reply from the subject", kind, reason)
			}
			kind, reason = Sort(&Parsed{From: Address{Email: "someone@example.org"}, Subject: subject}, nil)
			if kind != KindContribution {
				t.Errorf("from a person, the phrase alone: Sort = %q (%s), want contribution", kind, reason)
			}
		})
	}
}

func TestSortBounceSubjects(t *testing.T) {
	for subject, phrase := range map[string]string{
		"Delivery Status Notification (Failure)": "Delivery Status Notification",
		"Undeliverable: WSIS contribution":       "Undeliverable",
		"Mail delivery failed: returning":        "Mail delivery failed",
		"Warning: delivery has failed":           "delivery has failed",
		"Échec de la remise du message":          "Échec de la remise",
		"Non remis : contribution":               "Non remis",
		"No se puede entregar: aporte":           "No se puede entregar",
		"Не доставлено: вклад":                   "Не доставлено",
		"投递失败: 提交":                               "投递失败",
		"فشل التسليم: مساهمة":                    "فشل التسليم",
	} {
		t.Run(subject, func(t *testing.T) {
			kind, reason := Sort(&Parsed{From: Address{Email: "someone@example.org"}, Subject: subject,
				Headers: map[string]string{"Return-Path": "<>"}}, nil)
			if kind != KindBounce || !strings.HasPrefix(reason, `subject contains "`+phrase+`"`) {
				t.Errorf("Sort = %q (%s), want bounce from the subject's %q", kind, reason, phrase)
			}
			kind, reason = Sort(&Parsed{From: Address{Email: "someone@example.org"}, Subject: subject}, nil)
			if kind != KindContribution {
				t.Errorf("from a person, the phrase alone: Sort = %q (%s), want contribution", kind, reason)
			}
		})
	}
}

func TestSortCorpus(t *testing.T) {
	for _, tc := range []struct {
		file string
		want MessageKind
	}{
		{"contribution-zh-gb18030", KindContribution},
		// Outlook marks its out-of-office replies: X-Auto-Response-Suppress, or
		// Auto-Submitted.
		{"ooo-en", KindAutoReply},
		{"ooo-ar", KindAutoReply},
		// ooo-ru, ooo-fr, ooo-es and ooo-zh carry nothing but their subject phrase:
		// that is what a person can write too, so they are a person's mail. Each
		// names our acknowledgement in In-Reply-To, so the intake makes it a
		// follow-up in the contribution's thread (never acknowledged), where the
		// desk sees it.
		{"ooo-ru", KindContribution},
		{"person-service-delivery-failure", KindContribution},
		{"person-out-of-office-hours", KindContribution},
		{"person-automatic-reply-subject", KindContribution},
		{"read-receipt-mdn", KindAutoReply},
		{"bounce-dsn-headers", KindBounce},
		{"autosubmitted-rfc3834", KindAutoReply},
		{"x-autoreply", KindAutoReply},
		{"bounce-dsn", KindBounce},
		{"bounce-mailer-daemon", KindBounce},
		{"list-post", KindList},
		{"bulk-newsletter", KindList},
		{"own-ack-loop", KindOwn},
		{"followup-ar", KindContribution},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := mustParse(t, readCorpus(t, tc.file))
			if kind, reason := Sort(p, []string{"wsis-info@itu.int"}); kind != tc.want {
				t.Errorf("Sort = %q (%s), want %q", kind, reason, tc.want)
			}
		})
	}
}

// The subject phrases are matched against a lower-cased subject: each is written in
// lower case, or it could never match.
func TestSubjectPhrasesAreLowerCase(t *testing.T) {
	for name, set := range map[string]phraseSet{"bounce": bounceSubjects, "automatic reply": autoReplySubjects} {
		for _, p := range set {
			if p != strings.ToLower(p) {
				t.Errorf("%s phrase %q is not lower case", name, p)
			}
		}
	}
}

func TestMessageKindValues(t *testing.T) {
	for kind, want := range map[MessageKind]string{
		KindContribution: "contribution", KindFollowUp: "follow_up", KindAutoReply: "auto_reply",
		KindBounce: "bounce", KindList: "list", KindDuplicate: "duplicate",
		KindQuarantined: "quarantined", KindOutbound: "outbound", KindOwn: "own",
	} {
		if string(kind) != want {
			t.Errorf("kind %q, want %q", kind, want)
		}
	}
}

func TestRefTag(t *testing.T) {
	for _, tc := range []struct {
		subject, want string
	}{
		{"[WSIS-2019-0042] Acknowledgement of your contribution", "WSIS-2019-0042"},
		{"Re: [WSIS-2019-0042] Acknowledgement", "WSIS-2019-0042"},
		{"Updated submission [wsis-2019-0042]", "WSIS-2019-0042"},
		{"Automatic reply: Acknowledgement [WSIS-2019-0017]", "WSIS-2019-0017"},
		{"RE: RE: Fwd: [ WSIS-2019-0007 ] x", "WSIS-2019-0007"},
		{"Re: WSIS-2019-0042 Acknowledgement", "WSIS-2019-0042"},
		{"Fwd: WSIS-2019-0042", "WSIS-2019-0042"},
		{"RE: WSIS-2019-0042", "WSIS-2019-0042"},
		{"AW: WSIS-2019-0042 Danke", "WSIS-2019-0042"},
		{"TR: WSIS-2019-0042 Accusé", "WSIS-2019-0042"},
		{"RV: WSIS-2019-0042 Acuse", "WSIS-2019-0042"},
		{"Ответ: WSIS-2019-0031 Подтверждение", "WSIS-2019-0031"},
		{"回复：WSIS-2019-0036 确认收到", "WSIS-2019-0036"},
		{"回复: [WSIS-2019-0036] 确认收到", "WSIS-2019-0036"},
		{"رد: WSIS-2019-0048 إشعار", "WSIS-2019-0048"},
		{"Re[2]: WSIS-2019-0042", "WSIS-2019-0042"},
		{"WSIS-2019-0042 without prefix", "WSIS-2019-0042"},
		{"【WSIS-2019-0036】确认收到", "WSIS-2019-0036"},
		{"Official submission on thematic aspects", ""},
		{"Question about WSIS-2019 deadlines", ""},
		{"Re: my contribution, see WSIS-2019-0042", ""},
		{"", ""},
	} {
		t.Run(tc.subject, func(t *testing.T) {
			got, ok := RefTag(tc.subject)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("RefTag(%q) = %q, %v; want %q", tc.subject, got, ok, tc.want)
			}
		})
	}
}

func TestIsNoReplyAddress(t *testing.T) {
	for _, tc := range []struct {
		email string
		want  bool
	}{
		{"noreply@example.org", true},
		{"no-reply@accounts.google.com", true},
		{"No_Reply@Example.org", true},
		{"donotreply@bank.example", true},
		{"do-not-reply@example.org", true},
		{"do_not_reply@example.org", true},
		{"info-noreply@example.org", true},
		{"MAILER-DAEMON@mx.example.net", true},
		{"postmaster@outlook.com", true},
		{"bounce@lists.example.org", true},
		{"bounces+abc=x.org@sendgrid.net", true},
		{"bounce-123-456@mail.example.com", true},
		{"notification@facebookmail.com", true},
		{"notifications@github.com", true},
		{"<noreply@example.org>", true},
		{"", true},
		{"not-an-address", true},
		{"amina.okafor@ncc.gov.ng", false},
		{"wsis-info@itu.int", false},
		{"replyto@example.org", false},
		{"norbert@example.org", false},
		{"bouncer.smith@example.org", false},
		{"jane+noreply-filter@example.org", false},
		{"postmaster.general@example.org", false},
	} {
		t.Run(tc.email, func(t *testing.T) {
			if got := IsNoReplyAddress(tc.email); got != tc.want {
				t.Errorf("IsNoReplyAddress(%q) = %v, want %v", tc.email, got, tc.want)
			}
		})
	}
}

func TestIsWebmailDomain(t *testing.T) {
	for domain, want := range map[string]bool{"gmail.com": true, " GMAIL.com ": true, "qq.com": true, "yandex.ru": true,
		"gov.example": false, "itu.int": false, "": false,
		// A provider under a country's domain; a government's mail host is not one.
		"yahoo.com.hk": true, "hotmail.co.uk": true, "gmail.com.ar": true, "mail.gov.ng": false, "live.gov.xx": false} {
		if got := IsWebmailDomain(domain); got != want {
			t.Errorf("IsWebmailDomain(%q) = %v", domain, got)
		}
	}
}
