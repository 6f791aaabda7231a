package mailin

import (
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
