package main

import "runtime/debug"

// defaultGOGC is the garbage collector's target when the operator sets no GOGC: the heap
// may grow to five times what is live before a collection, not twice (Go's 100). Storing
// a backlog allocates a lot of short-lived memory (each message's raw bytes, its parsed
// text, the statements that carry them), and on a small machine the collector's work and
// the page faults of memory handed back and taken again were about a tenth of the CPU
// while serve stored a 5,000-message backlog (BenchmarkServeBacklog). At 400 the backlog
// is stored and acknowledged sooner, for about 70 MB more peak memory (README,
// Operations). GOGC, and GOMEMLIMIT for a ceiling, still rule when set.
const defaultGOGC = 400

// tuneGC sets the collector's target to defaultGOGC unless GOGC is set, and returns the
// target in force.
func tuneGC(lookup func(string) (string, bool)) int {
	if _, set := lookup("GOGC"); set {
		return gcPercent()
	}
	debug.SetGCPercent(defaultGOGC)
	return defaultGOGC
}

// gcPercent is the collector's target in force (negative: off).
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}
