package rules

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkShape stops on a Service whose structure is not what the API defines, so no later rule
// writes into (and so replaces) a value of the wrong shape.
func checkShape(s *service) {
	if path, dup := node.FirstDuplicate(s.obj); dup != nil {
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
