package policy

import (
	"bytes"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

// DefaultName names the policy and its binding unless Options says otherwise.
const DefaultName = "set-session-affinity"

// Validation actions a binding may take (admissionregistration.k8s.io/v1 ValidationAction).
const (
	Deny  = "Deny"
	Warn  = "Warn"
	Audit = "Audit"
)

// Options are what the policy needs beyond the function's config.
type Options struct {
	// Name of the policy and the binding; DefaultName when empty.
	Name string
	// ValidationActions of the binding; [Deny] when empty.
	ValidationActions []string
	// NamespaceSelector limits both bindings to the namespaces it selects (kubectl syntax);
	// nil selects every namespace.
	NamespaceSelector labels.Selector
}

// Annotations the policy carries about itself.
const (
	// ConfigAnnotation records the config the policy was built from, as flags.
	ConfigAnnotation = "session-affinity.kpt.dev/config"
	// DescriptionAnnotation says what the policy checks.
	DescriptionAnnotation = "session-affinity.kpt.dev/description"
	// LimitsAnnotation lists what the function checks that the policy cannot (see Limits).
	LimitsAnnotation = "session-affinity.kpt.dev/not-checked-at-admission"
)

// Limits are the function's rules that CEL at admission cannot express, each with the reason.
// docs/admission.md repeats them; the proof test in validator/ counts each case it
// meets.
var Limits = []string{
	"YAML as written: anchors, aliases and merge keys, keys given twice, unquoted YAML 1.1 booleans; the API server decodes the manifest before admission, so the policy sees only the resulting object (the server refuses keys given twice and booleans where strings belong on its own)",
	"fields set to a zero value (nodePort: 0, healthCheckNodePort: 0, loadBalancerIP: \"\", an empty list): the API server drops them before admission, so the policy does not see them",
	"a JSON annotation (Huawei's session-affinity-option) is read as a flat JSON object with string, number, boolean or null values; a nested one is refused at admission although the function reads it, and a number in exponent form (1.5e1) or a string with escapes is not read as the number it is",
	"affinity keys beside spec (not under it): the API server's strict field validation refuses them before admission",
}

// Object is a Kubernetes object as the policy and binding need it.
type Object struct {
	APIVersion string   `yaml:"apiVersion"`
	Kind       string   `yaml:"kind"`
	Metadata   Metadata `yaml:"metadata"`
	Spec       any      `yaml:"spec"`
}

// Metadata is the objects' metadata.
type Metadata struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

// PolicySpec is a ValidatingAdmissionPolicySpec.
type PolicySpec struct {
	FailurePolicy    string       `yaml:"failurePolicy"`
	MatchConstraints Match        `yaml:"matchConstraints"`
	MatchConditions  []Named      `yaml:"matchConditions,omitempty"`
	Variables        []Named      `yaml:"variables,omitempty"`
	Validations      []Validation `yaml:"validations"`
}

// Match is a MatchResources.
type Match struct {
	ObjectSelector *LabelSelector `yaml:"objectSelector"`
	ResourceRules  []ResourceRule `yaml:"resourceRules"`
}

// ResourceRule is a NamedRuleWithOperations.
type ResourceRule struct {
	APIGroups   []string `yaml:"apiGroups"`
	APIVersions []string `yaml:"apiVersions"`
	Operations  []string `yaml:"operations"`
	Resources   []string `yaml:"resources"`
}

// Named is a MatchCondition or a Variable: a name and a CEL expression.
type Named struct {
	Name       string `yaml:"name"`
	Expression string `yaml:"expression"`
}

// Validation is one CEL rule with its message.
type Validation struct {
	Expression        string `yaml:"expression"`
	Message           string `yaml:"message"`
	MessageExpression string `yaml:"messageExpression,omitempty"`
	Reason            string `yaml:"reason,omitempty"`
}

// BindingSpec is a ValidatingAdmissionPolicyBindingSpec.
type BindingSpec struct {
	PolicyName        string          `yaml:"policyName"`
	ValidationActions []string        `yaml:"validationActions"`
	MatchResources    *MatchResources `yaml:"matchResources,omitempty"`
}

// MatchResources is a binding's MatchResources: here only the namespaces.
type MatchResources struct {
	NamespaceSelector *LabelSelector `yaml:"namespaceSelector,omitempty"`
}

// target is what both policies and their bindings share: their name, the Services they select
// (the config's selector) and the namespaces they apply in.
func (opts Options) target(cfg config.Config) (name string, sel selector, ns *MatchResources, err error) {
	name = opts.Name
	if name == "" {
		name = DefaultName
	}
	if sel, err = selectorOf(cfg.Selector); err != nil {
		return "", selector{}, nil, err
	}
	if ns, err = namespaceSelector(opts.NamespaceSelector); err != nil {
		return "", selector{}, nil, err
	}
	return name, sel, ns, nil
}

// servicesMatching is what both policies match: a CREATE or UPDATE of a core v1 Service the
// selector selects.
func servicesMatching(sel selector) Match {
	return Match{
		ObjectSelector: sel.labelSelector,
		ResourceRules: []ResourceRule{{
			APIGroups: []string{""}, APIVersions: []string{"v1"},
			Operations: []string{"CREATE", "UPDATE"}, Resources: []string{"services"},
		}},
	}
}

// managedBy labels every object the policy command prints.
func managedBy() map[string]string {
	return map[string]string{"app.kubernetes.io/managed-by": "set-session-affinity"}
}

// Build returns the ValidatingAdmissionPolicy and its binding for cfg, a config the function
// accepted (config.Decode). The policy admits a Service exactly when the function's validate mode
// passes it or does not select it, except for Limits.
func Build(cfg config.Config, opts Options) (policy, binding Object, err error) {
	actions, err := validationActions(opts.ValidationActions)
	if err != nil {
		return Object{}, Object{}, err
	}
	name, sel, ns, err := opts.target(cfg)
	if err != nil {
		return Object{}, Object{}, err
	}
	g := &generator{cfg: cfg}
	spec := PolicySpec{
		FailurePolicy:    "Fail",
		MatchConstraints: servicesMatching(sel),
		MatchConditions:  g.matchConditions(sel),
		Variables:        g.variables(),
		Validations:      g.validations(),
	}
	meta := Metadata{
		Name:   name,
		Labels: managedBy(),
		Annotations: map[string]string{
			ConfigAnnotation:      describeConfig(cfg),
			DescriptionAnnotation: "Denies a CREATE or UPDATE of a core v1 Service that set-session-affinity's validate mode would fail, with the same selector, provider profiles, timeouts and messages. Generated by `set-session-affinity policy`; regenerate it rather than editing it.",
			LimitsAnnotation:      "- " + strings.Join(Limits, "\n- "),
		},
	}
	policy = Object{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicy", Metadata: meta, Spec: spec}
	binding = Object{
		APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingAdmissionPolicyBinding",
		Metadata: Metadata{Name: name, Labels: meta.Labels},
		Spec:     BindingSpec{PolicyName: name, ValidationActions: actions, MatchResources: ns},
	}
	return policy, binding, nil
}

// validationActions checks the binding's actions: Deny, Warn or Audit, each once, and not Deny
// with Warn (the API server refuses that pair).
func validationActions(in []string) ([]string, error) {
	if len(in) == 0 {
		return []string{Deny}, nil
	}
	seen := map[string]bool{}
	var out []string
	for _, a := range in {
		canonical := ""
		for _, known := range []string{Deny, Warn, Audit} {
			if strings.EqualFold(a, known) {
				canonical = known
			}
		}
		if canonical == "" {
			return nil, fmt.Errorf("validation action %q is not allowed; allowed %s, %s, %s", a, Deny, Warn, Audit)
		}
		if seen[canonical] {
			return nil, fmt.Errorf("validation action %s is given twice", canonical)
		}
		seen[canonical] = true
		out = append(out, canonical)
	}
	if seen[Deny] && seen[Warn] {
		return nil, fmt.Errorf("validation actions %s and %s together are refused by the API server (a denied request needs no warning); use %s,%s or %s,%s", Deny, Warn, Deny, Audit, Warn, Audit)
	}
	return out, nil
}

// describeConfig writes the config as the flags that rebuild the policy. A timeout the config
// leaves to its default is left out: given as a flag it would replace the Services' own values.
func describeConfig(cfg config.Config) string {
	parts := []string{
		fmt.Sprintf("--selector %q", cfg.Selector.String()),
		"--provider " + cfg.ProviderName(),
	}
	if cfg.Sources.ClientIPTimeout == config.FromConfig {
		parts = append(parts, fmt.Sprintf("--client-ip-timeout-seconds %d", cfg.ClientIPTimeoutSeconds))
	}
	if (cfg.ProviderAuto || cfg.Provider.Persistence != nil) && cfg.Sources.PersistenceTimeout == config.FromConfig {
		parts = append(parts, fmt.Sprintf("--persistence-timeout-seconds %d", cfg.PersistenceTimeoutSeconds))
	}
	if cfg.PromoteToLoadBalancer {
		parts = append(parts, "--promote-to-load-balancer")
	}
	return strings.Join(parts, " ")
}

// Render writes policies and bindings as YAML documents, with a comment that says how they were
// made.
func Render(objs ...Object) ([]byte, error) {
	var b bytes.Buffer
	if len(objs) == 0 {
		return nil, nil
	}
	fmt.Fprintf(&b, "# Generated by `set-session-affinity policy %s`.\n", objs[0].Metadata.Annotations[ConfigAnnotation])
	for _, obj := range objs {
		switch obj.Kind {
		case "MutatingAdmissionPolicy":
			b.WriteString("# The MutatingAdmissionPolicy writes into a core v1 Service what `set-session-affinity` would write\n# (mutating admission runs first); see its " + LimitsAnnotation + " annotation for what only\n# the function repairs.\n")
		case "ValidatingAdmissionPolicy":
			b.WriteString("# Admits a core v1 Service exactly when `set-session-affinity --mode validate` passes it (or does\n# not select it); see the " + LimitsAnnotation + " annotation for what only the function checks.\n")
		}
	}
	for i, obj := range objs {
		if i > 0 {
			b.WriteString("---\n")
		}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(obj); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}
