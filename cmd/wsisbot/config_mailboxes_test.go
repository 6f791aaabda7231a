package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

// mainMailbox is the environment of a valid first mailbox.
func mainMailbox(extra map[string]string) map[string]string {
	e := map[string]string{"WSISBOT_IMAP_ADDR": "imap.itu.int:993", "WSISBOT_IMAP_USER": "wsis-info@itu.int",
		"WSISBOT_IMAP_PASSWORD": "main-secret", "WSISBOT_IMAP_PROCESSED": "Done", "WSISBOT_IMAP_POLL": "45s"}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

// TestConfigMailboxes reads further mailboxes from the environment and the file: what a
// mailbox does not set it inherits from the first; every IMAP setting works per mailbox
// through its struct tag, secrets with their *_FILE variant; the first mailbox's name
// and default kind have settings of their own.
func TestConfigMailboxes(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "press-password")
	if err := os.WriteFile(pw, []byte("press-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "wsisbot.toml")
	if err := os.WriteFile(file, []byte(`WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX = "Press"
WSISBOT_MAILBOX_PRESS_IMAP_PASSWORD_FILE = "`+pw+`"
WSISBOT_MAILBOX_PRESS_IMAP_BATCH = 10
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(file, env(mainMailbox(map[string]string{
		"WSISBOT_IMAP_NAME": "info", "WSISBOT_MAILBOXES": "workshops, press",
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_ADDR": "outlook.office365.com:993", "WSISBOT_MAILBOX_WORKSHOPS_IMAP_USER": "wsis-workshops@itu.int",
		"WSISBOT_MAILBOX_WORKSHOPS_IMAP_PASSWORD": "ws-secret", "WSISBOT_MAILBOX_WORKSHOPS_FROM": "WSIS Workshops <wsis-workshops@itu.int>",
		"WSISBOT_MAILBOX_WORKSHOPS_KIND": "workshop_request", "WSISBOT_MAILBOX_WORKSHOPS_IMAP_MARK_SEEN": "on",
	})))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	mbs := cfg.allMailboxes()
	if len(mbs) != 3 || mbs[0].Name != "info" || mbs[1].Name != "workshops" || mbs[2].Name != "press" {
		t.Fatalf("mailboxes %+v", mbs)
	}
	ws, press := mbs[1], mbs[2]
	if ws.IMAP.Addr != "outlook.office365.com:993" || ws.IMAP.User != "wsis-workshops@itu.int" || ws.IMAP.Password != "ws-secret" ||
		!ws.IMAP.MarkSeen || ws.Kind != store.KindWorkshopRequest || ws.From != "WSIS Workshops <wsis-workshops@itu.int>" {
		t.Errorf("workshops: %+v", ws)
	}
	// Inherited from the first mailbox: folder, processed folder, poll interval, TLS.
	if ws.IMAP.Mailbox != "INBOX" || ws.IMAP.Processed != "Done" || ws.IMAP.Poll != 45*time.Second || ws.IMAP.TLS != "tls" {
		t.Errorf("workshops did not inherit: %+v", ws.IMAP)
	}
	// From the file: its folder, a number, and its password from a file read again at login.
	if press.IMAP.Addr != "imap.itu.int:993" || press.IMAP.Mailbox != "Press" || press.IMAP.Batch != 10 ||
		press.IMAP.Password != "press-secret" || press.IMAP.PasswordFile != pw || press.From != cfg.Mail.From || press.Kind != "" {
		t.Errorf("press: %+v", press)
	}
	if p, err := press.IMAP.CurrentPassword(); err != nil || p != "press-secret" {
		t.Errorf("press password %q, %v", p, err)
	}
	printed := strings.Join(cfg.masked(), "\n")
	for _, secret := range []string{"ws-secret", "press-secret", "main-secret"} {
		if strings.Contains(printed, secret) {
			t.Fatalf("a secret is printed:\n%s", printed)
		}
	}
	for _, want := range []string{"WSISBOT_MAILBOX_WORKSHOPS_IMAP_PASSWORD=********", "WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX=Press",
		"WSISBOT_MAILBOX_WORKSHOPS_KIND=workshop_request"} {
		if !strings.Contains(printed, want) {
			t.Errorf("config output lacks %s:\n%s", want, printed)
		}
	}
	// Mail from any mailbox's address is our own.
	pol, err := cfg.ingestPolicy(false)
	if err != nil || !slices.Contains(pol.OurAddresses, "wsis-workshops@itu.int") || !slices.Contains(pol.OurAddresses, "wsis-info@itu.int") {
		t.Errorf("our addresses %v, %v", pol.OurAddresses, err)
	}
	// Each mailbox has its own key: server, user and folder.
	if mbs[0].IMAP.Key() == press.IMAP.Key() || press.IMAP.Key() != "imap.itu.int:993/wsis-info@itu.int/Press" {
		t.Errorf("keys %q, %q", mbs[0].IMAP.Key(), press.IMAP.Key())
	}
}

// TestConfigMailboxesErrorsNameTheSetting refuses invalid mailboxes, naming the setting.
func TestConfigMailboxesErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		name, want string
		env        map[string]string
	}{
		{"unknown kind", "WSISBOT_MAILBOX_WORKSHOPS_KIND", map[string]string{"WSISBOT_MAILBOXES": "workshops",
			"WSISBOT_MAILBOX_WORKSHOPS_IMAP_MAILBOX": "Workshops", "WSISBOT_MAILBOX_WORKSHOPS_KIND": "workshop"}},
		{"unknown kind of the first", "WSISBOT_IMAP_KIND", map[string]string{"WSISBOT_IMAP_KIND": "thematique"}},
		{"duplicate name", "used twice", map[string]string{"WSISBOT_MAILBOXES": "press,press",
			"WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Press"}},
		{"the first's name again", "used twice", map[string]string{"WSISBOT_MAILBOXES": "main"}},
		{"same server and folder twice", "WSISBOT_MAILBOX_WORKSHOPS_IMAP_MAILBOX", map[string]string{"WSISBOT_MAILBOXES": "workshops",
			"WSISBOT_MAILBOX_WORKSHOPS_IMAP_PASSWORD": "other"}},
		{"same folder, the server's name in capitals", "WSISBOT_MAILBOX_WORKSHOPS_IMAP_MAILBOX", map[string]string{"WSISBOT_MAILBOXES": "workshops",
			"WSISBOT_MAILBOX_WORKSHOPS_IMAP_ADDR": "IMAP.ITU.INT:993", "WSISBOT_MAILBOX_WORKSHOPS_IMAP_MAILBOX": "inbox"}},
		{"bad name", "WSISBOT_MAILBOXES", map[string]string{"WSISBOT_MAILBOXES": "Work-Shops"}},
		{"bad first name", "WSISBOT_IMAP_NAME", map[string]string{"WSISBOT_IMAP_NAME": "the main one"}},
		{"bad value", "WSISBOT_MAILBOX_PRESS_IMAP_POLL", map[string]string{"WSISBOT_MAILBOXES": "press",
			"WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Press", "WSISBOT_MAILBOX_PRESS_IMAP_POLL": "often"}},
		{"its own check", "WSISBOT_MAILBOX_PRESS_IMAP_TLS", map[string]string{"WSISBOT_MAILBOXES": "press",
			"WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Press", "WSISBOT_MAILBOX_PRESS_IMAP_TLS": "bogus"}},
		{"processed is the folder", "WSISBOT_MAILBOX_PRESS_IMAP_PROCESSED must differ from WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX",
			map[string]string{"WSISBOT_MAILBOXES": "press", "WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Done"}},
		{"bad From", "WSISBOT_MAILBOX_PRESS_FROM", map[string]string{"WSISBOT_MAILBOXES": "press",
			"WSISBOT_MAILBOX_PRESS_IMAP_MAILBOX": "Press", "WSISBOT_MAILBOX_PRESS_FROM": "press office"}},
		{"password and its file", "WSISBOT_MAILBOX_PRESS_IMAP_PASSWORD_FILE", map[string]string{"WSISBOT_MAILBOXES": "press",
			"WSISBOT_MAILBOX_PRESS_IMAP_PASSWORD": "x", "WSISBOT_MAILBOX_PRESS_IMAP_PASSWORD_FILE": "/nonexistent"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig("", env(mainMailbox(c.env)))
			if err == nil {
				err = cfg.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %s", err, c.want)
			}
		})
	}
	// A further mailbox needs the first one.
	cfg, err := loadConfig("", env(map[string]string{"WSISBOT_MAILBOXES": "press", "WSISBOT_MAILBOX_PRESS_IMAP_ADDR": "imap.itu.int:993"}))
	if err == nil {
		err = cfg.Validate()
	}
	if err == nil || !strings.Contains(err.Error(), "WSISBOT_IMAP_ADDR") {
		t.Fatalf("err = %v, want one naming WSISBOT_IMAP_ADDR", err)
	}
	// An unknown mailbox's setting in the file is refused like any misspelt setting.
	file := filepath.Join(t.TempDir(), "wsisbot.toml")
	if err := os.WriteFile(file, []byte("WSISBOT_MAILBOX_PRES_IMAP_ADDR = \"x:993\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(file, env(mainMailbox(map[string]string{"WSISBOT_MAILBOXES": "press"}))); err == nil ||
		!strings.Contains(err.Error(), "WSISBOT_MAILBOX_PRES_IMAP_ADDR") {
		t.Fatalf("err = %v", err)
	}
}
