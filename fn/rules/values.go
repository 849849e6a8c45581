package rules

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkValueTypes reports annotation and label values that are not strings. The API server
// rejects them (`cannot unmarshal number into ... of type string`, kubernetes-sigs/kustomize#2472),
// and an unquoted `1800` is the usual way a persistence timeout gets lost.
func checkValueTypes(s *service) {
	for _, m := range []string{"annotations", "labels"} {
		values := s.get("metadata", m)
		if node.IsNull(values) {
			continue
		}
		if values.Kind != yaml.MappingNode {
			s.errorf("metadata."+m, "must be a map of strings, got %s", node.Describe(values))
			continue
		}
		for _, f := range node.Fields(values) {
			if f.Value.Kind != yaml.ScalarNode || f.Value.Tag != yaml.NodeTagString {
				s.errorf("metadata."+m+"["+f.Key+"]", "value must be a string, got %s; quote it: %q", node.Describe(f.Value), f.Value.Value)
			}
		}
	}
}

// applyOverrides lets a Service's own annotations set its timeouts, validated like the config.
func applyOverrides(s *service) {
	cfg, errs := s.cfg.ForService(s.annotation)
	for _, e := range errs {
		s.errorf(e.Path, "%s", e.Msg)
	}
	s.cfg = cfg
}
