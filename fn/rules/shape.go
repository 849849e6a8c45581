package rules

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkShape stops on a Service whose structure is not what the API defines, so no later rule
// writes into (and so replaces) a value of the wrong shape.
func checkShape(s *service) {
	if path := duplicatePath(s.obj, ""); path != "" {
		s.errorf(path, "appears twice; YAML parsers disagree on which one counts (the API server refuses it, kubectl keeps the last), so the Service is left as it is: remove one")
		s.stopped = true
		return
	}
	if path := aliasPath(s.obj, ""); path != "" {
		s.errorf(path, "uses a YAML anchor, alias or merge key; an edit could change every object that shares it, so the Service is left as it is: expand it first")
		s.stopped = true
		return
	}
	want := func(path string, n *yaml.Node, kind yaml.Kind, words string) {
		if !node.IsNull(n) && n.Kind != kind {
			s.errorf(path, "must be %s, got %s", words, node.Describe(n))
			s.stopped = true
		}
	}
	want("metadata", s.get("metadata"), yaml.MappingNode, "an object")
	want("spec", s.get("spec"), yaml.MappingNode, "an object")
	if s.stopped {
		return
	}
	want("spec.selector", s.get("spec", "selector"), yaml.MappingNode, "a map of labels")
	want("spec.sessionAffinityConfig", s.get("spec", "sessionAffinityConfig"), yaml.MappingNode, "an object")
	want("spec.ports", s.get("spec", "ports"), yaml.SequenceNode, "a list of ports")
	for i, p := range s.ports() {
		want(portItemPath(i), p, yaml.MappingNode, "a port object")
		for _, field := range []string{"port", "nodePort"} {
			if v := node.Get(p, field); !node.IsNull(v) && (v.Kind != yaml.ScalarNode || v.Tag != yaml.NodeTagInt) {
				s.errorf(portPath(i, field), "must be an integer, got %s", node.Describe(v))
				s.stopped = true
			}
		}
	}
}

// aliasPath returns the path of the first anchor, alias or merge key below n, or "".
func aliasPath(n *yaml.Node, path string) string {
	return find(n, path, func(n *yaml.Node, path string) string {
		if n.Kind == yaml.AliasNode || n.Anchor != "" {
			return path
		}
		for _, f := range node.Fields(n) {
			if f.Key == "<<" {
				return join(path, f.Key)
			}
		}
		return ""
	})
}

// duplicatePath returns the path of the first key that appears twice in one map below n, or "".
func duplicatePath(n *yaml.Node, path string) string {
	return find(n, path, func(n *yaml.Node, path string) string {
		seen := map[string]bool{}
		for _, f := range node.Fields(n) {
			if seen[f.Key] {
				return join(path, f.Key)
			}
			seen[f.Key] = true
		}
		return ""
	})
}

// find walks the tree below n depth first and returns the first path check reports.
func find(n *yaml.Node, path string, check func(n *yaml.Node, path string) string) string {
	if p := check(n, path); p != "" {
		return p
	}
	for i, child := range n.Content {
		childPath := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case n.Kind == yaml.MappingNode && i%2 == 0:
			continue // a key
		case n.Kind == yaml.MappingNode:
			childPath = join(path, n.Content[i-1].Value)
		case n.Kind != yaml.SequenceNode:
			continue
		}
		if p := find(child, childPath, check); p != "" {
			return p
		}
	}
	return ""
}

func join(path, key string) string { return strings.TrimPrefix(path+"."+key, ".") }
