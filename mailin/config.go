package mailin

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wsis/wsisbot/store"
)

// IMAPConfig is where the shared mailbox is and how to read it.
type IMAPConfig struct {
	Addr      string        `env:"WSISBOT_IMAP_ADDR" help:"IMAP server host:port (empty: no intake)"`
	TLS       string        `env:"WSISBOT_IMAP_TLS" default:"tls" help:"tls, starttls or none (none only for loopback)"`
	User      string        `env:"WSISBOT_IMAP_USER" help:"IMAP user name"`
	Password  string        `env:"WSISBOT_IMAP_PASSWORD" secret:"true" help:"IMAP password (or OAuth: WSISBOT_OAUTH); from WSISBOT_IMAP_PASSWORD_FILE, read again at each login"`
	Mailbox   string        `env:"WSISBOT_IMAP_MAILBOX" default:"INBOX" help:"mailbox to read"`
	Processed string        `env:"WSISBOT_IMAP_PROCESSED" help:"folder to move handled mail to (created if missing; empty: leave it)"`
	Poll      time.Duration `env:"WSISBOT_IMAP_POLL" default:"30s" help:"poll interval when the server has no IDLE"`
	MarkSeen  bool          `env:"WSISBOT_IMAP_MARK_SEEN" default:"off" help:"flag stored mail \\Seen (on or off), for people reading the mailbox too"`

	Batch      int   `env:"WSISBOT_IMAP_BATCH" default:"250" help:"most messages fetched and stored in one transaction"`
	BatchBytes int64 `env:"WSISBOT_IMAP_BATCH_BYTES" default:"16777216" help:"most bytes of mail fetched for one transaction (a larger message goes alone)"`

	MaxMessageBytes int64 `env:"WSISBOT_MAX_MESSAGE_BYTES" default:"52428800" help:"larger messages are quarantined with their header only (the message stays on the server)"`
	MaxAttachments  int   `env:"WSISBOT_MAX_ATTACHMENTS" default:"100" help:"messages with more attachments are quarantined"`
	MaxHeaderBytes  int   `env:"WSISBOT_MAX_HEADER_BYTES" default:"262144" help:"messages with a larger header (or part header) are quarantined"`

	// OAuth, when configured, gives the access tokens to log in with (XOAUTH2 or
	// OAUTHBEARER) instead of the password.
	OAuth OAuthConfig

	// PasswordFile is the file the password came from (WSISBOT_IMAP_PASSWORD_FILE), set
	// by the configuration loader: the poller reads it again at each login, so that a
	// corrected password is taken up without a restart.
	PasswordFile string
}

// CurrentPassword is the password to log in with now: the password file's content when
// there is one (read now), else Password.
func (c IMAPConfig) CurrentPassword() (string, error) {
	if c.PasswordFile == "" {
		return c.Password, nil
	}
	b, err := os.ReadFile(c.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("WSISBOT_IMAP_PASSWORD_FILE: %w", err)
	}
	pw := strings.TrimRight(string(b), "\r\n")
	if pw == "" {
		return "", fmt.Errorf("WSISBOT_IMAP_PASSWORD_FILE %s is empty", c.PasswordFile)
	}
	return pw, nil
}

// MailConfig is the acknowledgement mailer and what the intake decides by itself.
type MailConfig struct {
	SMTPAddr     string        `env:"WSISBOT_SMTP_ADDR" help:"SMTP server host:port (empty: no mail is sent)"`
	SMTPTLS      string        `env:"WSISBOT_SMTP_TLS" default:"starttls" help:"tls, starttls or none (none only for loopback)"`
	SMTPUser     string        `env:"WSISBOT_SMTP_USER" help:"SMTP AUTH user (empty: no AUTH)"`
	SMTPPassword string        `env:"WSISBOT_SMTP_PASSWORD" secret:"true" help:"SMTP AUTH password (empty with WSISBOT_SMTP_USER: OAuth, WSISBOT_OAUTH)"`
	SMTPTimeout  time.Duration `env:"WSISBOT_SMTP_TIMEOUT" default:"1m" help:"SMTP connect and command timeout (the end of DATA gets twice as long)"`
	NullSender   bool          `env:"WSISBOT_SMTP_NULL_SENDER" default:"on" help:"send acknowledgements with MAIL FROM:<> as RFC 3834 asks (off for a submission server that refuses a null sender)"`
	From         string        `env:"WSISBOT_FROM" default:"WSIS Secretariat <wsis-info@itu.int>" help:"From of our mail; its address is also never acknowledged"`
	Ack          bool          `env:"WSISBOT_ACK" default:"on" help:"send acknowledgements (on or off)"`
	AckWindow    time.Duration `env:"WSISBOT_ACK_WINDOW" default:"24h" help:"mail older than this on arrival is history: never acknowledged"`
	AckPerDay    int           `env:"WSISBOT_ACK_PER_SENDER_PER_DAY" default:"5" help:"most acknowledgements to one mailbox in 24 hours (a+tag@x counts as a@x; Gmail's dots are ignored)"`
	AckPerHour   int           `env:"WSISBOT_ACK_HOURLY_LIMIT" default:"300" help:"most acknowledgements to all addresses together in 60 minutes, across replicas; over it they are held back and the channel is told once an hour (0: no limit)"`
	AuthservIDs  []string      `env:"WSISBOT_AUTHSERV_ID" help:"authserv-ids of our mail servers whose Authentication-Results are trusted, comma-separated (empty: the topmost field only); dmarc=fail or spf=fail there means no acknowledgement"`
	HistoryCards bool          `env:"WSISBOT_HISTORY_CARDS" default:"off" help:"post a card for each history contribution too (off: one summary per import)"`
	Templates    string        `env:"WSISBOT_TEMPLATES" help:"folder whose templates override the embedded ones"`

	// OAuth gives the access tokens for SMTP AUTH (XOAUTH2 or OAUTHBEARER) when
	// WSISBOT_SMTP_USER is set without a password: the same settings as the intake's.
	OAuth OAuthConfig
}

// OurAddresses are the secretariat's own addresses: WSISBOT_FROM's address, the one
// our mail goes out from. Mail from them is our own, never a contribution, and they
// never get an acknowledgement. The intake learns them only from here, through
// IngestPolicy.
func (c MailConfig) OurAddresses() ([]string, error) {
	from, err := c.FromAddress()
	if err != nil {
		return nil, err
	}
	return []string{from.Address}, nil
}

// IngestPolicy is the policy the intake stores mail under: acknowledgements when
// WSISBOT_ACK is on and canSend (a mailer runs to send them), the acknowledgement
// window, cap and hourly budget, the trusted Authentication-Results, whether history
// gets cards, and OurAddresses. serve and resync use the same policy, and so do the
// poller's sorting and the promotion of sorted-away mail.
func (c MailConfig) IngestPolicy(canSend bool) (store.IngestPolicy, error) {
	our, err := c.OurAddresses()
	if err != nil {
		return store.IngestPolicy{}, err
	}
	return store.IngestPolicy{Ack: c.Ack && canSend, AckWindow: c.AckWindow, AckPerSenderPerDay: c.AckPerDay,
		AckHourlyLimit: c.AckPerHour, AuthservIDs: c.AuthservIDs, HistoryCards: c.HistoryCards, OurAddresses: our}, nil
}

// MailboxesConfig names the mailboxes read besides the first one (IMAPConfig, named
// WSISBOT_IMAP_NAME). Each mailbox NAME listed in WSISBOT_MAILBOXES takes its IMAP
// settings from the variables of IMAPConfig with WSISBOT_ replaced by
// WSISBOT_MAILBOX_<NAME>_ (WSISBOT_MAILBOX_WORKSHOPS_IMAP_ADDR,
// WSISBOT_MAILBOX_WORKSHOPS_IMAP_PASSWORD_FILE, ...), each one not given inheriting the
// first mailbox's, plus WSISBOT_MAILBOX_<NAME>_FROM and WSISBOT_MAILBOX_<NAME>_KIND.
type MailboxesConfig struct {
	Names    []string `env:"WSISBOT_MAILBOXES" help:"names of more mailboxes to read, comma-separated (lower-case letters, digits, _); each is set by WSISBOT_MAILBOX_<NAME>_IMAP_ADDR, _IMAP_USER, ..., _FROM and _KIND, inheriting what is not given from the first mailbox"`
	MainName string   `env:"WSISBOT_IMAP_NAME" default:"main" help:"name of the first mailbox (WSISBOT_IMAP_*), in cards, exports, logs and metrics"`
	MainKind string   `env:"WSISBOT_IMAP_KIND" help:"kind suggested for contributions to the first mailbox whose mail names no kind (empty: the suggester's guess)"`
}

// Mailbox is one mailbox wsisbot reads: its name, where it is (IMAP), the From of the
// acknowledgements and replies to what came to it, and the kind suggested for what
// names no kind.
type Mailbox struct {
	Name string
	IMAP IMAPConfig
	// From is the From of our mail about contributions that came to this mailbox.
	From string
	// Kind, when set, is the kind suggested for a contribution to this mailbox whose
	// mail names no kind (the suggester only guessed: store.Suggestion.KindGuessed).
	Kind store.ContributionKind
}

// Key is the mailbox's key in the store and between replicas: its server, user and
// folder. The checkpoint, the positions of stored messages, the heartbeat and the lock
// are kept under it, so that two servers' INBOXes never share a checkpoint.
func (c IMAPConfig) Key() string {
	mb := c.Mailbox
	if mb == "" {
		mb = "INBOX"
	}
	return fmt.Sprintf("%s/%s/%s", c.Addr, c.User, mb)
}

// sameMailbox says whether a and b read the same folder of the same account: the
// host compared without case, the folder too for INBOX (IMAP's INBOX has no case).
func sameMailbox(a, b IMAPConfig) bool {
	folder := func(s string) string {
		if strings.EqualFold(s, "INBOX") {
			return "INBOX"
		}
		return s
	}
	return strings.EqualFold(a.Addr, b.Addr) && a.User == b.User && folder(a.Mailbox) == folder(b.Mailbox)
}

// CheckMailboxes checks what the mailboxes have together, each named by its setting:
// names are distinct (env names the setting listing them), and no two read the same
// folder of the same account (setting gives the folder setting of a mailbox).
func CheckMailboxes(mbs []Mailbox, env string, setting func(name, env string) string) error {
	var errs []error
	for i, m := range mbs {
		for _, o := range mbs[:i] {
			if strings.EqualFold(m.Name, o.Name) {
				errs = append(errs, fmt.Errorf("%s: the name %q is used twice", env, m.Name))
				continue
			}
			if m.IMAP.Addr != "" && sameMailbox(m.IMAP, o.IMAP) {
				errs = append(errs, fmt.Errorf("%s: mailbox %s reads the same folder as mailbox %s (%s): give it another folder, user or server",
					setting(m.Name, "WSISBOT_IMAP_MAILBOX"), m.Name, o.Name, m.IMAP.Key()))
			}
		}
	}
	return errors.Join(errs...)
}

// ApplyDefaultKind makes kind the suggestion of in, a new contribution that came to a
// mailbox whose default kind is kind, when the suggester only guessed (no kind named in
// the mail); the reasons say so. Evidence in the mail (a kind named, a question, a
// notice) keeps its suggestion.
func ApplyDefaultKind(in *store.Inbound, kind store.ContributionKind, mailbox string) {
	if kind == "" || in.Kind != store.MsgContribution || !in.Suggestion.KindGuessed || in.Suggestion.Kind == kind {
		return
	}
	reasons := make([]string, 0, len(in.Suggestion.Reasons))
	for _, r := range in.Suggestion.Reasons {
		if !strings.HasPrefix(r, "kind ") {
			reasons = append(reasons, r)
		}
	}
	in.Suggestion.Kind = kind
	in.Suggestion.Reasons = append([]string{fmt.Sprintf("kind %s: sent to the %s mailbox, and the mail names no kind", kind, mailbox)}, reasons...)
}
