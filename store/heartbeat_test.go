package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/wsis/wsisbot/store"
	"github.com/wsis/wsisbot/store/storetest"
)

func TestIntakeHeartbeat(t *testing.T) {
	s, _ := storetest.New(t)
	ctx := context.Background()
	const mb = "imap.example.org:993/wsis/INBOX"
	h, err := s.IntakeHealth(ctx, mb)
	if err != nil || h.Reported || h.Fresh(time.Minute) {
		t.Fatalf("before any beat: %+v, %v", h, err)
	}
	beat := func(b store.IntakeBeat) store.IntakeHealth {
		t.Helper()
		b.Mailbox = mb
		if err := s.BeatIntake(ctx, b); err != nil {
			t.Fatal(err)
		}
		h, err := s.IntakeHealth(ctx, mb)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h = beat(store.IntakeBeat{Replica: "r1", LastError: "login refused"})
	if !h.Fresh(time.Minute) || h.Reading(time.Minute) || h.Succeeded || h.LastError != "login refused" || h.Replica != "r1" {
		t.Fatalf("refused: %+v", h)
	}
	h = beat(store.IntakeBeat{Replica: "r2", Connected: true})
	if !h.Reading(time.Minute) || !h.Succeeded || h.SuccessAge > time.Minute || h.Replica != "r2" {
		t.Fatalf("connected: %+v", h)
	}
	// The last success is kept when the mailbox goes down, whoever reports it.
	if _, err := s.DB().Exec(`UPDATE intake_heartbeats SET beat_at = beat_at - interval '1 hour', last_success_at = last_success_at - interval '1 hour'`); err != nil {
		t.Fatal(err)
	}
	h, err = s.IntakeHealth(ctx, mb)
	if err != nil || h.Fresh(time.Minute) || h.Reading(time.Minute) || h.BeatAge < 59*time.Minute {
		t.Fatalf("an hour-old beat: %+v, %v", h, err)
	}
	h = beat(store.IntakeBeat{Replica: "r3", LastError: "mailbox missing"})
	if h.Reading(time.Minute) || !h.Succeeded || h.SuccessAge < 59*time.Minute || h.LastError != "mailbox missing" {
		t.Fatalf("down after an hour: %+v", h)
	}
}
