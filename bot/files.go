package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/store"
)

// A contribution's attachments are the contribution: each is uploaded into its card's
// thread, once, as an outbox item (slack_upload) queued when the card is posted or
// updated, or when a member presses Open files for a file held back (too large, or of a
// type not uploaded on its own). Slack's external upload is three steps, and each is
// recorded and committed before the next call (store.SlackUpload):
//
//  1. files.getUploadURLExternal gives a file id and an upload URL: recorded at once, so
//     that a retry sends the bytes to the same file instead of asking for another. (A
//     crash between Slack's answer and the record leaves a file nobody sees: an upload
//     never completed is never shared.)
//  2. the bytes go to the upload URL (not a Web API method, not paced): recorded as
//     sent. Sending them again to the same URL after a lost answer makes no second file;
//     a URL Slack no longer accepts (4xx) is forgotten and the next attempt starts over.
//  3. files.completeUploadExternal shares the file in the thread (channel_id, thread_ts).
//     Its start is recorded before the call: when the answer is lost, the next attempt
//     waits until the call cannot land any more, then asks files.info whether the file is
//     shared in the channel, and completes it again only when it is not.
//
// The claim of the item (FOR UPDATE SKIP LOCKED) keeps workers and replicas from running
// one upload side by side; the item's idempotency key keeps one item per file and thread.

// slackMaxUploadBytes is Slack's limit on one file.
const slackMaxUploadBytes = 1 << 30

// Action and block IDs of the card's Open files button.
const (
	actOpenFiles   = "open_files"
	filesBlockPref = "files:"
)

// uploadPermanent are Web API errors of the upload methods that retrying does not fix.
var uploadPermanent = map[string]bool{
	"file_uploads_disabled": true, "file_uploads_except_images_disabled": true, "file_type_not_allowed": true,
	"file_upload_size_restricted": true, "invalid_thread_ts": true,
}

func (c Config) validateUploads() error {
	var errs []error
	if c.UploadMaxBytes < 0 || c.UploadMaxBytes > slackMaxUploadBytes {
		errs = append(errs, fmt.Errorf("WSISBOT_SLACK_UPLOAD_MAX_BYTES: 0 to %d (Slack's limit on a file), not %d", slackMaxUploadBytes, c.UploadMaxBytes))
	}
	for _, t := range c.UploadSkipTypes {
		if len(t) < 2 || !strings.HasPrefix(t, ".") || strings.ContainsAny(t, " /\\") {
			errs = append(errs, fmt.Errorf("WSISBOT_SLACK_UPLOAD_SKIP_TYPES: file name endings starting with a dot, e.g. .exe, not %q", t))
		}
	}
	return errors.Join(errs...)
}

// heldBack says why an attachment is not uploaded into the thread on its own ("" when it
// is); upload says whether Open files can upload it.
func (b *Bot) heldBack(a store.Attachment) (why string, upload bool) {
	switch {
	case a.Size == 0:
		return "empty", false
	case a.Size > slackMaxUploadBytes:
		return "larger than Slack takes", false
	}
	name := strings.ToLower(a.Filename)
	for _, t := range b.cfg.UploadSkipTypes {
		if strings.HasSuffix(name, strings.ToLower(t)) {
			return strings.ToLower(t) + " file", true
		}
	}
	if a.Size > b.cfg.UploadMaxBytes {
		if b.cfg.UploadMaxBytes == 0 {
			return "only on request", true
		}
		return "over " + humanSize(b.cfg.UploadMaxBytes), true
	}
	return "", true
}

// uploadItems are the uploads to queue for a contribution whose card is posted in
// thread ts: every attachment not held back. Items queued before are left as they are
// (one idempotency key per file and thread).
func (b *Bot) uploadItems(ctx context.Context, cid int64) ([]store.OutboxItem, error) {
	if b.cfg.UploadMaxBytes == 0 {
		return nil, nil
	}
	as, err := b.st.ContributionAttachments(ctx, cid)
	if err != nil {
		return nil, err
	}
	var items []store.OutboxItem
	for _, a := range as {
		if a.Inline {
			continue
		}
		if why, _ := b.heldBack(a); why != "" {
			continue
		}
		it, err := store.NewSlackUploadItem(cid, a.MessageID, a.ID)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, nil
}

// withUploads adds the uploads of a contribution's files to a card item's result, once
// the card is there.
func (b *Bot) withUploads(ctx context.Context, it store.OutboxItem, res store.OutboxResult, err error) (store.OutboxResult, error) {
	if err != nil || it.ContributionID == nil {
		return res, err
	}
	items, uerr := b.uploadItems(ctx, *it.ContributionID)
	if uerr != nil {
		// The card is done; the files are queued with its next update.
		b.log.Warn("could not queue the uploads of a contribution's files", "contribution_id", *it.ContributionID, slog.Any("error", uerr))
		return res, nil
	}
	res.Then = append(res.Then, items...)
	return res, nil
}

// uploadFile carries out a slack_upload item (see the top of this file). When its last
// attempt fails, why is recorded for the card, which then says the upload failed and
// offers Open files to try again.
func (b *Bot) uploadFile(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	res, err := b.upload(ctx, it)
	if err == nil || !lastAttempt(it, err) {
		return res, err
	}
	var p store.SlackUploadPayload
	if it.ContributionID == nil || json.Unmarshal(it.Payload, &p) != nil || p.AttachmentID == 0 {
		return res, err
	}
	msg := fmt.Sprintf("upload failed after %d attempts: %v", it.Attempts+1, err)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if ferr := b.st.FailSlackUpload(rctx, *it.ContributionID, p.AttachmentID, msg); ferr != nil {
		b.log.Warn("could not record a failed upload", "contribution_id", *it.ContributionID, "attachment_id", p.AttachmentID,
			slog.Any("error", ferr))
	}
	return res, err
}

// lastAttempt says whether err, the outcome of an attempt at it, fails the item for
// good as its last attempt (store.MaxOutboxAttempts): a temporary failure that counts.
// A wait for the card is not one: a failure the card would show could not be shown.
func lastAttempt(it store.OutboxItem, err error) bool {
	var ua *store.UnavailableError
	var ra *store.RetryAfterError
	if isPermanentErr(err) || errors.As(err, &ua) || errors.As(err, &ra) || errors.Is(err, errCardNotPosted) {
		return false
	}
	return it.Attempts+1 >= store.MaxOutboxAttempts
}

// upload is one attempt at a slack_upload item.
func (b *Bot) upload(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
	var none store.OutboxResult
	cid, err := contributionOf(it)
	if err != nil {
		return none, err
	}
	var p store.SlackUploadPayload
	if err := json.Unmarshal(it.Payload, &p); err != nil || p.AttachmentID == 0 {
		return none, store.Permanent(fmt.Errorf("upload payload %s: %v", it.Payload, err))
	}
	aid := p.AttachmentID
	c, err := b.st.Contribution(ctx, cid)
	if err != nil {
		return none, notFoundPermanent(err)
	}
	if c.SlackTS == "" {
		return none, errCardNotPosted
	}
	ch := c.SlackChannel
	if ch == "" {
		ch = b.cfg.Channel
	}
	a, err := b.attachment(ctx, cid, aid)
	if err != nil {
		return none, notFoundPermanent(err)
	}
	u, err := b.st.SlackUpload(ctx, cid, aid)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return none, err
	}
	// Done: the card shows the file in its thread.
	update, err := store.NewOutboxItem(store.OutboxSlackUpdate, fmt.Sprintf("update:%d:upload:%d", cid, aid), cid, 0, nil)
	if err != nil {
		return none, err
	}
	done := store.OutboxResult{Then: []store.OutboxItem{update}}
	if u.DoneAt != nil && u.ThreadTS == c.SlackTS {
		return done, nil
	}
	if why, ok := b.heldBack(a); !ok {
		return none, b.failUpload(ctx, cid, aid, "cannot be uploaded: "+why)
	}
	name := a.Filename
	if strings.TrimSpace(name) == "" {
		name = "attachment-" + strconv.Itoa(a.Position+1)
	}
	log := b.log.With("contribution_ref", c.Ref, "attachment_id", aid)

	// An earlier completion whose answer was lost: was the file shared?
	if u.FileID != "" && u.CompleteStartedAt != nil && u.ThreadTS == c.SlackTS {
		if wait := time.Until(u.CompleteStartedAt.Add(b.cardPostTimeout + b.cardSearchMargin)); wait > 0 {
			return none, &store.RetryAfterError{Err: errors.New("an earlier completion of the upload may still be under way"), After: wait}
		}
		shared, err := b.fileShared(ctx, u.FileID, ch)
		switch {
		case slackErrorCode(err) == "file_not_found":
			u = b.forgetUpload(ctx, cid, aid, u)
		case err != nil:
			return none, outboxError("look for an earlier upload", err)
		case shared:
			log.Info("file was already shared in the thread; recording it", "file", u.FileID)
			return done, b.finishUpload(ctx, cid, aid, ch, c.SlackTS)
		}
	}
	if u.FileID == "" {
		r, err := b.api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: name, FileSize: int(a.Size)})
		if err != nil {
			return none, b.uploadError(ctx, cid, aid, "get upload url", err)
		}
		if err := b.st.SaveSlackUploadURL(ctx, cid, aid, r.FileID, r.UploadURL, time.Now()); err != nil {
			return none, err
		}
		u.FileID, u.UploadURL, u.SentAt, u.CompleteStartedAt = r.FileID, r.UploadURL, nil, nil
	}
	if u.SentAt == nil {
		data, err := b.st.Blob(ctx, a.SHA256)
		if err != nil {
			return none, notFoundPermanent(err)
		}
		err = b.api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Reader: bytes.NewReader(data), Filename: name})
		if err != nil {
			var sc slack.StatusCodeError
			if errors.As(err, &sc) && sc.Code >= 400 && sc.Code < 500 && sc.Code != http.StatusTooManyRequests {
				// The URL is no good any more: the next attempt asks for another.
				b.forgetUpload(ctx, cid, aid, u)
				return none, fmt.Errorf("slack upload of the file's bytes: %w", err)
			}
			return none, outboxError("upload of the file's bytes", err)
		}
		if err := b.st.SlackUploadStep(ctx, cid, aid, store.UploadSent, time.Now(), "", ""); err != nil {
			return none, err
		}
	}
	// Slack's clock, not the store's: the wait before asking files.info is Slack's.
	if err := b.st.SlackUploadStep(ctx, cid, aid, store.UploadComplete, time.Now(), ch, c.SlackTS); err != nil {
		return none, err
	}
	cctx, cancel := context.WithTimeout(ctx, b.cardPostTimeout)
	defer cancel()
	_, err = b.api.CompleteUploadExternalContext(cctx, slack.CompleteUploadExternalParameters{
		Files: []slack.FileSummary{{ID: u.FileID, Title: name}}, Channel: ch, ThreadTimestamp: c.SlackTS})
	if err != nil {
		if slackErrorCode(err) == "file_not_found" {
			// Slack has not got the bytes under that id: start over.
			b.forgetUpload(ctx, cid, aid, u)
			return none, fmt.Errorf("slack complete upload: %w", err)
		}
		return none, b.uploadError(ctx, cid, aid, "complete upload", err)
	}
	log.Info("file uploaded into the thread", "file", u.FileID, "bytes", a.Size)
	return done, b.finishUpload(ctx, cid, aid, ch, c.SlackTS)
}

// attachment is attachment aid of contribution cid.
func (b *Bot) attachment(ctx context.Context, cid, aid int64) (store.Attachment, error) {
	as, err := b.st.ContributionAttachments(ctx, cid)
	if err != nil {
		return store.Attachment{}, err
	}
	for _, a := range as {
		if a.ID == aid {
			return a, nil
		}
	}
	return store.Attachment{}, fmt.Errorf("attachment %d of contribution %d: %w", aid, cid, store.ErrNotFound)
}

// fileShared asks files.info whether file id is shared in channel: it was shared
// nowhere else, and in the channel only by completing it into the card's thread.
func (b *Bot) fileShared(ctx context.Context, id, channel string) (bool, error) {
	f, _, _, err := b.api.GetFileInfoContext(ctx, id, 0, 0)
	if err != nil {
		return false, err
	}
	for _, shares := range []map[string][]slack.ShareFileInfo{f.Shares.Public, f.Shares.Private} {
		if len(shares[channel]) > 0 {
			return true, nil
		}
	}
	for _, c := range append(append([]string{}, f.Channels...), f.Groups...) {
		if c == channel {
			return true, nil
		}
	}
	return false, nil
}

// recordTimeout bounds the writing of an upload's outcome, on a context of its own: an
// upload whose item ran out of time still has what Slack did recorded.
const recordTimeout = 10 * time.Second

func (b *Bot) finishUpload(ctx context.Context, cid, aid int64, ch, ts string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	return b.st.FinishSlackUpload(rctx, cid, aid, time.Now(), ch, ts)
}

// forgetUpload drops an upload's file id: the next attempt starts over.
func (b *Bot) forgetUpload(ctx context.Context, cid, aid int64, u store.SlackUpload) store.SlackUpload {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := b.st.SlackUploadStep(rctx, cid, aid, store.UploadForget, time.Now(), "", ""); err != nil {
		b.log.Warn("could not forget an upload's file id", "contribution_id", cid, "attachment_id", aid, slog.Any("error", err))
	}
	u.FileID, u.UploadURL, u.SentAt, u.CompleteStartedAt = "", "", nil, nil
	return u
}

// failUpload records why a file cannot be uploaded (the card shows it) and fails the item.
func (b *Bot) failUpload(ctx context.Context, cid, aid int64, msg string) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := b.st.FailSlackUpload(rctx, cid, aid, msg); err != nil {
		return err
	}
	return store.Permanent(errors.New(msg))
}

// uploadError is outboxError, and for a failure retrying does not fix, the reason
// recorded for the card.
func (b *Bot) uploadError(ctx context.Context, cid, aid int64, op string, err error) error {
	code := slackErrorCode(err)
	if uploadPermanent[code] || isPermanent(err) {
		if ferr := b.failUpload(ctx, cid, aid, "Slack refused it: "+code); !isPermanentErr(ferr) {
			return ferr
		}
		return store.Permanent(fmt.Errorf("slack %s: %w", op, err))
	}
	return outboxError(op, err)
}

func isPermanentErr(err error) bool {
	var p *store.PermanentError
	return errors.As(err, &p)
}

// fileLine is the card's line about one attachment: its name and size, and whether it is
// in the thread, on its way, held back, refused or failed. offer is what the card adds
// beside a file Open files would upload ("" for none).
func (b *Bot) fileLine(c store.Contribution, a store.Attachment, u *store.SlackUpload) (line, offer string) {
	name := a.Filename
	if name == "" {
		name = "(no name)"
	}
	line = fmt.Sprintf("📎 %s (%s)", escapeMrkdwn(name), humanSize(a.Size))
	why, ok := b.heldBack(a)
	switch {
	case u != nil && u.DoneAt != nil && u.ThreadTS == c.SlackTS && c.SlackTS != "":
		return line + " · in thread", ""
	case u != nil && u.Error != "" && ok:
		return line + " · *not uploaded:* " + cut(escapeMrkdwn(u.Error), 200), " — Open files to try again"
	case u != nil && u.Error != "":
		return line + " · " + cut(escapeMrkdwn(u.Error), 200), ""
	case !ok:
		return line + " · not uploaded: " + why, ""
	case u != nil && u.RequestedBy != "":
		who := strings.TrimPrefix(u.RequestedBy, "slack:")
		return line + " · uploading to the thread, asked by " + userMention(who), ""
	case why == "":
		return line + " · uploading to the thread", ""
	}
	return line + " · not uploaded: " + why, " — Open files"
}

// filesBlock is the card's list of attachments, with Open files beside it while a file is
// held back.
func (b *Bot) filesBlock(d cardData, withActions bool) slack.Block {
	byID := map[int64]*store.SlackUpload{}
	for i := range d.Uploads {
		byID[d.Uploads[i].AttachmentID] = &d.Uploads[i]
	}
	var lines []string
	held, shown := false, 0
	for _, a := range d.Attachments {
		if a.Inline {
			continue
		}
		line, offer := b.fileLine(d.C, a, byID[a.ID])
		if offer != "" && withActions {
			line += offer
		}
		held = held || offer != ""
		if shown < 10 {
			lines = append(lines, line)
			shown++
		}
	}
	if len(lines) == 0 {
		return nil
	}
	if rest := countNotInline(d.Attachments) - shown; rest > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", rest))
	}
	var acc *slack.Accessory
	if held && withActions {
		id := strconv.FormatInt(d.C.ID, 10)
		acc = slack.NewAccessory(slack.NewButtonBlockElement(actOpenFiles, id, plain("Open files", maxButtonText)))
	}
	sec := slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n"), maxSectionText), nil, acc)
	sec.BlockID = filesBlockPref + strconv.FormatInt(d.C.ID, 10)
	return sec
}

// filesBlockID is the contribution an Open files button belongs to.
func filesBlockID(blockID string) (int64, bool) {
	v, ok := strings.CutPrefix(blockID, filesBlockPref)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

// openFiles queues the upload of a contribution's held-back files into its thread, at a
// member's request (audited: files_requested).
func (b *Bot) openFiles(ctx context.Context, cid int64, user string, reply replier) {
	as, err := b.st.ContributionAttachments(ctx, cid)
	if err != nil {
		b.outcome(ctx, actOpenFiles, cid, user, err, reply)
		return
	}
	us, err := b.st.SlackUploads(ctx, cid)
	if err != nil {
		b.outcome(ctx, actOpenFiles, cid, user, err, reply)
		return
	}
	// Held-back files nobody asked for yet, and files whose upload failed: tried again.
	started, failed := map[int64]bool{}, map[int64]bool{}
	for _, u := range us {
		started[u.AttachmentID] = true
		failed[u.AttachmentID] = u.Error != "" && u.DoneAt == nil
	}
	var ids []int64
	for _, a := range as {
		why, ok := b.heldBack(a)
		if !a.Inline && ok && (why != "" && !started[a.ID] || failed[a.ID]) {
			ids = append(ids, a.ID)
		}
	}
	if len(ids) == 0 {
		reply(ctx, "There is no file left to upload: each is in the thread or on its way.")
		return
	}
	names, err := b.st.RequestSlackUploads(ctx, cid, ids, user)
	if err != nil {
		b.outcome(ctx, actOpenFiles, cid, user, err, reply)
		return
	}
	b.outcome(ctx, actOpenFiles, cid, user, nil, reply)
	if len(names) == 0 {
		reply(ctx, "Those files are already on their way to the thread.")
		return
	}
	for i, n := range names {
		names[i] = escapeMrkdwn(n)
	}
	reply(ctx, fmt.Sprintf("Uploading %s into the card's thread.", strings.Join(names, ", ")))
}

// filesEventText says what a files_requested event did, for the card's history.
func filesEventText(e store.Event) (string, bool) {
	if e.Action != store.ActionFilesRequested {
		return "", false
	}
	var d struct {
		Files   []string `json:"files"`
		Retried []string `json:"retried"`
	}
	_ = json.Unmarshal(e.Details, &d)
	esc := func(fs []string) string {
		for i, f := range fs {
			fs[i] = escapeMrkdwn(f)
		}
		return strings.Join(fs, ", ")
	}
	var parts []string
	if len(d.Files) > 0 {
		parts = append(parts, "asked for "+esc(d.Files)+" in the thread")
	}
	if len(d.Retried) > 0 {
		parts = append(parts, "asked to try "+esc(d.Retried)+" again")
	}
	return cut(strings.Join(parts, "; "), 300), true
}
