package store

import (
	"testing"
	"time"
)

func geneva(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDeadlineEdges(t *testing.T) {
	p := DefaultPhases()
	cases := []struct {
		name     string
		at       string
		kind     ContributionKind
		late     bool
		daysLeft int
	}{
		{"last second of the deadline day", "2019-02-10 23:59:59", KindThematic, false, 0},
		{"midnight after the deadline day", "2019-02-11 00:00:00", KindThematic, true, -1},
		{"workshop request in time", "2019-01-20 10:00:00", KindWorkshopRequest, false, 21},
		{"unknown kind counts against the default", "2019-02-11 00:00:00", "", true, -1},
		{"during the March DST change", "2019-03-31 02:30:00", KindFormat, true, -49},
		{"photo contest entry a day early", "2019-02-09 12:00:00", KindPhotoContest, false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			at := geneva(t, c.at)
			d := p.DeadlineFor(c.kind, at)
			if d.Phase != "IV" {
				t.Fatalf("deadline phase = %q, want IV", d.Phase)
			}
			if got := d.IsLate(at); got != c.late {
				t.Errorf("late = %v, want %v", got, c.late)
			}
			if got := p.DaysLeft(d, at); got != c.daysLeft {
				t.Errorf("days left = %d, want %d", got, c.daysLeft)
			}
		})
	}
	d := p.DeadlineFor(KindThematic, geneva(t, "2019-01-01 00:00:00"))
	if got := d.LastInstant().In(p.Location).Format("2006-01-02 15:04:05 MST"); got != "2019-02-10 23:59:59 CET" {
		t.Errorf("last instant = %s", got)
	}
	// The same instant given in UTC: 23:30 UTC on 10 Feb is 00:30 CET on 11 Feb, late.
	if !d.IsLate(time.Date(2019, 2, 10, 23, 30, 0, 0, time.UTC)) {
		t.Error("23:30 UTC on 10 February is after the Geneva deadline")
	}
}

func TestDSTDaysLeft(t *testing.T) {
	p, err := ParsePhases([]byte(`ref_prefix = "X"
[[deadlines]]
name = "after DST"
date = "2019-04-01"
kinds = ["thematic"]
default = true
`))
	if err != nil {
		t.Fatal(err)
	}
	d := p.DeadlineFor(KindThematic, geneva(t, "2019-03-30 23:00:00"))
	// 30 March → 1 April across the 31 March change (a 23-hour day) is 2 days.
	if got := p.DaysLeft(d, geneva(t, "2019-03-30 23:00:00")); got != 2 {
		t.Errorf("days left = %d, want 2", got)
	}
	if !d.IsLate(geneva(t, "2019-04-02 00:00:00")) || d.IsLate(geneva(t, "2019-04-01 23:59:59")) {
		t.Error("deadline edge wrong in summer time")
	}
	if got := d.LastInstant().Format("15:04:05 MST"); got != "23:59:59 CEST" {
		t.Errorf("last instant = %s", got)
	}
}

func TestPhasesAt(t *testing.T) {
	p := DefaultPhases()
	now := geneva(t, "2019-01-20 10:00:00")
	cur, ok := p.CurrentPhase(now)
	if !ok || cur.Code != "III" {
		t.Errorf("current phase = %v %v, want III", cur.Code, ok)
	}
	next, ok := p.NextDeadline(now)
	if !ok || next.Date.Format("2006-01-02") != "2019-02-10" {
		t.Errorf("next deadline = %v", next)
	}
	if _, ok := p.CurrentPhase(geneva(t, "2018-01-01 00:00:00")); ok {
		t.Error("a phase before the consultation opened")
	}
	if _, ok := p.NextDeadline(geneva(t, "2019-03-01 00:00:00")); ok {
		t.Error("a deadline after the last one")
	}
	if np, ok := p.NextPhase(now); !ok || np.Code != "IV" {
		t.Errorf("next phase = %v", np.Code)
	}
}

func TestParsePhasesErrors(t *testing.T) {
	cases := map[string]string{
		"no prefix":       `[[deadlines]]` + "\nname='x'\ndate='2019-01-01'\ndefault=true",
		"bad kind":        "ref_prefix='X'\n[[deadlines]]\nname='x'\ndate='2019-01-01'\nkinds=['poem']\ndefault=true",
		"no default":      "ref_prefix='X'\n[[deadlines]]\nname='x'\ndate='2019-01-01'",
		"bad date":        "ref_prefix='X'\n[[deadlines]]\nname='x'\ndate='10 Feb'\ndefault=true",
		"unknown key":     "ref_prefix='X'\ncolour='red'\n[[deadlines]]\nname='x'\ndate='2019-01-01'\ndefault=true",
		"bad timezone":    "ref_prefix='X'\ntimezone='Mars/Olympus'\n[[deadlines]]\nname='x'\ndate='2019-01-01'\ndefault=true",
		"phases unsorted": "ref_prefix='X'\n[[phases]]\ncode='I'\nstart='2019-02-01'\n[[phases]]\ncode='II'\nstart='2019-01-01'\n[[deadlines]]\nname='x'\ndate='2019-01-01'\ndefault=true",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ParsePhases([]byte(doc)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestOffsetClock(t *testing.T) {
	c, err := ParseClock("2019-01-20T10:00:00+01:00")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2019, 1, 20, 9, 0, 0, 0, time.UTC)
	got := c.Now()
	if got.Before(want) || got.Sub(want) > time.Minute {
		t.Fatalf("now = %s, want about %s", got, want)
	}
	oc := c.(*OffsetClock)
	oc.Advance(time.Hour)
	if oc.Now().Sub(want) < time.Hour {
		t.Error("Advance did not move the clock")
	}
	if _, err := ParseClock("yesterday"); err == nil {
		t.Error("bad clock accepted")
	}
}
