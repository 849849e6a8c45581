package rules

import (
	"fmt"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
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
	class, _ := node.Scalar(node.AsWritten(svc, "spec", "loadBalancerClass"))
	var keys []string
	for _, f := range node.Fields(node.AsWritten(svc, "metadata", "annotations")) {
		keys = append(keys, f.Key)
	}
	found := provider.Find(class, keys)
	if len(found) > 1 {
		return Resolution{ProblemPath: found[0].Path(), Problem: ConflictMessage(found)}
	}
	n, named := nameOf(svc, cfg)
	switch {
	case len(found) == 1 && !named:
		p, _ := provider.Lookup(found[0].Provider)
		return Resolution{Profile: p, Path: found[0].Path(), Why: "from " + found[0].What()}
	case len(found) == 1 && !provider.Agrees(n.profile.Name, found[0]):
		return Resolution{ProblemPath: found[0].Path(), Problem: ContradictionMessage(found[0], n.profile.Name, n.by, n.fix(found[0].Provider))}
	case len(found) == 1:
		return Resolution{Profile: n.profile, Path: found[0].Path(), Why: "from " + n.by + ", agreeing with " + found[0].What()}
	case named:
		return Resolution{Profile: n.profile, Path: n.path, Why: "from " + n.by}
	}
	return Resolution{Profile: cfg.Provider, Assumed: true, Why: fmt.Sprintf(
		"assumed: the Service has no loadBalancerClass or annotation of a known load balancer controller; to choose another, set annotation %s or %s",
		config.ProviderAnnotation, cfg.Origin.Knob("provider", "NAME"))}
}

// naming is a provider named for a Service: by whom, where, and how to follow the Service's own
// signal instead.
type naming struct {
	profile *provider.Profile
	by      string // "annotation session-affinity.kpt.dev/provider", or "the config (provider: aws)"
	path    string // the override annotation's field, "" for the config
	fix     func(implied string) string
}

// nameOf returns the provider the Service's override annotation names (a value that names no
// provider is applyOverrides' error, and ignored here), else the one the config names; false
// under provider auto without an override.
func nameOf(svc *yaml.Node, cfg config.Config) (naming, bool) {
	if v, ok := node.Scalar(node.AsWritten(svc, "metadata", "annotations", config.ProviderAnnotation)); ok {
		if p, err := config.LookupOverride(v); err == nil {
			return naming{profile: p, by: "annotation " + config.ProviderAnnotation, path: node.AnnotationPath(config.ProviderAnnotation),
				fix: func(implied string) string {
					return "remove annotation " + config.ProviderAnnotation + ", or set it to " + implied
				}}, true
		}
	}
	if cfg.ProviderAuto {
		return naming{}, false
	}
	return naming{profile: cfg.Provider, by: "the config (" + cfg.Origin.Knob("provider", cfg.Provider.Name) + ")",
		fix: func(implied string) string {
			return "set " + cfg.Origin.Knob("provider", provider.Auto) + ", or annotation " + config.ProviderAnnotation + ": " + implied + " on this Service"
		}}, true
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
	if r.Assumed {
		s.assumed = len(s.findings)
	}
	return r.Profile
}

// warnAssumedProvider: a provider nothing named is a guess. Once the run writes that provider's
// own annotations, the guess is in the output, so saying it is a warning, which every runner shows
// (kustomize and plain runs print warnings, not info); while only Kubernetes fields change, it
// stays info.
func warnAssumedProvider(s *service) {
	if s.assumed == 0 || hasError(s.findings) {
		return // a Service with an error is left as it was: no guess reaches the output
	}
	for _, f := range s.findings {
		key, ok := strings.CutPrefix(f.Path, "metadata.annotations[")
		if f.Change != nil && ok && s.profile().OwnsAnnotation(strings.TrimSuffix(key, "]")) {
			s.findings[s.assumed-1].Severity = fn.Warning
			return
		}
	}
}
