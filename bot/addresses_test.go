package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
)

func TestDisplayAddresses(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"=?utf-8?q?=D9=88=D8=B2=D8=A7=D8=B1=D8=A9?= <info@mcit.gov.example>", "وزارة (info@mcit.gov.example)"},
		{"=?utf-8?b?5bel5Lia5ZKM5L+h5oGv5YyW6YOo?= <office@miit.gov.example>, b@x.example", "工业和信息化部 (office@miit.gov.example), b@x.example"},
		{"=?windows-1251?q?=CC=E8=ED=E8=F1=F2=E5=F0=F1=F2=E2=EE?= <m@gov.example>", "Министерство (m@gov.example)"},
		{"=?iso-8859-1?q?Minist=E8re?= <a@b.example>", "Ministère (a@b.example)"},
		{"plain@x.example", "plain@x.example"},
		{"not an address =?utf-8?q?caf=C3=A9?=", "not an address café"},
		{"", ""},
	} {
		if got := displayAddresses(tt.in); got != tt.want {
			t.Errorf("displayAddresses(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

// The thread notes of our mail name its recipient decoded, not as the header was written.
func TestNotesShowDecodedRecipients(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	ctx := context.Background()
	c := d.contribution("Thematic submission")
	to := "=?utf-8?q?=D9=88=D8=B2=D8=A7=D8=B1=D8=A9_=D8=A7=D9=84=D8=A7=D8=AA=D8=B5=D8=A7=D9=84=D8=A7=D8=AA?= <info@mcit.gov.example>"
	var ids []int64
	for i := range 2 {
		var id int64
		err := d.st.DB().GetContext(ctx, &id, `INSERT INTO messages (contribution_id, direction, kind, message_id, to_addrs, subject,
				received_at, raw, raw_sha256, size, created_at)
			VALUES ($1, 'out', 'outbound', $2, $3, 'Re: Thematic submission', now(), '\x00', $2, 1, now()) RETURNING id`,
			c.ID, "out"+itoa(int64(i))+"@wsis.example", to)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for i, n := range []store.ThreadNote{{Type: store.NoteAckSent, MessageID: ids[0]}, {Type: store.NoteReplySent, MessageID: ids[1]}} {
		it, err := store.NewOutboxItem(store.OutboxSlackThread, "thread:decoded:"+itoa(int64(i)), c.ID, 0, n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.st.Enqueue(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"Acknowledgement sent* to وزارة الاتصالات (info@mcit.gov.example)", "Reply sent* to وزارة الاتصالات (info@mcit.gov.example)"} {
		call := d.waitCall("a note saying "+want, "chat.postMessage", func(call slacktest.Call) bool {
			return call.Param("thread_ts") == c.SlackTS && strings.Contains(joinedTexts(t, call.Param("blocks")), strings.SplitN(want, " to ", 2)[0])
		})
		if text := joinedTexts(t, call.Param("blocks")); !strings.Contains(text, want) || strings.Contains(text, "=?") {
			t.Errorf("note:\n%s\nwant %q", text, want)
		}
	}
}
