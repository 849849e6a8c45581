package rules

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// Resolution is a Service's provider and why, or why it has none.
type Resolution struct {
	Profile *provider.Profile
	// Assumed is true when nothing named the provider: the product's default applies.
	Assumed bool
	// Path and Why name what decided the provider, for the Service's info result.
	Path, Why string
	// Problem, when set, is the error at ProblemPath: the signals contradict each other or the
	// provider named by the config or the override annotation. Profile is then nil.
	Problem, ProblemPath string
}

// ResolveProvider reads the provider of Service svc: its own signals (spec.loadBalancerClass and
// annotation families, provider.Signals) first, then its override annotation, then the config.
// A provider named by the override or the config must agree with the signals; with neither and
// no signal, the config's provider applies, which under provider auto is the assumed default.
func ResolveProvider(svc *yaml.Node, cfg config.Config) Resolution {
	class, _ := node.Scalar(node.Get(svc, "spec", "loadBalancerClass"))
	var keys []string
	for _, f := range node.Fields(node.Get(svc, "metadata", "annotations")) {
		keys = append(keys, f.Key)
	}
	found := provider.Find(class, keys)
	if len(found) > 1 {
		return Resolution{ProblemPath: found[0].Path(), Problem: ConflictMessage(found)}
	}
	var signal *provider.Evidence
	if len(found) == 1 {
		signal = &found[0]
	}
	named, by, fix := cfg.Provider, "", ""
	if v, ok := node.Scalar(node.Get(svc, "metadata", "annotations", config.ProviderAnnotation)); ok {
		if p, err := config.LookupOverride(v); err == nil {
			named, by = p, "annotation "+config.ProviderAnnotation
			fix = "remove annotation " + config.ProviderAnnotation + ", or set it to %s"
		}
	}
	if by == "" && !cfg.ProviderAuto {
		by = "the config (" + cfg.Origin.Knob("provider", cfg.Provider.Name) + ")"
		fix = "set " + cfg.Origin.Knob("provider", provider.Auto) + ", or annotation " + config.ProviderAnnotation + ": %s on this Service"
	}
	switch {
	case signal != nil && by == "":
		p, _ := provider.Lookup(signal.Provider)
		return Resolution{Profile: p, Path: signal.Path(), Why: "from " + signal.What()}
	case signal != nil && !provider.Agrees(named.Name, *signal):
		return Resolution{ProblemPath: signal.Path(), Problem: ContradictionMessage(*signal, named.Name, by, fmt.Sprintf(fix, signal.Provider))}
	case signal != nil:
		return Resolution{Profile: named, Path: signal.Path(), Why: "from " + by + ", agreeing with " + signal.What()}
	case by != "":
		return Resolution{Profile: named, Path: overridePath(by), Why: "from " + by}
	}
	return Resolution{Profile: cfg.Provider, Assumed: true, Why: fmt.Sprintf(
		"assumed: the Service has no loadBalancerClass or annotation of a known load balancer controller; to choose another, set annotation %s or %s",
		config.ProviderAnnotation, cfg.Origin.Knob("provider", "NAME"))}
}

func overridePath(by string) string {
	if strings.HasPrefix(by, "annotation ") {
		return annotationPath(config.ProviderAnnotation)
	}
	return ""
}

// ConflictMessage is the error for signals of more than one load balancer controller.
func ConflictMessage(found []provider.Evidence) string {
	var each []string
	for _, e := range found {
		each = append(each, e.What()+" implies provider "+e.Provider)
	}
	return strings.Join(each, ", ") + "; " + WhyOneController
}

// ContradictionMessage is the error for a provider, named by the override annotation or the
// config (by), that the Service's own signal contradicts.
func ContradictionMessage(e provider.Evidence, name, by, fix string) string {
	return fmt.Sprintf("%s implies provider %s, but %s names provider %s; %s", e.What(), e.Provider, by, name, fix)
}

// resolveProvider returns the Service's provider, with an info result naming it and why; a
// contradiction is an error that stops the rules, and nil.
func resolveProvider(s *service) *provider.Profile {
	r := ResolveProvider(s.obj, s.cfg)
	if r.Problem != "" {
		s.errorf(r.ProblemPath, "%s", r.Problem)
		s.stopped = true
		return nil
	}
	s.infof(r.Path, "provider %s, %s", r.Profile.Name, r.Why)
	return r.Profile
}
