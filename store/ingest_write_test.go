package store

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// Each row the writer makes has one value per column of its table's list, in a
// statement PostgreSQL numbers as it should.
func TestWriterRowsFitTheirColumns(t *testing.T) {
	now := time.Now()
	m := inbound(nil)
	msg, err := inboundRow(m, 1, MsgContribution, "", now, now)
	if err != nil {
		t.Fatal(err)
	}
	c := decideContext(nil).decideContribution(m, now, "")
	for _, tt := range []struct {
		table table
		row   []any
	}{
		{messagesTable, msg.values()},
		{contributionsTable, contributionValues(c, m)},
		{eventsTable, eventValues(1, now, "a", ActionReceive, "", StatusReceived, "{}")},
		{outboxTable, outboxValues(OutboxSlackCard, "card:1", 1, 1, "{}", now)},
		{attachmentsTable, attachmentValues(1, 0, InboundAttachment{Filename: "a.pdf"})},
		{blobsTable, []any{"sha", int64(1), []byte("x")}},
	} {
		if len(tt.row) != len(tt.table.columns) {
			t.Errorf("%s: %d values for %d columns", tt.table.name, len(tt.row), len(tt.table.columns))
		}
		q := tt.table.insertSQL(true, 2, "")
		last := "$" + strconv.Itoa(2*(len(tt.table.columns)+1)) + ")"
		if !strings.HasSuffix(q, last) || !strings.Contains(q, "(id, ") {
			t.Errorf("%s: %s", tt.table.name, q)
		}
	}
}
