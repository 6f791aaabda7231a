package mailin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/wsis/wsisbot/internal/loopback"
	"github.com/wsis/wsisbot/store"
)

// ResyncRequest says which folder to read again, and from which day.
type ResyncRequest struct {
	// Folder is read; empty means the processed folder (WSISBOT_IMAP_PROCESSED), or the
	// mailbox when there is none.
	Folder string
	// Since is the first day (a UTC calendar date) whose mail is read; zero reads the whole
	// folder. Servers compare dates in their own time zone, so the server is asked for one
	// day more: reading mail twice costs nothing, as the store skips what it holds.
	Since time.Time
	// DryRun lists what would be read, and stores nothing.
	DryRun bool
}

// ResyncReport says what a resync found and did.
type ResyncReport struct {
	Folder      string
	UIDValidity uint32
	// AskedSince is the date sent to the server in SEARCH SINCE (zero: the whole folder).
	AskedSince time.Time
	// Found counts the messages the search matched; Read those fetched and handed to the
	// store (fewer when some left the folder in between).
	Found, Read int
	// AlreadyStored: skipped, the store held them (same position, or same Message-ID
	// and bytes, or same bytes when there is no Message-ID).
	AlreadyStored    int
	NewContributions int
	AcksQueued       int
	Quarantined      int
	// Other: stored as follow-ups, auto-replies, bounces, list mail, our own mail or
	// duplicates.
	Other int
	// Listed is what a dry run would read.
	Listed []ResyncMessage
}

// ResyncMessage is one message a dry run would read.
type ResyncMessage struct {
	UID          uint32
	InternalDate time.Time
	Size         int64
	MessageID    string
	From         string
	Subject      string
}

// Resync reads a folder again, typically the processed folder after a database restore:
// the mail stored after the backup was moved out of the mailbox, so the poller's
// checkpoint never sees it again. Every message received since req.Since is fetched
// (BODY.PEEK[], in the poller's batches) and handed to the same Ingest as the poller's:
// what the store already holds is skipped, the rest becomes contributions (with cards,
// and acknowledgements inside pol.AckWindow) and the other kinds of stored mail.
//
// The folder is selected read-only (EXAMINE): no flag is set, nothing is moved, and the
// batches carry checkpoint 0, which never moves a checkpoint forward (the store records
// the folder's at 0 the first time), so the poller's stays where it is. It
// connects, logs in and secures the connection exactly as the poller does with cfg and
// opts. Running it twice, or while the poller runs, doubles nothing.
func Resync(ctx context.Context, cfg IMAPConfig, st Ingester, pol store.IngestPolicy, req ResyncRequest,
	logger *slog.Logger, opts ...Option) (ResyncReport, error) {
	folder := req.Folder
	if folder == "" {
		folder = cfg.Processed
	}
	if folder == "" {
		folder = cfg.Mailbox
	}
	if folder == "" {
		folder = "INBOX"
	}
	rep := ResyncReport{Folder: folder}
	if !req.Since.IsZero() {
		y, m, d := req.Since.Date()
		rep.AskedSince = time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	// A poller for the folder, which never moves or flags what it reads.
	rc := cfg
	rc.Mailbox, rc.Processed, rc.MarkSeen = folder, "", false
	p := NewPoller(rc, st, pol, logger, opts...)
	if host, _, err := net.SplitHostPort(cfg.Addr); err == nil && cfg.TLS == TLSNone && !loopback.Host(host) {
		p.log.Warn("imap: connecting without TLS to a server that is not on this machine", "addr", cfg.Addr)
	}

	c, err := p.connect(ctx, make(chan struct{}, 1))
	if err != nil {
		return rep, fmt.Errorf("mailin: resync %s: %w", folder, err)
	}
	defer p.logout(c)
	// Cancelling ctx closes the connection, so that a command stuck on a dead server ends.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()

	sel, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		if exists, lerr := mailboxExists(c, folder); lerr == nil && !exists {
			return rep, fmt.Errorf("mailin: resync: folder %q does not exist: %w", folder, err)
		}
		return rep, fmt.Errorf("mailin: resync: examine %q: %w", folder, err)
	}
	if sel.UIDValidity == 0 {
		return rep, fmt.Errorf("mailin: resync: examine %q: the server sent no UIDVALIDITY", folder)
	}
	rep.UIDValidity = sel.UIDValidity

	uids, err := searchSince(c, rep.AskedSince)
	if err != nil {
		return rep, fmt.Errorf("mailin: resync %q: %w", folder, err)
	}
	rep.Found = len(uids)
	p.log.Info("imap: reading a folder again", "folder", folder, "uidvalidity", sel.UIDValidity,
		"since", dateOrAll(rep.AskedSince), "messages", len(uids), "dry_run", req.DryRun)
	if len(uids) == 0 {
		return rep, nil
	}
	if req.DryRun {
		rep.Listed, err = listForDryRun(c, uids)
		if err != nil {
			return rep, fmt.Errorf("mailin: resync %q: %w", folder, err)
		}
		return rep, nil
	}

	refs, err := sizesOf(c, uids)
	if err != nil {
		return rep, fmt.Errorf("mailin: resync %q: %w", folder, err)
	}
	s := &session{c: c, uidValidity: sel.UIDValidity}
	for _, pl := range p.plan(refs) {
		msgs, err := fetchResync(p, s, pl)
		if err != nil {
			return rep, fmt.Errorf("mailin: resync %q: %w", folder, err)
		}
		b := p.parseBatch(sel.UIDValidity, fetchedBatch{plan: pl, msgs: msgs})
		// No checkpoint: which of the folder's UIDs were read says nothing about the
		// mailbox's, and --since may have left gaps.
		b.LastUID = 0
		res, err := st.Ingest(ctx, b, p.pol)
		if err != nil {
			return rep, fmt.Errorf("mailin: resync %q: %w", folder, err)
		}
		rep.Read += len(b.Messages)
		for _, r := range res {
			switch {
			case r.Skipped:
				rep.AlreadyStored++
			case r.NewContrib:
				rep.NewContributions++
				if r.AckQueued {
					rep.AcksQueued++
				}
				p.log.Info("imap: new contribution from a folder read again", "uid", r.UID, "contribution_ref", r.Ref, "ack_queued", r.AckQueued)
			case r.Kind == store.MsgQuarantined:
				rep.Quarantined++
				p.log.Warn("imap: message quarantined", "uid", r.UID, "reason", r.Reason)
			default:
				rep.Other++
			}
		}
	}
	p.log.Info("imap: folder read again", "folder", folder, "read", rep.Read, "already_stored", rep.AlreadyStored,
		"new_contributions", rep.NewContributions, "acks_queued", rep.AcksQueued, "quarantined", rep.Quarantined, "other", rep.Other)
	return rep, nil
}

// fetchResync fetches one batch like the poller does. A message the server refuses or
// returns without its body is asked for again at once, and after unreadableAfter such
// answers it is quarantined with the server's answer, as the poller does over its
// sessions.
func fetchResync(p *Poller, s *session, pl batchPlan) ([]fetchedMsg, error) {
	var out []fetchedMsg
	for {
		cut, msgs, err := p.fetchPlan(s, pl)
		out = append(out, msgs...)
		var held *heldError
		switch {
		case err == nil:
			return out, nil
		case !errors.As(err, &held) || len(cut.uids) >= len(pl.uids):
			return nil, err
		}
		pl.uids = pl.uids[len(cut.uids):]
	}
}

func dateOrAll(t time.Time) string {
	if t.IsZero() {
		return "all"
	}
	return t.Format(time.DateOnly)
}

// searchSince lists the UIDs of the selected folder's messages received since the date
// (all when zero), ascending. The criteria are ASCII only: a non-ASCII SEARCH sends
// CHARSET UTF-8, which some servers refuse.
func searchSince(c *imapclient.Client, since time.Time) ([]uint32, error) {
	criteria := &imap.SearchCriteria{}
	if !since.IsZero() {
		criteria.Since = since
	}
	data, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return nil, fmt.Errorf("search since %s: %w", dateOrAll(since), err)
	}
	var out []uint32
	for _, u := range data.AllUIDs() {
		out = append(out, uint32(u))
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func uidSet(uids []uint32) imap.UIDSet {
	var set imap.UIDSet
	for _, u := range uids {
		set.AddNum(imap.UID(u))
	}
	return set
}

// sizesOf fetches the size of each message, for the batch plan.
func sizesOf(c *imapclient.Client, uids []uint32) ([]msgRef, error) {
	want := make(map[uint32]bool, len(uids))
	for _, u := range uids {
		want[u] = true
	}
	return fetchSizes(c, uidSet(uids), func(uid uint32) bool { return want[uid] }, "fetch sizes")
}

// listForDryRun fetches what a person needs to recognise each message: date, size,
// sender, subject and Message-ID (from the envelope, decoded by the client's charset
// readers).
func listForDryRun(c *imapclient.Client, uids []uint32) ([]ResyncMessage, error) {
	cmd := c.Fetch(uidSet(uids), &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true, Envelope: true})
	var out []ResyncMessage
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := msg.Collect()
		if err != nil {
			cmd.Close()
			return nil, fmt.Errorf("fetch envelopes: %w", err)
		}
		m := ResyncMessage{UID: uint32(buf.UID), InternalDate: buf.InternalDate, Size: buf.RFC822Size}
		if e := buf.Envelope; e != nil {
			m.MessageID, m.Subject = e.MessageID, e.Subject
			if len(e.From) > 0 {
				m.From = e.From[0].Addr()
			}
		}
		out = append(out, m)
	}
	if err := cmd.Close(); err != nil {
		return nil, fmt.Errorf("fetch envelopes: %w", err)
	}
	slices.SortFunc(out, func(a, b ResyncMessage) int { return int(int64(a.UID) - int64(b.UID)) })
	out = slices.CompactFunc(out, func(a, b ResyncMessage) bool { return a.UID == b.UID })
	return out, nil
}
