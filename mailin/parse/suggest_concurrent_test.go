package parse

import (
	"reflect"
	"sync"
	"testing"
)

// TestSuggestConcurrently: suggestions made side by side, as the intake's parse workers
// make them on a machine with more cores, are those made one at a time. Each
// suggestion borrows its working memory from a pool and gives it back: nothing it
// returns may still point into what the next one borrows.
func TestSuggestConcurrently(t *testing.T) {
	msgs := loadEvalParsed(t)
	msgs = msgs[:min(len(msgs), 600)] // six languages, every kind; quick under -race
	want := make([]Suggestion, len(msgs))
	for i, p := range msgs {
		want[i] = Suggest(p)
	}
	const workers = 4
	got := make([][]Suggestion, workers)
	var wg sync.WaitGroup
	for w := range workers {
		got[w] = make([]Suggestion, len(msgs))
		wg.Go(func() {
			// Each worker from its own place on, so that neighbours differ.
			for k := range msgs {
				i := (k + w*len(msgs)/workers) % len(msgs)
				got[w][i] = Suggest(msgs[i])
			}
		})
	}
	wg.Wait()
	for w := range workers {
		for i := range msgs {
			if !reflect.DeepEqual(got[w][i], want[i]) {
				t.Errorf("worker %d, message %d: side by side\n%+v\none at a time\n%+v", w, i, got[w][i], want[i])
			}
		}
	}
}
