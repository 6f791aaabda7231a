// Package archive reads mail archives one message at a time: mbox files (mboxrd and
// mboxo, Thunderbird's files without extension included), Maildir folders (new and cur)
// and .eml files (an Outlook or Thunderbird export), folders walked recursively. It only
// reads: parsing and storing are mailin's. Memory does not grow with an archive: an mbox
// file is read line by line, and a message over the size limit keeps its first bytes.
package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Message is one message read from an archive.
type Message struct {
	// Raw is the message as RFC 5322 has it: lines end in CRLF; from an mbox file, without
	// its "From " line and with the ">From " escaping undone (mboxrd: one ">" less).
	Raw []byte
	// Received is when the message reached its mailbox, when the archive says: the date
	// of the mbox "From " line, or the time a Maildir file name starts with. Zero otherwise.
	Received time.Time
	// FileTime is the modification time of the file the message was read from.
	FileTime time.Time
	// Origin says where the message is: the file, and for an mbox file the line its
	// "From " line is on ("archive.mbox:1042").
	Origin string
	// Size is the message's size in the archive; when it is over the limit, Truncated is
	// set and Raw holds its first bytes only.
	Size      int64
	Truncated bool
}

// Format is the kind of a source.
type Format int

// The formats a source can have.
const (
	Mbox    Format = iota // many messages, each after a "From " line
	Single                // one message: an .eml file or a file of a Maildir
	Maildir               // one message, in a Maildir (its name may carry the date)
)

func (f Format) String() string {
	switch f {
	case Mbox:
		return "mbox"
	case Maildir:
		return "maildir"
	}
	return "eml"
}

// Source is one file of an archive.
type Source struct {
	Path   string
	Format Format
	Size   int64
}

// Skipped is a file found in a folder that is not mail, and why.
type Skipped struct {
	Path   string
	Reason string
}

// Scan lists the sources under paths, in order: a folder with cur and new sub-folders is
// a Maildir (both read, tmp is not), any other folder is walked (sorted, recursively);
// a file that starts with "From " is an mbox file, whatever its name; in a folder
// walked, other files are messages when their name ends in .eml, and skipped otherwise
// (Thunderbird's .msf indexes, say); a file named on its own is one message.
func Scan(paths []string) ([]Source, []Skipped, error) {
	var out []Source
	var skipped []Skipped
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("archive: %w", err)
		}
		if !fi.IsDir() {
			f, err := sniff(p)
			if err != nil {
				return nil, nil, err
			}
			if f != Mbox {
				f = Single
			}
			out = append(out, Source{Path: p, Format: f, Size: fi.Size()})
			continue
		}
		err = walkDir(p, &out, &skipped)
		if err != nil {
			return nil, nil, err
		}
	}
	return out, skipped, nil
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		fi, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

func walkDir(dir string, out *[]Source, skipped *[]Skipped) error {
	if isMaildir(dir) {
		for _, sub := range []string{"new", "cur"} {
			entries, err := os.ReadDir(filepath.Join(dir, sub))
			if err != nil {
				return fmt.Errorf("archive: %w", err)
			}
			for _, e := range entries {
				if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
					continue
				}
				info, err := e.Info()
				if err != nil {
					return fmt.Errorf("archive: %w", err)
				}
				*out = append(*out, Source{Path: filepath.Join(dir, sub, e.Name()), Format: Maildir, Size: info.Size()})
			}
		}
		// A Maildir++ folder holds its sub-folders as .Name Maildirs beside cur and new.
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() && strings.HasPrefix(e.Name(), ".") && isMaildir(filepath.Join(dir, e.Name())) {
				if err := walkDir(filepath.Join(dir, e.Name()), out, skipped); err != nil {
					return err
				}
			}
		}
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() {
			if err := walkDir(p, out, skipped); err != nil {
				return err
			}
			continue
		}
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if info.Size() == 0 {
			continue // Thunderbird keeps empty mbox files for empty folders
		}
		f, err := sniff(p)
		if err != nil {
			return err
		}
		switch {
		case f == Mbox:
		case strings.EqualFold(filepath.Ext(p), ".eml"):
			f = Single
		default:
			*skipped = append(*skipped, Skipped{Path: p, Reason: "neither an mbox file (no \"From \" line first) nor an .eml file"})
			continue
		}
		*out = append(*out, Source{Path: p, Format: f, Size: info.Size()})
	}
	return nil
}

// sniff says Mbox when the file starts with "From ", else Single.
func sniff(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	head := make([]byte, 5)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, fmt.Errorf("archive: %s: %w", path, err)
	}
	if string(head[:n]) == "From " {
		return Mbox, nil
	}
	return Single, nil
}

// Reader reads the messages of sources, one at a time.
type Reader struct {
	sources  []Source
	maxBytes int64
	next     int // the next source to open

	file    *os.File
	mtime   time.Time
	src     Source
	mbox    *mboxReader
	done    int64 // bytes of the sources finished
	counted *countingReader
}

// NewReader reads the messages of sources; a message over maxBytes (0: no limit) keeps
// its first maxBytes bytes and is marked Truncated.
func NewReader(sources []Source, maxBytes int64) *Reader {
	return &Reader{sources: sources, maxBytes: maxBytes}
}

// BytesRead is how much of the sources has been read so far.
func (r *Reader) BytesRead() int64 {
	if r.counted != nil {
		return r.done + r.counted.n
	}
	return r.done
}

// Next returns the next message; io.EOF after the last.
func (r *Reader) Next() (Message, error) {
	for {
		if r.mbox != nil {
			m, err := r.mbox.next()
			if err == nil {
				m.FileTime = r.mtime
				return m, nil
			}
			if !errors.Is(err, io.EOF) {
				return Message{}, fmt.Errorf("archive: %s: %w", r.src.Path, err)
			}
			r.closeFile()
			continue
		}
		if r.next >= len(r.sources) {
			return Message{}, io.EOF
		}
		src := r.sources[r.next]
		r.next++
		if src.Format == Mbox {
			if err := r.openMbox(src); err != nil {
				return Message{}, err
			}
			continue
		}
		m, err := r.readSingle(src)
		r.done += src.Size
		if err != nil {
			return Message{}, err
		}
		return m, nil
	}
}

// Close closes the file being read, if any.
func (r *Reader) Close() error {
	r.closeFile()
	return nil
}

func (r *Reader) closeFile() {
	if r.file != nil {
		r.file.Close()
	}
	if r.counted != nil {
		r.done += r.counted.n
	}
	r.file, r.mbox, r.counted = nil, nil, nil
}

func (r *Reader) openMbox(src Source) error {
	f, err := os.Open(src.Path)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("archive: %w", err)
	}
	r.file, r.src, r.mtime = f, src, fi.ModTime()
	r.counted = &countingReader{r: f}
	r.mbox = newMboxReader(r.counted, src.Path, r.maxBytes)
	return nil
}

// readSingle reads a file holding one message, at most maxBytes of it.
func (r *Reader) readSingle(src Source) (Message, error) {
	f, err := os.Open(src.Path)
	if err != nil {
		return Message{}, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Message{}, fmt.Errorf("archive: %w", err)
	}
	var rd io.Reader = f
	if r.maxBytes > 0 {
		rd = io.LimitReader(f, r.maxBytes)
	}
	data, err := io.ReadAll(rd)
	if err != nil {
		return Message{}, fmt.Errorf("archive: %s: %w", src.Path, err)
	}
	m := Message{Raw: toCRLF(data), FileTime: fi.ModTime(), Origin: src.Path, Size: fi.Size(),
		Truncated: r.maxBytes > 0 && fi.Size() > r.maxBytes}
	if src.Format == Maildir {
		m.Received = maildirTime(filepath.Base(src.Path))
	}
	return m, nil
}

// maildirTime reads the delivery time a Maildir file name starts with
// ("1545730000.M20P1.host:2,S"); zero when it does not.
func maildirTime(name string) time.Time {
	secs, _, _ := strings.Cut(name, ".")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// toCRLF ends every line in CRLF (a bare LF becomes CRLF; a CRLF stays).
func toCRLF(b []byte) []byte {
	bare := 0
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			bare++
		}
	}
	if bare == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+bare)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// mboxReader splits an mbox stream into messages. A message starts at a "From " line
// that is the first line of the file, or follows an empty line and carries a date
// ("From sender Tue Dec  1 09:47:18 2026"): a "From " line inside a message that its
// writer did not escape is text. Lines that start with ">From ", ">>From ", … lose one
// ">" (mboxrd; mboxo escapes only "From ", and reads the same way).
type mboxReader struct {
	br       *bufio.Reader
	path     string
	maxBytes int64
	line     int // lines read

	// the "From " line of the next message, read already
	pending     bool
	pendingDate time.Time
	pendingLine int
	started     bool
	long        []byte // a line longer than the buffer, being put together
}

func newMboxReader(r io.Reader, path string, maxBytes int64) *mboxReader {
	return &mboxReader{br: bufio.NewReaderSize(r, 64<<10), path: path, maxBytes: maxBytes}
}

// readLine returns the next line with its line ending, valid until the next call.
func (m *mboxReader) readLine() ([]byte, error) {
	line, err := m.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		m.long = append(m.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = m.br.ReadSlice('\n')
			m.long = append(m.long, line...)
		}
		line = m.long
	}
	if len(line) > 0 {
		m.line++
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	return line, err
}

func (m *mboxReader) next() (Message, error) {
	if !m.started {
		m.started = true
		line, err := m.readLine()
		if err != nil {
			return Message{}, err
		}
		if !bytes.HasPrefix(line, []byte("From ")) {
			return Message{}, fmt.Errorf("line 1 is not a \"From \" line")
		}
		m.pending, m.pendingLine = true, m.line
		m.pendingDate, _ = fromLineDate(line)
	}
	if !m.pending {
		return Message{}, io.EOF
	}
	msg := Message{Received: m.pendingDate, Origin: fmt.Sprintf("%s:%d", m.path, m.pendingLine)}
	m.pending = false
	var buf []byte
	blank := false // the previous line was empty
	for {
		line, err := m.readLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Message{}, err
		}
		if blank && bytes.HasPrefix(line, []byte("From ")) {
			if d, ok := fromLineDate(line); ok {
				m.pending, m.pendingDate, m.pendingLine = true, d, m.line
				break
			}
		}
		body := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		hadEOL := len(body) < len(line)
		blank = hadEOL && len(body) == 0
		if len(body) > 5 && body[0] == '>' {
			if i := bytes.IndexFunc(body, func(r rune) bool { return r != '>' }); i > 0 && bytes.HasPrefix(body[i:], []byte("From ")) {
				body = body[1:]
			}
		}
		n := int64(len(body))
		if hadEOL {
			n += 2
		}
		msg.Size += n
		if m.maxBytes > 0 && int64(len(buf))+n > m.maxBytes {
			msg.Truncated = true
			continue
		}
		buf = append(buf, body...)
		if hadEOL {
			buf = append(buf, '\r', '\n')
		}
	}
	// The empty line before the next "From " line is the mbox's, not the message's.
	if m.pending && !msg.Truncated && bytes.HasSuffix(buf, []byte("\r\n\r\n")) {
		buf = buf[:len(buf)-2]
		msg.Size -= 2
	}
	msg.Raw = buf
	return msg, nil
}

// fromLineDate reads the date of an mbox "From " line: "From sender DATE", DATE in
// asctime form, with or without a zone ("Tue Dec  1 09:47:18 2026", "Tue Dec 1
// 09:47:18 UTC 2026", "Tue Dec 1 09:47:18 2026 +0100"). ok is false when there is none.
func fromLineDate(line []byte) (time.Time, bool) {
	fields := strings.Fields(string(line))
	if len(fields) < 6 || fields[0] != "From" {
		return time.Time{}, false
	}
	// The sender is one word (a Thunderbird file has "-"); the date is what follows.
	date := strings.Join(fields[2:], " ")
	for _, layout := range []string{time.ANSIC, time.UnixDate, "Mon Jan _2 15:04:05 2006 -0700", "Mon Jan _2 15:04:05 -0700 2006",
		"Mon Jan _2 15:04 2006", "Mon, _2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, date); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Walk is a convenience for tests and tools: every message under paths.
func Walk(paths []string, maxBytes int64, fn func(Message) error) error {
	srcs, _, err := Scan(paths)
	if err != nil {
		return err
	}
	r := NewReader(srcs, maxBytes)
	defer r.Close()
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
}

// TotalSize is the size of the sources together.
func TotalSize(sources []Source) int64 {
	var n int64
	for _, s := range sources {
		n += s.Size
	}
	return n
}
