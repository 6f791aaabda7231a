package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/wsis/wsisbot/store"
)

// cmdServe migrates, opens the store and runs until ctx is done.
func cmdServe(ctx context.Context, cfg *Config, logger *slog.Logger, _ []string) error {
	if _, err := store.Migrate(ctx, cfg.DatabaseURL); err != nil {
		return err
	}
	ph, err := store.LoadPhases(cfg.Phases)
	if err != nil {
		return fmt.Errorf("WSISBOT_PHASES: %w", err)
	}
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, clock, ph)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	srv := &http.Server{Addr: cfg.HTTPAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	logger.Info("serving", "http_addr", cfg.HTTPAddr, "version", version)
	select {
	case <-ctx.Done():
	case err := <-errc:
		return fmt.Errorf("WSISBOT_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}
