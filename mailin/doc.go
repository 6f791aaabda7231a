// Package mailin is mail in and the acknowledgement out: the IMAP poller, the
// parser, the sorter and the acknowledgement mailer.
//
// The parser (Parse) turns a raw RFC 5322 message into a Parsed value whose
// strings are always valid UTF-8 without NUL bytes, whatever charsets and
// transfer encodings the sender used. The sorter (Sort) tells robots from
// people: our own mail, bounces, automatic replies and list mail are set
// aside; everything else is a contribution until the caller, who has the
// database, decides it is a follow-up or a duplicate. SplitQuoted,
// DetectLanguage and Suggest help the secretariat read and classify what
// stakeholders send; they only suggest, a person decides.
package mailin
