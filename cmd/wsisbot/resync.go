package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/wsis/wsisbot/mailin"
)

// cmdResync reads a folder of the mailbox again (by default the processed folder) and
// stores what the database does not hold: after a restore, the mail stored since the
// backup was already moved out of the mailbox and the poller never reads it again.
func cmdResync(ctx context.Context, cfg *Config, logger *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("resync", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	folder := fs.String("folder", "", "folder to read again (default: WSISBOT_IMAP_PROCESSED, else WSISBOT_IMAP_MAILBOX)")
	mailbox := fs.String("mailbox", "", "the same as --folder")
	since := fs.String("since", "", "first day to read, YYYY-MM-DD in UTC (default: the whole folder)")
	dryRun := fs.Bool("dry-run", false, "list what would be read; store nothing")
	noAck := fs.Bool("no-ack", false, "queue no acknowledgement for what is new to the database")
	const synopsis = "resync [--folder NAME] [--since YYYY-MM-DD] [--dry-run] [--no-ack]"
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, "Usage: wsisbot %s\n", synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return nil
	} else if err != nil {
		return fmt.Errorf("resync: %w (usage: %s)", err, synopsis)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("resync: unexpected argument %q", fs.Arg(0))
	}
	if *mailbox != "" && *folder != "" && *mailbox != *folder {
		return errors.New("resync: --folder and --mailbox name different folders: give one")
	}
	if *folder == "" {
		*folder = *mailbox
	}
	var day time.Time
	if *since != "" {
		d, err := time.ParseInLocation(time.DateOnly, *since, time.UTC)
		if err != nil {
			return fmt.Errorf("resync: --since must be a date such as 2019-01-20, not %q", *since)
		}
		day = d
	}
	if cfg.IMAP.Addr == "" {
		return errors.New("resync: WSISBOT_IMAP_ADDR is not set: there is no mailbox to read")
	}

	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// The policy serve uses: acknowledgements only where serve can send them.
	pol, err := cfg.ingestPolicy(cfg.Mail.SMTPAddr != "" && !*noAck)
	if err != nil {
		return err
	}

	// A folder of the first mailbox's account: what it stores came to the first mailbox.
	first := cfg.allMailboxes()[0]
	rep, err := mailin.Resync(ctx, cfg.IMAP, st, pol, mailin.ResyncRequest{Folder: *folder, Since: day, DryRun: *dryRun}, logger,
		mailin.WithMailbox(first.Name, first.Kind))
	if err != nil {
		return err
	}
	asked := "the whole folder"
	if !rep.AskedSince.IsZero() {
		asked = fmt.Sprintf("mail since %s (the server is asked from %s: servers compare dates in their own time zone)",
			day.Format(time.DateOnly), rep.AskedSince.Format(time.DateOnly))
	}
	fmt.Fprintf(stdout, "resync: folder %q (UIDVALIDITY %d), %s: %d messages\n", rep.Folder, rep.UIDValidity, asked, rep.Found)
	if *dryRun {
		for _, m := range rep.Listed {
			id := "no Message-ID"
			if m.MessageID != "" {
				id = "<" + m.MessageID + ">"
			}
			fmt.Fprintf(stdout, "  uid %d  %s  %d bytes  from %s  %q  %s\n", m.UID, m.InternalDate.UTC().Format("2006-01-02 15:04 UTC"),
				m.Size, m.From, m.Subject, id)
		}
		fmt.Fprintf(stdout, "dry run: %d messages would be read; nothing was stored\n", len(rep.Listed))
		return nil
	}
	fmt.Fprintf(stdout, "read: %d\nalready stored: %d\nnew contributions: %d (acknowledgements queued: %d)\nquarantined: %d\nother mail stored: %d\n",
		rep.Read, rep.AlreadyStored, rep.NewContributions, rep.AcksQueued, rep.Quarantined, rep.Other)
	return nil
}
