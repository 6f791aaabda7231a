package mailin

import "testing"

// TestSameCause: the same refusal told with other timings, or with another number of
// timing terms (Dovecot adds one per step), is one cause; another refusal is not.
func TestSameCause(t *testing.T) {
	a := `permanent: mailbox "NoSuchFolder" does not exist: imap: NO Mailbox doesn't exist: NoSuchFolder (0.001 + 0.000 + 0.001 secs).`
	b := `permanent: mailbox "NoSuchFolder" does not exist: imap: NO Mailbox doesn't exist: NoSuchFolder (0.001 + 0.000 secs).`
	c := `permanent: mailbox "Other" does not exist: imap: NO Mailbox doesn't exist: Other (0.001 + 0.000 secs).`
	if sameCause(a) != sameCause(b) {
		t.Errorf("one cause told twice counts as two:\n%s\n%s", sameCause(a), sameCause(b))
	}
	if sameCause(b) == sameCause(c) {
		t.Errorf("two causes count as one: %s", sameCause(b))
	}
}
