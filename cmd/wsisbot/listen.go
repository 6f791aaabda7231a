package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Limits of every HTTP server of ours. Slack expects an answer within 3 seconds and
// sends small requests; a scrape or a readiness check takes at most a few seconds.
const (
	httpReadHeaderTimeout = 5 * time.Second
	httpReadTimeout       = 15 * time.Second
	httpWriteTimeout      = 30 * time.Second
	httpIdleTimeout       = 2 * time.Minute
	httpMaxHeaderBytes    = 64 << 10
)

// newHTTPServer returns a server for h with our timeouts and header limit, so that a
// client that sends slowly, or never reads, cannot hold a connection for long.
func newHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
	}
}

// publicHandler serves what Slack calls (WSISBOT_HTTP_ADDR): /slack/events,
// /slack/interactions and /slack/commands, each verified by its signature. Nothing else:
// health and metrics are on the internal listener.
func (a *app) publicHandler() http.Handler {
	mux := http.NewServeMux()
	if a.desk != nil {
		mux.Handle("/slack/", a.desk.Handler())
	}
	return mux
}

// healthHandler serves /healthz, /readyz and /metrics (WSISBOT_HEALTH_ADDR), for probes
// and Prometheus on the internal network.
func (a *app) healthHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		checks, ok := a.ready(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(checks)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{Timeout: 10 * time.Second}))
	return mux
}
