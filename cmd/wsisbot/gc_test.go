package main

import (
	"runtime/debug"
	"testing"
)

// TestTuneGC: without GOGC the collector's target is defaultGOGC; with GOGC set (Go
// reads it at start-up) it is left as it is.
func TestTuneGC(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })

	unset := func(string) (string, bool) { return "", false }
	if got := tuneGC(unset); got != defaultGOGC {
		t.Errorf("tuneGC without GOGC = %d, want %d", got, defaultGOGC)
	}
	if got := gcPercent(); got != defaultGOGC {
		t.Errorf("target in force without GOGC = %d, want %d", got, defaultGOGC)
	}

	debug.SetGCPercent(150) // as GOGC=150 would have set it
	set := func(k string) (string, bool) { return "150", k == "GOGC" }
	if got := tuneGC(set); got != 150 {
		t.Errorf("tuneGC with GOGC=150 = %d, want 150", got)
	}
	if got := gcPercent(); got != 150 {
		t.Errorf("target in force with GOGC=150 = %d, want 150", got)
	}

	debug.SetGCPercent(-1) // GOGC=off
	if got := gcPercent(); got != -1 {
		t.Errorf("target in force with GOGC=off = %d, want -1", got)
	}
}
