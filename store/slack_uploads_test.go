package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
)

// Open files queues each held-back file once, whoever asks and however often, records who
// asked, and updates the card.
func TestRequestSlackUploads(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Big annex", "see attached", bqStart,
		store.InboundAttachment{Filename: "annex.zip", ContentType: "application/zip", Data: []byte("PK zip")},
		store.InboundAttachment{Filename: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF")})
	as, err := s.ContributionAttachments(ctx, c.ID)
	if err != nil || len(as) != 2 {
		t.Fatalf("attachments: %v, %v", as, err)
	}
	zip := as[0].ID
	var wg sync.WaitGroup
	queued := make([][]string, 4)
	for i := range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names, err := s.RequestSlackUploads(ctx, c.ID, []int64{zip}, "U1")
			if err != nil {
				t.Error(err)
			}
			queued[i] = names
		}()
	}
	wg.Wait()
	var all []string
	for _, q := range queued {
		all = append(all, q...)
	}
	if !slices.Equal(all, []string{"annex.zip"}) {
		t.Fatalf("files queued by four requests: %q, want annex.zip once", all)
	}
	items, err := s.OutboxItems(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	uploads, updates := 0, 0
	for _, it := range items {
		switch it.Kind {
		case store.OutboxSlackUpload:
			uploads++
			if it.IdempotencyKey != store.SlackUploadKey(c.ID, zip) {
				t.Errorf("upload item key %q", it.IdempotencyKey)
			}
		case store.OutboxSlackUpdate:
			updates++
		}
	}
	if uploads != 1 || updates != 1 {
		t.Fatalf("%d upload items and %d card updates, want 1 and 1", uploads, updates)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range evs {
		if e.Action == store.ActionFilesRequested {
			found++
			if e.Actor != "slack:U1" || !strings.Contains(string(e.Details), "annex.zip") {
				t.Errorf("event %+v", e)
			}
		}
	}
	if found != 1 {
		t.Fatalf("%d files_requested events, want 1", found)
	}
	u, err := s.SlackUpload(ctx, c.ID, zip)
	if err != nil || u.RequestedBy != "slack:U1" || u.RequestedAt == nil {
		t.Fatalf("upload row %+v, %v", u, err)
	}
	// An attachment of another contribution is not queued through this one.
	other := bqIngest(t, s, "b@gov.example", "Other", "x", bqStart, store.InboundAttachment{Filename: "x.pdf", Data: []byte("x")})
	oas, _ := s.ContributionAttachments(ctx, other.ID)
	if names, err := s.RequestSlackUploads(ctx, c.ID, []int64{oas[0].ID}, "U1"); err != nil || len(names) != 0 {
		t.Fatalf("another contribution's file: %q, %v", names, err)
	}
	if _, err := s.RequestSlackUploads(ctx, 999999, []int64{zip}, "U1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown contribution: %v, want ErrNotFound", err)
	}
}

// Each step of an upload is recorded; a new file id starts the later steps over, and
// forgetting it leaves the request.
func TestSlackUploadSteps(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Letter", "x", bqStart, store.InboundAttachment{Filename: "letter.pdf", Data: []byte("%PDF")})
	as, _ := s.ContributionAttachments(ctx, c.ID)
	aid := as[0].ID
	if _, err := s.SlackUpload(ctx, c.ID, aid); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("before any step: %v, want ErrNotFound", err)
	}
	at := time.Date(2019, 1, 21, 9, 0, 0, 0, time.UTC)
	step := func(name string) {
		t.Helper()
		if err := s.SlackUploadStep(ctx, c.ID, aid, name, at, "C1", "1.000001"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveSlackUploadURL(ctx, c.ID, aid, "F1", "https://files.example/u/1", at); err != nil {
		t.Fatal(err)
	}
	step(store.UploadSent)
	step(store.UploadComplete)
	u, err := s.SlackUpload(ctx, c.ID, aid)
	if err != nil || u.FileID != "F1" || u.SentAt == nil || u.CompleteStartedAt == nil || u.ThreadTS != "1.000001" || u.DoneAt != nil {
		t.Fatalf("after complete started: %+v, %v", u, err)
	}
	if err := s.SaveSlackUploadURL(ctx, c.ID, aid, "F2", "https://files.example/u/2", at); err != nil {
		t.Fatal(err)
	}
	if u, _ = s.SlackUpload(ctx, c.ID, aid); u.FileID != "F2" || u.SentAt != nil || u.CompleteStartedAt != nil {
		t.Fatalf("a new file id keeps earlier steps: %+v", u)
	}
	step(store.UploadForget)
	if u, _ = s.SlackUpload(ctx, c.ID, aid); u.FileID != "" || u.UploadURL != "" {
		t.Fatalf("forgotten: %+v", u)
	}
	if err := s.FinishSlackUpload(ctx, c.ID, aid, at, "C1", "1.000001"); err != nil {
		t.Fatal(err)
	}
	if us, err := s.SlackUploads(ctx, c.ID); err != nil || len(us) != 1 || us[0].DoneAt == nil {
		t.Fatalf("uploads: %+v, %v", us, err)
	}
	if err := s.FailSlackUpload(ctx, c.ID, aid, "Slack refused it"); err != nil {
		t.Fatal(err)
	}
	if u, _ = s.SlackUpload(ctx, c.ID, aid); u.Error != "Slack refused it" {
		t.Fatalf("failed: %+v", u)
	}
	if err := s.SlackUploadStep(ctx, c.ID, aid, "bogus", at, "", ""); err == nil {
		t.Fatal("an unknown step was accepted")
	}
}

// A failed upload is tried again at a request, once however many ask at the same time:
// its item starts afresh, its failure is cleared, the card is updated, and the retry is
// in the audit trail.
func TestRequestSlackUploadsRetriesAFailedUpload(t *testing.T) {
	t.Parallel()
	s, _ := bqStore(t)
	ctx := context.Background()
	c := bqIngest(t, s, "a@gov.example", "Big annex", "see attached", bqStart,
		store.InboundAttachment{Filename: "annex.zip", ContentType: "application/zip", Data: []byte("PK zip")})
	as, err := s.ContributionAttachments(ctx, c.ID)
	if err != nil || len(as) != 1 {
		t.Fatalf("attachments: %v, %v", as, err)
	}
	zip := as[0].ID
	if names, err := s.RequestSlackUploads(ctx, c.ID, []int64{zip}, "U1"); err != nil || len(names) != 1 {
		t.Fatalf("first request: %q %v", names, err)
	}
	ok, err := s.ProcessOutbox(ctx, []store.OutboxKind{store.OutboxSlackUpload}, func(ctx context.Context, it store.OutboxItem) (store.OutboxResult, error) {
		if err := s.FailSlackUpload(ctx, c.ID, zip, "Slack refused it: file_type_not_allowed"); err != nil {
			return store.OutboxResult{}, err
		}
		return store.OutboxResult{}, store.Permanent(errors.New("file_type_not_allowed"))
	})
	if !ok || err != nil {
		t.Fatalf("the failing upload: %v %v", ok, err)
	}
	updates := func() int {
		n := 0
		items, err := s.OutboxItems(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if strings.HasPrefix(it.IdempotencyKey, "update:") && strings.Contains(it.IdempotencyKey, ":upload-failed:") {
				n++
			}
		}
		return n
	}
	if n := updates(); n != 1 {
		t.Fatalf("%d card updates for the failure, want 1", n)
	}
	var wg sync.WaitGroup
	queued := make([][]string, 4)
	for i := range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			names, err := s.RequestSlackUploads(ctx, c.ID, []int64{zip}, "U2")
			if err != nil {
				t.Error(err)
			}
			queued[i] = names
		}()
	}
	wg.Wait()
	var all []string
	for _, q := range queued {
		all = append(all, q...)
	}
	if !slices.Equal(all, []string{"annex.zip"}) {
		t.Fatalf("files tried again by four requests: %q, want annex.zip once", all)
	}
	var item store.OutboxItem
	for _, it := range outboxKeys(t, s, c.ID) {
		if it.Kind == store.OutboxSlackUpload {
			item = it
		}
	}
	if item.FailedAt != nil || item.DoneAt != nil || item.Attempts != 0 || item.LastError != "" {
		t.Fatalf("the upload item tried again: %+v", item)
	}
	if u, err := s.SlackUpload(ctx, c.ID, zip); err != nil || u.Error != "" || u.RequestedBy != "slack:U2" {
		t.Fatalf("the upload tried again: %+v %v", u, err)
	}
	evs, err := s.Events(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var retries int
	for _, e := range evs {
		if e.Action == store.ActionFilesRequested && strings.Contains(string(e.Details), `"retried": ["annex.zip"]`) {
			retries++
		}
	}
	if retries != 1 {
		t.Fatalf("%d retries in the audit trail, want 1", retries)
	}
}
