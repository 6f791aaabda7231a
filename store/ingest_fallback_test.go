package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// A message the database refuses to store as it is is stored again as quarantined, and
// the rest of its batch as it is: the rows queued for the refused message are dropped
// with its savepoint, not written again with the next message (which then failed too,
// and the batch with it, again at every try: the intake stuck on one message).
func TestRefusedMessageIsQuarantinedAndTheBatchStored(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	// The database refuses this one contribution, as it would a value past one of its
	// limits.
	if _, err := s.DB().ExecContext(ctx, `CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.subject = 'Refuse me' THEN RAISE EXCEPTION 'refused for the test'; END IF;
			RETURN NEW;
		END $$;
		CREATE TRIGGER refuse_one BEFORE INSERT ON contributions FOR EACH ROW EXECUTE FUNCTION refuse_one()`); err != nil {
		t.Fatal(err)
	}
	bad := inbound("crafted@gov.example", "Refuse me")
	msgs := []store.Inbound{
		inbound("first@gov.example", "First"),
		bad,
		inbound("last@gov.example", "Last"),
	}
	res, err := s.Ingest(ctx, store.IngestBatch{Mailbox: "INBOX", UIDValidity: 1, LastUID: msgs[2].UID, Messages: msgs}, store.DefaultIngestPolicy())
	if err != nil {
		t.Fatalf("the batch was not stored: %v", err)
	}
	if !res[0].NewContrib || !res[2].NewContrib {
		t.Errorf("the good messages: %+v, %+v; want new contributions", res[0], res[2])
	}
	if res[1].Kind != store.MsgQuarantined || !strings.Contains(res[1].Reason, "could not be stored") {
		t.Errorf("the refused message: %+v; want quarantined, saying it could not be stored", res[1])
	}
	var n struct {
		Contributions int `db:"contributions"`
		Messages      int `db:"messages"`
		Quarantined   int `db:"quarantined"`
	}
	if err := s.DB().Get(&n, `SELECT (SELECT count(*) FROM contributions) AS contributions,
		(SELECT count(*) FROM messages) AS messages,
		(SELECT count(*) FROM messages WHERE kind = 'quarantined') AS quarantined`); err != nil {
		t.Fatal(err)
	}
	if n.Contributions != 2 || n.Messages != 3 || n.Quarantined != 1 {
		t.Errorf("stored %+v; want 2 contributions, 3 messages, 1 quarantined", n)
	}
}
