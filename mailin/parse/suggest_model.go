package parse

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The stakeholder model: a multinomial logistic regression over the words of the
// sender's address, name and signature and of the subject and the opening of the text,
// trained on the tune split of the labelled mail (TestTrainSuggestModel writes
// suggest_model_stakeholder.tsv). The rules stay the first voice: the model is asked
// only when they find no evidence at all, and speaks only when it is sure enough.

// modelFeaturesVersion names the way features are drawn from a message: a model trained
// with another version is stale.
const modelFeaturesVersion = 2

// modelBodyWords is how many words of the new text the features read.
const modelBodyWords = 150

//go:embed suggest_model_stakeholder.tsv
var stakeholderModelData string

// defaultStakeholderModel is the committed stakeholder model, read the first time the
// rules ask it.
var defaultStakeholderModel = sync.OnceValue(func() *suggestModel {
	m, err := parseSuggestModel(stakeholderModelData)
	if err != nil {
		// The file is embedded and checked by the tests: it cannot be broken at run time.
		panic("parse: stakeholder model: " + err.Error())
	}
	return m
})

// suggestModel is a multinomial logistic regression over binary features: the score of
// a class is its bias plus the weights of the features present, its probability the
// softmax of the scores.
type suggestModel struct {
	classes []string
	bias    []float64
	weights map[string][]float64 // by feature, one weight per class
	// threshold is the probability from which the model's class is taken.
	threshold float64
	// tuneHash is the hash of the labelled data the model was trained on.
	tuneHash string
	version  int
}

// modelGuess is what the model makes of a message: its most likely class, the class's
// probability, and the features that weigh most for it.
type modelGuess struct {
	class string
	prob  float64
	top   []string
}

// predict scores features (repeats count once) and returns the most likely class.
func (m *suggestModel) predict(features []string) modelGuess {
	scores := make([]float64, len(m.classes))
	copy(scores, m.bias)
	seen := make(map[string]bool, len(features))
	for _, f := range features {
		if seen[f] {
			continue
		}
		seen[f] = true
		if w, ok := m.weights[f]; ok {
			for c := range scores {
				scores[c] += w[c]
			}
		}
	}
	probs := softmax(scores)
	best := 0
	for c := range probs {
		if probs[c] > probs[best] {
			best = c
		}
	}
	// The features that speak most for the class, against the others on average.
	type weighed struct {
		f string
		w float64
	}
	var ws []weighed
	for f := range seen {
		w, ok := m.weights[f]
		if !ok {
			continue
		}
		mean := 0.0
		for _, x := range w {
			mean += x
		}
		mean /= float64(len(w))
		if d := w[best] - mean; d > 0 {
			ws = append(ws, weighed{f, d})
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].w > ws[j].w || ws[i].w == ws[j].w && ws[i].f < ws[j].f })
	g := modelGuess{class: m.classes[best], prob: probs[best]}
	for i := 0; i < len(ws) && i < 3; i++ {
		g.top = append(g.top, ws[i].f)
	}
	return g
}

func softmax(scores []float64) []float64 {
	top := math.Inf(-1)
	for _, s := range scores {
		top = max(top, s)
	}
	out := make([]float64, len(scores))
	sum := 0.0
	for i, s := range scores {
		out[i] = math.Exp(s - top)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

// decides returns the model's class when it is at least threshold sure of it, else "".
func (m *suggestModel) decides(g modelGuess) string {
	if g.prob >= m.threshold {
		return g.class
	}
	return ""
}

// reason says, for the secretariat, what the model's guess rests on: "learned from the
// labelled mail (signature 'solutions', text 'clients'; 87%)".
func (g modelGuess) reason() string {
	var parts []string
	for _, f := range g.top {
		parts = append(parts, describeFeature(f))
	}
	p := int(math.Floor(100 * g.prob))
	if len(parts) == 0 {
		return fmt.Sprintf("learned from the labelled mail (%d%%)", p)
	}
	return fmt.Sprintf("learned from the labelled mail (%s; %d%%)", strings.Join(parts, ", "), p)
}

// describeFeature says a feature in words: "signature 'solutions'", "domain under .com".
func describeFeature(f string) string {
	kind, value, _ := strings.Cut(f, ":")
	switch kind {
	case "tld":
		return "domain under ." + value
	case "sld":
		return "domain under " + value + "."
	case "dom":
		if value == "webmail" {
			return "a personal address"
		}
		if value == "none" {
			return "no sender address"
		}
		return "domain " + value
	case "dl":
		return "domain name " + quoteReason(value)
	case "dg":
		return "domain with " + quoteReason(value)
	case "n":
		return "name " + quoteReason(value)
	case "s":
		return "signature " + quoteReason(value)
	case "t":
		return "subject " + quoteReason(value)
	case "b":
		return "text " + quoteReason(value)
	case "o":
		return "organisation " + quoteReason(value)
	case "og":
		return "organisation with " + quoteReason(value)
	case "vs":
		return "signature words of " + strings.ReplaceAll(value, "_", " ")
	case "vb":
		return "text words of " + strings.ReplaceAll(value, "_", " ")
	}
	return quoteReason(f)
}

// modelFeatures draws the features of a message: its sender's domain (whether personal,
// its labels, runs of four letters of its name), the words of the display name, of the
// organisation the rules name (org, and its runs of four letters), of the signature, of
// the subject and of the first modelBodyWords words of the new text, folded, and which
// stakeholder types' organisation words the signature and the text hold. Chinese and
// Japanese text is read as pairs of characters.
func (v *vocabulary) modelFeatures(p *Parsed, fresh string, sig []string, org string) []string {
	out := make([]string, 0, 256)
	domain := emailDomain(p.From.Email)
	switch {
	case domain == "":
		out = append(out, "dom:none")
	case v.isWebmail(domain) || v.personalDomain(p.From.Email, p.From.Name):
		out = append(out, "dom:webmail")
	default:
		labels := strings.Split(domain, ".")
		out = append(out, "dom:"+domain, "tld:"+labels[len(labels)-1])
		if len(labels) >= 3 {
			out = append(out, "sld:"+labels[len(labels)-2])
		}
		for _, l := range labels[:len(labels)-1] {
			if len(l) < 2 {
				continue
			}
			out = append(out, "dl:"+l)
			for i := 0; i+4 <= len(l) && isASCII(l); i++ {
				out = append(out, "dg:"+l[i:i+4])
			}
		}
	}
	out = appendWords(out, "n:", p.From.Name, -1)
	out = appendWords(out, "o:", org, -1)
	out = appendGrams(out, "og:", org)
	for _, line := range sig {
		out = appendWords(out, "s:", line, -1)
	}
	out = appendWords(out, "t:", stripReplyPrefixes(p.Subject), -1)
	out = appendWords(out, "b:", fresh, modelBodyWords)
	// The rules' organisation words of each type, wherever they are in the signature and
	// the text: the rules count them only in a line that names an organisation.
	slab := v.getSlab()
	defer v.putSlab(slab)
	sigText := v.newFoldedTextOf(v.stakeholdersIndex, foldText(strings.Join(sig, "\n")), slab)
	body := v.newFoldedTextOf(v.stakeholdersIndex, foldText(truncateBytes(fresh, 2000)), slab)
	for _, st := range v.stakeholders {
		if n, _ := st.terms.countIn(sigText); n > 0 {
			out = append(out, "vs:"+st.typ)
		}
		if n, _ := st.terms.countIn(body); n > 0 {
			out = append(out, "vb:"+st.typ)
		}
	}
	return out
}

// appendWords appends the folded words of s, each with prefix, at most n of them
// (n < 0: all). A run of Han or kana characters gives its pairs of characters.
func appendWords(out []string, prefix, s string, n int) []string {
	for _, w := range splitWords(foldText(s)) {
		if n == 0 {
			break
		}
		n--
		if r, _ := utf8.DecodeRuneInString(w); r >= 0x2e80 && (unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana)) {
			rs := []rune(w)
			if len(rs) == 1 {
				out = append(out, prefix+w)
			}
			for i := 0; i+1 < len(rs); i++ {
				out = append(out, prefix+string(rs[i:i+2]))
			}
			continue
		}
		if len(w) < 2 || isDigits(w) {
			continue
		}
		out = append(out, prefix+w)
	}
	return out
}

// appendGrams appends, with prefix, the runs of four letters of the folded words of s of
// five letters or more (not Chinese or Japanese, read as pairs): "tech", "soft", "univ"
// in names never seen whole.
func appendGrams(out []string, prefix, s string) []string {
	for _, w := range splitWords(foldText(s)) {
		if len(w) < 5 {
			continue
		}
		rs := []rune(w)
		if len(rs) < 5 || unicode.Is(unicode.Han, rs[0]) {
			continue
		}
		for i := 0; i+4 <= len(rs); i++ {
			out = append(out, prefix+string(rs[i:i+4]))
		}
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseSuggestModel reads a model file: comment lines (#), then "version", "tune",
// "classes", "threshold" and "bias" lines, then one line per feature with a weight per
// class (an empty cell is 0).
func parseSuggestModel(data string) (*suggestModel, error) {
	m := &suggestModel{weights: map[string][]float64{}}
	for n, line := range strings.Split(data, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "\t")
		switch cells[0] {
		case "version":
			v, err := strconv.Atoi(cells[len(cells)-1])
			if err != nil {
				return nil, fmt.Errorf("line %d: version: %w", n+1, err)
			}
			m.version = v
			continue
		case "tune":
			m.tuneHash = cells[len(cells)-1]
			continue
		case "classes":
			m.classes = cells[1:]
			continue
		case "threshold":
			t, err := strconv.ParseFloat(cells[len(cells)-1], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: threshold: %w", n+1, err)
			}
			m.threshold = t
			continue
		}
		if len(m.classes) == 0 {
			return nil, fmt.Errorf("line %d: weights before the classes", n+1)
		}
		if len(cells) != len(m.classes)+1 {
			return nil, fmt.Errorf("line %d: %d weights, want %d", n+1, len(cells)-1, len(m.classes))
		}
		w := make([]float64, len(m.classes))
		for i, c := range cells[1:] {
			if c == "" {
				continue
			}
			x, err := strconv.ParseFloat(c, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n+1, err)
			}
			w[i] = x
		}
		if cells[0] == "bias" {
			m.bias = w
		} else {
			m.weights[cells[0]] = w
		}
	}
	if len(m.classes) == 0 || m.bias == nil {
		return nil, fmt.Errorf("no classes or no bias")
	}
	if m.threshold <= 0 || m.threshold > 1 {
		return nil, fmt.Errorf("threshold %v", m.threshold)
	}
	return m, nil
}

// format writes the model in the form parseSuggestModel reads, features in order,
// weights to two decimals, features weighing nothing left out.
func (m *suggestModel) format(comment string) string {
	var b strings.Builder
	for _, c := range strings.Split(comment, "\n") {
		b.WriteString("# " + c + "\n")
	}
	fmt.Fprintf(&b, "version\t%d\ntune\t%s\nclasses\t%s\nthreshold\t%g\n", m.version, m.tuneHash, strings.Join(m.classes, "\t"), m.threshold)
	row := func(name string, w []float64) {
		cells := make([]string, len(w))
		any := false
		for i, x := range w {
			if s := strconv.FormatFloat(x, 'f', 2, 64); s != "0.00" && s != "-0.00" {
				cells[i] = strings.TrimRight(strings.TrimRight(s, "0"), ".")
				any = true
			}
		}
		if any || name == "bias" {
			b.WriteString(name + "\t" + strings.Join(cells, "\t") + "\n")
		}
	}
	row("bias", m.bias)
	names := make([]string, 0, len(m.weights))
	for f := range m.weights {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		row(f, m.weights[f])
	}
	return b.String()
}

// noStakeholderEvidence reports whether the rules' reason for the stakeholder type other
// says they found nothing (no domain, a personal address, an address that says
// nothing), rather than something that makes it other (a prize notice, a writer in
// their own capacity).
func noStakeholderEvidence(why string) bool {
	return why == "no sender domain" || strings.HasPrefix(why, "personal address ") && strings.HasSuffix(why, "no organisation in the signature") ||
		strings.HasPrefix(why, "nothing conclusive in domain ")
}

// modelText is the new text and the signature as suggestWith reads them, for the
// features of a message outside it (training).
func (v *vocabulary) modelText(p *Parsed, fresh string) (string, []string) {
	text, fresh := suggestSample(p, fresh)
	return fresh, v.signatureLines(text, fresh)
}
