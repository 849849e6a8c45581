package selection

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
)

// Prefix starts every label and annotation the function defines.
const Prefix = "session-affinity.kpt.dev/"

// Annotations are the per-Service annotations the function reads; any other key under Prefix is
// a typo that changes nothing.
var Annotations = []string{config.ClientIPTimeoutAnnotation, config.PersistenceTimeoutAnnotation, config.ProviderAnnotation}

// SkipLabel is the label the advice for unsupported Services asks for, to be excluded by the
// selector (SkipLabel!=true). Written as an annotation it does nothing, and is said so.
const SkipLabel = Prefix + "skip"

// Miss is one reason an object that looks meant for the function is passed over, or a key of
// ours the function does not read, with the fix. Every Miss is a warning: the run goes on, and
// the user learns why nothing happened.
type Miss struct {
	// Path is the field, as results name it: metadata.labels[key].
	Path    string
	Message string
}

// Misses says why obj, a core Service the selector does not select, looks meant to be selected:
// a label whose key or value is a small edit away from what the selector asks, the selector's
// key written as an annotation, a per-Service annotation that only a selected Service's rules
// read. Nothing is said when fixing the near miss would still not select obj, or when obj is
// excluded on purpose (local-config, a failed negative requirement such as tier!=db).
func Misses(obj *yaml.Node, sel labels.Selector) []Miss {
	if isLocalConfig(obj) {
		return nil
	}
	misses := nearMisses(obj, sel)
	for _, f := range node.Fields(node.AsWritten(obj, "metadata", "annotations")) {
		if slices.Contains(Annotations, f.Key) {
			misses = append(misses, Miss{Path: node.AnnotationPath(f.Key), Message: fmt.Sprintf(
				"the Service is not selected by %s, so this per-Service annotation changes nothing; select the Service to make it sticky, or remove the annotation",
				describe(sel))})
		}
	}
	return misses
}

// UnknownAnnotations lists the annotations of obj under Prefix that the function does not read,
// each with the key it likely meant. The selector's own keys are left to Misses.
func UnknownAnnotations(obj *yaml.Node, sel labels.Selector) []Miss {
	var misses []Miss
	for _, f := range node.Fields(node.AsWritten(obj, "metadata", "annotations")) {
		if !strings.HasPrefix(f.Key, Prefix) || slices.Contains(Annotations, f.Key) || isSelectorKey(sel, f.Key) {
			continue
		}
		misses = append(misses, Miss{Path: node.AnnotationPath(f.Key), Message: unknownAnnotation(f.Key)})
	}
	return misses
}

// unknownAnnotation says that key changes nothing, with the key it likely meant: one the function
// reads, or SkipLabel, which belongs among the labels.
func unknownAnnotation(key string) string {
	msg := key + " is not an annotation the function reads, so it changes nothing"
	switch meant := closest(key, append([]string{SkipLabel}, Annotations...)); meant {
	case SkipLabel:
		return msg + "; " + SkipLabel + " is a label: move it to metadata.labels (" + SkipLabel + ": \"true\") and exclude it with " + SkipLabel + "!=true in the selector"
	case "":
	default:
		msg += "; did you mean " + meant + "?"
	}
	return msg + " (the function reads " + strings.Join(Annotations, ", ") + ")"
}

// NotCore says why obj, an object of kind Service that is not a core v1 Service, is passed over,
// when its labels select it or nearly do: without an apiVersion, or with another group's (a
// Knative serving.knative.dev Service), no label makes the function touch it
// (kubernetes-sigs/kustomize#3414).
func NotCore(obj *yaml.Node, sel labels.Selector) []Miss {
	if kind, _ := node.Scalar(node.AsDecoded(obj, "kind")); kind != "Service" || IsCoreService(obj) || isLocalConfig(obj) {
		return nil
	}
	if !sel.Matches(Labels(obj)) && len(nearMisses(obj, sel)) == 0 {
		return nil
	}
	apiVersion, ok := node.Scalar(node.AsDecoded(obj, "apiVersion"))
	var msg string
	switch {
	case !ok || apiVersion == "":
		msg = "the object has no apiVersion, so it is not a core v1 Service and is passed over (the API server refuses it too); write apiVersion: v1"
	case strings.EqualFold(strings.TrimSpace(apiVersion), "v1"):
		msg = fmt.Sprintf("apiVersion %q is not v1, so the object is not a core v1 Service and is passed over; write apiVersion: v1", apiVersion)
	default:
		msg = fmt.Sprintf("a %s Service is not a core v1 Service, so the function passes it over whatever its labels say; label the core Service (apiVersion: v1) that carries its traffic instead", apiVersion)
	}
	return []Miss{{Path: "apiVersion", Message: msg + " (its labels meet, or nearly meet, " + describe(sel) + ")"}}
}

// nearMisses are the label misses of Misses: each requirement obj fails must be a near miss,
// or there is nothing to say.
func nearMisses(obj *yaml.Node, sel labels.Selector) []Miss {
	reqs, selectable := sel.Requirements()
	if !selectable {
		return nil
	}
	have := Labels(obj)
	annotations := node.AsWritten(obj, "metadata", "annotations")
	var misses []Miss
	for _, r := range reqs {
		if r.Matches(have) {
			continue
		}
		m := requirementMisses(r, have, annotations, sel)
		if len(m) == 0 {
			return nil // fixing the others would still not select obj
		}
		misses = append(misses, m...)
	}
	return misses
}

// requirementMisses are the near misses of one positive requirement obj fails.
func requirementMisses(r labels.Requirement, have labels.Set, annotations *yaml.Node, sel labels.Selector) []Miss {
	var wants []string
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		wants = r.Values().List()
	case selection.Exists:
	default:
		return nil // a negative requirement failed: obj is left out on purpose
	}
	key := r.Key()
	if v, ok := have[key]; ok {
		if w := nearValue(v, wants); w != "" {
			return []Miss{{Path: node.LabelPath(key), Message: fmt.Sprintf(
				"label %s is %q, not %q: a selector compares values exactly, so %s does not select this object; write %s: %q",
				key, v, w, describe(sel), key, w)}}
		}
		return nil
	}
	var misses []Miss
	for k, v := range sortedSet(have) {
		if nearKey(k, key) && (len(wants) == 0 || nearValue(v, wants) != "" || slices.Contains(wants, v)) {
			misses = append(misses, Miss{Path: node.LabelPath(k), Message: fmt.Sprintf(
				"label %s is not %s, the key %s reads, so this object is not selected; rename the label to %s",
				k, key, describe(sel), key)})
		}
	}
	if v, ok := node.Scalar(node.AsWritten(annotations, key)); ok && (len(wants) == 0 || slices.Contains(wants, v) || nearValue(v, wants) != "") {
		misses = append(misses, Miss{Path: node.AnnotationPath(key), Message: fmt.Sprintf(
			"%s is an annotation, and a selector reads labels, so %s does not select this object; move it under metadata.labels",
			key, describe(sel))})
	}
	return misses
}

// truthy are the spellings of yes that YAML 1.1, Helm values and people use for "true".
var truthy = []string{"true", "yes", "y", "on", "1", "enabled", "enable"}

// nearValue returns the wanted value v was likely meant to be, or "": the same but for case or
// spaces ("True", " true"), another way to say yes when "true" is wanted, or one edit away
// ("ture"). A value that says no ("false", "off") is an opt-out, never a near miss.
func nearValue(v string, wants []string) string {
	t := strings.ToLower(strings.TrimSpace(v))
	for _, w := range wants {
		switch {
		case t == strings.ToLower(w):
			return w
		case w == "true" && slices.Contains(truthy, t):
			return w
		case len(w) >= 4 && distance(t, strings.ToLower(w)) <= 1:
			return w
		}
	}
	return ""
}

// nearKey reports whether key k looks like an attempt at want: the same but for case, the same
// name under another or no prefix (sticky for session-affinity.kpt.dev/sticky), or a typo or two
// away (stickey, session-afinity).
func nearKey(k, want string) bool {
	lk, lw := strings.ToLower(k), strings.ToLower(want)
	if lk == lw {
		return true
	}
	if name(lk) == name(lw) && len(name(lw)) >= 4 {
		return true
	}
	edits := 1
	if len(want) >= 12 {
		edits = 2
	}
	return len(want) >= 4 && distance(lk, lw) <= edits
}

func name(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

// closest returns the key among known whose name (after the shared prefix) s's name is the
// fewest edits from, or is the start of (client-ip-timeout for client-ip-timeout-seconds), when
// it is close enough to be a likely typo (at most a third of the name's length), else "".
func closest(s string, known []string) string {
	best, bestDist := "", len(name(s))/3+1
	for _, k := range known {
		d := distance(name(s), name(k))
		if strings.HasPrefix(name(k), name(s)) && len(name(s)) >= 4 {
			d = 1
		}
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// distance is the optimal string alignment distance between a and b: insertions, deletions,
// substitutions and transpositions of adjacent characters, each one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2, prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Mentions reports whether text may hold what Misses and UnknownAnnotations read beyond labels:
// a key under Prefix, or a key of the selector (as an annotation). A text that mentions neither
// has nothing for them to say about annotations.
func Mentions(text []byte, sel labels.Selector) bool {
	if bytes.Contains(text, []byte(Prefix)) {
		return true
	}
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if bytes.Contains(text, []byte(r.Key())) {
			return true
		}
	}
	return false
}

func isSelectorKey(sel labels.Selector, key string) bool {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if r.Key() == key {
			return true
		}
	}
	return false
}

func isLocalConfig(obj *yaml.Node) bool {
	v, ok := node.Scalar(node.AsWritten(obj, "metadata", "annotations", localConfig))
	return ok && v != "false"
}

// describe shows the selector as the user would write it.
func describe(sel labels.Selector) string {
	if s := sel.String(); s != "" {
		return "the selector " + s
	}
	return "the empty selector"
}

// sortedSet iterates a label set in key order, so that results come in a stable order.
func sortedSet(set labels.Set) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		keys := make([]string, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k, set[k]) {
				return
			}
		}
	}
}
