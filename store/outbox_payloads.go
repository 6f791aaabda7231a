package store

// The payloads of outbox items, one type each, used by the side that queues an item and
// by the side that carries it out. A card (slack_card, slack_update) carries none: it is
// rendered from the contribution; an acknowledgement (ack_email) carries its recipient
// (AckPayload, in ack_queries.go).

// ReplyPayload is the payload of a reply_email item: a reply the secretariat wrote in
// Slack, sent in the contribution's conversation to To, decided when the reply was
// written (the contribution's contact unless the author chose another of its
// Recipients). The mailer sends to To and to nobody else.
type ReplyPayload struct {
	Text      string `json:"text"`       // what the secretariat wrote, plain text
	Actor     string `json:"actor"`      // Slack user ID of the author, e.g. U123
	ActorName string `json:"actor_name"` // their display name
	// To is the recipient's address. Empty only in items queued before replies
	// recorded it: those go to the contribution's contact.
	To     string `json:"to,omitempty"`
	ToName string `json:"to_name,omitempty"`
	ToRole string `json:"to_role,omitempty"` // the recipient's Recipient.Role
	// Cc are the addresses the author added in copy, each a UsableAckAddress: the
	// mailer writes them in the Cc header and sends to them too.
	Cc []string `json:"cc,omitempty"`
	// Language is the language the author wrote in (templates.Languages), chosen in
	// the Reply modal; empty: the contribution's.
	Language string `json:"language,omitempty"`
	// Answer is the standard answer the text started from (templates.Answers), or "".
	Answer string `json:"answer,omitempty"`
}

// Types of Notice.
const (
	NoticeQuarantine    = "quarantine"
	NoticeDigest        = "digest"
	NoticeDeadlineAlert = "deadline_alert"
	NoticeEscalation    = "escalation"
	NoticeWatchdog      = "watchdog"
	NoticeAckBudget     = "ack_budget"
	NoticeHistoryImport = "history_import"
)

// Notice is the payload of a slack_notice item: a message in the intake channel. Type
// says which; the other fields belong to one type each.
type Notice struct {
	Type      string `json:"type"`
	Reason    string `json:"reason,omitempty"`    // quarantine
	Day       string `json:"day,omitempty"`       // digest: 2019-01-21 (Geneva)
	Deadline  string `json:"deadline,omitempty"`  // deadline_alert: its name
	Date      string `json:"date,omitempty"`      // deadline_alert: its date
	Days      int    `json:"days,omitempty"`      // deadline_alert: days before
	Condition string `json:"condition,omitempty"` // watchdog
	State     string `json:"state,omitempty"`     // watchdog: raised or cleared
	Detail    string `json:"detail,omitempty"`    // watchdog
	Since     string `json:"since,omitempty"`     // watchdog, cleared: when it was raised; ack_budget: the hour's start
	Limit     int    `json:"limit,omitempty"`     // ack_budget: acknowledgements an hour
	Held      int    `json:"held,omitempty"`      // ack_budget: how many the first batch over it held back

	ContributionIDs []int64 `json:"contribution_ids,omitempty"` // escalation

	Messages      int    `json:"messages,omitempty"`      // history_import: messages stored as history
	Contributions int    `json:"contributions,omitempty"` // history_import: contributions among them
	Before        string `json:"before,omitempty"`        // history_import: they all arrived before this (RFC 3339)

	// quarantine, a message over the size limit: the address its sender is told at
	// (NoticeTooLarge, in the message's language), or why the sender is not told.
	TooLargeTo      string `json:"too_large_to,omitempty"`
	TooLargeNotTold string `json:"too_large_not_told,omitempty"`
}

// Thread note types: what a note in a card's thread says.
const (
	NoteFollowUp      = "follow_up"
	NoteAckSent       = "ack_sent"
	NoteAckSuppressed = "ack_suppressed"
	NoteAckFailed     = "ack_failed"
	NoteReplySent     = "reply_sent"
	NoteReplyFailed   = "reply_failed"
	NoteBounce        = "bounce"
	NoteRevision      = "revision"
	NoteReopened      = "reopened"
)

// ThreadNote is the payload of a slack_thread item.
type ThreadNote struct {
	Type      string `json:"type"`
	MessageID int64  `json:"message_id,omitempty"` // the stored message it is about
	Text      string `json:"text,omitempty"`
}
