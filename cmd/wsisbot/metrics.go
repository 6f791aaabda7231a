package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wsis/wsisbot/store"
)

// metrics are what /metrics exposes. Counters are incremented by the parts through small
// hooks; gauges about the store are read from PostgreSQL at each scrape.
type metrics struct {
	reg             *prometheus.Registry
	messagesFetched prometheus.Counter
	imapReconnects  prometheus.Counter
	sendFailures    *prometheus.CounterVec
	slackRateLimits prometheus.Counter
}

func newMetrics(st *store.Store, logger *slog.Logger) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		messagesFetched: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wsisbot_messages_fetched_total", Help: "Messages fetched from the mailbox.",
		}),
		imapReconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wsisbot_imap_reconnects_total", Help: "Reconnections to the IMAP server after an error.",
		}),
		sendFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wsisbot_send_failures_total", Help: "Failed deliveries (mail and Slack), by kind and whether permanent.",
		}, []string{"kind", "permanent"}),
		slackRateLimits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wsisbot_slack_rate_limited_total", Help: "Slack answers of 429 (rate limited).",
		}),
	}
	m.reg.MustRegister(m.messagesFetched, m.imapReconnects, m.sendFailures, m.slackRateLimits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{st: st, logger: logger})
	return m
}

var (
	descContributions = prometheus.NewDesc("wsisbot_contributions", "Contributions by status.", []string{"status"}, nil)
	descMessages      = prometheus.NewDesc("wsisbot_messages", "Stored messages by kind.", []string{"kind"}, nil)
	descOutboxDepth   = prometheus.NewDesc("wsisbot_outbox_pending", "Outbox items waiting to be carried out.", nil, nil)
	descOutboxFailed  = prometheus.NewDesc("wsisbot_outbox_failed", "Outbox items that failed for good.", nil, nil)
	descOutboxOldest  = prometheus.NewDesc("wsisbot_outbox_oldest_age_seconds", "Age of the oldest pending outbox item.", nil, nil)
	descStoreUp       = prometheus.NewDesc("wsisbot_store_up", "Whether the last scrape could read the store.", nil, nil)
)

// storeCollector reads gauges from the store at scrape time.
type storeCollector struct {
	st     *store.Store
	logger *slog.Logger
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descContributions, descMessages, descOutboxDepth, descOutboxFailed, descOutboxOldest, descStoreUp} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	up := 1.0
	if counts, err := c.st.StatusCounts(ctx); err == nil {
		for st, n := range counts {
			ch <- prometheus.MustNewConstMetric(descContributions, prometheus.GaugeValue, float64(n), string(st))
		}
	} else {
		up = 0
		c.logger.Warn("metrics: status counts", slog.Any("error", err))
	}
	if counts, err := c.st.MessageKindCounts(ctx); err == nil {
		for k, n := range counts {
			ch <- prometheus.MustNewConstMetric(descMessages, prometheus.GaugeValue, float64(n), string(k))
		}
	} else {
		up = 0
	}
	if ob, err := c.st.OutboxStats(ctx); err == nil {
		ch <- prometheus.MustNewConstMetric(descOutboxDepth, prometheus.GaugeValue, float64(ob.Pending))
		ch <- prometheus.MustNewConstMetric(descOutboxFailed, prometheus.GaugeValue, float64(ob.Failed))
		ch <- prometheus.MustNewConstMetric(descOutboxOldest, prometheus.GaugeValue, ob.OldestAge.Seconds())
	} else {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, up)
}
