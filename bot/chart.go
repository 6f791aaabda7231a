package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/wsis/wsisbot/report"
	"github.com/wsis/wsisbot/store"
)

// statusChartName is the chart `/wsis status` and App Home show, as the store remembers
// its Slack file; statusChartEvery is how often it is drawn and uploaded again, at most,
// across replicas.
const (
	statusChartName  = "status-chart"
	statusChartEvery = time.Hour
)

// statusChart is the Slack file id of the consultation's chart (the digest's picture:
// contributions so far per kind against the days left to the next deadline), uploading a
// fresh one when the one there is is an hour old or more. The upload is shared with no
// channel: the file stays the bot's own, and blocks show it by its id. It returns "" when
// there is no chart to show; a failed upload leaves the older chart, if any, in place.
func (b *Bot) statusChart(ctx context.Context) string {
	now := b.clock.Now()
	id, at, err := b.st.SlackFile(ctx, statusChartName)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		b.log.Warn("could not find the status chart", slog.Any("error", err))
		return ""
	}
	if id != "" && now.Sub(at) < statusChartEvery {
		return id
	}
	claimed, err := b.st.ClaimEvery(ctx, statusChartName, now, statusChartEvery)
	if err != nil {
		b.log.Warn("could not claim the status chart's upload", slog.Any("error", err))
		return id
	}
	if !claimed {
		return id // another caller draws it now, or has tried within the hour
	}
	fresh, err := b.uploadStatusChart(ctx, now)
	if err != nil {
		b.log.Warn("could not upload the status chart", slog.Any("error", err))
		return id
	}
	return fresh
}

// uploadStatusChart draws the chart as of now, uploads it without sharing it and
// remembers its file id.
func (b *Bot) uploadStatusChart(ctx context.Context, now time.Time) (string, error) {
	days, err := b.st.ReportDays(ctx, nil, &now, b.phases.Location.String())
	if err != nil {
		return "", err
	}
	png, err := report.DigestChart(days, b.phases, now)
	if err != nil {
		return "", fmt.Errorf("draw status chart: %w", err)
	}
	stamp := now.In(b.phases.Location).Format("2006-01-02-1504")
	f, err := b.api.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader: bytes.NewReader(png), FileSize: len(png), Filename: "wsis-status-chart-" + stamp + ".png",
		Title: "Contributions so far, " + stamp,
	})
	if err != nil {
		return "", fmt.Errorf("upload status chart: %w", err)
	}
	if err := b.st.SaveSlackFile(ctx, statusChartName, f.ID, now); err != nil {
		return "", err
	}
	b.log.Info("status chart uploaded", "file", f.ID)
	return f.ID, nil
}

// chartBlock shows the uploaded chart id.
func chartBlock(id string) slack.Block {
	return slack.NewImageBlockSlackFile(&slack.SlackFileObject{ID: id},
		"Contributions so far per kind against the days left to the next deadline", "status_chart",
		plain("Contributions so far", maxPlainLabel))
}

// withoutImages is blocks less their image blocks.
func withoutImages(blocks []slack.Block) []slack.Block {
	out := make([]slack.Block, 0, len(blocks))
	for _, bl := range blocks {
		if bl.BlockType() != slack.MBTImage {
			out = append(out, bl)
		}
	}
	return out
}
