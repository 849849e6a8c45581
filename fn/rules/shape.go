package rules

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkShape stops on a Service whose structure is not what the API defines, so no later rule
// writes into (and so replaces) a value of the wrong shape.
func checkShape(s *service) {
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
	}
}
