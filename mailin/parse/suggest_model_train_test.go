package parse

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wsis/wsisbot/store"
)

var train = flag.Bool("train", false, "retrain suggest_model_stakeholder.tsv from the tune split")

// stakeholderModelFile is where TestTrainSuggestModel writes the stakeholder model.
const stakeholderModelFile = "suggest_model_stakeholder.tsv"

// stakeholderThreshold is the probability from which the stakeholder model's class
// is taken (chosen by TestSuggestModelCV).
const stakeholderThreshold = 0.6

// trainOptions are the settings of trainSuggestModel.
type trainOptions struct {
	minCount int // features seen in fewer training messages are dropped
	// minCountText is minCount for the words of the subject and the text, more
	// numerous and less telling than those of the sender.
	minCountText int
	// minCountSig is minCount for the words of the signature.
	minCountSig int
	epochs      int     // passes over the messages
	rate        float64 // AdaGrad's learning rate
	l2          float64 // weight decay, per message
	seed        uint64  // the order of the messages
	// prune drops the weights smaller than this, and the features left with none.
	prune float64
}

var defaultTrainOptions = trainOptions{minCount: 2, minCountText: 20, minCountSig: 2, epochs: 20, rate: 0.1, l2: 1e-4, seed: 1, prune: 0.005}

type modelExample struct {
	features []string
	class    string
}

// trainSuggestModel fits a multinomial logistic regression to examples by stochastic
// gradient descent with AdaGrad steps and L2 decay, in an order fixed by the seed.
func trainSuggestModel(examples []modelExample, classes []string, opt trainOptions) *suggestModel {
	classIndex := map[string]int{}
	for i, c := range classes {
		classIndex[c] = i
	}
	// Features seen in at least minCount messages.
	count := map[string]int{}
	for _, e := range examples {
		for _, f := range dedupe(e.features) {
			count[f]++
		}
	}
	var names []string
	for f, n := range count {
		if n >= minCountOf(f, opt) {
			names = append(names, f)
		}
	}
	sort.Strings(names)
	index := make(map[string]int, len(names))
	for i, f := range names {
		index[f] = i
	}
	type row struct {
		x []int
		y int
	}
	rows := make([]row, 0, len(examples))
	for _, e := range examples {
		y, ok := classIndex[e.class]
		if !ok {
			continue
		}
		var x []int
		for _, f := range dedupe(e.features) {
			if i, ok := index[f]; ok {
				x = append(x, i)
			}
		}
		rows = append(rows, row{x, y})
	}
	k := len(classes)
	w := make([]float64, len(names)*k)
	gw := make([]float64, len(names)*k)
	b := make([]float64, k)
	gb := make([]float64, k)
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opt.seed, 0))
	scores := make([]float64, k)
	for range opt.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, r := range order {
			ex := rows[r]
			copy(scores, b)
			for _, i := range ex.x {
				for c := range k {
					scores[c] += w[i*k+c]
				}
			}
			p := softmax(scores)
			for c := range k {
				g := p[c]
				if c == ex.y {
					g--
				}
				gb[c] += g * g
				b[c] -= opt.rate * g / math.Sqrt(gb[c]+1e-8)
				for _, i := range ex.x {
					j := i*k + c
					gj := g + opt.l2*w[j]*float64(len(rows))
					gw[j] += gj * gj
					w[j] -= opt.rate * gj / math.Sqrt(gw[j]+1e-8)
				}
			}
		}
	}
	m := &suggestModel{classes: classes, bias: b, weights: map[string][]float64{},
		threshold: stakeholderThreshold, version: modelFeaturesVersion}
	for i, f := range names {
		ws := w[i*k : (i+1)*k]
		keep := false
		for c, x := range ws {
			if math.Abs(x) < opt.prune {
				ws[c] = 0
			} else {
				ws[c] = math.Round(x*100) / 100
				keep = true
			}
		}
		if keep {
			m.weights[f] = ws
		}
	}
	for c := range b {
		b[c] = math.Round(b[c]*100) / 100
	}
	return m
}

// minCountOf is in how many training messages a feature must be seen to be kept.
func minCountOf(f string, opt trainOptions) int {
	switch {
	case strings.HasPrefix(f, "b:") || strings.HasPrefix(f, "t:"):
		return opt.minCountText
	case strings.HasPrefix(f, "s:"):
		return opt.minCountSig
	}
	return opt.minCount
}

func dedupe(fs []string) []string {
	seen := make(map[string]bool, len(fs))
	out := fs[:0:0]
	for _, f := range fs {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// evalMessage is a labelled message of the tune split with what the model reads of it
// and what the rules alone make of it.
type evalMessage struct {
	label    evalLabel
	features []string
	rules    Suggestion
	why      string // the rules' reason for the stakeholder type
}

// loadTuneMessages parses the tune split, draws each message's features and suggests
// with the rules alone.
func loadTuneMessages(t testing.TB) []evalMessage {
	t.Helper()
	v := defaultVocabulary()
	var out []evalMessage
	for _, l := range loadEvalLabels(t) {
		if l.split != "tune" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(evalDir, l.file))
		if err != nil {
			t.Fatalf("%s: %v", l.file, err)
		}
		p, err := Parse(raw, DefaultLimits())
		if err != nil {
			t.Fatalf("%s: parse: %v", l.file, err)
		}
		fresh, sig := v.modelText(p, p.FreshText())
		s := v.suggestWith(p, p.FreshText(), "", nil)
		m := evalMessage{label: l, features: v.modelFeatures(p, fresh, sig, s.Organisation), rules: s}
		for _, r := range s.Reasons {
			if rest, ok := strings.CutPrefix(r, "stakeholder "+s.StakeholderType+": "); ok {
				m.why = rest
			}
		}
		out = append(out, m)
	}
	return out
}

// tuneHash is the hash of the tune split: its label lines and its files.
func tuneHash(t testing.TB) string {
	t.Helper()
	h := sha256.New()
	for _, l := range loadEvalLabels(t) {
		if l.split != "tune" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(evalDir, l.file))
		if err != nil {
			t.Fatalf("%s: %v", l.file, err)
		}
		h.Write([]byte(strings.Join([]string{l.file, l.kind, l.stakeholder, l.org, l.lang}, "\t") + "\n"))
		sum := sha256.Sum256(raw)
		h.Write(sum[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func stakeholderExamples(msgs []evalMessage) []modelExample {
	out := make([]modelExample, len(msgs))
	for i, m := range msgs {
		out[i] = modelExample{features: m.features, class: m.label.stakeholder}
	}
	return out
}

// TestTrainSuggestModel retrains the stakeholder model from the tune split and writes
// suggest_model_stakeholder.tsv (go test ./mailin/parse -run TestTrainSuggestModel -train).
func TestTrainSuggestModel(t *testing.T) {
	if !*train {
		t.Skip("retrains the model with -train")
	}
	msgs := loadTuneMessages(t)
	m := trainSuggestModel(stakeholderExamples(msgs), store.StakeholderTypes, defaultTrainOptions)
	m.tuneHash = tuneHash(t)
	text := m.format("The stakeholder model of the suggestions: written by TestTrainSuggestModel -train\n" +
		"from the tune split of testdata/eval; do not edit.")
	if err := os.WriteFile(stakeholderModelFile, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d messages, %d features", len(msgs), len(m.weights))
}

// TestSuggestModelFile checks the committed model loads, knows every stakeholder type,
// and was trained on the tune split as it is, with the features drawn as they are now.
func TestSuggestModelFile(t *testing.T) {
	m, err := parseSuggestModel(stakeholderModelData)
	if err != nil {
		t.Fatalf("%s: %v", stakeholderModelFile, err)
	}
	if strings.Join(m.classes, " ") != strings.Join(store.StakeholderTypes, " ") {
		t.Errorf("classes %v, want %v", m.classes, store.StakeholderTypes)
	}
	if len(m.weights) < 100 {
		t.Errorf("%d features, want at least 100", len(m.weights))
	}
	if m.threshold != stakeholderThreshold {
		t.Errorf("threshold %v, want %v", m.threshold, stakeholderThreshold)
	}
	if m.version != modelFeaturesVersion {
		t.Errorf("features version %d, want %d: go test ./mailin/parse -run TestTrainSuggestModel -train", m.version, modelFeaturesVersion)
	}
	if h := tuneHash(t); m.tuneHash != h {
		t.Errorf("trained on tune split %s, it is %s now: go test ./mailin/parse -run TestTrainSuggestModel -train", m.tuneHash, h)
	}
}

var cv = flag.Bool("cv", false, "cross-validate the stakeholder model on the tune split")

// TestSuggestModelCV cross-validates the stakeholder model on the tune split (five
// folds: trained on four, asked on the fifth) and prints, for each threshold, how
// the rules with the model fare against the rules alone
// (go test ./mailin/parse -run TestSuggestModelCV -cv -v).
func TestSuggestModelCV(t *testing.T) {
	if !*cv {
		t.Skip("cross-validates with -cv")
	}
	msgs := loadTuneMessages(t)
	guesses := crossValidate(msgs, defaultTrainOptions, 5)
	rulesRight, modelRight, unsure, unsureOther := 0, 0, 0, 0
	for i, m := range msgs {
		if m.rules.StakeholderType == m.label.stakeholder {
			rulesRight++
		}
		if guesses[i].class == m.label.stakeholder {
			modelRight++
		}
		if m.rules.StakeholderType == store.StakeholderOther && noStakeholderEvidence(m.why) {
			unsure++
			if m.label.stakeholder == store.StakeholderOther {
				unsureOther++
			}
		}
	}
	for i, m := range msgs {
		if g := guesses[i]; m.rules.StakeholderType == store.StakeholderOther && noStakeholderEvidence(m.why) && g.class != store.StakeholderOther && g.prob >= 0.4 {
			t.Logf("%s: labelled %s, model %s %.2f (%s)", m.label.file, m.label.stakeholder, g.class, g.prob, g.reason())
		}
	}
	n := len(msgs)
	t.Logf("rules alone %d/%d (%.2f%%), model alone %d/%d (%.2f%%); rules find no evidence in %d (%d of them other)",
		rulesRight, n, percent(rulesRight, n), modelRight, n, percent(modelRight, n), unsure, unsureOther)
	for _, th := range []float64{0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 0.95} {
		right, fixed, broken := 0, 0, 0
		for i, m := range msgs {
			got := m.rules.StakeholderType
			if got == store.StakeholderOther && noStakeholderEvidence(m.why) && guesses[i].prob >= th && guesses[i].class != store.StakeholderOther {
				got = guesses[i].class
			}
			was := m.rules.StakeholderType == m.label.stakeholder
			is := got == m.label.stakeholder
			if is {
				right++
			}
			if is && !was {
				fixed++
			}
			if was && !is {
				broken++
			}
		}
		t.Logf("threshold %.2f: rules+model %d/%d (%.2f%%), %d fixed, %d broken", th, right, n, percent(right, n), fixed, broken)
	}
}

// TestSuggestModelKindCV cross-validates, as TestSuggestModelCV, a model of the kind
// on the same features, asked where the rules' kind is a guess (KindGuessed) or an
// inquiry on little evidence. The rules get every kind of the tune split right, so
// nothing there shows the model would help: it is measured, not used.
func TestSuggestModelKindCV(t *testing.T) {
	if !*cv {
		t.Skip("cross-validates with -cv")
	}
	msgs := loadTuneMessages(t)
	var classes []string
	for _, k := range store.Kinds {
		classes = append(classes, string(k))
	}
	guesses := make([]modelGuess, len(msgs))
	const folds = 5
	for k := range folds {
		var ex []modelExample
		for i, m := range msgs {
			if i%folds != k {
				ex = append(ex, modelExample{m.features, m.label.kind})
			}
		}
		opt := defaultTrainOptions
		opt.minCountText = opt.minCount // the kind is in the words of the text
		model := trainSuggestModel(ex, classes, opt)
		for i, m := range msgs {
			if i%folds == k {
				guesses[i] = model.predict(m.features)
			}
		}
	}
	weak := func(m evalMessage) bool {
		r := m.rules.Reasons[0]
		return m.rules.KindGuessed || strings.HasPrefix(r, "kind inquiry: asks a question (") ||
			strings.HasPrefix(r, "kind inquiry: short message without attachment asking")
	}
	rulesRight, modelRight, unsure := 0, 0, 0
	for i, m := range msgs {
		if string(m.rules.Kind) == m.label.kind {
			rulesRight++
		}
		if guesses[i].class == m.label.kind {
			modelRight++
		}
		if weak(m) {
			unsure++
		}
	}
	n := len(msgs)
	t.Logf("kind: rules alone %d/%d (%.2f%%), model alone %d/%d (%.2f%%); the rules guess or ask on little evidence in %d",
		rulesRight, n, percent(rulesRight, n), modelRight, n, percent(modelRight, n), unsure)
	for _, th := range []float64{0.5, 0.6, 0.7, 0.8, 0.9} {
		right, fixed, broken := 0, 0, 0
		for i, m := range msgs {
			got := string(m.rules.Kind)
			if weak(m) && guesses[i].prob >= th {
				got = guesses[i].class
			}
			was, is := string(m.rules.Kind) == m.label.kind, got == m.label.kind
			right += b2i(is)
			fixed += b2i(is && !was)
			broken += b2i(was && !is)
		}
		t.Logf("kind threshold %.2f: rules+model %d/%d (%.2f%%), %d fixed, %d broken", th, right, n, percent(right, n), fixed, broken)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func percent(a, b int) float64 { return 100 * float64(a) / float64(b) }

// crossValidate returns, for each message, the guess of a model trained on the folds
// it is not in (message i is in fold i mod folds: each fold has each language).
func crossValidate(msgs []evalMessage, opt trainOptions, folds int) []modelGuess {
	out := make([]modelGuess, len(msgs))
	for k := range folds {
		var trainSet []evalMessage
		for i, m := range msgs {
			if i%folds != k {
				trainSet = append(trainSet, m)
			}
		}
		model := trainSuggestModel(stakeholderExamples(trainSet), store.StakeholderTypes, opt)
		for i, m := range msgs {
			if i%folds == k {
				out[i] = model.predict(m.features)
			}
		}
	}
	return out
}
