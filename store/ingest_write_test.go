package store

import (
	"slices"
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

// An INSERT carries at least one row, at most insertChunk, and no more bytes than
// insertBytes unless its one row does; the chunks take the rows in order.
func TestChunkRows(t *testing.T) {
	row := func(text, data int) []any {
		return []any{int64(1), strings.Repeat("t", text), make([]byte, data), nil}
	}
	var rows [][]any
	for range 60 {
		rows = append(rows, row(20, 0))
	}
	for i := range 300 {
		switch {
		case i%50 == 7:
			rows = append(rows, row(10, 3*insertBytes)) // larger than a chunk alone
		case i%3 == 0:
			rows = append(rows, row(2000, 5000))
		default:
			rows = append(rows, row(20, 0))
		}
	}
	rows = append(rows, row(insertBytes, 0), row(1, 0))
	var sizes []int
	for rest := rows; len(rest) > 0; {
		n := chunkRows(rest)
		if n < 1 || n > insertChunk || n > len(rest) {
			t.Fatalf("chunk of %d rows out of %d", n, len(rest))
		}
		size := 0
		for _, r := range rest[:n] {
			size += len(r[1].(string)) + len(r[2].([]byte))
		}
		if n > 1 && size > insertBytes {
			t.Fatalf("chunk of %d rows carries %d bytes", n, size)
		}
		if n < len(rest) && n < insertChunk {
			next := len(rest[n][1].(string)) + len(rest[n][2].([]byte))
			if size+next <= insertBytes {
				t.Fatalf("chunk of %d rows (%d bytes) left out a row of %d bytes that fits", n, size, next)
			}
		}
		sizes = append(sizes, n)
		rest = rest[n:]
	}
	if len(sizes) < 10 || slices.Max(sizes) != insertChunk {
		t.Fatalf("chunks: %v", sizes)
	}
}
