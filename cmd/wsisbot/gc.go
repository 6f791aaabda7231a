package main

import (
	"math"
	"runtime/debug"
	rtmetrics "runtime/metrics"
)

// defaultGOGC is the garbage collector's target when the operator sets no GOGC: the heap
// may grow to five times what is live before a collection, not twice (Go's 100). Storing
// a backlog allocates a lot of short-lived memory (each message's raw bytes, its parsed
// text, the statements that carry them), and on a small machine the collector's work and
// the page faults of memory handed back and taken again were about a tenth of the CPU
// while serve stored a 5,000-message backlog (BenchmarkServeBacklog). At 400 the backlog
// is stored and acknowledged sooner, for about 40 MB more peak memory (README,
// Running it, Memory). GOGC, and GOMEMLIMIT for a ceiling, still rule when set.
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
	s := []rtmetrics.Sample{{Name: "/gc/gogc:percent"}}
	rtmetrics.Read(s)
	if s[0].Value.Kind() != rtmetrics.KindUint64 {
		return -1
	}
	p := s[0].Value.Uint64()
	if p > math.MaxInt32 { // off
		return -1
	}
	return int(p)
}
