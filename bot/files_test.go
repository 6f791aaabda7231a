package bot

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/bot/slacktest"
	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// filesConfig uploads files up to 64 bytes on their own, and never .zip files.
func filesConfig(c *Config) {
	c.UploadMaxBytes = 64
	c.UploadSkipTypes = []string{".zip", ".exe"}
}

// withFiles is a contribution carrying attachments (name and bytes).
func (d *desk) withFiles(subject string, files ...string) store.Contribution {
	d.t.Helper()
	m := d.email("amina@gov.example", subject, "Dear secretariat,\n\nour submission is attached.")
	for i := 0; i < len(files); i += 2 {
		m.Attachments = append(m.Attachments, store.InboundAttachment{Filename: files[i], ContentType: "application/octet-stream",
			Data: []byte(files[i+1])})
	}
	res := d.ingest(m)
	return d.waitCard(res[0].ContributionID)
}

// waitUploaded waits until every upload of c is done.
func (d *desk) waitUploaded(c store.Contribution, n int) {
	d.t.Helper()
	storetest.Eventually(d.t, 20*time.Second, fmt.Sprintf("%d files of %s in its thread", n, c.Ref), func() bool {
		us, err := d.st.SlackUploads(context.Background(), c.ID)
		if err != nil {
			return false
		}
		done := 0
		for _, u := range us {
			if u.DoneAt != nil {
				done++
			}
		}
		return done == n
	})
}

// assertInThreadOnce checks that each file (name and bytes) is shared exactly once, by
// one file message in c's thread, and that the thread holds no other file.
func (d *desk) assertInThreadOnce(c store.Contribution, files ...string) {
	d.t.Helper()
	shared := map[string]int{}
	for _, f := range d.slack.Files() {
		if !f.Shared || f.Channel == "" {
			continue
		}
		if f.ThreadTS != c.SlackTS {
			continue
		}
		shared[f.Name] += len(f.Shares)
		for i := 0; i < len(files); i += 2 {
			if files[i] == f.Name && string(f.Data) != files[i+1] {
				d.t.Errorf("%s holds %q, want %q", f.Name, f.Data, files[i+1])
			}
		}
	}
	msgs := 0
	for _, m := range d.slack.Messages(testChannel) {
		if m.ThreadTS == c.SlackTS && len(m.Files) > 0 {
			msgs += len(m.Files)
		}
	}
	for i := 0; i < len(files); i += 2 {
		if shared[files[i]] != 1 {
			d.t.Errorf("%s is shared %d times in the thread of %s, want once", files[i], shared[files[i]], c.Ref)
		}
	}
	if msgs != len(files)/2 {
		d.t.Errorf("%d file messages in the thread of %s, want %d", msgs, c.Ref, len(files)/2)
	}
}

// countCalls counts the answered calls of method (errors included, not 429s of Limits).
func (d *desk) countCalls(method string) int { return len(d.slack.Calls(method)) }

// The files of a contribution go into its card's thread after the card, once each, and
// the card says so.
func TestAttachmentsUploadedIntoThread(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: filesConfig})
	files := []string{"submission.pdf", "%PDF-1.4 our thematic submission", "annex.docx", "PK word annex"}
	c := d.withFiles("Thematic submission", files...)
	d.waitUploaded(c, 2)
	d.assertInThreadOnce(c, files...)
	first := d.waitCall("the card", "chat.postMessage", func(call slacktest.Call) bool { return call.Param("thread_ts") == "" })
	if s := joinedTexts(t, first.Param("blocks")); !strings.Contains(s, "📎 submission.pdf (32 B) · uploading to the thread") {
		t.Errorf("first card:\n%s", s)
	}
	d.waitUpdate(c, "📎 submission.pdf (32 B) · in thread", "📎 annex.docx (13 B) · in thread")
	for _, m := range []string{"files.getUploadURLExternal", "upload", "files.completeUploadExternal"} {
		if n := d.countCalls(m); n != 2 {
			t.Errorf("%d calls of %s, want 2", n, m)
		}
	}
	for _, call := range d.slack.Calls("files.completeUploadExternal") {
		if call.Param("channel_id") != testChannel || call.Param("thread_ts") != c.SlackTS {
			t.Errorf("completed in %q thread %q, want %s thread %s", call.Param("channel_id"), call.Param("thread_ts"), testChannel, c.SlackTS)
		}
	}
	if n := d.countCalls("files.info"); n != 0 {
		t.Errorf("%d files.info calls without a lost answer, want 0", n)
	}
}

// A retry after a failure or a lost answer at any step shares each file once: a known
// file id is not asked for again, and a completion whose answer was lost is looked up
// with files.info instead of being done twice.
func TestUploadOnceAcrossRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                 string
		fault                func(s *slacktest.Server)
		urls, uploads, infos int // calls expected
		completes            int
	}{
		{"completion answer lost", func(s *slacktest.Server) { s.LoseNext("files.completeUploadExternal", 1) }, 1, 1, 1, 1},
		{"completion failed", func(s *slacktest.Server) { s.FailNext("files.completeUploadExternal", 1, http.StatusBadGateway, 0) }, 1, 1, 1, 2},
		{"upload answer lost", func(s *slacktest.Server) { s.LoseNext("upload", 1) }, 1, 2, 0, 1},
		{"upload URL unreachable", func(s *slacktest.Server) { s.FailNext("upload", 1, http.StatusServiceUnavailable, 0) }, 1, 2, 0, 1},
		{"upload URL refused", func(s *slacktest.Server) { s.FailNext("upload", 1, http.StatusNotFound, 0) }, 2, 2, 0, 1},
		{"rate limited", func(s *slacktest.Server) {
			s.FailNext("files.getUploadURLExternal", 1, http.StatusTooManyRequests, time.Second)
		}, 2, 1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := newDesk(t, deskOptions{config: filesConfig, options: []Option{func(b *Bot) { shortCardWindow(b) }}})
			tc.fault(d.slack)
			files := []string{"submission.pdf", "%PDF-1.4 submission"}
			c := d.withFiles("Submission "+tc.name, files...)
			d.waitUploaded(c, 1)
			d.assertInThreadOnce(c, files...)
			for m, want := range map[string]int{"files.getUploadURLExternal": tc.urls, "upload": tc.uploads,
				"files.completeUploadExternal": tc.completes, "files.info": tc.infos} {
				if n := d.countCalls(m); n != want {
					t.Errorf("%d calls of %s, want %d", n, m, want)
				}
			}
			d.waitUpdate(c, "📎 submission.pdf (19 B) · in thread")
		})
	}
}

// A replica stopped after Slack gave the file id, while the bytes were on their way:
// the next replica sends them to the same file and completes it, without asking for
// another.
func TestUploadResumesAfterReplicaStops(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: filesConfig, replicas: 2, noRun: true, replicaOptions: func(i int) []Option {
		if i == 0 { // its calls give up after a second: a connection that died
			return []Option{WithHTTPClient(&http.Client{Timeout: time.Second})}
		}
		return nil
	}})
	release := d.slack.Hold("upload")
	defer release()
	ctx0, stop0 := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := d.bots[0].Run(ctx0); err != nil {
			t.Errorf("replica 0: %v", err)
		}
	}()
	m := d.email("amina@gov.example", "Submission", "attached")
	m.Attachments = []store.InboundAttachment{{Filename: "submission.pdf", Data: []byte("%PDF-1.4 submission")}}
	cid := d.ingest(m)[0].ContributionID
	c := d.waitCard(cid)
	as, err := d.st.ContributionAttachments(context.Background(), cid)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Eventually(t, 10*time.Second, "the file id recorded", func() bool {
		u, err := d.st.SlackUpload(context.Background(), cid, as[0].ID)
		return err == nil && u.FileID != ""
	})
	stop0() // the connection dies with the bytes on their way, and the replica stops
	wg.Wait()
	release()
	d.bots = d.bots[1:]
	d.run()
	d.waitUploaded(c, 1)
	d.assertInThreadOnce(c, "submission.pdf", "%PDF-1.4 submission")
	if n := d.countCalls("files.getUploadURLExternal"); n != 1 {
		t.Errorf("%d calls of files.getUploadURLExternal, want 1", n)
	}
	if n := d.countCalls("files.completeUploadExternal"); n != 1 {
		t.Errorf("%d calls of files.completeUploadExternal, want 1", n)
	}
}

// Two replicas, two workers each, against one database: every file of every
// contribution is uploaded and shared once.
func TestUploadsAcrossReplicas(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: filesConfig, replicas: 2, workers: 2})
	var cs []store.Contribution
	for i := range 6 {
		m := d.email("amina@gov.example", fmt.Sprintf("Submission %d", i), "attached")
		m.Attachments = []store.InboundAttachment{
			{Filename: fmt.Sprintf("sub-%d.pdf", i), Data: []byte(fmt.Sprintf("%%PDF %d", i))},
			{Filename: fmt.Sprintf("annex-%d.docx", i), Data: []byte(fmt.Sprintf("PK annex %d", i))}}
		cs = append(cs, store.Contribution{ID: d.ingest(m)[0].ContributionID})
	}
	for i, c := range cs {
		cs[i] = d.waitCard(c.ID)
		d.waitUploaded(cs[i], 2)
	}
	for i, c := range cs {
		d.assertInThreadOnce(c, fmt.Sprintf("sub-%d.pdf", i), fmt.Sprintf("%%PDF %d", i), fmt.Sprintf("annex-%d.docx", i), fmt.Sprintf("PK annex %d", i))
	}
	for _, m := range []string{"files.getUploadURLExternal", "upload", "files.completeUploadExternal"} {
		if n := d.countCalls(m); n != 12 {
			t.Errorf("%d calls of %s, want 12", n, m)
		}
	}
}

// openFiles is a click on a card's Open files button.
func (d *desk) openFiles(user string, c store.Contribution) {
	d.interact(d.click(user, c, map[string]any{"block_id": fmt.Sprintf("files:%d", c.ID), "action_id": actOpenFiles,
		"type": "button", "value": itoa(c.ID)}))
}

// A file over the size limit or of a type held back waits for Open files; pressed, it
// is uploaded once, and the request is in the audit trail.
func TestOpenFilesUploadsHeldBackFiles(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: filesConfig})
	big := strings.Repeat("x", 100)
	c := d.withFiles("Submission with a big annex", "submission.pdf", "%PDF-1.4 submission", "annex.pdf", big, "tools.ZIP", "PK")
	d.waitUploaded(c, 1)
	d.waitUpdate(c, "📎 submission.pdf (19 B) · in thread", "📎 annex.pdf (100 B) · not uploaded: over 64 B — Open files",
		"📎 tools.ZIP (2 B) · not uploaded: .zip file — Open files", "Open files")
	if n := d.countCalls("files.getUploadURLExternal"); n != 1 {
		t.Fatalf("%d calls of files.getUploadURLExternal before Open files, want 1", n)
	}

	d.openFiles("U9", c) // not a member of the desk
	d.waitEphemeral("U9", "")
	d.openFiles("U1", c)
	d.waitEphemeral("U1", "Uploading annex.pdf, tools.ZIP into the card's thread.")
	d.waitUploaded(c, 3)
	d.openFiles("U2", c)
	d.waitEphemeral("U2", "no file left to upload")
	d.assertInThreadOnce(c, "submission.pdf", "%PDF-1.4 submission", "annex.pdf", big, "tools.ZIP", "PK")
	up := d.waitUpdate(c, "📎 annex.pdf (100 B) · in thread", "📎 tools.ZIP (2 B) · in thread", "asked for annex.pdf, tools.ZIP in the thread")
	if strings.Contains(joinedTexts(t, up.Param("blocks")), "Open files") {
		t.Error("the card still offers Open files with every file in the thread")
	}
	if n := d.countCalls("files.getUploadURLExternal"); n != 3 {
		t.Errorf("%d calls of files.getUploadURLExternal, want 3", n)
	}
	var asked []store.Event
	for _, e := range d.events(c.ID) {
		if e.Action == store.ActionFilesRequested {
			asked = append(asked, e)
		}
	}
	if len(asked) != 1 || asked[0].Actor != "slack:U1" {
		t.Fatalf("files_requested events %+v, want one by slack:U1", asked)
	}
}

// With WSISBOT_SLACK_UPLOAD_MAX_BYTES=0 nothing is uploaded without Open files.
func TestNoUploadsWithoutLimit(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{})
	d.withFiles("Submission", "submission.pdf", "%PDF-1.4")
	d.waitCall("the card", "chat.postMessage", func(call slacktest.Call) bool {
		return strings.Contains(joinedTexts(t, call.Param("blocks")), "📎 submission.pdf (8 B) · not uploaded: only on request — Open files")
	})
	d.contribution("A later one") // the outbox has moved on
	if n := d.countCalls("files.getUploadURLExternal"); n != 0 {
		t.Fatalf("%d uploads, want none", n)
	}
}

func TestUploadSettingsValidated(t *testing.T) {
	t.Parallel()
	base := Config{BotToken: testToken, SigningSecret: testSecret, Channel: testChannel, APIURL: "https://slack.com/api/"}
	for _, tc := range []struct {
		max   int64
		types []string
		want  string
	}{
		{-1, nil, "WSISBOT_SLACK_UPLOAD_MAX_BYTES"},
		{2 << 30, nil, "WSISBOT_SLACK_UPLOAD_MAX_BYTES"},
		{20 << 20, []string{"exe"}, "WSISBOT_SLACK_UPLOAD_SKIP_TYPES"},
		{20 << 20, []string{".tar gz"}, "WSISBOT_SLACK_UPLOAD_SKIP_TYPES"},
		{20 << 20, []string{".exe", ".tar.gz"}, ""},
	} {
		c := base
		c.UploadMaxBytes, c.UploadSkipTypes = tc.max, tc.types
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("max %d, types %q: %v, want %q", tc.max, tc.types, err, tc.want)
		}
	}
}

// A follow-up's attachment goes into the thread too, with the card's update.
func TestFollowUpAttachmentUploaded(t *testing.T) {
	t.Parallel()
	d := newDesk(t, deskOptions{config: filesConfig})
	first := d.email("amina@gov.example", "Thematic submission", "attached")
	first.Attachments = []store.InboundAttachment{{Filename: "submission.pdf", Data: []byte("%PDF v1")}}
	c := d.waitCard(d.ingest(first)[0].ContributionID)
	d.waitUploaded(c, 1)
	follow := d.email("amina@gov.example", "Re: Thematic submission", "the revised annex")
	follow.InReplyTo = first.MessageID
	follow.Attachments = []store.InboundAttachment{{Filename: "annex-v2.docx", Data: []byte("docx v2")}}
	d.ingest(follow)
	d.waitUploaded(c, 2)
	d.assertInThreadOnce(c, "submission.pdf", "%PDF v1", "annex-v2.docx", "docx v2")
	d.waitUpdate(c, "📎 submission.pdf (7 B) · in thread", "📎 annex-v2.docx (7 B) · in thread")
}
