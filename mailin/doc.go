// Package mailin is mail in and the acknowledgement out: the IMAP poller and the
// acknowledgement mailer. What a message says is read by package mailin/parse; mailin
// turns what it makes of a message into what the store keeps (ToInbound), where the
// caller, who has the database, decides whether a contribution is a follow-up or a
// duplicate.
package mailin
