package rules

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// affinityPlace maps each affinity key that users misplace to its place under spec. A flat
// timeoutSeconds, as in the vendor article, belongs to sessionAffinityConfig.clientIP.
var affinityPlace = map[string][]string{
	"sessionAffinity":       {"sessionAffinity"},
	"sessionAffinityConfig": {"sessionAffinityConfig"},
	"clientIP":              {"sessionAffinityConfig", "clientIP"},
	"timeoutSeconds":        {"sessionAffinityConfig", "clientIP", "timeoutSeconds"},
	"externalTrafficPolicy": {"externalTrafficPolicy"},
}

// affinityChildren are the keys allowed inside the map-valued affinity fields.
var affinityChildren = map[string]string{
	"sessionAffinityConfig": "clientIP",
	"clientIP":              "timeoutSeconds",
}

// misplacement is one affinity key found outside its place.
type misplacement struct {
	parent *yaml.Node // the map it sits in
	key    string
	at     string // its path, e.g. spec.selector.sessionAffinity
	why    string
}

const (
	underSelector = "a key under spec.selector is a pod label no pod carries, so the Service would select no pods"
	besideSpec    = "Kubernetes reads it only under spec"
)

// findMisplaced lists affinity keys under spec.selector (the vendor article's mistake) and beside spec.
func findMisplaced(obj *yaml.Node) []misplacement {
	var found []misplacement
	collect := func(parent *yaml.Node, path, why string) {
		for _, f := range node.Fields(parent) {
			if _, ok := affinityPlace[f.Key]; ok {
				found = append(found, misplacement{parent: parent, key: f.Key, at: node.PathField(path, f.Key), why: why})
			}
		}
	}
	collect(node.AsWritten(obj, "spec", "selector"), "spec.selector", underSelector)
	collect(obj, "", besideSpec)
	return found
}

// WarnMisplaced reports misplaced affinity keys on a Service that is not selected; it changes nothing.
func WarnMisplaced(obj *yaml.Node) []Finding {
	var findings []Finding
	for _, m := range findMisplaced(obj) {
		findings = append(findings, Finding{Severity: fn.Warning, Path: m.at, Message: fmt.Sprintf(
			"%s is misplaced: %s; its place is spec.%s (this Service is not selected, so it is left as it is)",
			m.key, m.why, strings.Join(affinityPlace[m.key], "."))})
	}
	return findings
}

// leaf is one scalar of a misplaced value and the path under spec it belongs to.
type leaf struct {
	from  string
	place []string
	value *yaml.Node
}

// repairMisplaced moves misplaced affinity keys to their place under spec. A value that disagrees
// with one already there is an error, and then nothing moves.
func repairMisplaced(s *service) {
	found := findMisplaced(s.obj)
	var moves []leaf
	conflict := false
	for _, m := range found {
		leaves, err := flatten(m.at, affinityPlace[m.key], node.AsWritten(m.parent, m.key))
		if err != nil {
			s.errorf(m.at, "%v", err)
			conflict = true
		}
		for _, l := range leaves {
			if cur := node.AsWritten(s.obj, append([]string{"spec"}, l.place...)...); !node.IsNull(cur) && !sameValue(cur, l.value) {
				s.errorf(l.from, "%s is %s here but %s at %s; remove one of them", l.from, shown(l.value), shown(cur), specPath(l.place))
				conflict = true
			}
		}
		moves = append(moves, leaves...)
	}
	if conflict {
		return
	}
	for _, l := range moves {
		moveLeaf(s, l)
	}
	for _, m := range found {
		removed := node.Remove(m.parent, m.key)
		if len(leavesOf(moves, m.at)) == 0 {
			s.changed(fn.Warning, m.at, "it is empty, and "+m.why, was(removed))
		}
	}
}

// sameValue reports whether a misplaced value says what the one in its place says: the same text,
// or integers yaml.v3 reads as the same number (10800 and 0x2A30).
func sameValue(a, b *yaml.Node) bool {
	if a.Value == b.Value {
		return true
	}
	i, ok := node.Int(a)
	j, ok2 := node.Int(b)
	return ok && ok2 && i == j
}

func leavesOf(moves []leaf, prefix string) []leaf {
	var out []leaf
	for _, l := range moves {
		if l.from == prefix || strings.HasPrefix(l.from, prefix+".") {
			out = append(out, l)
		}
	}
	return out
}

func moveLeaf(s *service, l leaf) {
	target := node.AsWritten(s.obj, append([]string{"spec"}, l.place...)...)
	why := whyMisplaced(l.from)
	if !node.IsNull(target) {
		s.changed(fn.Warning, l.from, fmt.Sprintf("%s already holds the same value, and %s", specPath(l.place), why),
			was(l.value))
		return
	}
	value := l.value
	if l.place[len(l.place)-1] == "timeoutSeconds" && value.Tag == yaml.NodeTagString {
		value.Tag, value.Style = yaml.NodeTagInt, 0 // the API field is an integer
	}
	parent := node.EnsureMap(s.spec(), l.place[:len(l.place)-1]...)
	node.Remove(parent, l.place[len(l.place)-1])
	node.Append(parent, l.place[len(l.place)-1], value)
	c := was(value)
	c.Proposed, c.MovedTo = valueOf(value), specPath(l.place)
	s.changed(fn.Warning, l.from, why, c)
}

func whyMisplaced(from string) string {
	if strings.HasPrefix(from, "spec.selector.") {
		return underSelector
	}
	return besideSpec
}

// flatten splits a misplaced value into its scalars, checking that maps hold only the keys the
// API has there.
func flatten(from string, place []string, v *yaml.Node) ([]leaf, error) {
	switch {
	case node.IsNull(v):
		return nil, nil
	case v.Kind == yaml.ScalarNode:
		return []leaf{{from: from, place: place, value: v}}, nil
	case v.Kind != yaml.MappingNode || affinityChildren[place[len(place)-1]] == "":
		return nil, fmt.Errorf("got %s; want the value of %s", node.Describe(v), specPath(place))
	}
	var leaves []leaf
	for _, f := range node.Fields(v) {
		if affinityChildren[place[len(place)-1]] != f.Key {
			return nil, fmt.Errorf("unknown field %q; %s holds only %s", f.Key, specPath(place), affinityChildren[place[len(place)-1]])
		}
		more, err := flatten(node.PathField(from, f.Key), append(append([]string{}, place...), f.Key), f.Value)
		if err != nil {
			return nil, err
		}
		leaves = append(leaves, more...)
	}
	return leaves, nil
}

func specPath(place []string) string {
	path := "spec"
	for _, name := range place {
		path = node.PathField(path, name)
	}
	return path
}
