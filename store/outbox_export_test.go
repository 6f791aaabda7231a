package store

// SetOutboxListenURL points the outbox listener of s at url, for tests of the poll
// fallback while notifications are down. Call it before RunOutbox.
func SetOutboxListenURL(s *Store, url string) { s.url = url }
