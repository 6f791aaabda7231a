package parse

import "strings"

// IsWebmailDomain reports whether domain is a webmail or consumer mail provider's
// (gmail.com, yandex.ru, qq.com, yahoo.com.hk…): anyone can have an address there, so it says nothing
// about an organisation.
func IsWebmailDomain(domain string) bool {
	return defaultVocabulary().isWebmail(strings.ToLower(strings.TrimSpace(domain)))
}
