package mailin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/wsis/wsisbot/internal/loopback"
)

// Where OAuth 2.0 access tokens come from (WSISBOT_OAUTH).
const (
	OAuthCommand      = "command"       // the operator's command prints one (WSISBOT_OAUTH_TOKEN_CMD)
	OAuthM365         = "m365"          // Microsoft 365 app-only: client credentials, secret or certificate
	OAuthRefreshToken = "refresh-token" // a stored refresh token (Gmail, any OAuth 2.0 provider)
)

// DefaultM365Scope is the scope of an app-only token for Exchange Online: it carries the
// application permissions granted to the app (IMAP.AccessAsApp, SMTP.SendAsApp).
const DefaultM365Scope = "https://outlook.office365.com/.default"

// OAuthConfig says where the OAuth 2.0 access tokens that IMAP and SMTP log in with come
// from. IMAPConfig and MailConfig each carry a copy, loaded from the same variables: one
// set serves both, and a mailbox configured on its own carries its own.
type OAuthConfig struct {
	Provider     string   `env:"WSISBOT_OAUTH" help:"where OAuth access tokens for IMAP and SMTP come from: command, m365 or refresh-token (empty: command when a token command is set, else no OAuth)"`
	TokenCmd     string   `env:"WSISBOT_OAUTH_TOKEN_CMD" masked:"true" help:"WSISBOT_OAUTH=command: a command whose stdout is an access token"`
	LegacyCmd    string   `env:"WSISBOT_IMAP_TOKEN_CMD" masked:"true" help:"the older name of WSISBOT_OAUTH_TOKEN_CMD (serves SMTP too)"`
	Tenant       string   `env:"WSISBOT_OAUTH_TENANT" help:"WSISBOT_OAUTH=m365: the Microsoft Entra tenant (ID or domain, e.g. itu.int)"`
	ClientID     string   `env:"WSISBOT_OAUTH_CLIENT_ID" help:"the application (client) ID of the app registration or OAuth client"`
	ClientSecret string   `env:"WSISBOT_OAUTH_CLIENT_SECRET" secret:"true" help:"the client secret (m365: or a certificate; refresh-token: if the client has one)"`
	CertFile     string   `env:"WSISBOT_OAUTH_CERT_FILE" help:"WSISBOT_OAUTH=m365: PEM certificate uploaded to the app registration, instead of a client secret (read at each token request)"`
	KeyFile      string   `env:"WSISBOT_OAUTH_KEY_FILE" help:"the certificate's RSA private key, PEM (empty: in WSISBOT_OAUTH_CERT_FILE)"`
	TokenURL     string   `env:"WSISBOT_OAUTH_TOKEN_URL" help:"the token endpoint (m365 default: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token; refresh-token: required, e.g. https://oauth2.googleapis.com/token)"`
	RefreshToken string   `env:"WSISBOT_OAUTH_REFRESH_TOKEN" secret:"true" help:"WSISBOT_OAUTH=refresh-token: the refresh token; from WSISBOT_OAUTH_REFRESH_TOKEN_FILE, read again at each renewal"`
	Scopes       []string `env:"WSISBOT_OAUTH_SCOPES" help:"scopes asked for, comma-separated (m365 default: https://outlook.office365.com/.default; refresh-token: those granted)"`
	RefreshUntil string   `env:"WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES" help:"the day (YYYY-MM-DD) the refresh token expires, when known: the watchdog warns in Slack from 14 days before"`

	// RefreshTokenFile is the file the refresh token came from
	// (WSISBOT_OAUTH_REFRESH_TOKEN_FILE), set by the configuration loader: it is read
	// again at each renewal, so that a new refresh token is taken up without a restart.
	RefreshTokenFile string
}

// Mode is the token source in use: OAuthCommand, OAuthM365, OAuthRefreshToken, or ""
// (no OAuth: a password, or no authentication).
func (c OAuthConfig) Mode() string {
	if c.Provider == "" && c.command() != "" {
		return OAuthCommand
	}
	return c.Provider
}

// Enabled reports whether access tokens are configured.
func (c OAuthConfig) Enabled() bool { return c.Mode() != "" }

func (c OAuthConfig) command() string {
	if c.TokenCmd != "" {
		return c.TokenCmd
	}
	return c.LegacyCmd
}

// setting names each OAuth setting, for the check of what a mode uses.
func (c OAuthConfig) settings() []struct{ env, val string } {
	return []struct{ env, val string }{
		{"WSISBOT_OAUTH_TOKEN_CMD", c.TokenCmd}, {"WSISBOT_IMAP_TOKEN_CMD", c.LegacyCmd},
		{"WSISBOT_OAUTH_TENANT", c.Tenant}, {"WSISBOT_OAUTH_CLIENT_ID", c.ClientID},
		{"WSISBOT_OAUTH_CLIENT_SECRET", c.ClientSecret}, {"WSISBOT_OAUTH_CERT_FILE", c.CertFile},
		{"WSISBOT_OAUTH_KEY_FILE", c.KeyFile}, {"WSISBOT_OAUTH_TOKEN_URL", c.TokenURL},
		{"WSISBOT_OAUTH_REFRESH_TOKEN", c.RefreshToken + c.RefreshTokenFile}, {"WSISBOT_OAUTH_SCOPES", strings.Join(c.Scopes, ",")},
		{"WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES", c.RefreshUntil},
	}
}

// modeUses lists the settings each mode reads; any other one set is a mistake.
var modeUses = map[string][]string{
	OAuthCommand: {"WSISBOT_OAUTH_TOKEN_CMD", "WSISBOT_IMAP_TOKEN_CMD"},
	OAuthM365: {"WSISBOT_OAUTH_TENANT", "WSISBOT_OAUTH_CLIENT_ID", "WSISBOT_OAUTH_CLIENT_SECRET", "WSISBOT_OAUTH_CERT_FILE",
		"WSISBOT_OAUTH_KEY_FILE", "WSISBOT_OAUTH_TOKEN_URL", "WSISBOT_OAUTH_SCOPES"},
	OAuthRefreshToken: {"WSISBOT_OAUTH_CLIENT_ID", "WSISBOT_OAUTH_CLIENT_SECRET", "WSISBOT_OAUTH_TOKEN_URL",
		"WSISBOT_OAUTH_REFRESH_TOKEN", "WSISBOT_OAUTH_SCOPES", "WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES"},
}

// Validate checks the OAuth settings; each message names the variable. With no OAuth
// configured, only a mode that can never be right and settings that nothing would use
// are refused.
func (c OAuthConfig) Validate() error {
	var errs []error
	mode := c.Mode()
	uses, known := modeUses[mode]
	if !known && mode != "" {
		return fmt.Errorf("WSISBOT_OAUTH: must be command, m365 or refresh-token, not %q", c.Provider)
	}
	for _, s := range c.settings() {
		if s.val != "" && !slices.Contains(uses, s.env) {
			if mode == "" {
				errs = append(errs, fmt.Errorf("%s is set but WSISBOT_OAUTH is not: set WSISBOT_OAUTH=m365 or refresh-token, or remove it", s.env))
			} else {
				errs = append(errs, fmt.Errorf("%s is set but WSISBOT_OAUTH=%s does not use it", s.env, mode))
			}
		}
	}
	if c.TokenURL != "" {
		if err := checkTokenURL(c.TokenURL); err != nil {
			errs = append(errs, err)
		}
	}
	switch mode {
	case OAuthCommand:
		if c.TokenCmd != "" && c.LegacyCmd != "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH_TOKEN_CMD and WSISBOT_IMAP_TOKEN_CMD are both set: use one"))
		}
		if c.command() == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=command needs WSISBOT_OAUTH_TOKEN_CMD"))
		}
	case OAuthM365:
		if c.Tenant == "" && c.TokenURL == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=m365 needs WSISBOT_OAUTH_TENANT (the tenant ID or domain)"))
		} else if c.Tenant != "" && !validTenant(c.Tenant) {
			errs = append(errs, fmt.Errorf("WSISBOT_OAUTH_TENANT: not a tenant ID or domain: %q", c.Tenant))
		}
		if c.ClientID == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=m365 needs WSISBOT_OAUTH_CLIENT_ID (the app registration's application ID)"))
		}
		switch {
		case c.ClientSecret != "" && c.CertFile != "":
			errs = append(errs, errors.New("WSISBOT_OAUTH_CLIENT_SECRET and WSISBOT_OAUTH_CERT_FILE are both set: use one"))
		case c.ClientSecret == "" && c.CertFile == "":
			errs = append(errs, errors.New("WSISBOT_OAUTH=m365 needs WSISBOT_OAUTH_CLIENT_SECRET (or _FILE) or WSISBOT_OAUTH_CERT_FILE"))
		case c.CertFile != "":
			if _, err := loadCertKey(c.CertFile, c.KeyFile); err != nil {
				errs = append(errs, err)
			}
		case c.KeyFile != "":
			errs = append(errs, errors.New("WSISBOT_OAUTH_KEY_FILE is set without WSISBOT_OAUTH_CERT_FILE"))
		}
	case OAuthRefreshToken:
		if c.TokenURL == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=refresh-token needs WSISBOT_OAUTH_TOKEN_URL (Gmail: https://oauth2.googleapis.com/token)"))
		}
		if c.ClientID == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=refresh-token needs WSISBOT_OAUTH_CLIENT_ID"))
		}
		if c.RefreshToken == "" && c.RefreshTokenFile == "" {
			errs = append(errs, errors.New("WSISBOT_OAUTH=refresh-token needs WSISBOT_OAUTH_REFRESH_TOKEN_FILE (or WSISBOT_OAUTH_REFRESH_TOKEN)"))
		}
		if c.RefreshUntil != "" {
			if _, err := time.Parse(time.DateOnly, c.RefreshUntil); err != nil {
				errs = append(errs, fmt.Errorf("WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES: not a day such as 2026-06-30: %q", c.RefreshUntil))
			}
		}
	}
	return errors.Join(errs...)
}

// checkTokenURL accepts https, and http only towards this machine (tests, a local proxy):
// the request carries the client secret or the refresh token.
func checkTokenURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("WSISBOT_OAUTH_TOKEN_URL: not a URL: %q", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		return loopback.RequirePlaintext("WSISBOT_OAUTH_TOKEN_URL with http://", u.Hostname())
	}
	return fmt.Errorf("WSISBOT_OAUTH_TOKEN_URL: must be an https:// URL, not %q", raw)
}

// validTenant accepts a GUID or a domain name (and "organizations", "common").
func validTenant(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// tokenURL is the token endpoint: the setting, or Microsoft's for the tenant.
func (c OAuthConfig) tokenURL() string {
	if c.TokenURL != "" {
		return c.TokenURL
	}
	return "https://login.microsoftonline.com/" + url.PathEscape(c.Tenant) + "/oauth2/v2.0/token"
}

func (c OAuthConfig) scopes() []string {
	if len(c.Scopes) == 0 && c.Mode() == OAuthM365 {
		return []string{DefaultM365Scope}
	}
	return c.Scopes
}

// currentRefreshToken is the refresh token to renew with now: the file's content when
// there is one (read now), else the setting.
func (c OAuthConfig) currentRefreshToken() (string, error) {
	if c.RefreshTokenFile == "" {
		return c.RefreshToken, nil
	}
	b, err := os.ReadFile(c.RefreshTokenFile)
	if err != nil {
		return "", &tokenSourceError{why: "WSISBOT_OAUTH_REFRESH_TOKEN_FILE cannot be read", permanent: true, err: err}
	}
	rt := strings.TrimSpace(string(b))
	if rt == "" {
		return "", &tokenSourceError{why: "WSISBOT_OAUTH_REFRESH_TOKEN_FILE is empty", permanent: true}
	}
	return rt, nil
}

// TokenSource gives the OAuth 2.0 access tokens that IMAP and SMTP authenticate with.
// One source may serve both, from several goroutines.
type TokenSource interface {
	// Token is a token valid for a while yet: the one kept, or a new one.
	Token(ctx context.Context) (string, error)
	// Invalidate drops token, which a server refused: the next Token fetches a new one.
	// A token other than the one kept (already replaced) changes nothing; "" drops
	// whatever is kept.
	Invalidate(token string)
}

// NewTokenSource builds the token source cfg describes; nil, nil when cfg configures no
// OAuth. Tokens are kept and renewed five minutes before they expire (a token command's,
// whose lifetime is unknown, after 45 minutes).
func NewTokenSource(cfg OAuthConfig) (TokenSource, error) {
	if !cfg.Enabled() {
		return nil, nil
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var fetch fetchFunc
	switch cfg.Mode() {
	case OAuthCommand:
		cmd := cfg.command()
		fetch = func(ctx context.Context) (*oauth2.Token, error) {
			tok, err := runTokenCommand(ctx, cmd, tokenCommandTimeout)
			if err != nil {
				return nil, err
			}
			return &oauth2.Token{AccessToken: tok}, nil
		}
	case OAuthM365:
		fetch = cfg.clientCredentials
	case OAuthRefreshToken:
		fetch = cfg.refresh
	}
	return newCachedSource(fetch), nil
}

const (
	tokenCommandTimeout = 30 * time.Second
	// tokenEarlyExpiry is how long before its expiry a token is renewed: a session
	// opened with it must not meet its end at the next login.
	tokenEarlyExpiry = 5 * time.Minute
	// tokenMaxAge is how long a token without a known lifetime is kept.
	tokenMaxAge = 45 * time.Minute
	// tokenHTTPTimeout bounds one request to the token endpoint.
	tokenHTTPTimeout = 30 * time.Second
)

type fetchFunc func(ctx context.Context) (*oauth2.Token, error)

// cachedSource keeps the last token until shortly before it expires or a server
// refuses it.
type cachedSource struct {
	fetch fetchFunc
	now   func() time.Time

	mu      sync.Mutex
	token   string
	expires time.Time // when it is renewed
}

func newCachedSource(fetch fetchFunc) *cachedSource {
	return &cachedSource{fetch: fetch, now: time.Now}
}

func (s *cachedSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.token != "" && now.Before(s.expires) {
		return s.token, nil
	}
	t, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	if t.AccessToken == "" {
		return "", &tokenSourceError{why: "the token endpoint answered without an access token"}
	}
	s.token = t.AccessToken
	if t.Expiry.IsZero() {
		s.expires = now.Add(tokenMaxAge)
	} else {
		// A token about to expire is still used once rather than never: a short-lived
		// token is kept for half its life at least.
		life := t.Expiry.Sub(now)
		s.expires = now.Add(max(life-tokenEarlyExpiry, life/2))
	}
	return s.token, nil
}

func (s *cachedSource) Invalidate(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if token == "" || token == s.token {
		s.token = ""
	}
}

// tokenSourceError is a failure to get an access token. Its text is ours and the token
// endpoint's error code and description (which hold no secret), never a token.
// permanent says it needs a person (a refused client or grant, a missing file).
type tokenSourceError struct {
	why       string
	permanent bool
	err       error
}

func (e *tokenSourceError) Error() string {
	if e.err != nil {
		return "mailin: OAuth token: " + e.why + ": " + e.err.Error()
	}
	return "mailin: OAuth token: " + e.why
}

func (e *tokenSourceError) Unwrap() error { return e.err }

// TokenErrorPermanent reports whether err is a failure to get a token that a person must
// fix (credentials refused by the token endpoint, a missing key file); a network error
// or an endpoint that answers 5xx is not.
func TokenErrorPermanent(err error) bool {
	var te *tokenSourceError
	return errors.As(err, &te) && te.permanent
}

// endpointError turns the token endpoint's failure into a tokenSourceError: 400 and
// 401 (invalid_client, invalid_grant, unauthorized_client...) need a person; the rest
// is retried.
func endpointError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		why := fmt.Sprintf("the token endpoint refused (HTTP %d", status)
		if re.ErrorCode != "" {
			why += ", " + re.ErrorCode
		}
		why += ")"
		var desc error
		if re.ErrorDescription != "" {
			desc = errors.New(firstLine(re.ErrorDescription))
		}
		return &tokenSourceError{why: why, permanent: status >= 400 && status < 500 && status != http.StatusTooManyRequests, err: desc}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) {
		return &tokenSourceError{why: "the token endpoint cannot be reached", err: err}
	}
	return &tokenSourceError{why: "the token endpoint's answer", err: err}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

// httpContext gives the oauth2 requests a client with a timeout.
func httpContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Timeout: tokenHTTPTimeout})
}

// clientCredentials asks the token endpoint for an app-only token (Microsoft identity
// platform, client credentials grant), with the client secret or a certificate's signed
// assertion.
func (c OAuthConfig) clientCredentials(ctx context.Context) (*oauth2.Token, error) {
	cc := clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.tokenURL(),
		Scopes: c.scopes(), AuthStyle: oauth2.AuthStyleInParams}
	if c.CertFile != "" {
		ck, err := loadCertKey(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, &tokenSourceError{why: "the certificate", permanent: true, err: err}
		}
		assertion, err := ck.assertion(c.ClientID, cc.TokenURL, time.Now())
		if err != nil {
			return nil, &tokenSourceError{why: "signing the client assertion", permanent: true, err: err}
		}
		cc.EndpointParams = url.Values{
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertion},
		}
	}
	t, err := cc.Token(httpContext(ctx))
	if err != nil {
		return nil, endpointError(err)
	}
	return t, nil
}

// refresh renews the access token with the stored refresh token (RFC 6749 section 6),
// asking for WSISBOT_OAUTH_SCOPES when set (Microsoft's endpoint wants them). A refresh
// token the endpoint rotates is not kept: the stored one stays in use (Google's does
// not change; Microsoft's stays valid until it expires).
func (c OAuthConfig) refresh(ctx context.Context) (*oauth2.Token, error) {
	rt, err := c.currentRefreshToken()
	if err != nil {
		return nil, err
	}
	// The client credentials request with its grant type replaced is the refresh
	// request: the same form, the client authenticated the same way, plus the scopes.
	cc := clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.tokenURL(),
		Scopes: c.scopes(), AuthStyle: oauth2.AuthStyleInParams,
		EndpointParams: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}}
	t, err := cc.Token(httpContext(ctx))
	if err != nil {
		return nil, endpointError(err)
	}
	return t, nil
}
