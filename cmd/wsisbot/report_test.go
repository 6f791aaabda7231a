package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store/storetest"
)

// wsisbot report writes the page and the workbook in the language asked for, and refuses
// a language, a day or a period it cannot read.
func TestReportCommand(t *testing.T) {
	dbURL := storetest.NewURL(t)
	getenv := env(map[string]string{"DATABASE_URL": dbURL})
	dir := filepath.Join(t.TempDir(), "out")
	var out, errw bytes.Buffer
	if err := run([]string{"report", "--out", dir, "--lang", "ar", "--from", "2018-07-02", "--to", "2019-02-10"}, &out, &errw, getenv); err != nil {
		t.Fatalf("report: %v\n%s", err, errw.String())
	}
	page, err := os.ReadFile(filepath.Join(dir, "report-ar.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte(`<html lang="ar" dir="rtl">`)) {
		t.Errorf("the Arabic page is not right to left:\n%.300s", page)
	}
	if _, err := os.Stat(filepath.Join(dir, "report-ar.xlsx")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "report-ar.html")) {
		t.Errorf("output does not say where the report is: %q", out.String())
	}
	// An empty consultation, in English, the whole of it.
	if err := run([]string{"report", "--out", dir}, &out, &errw, getenv); err != nil {
		t.Fatalf("report of nothing: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "report-en.html")); err != nil {
		t.Error(err)
	}
	for _, args := range [][]string{
		{"report", "--lang", "de"},
		{"report", "--from", "10/02/2019"},
		{"report", "--from", "2019-02-10", "--to", "2019-02-01"},
	} {
		if err := run(args, &out, &errw, getenv); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
