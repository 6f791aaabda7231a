package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Archive imports: last year's mail, read from mbox files, Maildir folders and .eml
// files by `wsisbot import`, goes through Ingest like the intake's, with
// IngestPolicy.ArchiveImport naming the import: every message is history whatever its
// date (never acknowledged, no card), and what is newly stored is counted in the import's
// archive_imports row in the transaction that stores it. FinishArchiveImport closes the
// import and queues its one summary for the channel. An import stopped half-way stays
// open; the next import with the same label continues it, so that the summary counts
// all of it, once.

// ArchiveImport is one import of archives: what it has stored so far.
type ArchiveImport struct {
	ID            int64      `db:"id" json:"id"`
	Label         string     `db:"label" json:"label"`
	StartedAt     time.Time  `db:"started_at" json:"started_at"`
	Messages      int        `db:"messages" json:"messages"`
	Contributions int        `db:"contributions" json:"contributions"`
	FinishedAt    *time.Time `db:"finished_at" json:"finished_at,omitempty"`
	// Continued: the import was begun by an earlier run that stopped before its end.
	Continued bool `db:"continued" json:"continued"`
}

const (
	archiveImportColumns = `id, label, started_at, messages, contributions, finished_at`
	// beginArchiveImportSQL opens an import for label, or returns the open one.
	beginArchiveImportSQL = `WITH open AS (
			SELECT ` + archiveImportColumns + `, true AS continued FROM archive_imports WHERE label = $1 AND finished_at IS NULL
		), created AS (
			INSERT INTO archive_imports (label, started_at, updated_at)
			SELECT $1, $2, $2 WHERE NOT EXISTS (SELECT 1 FROM open)
			ON CONFLICT (label) WHERE finished_at IS NULL DO NOTHING
			RETURNING ` + archiveImportColumns + `, false AS continued
		)
		SELECT ` + archiveImportColumns + `, continued FROM open UNION ALL SELECT ` + archiveImportColumns + `, continued FROM created`
	// countArchiveSQL adds to an import what a batch stored.
	countArchiveSQL = `UPDATE archive_imports SET messages = messages + $2, contributions = contributions + $3, updated_at = $4
		WHERE id = $1 AND finished_at IS NULL`
	// storedCopiesSQL finds which of the raw messages ($2, SHA-256) are stored with those
	// very bytes: under their Message-ID ($1, '' for none), or without one. Each key is
	// looked up with its own index probe (see the prefetch queries).
	storedCopiesSQL = `SELECT k.sha FROM unnest($1::text[], $2::text[]) AS k(id, sha)
		WHERE CASE WHEN k.id <> '' THEN (SELECT true FROM messages m WHERE m.message_id = k.id AND m.kind <> 'duplicate'
				AND m.raw_sha256 = k.sha LIMIT 1) END
			OR (SELECT true FROM messages m WHERE m.raw_sha256 = k.sha AND m.message_id IS NULL AND m.kind <> 'duplicate' LIMIT 1)`
	// finishArchiveImportSQL closes an import.
	finishArchiveImportSQL = `UPDATE archive_imports SET finished_at = $2, updated_at = $2 WHERE id = $1 AND finished_at IS NULL
		RETURNING ` + archiveImportColumns + `, false AS continued`
)

// BeginArchiveImport opens an import of the archives label names (the paths, as given),
// or continues the open one of that label, left by a run that stopped before its end.
func (s *Store) BeginArchiveImport(ctx context.Context, label string) (ArchiveImport, error) {
	label = CleanText(label)
	var imp ArchiveImport
	for range 2 {
		err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			return s.get(ctx, tx, &imp, beginArchiveImportSQL, label, s.clock.Now())
		})
		// No row: another run opened the same import between the two halves; look again.
		if errors.Is(err, errNoRows) {
			continue
		}
		if err != nil {
			return imp, fmt.Errorf("store: begin archive import: %w", err)
		}
		return imp, nil
	}
	return imp, fmt.Errorf("store: begin archive import %q: another run keeps opening it", label)
}

// countArchive adds what a batch of an archive import newly stored to the import.
func (s *Store) countArchive(ctx context.Context, tx *sqlx.Tx, id int64, out []Ingested) error {
	var messages, contributions int
	for _, r := range out {
		if r.Skipped || r.MessageRowID == 0 {
			continue
		}
		messages++
		if r.NewContrib {
			contributions++
		}
	}
	if messages == 0 {
		return nil
	}
	if err := s.exec(ctx, tx, countArchiveSQL, id, messages, contributions, s.clock.Now()); err != nil {
		return fmt.Errorf("count archive import %d: %w", id, err)
	}
	return nil
}

// StoredCopies reports which of the raw messages whose Message-IDs (without angle
// brackets, "" for none) and SHA-256 (hex) are given the store holds with those very
// bytes: Ingest would skip them. A message it does not name may still be skipped by
// Ingest (a duplicate stored before, say). ids and shas go in pairs.
func (s *Store) StoredCopies(ctx context.Context, ids, shas []string) (map[string]bool, error) {
	if len(ids) != len(shas) {
		return nil, fmt.Errorf("store: stored copies: %d Message-IDs for %d hashes", len(ids), len(shas))
	}
	var got []string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		return s.selectPrepared(ctx, tx, &got, storedCopiesSQL, textArray(ids), textArray(shas))
	})
	if err != nil {
		return nil, fmt.Errorf("store: stored copies: %w", err)
	}
	out := make(map[string]bool, len(got))
	for _, sha := range got {
		out[sha] = true
	}
	return out, nil
}

// FinishArchiveImport closes the import id and, when it stored anything, queues its
// summary for the channel (a slack_notice of type NoticeHistoryImport: its messages and
// contributions, all from before the import began), in one transaction. ErrNotFound when
// the import is not open.
func (s *Store) FinishArchiveImport(ctx context.Context, id int64) (ArchiveImport, error) {
	var imp ArchiveImport
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.get(ctx, tx, &imp, finishArchiveImportSQL, id, s.clock.Now()); err != nil {
			return err
		}
		if imp.Messages == 0 {
			return nil
		}
		return s.queueHistorySummary(ctx, tx, fmt.Sprintf("archive-import:%d", imp.ID), imp.Messages, imp.Contributions, imp.StartedAt)
	})
	if errors.Is(err, errNoRows) {
		return imp, fmt.Errorf("store: finish archive import %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return imp, fmt.Errorf("store: finish archive import %d: %w", id, err)
	}
	return imp, nil
}
