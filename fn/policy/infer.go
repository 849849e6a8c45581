package policy

import (
	"fmt"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/fn/rules"
)

// The provider inference of rules.ResolveProvider, in CEL: the signals each family has on the
// Service (provider.Find), the provider named by the override annotation or the config, and the
// provider the Service resolves to. Each signal is a list [what, provider, field path, kind], kind
// "class" or "annotation", as provider.Evidence describes it.

// familyVar names the variable that holds the sorted annotation keys of one family's prefixes.
func familyVar(family string) string {
	return "signals_" + strings.NewReplacer("-", "_", ".", "_").Replace(family)
}

// inferenceVariables declares, after annotations and class: each family's keys, the signals, the
// override, the named provider and the provider.
func (g *generator) inferenceVariables() []Named {
	var vars []Named
	var each []string
	for _, family := range provider.Families() {
		var starts []string
		classes := map[string]string{}
		var classList []string
		prefixProvider := ""
		for _, s := range provider.Signals {
			switch {
			case s.Family != family:
			case s.Class != "":
				classes[s.Class] = s.Provider
				classList = append(classList, fmt.Sprintf("%s: %s", q(s.Class), q(s.Provider)))
			default:
				starts = append(starts, fmt.Sprintf("k.startsWith(%s)", q(s.Prefix)))
				prefixProvider = s.Provider
			}
		}
		keys := "variables." + familyVar(family)
		byAnnotation := "[]"
		if len(starts) > 0 {
			vars = append(vars, Named{familyVar(family), fmt.Sprintf("%s.filter(k, %s).sort()", ann, strings.Join(starts, " || "))})
			byAnnotation = fmt.Sprintf(`(size(%s) > 0 ? [["annotation " + %s[0], %s, "metadata.annotations[" + %s[0] + "]", "annotation"]] : [])`,
				keys, keys, q(prefixProvider), keys)
		}
		e := byAnnotation
		if len(classList) > 0 {
			m := "{" + strings.Join(classList, ", ") + "}"
			e = fmt.Sprintf(`(variables.class in %s ? [["loadBalancerClass " + variables.class, %s[variables.class], "spec.loadBalancerClass", "class"]] : %s)`, m, m, byAnnotation)
		}
		each = append(each, e)
	}
	names := provider.Names()
	var families []string
	for _, name := range names {
		families = append(families, fmt.Sprintf("%s: %s", q(name), q(provider.FamilyOf(name))))
	}
	configNamed := `""`
	if !g.cfg.ProviderAuto {
		configNamed = q(g.cfg.Provider.Name)
	}
	return append(vars,
		Named{"signals", strings.Join(each, " +\n")},
		// rules' applyOverrides: an override naming no provider is an error of its own, and ignored here.
		Named{"override", fmt.Sprintf(`%s[?%s].orValue("") in %s ? %s[%s] : ""`,
			ann, q(config.ProviderAnnotation), qlist(names), ann, q(config.ProviderAnnotation))},
		Named{"named", fmt.Sprintf(`variables.override != "" ? variables.override : %s`, configNamed)},
		Named{"families", "{" + strings.Join(families, ", ") + "}"},
		// provider.Agrees: the family of the signal, and its very provider when it is a class.
		Named{"agrees", `size(variables.signals) != 1 || variables.named == "" ||
(variables.families[variables.named] == variables.families[variables.signals[0][1]] &&
 (variables.signals[0][3] == "annotation" || variables.signals[0][1] == variables.named))`},
		Named{"provider", fmt.Sprintf(`variables.named != "" ? variables.named : size(variables.signals) == 1 ? variables.signals[0][1] : %s`,
			q(g.cfg.Provider.Name))},
	)
}

// inference is rules.ResolveProvider's errors: signals of two controllers, and a provider named
// by the override or the config that the Service's signal contradicts. They come first: nothing
// else holds for a Service whose provider is unknown.
func (g *generator) inference() []Validation {
	conflict := rule("", "size(variables.signals) <= 1",
		"metadata.annotations: signals of more than one load balancer controller: "+rules.WhyOneController,
		`variables.signals[0][2] + ": " + variables.signals.map(s, s[0] + " implies provider " + s[1]).join(", ") + "; " + `+q(rules.WhyOneController))
	byConfig, fixConfig := `""`, `""`
	if !g.cfg.ProviderAuto {
		byConfig = q("the config (" + g.cfg.Origin.Knob("provider", g.cfg.Provider.Name) + ")")
		fixConfig = fmt.Sprintf(`%s + variables.signals[0][1] + " on this Service"`,
			q("set "+g.cfg.Origin.Knob("provider", provider.Auto)+", or annotation "+config.ProviderAnnotation+": "))
	}
	byOverride := q("annotation " + config.ProviderAnnotation)
	fixOverride := fmt.Sprintf(`%s + variables.signals[0][1]`, q("remove annotation "+config.ProviderAnnotation+", or set it to "))
	contradiction := rule("", "variables.agrees",
		"metadata.annotations: the provider named by annotation "+config.ProviderAnnotation+" or the config contradicts the Service's own load balancer signal",
		fmt.Sprintf(`variables.signals[0][2] + ": " + variables.signals[0][0] + " implies provider " + variables.signals[0][1] + ", but " + (variables.override != "" ? %s : %s) + " names provider " + variables.named + "; " + (variables.override != "" ? %s : %s)`,
			byOverride, byConfig, fixOverride, fixConfig))
	return []Validation{conflict, contradiction}
}
