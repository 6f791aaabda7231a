package store

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/lib/pq"
)

// copyRows writes rows into t with COPY, on conn, inside the transaction open on it.
// The rows are encoded here, in COPY's text format, and handed to lib/pq a chunk at a
// time (its CopyData). Its own encoder, behind database/sql's Stmt.Exec, escapes text
// one byte at a time and writes bytea as hex that it escapes again: over the backlog of
// BenchmarkIngestStages (5,000 messages), COPY cost the store stage 0.46 s of CPU that
// way and 0.22 s this way, on the one goroutine every batch waits for (profiles of five
// runs each). Its statement is not in namedQueries: lib/pq starts a COPY in the
// transaction that prepares it, and only there.
func copyRows(ctx context.Context, conn *sql.Conn, t table, withID bool, rows [][]any) error {
	err := conn.Raw(func(dc any) error {
		prep, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("driver %T cannot prepare with a context", dc)
		}
		st, err := prep.PrepareContext(ctx, t.copySQL(withID))
		if err != nil {
			return err
		}
		cp, ok := st.(copyDataStmt)
		if !ok {
			st.Close()
			return fmt.Errorf("driver statement %T takes no COPY data", st)
		}
		if err := sendRows(ctx, cp, rows); err != nil {
			st.Close() // ends the COPY; the transaction fails with err
			return err
		}
		// Close ends the COPY and reports what the server said of the rows.
		return st.Close()
	})
	if err != nil {
		return fmt.Errorf("copy %s: %w", t.name, err)
	}
	return nil
}

// copyDataStmt is lib/pq's COPY statement: CopyData adds lines to the stream (a newline
// after each), Close ends it and returns the server's error.
type copyDataStmt interface {
	CopyData(ctx context.Context, lines string) (driver.Result, error)
}

// copyChunk is about how many bytes of rows sendRows hands lib/pq at once: about what
// lib/pq sends in one message (it sends when its buffer passes 63 KiB).
const copyChunk = 64 << 10

// sendRows encodes rows and hands them to cp by chunks of whole rows, in one buffer.
// CopyData appends the chunk to lib/pq's own buffer before it returns and keeps no
// reference to it, so the chunk is handed over as a string over the buffer's bytes
// (unsafe.String) rather than copied into a new one: that copy of every byte sent, into
// memory the caches did not hold, was 0.1 s of the store's CPU per 5,000 messages. The
// buffer is not written again until CopyData has returned; TestCopyRowsSendsManyChunks
// would see rows change if lib/pq ever kept them.
func sendRows(ctx context.Context, cp copyDataStmt, rows [][]any) error {
	buf := make([]byte, 0, copyChunk+copyChunk/4)
	send := func() error {
		if len(buf) == 0 {
			return nil
		}
		// Without the last row's newline: CopyData adds one.
		_, err := cp.CopyData(ctx, unsafe.String(&buf[0], len(buf)-1))
		buf = buf[:0]
		return err
	}
	for _, r := range rows {
		var err error
		if buf, err = appendCopyRow(buf, r); err != nil {
			return err
		}
		if len(buf) >= copyChunk {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// appendCopyRow appends row to buf as one line of COPY's text format: the values
// separated by tabs, NULL as \N, a newline at the end. Each value is first what
// database/sql would have made of it for lib/pq (see copyValue).
func appendCopyRow(buf []byte, row []any) ([]byte, error) {
	for i, v := range row {
		if i > 0 {
			buf = append(buf, '\t')
		}
		dv, err := copyValue(v)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i+1, err)
		}
		switch dv := dv.(type) {
		case nil:
			buf = append(buf, `\N`...)
		case string:
			buf = appendCopyText(buf, dv)
		case []byte:
			buf = appendCopyBytea(buf, dv)
		case int64:
			buf = strconv.AppendInt(buf, dv, 10)
		case float64:
			buf = strconv.AppendFloat(buf, dv, 'f', -1, 64)
		case bool:
			buf = strconv.AppendBool(buf, dv)
		case time.Time:
			buf = appendCopyTime(buf, dv)
		default:
			return nil, fmt.Errorf("column %d: cannot copy a %T", i+1, dv)
		}
	}
	return append(buf, '\n'), nil
}

// copyValue is v as database/sql hands it to lib/pq: a driver.Value from a Valuer or a
// pointer (nil for a nil one), a slice other than bytes as a PostgreSQL array (lib/pq's
// CheckNamedValue), and the basic kinds as their driver types.
func copyValue(v any) (driver.Value, error) {
	switch v := v.(type) {
	case nil, string, []byte, int64, float64, bool, time.Time:
		return v, nil
	case *string:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	case *int64:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	case *time.Time:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	case driver.Valuer:
		return driver.DefaultParameterConverter.ConvertValue(v)
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8 {
		return pq.Array(rv.Interface()).Value()
	}
	return driver.DefaultParameterConverter.ConvertValue(v)
}

// appendCopyTime appends t as lib/pq writes a timestamp (pq.FormatTimestamp), without
// making a string of it first when it can: in a year of our era, in a zone of whole
// minutes.
func appendCopyTime(buf []byte, t time.Time) []byte {
	if _, offset := t.Zone(); t.Year() <= 0 || offset%60 != 0 {
		return append(buf, pq.FormatTimestamp(t)...)
	}
	return t.AppendFormat(buf, "2006-01-02 15:04:05.999999999Z07:00")
}

// copyEscapes are the bytes COPY's text format escapes, each with the letter that
// follows its backslash: the delimiter (tab), the line ends and the backslash.
var copyEscapes = [256]byte{'\\': '\\', '\n': 'n', '\r': 'r', '\t': 't'}

// appendCopyText appends s with COPY's escapes, copying the runs between them whole.
// (A loop that looked at eight bytes at a time for one to escape was slower: 1.6 against
// 2.1 GB/s on lines of mail, BenchmarkAppendCopyText.)
func appendCopyText[T string | []byte](buf []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if e := copyEscapes[s[i]]; e != 0 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', e)
			start = i + 1
		}
	}
	return append(buf, s[start:]...)
}

// appendCopyBytea appends b as a bytea value of COPY's text format. Bytes that are valid
// UTF-8 without NUL or backslash are bytea's escape format of themselves: most mail is
// 7-bit ASCII, so it travels as it is, with only COPY's own escapes. The server parses
// that format more slowly than hex, but over a backlog stored by serve its CPU was
// still lower this way (1.38–1.42 s against 1.51–1.89 s for 5,000 messages): it is half
// the bytes to send. Anything else is sent in the hex format (\x and two digits a
// byte, the backslash doubled for COPY).
func appendCopyBytea(buf []byte, b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 && bytes.IndexByte(b, 0) < 0 && utf8.Valid(b) {
		return appendCopyText(buf, b)
	}
	buf = append(buf, `\\x`...)
	return hex.AppendEncode(buf, b)
}
