package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// namedQuery is a fixed statement of the store.
type namedQuery struct{ name, sql string }

// namedQueries are the store's fixed statements, named; the SQL of each sits beside the
// Go that runs it. Each is prepared when first used (see stmt);
// TestNamedQueriesAreListedOnceAndPrepare prepares every one on the migrated schema.
//
// Not listed, because their text is not fixed or cannot be prepared: the writer's
// multi-row inserts (ingest_write.go: insertRows builds one per row count, each prepared
// when first used) and its COPY (copy.go: copyRows, the table's columns), and the
// savepoint statements of ingest.go (PostgreSQL prepares only SELECT, INSERT, UPDATE,
// DELETE, MERGE and VALUES).
func namedQueries() []namedQuery {
	return []namedQuery{
		{"sync-state", syncStateSQL},
		{"adopt-sync-state", adoptSyncStateSQL},
		{"reset-sync-state", resetSyncStateSQL},
		{"checkpoint", checkpointSQL},
		{"prefetch-positions", prefetchPositionsSQL},
		{"prefetch-known", prefetchKnownSQL},
		{"prefetch-threads", prefetchThreadsSQL},
		{"prefetch-sent", prefetchSentSQL},
		{"prefetch-refs", prefetchRefsSQL},
		{"prefetch-correspondents", prefetchCorrespondentsSQL},
		{"prefetch-senders", prefetchSendersSQL},
		{"prefetch-learned", prefetchLearnedSQL},
		{"learn-classification", learnClassificationSQL},
		{"prefetch-ack-counts", prefetchAckCountsSQL},
		{"relocate", relocateSQL},
		{"stored-duplicate", storedDuplicateSQL},
		{"superseded", supersededSQL},
		{"link-copy", linkCopySQL},
		{"allocate-ids", allocIDsSQL},
		{"allocate-refs", allocRefsSQL},
		{"allocate-message-ids", allocMessageIDsSQL},
		{"insert-message", insertMessageSQL},
		{"insert-outbound", insertOutboundSQL},
		{"insert-event", insertEventSQL},
		{"insert-blob", insertBlobSQL},
		{"blob-stored", blobStoredSQL},
		{"insert-attachment", attachmentsTable.insertSQL(false, 1, "")},
		{"promote-lock-message", promoteLockMessageSQL},
		{"promote-attachments", promoteAttachmentsSQL},
		{"promote-message", promoteMessageSQL},
		{"promote-separated", promoteSeparatedSQL},
		// correspondents.go
		{"set-other-sender", setOtherSenderSQL},
		{"message-contribution", messageContributionSQL},
		{"lock-other-sender", lockOtherSenderSQL},
		{"add-correspondent", addCorrespondentSQL},
		{"settle-address", settleAddressSQL},
		{"settle-domain", settleDomainSQL},
		{"other-senders", otherSendersSQL},
		{"contact", contactSQL},
		{"correspondents", correspondentsSQL},
		{"senders", sendersSQL},
		{"enqueue", enqueueSQL},
		// outbox.go
		{"notify-outbox", notifyOutboxSQL},
		{"claim-outbox", claimOutboxSQL},
		{"outbox-failed", outboxFailedSQL},
		{"outbox-retry", outboxRetrySQL},
		{"outbox-delay", outboxDelaySQL},
		{"ack-failed", ackFailedSQL},
		{"outbox-done", outboxDoneSQL},
		{"outbox-coalesced", outboxCoalescedSQL},
		{"claim-card-updates", claimCardUpdatesSQL},
		{"pending-card", pendingCardSQL},
		{"ack-sent", ackSentSQL},
		{"mail-due", mailDueSQL},
		{"ack-subject", ackSubjectSQL},
		{"ack-subject-first", ackSubjectFirstSQL},
		{"ack-subjects", ackSubjectsSQL},
		{"record-one-ack-sent", recordAcksSentSQL(1)},
		{"record-three-acks-sent", recordAcksSentSQL(3)},
		{"card-posted", cardPostedSQL},
		{"slack-post-attempt", slackPostAttemptSQL},
		{"start-slack-post", startSlackPostSQL},
		{"clear-slack-post", clearSlackPostSQL},
		{"outbox-stats", outboxStatsSQL},
		{"outbox-items", outboxItemsSQL},
		// leader.go
		{"try-advisory-lock", tryAdvisoryLockSQL},
		{"advisory-unlock", advisoryUnlockSQL},
		// heartbeat.go
		{"beat-intake", beatIntakeSQL},
		{"intake-heartbeat", intakeHeartbeatSQL},
		// pace.go
		{"reserve-slack-slot", reserveSlackSlotSQL},
		{"release-slack-slot", releaseSlackSlotSQL},
		{"delay-slack-slot", delaySlackSlotSQL},
		// slack_requests.go
		{"claim-slack-request", claimSlackRequestSQL},
		{"release-slack-request", releaseSlackRequestSQL},
		{"prune-slack-requests", pruneSlackRequestsSQL},
		// summary.go
		{"contribution-summaries", contributionSummariesSQL},
		{"inbound-kind-counts", inboundKindCountsSQL},
		{"progress", progressSQL},
		// stats.go
		{"open-status-counts", openStatusCountsSQL},
		{"outbox-queue", outboxQueueSQL},
		// promote.go
		{"sorted-away", sortedAwaySQL},
		{"sorted-away-count", sortedAwayCountSQL},
		// ack_queries.go
		{"raw-head", rawHeadSQL},
		{"ack-budget-lock", ackBudgetLockSQL},
		{"ack-hour-count", ackHourCountSQL},
		// messages.go
		{"messages", messagesSQL},
		{"message", messageSQL},
		{"raw-message", rawMessageSQL},
		{"attachments", attachmentsSQL},
		{"contribution-attachments", contributionAttachmentsSQL},
		{"blob", blobSQL},
		// contributions.go
		{"contribution", contributionSQL},
		{"contribution-by-ref", contributionByRefSQL},
		{"lock-contribution", lockContributionSQL},
		{"change-status", changeStatusSQL},
		{"set-assignee", setAssigneeSQL},
		{"classify", classifySQL},
		{"reopen", reopenSQL},
		{"events", eventsSQL},
		// notes.go, reminders.go
		{"contribution-by-card", contributionByCardSQL},
		{"lock-note", lockNoteSQL},
		{"insert-note", insertNoteSQL},
		{"edit-note", editNoteSQL},
		{"delete-note", deleteNoteSQL},
		{"notes", notesSQL},
		{"export-notes", exportNotesSQL},
		{"stale-assigned", staleAssignedSQL},
		// bot_queries.go
		{"list-contributions", listContributionsSQL},
		{"contribution-stats", contributionStatsSQL},
		{"first-message", firstMessageSQL},
		{"message-count", messageCountSQL},
		{"export-contributions", exportContributionsSQL},
		{"export-message-counts", exportMessageCountsSQL},
		{"export-attachments", exportAttachmentsSQL},
		{"export-events", exportEventsSQL},
		{"count-events", countEventsSQL},
		{"last-inbound", lastInboundSQL},
		{"claim-run", claimRunSQL},
		{"last-run", lastRunSQL},
		{"raise-flag", raiseFlagSQL},
		{"clear-flag", clearFlagSQL},
		{"flag-cleared", flagClearedSQL},
		{"flags", flagsSQL},
		{"claim-escalations", claimEscalationsSQL},
		{"claim-every", claimEverySQL},
		{"slack-file", slackFileSQL},
		{"save-slack-file", saveSlackFileSQL},
		// slack_uploads.go
		{"slack-uploads", slackUploadsSQL},
		{"retry-slack-uploads", retrySlackUploadsSQL},
		{"retry-slack-upload-item", retrySlackUploadItemSQL},
		{"slack-upload", slackUploadSQL},
		{"save-slack-upload-url", saveSlackUploadURLSQL},
		{"slack-upload-sent", slackUploadSentSQL},
		{"slack-upload-complete", slackUploadCompleteSQL},
		{"slack-upload-forget", slackUploadForgetSQL},
		{"finish-slack-upload", finishSlackUploadSQL},
		{"fail-slack-upload", failSlackUploadSQL},
		{"request-slack-uploads", requestSlackUploadsSQL},
		// search.go
		{"find-contributions-text", searchContributionsTextSQL},
		{"find-contributions-filter", searchContributionsFilterSQL},
		{"search-serial", searchSerialSQL},
		{"index-contributions", indexContributionsSQL},
		{"index-messages", indexMessagesSQL},
		{"search-lag", searchLagSQL},
		// revisions.go
		{"revision-links", revisionLinksSQL},
		{"prefetch-organisations", prefetchOrganisationsSQL},
		{"mark-revision", markRevisionSQL},
		{"dismiss-revision", dismissRevisionSQL},
		// history_imports.go
		{"count-history", countHistorySQL},
		{"close-history-import", closeHistoryImportSQL},
		{"history-card", historyCardSQL},
		{"queue-card", queueCardSQL},
		// toolarge_notice.go
		{"too-large-notice", tooLargeNoticeSQL},
		// import.go
		{"begin-archive-import", beginArchiveImportSQL},
		{"count-archive", countArchiveSQL},
		{"stored-copies", storedCopiesSQL},
		{"finish-archive-import", finishArchiveImportSQL},
		// report_queries.go
		{"report-rows", reportRowsSQL},
		{"report-counts", reportCountsSQL},
		{"report-days", reportDaysSQL},
		{"report-tags", reportTagsSQL},
		{"report-timings", reportTimingsSQL},
	}
}

// exec runs a prepared statement (see stmt) in tx.
func (s *Store) exec(ctx context.Context, tx *sqlx.Tx, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// get runs a prepared query (see stmt) in tx into dest, one row.
func (s *Store) get(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// dbGet runs a prepared query outside any transaction into dest, one row: the hot reads
// (an outbox item's contribution and message) skip parsing and planning each time.
func (s *Store) dbGet(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// dbSelect is dbGet for many rows.
func (s *Store) dbSelect(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}

// selectPrepared runs a prepared query (see stmt) in tx into dest.
func (s *Store) selectPrepared(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st, err := s.stmt(ctx, tx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}
