// Package parse is what the intake understands of a mail message, with no mailbox and
// no database: the parser, the sorter, the language detector and the suggestions.
//
// The parser (Parse) turns a raw RFC 5322 message into a Parsed value whose strings are
// always valid UTF-8 without NUL bytes, whatever charsets and transfer encodings the
// sender used. The sorter (Sort) tells robots from people: our own mail, bounces,
// automatic replies and list mail are set aside; everything else is a contribution
// until the caller, who has the database, decides it is a follow-up or a duplicate.
// Parsed.FreshText, DetectLanguage and Suggest help the secretariat read and classify
// what stakeholders send; they only suggest, a person decides.
package parse
