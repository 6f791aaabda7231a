package store

import "errors"

// IsPermanent reports whether err is, or wraps, a PermanentError: a failure that trying
// again at once does not cure. The outbox fails such an item instead of retrying it; the
// mail intake stops and waits for a person (bad credentials, a missing mailbox).
func IsPermanent(err error) bool {
	var pe *PermanentError
	return errors.As(err, &pe)
}
