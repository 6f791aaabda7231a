package main

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wsis/wsisbot/store"
)

// metrics are what /metrics exposes. What grows with history is counted in this process
// (counters incremented by the parts through small hooks: messages stored, outbox items
// carried out or failed); at each scrape the store is asked only about the work in hand
// (open contributions, pending outbox items), through indexes.
type metrics struct {
	reg                  *prometheus.Registry
	messagesFetched      *prometheus.CounterVec
	messagesStored       *prometheus.CounterVec
	contributionsCreated prometheus.Counter
	imapReconnects       *prometheus.CounterVec
	outboxDone           *prometheus.CounterVec
	sendFailures         *prometheus.CounterVec
	slackRateLimits      prometheus.Counter
}

func newMetrics(st *store.Store, logger *slog.Logger) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		messagesFetched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_messages_fetched_total", Help: "Messages fetched, by mailbox (its name).",
		}, []string{"mailbox"}),
		messagesStored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_messages_stored_total", Help: "Messages stored by this process, by kind (contribution, follow_up, bounce...).",
		}, []string{"kind"}),
		contributionsCreated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wsisbot_contributions_created_total", Help: "Contributions created by this process.",
		}),
		imapReconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_imap_reconnects_total", Help: "Reconnections to the IMAP server after an error, by mailbox (its name).",
		}, []string{"mailbox"}),
		outboxDone: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_outbox_done_total", Help: "Outbox items (mail and Slack) carried out by this process, by kind.",
		}, []string{"kind"}),
		sendFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_send_failures_total", Help: "Failed deliveries (mail and Slack), by kind and whether permanent.",
		}, []string{"kind", "permanent"}),
		slackRateLimits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wsisbot_slack_rate_limited_total", Help: "Slack answers of 429 (rate limited).",
		}),
	}
	m.reg.MustRegister(m.messagesFetched, m.messagesStored, m.contributionsCreated, m.imapReconnects, m.outboxDone,
		m.sendFailures, m.slackRateLimits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{st: st, logger: logger})
	return m
}

// observe hooks the counters to the store's outcomes.
func (m *metrics) observe(st *store.Store) {
	st.ObserveIngested(func(in store.Ingested) {
		m.messagesStored.WithLabelValues(string(in.Kind)).Inc()
		if in.NewContrib {
			m.contributionsCreated.Inc()
		}
	})
	st.ObserveOutboxDone(func(kind string) { m.outboxDone.WithLabelValues(kind).Inc() })
	st.ObserveOutboxFailures(func(kind string, permanent, rateLimited bool) {
		m.sendFailures.WithLabelValues(kind, strconv.FormatBool(permanent)).Inc()
		if rateLimited && strings.HasPrefix(kind, "slack_") {
			m.slackRateLimits.Inc()
		}
	})
}

var (
	descContributions = prometheus.NewDesc("wsisbot_contributions_open", "Contributions still being worked on, by status (received, acknowledged, classified).", []string{"status"}, nil)
	descOutboxDepth   = prometheus.NewDesc("wsisbot_outbox_pending", "Outbox items waiting to be carried out.", nil, nil)
	descOutboxOldest  = prometheus.NewDesc("wsisbot_outbox_oldest_age_seconds", "Age of the oldest pending outbox item.", nil, nil)
	descStoreUp       = prometheus.NewDesc("wsisbot_store_up", "Whether the last scrape could read the store.", nil, nil)
)

// storeCollector reads the work in hand from the store at scrape time: two queries, each
// on an index over open contributions or pending outbox items (see store/stats.go).
type storeCollector struct {
	st     *store.Store
	logger *slog.Logger
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descContributions, descOutboxDepth, descOutboxOldest, descStoreUp} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up := 1.0
	if counts, err := c.st.OpenStatusCounts(ctx); err == nil {
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(descContributions, prometheus.GaugeValue, float64(n), string(st))
		}
	} else {
		up = 0
		c.logger.Warn("metrics: open contributions", slog.Any("error", err))
	}
	if pending, oldest, err := c.st.OutboxQueue(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descOutboxDepth, prometheus.GaugeValue, float64(pending))
		ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, oldest.Seconds())
	} else {
		up = 0
		c.logger.Warn("metrics: outbox queue", slog.Any("error", err))
	}
	ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, up)
}

// watchMailbox adds the mailbox named name to the metrics: its counters start at 0, and
// wsisbot_imap_connected{mailbox} is 1 while this replica reads it (connected() at each
// scrape), 0 otherwise (not connected, or another replica holds it).
func (m *metrics) watchMailbox(name string, connected func() bool) {
	m.messagesFetched.WithLabelValues(name)
	m.imapReconnects.WithLabelValues(name)
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wsisbot_imap_connected", Help: "1 while this replica reads the mailbox, by mailbox (its name).",
		ConstLabels: prometheus.Labels{"mailbox": name},
	}, func() float64 {
		if connected() {
			return 1
		}
		return 0
	}))
}
