package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// AckSubject reads in one statement what Contribution, Messages and Attachments read one
// by one: the same contribution, its first inbound message (or the one named) and that
// message's attachments, in order. Of the message, all but its bodies, headers,
// warnings and recipients, which an acknowledgement never reads.
func TestAckSubjectReadsWhatTheReadsOneByOneRead(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	first := inbound("minister@gov.example", "Thematic submission")
	first.Attachments = []store.InboundAttachment{
		{Filename: "submission.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 one")},
		{Filename: "annex.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: []byte("PK annex")},
	}
	res := ingest(t, s, first)
	cid := res[0].ContributionID
	c, err := s.Contribution(ctx, cid)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := s.Messages(ctx, cid)
	if err != nil || len(ms) != 1 {
		t.Fatalf("messages: %v, %d", err, len(ms))
	}
	atts, err := s.Attachments(ctx, ms[0].ID)
	if err != nil || len(atts) != 2 {
		t.Fatalf("attachments: %v, %d", err, len(atts))
	}
	for _, id := range []*int64{nil, &ms[0].ID} {
		got, err := s.AckSubject(ctx, cid, id)
		if err != nil {
			t.Fatalf("AckSubject(%d, %v): %v", cid, id, err)
		}
		if !reflect.DeepEqual(got.Contribution, c) {
			t.Errorf("contribution:\n got %+v\nwant %+v", got.Contribution, c)
		}
		want := ms[0]
		if want.Text == "" || want.Headers == nil {
			t.Fatalf("the message read one by one has no body or headers: %+v", want)
		}
		want.To, want.Cc, want.Headers, want.Text, want.FreshText, want.HTML, want.Warnings = "", "", nil, "", "", "", nil
		if !reflect.DeepEqual(got.Message, want) {
			t.Errorf("message:\n got %+v\nwant %+v", got.Message, want)
		}
		if !reflect.DeepEqual(got.Attachments, atts) {
			t.Errorf("attachments:\n got %+v\nwant %+v", got.Attachments, atts)
		}
	}
	// Without attachments: none, not an error.
	res = ingest(t, s, inbound("ngo@example.org", "Our input"))
	got, err := s.AckSubject(ctx, res[0].ContributionID, nil)
	if err != nil || len(got.Attachments) != 0 || got.Contribution.ID != res[0].ContributionID || got.Message.ContributionID == nil {
		t.Errorf("without attachments: %+v, %v", got, err)
	}
	// A contribution or a message that is not there.
	missing := int64(1 << 40)
	if _, err := s.AckSubject(ctx, missing, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such contribution: %v, want ErrNotFound", err)
	}
	if _, err := s.AckSubject(ctx, cid, &missing); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no such message: %v, want ErrNotFound", err)
	}
}
