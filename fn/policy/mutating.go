package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// The MutatingAdmissionPolicy: the function's mutate mode at admission, for Services that reach
// the cluster without a render step. It shares the validating policy's match conditions and
// variables (selector, provider inference, per-Service overrides), so both judge the same
// Service the same way, and sets only what the function sets.
//
// Mutations are JSON patches, not ApplyConfigurations: each patch is computed from the Service
// and is empty when the field is already right, so a field the user set and the function would
// keep is never written, and a legacy annotation can be removed (an ApplyConfiguration can only
// add or overwrite).
//
// Ordering: the API server runs every mutating admission (webhooks and policies) before any
// validating admission, so the ValidatingAdmissionPolicy always judges the mutated object.
// reinvocationPolicy IfNeeded runs the policy again when a later mutating webhook or policy
// changes the Service (say, a cloud's own webhook setting sessionAffinity: None); every patch
// here is idempotent, so a second run changes nothing.

// Mutation is a MutatingAdmissionPolicy mutation (admissionregistration.k8s.io/v1).
type Mutation struct {
	PatchType string     `yaml:"patchType"`
	JSONPatch *JSONPatch `yaml:"jsonPatch,omitempty"`
}

// JSONPatch is a CEL expression that returns a list of JSONPatch operations.
type JSONPatch struct {
	Expression string `yaml:"expression"`
}

// MutatingPolicySpec is a MutatingAdmissionPolicySpec.
type MutatingPolicySpec struct {
	FailurePolicy      string     `yaml:"failurePolicy"`
	MatchConstraints   Match      `yaml:"matchConstraints"`
	MatchConditions    []Named    `yaml:"matchConditions,omitempty"`
	Variables          []Named    `yaml:"variables,omitempty"`
	Mutations          []Mutation `yaml:"mutations"`
	ReinvocationPolicy string     `yaml:"reinvocationPolicy"`
}

// MutatingBindingSpec is a MutatingAdmissionPolicyBindingSpec.
type MutatingBindingSpec struct {
	PolicyName     string          `yaml:"policyName"`
	MatchResources *MatchResources `yaml:"matchResources,omitempty"`
}

// MutatingLimits are what the function repairs and the mutating policy cannot; the validating
// policy denies each with the fix in its message.
var MutatingLimits = []string{
	"affinity keys under spec.selector (sessionAffinity, timeoutSeconds, externalTrafficPolicy, ...): the API server decodes them as selector labels (an object there is refused before admission); the policy does not move them, and the validating policy denies the Service naming where each key belongs",
	"an existing JSON annotation (Huawei's session-affinity-option) is not rewritten: CEL cannot parse JSON; when it lacks the wanted field the validating policy denies the Service with the value to write",
	"a Service the function refuses (an error: conflicting provider signals, an invalid override, a layer-7 listener, ...) is not repaired: the validating policy denies it with the function's message",
}

// patchRule is one mutation: when guard holds, the JSON patch operations ops (a CEL list), else
// nothing. name says which rule of the function it mirrors, for tests and review.
type patchRule struct {
	name  string
	guard string
	ops   string
}

func (r patchRule) mutation() Mutation {
	return Mutation{PatchType: "JSONPatch", JSONPatch: &JSONPatch{Expression: fmt.Sprintf("!(%s) ? [] :\n%s", r.guard, r.ops)}}
}

// pointer escapes a key for a JSON pointer (RFC 6901).
func pointer(key string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
}

// op is the CEL of one JSONPatch operation.
func op(kind, path, value string) string {
	if value == "" {
		return fmt.Sprintf("JSONPatch{op: %q, path: %s}", kind, path)
	}
	return fmt.Sprintf("JSONPatch{op: %q, path: %s, value: %s}", kind, path, value)
}

// setAnnotation is the CEL list that sets annotation key to the CEL string value, creating
// metadata.annotations when the Service has none.
func setAnnotation(key, value string) string {
	return fmt.Sprintf("[has(object.metadata.annotations) ? %s : %s]",
		op("add", q("/metadata/annotations/"+pointer(key)), value),
		op("add", q("/metadata/annotations"), fmt.Sprintf("{%s: %s}", q(key), value)))
}

// varName names a variable of the mutating policy that holds what for p.
func varName(what string, p *provider.Profile) string {
	return what + "_" + strings.ReplaceAll(p.Name, "-", "_")
}

// mutatingVariables are the variables the patches share beside the validating policy's: each
// wanted value computed once per request.
func (g *generator) mutatingVariables() []Named {
	vars := []Named{{"wantedTimeout", g.wantedTimeout()}}
	for _, p := range profiles() {
		for _, set := range p.Annotations {
			switch {
			case set.Format == provider.Plain && set.Persistence:
				vars = append(vars, Named{varName("persistence", p), g.wantedPersistence(p, annotation(p, set.Key))})
			case set.Format == provider.ListItems:
				vars = append(vars, mergedItems(p, set)...)
			}
		}
	}
	return vars
}

// resolvedGuard: the Service is one the function rewrites (proxied), and its provider is known
// (no conflicting signals, no contradiction); otherwise the function refuses it and the
// validating policy denies it, so the mutating policy leaves it alone.
const resolvedGuard = "variables.proxied && size(variables.signals) <= 1 && variables.agrees"

// mutations lists the patch rules in the function's order: the type first (a promoted Service
// gets the load balancer's rules), then affinity, traffic policy and each provider's annotations.
func (g *generator) mutations() []patchRule {
	var rs []patchRule
	if g.cfg.PromoteToLoadBalancer {
		rs = append(rs, g.promote()...)
	}
	rs = append(rs, g.clientIPAffinity(), g.clientIPTimeout(), g.localTraffic())
	for _, p := range profiles() {
		rs = append(rs, g.providerAnnotations(p)...)
	}
	return rs
}

// promote is rules' checkClusterIP with promoteToLoadBalancer: type LoadBalancer, and the
// controller's class where the controller handles only a class.
func (g *generator) promote() []patchRule {
	var rs []patchRule
	for _, p := range profiles() {
		c := p.Controller
		if c == nil || slices.Contains(c.Classes, "") {
			continue
		}
		rs = append(rs, patchRule{
			name:  "promoted Service's loadBalancerClass for " + p.Name,
			guard: fmt.Sprintf(`%s && variables.promoted && variables.provider == %s && variables.class == ""`, resolvedGuard, q(p.Name)),
			ops:   "[" + op("add", q("/spec/loadBalancerClass"), q(c.Classes[0])) + "]",
		})
	}
	// The type last: once it is LoadBalancer, variables.promoted no longer holds.
	return append(rs, patchRule{
		name:  "promote to LoadBalancer",
		guard: resolvedGuard + " && variables.promoted",
		// The API server defaults allocateLoadBalancerNodePorts for a LoadBalancer at decoding,
		// before admission; a Service that becomes one here needs it written.
		ops: fmt.Sprintf("[%s] + (has(object.spec.allocateLoadBalancerNodePorts) ? [] : [%s])",
			op("add", q("/spec/type"), q("LoadBalancer")), op("add", q("/spec/allocateLoadBalancerNodePorts"), "true")),
	})
}

// clientIPAffinity is rules' setAffinity, first half: None (the API server's default) breaks
// stickiness, so anything but ClientIP is replaced.
func (g *generator) clientIPAffinity() patchRule {
	return patchRule{
		name:  "sessionAffinity ClientIP",
		guard: resolvedGuard + ` && !variables.affinityBypassed && object.spec.?sessionAffinity.orValue("") != "ClientIP"`,
		ops:   "[" + op("add", q("/spec/sessionAffinity"), q("ClientIP")) + "]",
	}
}

// wantedTimeout is the CEL of the client-IP timeout the Service should have: the per-Service
// override; else the config's when it names the key; else the Service's own valid value (the
// API server has already filled in 10800 when ClientIP came without one); else the config's.
func (g *generator) wantedTimeout() string {
	override := fmt.Sprintf("%s[?%s].orValue(\"\")", ann, q(config.ClientIPTimeoutAnnotation))
	cur := `object.spec.?sessionAffinityConfig.?clientIP.?timeoutSeconds`
	own := fmt.Sprintf(`%s.orValue(0) >= %d && %s.orValue(0) <= %d ? %s.orValue(0) : %d`,
		cur, config.ClientIPTimeout.Min, cur, config.ClientIPTimeout.Max, cur, g.cfg.ClientIPTimeoutSeconds)
	if g.cfg.Sources.ClientIPTimeout == config.FromConfig { // the user's word: config.Sources
		own = fmt.Sprint(g.cfg.ClientIPTimeoutSeconds)
	}
	return fmt.Sprintf("%s ? variables.clientIPTimeout : (%s)", intInRange(override, config.ClientIPTimeout), own)
}

// clientIPTimeout is rules' setAffinity, second half: the timeout, written at the deepest part
// of sessionAffinityConfig.clientIP.timeoutSeconds that exists.
func (g *generator) clientIPTimeout() patchRule {
	want := "variables.wantedTimeout"
	return patchRule{
		name:  "sessionAffinityConfig.clientIP.timeoutSeconds",
		guard: fmt.Sprintf(`%s && !variables.affinityBypassed && object.spec.?sessionAffinityConfig.?clientIP.?timeoutSeconds.orValue(0) != (%s)`, resolvedGuard, want),
		ops: fmt.Sprintf("[has(object.spec.sessionAffinityConfig) && has(object.spec.sessionAffinityConfig.clientIP) ? %s : has(object.spec.sessionAffinityConfig) ? %s : %s]",
			op("add", q("/spec/sessionAffinityConfig/clientIP/timeoutSeconds"), want),
			op("add", q("/spec/sessionAffinityConfig/clientIP"), fmt.Sprintf(`{"timeoutSeconds": %s}`, want)),
			op("add", q("/spec/sessionAffinityConfig"), fmt.Sprintf(`{"clientIP": {"timeoutSeconds": %s}}`, want))),
	}
}

// localTraffic is rules' setTrafficPolicy: Cluster (the API server's default) SNATs the client
// IP away, so a NodePort or LoadBalancer Service not bypassed gets Local.
func (g *generator) localTraffic() patchRule {
	return patchRule{
		name:  "externalTrafficPolicy Local",
		guard: resolvedGuard + ` && (variables.type == "NodePort" || variables.lbType) && !variables.bypassed && object.spec.?externalTrafficPolicy.orValue("") != "Local"`,
		ops:   "[" + op("add", q("/spec/externalTrafficPolicy"), q("Local")) + "]",
	}
}

// providerAnnotations are rules' setProviderAnnotation and setScheduler for the LoadBalancer
// Services whose provider is p.
func (g *generator) providerAnnotations(p *provider.Profile) []patchRule {
	guard := fmt.Sprintf(`%s && variables.lbType && variables.provider == %s`, resolvedGuard, q(p.Name))
	var rs []patchRule
	for _, set := range p.Annotations {
		rs = append(rs, g.setRule(p, guard, set)...)
	}
	if sch := p.Scheduler; sch != nil && sch.Want != "" {
		rs = append(rs, patchRule{
			name:  p.Name + " scheduler",
			guard: guard + " && !variables.bypassed && !" + annotation(p, sch.Key) + ".hasValue()",
			ops:   setAnnotation(sch.Key, q(sch.Want)),
		})
	}
	return rs
}

// setRule writes one annotation of p's profile and removes its legacy spellings.
func (g *generator) setRule(p *provider.Profile, guard string, set provider.Set) []patchRule {
	var rs []patchRule
	switch set.Format {
	case provider.Plain:
		want := q(set.Value)
		if set.Persistence {
			want = "variables." + varName("persistence", p)
		}
		rs = append(rs, patchRule{
			name:  p.Name + " " + set.Key,
			guard: fmt.Sprintf("%s && %s[?%s].orValue(\"\") != (%s)", guard, ann, q(set.Key), want),
			ops:   setAnnotation(set.Key, want),
		})
	case provider.JSONField:
		// Only a missing annotation is written; an existing one is the validating policy's.
		want := g.persistenceInUnit(p)
		rs = append(rs, patchRule{
			name:  p.Name + " " + set.Key,
			guard: fmt.Sprintf("%s && !(%s in %s)", guard, q(set.Key), ann),
			ops:   setAnnotation(set.Key, fmt.Sprintf(`"{\"%s\":\"" + %s + "\"}"`, set.Field, want)),
		})
	case provider.ListItems:
		rs = append(rs, g.mergeItemsRule(p, guard, set))
	}
	for _, legacy := range p.Aliases(set.Key)[1:] {
		rs = append(rs, patchRule{
			name:  p.Name + " legacy " + legacy,
			guard: fmt.Sprintf("%s && %s in %s", guard, q(legacy), ann),
			ops:   "[" + op("remove", q("/metadata/annotations/"+pointer(legacy)), "") + "]",
		})
	}
	return rs
}

// wantedPersistence is the CEL string of p's persistence timeout, in p's unit: the override
// annotation (variables.persistenceSeconds); else the config's when it names the key; else the
// Service's own value under any of the key's spellings when p allows it; else the config's.
func (g *generator) wantedPersistence(p *provider.Profile, cur string) string {
	per := p.Persistence
	configured := g.persistenceInUnit(p)
	if g.cfg.Sources.PersistenceTimeout == config.FromConfig {
		return configured
	}
	v := cur + `.orValue("")`
	valid := fmt.Sprintf("%s.matches(%s) && int(%s) >= %d && int(%s) <= %d", v, q(intPattern), v, per.Range.Min, v, per.Range.Max)
	return fmt.Sprintf("!(%s in %s) && %s ? string(int(%s)) : %s", q(config.PersistenceTimeoutAnnotation), ann, valid, v, configured)
}

// mergeItemsRule is rules' mergeListItems in CEL: items with a wanted key get the wanted value,
// missing ones are appended, the others stay in place. A list with an item that is not
// key=value is the function's error, and is left to the validating policy.
func (g *generator) mergeItemsRule(p *provider.Profile, guard string, set provider.Set) patchRule {
	items, merged := "variables."+varName("items", p), "variables."+varName("merged", p)
	return patchRule{
		name:  p.Name + " " + set.Key,
		guard: fmt.Sprintf(`%s && %s.all(i, i.indexOf("=") > 0) && %s != %s.join(",")`, guard, items, merged, items),
		ops:   setAnnotation(set.Key, merged),
	}
}

// mergedItems are the variables of mergeItemsRule: the list's items, trimmed, and the merged list.
func mergedItems(p *provider.Profile, set provider.Set) []Named {
	at := fmt.Sprintf("%s[?%s].orValue(\"\")", ann, q(set.Key))
	itemsExpr := fmt.Sprintf(`%s.trim() == "" ? [] : %s.split(",").map(i, i.trim())`, at, at)
	items := "variables." + varName("items", p)
	keyOf := `(i.indexOf("=") > 0 ? i.substring(0, i.indexOf("=")).trim() : i)`
	mapped := "i"
	var appended []string
	for _, w := range slices.Backward(set.Items) {
		k, _, _ := strings.Cut(w, "=")
		mapped = fmt.Sprintf("%s == %s ? %s : %s", keyOf, q(k), q(w), mapped)
	}
	for _, w := range set.Items {
		k, _, _ := strings.Cut(w, "=")
		appended = append(appended, fmt.Sprintf("(%s.exists(i, %s == %s) ? [] : [%s])", items, keyOf, q(k), q(w)))
	}
	merged := fmt.Sprintf("(%s.map(i, %s) + %s).join(\",\")", items, mapped, strings.Join(appended, " + "))
	return []Named{{varName("items", p), itemsExpr}, {varName("merged", p), merged}}
}

// BuildMutating returns the MutatingAdmissionPolicy and its binding for cfg, a config the
// function accepted (config.Decode). They carry the validating policy's name, so the pair is
// found together.
func BuildMutating(cfg config.Config, opts Options) (policy, binding Object, err error) {
	name, sel, ns, err := opts.target(cfg)
	if err != nil {
		return Object{}, Object{}, err
	}
	g := &generator{cfg: cfg}
	var mutations []Mutation
	for _, r := range g.mutations() {
		mutations = append(mutations, r.mutation())
	}
	spec := MutatingPolicySpec{
		FailurePolicy:      "Fail",
		MatchConstraints:   servicesMatching(sel),
		MatchConditions:    g.matchConditions(sel),
		Variables:          append(g.variables(), g.mutatingVariables()...),
		Mutations:          mutations,
		ReinvocationPolicy: "IfNeeded",
	}
	labels := managedBy()
	meta := Metadata{
		Name:   name,
		Labels: labels,
		Annotations: map[string]string{
			ConfigAnnotation:      describeConfig(cfg),
			DescriptionAnnotation: "Writes into a CREATE or UPDATE of a core v1 Service what set-session-affinity's mutate mode would write (ClientIP, its timeout, Local, the provider's annotations), keeping values the Service states that keep it sticky. Runs before the ValidatingAdmissionPolicy of the same name, which judges the result. Generated by `set-session-affinity policy`; regenerate it rather than editing it.",
			LimitsAnnotation:      "- " + strings.Join(MutatingLimits, "\n- "),
		},
	}
	policy = Object{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingAdmissionPolicy", Metadata: meta, Spec: spec}
	binding = Object{
		APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingAdmissionPolicyBinding",
		Metadata: Metadata{Name: name, Labels: labels},
		Spec:     MutatingBindingSpec{PolicyName: name, MatchResources: ns},
	}
	return policy, binding, nil
}
