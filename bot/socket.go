package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// runSocketMode receives events, interactions and commands over Socket Mode (no public
// URL needed; the client reconnects by itself). Each request is handed to the job workers
// and then acknowledged; one they cannot take is not acknowledged, and Slack sends it
// again. Requests Slack sends again are done once.
func (b *Bot) runSocketMode(ctx context.Context) error {
	api := slack.New(b.cfg.BotToken, slack.OptionAPIURL(b.cfg.APIURL), slack.OptionHTTPClient(b.slackHTTP),
		slack.OptionAppLevelToken(b.cfg.AppToken))
	sm := socketmode.New(api, socketmode.OptionLog(slog.NewLogLogger(b.log.Handler(), slog.LevelDebug)))
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case <-ctx.Done():
			<-errc
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("bot: socket mode: %w", err)
		case ev := <-sm.Events:
			b.onSocketEvent(ctx, sm, ev)
		}
	}
}

func (b *Bot) onSocketEvent(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("socket mode connecting")
		return
	case socketmode.EventTypeConnected:
		b.log.Info("socket mode connected")
		return
	case socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth:
		b.log.Warn("socket mode", "event", string(ev.Type), "data", fmt.Sprint(ev.Data))
		return
	case socketmode.EventTypeInteractive, socketmode.EventTypeSlashCommand, socketmode.EventTypeEventsAPI:
	default:
		return
	}
	req := ev.Request
	if req == nil {
		return
	}
	ack := func() {
		if err := sm.AckCtx(ctx, req.EnvelopeID, nil); err != nil {
			b.log.Warn("socket mode ack", slog.Any("error", err))
		}
	}
	var keys []string
	if req.EnvelopeID != "" {
		keys = append(keys, "envelope:"+req.EnvelopeID)
	}
	payload := []byte(req.Payload)
	var what string
	var job func(context.Context)
	switch ev.Type {
	case socketmode.EventTypeInteractive:
		if errs := viewSubmissionErrors(payload); errs != nil {
			// The modal stays open with the error on its field; nothing is done.
			if err := sm.AckCtx(ctx, req.EnvelopeID, slack.NewErrorsViewSubmissionResponse(errs)); err != nil {
				b.log.Warn("socket mode ack", slog.Any("error", err))
			}
			return
		}
		what, job = "interaction", func(ctx context.Context) { b.handleInteraction(ctx, payload) }
	case socketmode.EventTypeSlashCommand:
		var cmd slack.SlashCommand
		if err := json.Unmarshal(payload, &cmd); err != nil {
			b.log.Warn("unreadable slash command", slog.Any("error", err))
			ack()
			return
		}
		if cmd.Command != commandName {
			ack()
			return
		}
		what, job = "command", func(ctx context.Context) { b.handleCommand(ctx, cmd) }
	case socketmode.EventTypeEventsAPI:
		var outer struct {
			EventID string `json:"event_id"`
		}
		if json.Unmarshal(payload, &outer) == nil && outer.EventID != "" {
			keys = append(keys, "event:"+outer.EventID) // Slack sends an event again in a new envelope
		}
		what, job = "event", func(ctx context.Context) { b.handleEvent(ctx, payload) }
	}
	// Acknowledge only what is queued (or was before): Slack sends an unacknowledged
	// request again, and the queue may have room by then.
	switch b.accept(ctx, what, keys, job) {
	case accepted:
		ack()
	case repeated:
		b.log.Debug("a request Slack sent again is ignored", "envelope_id", req.EnvelopeID)
		ack()
	case refused:
		b.log.Warn("a request is not acknowledged; Slack will send it again", "what", what, "envelope_id", req.EnvelopeID)
	}
}
