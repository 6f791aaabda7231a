package bot

import (
	"mime"
	"net/mail"
	"strings"

	"github.com/emersion/go-message/charset"
)

// headerWords decodes the encoded words (RFC 2047) of a header value, in any charset
// go-message knows.
var headerWords = &mime.WordDecoder{CharsetReader: charset.Reader}

// displayAddresses shows a header's address list as people read it, each "Name
// (address)" or the address alone, its encoded words decoded: the recipients of our
// mail are stored as the header was written, "=?utf-8?q?=D9=88…?= <x@y>". A value that
// is no address list is shown decoded as it is. The result is text: escape it for
// mrkdwn.
func displayAddresses(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	p := mail.AddressParser{WordDecoder: headerWords}
	list, err := p.ParseList(v)
	if err != nil {
		if d, derr := headerWords.DecodeHeader(v); derr == nil {
			return d
		}
		return v
	}
	parts := make([]string, 0, len(list))
	for _, a := range list {
		if name := strings.TrimSpace(a.Name); name != "" && !strings.EqualFold(name, a.Address) {
			parts = append(parts, name+" ("+a.Address+")")
		} else {
			parts = append(parts, a.Address)
		}
	}
	return strings.Join(parts, ", ")
}
