package mailin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/mailin"
)

func TestIMAPConfigValidate(t *testing.T) {
	good := mailin.IMAPConfig{Addr: "imap.itu.int:993", TLS: "tls", User: "wsis-info@itu.int", Password: "pw",
		Mailbox: "INBOX", Poll: 30 * time.Second, Batch: 100}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid configuration refused: %v", err)
	}
	if err := (mailin.IMAPConfig{}).Validate(); err != nil {
		t.Errorf("no address means no intake, not an error: %v", err)
	}
	cases := []struct {
		name string
		edit func(c *mailin.IMAPConfig)
		want string
	}{
		{"address", func(c *mailin.IMAPConfig) { c.Addr = "imap.itu.int" }, "WSISBOT_IMAP_ADDR"},
		{"tls", func(c *mailin.IMAPConfig) { c.TLS = "ssl" }, "WSISBOT_IMAP_TLS"},
		{"user", func(c *mailin.IMAPConfig) { c.User = "" }, "WSISBOT_IMAP_USER"},
		{"no secret", func(c *mailin.IMAPConfig) { c.Password = "" }, "WSISBOT_IMAP_TOKEN_CMD"},
		{"two secrets", func(c *mailin.IMAPConfig) { c.OAuth.LegacyCmd = "oauth2l fetch" }, "both set"},
		{"processed is the mailbox", func(c *mailin.IMAPConfig) { c.Processed = "inbox" }, "WSISBOT_IMAP_PROCESSED"},
		{"poll", func(c *mailin.IMAPConfig) { c.Poll = 0 }, "WSISBOT_IMAP_POLL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := good
			c.edit(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one naming %s", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "pw") {
				t.Error("the error shows the password")
			}
		})
	}
}

func TestIMAPConfigLimits(t *testing.T) {
	l := mailin.IMAPConfig{MaxMessageBytes: 1 << 20, MaxAttachments: 7, MaxHeaderBytes: 4096}.Limits()
	if l.MaxMessageBytes != 1<<20 || l.MaxAttachments != 7 || l.MaxHeaderBytes != 4096 {
		t.Errorf("limits %+v", l)
	}
}
