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
	checkBoolean(s, "spec.allocateLoadBalancerNodePorts", s.get("spec", "allocateLoadBalancerNodePorts"))
	for i, p := range s.ports() {
		want(portItemPath(i), p, yaml.MappingNode, "a port object")
		for _, field := range []string{"port", "nodePort"} {
			if v := node.AsWritten(p, field); !node.IsNull(v) && (v.Kind != yaml.ScalarNode || v.Tag != yaml.NodeTagInt) {
				s.errorf(portPath(i, field), "must be an integer, got %s", node.Describe(v))
				s.stopped = true
			}
		}
	}
}

// duplicatePath returns the path of the first key that appears twice in one map below n, or "".
func duplicatePath(n *yaml.Node, path string) string {
	return find(n, path, func(n *yaml.Node) (string, bool) {
		seen := map[string]bool{}
		for _, f := range node.Fields(n) {
			if seen[f.Key] {
				return f.Key, true
			}
			seen[f.Key] = true
		}
		return "", false
	})
}

// find walks the tree below n depth first and returns the path of the first node that check
// reports (with the key it names inside that node, if any). The path is only spelled out for a
// find: this walk runs over every node of every selected Service.
func find(n *yaml.Node, path string, check func(n *yaml.Node) (key string, found bool)) string {
	steps, found := walk(n, check)
	if !found {
		return ""
	}
	for i := len(steps) - 1; i >= 0; i-- {
		path = steps[i](path)
	}
	return path
}

// walk returns, innermost first, the steps from n down to the node check reports.
func walk(n *yaml.Node, check func(n *yaml.Node) (string, bool)) ([]func(string) string, bool) {
	if key, found := check(n); found {
		if key == "" {
			return nil, true
		}
		return []func(string) string{func(p string) string { return join(p, key) }}, true
	}
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return nil, false
	}
	for i, child := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			continue // a key
		}
		steps, found := walk(child, check)
		if !found {
			continue
		}
		if n.Kind == yaml.MappingNode {
			key := n.Content[i-1].Value
			return append(steps, func(p string) string { return join(p, key) }), true
		}
		return append(steps, func(p string) string { return fmt.Sprintf("%s[%d]", p, i) }), true
	}
	return nil, false
}

func join(path, key string) string { return strings.TrimPrefix(path+"."+key, ".") }

// checkBoolean reports a value at path that is not a boolean to yaml.v3. A quoted "false" is a
// string, which the API server's decoder refuses for a bool field; a plain no, off or yes is a
// string to yaml.v3 but a boolean to YAML 1.1 parsers, the API server's among them, so the rules
// and the server would read it differently: either way the value must be written true or false.
func checkBoolean(s *service, path string, v *yaml.Node) {
	if _, ok := node.Bool(v); ok || node.IsNull(v) {
		return
	}
	if v.Kind == yaml.ScalarNode && v.Style == 0 && yaml.IsYaml1_1NonString(v) {
		s.errorf(path, "%s is a boolean to YAML 1.1 parsers, the API server's among them, but a string to yaml.v3, which this function reads; write true or false", v.Value)
		return
	}
	s.errorf(path, "must be a boolean (true or false), got %s, so the API server rejects the Service", node.Describe(v))
}
