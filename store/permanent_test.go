package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/wsis/wsisbot/store"
)

func TestIsPermanentSeesThroughWrapping(t *testing.T) {
	base := errors.New("mailbox missing")
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"plain", base, false},
		{"nil", nil, false},
		{"permanent", store.Permanent(base), true},
		{"wrapped permanent", fmt.Errorf("imap: %w", store.Permanent(base)), true},
		{"joined", errors.Join(base, store.Permanent(errors.New("bad password"))), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := store.IsPermanent(c.err); got != c.want {
				t.Errorf("IsPermanent(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
	if err := store.Permanent(base); !errors.Is(err, base) {
		t.Errorf("a permanent error hides what it wraps: %v", err)
	}
}
