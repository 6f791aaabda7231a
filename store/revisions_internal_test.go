package store

import (
	"fmt"
	"testing"
)

func TestRevisionOfBySimilarity(t *testing.T) {
	prevs := []priorContribution{
		{ID: 1, Subject: normSubject("Contribution to the WSIS Forum 2019 open consultation"), Names: []string{"ISOC_Contribution_WSIS2019.pdf"}},
		{ID: 2, Subject: normSubject("Workshop request: community networks"), Names: []string{"workshop-form.docx"}},
	}
	for _, tt := range []struct {
		name    string
		subject string
		files   []string
		want    int64
	}{
		{"revised, in English", "Revised: Contribution to the WSIS Forum 2019 open consultation", nil, 1},
		{"révisée, in French", "Contribution révisée", nil, 2}, // says it revises: the sender's latest
		{"v2 in the file name", "Our input", []string{"ISOC_Contribution_WSIS2019_v2.pdf"}, 1},
		{"updated and reworded", "Updated workshop request - community networks", nil, 2},
		{"a reply prefix", "RE: Workshop request: community networks (corrected)", nil, 2},
		{"Chinese revision word", "修订稿", nil, 2},
		{"Arabic revision word", "المساهمة المعدلة", nil, 2},
		{"Russian revision word", "Исправленная версия предложения", nil, 2},
		{"unrelated", "Question about accreditation", []string{"passport.jpg"}, 0},
		{"a short shared word is not enough", "Contribution", nil, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := &Inbound{Subject: tt.subject}
			for _, f := range tt.files {
				m.Attachments = append(m.Attachments, InboundAttachment{Filename: f, Data: []byte(f)})
			}
			got := revisionOf(m, prevs, nil)
			if (got == nil) != (tt.want == 0) || (got != nil && *got != tt.want) {
				t.Fatalf("revisionOf(%q, %v) = %v; want %d", tt.subject, tt.files, got, tt.want)
			}
		})
	}
}

// Another sender of the same organisation: the same work is recognised, a revision word
// alone is not enough.
func TestRevisionOfTheSameOrganisation(t *testing.T) {
	org := []priorContribution{{ID: 7, Subject: normSubject("National ICT strategy 2019-2023"), Names: []string{"ICT_Strategy.pdf"}}}
	if got := revisionOf(&Inbound{Subject: "National ICT strategy 2019-2023 (updated)"}, nil, org); got == nil || *got != 7 {
		t.Fatalf("similar title from a colleague: %v", got)
	}
	if got := revisionOf(&Inbound{Subject: "Our input", Attachments: []InboundAttachment{{Filename: "ICT_Strategy_v3.pdf", Data: []byte("x")}}}, nil, org); got == nil || *got != 7 {
		t.Fatalf("same file name from a colleague: %v", got)
	}
	if got := revisionOf(&Inbound{Subject: "Revised workshop proposal"}, nil, org); got != nil {
		t.Fatalf("a revision word alone linked a colleague's contribution: %v", *got)
	}
}

// A title's facts are the same read again from the memo, and the memo stays bounded.
func TestTitleMemo(t *testing.T) {
	for _, tt := range []struct {
		s       string
		file    bool
		core    string
		revises bool
	}{
		{"RE: Revised contribution on C7 (2019-01-20)", false, "contribution on c7 2019 01 20", true},
		{"Contribution_WSIS2019_v2.pdf", true, "contribution wsis2019", true},
		{"notes.final", true, "notes", true},
		{"Our input", false, "our input", false},
	} {
		for range 2 { // computed, then remembered
			core, revises := titleOf(tt.s, tt.file)
			if core != tt.core || revises != tt.revises {
				t.Fatalf("titleOf(%q) = %q, %v; want %q, %v", tt.s, core, revises, tt.core, tt.revises)
			}
		}
	}
	for i := range titleMemoSize + 10 {
		titleOf(fmt.Sprintf("Subject %d", i), false)
	}
	titleMemo.Lock()
	n := len(titleMemo.m)
	titleMemo.Unlock()
	if n > titleMemoSize {
		t.Fatalf("the memo holds %d titles, more than %d", n, titleMemoSize)
	}
}
