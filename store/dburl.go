package store

import (
	"errors"
	"net/url"
	"regexp"
	"strings"

	"github.com/lib/pq"
)

// CheckURL reports whether PostgreSQL's connection string (a postgres:// URL or
// key=value pairs) can be read. Its error never repeats the string, nor any part of it:
// the string holds the password.
func CheckURL(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		if _, err := url.Parse(s); err != nil {
			var esc url.EscapeError
			var host url.InvalidHostError
			switch {
			case errors.As(err, &esc):
				return errors.New("not a valid URL: a % must begin a %XX escape (write a % in the password as %25, and escape @ : / ? # as %40 %3A %2F %3F %23)")
			case errors.As(err, &host):
				return errors.New("not a valid URL: the host has a character a host name cannot have")
			case strings.Contains(err.Error(), "userinfo"):
				return errors.New("not a valid URL: the user or password has a character that must be %-escaped (a space, @, :, / ...)")
			case strings.Contains(err.Error(), "missing ']'"):
				return errors.New("not a valid URL: an IPv6 host lacks its closing ]")
			case strings.Contains(err.Error(), "port"):
				return errors.New("not a valid URL: the port is not a number")
			}
			return errors.New("not a valid URL of the form postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable")
		}
	} else if !strings.Contains(s, "=") {
		return errors.New("neither a postgres:// URL nor key=value pairs")
	}
	if _, err := pq.NewConnector(s); err != nil {
		if strings.Contains(s, "://") {
			return errors.New("not a connection URL PostgreSQL's driver accepts (postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require)")
		}
		return errors.New("not key=value pairs PostgreSQL's driver accepts (host=... dbname=... user=...; quote values with spaces in '...')")
	}
	return nil
}

// passwordPair finds a password in key=value pairs: password=VALUE or password='VALUE'.
var passwordPair = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// RedactURL returns the connection string with its password masked: a URL keeps its
// user, host, database and parameters. A string that cannot be read is masked whole.
func RedactURL(s string) string {
	if CheckURL(s) != nil {
		return "********"
	}
	if !strings.Contains(s, "://") {
		return passwordPair.ReplaceAllString(s, "${1}xxxxx")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "********"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
