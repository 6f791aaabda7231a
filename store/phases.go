package store

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed phases.toml
var defaultPhasesTOML []byte

// ContributionKind is what a contribution is (contributions.kind and kind_suggested).
type ContributionKind string

// Kinds of contribution, as exports and the API carry them.
const (
	KindThematic        ContributionKind = "thematic"
	KindFormat          ContributionKind = "format"
	KindHLTFNomination  ContributionKind = "hltf_nomination"
	KindPhotoContest    ContributionKind = "photo_contest"
	KindWorkshopRequest ContributionKind = "workshop_request"
	KindInquiry         ContributionKind = "inquiry"
	KindOther           ContributionKind = "other"
)

// Kinds lists every kind of contribution in display order.
var Kinds = []ContributionKind{KindThematic, KindFormat, KindHLTFNomination, KindPhotoContest, KindWorkshopRequest, KindInquiry, KindOther}

// Stakeholder types the consultation letter addresses.
const (
	StakeholderGovernment     = "government"
	StakeholderPrivateSector  = "private_sector"
	StakeholderCivilSociety   = "civil_society"
	StakeholderAcademia       = "academia_technical"
	StakeholderInternationalO = "international_organization"
	StakeholderOther          = "other"
)

// StakeholderTypes lists the six stakeholder types in the letter's order.
var StakeholderTypes = []string{StakeholderGovernment, StakeholderPrivateSector, StakeholderCivilSociety, StakeholderAcademia, StakeholderInternationalO, StakeholderOther}

// ActionLines are the WSIS Action Lines C1–C11 with their names.
var ActionLines = []struct{ Code, Name string }{
	{"C1", "The role of governments and all stakeholders"},
	{"C2", "Information and communication infrastructure"},
	{"C3", "Access to information and knowledge"},
	{"C4", "Capacity building"},
	{"C5", "Building confidence and security in the use of ICTs"},
	{"C6", "Enabling environment"},
	{"C7", "ICT applications"},
	{"C8", "Cultural and linguistic diversity, local content"},
	{"C9", "Media"},
	{"C10", "Ethical dimensions of the information society"},
	{"C11", "International and regional cooperation"},
}

// Languages are the six UN languages by code.
var Languages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// ValidKind reports whether k is a known kind code.
func ValidKind(k ContributionKind) bool { return slices.Contains(Kinds, k) }

// ValidStakeholderType reports whether t is a known stakeholder type code.
func ValidStakeholderType(t string) bool { return slices.Contains(StakeholderTypes, t) }

// ValidActionLine reports whether c is one of C1..C11.
func ValidActionLine(c string) bool {
	for _, a := range ActionLines {
		if a.Code == c {
			return true
		}
	}
	return false
}

// Phase is one phase of the consultation.
type Phase struct {
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	Start       time.Time `json:"start"`
	Description string    `json:"description"`
}

// Deadline is a closing date for some kinds of contribution. A deadline day ends at
// 23:59:59 Geneva time: End is the first instant that is late.
type Deadline struct {
	Name    string             `json:"name"`
	Phase   string             `json:"phase"`
	Date    time.Time          `json:"date"` // midnight at the start of the deadline day
	Kinds   []ContributionKind `json:"kinds"`
	Default bool               `json:"default"`
}

// LastInstant is the last second that counts as in time (23:59:59 of the deadline day).
func (d Deadline) LastInstant() time.Time { return d.End().Add(-time.Second) }

// End is the first instant after the deadline day (midnight Geneva of the next day).
func (d Deadline) End() time.Time { return d.Date.AddDate(0, 0, 1) }

// IsLate reports whether something received at t arrived after the deadline.
func (d Deadline) IsLate(t time.Time) bool { return !t.Before(d.End()) }

// Phases is the consultation's table of phases and deadlines.
type Phases struct {
	Name      string
	RefPrefix string
	Location  *time.Location
	Forum     string
	Phases    []Phase
	Deadlines []Deadline
}

type phasesFile struct {
	Name      string `toml:"name"`
	RefPrefix string `toml:"ref_prefix"`
	Timezone  string `toml:"timezone"`
	Forum     string `toml:"forum"`
	Phases    []struct {
		Code        string `toml:"code"`
		Name        string `toml:"name"`
		Start       string `toml:"start"`
		Description string `toml:"description"`
	} `toml:"phases"`
	Deadlines []struct {
		Name    string             `toml:"name"`
		Phase   string             `toml:"phase"`
		Date    string             `toml:"date"`
		Kinds   []ContributionKind `toml:"kinds"`
		Default bool               `toml:"default"`
	} `toml:"deadlines"`
}

// DefaultPhases is WSIS Forum 2019, embedded in the binary.
func DefaultPhases() *Phases {
	p, err := ParsePhases(defaultPhasesTOML)
	if err != nil {
		panic("store: embedded phases.toml: " + err.Error())
	}
	return p
}

// LoadPhases reads a phases TOML file; an empty path gives the embedded default.
func LoadPhases(path string) (*Phases, error) {
	if path == "" {
		return DefaultPhases(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("phases: %w", err)
	}
	p, err := ParsePhases(b)
	if err != nil {
		return nil, fmt.Errorf("phases %s: %w", path, err)
	}
	return p, nil
}

// ParsePhases parses and validates a phases TOML document.
func ParsePhases(b []byte) (*Phases, error) {
	var f phasesFile
	md, err := toml.Decode(string(b), &f)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("unknown key %q", und[0].String())
	}
	if f.RefPrefix == "" {
		return nil, errors.New("ref_prefix is required (e.g. \"WSIS-2019\")")
	}
	tz := f.Timezone
	if tz == "" {
		tz = "Europe/Zurich"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("timezone %q: %w", tz, err)
	}
	p := &Phases{Name: f.Name, RefPrefix: f.RefPrefix, Location: loc, Forum: f.Forum}
	for i, ph := range f.Phases {
		start, err := time.ParseInLocation("2006-01-02", ph.Start, loc)
		if err != nil {
			return nil, fmt.Errorf("phases[%d] (%s) start: %w", i, ph.Code, err)
		}
		if i > 0 && !start.After(p.Phases[i-1].Start) {
			return nil, fmt.Errorf("phases[%d] (%s) starts before the phase above it", i, ph.Code)
		}
		p.Phases = append(p.Phases, Phase{Code: ph.Code, Name: ph.Name, Start: start, Description: ph.Description})
	}
	defaults := 0
	for i, d := range f.Deadlines {
		date, err := time.ParseInLocation("2006-01-02", d.Date, loc)
		if err != nil {
			return nil, fmt.Errorf("deadlines[%d] (%s) date: %w", i, d.Name, err)
		}
		for _, k := range d.Kinds {
			if !ValidKind(k) {
				return nil, fmt.Errorf("deadlines[%d] (%s): unknown kind %q", i, d.Name, k)
			}
		}
		if d.Default {
			defaults++
		}
		p.Deadlines = append(p.Deadlines, Deadline{Name: d.Name, Phase: d.Phase, Date: date, Kinds: d.Kinds, Default: d.Default})
	}
	if len(p.Deadlines) == 0 {
		return nil, errors.New("at least one [[deadlines]] entry is required")
	}
	if defaults != 1 {
		return nil, fmt.Errorf("exactly one deadline must have default = true (found %d)", defaults)
	}
	slices.SortStableFunc(p.Deadlines, func(a, b Deadline) int { return a.Date.Compare(b.Date) })
	return p, nil
}

// DeadlineFor is the deadline a contribution of kind k received at t counts against:
// the earliest deadline for k whose day has not ended at t, else the last one for k
// (which it missed). An empty or unlisted kind counts against the default deadline.
func (p *Phases) DeadlineFor(kind ContributionKind, t time.Time) Deadline {
	var cands []Deadline
	for _, d := range p.Deadlines {
		if slices.Contains(d.Kinds, kind) {
			cands = append(cands, d)
		}
	}
	if len(cands) == 0 {
		for _, d := range p.Deadlines {
			if d.Default {
				cands = append(cands, d)
			}
		}
	}
	for _, d := range cands {
		if !d.IsLate(t) {
			return d
		}
	}
	return cands[len(cands)-1]
}

// CurrentPhase is the phase in force at t; ok is false before the first phase.
func (p *Phases) CurrentPhase(t time.Time) (Phase, bool) {
	var cur Phase
	ok := false
	for _, ph := range p.Phases {
		if !t.Before(ph.Start) {
			cur, ok = ph, true
		}
	}
	return cur, ok
}

// NextPhase is the first phase starting after t.
func (p *Phases) NextPhase(t time.Time) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.Start.After(t) {
			return ph, true
		}
	}
	return Phase{}, false
}

// NextDeadline is the first deadline whose day has not ended at t.
func (p *Phases) NextDeadline(t time.Time) (Deadline, bool) {
	for _, d := range p.Deadlines {
		if !d.IsLate(t) {
			return d, true
		}
	}
	return Deadline{}, false
}

// DaysLeft counts Geneva calendar days from t's date to the deadline's date: 0 on the
// day itself, negative once it has passed (-1 the day after).
func (p *Phases) DaysLeft(d Deadline, t time.Time) int {
	lt := t.In(p.Location)
	today := time.Date(lt.Year(), lt.Month(), lt.Day(), 12, 0, 0, 0, time.UTC)
	dd := time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 12, 0, 0, 0, time.UTC)
	return int(dd.Sub(today).Hours() / 24)
}

// Ref formats a reference number: WSIS-2019-0042.
func (p *Phases) Ref(seq int64) string { return fmt.Sprintf("%s-%04d", p.RefPrefix, seq) }
