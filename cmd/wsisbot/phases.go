package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/wsis/wsisbot/store"
)

func cmdPhases(cfg *Config, w io.Writer) error {
	ph, err := store.LoadPhases(cfg.Phases)
	if err != nil {
		return fmt.Errorf("WSISBOT_PHASES: %w", err)
	}
	clock, err := store.ParseClock(cfg.Clock)
	if err != nil {
		return fmt.Errorf("WSISBOT_CLOCK: %w", err)
	}
	writePhases(w, ph, clock)
	return nil
}

func writePhases(w io.Writer, ph *store.Phases, clock store.Clock) {
	now := clock.Now().In(ph.Location)
	fmt.Fprintf(w, "%s — now %s (%s)\n\n", ph.Name, now.Format("Mon 2 Jan 2006 15:04 MST"), ph.Location)
	cur, hasCur := ph.CurrentPhase(now)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tPHASE\tSTARTS\tWHAT\t")
	for _, p := range ph.Phases {
		mark := " "
		if hasCur && p.Code == cur.Code {
			mark = "▶"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", mark, p.Code, p.Start.Format("2 Jan 2006"), p.Name)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DEADLINE\tENDS (GENEVA)\tKINDS\tDAYS LEFT\t")
	for _, d := range ph.Deadlines {
		left := ph.DaysLeft(d, now)
		status := fmt.Sprintf("%d", left)
		switch {
		case d.IsLate(now):
			status = fmt.Sprintf("passed %d days ago", -left)
		case left == 0:
			status = "today"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", d.Name, d.LastInstant().Format("Mon 2 Jan 2006 15:04:05"), strings.Join(store.Strings(d.Kinds), ", "), status)
	}
	tw.Flush()
	if next, ok := ph.NextDeadline(now); ok {
		fmt.Fprintf(w, "\nNext deadline: %s, %s (%s)\n", next.Name, next.LastInstant().Format("2 January 2006 15:04:05 MST"), daysLeft(ph.DaysLeft(next, now)))
	} else {
		fmt.Fprintln(w, "\nEvery deadline has passed.")
	}
}

func daysLeft(n int) string {
	switch n {
	case 0:
		return "today"
	case 1:
		return "1 day left"
	}
	return fmt.Sprintf("%d days left", n)
}
