package store

import (
	"regexp/syntax"
	"strings"
	"testing"
)

// TestRevisionStemsCoverEveryWord: each word of revisionWords, in its shortest form
// (optional parts left out, each class's first letter), is let through by mayRevise.
// A word added to the regexp without its stem in revisionStems fails here, where the
// comparison on random subjects would only catch it by chance.
func TestRevisionStemsCoverEveryWord(t *testing.T) {
	re, err := syntax.Parse(revisionWords.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	var words []*syntax.Regexp
	var collect func(r *syntax.Regexp)
	collect = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpAlternate:
			for _, s := range r.Sub {
				collect(s)
			}
		case syntax.OpCapture:
			collect(r.Sub[0])
		case syntax.OpConcat:
			// (?:^|boundary)(words)(?:$|boundary): the words are the capture.
			for _, s := range r.Sub {
				if s.Op == syntax.OpCapture {
					collect(s.Sub[0])
					return
				}
			}
			words = append(words, r)
		default:
			words = append(words, r)
		}
	}
	collect(re.Simplify())
	if len(words) < 20 {
		t.Fatalf("found %d words in revisionWords; the walk above no longer reads it", len(words))
	}
	for _, w := range words {
		sample := shortest(t, w)
		if !revisionWords.MatchString(sample) {
			t.Errorf("%q: its shortest form %q does not match revisionWords", w, sample)
			continue
		}
		if !mayRevise(sample) {
			t.Errorf("%q: mayRevise(%q) = false: add its stem to revisionStems", w, sample)
		}
	}
}

// shortest is the shortest text r matches: optional and repeated parts as few times as
// they may be, a class as its first rune.
func shortest(t *testing.T, r *syntax.Regexp) string {
	var b strings.Builder
	var walk func(r *syntax.Regexp)
	walk = func(r *syntax.Regexp) {
		switch r.Op {
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			b.WriteRune(r.Rune[0])
		case syntax.OpConcat:
			for _, s := range r.Sub {
				walk(s)
			}
		case syntax.OpCapture:
			walk(r.Sub[0])
		case syntax.OpAlternate:
			walk(r.Sub[0])
		case syntax.OpRepeat:
			for range r.Min {
				walk(r.Sub[0])
			}
		case syntax.OpPlus:
			walk(r.Sub[0])
		case syntax.OpStar, syntax.OpQuest, syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText,
			syntax.OpBeginLine, syntax.OpEndLine:
		default:
			t.Fatalf("shortest: %v (%q) not handled", r.Op, r)
		}
	}
	walk(r)
	return b.String()
}
