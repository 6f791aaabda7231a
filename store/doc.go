// Package store is PostgreSQL and the domain rules of the consultation: the
// contributions and their status lifecycle, the messages of each conversation,
// attachments, the audit trail, the outbox of side effects, the IMAP checkpoints,
// and the phases and deadlines a contribution counts against.
package store
