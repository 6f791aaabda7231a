package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wsis/wsisbot/export"
)

// cmdExport writes every contribution as CSV, JSON or XLSX to --out or stdout.
func cmdExport(ctx context.Context, cfg *Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	format := fs.String("format", "csv", "csv, json or xlsx")
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *format {
	case "csv", "json", "xlsx":
	default:
		return fmt.Errorf("export: --format must be csv, json or xlsx, not %q", *format)
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	w := stdout
	var f *os.File
	if *out != "" {
		// Write next to the target and rename, so a failed export leaves no half file.
		if f, err = os.CreateTemp(filepath.Dir(*out), ".wsisbot-export-*"); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(f.Name())
		w = f
	} else if *format == "xlsx" && isTerminalWriter(stdout) {
		return fmt.Errorf("export: XLSX is binary: give --out FILE")
	}
	if err := export.Write(ctx, st, w, *format); err != nil {
		if f != nil {
			f.Close()
		}
		return fmt.Errorf("export: %w", err)
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := os.Rename(f.Name(), *out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

func isTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}
