package rules

import (
	"k8s.io/apimachinery/pkg/util/validation"
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
			path := "metadata." + m + "[" + f.Key + "]"
			switch {
			case f.Value.Kind != yaml.ScalarNode || f.Value.Tag != yaml.NodeTagString:
				s.errorf(path, "value must be a string, got %s; quote it: %q", node.Describe(f.Value), f.Value.Value)
			case m == "labels":
				checkLabel(s, path, f.Key, f.Value.Value)
			}
		}
	}
}

// checkLabel applies the API server's label rules (ValidateLabels in apimachinery), which reject
// the Service otherwise.
func checkLabel(s *service, path, key, value string) {
	for _, msg := range validation.IsQualifiedName(key) {
		s.errorf(path, "invalid label key: %s", msg)
	}
	for _, msg := range validation.IsValidLabelValue(value) {
		s.errorf(path, "invalid label value %q: %s", value, msg)
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
