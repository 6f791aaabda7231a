package templates

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// The standard answers the secretariat sends from the Slack desk's Reply modal, in
// answers/<lang>.tmpl as "answer.<code>". An answer is the text of a reply, written in
// the formal register and naming the contribution's reference and subject; the member
// may edit it before sending, and it goes out wrapped like any reply (RenderReply: the
// signature, the reference, Arabic laid out right to left).
const (
	AnswerReceived           = "received"            // received and under review
	AnswerMoreInformation    = "more_information"    // more information needed
	AnswerAccepted           = "accepted"            // accepted
	AnswerDeclined           = "declined"            // declined
	AnswerWorkshopConfirmed  = "workshop_confirmed"  // workshop request confirmed
	AnswerWorkshopWaitlisted = "workshop_waitlisted" // workshop request wait-listed
	AnswerHLTFReceived       = "hltf_received"       // HLTF nomination received
	AnswerPhotoReceived      = "photo_received"      // photo contest entry received
)

// Answers lists the standard answers, in the order the desk offers them.
var Answers = []string{AnswerReceived, AnswerMoreInformation, AnswerAccepted, AnswerDeclined,
	AnswerWorkshopConfirmed, AnswerWorkshopWaitlisted, AnswerHLTFReceived, AnswerPhotoReceived}

// IsAnswer reports whether code names a standard answer.
func IsAnswer(code string) bool { return slices.Contains(Answers, code) }

// The notice to the sender of a message over the size limit (WSISBOT_MAX_MESSAGE_BYTES),
// in answers/<lang>.tmpl.
const (
	TooLargeSubject = "too-large.subject"
	TooLargeText    = "too-large.text"
	TooLargeHTML    = "too-large.html"
)

// Answer is a standard answer about one contribution.
type Answer struct {
	Code     string // one of Answers
	Ref      string // WSIS-2019-0042
	Language string // the language to write in; English when unknown
	Subject  string // the contribution's subject, as the sender wrote it
	// ReceivedAt is when the contribution reached the mailbox.
	ReceivedAt time.Time
	// Location is Geneva time (the consultation's zone); nil means Europe/Zurich.
	Location *time.Location
}

type answerView struct {
	Ref      string
	Subject  string // on one line, shortened (MaxSubjectRunes); "" when there was none
	Received string // the date, the language's way
}

// RenderAnswer renders the text of a standard answer in a.Language: plain text, lines
// ending in "\n", ready to be edited and sent as a reply.
func (s *Set) RenderAnswer(a Answer) (string, error) {
	if !IsAnswer(a.Code) {
		return "", fmt.Errorf("templates: %q is not a standard answer", a.Code)
	}
	code, l := s.lang(a.Language)
	loc, err := genevaOr(a.Location)
	if err != nil {
		return "", err
	}
	v := answerView{Ref: SingleLine(a.Ref), Subject: replySubject(a.Ref, a.Subject),
		Received: FormatDate(code, a.ReceivedAt.In(loc))}
	var b bytes.Buffer
	if err := l.text.ExecuteTemplate(&b, "answer."+a.Code, v); err != nil {
		return "", fmt.Errorf("templates: %s answer.%s: %w", code, a.Code, err)
	}
	text := tidyText(b.String())
	if strings.Contains(text, "<no value>") {
		return "", fmt.Errorf("templates: %s answer.%s: a value is missing (<no value>)", code, a.Code)
	}
	return text, nil
}

// TooLarge is the notice to the sender of a message that could not be accepted because
// of its size: it was quarantined, never registered, and the sender is told how to send
// large files.
type TooLarge struct {
	Language   string    // the sender's language, as far as the header tells; English when unknown
	Subject    string    // the subject the sender wrote
	ReceivedAt time.Time // when the message reached the mailbox
	Limit      int64     // the size limit, in bytes
	Location   *time.Location
}

type tooLargeView struct {
	Subject  string // on one line, shortened (MaxEchoSubjectRunes)
	Received moment
	Limit    string // "50.0 MB"
}

// RenderTooLarge renders the notice to the sender of a message over the size limit. It
// goes to an address nobody verified, so it repeats as little of the sender's text as an
// acknowledgement does: the subject, on one line, shortened.
func (s *Set) RenderTooLarge(n TooLarge) (Message, error) {
	code, l := s.lang(n.Language)
	loc, err := genevaOr(n.Location)
	if err != nil {
		return Message{}, err
	}
	v := tooLargeView{Subject: Shorten(SingleLine(n.Subject), MaxEchoSubjectRunes), Received: at(code, n.ReceivedAt.In(loc)),
		Limit: FormatSize(code, n.Limit)}
	return l.render(code, TooLargeSubject, TooLargeText, TooLargeHTML, v)
}

// replySubject is the contribution's subject as a reply repeats it: on one line,
// without reply prefixes or its own reference tag, shortened (MaxSubjectRunes).
func replySubject(ref, subject string) string {
	ref = SingleLine(ref)
	subject = SingleLine(subject)
	if ref != "" {
		subject = strings.NewReplacer("["+ref+"]", " ").Replace(subject)
	}
	subject = strings.TrimSpace(replyTagRE.ReplaceAllString(strings.TrimSpace(subject), ""))
	return Shorten(strings.Join(strings.Fields(subject), " "), MaxSubjectRunes)
}

func genevaOr(loc *time.Location) (*time.Location, error) {
	if loc != nil {
		return loc, nil
	}
	loc, err := genevaZone()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	return loc, nil
}

// genevaZone is Geneva's time zone, read once: time.LoadLocation reads the zone file from
// disk at every call, and every acknowledgement is dated with it.
var genevaZone = sync.OnceValues(func() (*time.Location, error) { return time.LoadLocation("Europe/Zurich") })
