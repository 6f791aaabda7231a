package mailin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wsis/wsisbot/mailin/archive"
	"github.com/wsis/wsisbot/mailin/parse"
	"github.com/wsis/wsisbot/store"
)

// ArchiveStore is what an import of archives needs of the store.
type ArchiveStore interface {
	Ingest(ctx context.Context, b store.IngestBatch, pol store.IngestPolicy) ([]store.Ingested, error)
	BeginArchiveImport(ctx context.Context, label string) (store.ArchiveImport, error)
	FinishArchiveImport(ctx context.Context, id int64) (store.ArchiveImport, error)
	// StoredCopies says which raw messages (Message-ID and SHA-256) are stored with
	// those very bytes: they are counted as already stored without being parsed.
	StoredCopies(ctx context.Context, ids, shas []string) (map[string]bool, error)
}

// ImportRequest says which archives to import and how.
type ImportRequest struct {
	// Paths are mbox files, Maildir folders, .eml files and folders of them (walked).
	Paths []string
	// Mailbox is recorded as each message's mailbox (default "archive").
	Mailbox string
	// Since and Until, when set, keep only the mail received in [Since, Until).
	Since, Until time.Time
	// DryRun reads and parses, and stores nothing (st may be nil).
	DryRun bool
	// Batch and BatchBytes bound a transaction as the intake's (WSISBOT_IMAP_BATCH,
	// WSISBOT_IMAP_BATCH_BYTES); Limits are the parser's (WSISBOT_MAX_*).
	Batch      int
	BatchBytes int64
	Limits     parse.Limits
	// Progress, when set, is called as the import goes (from one goroutine at a time).
	Progress func(ImportProgress)
	// Now is the moment the mail is all from before (default: the time Import starts).
	Now time.Time
}

// ImportProgress is how far an import has come.
type ImportProgress struct {
	BytesRead, TotalBytes int64
	Read                  int // messages read from the archives
	Stored                int // of them, newly stored
	AlreadyStored         int
}

// ImportReport says what an import of archives found and did.
type ImportReport struct {
	Files   int               // files read
	Skipped []archive.Skipped // files in folders that are not mail
	Bytes   int64
	// Read counts the messages found; OutOfRange those left out by Since and Until.
	Read, OutOfRange int
	// Stored counts the messages newly stored: Contributions new contributions among
	// them, Quarantined messages that could not be parsed (kept raw), Other the rest
	// (follow-ups, auto-replies, bounces, list mail, our own mail, duplicates).
	Stored, Contributions, Quarantined, Other int
	// AlreadyStored: skipped, the store held them (same Message-ID and bytes, or same
	// bytes without a Message-ID).
	AlreadyStored int
	// Kinds (dry run) counts the messages by what the parser sorted them as.
	Kinds map[store.MessageKind]int
	// Import is the archive import, finished (not in a dry run); its counts cover
	// an earlier run that stopped before its end, when Import.Continued.
	Import   store.ArchiveImport
	Duration time.Duration
}

// importBatch is a batch read and parsed, and what its messages' origins are.
type importBatch struct {
	msgs    []store.Inbound
	origins []string
	read    int   // messages read for it, the ones left out included
	stored  int   // messages read for it that the store holds already (not parsed)
	bytes   int64 // BytesRead after it
}

// Import reads archives (see package archive) and stores their mail through the same
// parser and Ingest as the intake, as history of the archive import it opens: never
// acknowledged, no card each; at the end the import is closed and the channel gets one
// summary (none when nothing new was stored). What the store already holds is skipped,
// so importing the same archives again adds nothing; an import stopped half-way is
// continued by the next run with the same paths and mailbox, and summarised once.
//
// Reading and parsing overlap with storing: while one batch is stored, the next is read
// and parsed on every core but one. Memory is bounded by a few batches, whatever the
// size of the archives.
func Import(ctx context.Context, st ArchiveStore, pol store.IngestPolicy, req ImportRequest, logger *slog.Logger) (ImportReport, error) {
	start := time.Now()
	rep := ImportReport{Kinds: map[store.MessageKind]int{}}
	if req.Mailbox == "" {
		req.Mailbox = "archive"
	}
	if req.Batch <= 0 {
		req.Batch = 250
	}
	if req.BatchBytes <= 0 {
		req.BatchBytes = 16 << 20
	}
	lim := req.Limits
	if lim.MaxMessageBytes <= 0 {
		lim.MaxMessageBytes = parse.DefaultLimits().MaxMessageBytes
	}
	srcs, skipped, err := archive.Scan(req.Paths)
	if err != nil {
		return rep, fmt.Errorf("mailin: import: %w", err)
	}
	rep.Files, rep.Skipped, rep.Bytes = len(srcs), skipped, archive.TotalSize(srcs)
	for _, s := range skipped {
		logger.Warn("import: not mail, skipped", "path", s.Path, "reason", s.Reason)
	}

	// History of this import, whatever the mail's dates, and never a card each.
	pol.Ack, pol.HistoryCards = false, false
	if !req.DryRun {
		imp, err := st.BeginArchiveImport(ctx, req.Mailbox+": "+strings.Join(req.Paths, " "))
		if err != nil {
			return rep, fmt.Errorf("mailin: import: %w", err)
		}
		rep.Import = imp
		pol.ArchiveImport = imp.ID
		if imp.Continued {
			logger.Info("import: continuing an import stopped before its end", "import", imp.ID, "started_at", imp.StartedAt,
				"messages", imp.Messages)
		}
	}
	// Mail is history from before the import began: a date after that (a wrong clock,
	// a forged header) is not believed.
	now := req.Now
	if now.IsZero() {
		now = start
	}

	rd := archive.NewReader(srcs, lim.MaxMessageBytes)
	defer rd.Close()
	prog := ImportProgress{TotalBytes: rep.Bytes}
	var progMu sync.Mutex
	report := func(f func(p *ImportProgress)) {
		if req.Progress == nil {
			return
		}
		progMu.Lock()
		defer progMu.Unlock()
		f(&prog)
		req.Progress(prog)
	}

	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan importBatch, 1)
	g.Go(func() error {
		defer close(batches)
		for {
			raws, read, err := readBatch(gctx, rd, req.Batch, req.BatchBytes)
			if err != nil {
				return err
			}
			if read == 0 {
				return nil
			}
			held := 0
			if !req.DryRun {
				if raws, held, err = dropStored(gctx, st, raws); err != nil {
					return fmt.Errorf("mailin: import: %w", err)
				}
			}
			b := parseArchiveBatch(raws, req, lim, pol, now)
			b.read, b.stored, b.bytes = read, held, rd.BytesRead()
			report(func(p *ImportProgress) { p.Read += read; p.BytesRead = b.bytes })
			select {
			case batches <- b:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
	})
	g.Go(func() error {
		for b := range batches {
			rep.Read += b.read
			rep.AlreadyStored += b.stored
			rep.OutOfRange += b.read - b.stored - len(b.msgs)
			if b.stored > 0 {
				report(func(p *ImportProgress) { p.AlreadyStored += b.stored })
			}
			if req.DryRun {
				for i := range b.msgs {
					rep.Kinds[b.msgs[i].Kind]++
				}
				continue
			}
			if len(b.msgs) == 0 {
				continue
			}
			res, err := st.Ingest(ctx, store.IngestBatch{Messages: b.msgs}, pol)
			if err != nil {
				return fmt.Errorf("mailin: import: %w", err)
			}
			stored, skipped := 0, 0
			for i, r := range res {
				switch {
				case r.Skipped:
					rep.AlreadyStored++
					skipped++
					continue
				case r.NewContrib:
					rep.Contributions++
				case r.Kind == store.MsgQuarantined:
					rep.Quarantined++
					logger.Warn("import: message quarantined", "origin", b.origins[i], "reason", r.Reason)
				default:
					rep.Other++
				}
				rep.Stored++
				stored++
			}
			report(func(p *ImportProgress) { p.Stored += stored; p.AlreadyStored += skipped })
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		rep.Duration = time.Since(start)
		return rep, err
	}
	if !req.DryRun {
		imp, err := st.FinishArchiveImport(ctx, rep.Import.ID)
		if err != nil {
			return rep, fmt.Errorf("mailin: import: %w", err)
		}
		imp.Continued = rep.Import.Continued
		rep.Import = imp
	}
	rep.Duration = time.Since(start)
	logger.Info("import: archives read", "files", rep.Files, "read", rep.Read, "stored", rep.Stored,
		"contributions", rep.Contributions, "quarantined", rep.Quarantined, "already_stored", rep.AlreadyStored,
		"out_of_range", rep.OutOfRange, "dry_run", req.DryRun, "duration", rep.Duration.Round(time.Millisecond))
	return rep, nil
}

// readBatch reads up to n messages or about maxBytes of them (a larger message goes
// alone).
func readBatch(ctx context.Context, rd *archive.Reader, n int, maxBytes int64) ([]archive.Message, int, error) {
	var out []archive.Message
	var size int64
	for len(out) < n && size < maxBytes {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		m, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("mailin: import: %w", err)
		}
		out = append(out, m)
		size += int64(len(m.Raw))
	}
	return out, len(out), nil
}

// dropStored leaves out the messages the store holds with the same bytes, which Ingest
// would skip: a second import of the same archives costs a read and a hash of each
// message, not a parse.
func dropStored(ctx context.Context, st ArchiveStore, raws []archive.Message) ([]archive.Message, int, error) {
	ids, shas := make([]string, len(raws)), make([]string, len(raws))
	for i := range raws {
		ids[i], shas[i] = headerMessageID(raws[i].Raw), store.SHA256Hex(raws[i].Raw)
	}
	held, err := st.StoredCopies(ctx, ids, shas)
	if err != nil {
		return nil, 0, err
	}
	if len(held) == 0 {
		return raws, 0, nil
	}
	kept := raws[:0]
	for i := range raws {
		if !held[shas[i]] {
			kept = append(kept, raws[i])
		}
	}
	return kept, len(raws) - len(kept), nil
}

// headerMessageID is the Message-ID of a raw message's header, without angle brackets,
// read quickly ("" when there is none): only to look the message up, with its hash.
func headerMessageID(raw []byte) string {
	h := raw
	if end := bytes.Index(raw, []byte("\r\n\r\n")); end >= 0 {
		h = raw[:end+2]
	}
	for len(h) > 0 {
		line := h
		if i := bytes.Index(h, []byte("\r\n")); i >= 0 {
			line, h = h[:i], h[i+2:]
		} else {
			h = nil
		}
		if len(line) < 11 || !bytes.EqualFold(line[:11], []byte("message-id:")) {
			continue
		}
		v := line[11:]
		// Folded onto the next lines.
		for len(h) > 0 && (h[0] == ' ' || h[0] == '\t') {
			next := h
			if i := bytes.Index(h, []byte("\r\n")); i >= 0 {
				next, h = h[:i], h[i+2:]
			} else {
				h = nil
			}
			v = append(slices.Clip(v), next...)
		}
		open := bytes.IndexByte(v, '<')
		if open < 0 {
			return ""
		}
		end := bytes.IndexByte(v[open:], '>')
		if end < 0 {
			return ""
		}
		id := strings.Join(strings.Fields(string(v[open+1:open+end])), "")
		return store.CleanText(id)
	}
	return ""
}

// parseArchiveBatch parses messages on every core but one (the other stores the batch
// before), and keeps those received in the request's range.
func parseArchiveBatch(raws []archive.Message, req ImportRequest, lim parse.Limits, pol store.IngestPolicy, now time.Time) importBatch {
	out := make([]store.Inbound, len(raws))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(1, runtime.GOMAXPROCS(0)-1), len(raws)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(raws) {
					return
				}
				out[i] = archiveInbound(&raws[i], req.Mailbox, lim, pol, now)
				raws[i].Raw = nil
			}
		})
	}
	wg.Wait()
	b := importBatch{msgs: out[:0]}
	for i, in := range out {
		if (!req.Since.IsZero() && in.InternalDate.Before(req.Since)) || (!req.Until.IsZero() && !in.InternalDate.Before(req.Until)) {
			continue
		}
		b.msgs = append(b.msgs, in)
		b.origins = append(b.origins, raws[i].Origin)
	}
	return b
}

// archiveInbound parses one message of an archive like the intake parses one from the
// mailbox. When it reached its mailbox is what the archive says (the mbox "From "
// line, the Maildir file name), else its Date header, else its file's time, and never
// after now.
func archiveInbound(m *archive.Message, mailbox string, lim parse.Limits, pol store.IngestPolicy, now time.Time) store.Inbound {
	var in store.Inbound
	if m.Truncated {
		in = ToInbound(m.Raw, 0, 0, m.Received, mailbox, nil,
			fmt.Errorf("%w: over the size limit of %d bytes (WSISBOT_MAX_MESSAGE_BYTES): only its first %d bytes are kept here; the whole message (%d bytes) is in %s",
				parse.ErrTooLarge, lim.MaxMessageBytes, len(m.Raw), m.Size, m.Origin), pol)
	} else {
		parsed, err := safeParse(m.Raw, lim)
		in = ToInbound(m.Raw, 0, 0, m.Received, mailbox, parsed, err, pol)
	}
	in.MailboxName = mailbox // the card and the export say it came from the archive
	if in.InternalDate.IsZero() {
		in.InternalDate = in.Date
	}
	if in.InternalDate.IsZero() {
		in.InternalDate = m.FileTime
	}
	if in.InternalDate.IsZero() || in.InternalDate.After(now) {
		in.InternalDate = now
	}
	if in.Kind == store.MsgQuarantined {
		in.KindReason += " (" + m.Origin + ")"
	}
	in.Prepare() // here, beside the parsing, rather than in the transaction
	return in
}
