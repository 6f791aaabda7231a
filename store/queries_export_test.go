package store

// NamedQueries returns the names and SQL of the store's named statements, in order.
func NamedQueries() (names, sqls []string) {
	for _, q := range namedQueries() {
		names = append(names, q.name)
		sqls = append(sqls, q.sql)
	}
	return names, sqls
}

// OutboxTxSetup is the statement that begins an outbox transaction.
const OutboxTxSetup = outboxTxSetup
