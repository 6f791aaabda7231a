package slacktest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

// The external upload as Slack checks it: a file name and a length first, the bytes as
// long as announced, only an uploaded file completed, in a channel that exists, posted as
// a file message in the thread; files.info tells where it is shared.
func TestExternalUpload(t *testing.T) {
	t.Parallel()
	si := New(Options{Token: "xoxb-right"})
	srv := httptest.NewServer(si)
	defer srv.Close()
	api := slack.New("xoxb-right", slack.OptionAPIURL(srv.URL+"/"))
	ctx := context.Background()
	_, card, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("card", false))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []slack.GetUploadURLExternalParameters{{FileName: "", FileSize: 3}, {FileName: "a.pdf", FileSize: MaxUploadBytes + 1}} {
		if _, err := api.GetUploadURLExternalContext(ctx, p); err == nil {
			t.Errorf("getUploadURLExternal %+v accepted", p)
		}
	}
	if code := errorCode(func() error {
		_, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "a.pdf", FileSize: MaxUploadBytes + 1})
		return err
	}()); code != "file_upload_size_restricted" {
		t.Errorf("too large: %q", code)
	}
	u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "a.pdf", FileSize: 4})
	if err != nil || u.FileID == "" || !strings.HasPrefix(u.UploadURL, srv.URL+"/_upload/") {
		t.Fatalf("upload url: %+v, %v", u, err)
	}
	complete := func(channel, thread string) error {
		_, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
			Files: []slack.FileSummary{{ID: u.FileID, Title: "A"}}, Channel: channel, ThreadTimestamp: thread})
		return err
	}
	if err := complete("C1", card); errorCode(err) != "file_not_found" {
		t.Errorf("completed before its bytes: %v", err)
	}
	var sc slack.StatusCodeError
	err = api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Content: "too long", Filename: "a.pdf"})
	if !errors.As(err, &sc) || sc.Code != http.StatusBadRequest {
		t.Errorf("bytes longer than announced: %v", err)
	}
	if err := api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Content: "%PDF", Filename: "a.pdf"}); err != nil {
		t.Fatalf("upload: %v", err)
	}
	si.DeleteChannel("C404")
	if err := complete("C404", ""); errorCode(err) != "channel_not_found" {
		t.Errorf("deleted channel: %v", err)
	}
	if err := complete("C1", "123.456"); errorCode(err) != "invalid_thread_ts" {
		t.Errorf("unknown thread: %v", err)
	}
	if _, _, _, err := api.GetFileInfoContext(ctx, "F999999", 0, 0); errorCode(err) != "file_not_found" {
		t.Errorf("files.info of an unknown file: %v", err)
	}
	f, _, _, err := api.GetFileInfoContext(ctx, u.FileID, 0, 0)
	if err != nil || len(f.Shares.Public["C1"]) != 0 {
		t.Fatalf("files.info before sharing: %+v, %v", f, err)
	}
	si.LoseNext("files.completeUploadExternal", 1)
	if err := complete("C1", card); !errors.As(err, &sc) || sc.Code != http.StatusInternalServerError {
		t.Fatalf("lost answer: %v", err)
	}
	msgs := si.FileMessages(u.FileID)
	if len(msgs) != 1 || msgs[0].ThreadTS != card || msgs[0].Channel != "C1" {
		t.Fatalf("file messages %+v, want one in the thread of %s", msgs, card)
	}
	f, _, _, err = api.GetFileInfoContext(ctx, u.FileID, 0, 0)
	if err != nil || len(f.Shares.Public["C1"]) != 1 || f.Shares.Public["C1"][0].ThreadTs != card {
		t.Fatalf("files.info after sharing: %+v, %v", f.Shares, err)
	}
	if err := complete("C1", card); err != nil {
		t.Fatal(err)
	}
	if n := len(si.FileMessages(u.FileID)); n != 2 {
		t.Fatalf("completing again shares again: %d messages, want 2", n)
	}
	counts := si.CallCounts()
	if counts["files.getUploadURLExternal"] != 3 || counts["upload"] != 2 || counts["files.completeUploadExternal"] != 5 || counts["files.info"] != 3 {
		t.Errorf("calls %v", counts)
	}
}
