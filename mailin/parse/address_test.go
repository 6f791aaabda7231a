package parse

import (
	"reflect"
	"testing"
)

// TestOnlyAddressesAreAddresses: what has no "@" and valid domain is not an address,
// whatever angle brackets say ("Ben <U2>" would otherwise become a Slack mention of U2
// wherever the sender's address is shown); at most its display name is kept.
func TestOnlyAddressesAreAddresses(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		from         Address
		replyTo, to  []Address
	}{
		{name: "a Slack user ID in brackets", header: "From: Ben <U2>\r\n", from: Address{Name: "Ben"}},
		{name: "a Slack mention in brackets", header: "From: Ben <@U2>\r\n", from: Address{Name: "Ben"}},
		{name: "no name, no address", header: "From: <U2>\r\n"},
		{name: "a broadcast", header: "From: <!channel>\r\n"},
		{name: "a link for a domain", header: "From: Ben <ben@evil|click>\r\n", from: Address{Name: "Ben"}},
		{name: "an empty domain", header: "From: Ben <ben@>\r\n", from: Address{Name: "Ben"}},
		{name: "Sender when From has no address", header: "From: Ben <U2>\r\nSender: ben@gov.example\r\n", from: Address{Email: "ben@gov.example"}},
		{name: "an address", header: "From: Ben Okafor <ben@gov.example>\r\n", from: Address{Name: "Ben Okafor", Email: "ben@gov.example"}},
		{name: "a bare address", header: "From: ben@gov.example\r\n", from: Address{Email: "ben@gov.example"}},
		{name: "an internationalised domain", header: "From: Li <li@例子.中国>\r\n", from: Address{Name: "Li", Email: "li@例子.中国"}},
		{name: "an address literal", header: "From: <ops@[192.0.2.1]>\r\n", from: Address{Email: "ops@[192.0.2.1]"}},
		{name: "Reply-To and To keep addresses only",
			header:  "From: ben@gov.example\r\nReply-To: Ben <U2>, Ana <ana@gov.example>\r\nTo: <!here>, wsis-info@itu.int\r\n",
			from:    Address{Email: "ben@gov.example"},
			replyTo: []Address{{Name: "Ana", Email: "ana@gov.example"}}, to: []Address{{Email: "wsis-info@itu.int"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse([]byte(tc.header+"Subject: x\r\n\r\nhello\r\n"), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if p.From != tc.from {
				t.Errorf("From = %+v, want %+v", p.From, tc.from)
			}
			if !reflect.DeepEqual(p.ReplyTo, tc.replyTo) || !reflect.DeepEqual(p.To, tc.to) {
				t.Errorf("Reply-To = %+v, To = %+v; want %+v, %+v", p.ReplyTo, p.To, tc.replyTo, tc.to)
			}
		})
	}
}
