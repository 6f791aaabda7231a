package loopback

import (
	"strings"
	"testing"
)

func TestHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true,
		"": false, "imap.example.org": false, "10.0.0.1": false, "::": false, "0.0.0.0": false, "localhost.example.org": false,
	} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
	if err := RequirePlaintext("WSISBOT_IMAP_TLS=none", "imap.example.org"); err == nil ||
		!strings.Contains(err.Error(), "WSISBOT_IMAP_TLS=none") || !strings.Contains(err.Error(), "imap.example.org") {
		t.Fatalf("err = %v", err)
	}
	if err := RequirePlaintext("WSISBOT_IMAP_TLS=none", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
}
