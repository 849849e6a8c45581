package rules

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkValueTypes reports annotation and label values that are not strings. The API server
// rejects them (`cannot unmarshal number into ... of type string`, kubernetes-sigs/kustomize#2472),
// and an unquoted `1800` is the usual way a persistence timeout gets lost.
func checkValueTypes(s *service) {
	checkStringMap(s, "metadata.annotations", s.get("metadata", "annotations"), nil, nil)
	checkStringMap(s, "metadata.labels", s.get("metadata", "labels"), nil, checkLabel)
}

// checkSelector holds spec.selector to the same rules as labels: ValidateService runs
// ValidateLabels on it (pkg/apis/core/validation), so a key or value no label may have, or a value
// that is not a string, gets the Service refused. The keys the misplaced-key repair reports are
// left to it.
func checkSelector(s *service) {
	checkStringMap(s, "spec.selector", s.get("spec", "selector"), affinityPlace, checkLabel)
}

// checkStringMap reports the entries of the map at path whose values are not strings, warns of
// null ones, and hands the others to check (when not nil). Keys in skip are another rule's.
func checkStringMap(s *service, path string, values *yaml.Node, skip map[string][]string, check func(s *service, path, key, value string)) {
	if node.IsNull(values) {
		return
	}
	if values.Kind != yaml.MappingNode {
		s.errorf(path, "must be a map of strings, got %s", node.Describe(values))
		return
	}
	for _, f := range node.Fields(values) {
		if _, ok := skip[f.Key]; ok {
			continue
		}
		at := node.PathKey(path, f.Key)
		if node.IsNull(f.Value) {
			// The API server reads null in a map of strings as "" and accepts it
			// (TestAPIClaimsMatchTheServer in validator/), so this is no refusal.
			s.warnf(at, "null is read as \"\" by the API server; write \"\" if an empty value is meant")
			continue
		}
		if err := notAString(f.Value); err != nil {
			s.errorf(at, "%v%s", err, helmAdvice(s))
		} else if check != nil {
			check(s, at, f.Key, f.Value.Value)
		}
	}
}

// notAString says why a label or annotation value would not reach the API server as a string:
// another YAML type, or a plain word that YAML 1.1 parsers, kubectl's among them, read as a
// boolean (on, off, yes, no).
func notAString(v *yaml.Node) error {
	switch {
	case v.Kind != yaml.ScalarNode || v.Tag != yaml.NodeTagString:
		return fmt.Errorf("value must be a string, got %s; quote it: %q", node.Describe(v), v.Value)
	case v.Style == 0 && yaml.IsYaml1_1NonString(v):
		return fmt.Errorf("value %s is read as a boolean by YAML 1.1 parsers such as kubectl's; quote it: %q", v.Value, v.Value)
	}
	return nil
}

// helmAdvice is what a value that is not a string adds for plain YAML input: Helm's --set types a
// value it can parse; --set-string keeps it a string.
func helmAdvice(s *service) string {
	if s.cfg.Origin.Plain {
		return "; from a Helm --set, use --set-string"
	}
	return ""
}

// checkLabel applies the API server's label rules (ValidateLabels in apimachinery), which reject
// the Service otherwise.
func checkLabel(s *service, path, key, value string) {
	for _, msg := range validation.IsQualifiedName(key) {
		s.errorf(path, "invalid label key, so the API server rejects the Service: %s", msg)
	}
	for _, msg := range validation.IsValidLabelValue(value) {
		s.errorf(path, "invalid label value %q, so the API server rejects the Service: %s", value, msg)
	}
}

// applyOverrides gives the Service its provider (resolveProvider), and lets its own annotations
// set its timeouts, validated like the config.
func applyOverrides(s *service) {
	if v, ok := s.annotation(config.ProviderAnnotation); ok {
		if _, err := config.LookupOverride(v); err != nil {
			s.errorf(err.Path, "%s", err.Msg)
		}
	}
	p := resolveProvider(s)
	if p == nil {
		return
	}
	cfg, errs := s.cfg.ForService(p, s.annotation)
	for _, e := range errs {
		s.errorf(e.Path, "%s", e.Msg)
	}
	s.cfg = cfg
}
