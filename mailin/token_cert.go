package mailin

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7515 section 4.1.7)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"time"
)

// certKey is the certificate of an app registration and its private key.
type certKey struct {
	cert *x509.Certificate
	key  *rsa.PrivateKey
}

// loadCertKey reads a PEM certificate and its RSA private key (PKCS #1 or PKCS #8): from
// keyFile, or from certFile when keyFile is empty. The key must be the certificate's.
// Errors name the setting and never show the key.
func loadCertKey(certFile, keyFile string) (*certKey, error) {
	cb, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("WSISBOT_OAUTH_CERT_FILE: %w", err)
	}
	var ck certKey
	var keyBlock *pem.Block
	for rest := cb; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		switch {
		case b.Type == "CERTIFICATE" && ck.cert == nil:
			if ck.cert, err = x509.ParseCertificate(b.Bytes); err != nil {
				return nil, fmt.Errorf("WSISBOT_OAUTH_CERT_FILE: %w", err)
			}
		case b.Type == "PRIVATE KEY" || b.Type == "RSA PRIVATE KEY":
			keyBlock = b
		}
	}
	if ck.cert == nil {
		return nil, fmt.Errorf("WSISBOT_OAUTH_CERT_FILE %s: no PEM certificate in it", certFile)
	}
	setting := "WSISBOT_OAUTH_CERT_FILE"
	if keyFile != "" {
		setting = "WSISBOT_OAUTH_KEY_FILE"
		kb, err := os.ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("WSISBOT_OAUTH_KEY_FILE: %w", err)
		}
		keyBlock = nil
		for rest := kb; ; {
			var b *pem.Block
			if b, rest = pem.Decode(rest); b == nil {
				break
			}
			if b.Type == "PRIVATE KEY" || b.Type == "RSA PRIVATE KEY" {
				keyBlock = b
				break
			}
		}
	}
	if keyBlock == nil {
		if keyFile == "" {
			return nil, errors.New("WSISBOT_OAUTH_CERT_FILE holds no private key: set WSISBOT_OAUTH_KEY_FILE")
		}
		return nil, fmt.Errorf("WSISBOT_OAUTH_KEY_FILE %s: no PEM private key in it (an encrypted key must be decrypted first)", keyFile)
	}
	var key any
	if keyBlock.Type == "RSA PRIVATE KEY" {
		key, err = x509.ParsePKCS1PrivateKey(keyBlock.Bytes)
	} else {
		key, err = x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: the private key cannot be read", setting)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: the private key is not RSA (Microsoft signs client assertions with RS256)", setting)
	}
	if pub, ok := ck.cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&rk.PublicKey) {
		return nil, fmt.Errorf("%s: the private key is not the certificate's", setting)
	}
	ck.key = rk
	return &ck, nil
}

// assertion is the client assertion of the Microsoft identity platform's certificate
// credentials: a JWT signed RS256 with the certificate's key, whose header names the
// certificate by its SHA-1 thumbprint (x5t), issued by and about the client (iss, sub)
// for the token endpoint (aud), valid ten minutes.
func (ck *certKey) assertion(clientID, tokenURL string, now time.Time) (string, error) {
	thumb := sha1.Sum(ck.cert.Raw) //nolint:gosec // see the import
	header := map[string]string{"alg": "RS256", "typ": "JWT", "x5t": base64.RawURLEncoding.EncodeToString(thumb[:])}
	var jti [16]byte
	if _, err := rand.Read(jti[:]); err != nil {
		return "", err
	}
	jti[6] = jti[6]&0x0f | 0x40 // a version 4 UUID, as Microsoft's examples use
	jti[8] = jti[8]&0x3f | 0x80
	claims := map[string]any{
		"aud": tokenURL, "iss": clientID, "sub": clientID,
		"jti": fmt.Sprintf("%x-%x-%x-%x-%x", jti[0:4], jti[4:6], jti[6:8], jti[8:10], jti[10:]),
		"nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, ck.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// CredentialExpiry is a credential of the token source that expires on a known day.
type CredentialExpiry struct {
	What    string    // "the certificate CN=wsisbot (WSISBOT_OAUTH_CERT_FILE)"
	Setting string    // the setting to renew
	At      time.Time // when it stops working
}

// Expiries are the credentials whose end is known: the certificate's NotAfter (the file
// read now) and WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES. An unreadable certificate is an
// error (the token source will say so too).
func (c OAuthConfig) Expiries() ([]CredentialExpiry, error) {
	var out []CredentialExpiry
	switch c.Mode() {
	case OAuthM365:
		if c.CertFile == "" {
			return nil, nil
		}
		ck, err := loadCertKey(c.CertFile, c.KeyFile)
		if err != nil {
			return nil, err
		}
		out = append(out, CredentialExpiry{What: fmt.Sprintf("the certificate %q", ck.cert.Subject.String()),
			Setting: "WSISBOT_OAUTH_CERT_FILE", At: ck.cert.NotAfter})
	case OAuthRefreshToken:
		if c.RefreshUntil == "" {
			return nil, nil
		}
		d, err := time.Parse(time.DateOnly, c.RefreshUntil)
		if err != nil {
			return nil, fmt.Errorf("WSISBOT_OAUTH_REFRESH_TOKEN_EXPIRES: not a day such as 2026-06-30: %q", c.RefreshUntil)
		}
		out = append(out, CredentialExpiry{What: "the refresh token", Setting: "WSISBOT_OAUTH_REFRESH_TOKEN_FILE", At: d})
	}
	return out, nil
}
