package input

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// refusal is what yaml.v3 refuses when it decodes a node tree into Go values, as kubectl and the
// API server's decoders do, although it reads the tree: a key that is a mapping or a list
// (`[a]: b`, `? {a: 1}`), and a merge key (<<) whose value is not a mapping or a list of
// mappings (yaml.v3 decode.go, "invalid map key" and "map merge requires map or sequence of maps
// as the value"). The function refuses such input rather than pass or edit what no consumer reads.
type refusal struct {
	at  *yaml.Node
	why string
}

// firstRefusal is the first refusal below n, by path; nil when yaml.v3 would decode n.
func firstRefusal(n *yaml.Node) *refusal {
	return (&verdicts{open: map[*yaml.Node]bool{}}).first(n, nil)
}

// verdicts walks a tree; open holds the collections being walked, so that an alias to one of
// them, a value that contains itself, is seen (yaml.v3: "anchor ... value contains itself").
// Paths are kept as parts and written only for a refusal: written at every level they would
// cost depth times key length each (issue 18.9).
type verdicts struct{ open map[*yaml.Node]bool }

func (v *verdicts) first(n *yaml.Node, path node.Path) *refusal {
	if n.Kind == yaml.AliasNode && v.open[n.Alias] {
		return &refusal{n, fmt.Sprintf("%s is *%s, an alias inside the value its anchor names, which would contain itself; YAML parsers that decode into objects (yaml.v3, kubectl) refuse it", orTop(path), n.Value)}
	}
	if len(n.Content) == 0 {
		return nil
	}
	v.open[n] = true
	defer delete(v.open, n)
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if r := v.first(c, path); r != nil {
				return r
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if r := v.first(c, path.Index(i)); r != nil {
				return r
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if r := v.pair(n.Content[i], n.Content[i+1], path); r != nil {
				return r
			}
		}
	}
	return nil
}

func orTop(path node.Path) string {
	if len(path) == 0 {
		return "the top level"
	}
	return path.String()
}

func (v *verdicts) pair(k, val *yaml.Node, path node.Path) *refusal {
	if r := v.first(k, path); r != nil {
		return r
	}
	key := node.Deref(k)
	switch {
	case key.Kind == yaml.MappingNode || key.Kind == yaml.SequenceNode:
		return &refusal{k, fmt.Sprintf("%s has a key that is %s; YAML parsers that decode into objects (yaml.v3, kubectl) take only scalar keys", orTop(path), node.Describe(key))}
	case k.Kind == yaml.ScalarNode && k.Tag == "!!merge" && !mergeable(val):
		return &refusal{k, fmt.Sprintf("%s has a merge key (<<) whose value is %s; YAML parsers that decode into objects (yaml.v3, kubectl) merge only a mapping or a list of mappings", orTop(path), node.Describe(val))}
	}
	if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
		return v.first(val, path) // a merged value is checked for aliases to what contains it
	}
	return v.first(val, path.Key(k.Value))
}

// mergeable is a merge key's value yaml.v3 accepts: a mapping, or a list of mappings, each
// written or an alias.
func mergeable(v *yaml.Node) bool {
	v = node.Deref(v)
	if v.Kind == yaml.MappingNode {
		return true
	}
	if v.Kind != yaml.SequenceNode {
		return false
	}
	for _, c := range v.Content {
		if node.Deref(c).Kind != yaml.MappingNode {
			return false
		}
	}
	return true
}
