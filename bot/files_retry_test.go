package bot

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

// refusingUploads answers files.getUploadURLExternal with Slack's error code while
// refuse is above zero (one call each).
func refusingUploads(refuse *atomic.Int32, code string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/files.getUploadURLExternal") && refuse.Add(-1) >= 0 {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"ok":false,"error":"` + code + `"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// filesRequested are the files_requested events of c.
func (d *desk) filesRequested(c store.Contribution) []store.Event {
	d.t.Helper()
	var out []store.Event
	for _, e := range d.events(c.ID) {
		if e.Action == store.ActionFilesRequested {
			out = append(out, e)
		}
	}
	return out
}

// An upload Slack refused: the card says so and offers Open files; pressed, the file is
// tried again, once, and the retry is in the audit trail.
func TestOpenFilesTriesARefusedUploadAgain(t *testing.T) {
	t.Parallel()
	var refuse atomic.Int32
	refuse.Store(1)
	d := newDesk(t, deskOptions{config: filesConfig, wrap: refusingUploads(&refuse, "file_uploads_disabled")})
	c := d.withFiles("Submission Slack refused", "submission.pdf", "%PDF-1.4 refused")
	d.waitUpdate(c, "📎 submission.pdf (16 B) · *not uploaded:* Slack refused it: file_uploads_disabled — Open files to try again", "Open files")

	d.openFiles("U1", c)
	d.waitEphemeral("U1", "Uploading submission.pdf into the card's thread.")
	d.waitUploaded(c, 1)
	d.assertInThreadOnce(c, "submission.pdf", "%PDF-1.4 refused")
	up := d.waitUpdate(c, "📎 submission.pdf (16 B) · in thread", "asked to try submission.pdf again")
	if strings.Contains(joinedTexts(t, up.Param("blocks")), "Open files") {
		t.Error("the card still offers Open files with the file in the thread")
	}
	d.openFiles("U2", c)
	d.waitEphemeral("U2", "no file left to upload")
	// The refusal never reached the stand-in: it records the call tried again, once.
	if n := d.countCalls("files.getUploadURLExternal"); n != 1 || refuse.Load() >= 0 {
		t.Errorf("%d calls of files.getUploadURLExternal past the refusal (refusals left %d), want 1", n, refuse.Load())
	}
	if asked := d.filesRequested(c); len(asked) != 1 || asked[0].Actor != "slack:U1" || !strings.Contains(string(asked[0].Details), `"retried"`) {
		t.Fatalf("files_requested events %+v, want one retry by slack:U1", asked)
	}
}

// An upload that ran out of attempts on temporary errors: the card stops saying it is
// on its way, says it failed and offers Open files, which tries it again, once per press.
func TestOpenFilesTriesAnUploadOutOfAttemptsAgain(t *testing.T) {
	t.Parallel()
	var refuse atomic.Int32
	refuse.Store(1 << 20)
	d := newDesk(t, deskOptions{config: filesConfig, wrap: refusingUploads(&refuse, "internal_error")})
	c := d.withFiles("Submission out of attempts", "submission.pdf", "%PDF-1.4 attempts")
	storetest.Eventually(t, 10*time.Second, "a first failed attempt", func() bool {
		var n int
		err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'slack_upload' AND attempts > 0`)
		return err == nil && n == 1
	})
	// The attempts between, each after its backoff, are skipped: the next is the last.
	if _, err := d.st.DB().Exec(`UPDATE outbox SET attempts = $1, next_attempt_at = created_at WHERE kind = 'slack_upload'`,
		store.MaxOutboxAttempts-1); err != nil {
		t.Fatal(err)
	}
	storetest.Eventually(t, 10*time.Second, "the upload to fail for good", func() bool {
		var n int
		err := d.st.DB().Get(&n, `SELECT count(*) FROM outbox WHERE kind = 'slack_upload' AND failed_at IS NOT NULL`)
		return err == nil && n == 1
	})
	up := d.waitUpdate(c, "📎 submission.pdf (17 B) · *not uploaded:* upload failed after 12 attempts", "internal_error", "— Open files to try again")
	if strings.Contains(joinedTexts(t, up.Param("blocks")), "uploading to the thread") {
		t.Error("the card still says the file is on its way")
	}

	refuse.Store(0)
	d.openFiles("U1", c)
	d.waitEphemeral("U1", "Uploading submission.pdf into the card's thread.")
	d.openFiles("U2", c) // pressed again while it is on its way: nothing more
	d.waitEphemeral("U2", "")
	d.waitUploaded(c, 1)
	d.assertInThreadOnce(c, "submission.pdf", "%PDF-1.4 attempts")
	d.waitUpdate(c, "📎 submission.pdf (17 B) · in thread", "asked to try submission.pdf again")
	if asked := d.filesRequested(c); len(asked) != 1 {
		t.Fatalf("files_requested events %+v, want one", asked)
	}
	var it struct {
		Attempts int  `db:"attempts"`
		Done     bool `db:"done"`
	}
	if err := d.st.DB().Get(&it, `SELECT attempts, done_at IS NOT NULL AS done FROM outbox WHERE kind = 'slack_upload'`); err != nil || !it.Done || it.Attempts != 1 {
		t.Fatalf("the upload item after the retry: %+v %v; want done at its first attempt", it, err)
	}
}
