// Package oauthtest is an OAuth 2.0 token endpoint on a loopback port (httptest), for
// tests: the client credentials grant with a client secret or with a certificate's
// signed client assertion (the Microsoft identity platform's certificate credentials:
// a JWT signed RS256 whose header names the certificate by its SHA-1 thumbprint), and
// the refresh token grant. It checks what a real endpoint checks, records why it
// refused a request, and issues access tokens at-1, at-2, ...
package oauthtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options say what the endpoint accepts.
type Options struct {
	ClientID     string            // the client every request must name
	ClientSecret string            // the accepted client secret ("" accepts none)
	Cert         *x509.Certificate // the certificate whose key may sign client assertions
	RefreshToken string            // the accepted refresh token ("" refuses the grant)
	Scope        string            // the scope a request must ask for ("" any or none)
	ExpiresIn    int               // the tokens' lifetime in seconds (default 3600)
}

// Endpoint is the token endpoint.
type Endpoint struct {
	URL  string // the token endpoint's URL
	opts Options
	srv  *httptest.Server

	mu       sync.Mutex
	issued   []string
	refusals []string
	jtis     map[string]bool
	refuse   int // answer 401 invalid_client to this many requests more (-1: all)
	fail     int // answer 503 to this many requests more
}

// Start serves the endpoint until the test ends.
func Start(t testing.TB, opts Options) *Endpoint {
	t.Helper()
	if opts.ExpiresIn == 0 {
		opts.ExpiresIn = 3600
	}
	e := &Endpoint{opts: opts, jtis: map[string]bool{}}
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	e.URL = e.srv.URL + "/tenant/oauth2/v2.0/token"
	t.Cleanup(e.srv.Close)
	return e
}

// Issued lists the access tokens issued so far, in order.
func (e *Endpoint) Issued() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.issued...)
}

// Refusals lists why requests were refused, in order.
func (e *Endpoint) Refusals() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.refusals...)
}

// RefuseClient answers the next n requests 401 invalid_client (n < 0: every request
// from now on; 0: none again).
func (e *Endpoint) RefuseClient(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refuse = n
}

// FailNext answers the next n requests 503.
func (e *Endpoint) FailNext(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fail = n
}

func (e *Endpoint) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		http.Error(w, "POST a form", http.StatusBadRequest)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail > 0 {
		e.fail--
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	if e.refuse != 0 {
		if e.refuse > 0 {
			e.refuse--
		}
		e.deny(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.", "refused on request")
		return
	}
	f := r.PostForm
	if f.Get("client_id") != e.opts.ClientID {
		e.deny(w, http.StatusBadRequest, "unauthorized_client", "unknown client", "client_id "+f.Get("client_id"))
		return
	}
	if e.opts.Scope != "" && f.Get("scope") != e.opts.Scope {
		e.deny(w, http.StatusBadRequest, "invalid_scope", "wrong scope", "scope "+f.Get("scope"))
		return
	}
	// The client: its secret, or an assertion signed with the certificate's key.
	switch {
	case f.Get("client_assertion") != "":
		if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
			e.deny(w, http.StatusBadRequest, "invalid_request", "assertion type", "client_assertion_type "+f.Get("client_assertion_type"))
			return
		}
		if why := e.checkAssertion(f.Get("client_assertion")); why != "" {
			e.deny(w, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion failed signature validation.", why)
			return
		}
	case e.opts.ClientSecret != "" && f.Get("client_secret") == e.opts.ClientSecret:
	case e.opts.ClientSecret == "" && e.opts.Cert == nil && f.Get("client_secret") == "":
	default:
		e.deny(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.", "client secret")
		return
	}
	switch f.Get("grant_type") {
	case "client_credentials":
	case "refresh_token":
		if e.opts.RefreshToken == "" || f.Get("refresh_token") != e.opts.RefreshToken {
			e.deny(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.", "refresh token")
			return
		}
	default:
		e.deny(w, http.StatusBadRequest, "unsupported_grant_type", "", "grant_type "+f.Get("grant_type"))
		return
	}
	tok := fmt.Sprintf("at-%d", len(e.issued)+1)
	e.issued = append(e.issued, tok)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": e.opts.ExpiresIn})
}

func (e *Endpoint) deny(w http.ResponseWriter, status int, code, desc, why string) {
	e.refusals = append(e.refusals, why)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

// checkAssertion checks a client assertion as the Microsoft identity platform does: RS256
// signed by the certificate's key, x5t its SHA-1 thumbprint, aud this endpoint, iss and
// sub the client, a jti never seen before, and valid now for at most ten minutes. It
// says what is wrong ("" when nothing).
func (e *Endpoint) checkAssertion(jwt string) string {
	if e.opts.Cert == nil {
		return "no certificate registered"
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "not a JWT"
	}
	var header map[string]string
	var claims map[string]any
	if err := decodePart(parts[0], &header); err != nil {
		return "header: " + err.Error()
	}
	if err := decodePart(parts[1], &claims); err != nil {
		return "claims: " + err.Error()
	}
	thumb := sha1.Sum(e.opts.Cert.Raw) //nolint:gosec // see the import
	switch {
	case header["alg"] != "RS256":
		return "alg " + header["alg"]
	case header["typ"] != "JWT":
		return "typ " + header["typ"]
	case header["x5t"] != base64.RawURLEncoding.EncodeToString(thumb[:]):
		return "x5t is not the certificate's thumbprint"
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return "signature encoding"
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	pub, ok := e.opts.Cert.PublicKey.(*rsa.PublicKey)
	if !ok || rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return "signature"
	}
	str := func(k string) string { s, _ := claims[k].(string); return s }
	num := func(k string) int64 { f, _ := claims[k].(float64); return int64(f) }
	now := time.Now().Unix()
	switch {
	case str("aud") != e.URL:
		return "aud " + str("aud")
	case str("iss") != e.opts.ClientID || str("sub") != e.opts.ClientID:
		return "iss or sub is not the client"
	case str("jti") == "" || e.jtis[str("jti")]:
		return "jti missing or replayed"
	case num("nbf") > now+60 || num("exp") < now || num("exp")-num("nbf") > 600:
		return "not valid now, or for more than ten minutes"
	}
	e.jtis[str("jti")] = true
	return ""
}

func decodePart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Certificate makes an RSA key and a self-signed certificate for it, valid from an hour
// ago until notAfter, and returns them as PEM (PKCS #8 key) with the parsed certificate.
func Certificate(t testing.TB, notAfter time.Time) (certPEM, keyPEM []byte, cert *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "wsisbot"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if cert, err = x509.ParseCertificate(der); err != nil {
		t.Fatal(err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), cert
}
