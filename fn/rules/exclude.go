package rules

import (
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/sticky-services/set-session-affinity/fn/config"
	ourselection "github.com/sticky-services/set-session-affinity/fn/selection"
)

// SkipLabel is the label the advice asks for when a Service's own labels cannot tell it apart
// from the Services that are to stay selected.
const SkipLabel = ourselection.SkipLabel

// Unsupported marks the error for a selected Service the function cannot make sticky (headless,
// ExternalName). The error advises a selector that leaves the Service out, and such a selector
// must keep every other selected Service selected: which one does depends on every Service the
// run selected, so the run completes the message with Advise once it has seen them all. The
// message Apply gives knows this Service only.
type Unsupported struct {
	// Why says what kube-proxy does not do for this Service.
	Why string
	// Labels are the Service's labels, as the selector reads them.
	Labels labels.Set
}

// Peer is one selected Service of a run, as the advice sees it.
type Peer struct {
	Labels labels.Set
	// Unsupported is set when the Service is unsupported; nil for one the rules handle.
	Unsupported *Unsupported
}

// Advise returns, for each unsupported Service among peers in order, the message of its error: the
// configured selector with requirements that leave out every unsupported Service and keep every
// other one. A requirement leaves out a Service when it is false on its labels and true on the
// labels of every Service to keep; only two kinds can be (key!=value, for a label of the
// unsupported Service that none to keep has; key, for a label every one to keep has and it does
// not), since any other requirement that works implies one of them. A Service neither kind leaves
// out has labels that cannot tell it apart, and the message says so and asks for the skip label.
func Advise(cfg config.Config, peers []Peer) []string {
	var keep []labels.Set
	var out []*Unsupported
	for _, p := range peers {
		if p.Unsupported != nil {
			out = append(out, p.Unsupported)
		} else {
			keep = append(keep, p.Labels)
		}
	}
	if len(out) == 0 {
		return nil
	}
	reqs, _ := cfg.Selector.Requirements()
	mentioned := map[string]bool{}
	for _, r := range reqs {
		mentioned[r.Key()] = true
	}
	added, apart := exclusions(mentioned, keep, out)
	parts := []string{}
	if sel := cfg.Selector.String(); sel != "" {
		parts = append(parts, sel)
	}
	parts = append(parts, added...)
	anyApart := false
	for _, a := range apart {
		anyApart = anyApart || a
	}
	if anyApart && !mentioned[SkipLabel] {
		parts = append(parts, SkipLabel+"!=true")
	}
	use := "use " + cfg.Origin.Knob("selector", "'"+strings.Join(parts, ",")+"'")
	messages := make([]string, len(out))
	for i, u := range out {
		advice := use
		switch {
		case apart[i] && len(keep) > 0:
			advice = "its labels do not tell it apart from the selected Services that can be sticky, so label it " + SkipLabel + "=true and " + use
		case apart[i]:
			advice = "label it " + SkipLabel + "=true and " + use
		}
		messages[i] = u.Why + "; pass such Services through with " + cfg.Origin.Knob("onUnsupported", string(config.UnsupportedSkip)) +
			", or leave this one out: " + advice
	}
	return messages
}

// candidate is one requirement that could be added, with the unsupported Services it leaves out.
type candidate struct {
	key, value string // value "" for key (exists)
	excludes   []int
}

// exclusions chooses requirements that leave out every Service of out that some requirement can
// leave out, keeping every Service of keep: greedily, the one that leaves out most, then by the
// preferred label keys, then by name, so a run of one Service gets the label a reader expects
// (app.kubernetes.io/component, app.kubernetes.io/name, app). apart[i] is true for out[i] when
// no requirement can leave it out.
func exclusions(mentioned map[string]bool, keep []labels.Set, out []*Unsupported) (added []string, apart []bool) {
	cands := candidates(mentioned, keep, out)
	apart = make([]bool, len(out))
	for i := range out {
		apart[i] = true
	}
	for _, c := range cands {
		for _, i := range c.excludes {
			apart[i] = false
		}
	}
	return requirements(choose(cands, len(out))), apart
}

// candidates lists every requirement that leaves out at least one Service of out and keeps every
// Service of keep, in a stable order. A key the selector mentions is a candidate when some
// Service is kept: the kept ones match the selector and the requirement, so together they select
// something (selector tier: tier,tier!=db leaves out the db Service; issue 17). With none kept,
// a requirement on such a key could contradict the selector (a=b,a!=b), so only other keys count.
func candidates(mentioned map[string]bool, keep []labels.Set, out []*Unsupported) []*candidate {
	kept := map[[2]string]bool{} // key=value pairs some Service to keep has
	for _, l := range keep {
		for k, v := range l {
			kept[[2]string{k, v}] = true
		}
	}
	everyKept := keysOfAll(keep)
	byReq := map[[2]string]*candidate{}
	add := func(key, value string, i int) {
		c := byReq[[2]string{key, value}]
		if c == nil {
			c = &candidate{key: key, value: value}
			byReq[[2]string{key, value}] = c
		}
		c.excludes = append(c.excludes, i)
	}
	for i, u := range out {
		for k, v := range u.Labels {
			if (len(keep) > 0 || !mentioned[k]) && !kept[[2]string{k, v}] && valid(k, selection.NotEquals, v) {
				add(k, v, i)
			}
		}
		for k := range everyKept {
			if !u.Labels.Has(k) && valid(k, selection.Exists, "") {
				add(k, "", i)
			}
		}
	}
	cands := make([]*candidate, 0, len(byReq))
	for _, c := range byReq {
		cands = append(cands, c)
	}
	sort.Slice(cands, func(i, j int) bool { return before(cands[i], cands[j]) })
	return cands
}

// keysOfAll returns the keys every one of sets has; none when sets is empty.
func keysOfAll(sets []labels.Set) map[string]bool {
	all := map[string]bool{}
	if len(sets) == 0 {
		return all
	}
	for k := range sets[0] {
		all[k] = true
	}
	for _, l := range sets[1:] {
		for k := range all {
			if !l.Has(k) {
				delete(all, k)
			}
		}
	}
	return all
}

// choose picks candidates until none leaves out a Service not yet left out: each time the one
// that leaves out most, ties going to the earlier in cands' order.
func choose(cands []*candidate, n int) []*candidate {
	left := make([]bool, n) // left[i]: Service i is left out by a chosen candidate
	var chosen []*candidate
	for {
		var best *candidate
		bestN := 0
		for _, c := range cands {
			m := 0
			for _, i := range c.excludes {
				if !left[i] {
					m++
				}
			}
			if m > bestN {
				best, bestN = c, m
			}
		}
		if best == nil {
			return chosen
		}
		for _, i := range best.excludes {
			left[i] = true
		}
		chosen = append(chosen, best)
	}
}

// requirements writes the chosen candidates as selector requirements, in the order chosen, with
// the values of key!=value requirements on one key joined into key notin (a,b).
func requirements(chosen []*candidate) []string {
	notEqual := map[string][]string{} // key!=value values, by key
	var order []string                // keys in the order chosen; "?key" for key (exists)
	for _, c := range chosen {
		switch {
		case c.value == "":
			order = append(order, "?"+c.key)
		case notEqual[c.key] == nil:
			order = append(order, c.key)
			fallthrough
		default:
			notEqual[c.key] = append(notEqual[c.key], c.value)
		}
	}
	var added []string
	for _, k := range order {
		var r *labels.Requirement
		switch values := notEqual[k]; {
		case strings.HasPrefix(k, "?"):
			r, _ = labels.NewRequirement(k[1:], selection.Exists, nil)
		case len(values) == 1:
			r, _ = labels.NewRequirement(k, selection.NotEquals, values)
		default:
			sort.Strings(values)
			r, _ = labels.NewRequirement(k, selection.NotIn, values)
		}
		added = append(added, r.String())
	}
	return added
}

// preferredKeys are the labels a reader expects a selector to use, best first.
var preferredKeys = []string{"app.kubernetes.io/component", "app.kubernetes.io/name", "app"}

func rank(key string) int {
	for i, k := range preferredKeys {
		if k == key {
			return i
		}
	}
	return len(preferredKeys)
}

// before orders candidates that leave out as many Services: preferred keys, then key!=value
// before key, then by name.
func before(a, b *candidate) bool {
	switch {
	case rank(a.key) != rank(b.key):
		return rank(a.key) < rank(b.key)
	case (a.value == "") != (b.value == ""):
		return a.value != ""
	case a.key != b.key:
		return a.key < b.key
	}
	return a.value < b.value
}

// valid reports whether the requirement can be written in a selector: a label that is not a valid
// label (refused elsewhere) cannot.
func valid(key string, op selection.Operator, value string) bool {
	var values []string
	if op != selection.Exists {
		values = []string{value}
	}
	_, err := labels.NewRequirement(key, op, values)
	return err == nil
}
