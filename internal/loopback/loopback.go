// Package loopback says whether a server is on this machine: the only place wsisbot
// talks to without TLS (tests, the demo, a local relay).
package loopback

import (
	"fmt"
	"net"
	"strings"
)

// Hosts names the hosts Host accepts, for error messages.
const Hosts = "localhost, 127.0.0.1, ::1"

// Host reports whether host is this machine: "localhost" or a loopback IP address
// (brackets around an IPv6 address allowed).
func Host(host string) bool {
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RequirePlaintext returns nil when host is this machine, else an error naming what
// was asked (e.g. "WSISBOT_IMAP_TLS=none") and refusing it for host.
func RequirePlaintext(what, host string) error {
	if Host(host) {
		return nil
	}
	return fmt.Errorf("%s is only allowed for a server on this machine (%s), not %q: a password or token would cross the network in clear",
		what, Hosts, host)
}
