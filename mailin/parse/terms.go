package parse

import (
	"cmp"
	"encoding/binary"
	"math/bits"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A term is matched word by word: a word may take a plural "s" or "es", a word ending
// in "*" is a prefix. Terms in Arabic or Chinese are matched anywhere: Arabic attaches
// articles and prepositions, Chinese has no spaces.
type term struct {
	id       int      // index in its termSet
	text     string   // as written, for reasons
	folded   string   // folded (see foldText), without "*"
	words    []string // folded words, "*" kept
	anywhere bool     // matched as a substring
	// lead2 is the first byte of the second word, which a text's word matching it opens
	// with; 0 when there is no second word or it opens with "*".
	lead2 byte
}

// termList is a list of terms of one termSet.
type termList []*term

// termSet is every term of every list of a vocabulary, indexed (see termIndex) so that
// a text is read once for all of them. Lists are added with list, then index is called
// once; the set is read-only afterwards and safe for concurrent use.
type termSet struct {
	all   []*term
	index *termIndex
	// lists holds the ids of the terms of each long list registered (those list makes,
	// and the vocabulary's lists made of others), as runs, for countIn and distinctIn.
	lists map[listKey][]idRun
	// slabs keeps the countSlabs of suggestions made, for the next.
	slabs sync.Pool
}

// list folds words into terms of the set and returns them as a list.
func (ts *termSet) list(words ...string) termList {
	out := make(termList, 0, len(words))
	for _, s := range words {
		f := foldText(s)
		t := &term{
			id:     len(ts.all),
			text:   strings.ReplaceAll(s, "*", ""),
			folded: strings.ReplaceAll(f, "*", ""),
			words:  splitWords(f),
		}
		if len(t.words) > 1 && t.words[1][0] != '*' {
			t.lead2 = t.words[1][0]
		}
		t.anywhere = len(t.words) == 0 || strings.IndexFunc(f, func(r rune) bool {
			return unicode.Is(unicode.Arabic, r) || unicode.Is(unicode.Han, r)
		}) >= 0
		ts.all = append(ts.all, t)
		out = append(out, t)
	}
	ts.register(out)
	return out
}

// register keeps the ids of a long list of the set's terms in ts.lists, as runs of
// consecutive ids; the list is never changed afterwards.
func (ts *termSet) register(tl termList) {
	if len(tl) < minListedTerms {
		return
	}
	var runs []idRun
	for i, t := range tl {
		if k := len(runs) - 1; k >= 0 && int(runs[k].lo+runs[k].n) == t.id {
			runs[k].n++
			continue
		}
		runs = append(runs, idRun{lo: int32(t.id), n: 1, at: int32(i)})
	}
	if ts.lists == nil {
		ts.lists = map[listKey][]idRun{}
	}
	ts.lists[keyOf(tl)] = runs
}

// idRun is a run of terms of a list whose ids follow each other: tl[at+k] has id lo+k,
// for k below n. A list made by list has one.
type idRun struct{ lo, n, at int32 }

// forFound calls f with the index in tl and the count of each term of tl with a count in
// counts, in the order of tl, reading the counts of each run of runs eight at a time.
func forFound(counts []uint8, runs []idRun, f func(i int, n uint8)) {
	for _, r := range runs {
		c := counts[r.lo : r.lo+r.n]
		for k := 0; k < len(c); {
			if k+8 <= len(c) && binary.LittleEndian.Uint64(c[k:]) == 0 {
				k += 8
				continue
			}
			if c[k] > 0 {
				f(int(r.at)+k, c[k])
			}
			k++
		}
	}
}

// listKey says which list a termList is: where its first term is held, and how many
// it has. A list is read-only once made, so a key is never that of other terms.
type listKey struct {
	first **term
	n     int
}

func keyOf(tl termList) listKey { return listKey{&tl[0], len(tl)} }

// minListedTerms is how long a list is for termSet.lists to hold it: a shorter one is
// read faster than its ids are looked up.
const minListedTerms = 24

// termIndex says which terms a text's word or rune may start.
type termIndex struct {
	terms int // how many terms the set has
	// byWord: the terms whose first word is this word, or this word less a plural ending.
	byWord map[string][]*term
	// byPrefix: the terms whose first word is a prefix ("ethic*"), by their first
	// prefixLen bytes.
	byPrefix  map[string][]*term
	prefixLen int
	// wordKeys holds the wordKey of each key of byWord, prefixLeads the first two bytes
	// (see leadBytes) of those of byPrefix: most words of a text have neither, and need
	// no look-up.
	wordKeys    wordFilter
	prefixLeads leadSet
	// byLead: the terms matched anywhere whose first rune is an anywhereRune, by their
	// first leadRunes runes (all of them when they are fewer); byRune: for such a first
	// rune, the lengths in runes of those keys, a bit each (Arabic terms open with "ال"
	// by the hundred: one rune says too little). scanned: the few others matched
	// anywhere, looked for one by one.
	lists  map[listKey][]idRun // the termSet's
	byLead map[string][]*term
	byRune []uint8 // by anywhereSlot
	// leadPairs holds the runePairKey of the first two runes of each key of byLead of
	// two runes or more: most pairs of a text start none, and need no look-up.
	leadPairs leadSet
	scanned   []*term
	// words, prefixes and leads are byWord, byPrefix and byLead as count reads them:
	// the words of a text are looked up by the bits of their wordKeys (see termTable),
	// not hashed whole for a map.
	words, prefixes, leads *termTable
}

// termTable is a map of strings to terms of a termIndex, read-only once made, looked up
// by the wordKey of a string: a key's bit in keys says whether any key has that
// wordKey, the bits set before it which of the runs of entries of one wordKey holds
// those keys (most strings looked up are no key, and are refused by their bit).
type termTable struct {
	keys wordFilter
	// before holds, for each word of keys, how many bits are set in the words before it.
	before [len(wordFilter{})]uint32
	// starts holds where the entries of the n-th wordKey set in keys start in entries,
	// and, last, len(entries).
	starts  []uint32
	entries []termEntry
}

type termEntry struct {
	key   string
	terms []*term
}

// newTermTable makes the termTable of m, whose keys are not empty.
func newTermTable(m map[string][]*term) *termTable {
	tt := &termTable{}
	entries := make([]termEntry, 0, len(m))
	for k, terms := range m {
		entries = append(entries, termEntry{k, terms})
		tt.keys.add(k)
	}
	slices.SortFunc(entries, func(a, b termEntry) int {
		return cmp.Or(cmp.Compare(wordKey(a.key), wordKey(b.key)), strings.Compare(a.key, b.key))
	})
	n := uint32(0)
	for i, w := range tt.keys {
		tt.before[i] = n
		n += uint32(bits.OnesCount64(w))
	}
	for i, e := range entries {
		if i == 0 || wordKey(e.key) != wordKey(entries[i-1].key) {
			tt.starts = append(tt.starts, uint32(i))
		}
	}
	tt.starts = append(tt.starts, uint32(len(entries)))
	tt.entries = entries
	return tt
}

// get is what the map the table was made of holds for w, not empty.
func (tt *termTable) get(w string) []*term {
	k := wordKey(w)
	word, bit := tt.keys[k/64], uint64(1)<<(k%64)
	if word&bit == 0 {
		return nil
	}
	r := tt.before[k/64] + uint32(bits.OnesCount64(word&(bit-1)))
	for _, e := range tt.entries[tt.starts[r]:tt.starts[r+1]] {
		if e.key == w {
			return e.terms
		}
	}
	return nil
}

// runePairKey mixes two runes into 16 bits.
func runePairKey(r1, r2 rune) uint16 {
	h := uint32(r1)*0x9E37 ^ uint32(r2)
	return uint16(h * 0x9E3779B1 >> 16)
}

func (s *leadSet) addKey(k uint16) { s[k/64] |= 1 << (k % 64) }

func (s *leadSet) hasKey(k uint16) bool { return s[k/64]&(1<<(k%64)) != 0 }

// leadSet is a set of leadBytes.
type leadSet [1 << 16 / 64]uint64

func (s *leadSet) add(w string) { k := leadBytes(w); s[k/64] |= 1 << (k % 64) }

func (s *leadSet) has(w string) bool { k := leadBytes(w); return s[k/64]&(1<<(k%64)) != 0 }

// wordFilter is a set of wordKeys: a word whose key is not in it is no key of the map
// it was filled from, and one whose key is in it (one in about fifteen of the others)
// is looked up.
type wordFilter [1 << 16 / 64]uint64

func (s *wordFilter) add(w string) { k := wordKey(w); s[k/64] |= 1 << (k % 64) }

func (s *wordFilter) has(w string) bool { k := wordKey(w); return s[k/64]&(1<<(k%64)) != 0 }

// wordKey mixes a word's length and its first, second, middle and last bytes into 16
// bits. w is not empty.
func wordKey(w string) uint16 {
	n := len(w)
	h := uint32(n)*0x9E37 ^ uint32(w[0])<<8 ^ uint32(w[n/2])*0x2F ^ uint32(w[n-1])*0x3B1 ^ uint32(w[min(1, n-1)])*0x5
	h ^= h >> 7
	return uint16(h * 0x9E3779B1 >> 16)
}

// leadBytes is the first two bytes of a word (the first and zero for a word of one).
func leadBytes(w string) uint16 {
	if len(w) < 2 {
		return uint16(w[0]) << 8
	}
	return uint16(w[0])<<8 | uint16(w[1])
}

// leadRunes is how many runes of a term matched anywhere key it in termIndex.byLead.
const leadRunes = 3

// leadLen is the length in bytes of the first n runes of s, and how many there are
// (fewer than n when s is shorter).
func leadLen(s string, n int) (int, int) {
	at, k := 0, 0
	for ; k < n && at < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[at:])
		at += size
	}
	return at, k
}

// indexTerms indexes the terms of the set, once they are all there.
func (ts *termSet) indexTerms() {
	ts.index = newTermIndex(ts.all, len(ts.all))
	ts.index.lists = ts.lists
}

// indexOf indexes the terms of lists alone, for a text where only they are looked for:
// a foldedText counted with it (see newFoldedTextOf) has the counts of the set's other
// terms at zero. The set's terms must all be there.
func (ts *termSet) indexOf(lists ...termList) *termIndex {
	var terms []*term
	seen := map[int]bool{}
	for _, tl := range lists {
		for _, t := range tl {
			if !seen[t.id] {
				seen[t.id] = true
				terms = append(terms, t)
			}
		}
	}
	ix := newTermIndex(terms, len(ts.all))
	ix.lists = ts.lists
	return ix
}

// newFoldedTextOf is newFoldedTextIn counting only the terms of ix, an index of indexOf.
func (ts *termSet) newFoldedTextOf(ix *termIndex, folded string, slab *countSlab) foldedText {
	ft := foldedText{s: folded, words: splitWordsIn(folded, slab), slab: slab}
	ft.count(ix, func(*term, int, int) {})
	return ft
}

// newTermIndex indexes terms, of a set of n terms.
func newTermIndex(all []*term, n int) *termIndex {
	ix := &termIndex{byWord: map[string][]*term{}, byPrefix: map[string][]*term{}, byLead: map[string][]*term{},
		byRune: make([]uint8, anywhereSlots), terms: n}
	for _, t := range all {
		if !t.anywhere {
			if p, ok := strings.CutSuffix(t.words[0], "*"); ok && (ix.prefixLen == 0 || len(p) < ix.prefixLen) {
				ix.prefixLen = len(p)
			}
		}
	}
	for _, t := range all {
		switch {
		case t.anywhere:
			if r, _ := utf8.DecodeRuneInString(t.folded); anywhereRune(r) {
				end, n := leadLen(t.folded, leadRunes)
				ix.byLead[t.folded[:end]] = append(ix.byLead[t.folded[:end]], t)
				ix.byRune[anywhereSlot(r)] |= 1 << n
				if n >= 2 {
					r2, _ := utf8.DecodeRuneInString(t.folded[utf8.RuneLen(r):])
					ix.leadPairs.addKey(runePairKey(r, r2))
				}
			} else if t.folded != "" {
				ix.scanned = append(ix.scanned, t)
			}
		case strings.HasSuffix(t.words[0], "*"):
			k := t.words[0][:ix.prefixLen]
			ix.byPrefix[k] = append(ix.byPrefix[k], t)
			ix.prefixLeads.add(k)
		default:
			first := t.words[0]
			for _, form := range []string{first, first + "s", first + "es"} {
				ix.byWord[form] = append(ix.byWord[form], t)
				ix.wordKeys.add(form)
			}
		}
	}
	ix.words, ix.prefixes, ix.leads = newTermTable(ix.byWord), newTermTable(ix.byPrefix), newTermTable(ix.byLead)
	return ix
}

// anywhereRune reports whether r may start a term matched anywhere (Arabic, CJK).
func anywhereRune(r rune) bool {
	return 0x0600 <= r && r <= 0x06FF || 0x2E80 <= r && r <= 0x9FFF || 0xF900 <= r && r <= 0xFAFF
}

// anywhereSlots is how many runes anywhereRune accepts; anywhereSlot numbers them from
// 0, in order.
const anywhereSlots = 0x100 + (0x9FFF - 0x2E80 + 1) + 0x200

func anywhereSlot(r rune) int {
	switch {
	case r <= 0x06FF:
		return int(r - 0x0600)
	case r <= 0x9FFF:
		return 0x100 + int(r-0x2E80)
	default:
		return 0x100 + (0x9FFF - 0x2E80 + 1) + int(r-0xF900)
	}
}

// foldedText is a text folded (see foldText) and cut into words, with how many times
// (at most maxTermCount) each term occurs in it, found in one pass.
type foldedText struct {
	s      string
	words  []string
	counts []uint8             // by term id; nil while no term is found (most short lines)
	lists  map[listKey][]idRun // the termSet's, once counts is not nil
	memo   *lineMemo
	slab   *countSlab // where counts come from, when not from the heap
	// found holds the ids of the first nfound different terms found, in the order
	// found; partial says that more were found. Most lines have a few terms: a long
	// list is read for them by their ids rather than by its counts (see
	// termList.countIn).
	found   [maxFound]uint16
	nfound  uint8
	partial bool
}

// maxFound is how many different terms a foldedText keeps the ids of.
const maxFound = 8

// countSlab lends the counts and the words of the folded lines of one message from
// large blocks, cleared and lent again for the next message once its suggestion is
// made; with them the maps and line memos of its lineTerms. The blocks stay with the
// slab: a message that fills several leaves them all for the next.
type countSlab struct {
	counts slabBlocks[uint8]
	words  slabBlocks[string]
	memos  slabBlocks[lineMemo]
	// The maps of a lineTerms (see lineMaps), cleared for the next message.
	lines    map[string]foldedText
	address  map[string]bool
	subjects map[string][2]string
	folds    map[string]string
}

// slabBlocks lends slices of T from blocks it keeps.
type slabBlocks[T any] struct {
	blocks [][]T
	cur    int // the block lending now, in blocks
	used   int // how much of it is lent
}

// take lends n zero values, from a block of at least size.
func (sb *slabBlocks[T]) take(n, size int) []T {
	b := sb.fit(n, size)
	c := b[sb.used : sb.used+n : sb.used+n]
	sb.used += n
	return c
}

// room returns the rest of the block lending now, when it holds at least n values, else
// of a new block: what append fills, before keep says how much of it was used.
func (sb *slabBlocks[T]) room(n, size int) []T {
	b := sb.fit(n, size)
	return b[sb.used:sb.used:len(b)]
}

// fit makes the block lending now one with n values left, the next kept block that
// has them or a new one of at least size, and returns it.
func (sb *slabBlocks[T]) fit(n, size int) []T {
	for sb.cur < len(sb.blocks) && sb.used+n > len(sb.blocks[sb.cur]) {
		sb.cur++
		sb.used = 0
	}
	if sb.cur == len(sb.blocks) {
		sb.blocks = append(sb.blocks, make([]T, max(size, n)))
		sb.used = 0
	}
	return sb.blocks[sb.cur]
}

// keep lends the first n values of the last room.
func (sb *slabBlocks[T]) keep(n int) { sb.used += n }

// reset clears what was lent, for the next message.
func (sb *slabBlocks[T]) reset() {
	for i := 0; i < sb.cur && i < len(sb.blocks); i++ {
		clear(sb.blocks[i])
	}
	if sb.cur < len(sb.blocks) {
		clear(sb.blocks[sb.cur][:sb.used])
	}
	sb.cur, sb.used = 0, 0
}

// take lends n counts, zero.
func (cs *countSlab) take(n int) []uint8 { return cs.counts.take(n, 16*n) }

// lineMaps returns the maps of a lineTerms, empty.
func (cs *countSlab) lineMaps() (map[string]foldedText, map[string]bool, map[string][2]string, map[string]string) {
	if cs.lines == nil {
		cs.lines, cs.address, cs.subjects, cs.folds = map[string]foldedText{}, map[string]bool{}, map[string][2]string{}, map[string]string{}
	}
	return cs.lines, cs.address, cs.subjects, cs.folds
}

// getSlab returns a countSlab with nothing lent; putSlab takes it back when none of
// the counts it lent are read any more.
func (ts *termSet) getSlab() *countSlab {
	if cs, ok := ts.slabs.Get().(*countSlab); ok {
		return cs
	}
	return &countSlab{}
}

func (ts *termSet) putSlab(cs *countSlab) {
	cs.counts.reset()
	cs.words.reset()
	cs.memos.reset()
	clear(cs.lines)
	clear(cs.address)
	clear(cs.subjects)
	clear(cs.folds)
	ts.slabs.Put(cs)
}

const maxTermCount = 3

// newFoldedText cuts a folded text into words and counts the terms of the set in it.
func (ts *termSet) newFoldedText(folded string) foldedText {
	return ts.newFoldedTextIn(folded, nil)
}

// newFoldedTextIn is newFoldedText with the counts lent by slab (from the heap when
// it is nil).
func (ts *termSet) newFoldedTextIn(folded string, slab *countSlab) foldedText {
	ft := foldedText{s: folded, words: splitWordsIn(folded, slab), slab: slab}
	ft.count(ts.index, func(*term, int, int) {})
	return ft
}

// newFoldedPair cuts and counts a folded subject and text in one pass: each alone, and
// together (subject, newline, text), where a term may also run from the one into the
// other.
func (ts *termSet) newFoldedPair(subject, body string) (fs, fb, all foldedText) {
	return ts.newFoldedPairIn(subject, body, nil)
}

// newFoldedPairIn is newFoldedPair with the counts lent by slab (from the heap when it
// is nil).
func (ts *termSet) newFoldedPairIn(subject, body string, slab *countSlab) (fs, fb, all foldedText) {
	all = foldedText{s: subject + "\n" + body, slab: slab}
	all.words = splitWordsIn(all.s, slab)
	nsub := countWords(subject)
	fs = foldedText{s: subject, words: all.words[:nsub], slab: slab}
	fb = foldedText{s: body, words: all.words[nsub:], slab: slab}
	all.count(ts.index, func(t *term, word, at int) {
		switch {
		case word >= 0 && word+len(t.words) <= nsub, word < 0 && at+len(t.folded) <= len(subject):
			fs.add(ts.index, t)
		case word >= nsub, word < 0 && at > len(subject):
			fb.add(ts.index, t)
		}
	})
	return fs, fb, all
}

// count counts the terms of ix in ft (at most maxTermCount each), and tells found about
// every occurrence: where it starts, as a word index, or -1 and a byte offset for a term
// matched anywhere.
func (ft *foldedText) count(ix *termIndex, found func(t *term, word, at int)) {
	see := func(t *term, i, from int) {
		if ft.matchFrom(t, i, from) {
			ft.add(ix, t)
			found(t, i, 0)
		}
	}
	for i, w := range ft.words {
		// w is the first word of each term of byWord[w], or it with a plural ending: the
		// words after it are left to match.
		for _, t := range ix.words.get(w) {
			if t.lead2 != 0 && (i+1 == len(ft.words) || ft.words[i+1][0] != t.lead2) {
				continue // the next word cannot match the second
			}
			see(t, i, 1)
		}
		if ix.prefixLen > 0 && len(w) >= ix.prefixLen && ix.prefixLeads.has(w) {
			for _, t := range ix.prefixes.get(w[:ix.prefixLen]) {
				see(t, i, 0)
			}
		}
	}
	// Terms matched anywhere count like strings.Count: occurrences that do not overlap.
	// ends holds where the last occurrence of each term found so far ends: a text has
	// few such terms, looked for one by one.
	var endsBuf [16]termEnd
	ends := endsBuf[:0]
	anywhere := func(t *term, at int) {
		if !strings.HasPrefix(ft.s[at:], t.folded) {
			return
		}
		k := 0
		for k < len(ends) && ends[k].t != t {
			k++
		}
		if k < len(ends) && at < ends[k].end {
			return
		}
		ft.add(ix, t)
		found(t, -1, at)
		if k == len(ends) {
			ends = append(ends, termEnd{t: t})
		}
		ends[k].end = at + len(t.folded)
	}
	for _, t := range ix.scanned {
		for at := 0; at < len(ft.s); {
			k := strings.Index(ft.s[at:], t.folded)
			if k < 0 {
				break
			}
			anywhere(t, at+k)
			at += k + len(t.folded)
		}
	}
	if isASCII(ft.s) {
		return
	}
	for at, size := 0, 0; at < len(ft.s); at += size {
		if ft.s[at] < utf8.RuneSelf {
			size = 1
			continue
		}
		var r rune
		if r2, ok := twoByteRune(ft.s, at); ok {
			r, size = rune(r2), 2
		} else {
			r, size = decodeRune(ft.s, at)
		}
		if !anywhereRune(r) {
			continue
		}
		lens := ix.byRune[anywhereSlot(r)]
		if lens == 0 {
			continue
		}
		for n, end := 1, at; n <= leadRunes && end < len(ft.s); n++ {
			r2, size2 := decodeRune(ft.s, end)
			if n == 2 && !ix.leadPairs.hasKey(runePairKey(r, r2)) {
				break // no key of two runes or more opens with these two
			}
			end += size2
			if lens&(1<<n) == 0 {
				continue
			}
			for _, t := range ix.leads.get(ft.s[at:end]) {
				anywhere(t, at)
			}
		}
	}
}

// termEnd is where the last occurrence of a term matched anywhere ends.
type termEnd struct {
	t   *term
	end int
}

// add counts one more occurrence of t in ft, at most maxTermCount.
func (ft *foldedText) add(ix *termIndex, t *term) {
	if ft.counts == nil {
		if ft.slab != nil {
			ft.counts = ft.slab.take(ix.terms)
		} else {
			ft.counts = make([]uint8, ix.terms)
		}
		ft.lists = ix.lists
	}
	if ft.counts[t.id] == 0 {
		if ft.nfound < maxFound && t.id <= 0xFFFF {
			ft.found[ft.nfound] = uint16(t.id)
			ft.nfound++
		} else {
			ft.partial = true
		}
	}
	ft.counts[t.id] = min(ft.counts[t.id]+1, maxTermCount)
}

// foundIn calls f with the position in its list and the count of each term found in ft
// that a list (given by its runs, see termSet.lists) holds, in no particular order. It
// reports false, calling nothing, when ft does not know the ids of all it found.
func (ft *foldedText) foundIn(runs []idRun, f func(i int, n uint8)) bool {
	if ft.partial {
		return false
	}
	for _, id := range ft.found[:ft.nfound] {
		for _, r := range runs {
			if k := int32(id) - r.lo; k >= 0 && k < r.n {
				f(int(r.at+k), ft.counts[id])
				break
			}
		}
	}
	return true
}

// matchFrom reports whether the words of t, a term matched word by word, start at word
// i, the first from of them being known to match.
func (ft *foldedText) matchFrom(t *term, i, from int) bool {
	if i+len(t.words) > len(ft.words) {
		return false
	}
	for j := from; j < len(t.words); j++ {
		if !wordMatches(ft.words[i+j], t.words[j]) {
			return false
		}
	}
	return true
}

// countIn returns how many times the terms occur in a folded text (see foldText), at
// most three per term, and the first term found.
func (tl termList) countIn(ft foldedText) (int, string) {
	total, first := 0, ""
	if ft.counts == nil {
		return total, first
	}
	if runs := ft.runsOf(tl); runs != nil {
		at := -1 // the position of first in tl
		if ft.foundIn(runs, func(i int, n uint8) {
			total += int(n)
			if at < 0 || i < at {
				at, first = i, tl[i].text
			}
		}) {
			return total, first
		}
		forFound(ft.counts, runs, func(i int, n uint8) {
			total += int(n)
			if first == "" {
				first = tl[i].text
			}
		})
		return total, first
	}
	for _, t := range tl {
		if n := int(ft.counts[t.id]); n > 0 {
			total += n
			if first == "" {
				first = t.text
			}
		}
	}
	return total, first
}

// runsOf returns the runs of ids of the terms of tl when the termSet holds them (see
// termSet.lists), else nil.
func (ft *foldedText) runsOf(tl termList) []idRun {
	if len(tl) < minListedTerms || ft.lists == nil {
		return nil
	}
	return ft.lists[keyOf(tl)]
}

// distinctIn returns how many different terms occur in a folded text, and the first.
func (tl termList) distinctIn(ft foldedText) (int, string) {
	n, first := 0, ""
	if ft.counts == nil {
		return n, first
	}
	if runs := ft.runsOf(tl); runs != nil {
		at := -1 // the position of first in tl
		if ft.foundIn(runs, func(i int, _ uint8) {
			n++
			if at < 0 || i < at {
				at, first = i, tl[i].text
			}
		}) {
			return n, first
		}
		forFound(ft.counts, runs, func(i int, _ uint8) {
			n++
			if first == "" {
				first = tl[i].text
			}
		})
		return n, first
	}
	for _, t := range tl {
		if ft.counts[t.id] > 0 {
			n++
			if first == "" {
				first = t.text
			}
		}
	}
	return n, first
}

// splitWordsIn is splitWords with the words lent by slab (from the heap when it is nil).
func splitWordsIn(s string, slab *countSlab) []string {
	if slab == nil {
		return splitWords(s)
	}
	// A text of n bytes has at most (n+1)/2 words.
	room := slab.words.room((len(s)+1)/2, 4096)
	words := appendSplitWords(room, s)
	slab.words.keep(len(words))
	return words[:len(words):len(words)]
}

// countWords is len(splitWords(s)).
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		word, size := splitRune(s, i)
		if word {
			if !in {
				n++
				in = true
			}
		} else {
			in = false
		}
		i += size
	}
	return n
}

// splitWords cuts folded text into words of letters and digits; a "*" stays
// at the end of a word of a term.
func splitWords(s string) []string {
	return appendSplitWords(make([]string, 0, len(s)/6+1), s)
}

// appendSplitWords appends the words of s (see splitWords) to words.
func appendSplitWords(words []string, s string) []string {
	start := -1
	var letters bmpTable // wordRunes(), read at the first rune above ASCII
	for i := 0; i < len(s); {
		in, size := false, 1
		if c := s[i]; c < utf8.RuneSelf {
			in = asciiWordBytes[c/64]&(1<<(c%64)) != 0
		} else if r, ok := twoByteRune(s, i); ok {
			if letters == nil {
				letters = wordRunes()
			}
			in, size = letters[r/64]&(1<<(r%64)) != 0, 2
		} else {
			in, size = splitRuneAbove(s, i, &letters)
		}
		if in {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			words = append(words, s[start:i])
			start = -1
		}
		i += size
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

// splitRune reports whether the rune at s[i] belongs to a word of splitWords (a letter,
// a digit or "*"), and its length.
func splitRune(s string, i int) (bool, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiWordBytes[c/64]&(1<<(c%64)) != 0, 1
	}
	var letters bmpTable
	return splitRuneAbove(s, i, &letters)
}

// splitRuneAbove is splitRune for s[i] above ASCII; *letters is wordRunes(), read the
// first time it is needed.
func splitRuneAbove(s string, i int, letters *bmpTable) (bool, int) {
	r, size := decodeRune(s, i)
	if r < 1<<16 {
		if *letters == nil {
			*letters = wordRunes()
		}
		return (*letters)[r/64]&(1<<(r%64)) != 0, size
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r), size
}

// asciiWordBytes holds a bit for each ASCII letter and digit, and "*".
var asciiWordBytes = func() (t [2]uint64) {
	for c := range rune(utf8.RuneSelf) {
		if isWordRune(c) || c == '*' {
			t[c/64] |= 1 << (c % 64)
		}
	}
	return t
}()

func wordMatches(word, termWord string) bool {
	if prefix, ok := strings.CutSuffix(termWord, "*"); ok {
		return strings.HasPrefix(word, prefix)
	}
	if !strings.HasPrefix(word, termWord) {
		return false
	}
	rest := word[len(termWord):]
	return rest == "" || rest == "s" || rest == "es"
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r < 1<<16 {
		return wordRunes()[r/64]&(1<<(r%64)) != 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordRunes holds a bit for each rune of the Basic Multilingual Plane that is a letter
// or a digit, worked out the first time a text is cut into words: the Unicode tables
// are slow to search for every rune of a Cyrillic, Arabic or Chinese text.
var wordRunes = sync.OnceValue(func() *[1 << 16 / 64]uint64 {
	var t [1 << 16 / 64]uint64
	for r := range rune(1 << 16) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			t[r/64] |= 1 << (r % 64)
		}
	}
	return &t
})

// foldText lower-cases s, drops accents and other combining marks (so
// that "tematica" is "temática" and Arabic vowel signs do not get in the
// way) and straightens apostrophes, for term matching. It works rune by rune
// (see foldRune): what lower-casing, canonical decomposition, removing the
// nonspacing marks and recomposing make of each rune.
func foldText(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	table := foldTable()
	// Most runes of a text in a script without case (Arabic, Chinese) or already in lower
	// case fold to themselves: the text is copied from the first rune that does not, and
	// then by runs of runes that do (s[keep:i]).
	var b strings.Builder
	keep := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				if b.Cap() == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[keep:i])
				b.WriteByte(c + 'a' - 'A')
				keep = i + 1
			}
			i++
			continue
		}
		var r rune
		var size int
		if r2, ok := twoByteRune(s, i); ok {
			r, size = rune(r2), 2
		} else {
			r, size = decodeRune(s, i)
		}
		f := foldRune(table, r)
		if f == r && (r != utf8.RuneError || size > 1) {
			i += size
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[keep:i])
		switch {
		case f == foldDrop:
		case f == foldMany:
			b.WriteString(foldRuneSlow(r))
		default:
			b.WriteRune(f) // an invalid byte is written as utf8.RuneError, as range reads it
		}
		i += size
		keep = i
	}
	if b.Cap() == 0 {
		return s
	}
	b.WriteString(s[keep:])
	return b.String()
}

const (
	foldDrop rune = -1 // a nonspacing mark: dropped
	foldMany rune = -2 // folds to more than one rune: see foldRuneSlow
)

// foldTableSize covers the alphabets below the CJK ideographs: Latin, Greek, Cyrillic,
// Arabic and the combining marks. Above it, runes are looked at one by one.
const foldTableSize = 0x3400

// foldTable is what foldText makes of each rune below foldTableSize, worked out the
// first time a text is folded.
var foldTable = sync.OnceValue(func() []rune {
	t := make([]rune, foldTableSize)
	for r := range rune(foldTableSize) {
		lower := unicode.ToLower(r)
		if unicode.Is(unicode.Mn, lower) {
			t[r] = foldDrop
			continue
		}
		if norm.NFD.PropertiesString(string(lower)).Decomposition() == nil {
			t[r] = straightApostrophe(lower)
			continue
		}
		t[r] = foldRuneLong(r)
	}
	return t
})

// foldRune is what foldText makes of r, given the foldTable: a rune, foldDrop or
// foldMany.
func foldRune(table []rune, r rune) rune {
	switch {
	case r < foldTableSize:
		return table[r]
	case r < 0xA640, 0xAC00 <= r && r < 0xF900, 0xFB50 <= r && r < 0xFE00, 0xFE30 <= r && r < 0xFF21, 0xFF3A < r && r <= 0xFFFF:
		// CJK, Hangul, Arabic presentation forms and the like: no case, nothing to drop.
		return r
	}
	return foldRuneLong(r)
}

// foldRuneLong is foldRune from foldRuneSlow: a rune, foldDrop or foldMany.
func foldRuneLong(r rune) rune {
	switch f := []rune(foldRuneSlow(r)); len(f) {
	case 0:
		return foldDrop
	case 1:
		return f[0]
	}
	return foldMany
}

// foldRuneSlow folds one rune the long way: lower case, decomposed, nonspacing marks
// removed, recomposed, apostrophes straightened.
func foldRuneSlow(r rune) string {
	d := norm.NFD.String(string(unicode.ToLower(r)))
	kept := make([]rune, 0, 2)
	for _, c := range d {
		if !unicode.Is(unicode.Mn, c) {
			kept = append(kept, straightApostrophe(c))
		}
	}
	return norm.NFC.String(string(kept))
}

func straightApostrophe(r rune) rune {
	switch r {
	case '’', '‘', 'ʼ':
		return '\''
	}
	return r
}

func isASCII(s string) bool {
	for ; len(s) >= 8; s = s[8:] {
		w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		if w&0x8080808080808080 != 0 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// twoByteRune is the rune of a valid two-byte sequence at s[i] (Latin with accents,
// Greek, Cyrillic, Arabic), and whether there is one: small enough to be inlined in the
// loops that read a text rune by rune.
func twoByteRune(s string, i int) (uint, bool) {
	if i+1 < len(s) && s[i]-0xC2 <= 0xDF-0xC2 && s[i+1]&0xC0 == 0x80 {
		return uint(s[i]&0x1F)<<6 | uint(s[i+1]&0x3F), true
	}
	return 0, false
}

// decodeRune is utf8.DecodeRuneInString(s[i:]) for s[i] above ASCII, with the two- and
// three-byte sequences of the Latin, Cyrillic, Arabic and CJK scripts decoded without
// utf8's tables: the texts the suggestions read are mostly made of them.
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	switch {
	case 0xC2 <= c && c <= 0xDF && i+1 < len(s):
		if b := s[i+1]; b&0xC0 == 0x80 {
			return rune(c&0x1F)<<6 | rune(b&0x3F), 2
		}
	case 0xE1 <= c && c <= 0xEF && c != 0xED && i+2 < len(s):
		// E0 and ED have narrower second bytes (no overlong forms, no surrogates).
		if b1, b2 := s[i+1], s[i+2]; b1&0xC0 == 0x80 && b2&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(b1&0x3F)<<6 | rune(b2&0x3F), 3
		}
	}
	return utf8.DecodeRuneInString(s[i:])
}
