package parse

import (
	"slices"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

// tinyExamples are a few messages of three kinds of sender, each told by its words.
func tinyExamples() []modelExample {
	var out []modelExample
	for range 5 {
		out = append(out,
			modelExample{[]string{"s:ministry", "dom:webmail", "b:hello"}, store.StakeholderGovernment},
			modelExample{[]string{"s:ministère", "s:ministry", "b:hello"}, store.StakeholderGovernment},
			modelExample{[]string{"s:solutions", "s:clients", "dom:webmail"}, store.StakeholderPrivateSector},
			modelExample{[]string{"s:solutions", "b:clients", "b:hello"}, store.StakeholderPrivateSector},
			modelExample{[]string{"dom:webmail", "b:hello", "b:myself"}, store.StakeholderOther},
			modelExample{[]string{"dom:webmail", "b:myself"}, store.StakeholderOther},
		)
	}
	// Seen once: left out of the model.
	out = append(out, modelExample{[]string{"s:rare"}, store.StakeholderOther})
	return out
}

// tinyOptions train on a few messages: every feature seen twice is kept.
var tinyOptions = trainOptions{minCount: 2, minCountText: 2, minCountSig: 2, epochs: 20, rate: 0.1, l2: 1e-4, seed: 1, prune: 0.005}

func trainTiny(t *testing.T) *suggestModel {
	t.Helper()
	return trainSuggestModel(tinyExamples(), store.StakeholderTypes, tinyOptions)
}

func TestTrainSuggestModelTiny(t *testing.T) {
	m := trainTiny(t)
	if _, ok := m.weights["s:rare"]; ok {
		t.Error("a feature seen once is in the model")
	}
	for _, tc := range []struct {
		features []string
		want     string
	}{
		{[]string{"s:ministry", "dom:webmail"}, store.StakeholderGovernment},
		{[]string{"s:ministère"}, store.StakeholderGovernment},
		{[]string{"s:solutions", "dom:webmail"}, store.StakeholderPrivateSector},
		{[]string{"b:clients"}, store.StakeholderPrivateSector},
		{[]string{"dom:webmail", "b:myself"}, store.StakeholderOther},
		{[]string{"dom:webmail", "b:myself", "b:myself", "s:unknown"}, store.StakeholderOther},
	} {
		g := m.predict(tc.features)
		if g.class != tc.want || g.prob < 0.5 {
			t.Errorf("predict(%q) = %s %.2f, want %s above 0.5", tc.features, g.class, g.prob, tc.want)
		}
	}
	g := m.predict([]string{"s:solutions", "s:clients", "b:hello"})
	if len(g.top) == 0 || g.top[0] != "s:solutions" && g.top[0] != "s:clients" {
		t.Errorf("top features %q, want the signature's company words first", g.top)
	}
	if r := g.reason(); !strings.HasPrefix(r, "learned from the labelled mail (signature ") || !strings.HasSuffix(r, "%)") {
		t.Errorf("reason %q", r)
	}
}

func TestSuggestModelThreshold(t *testing.T) {
	m := trainTiny(t)
	g := m.predict([]string{"s:ministry"})
	for _, tc := range []struct {
		threshold float64
		want      string
	}{
		{g.prob - 0.01, store.StakeholderGovernment},
		{g.prob, store.StakeholderGovernment},
		{g.prob + 0.01, ""},
	} {
		m.threshold = tc.threshold
		if got := m.decides(g); got != tc.want {
			t.Errorf("threshold %.3f, probability %.3f: decides %q, want %q", tc.threshold, g.prob, got, tc.want)
		}
	}
}

func TestSuggestModelFormat(t *testing.T) {
	m := trainTiny(t)
	m.tuneHash, m.version = "abc", modelFeaturesVersion
	back, err := parseSuggestModel(m.format("a comment\nover two lines"))
	if err != nil {
		t.Fatal(err)
	}
	if back.tuneHash != "abc" || back.version != modelFeaturesVersion || back.threshold != m.threshold ||
		strings.Join(back.classes, " ") != strings.Join(m.classes, " ") || len(back.weights) != len(m.weights) {
		t.Errorf("read back %+v", back)
	}
	for _, fs := range [][]string{{"s:ministry"}, {"s:solutions", "b:hello"}, {"dom:webmail"}} {
		a, b := m.predict(fs), back.predict(fs)
		if a.class != b.class || a.prob-b.prob > 0.01 || b.prob-a.prob > 0.01 {
			t.Errorf("%q: %s %.3f before writing, %s %.3f after", fs, a.class, a.prob, b.class, b.prob)
		}
	}
	for name, bad := range map[string]string{
		"no classes":        "bias\t1\t2\n",
		"no bias":           "classes\ta\tb\nthreshold\t0.5\n",
		"too few weights":   "classes\ta\tb\nthreshold\t0.5\nbias\t0\t0\ns:x\t1\n",
		"not a number":      "classes\ta\tb\nthreshold\t0.5\nbias\t0\t0\ns:x\t1\tz\n",
		"threshold above 1": "classes\ta\tb\nthreshold\t1.5\nbias\t0\t0\n",
		"no threshold":      "classes\ta\tb\nbias\t0\t0\n",
	} {
		if _, err := parseSuggestModel(bad); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

// The rules ask the model only when they find nothing, and take its class only when it
// is sure enough; the reason says so.
func TestSuggestAsksModel(t *testing.T) {
	v := defaultVocabulary()
	m := trainSuggestModel([]modelExample{
		{[]string{"b:zorblat", "b:quux"}, store.StakeholderPrivateSector},
		{[]string{"b:zorblat", "b:quux"}, store.StakeholderPrivateSector},
		{[]string{"b:zorblat", "b:quux"}, store.StakeholderPrivateSector},
		{[]string{"b:myself"}, store.StakeholderOther},
		{[]string{"b:myself"}, store.StakeholderOther},
	}, store.StakeholderTypes, tinyOptions)
	m.threshold = 0.6
	reason := func(s Suggestion) string {
		for _, r := range s.Reasons {
			if strings.HasPrefix(r, "stakeholder ") {
				return r
			}
		}
		return ""
	}
	unsure := &Parsed{From: Address{Name: "Jo Smith", Email: "jo.smith@gmail.com"}, Subject: "Hello",
		Text: "Hello,\n\nWe zorblat the quux.\n\nJo Smith\n"}
	if g := m.predict(v.modelFeatures(unsure, unsure.Text, v.signatureLines(unsure.Text, unsure.Text), "")); g.class != store.StakeholderPrivateSector {
		t.Fatalf("the model makes %s %.2f of the message, want private_sector", g.class, g.prob)
	}
	s := v.suggestWith(unsure, unsure.FreshText(), "", m)
	if s.StakeholderType != store.StakeholderPrivateSector || !strings.Contains(reason(s), "learned from the labelled mail (text ") {
		t.Errorf("with the model: %s (%s)", s.StakeholderType, reason(s))
	}
	if s := v.suggestWith(unsure, unsure.FreshText(), "", nil); s.StakeholderType != store.StakeholderOther {
		t.Errorf("rules alone: %s (%s)", s.StakeholderType, reason(s))
	}
	m.threshold = 0.9999
	if s := v.suggestWith(unsure, unsure.FreshText(), "", m); s.StakeholderType != store.StakeholderOther {
		t.Errorf("model unsure: %s (%s)", s.StakeholderType, reason(s))
	}
	m.threshold = 0.6
	// In their own capacity: the rules decide other, the model is not asked.
	own := &Parsed{From: Address{Name: "Jo Smith", Email: "jo.smith@gmail.com"}, Subject: "Hello",
		Text: "Hello,\n\nI zorblat the quux in my personal capacity.\n\nJo Smith\n"}
	if s := v.suggestWith(own, own.FreshText(), "", m); s.StakeholderType != store.StakeholderOther {
		t.Errorf("in a personal capacity: %s (%s)", s.StakeholderType, reason(s))
	}
	// Evidence of the rules: the model is not asked.
	ruled := &Parsed{From: Address{Email: "jo@fcc.gov"}, Subject: "Hello",
		Text: "Hello,\n\nWe zorblat the quux.\n\nJo Smith\n"}
	if s := v.suggestWith(ruled, ruled.FreshText(), "", m); s.StakeholderType != store.StakeholderGovernment {
		t.Errorf("government domain: %s (%s)", s.StakeholderType, reason(s))
	}
}

func TestModelFeatures(t *testing.T) {
	v := defaultVocabulary()
	p := &Parsed{From: Address{Name: "Wang Wei", Email: "w@news.tsinghua.edu.cn"}, Subject: "Re: 关于论坛",
		Text: "您好，\n\n王伟\n清华大学"}
	fs := v.modelFeatures(p, p.Text, []string{"王伟", "清华大学"}, "Tsinghua Univ")
	for _, want := range []string{"dom:news.tsinghua.edu.cn", "tld:cn", "sld:edu", "dl:tsinghua", "dg:tsin", "n:wang",
		"o:tsinghua", "og:ghua", "s:大学", "s:清华", "t:论坛", "b:您好", "vs:academia_technical"} {
		if !strings.Contains(" "+strings.Join(fs, " ")+" ", " "+want+" ") {
			t.Errorf("no feature %s in %q", want, fs)
		}
	}
	p = &Parsed{From: Address{Email: "someone@gmail.com"}, Text: strings.Repeat("word ", 500) + "last"}
	fs = v.modelFeatures(p, p.Text, nil, "")
	if fs[0] != "dom:webmail" || slices.Contains(fs, "b:last") || len(fs) != 1+modelBodyWords {
		t.Errorf("features of a long text on a personal address: %d, %q…", len(fs), fs[:3])
	}
}
