package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/fn/rules"
)

// intPattern is what strconv.Atoi (the function's parser for every number in an annotation)
// accepts, and CEL's int() parses, without overflow: a sign, any leading zeros, at most 18 digits.
// A longer number is refused by both (Atoi: out of int range or not in the allowed range).
const intPattern = `^[+-]?0*[0-9]{1,18}$`

// types are the Service types kube-proxy proxies.
var types = []string{"ClusterIP", "NodePort", "LoadBalancer"}

// serviceSpecFields are the fields of core v1 ServiceSpec (Kubernetes 1.37), in the API's order.
// The API server's strict field validation refuses any other before admission, so these are all
// the spec fields a policy can see.
var serviceSpecFields = []string{
	"ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity",
	"loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
	"healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies",
	"ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy",
	"trafficDistribution",
}

type generator struct {
	cfg config.Config
}

// q quotes a CEL string literal (Go's escapes are CEL's).
func q(s string) string { return strconv.Quote(s) }

func qlist(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = q(v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// profiles are every provider profile, in name order: a Service may name its own provider.
func profiles() []*provider.Profile {
	var out []*provider.Profile
	for _, name := range provider.Names() {
		p, _ := provider.Lookup(name)
		out = append(out, p)
	}
	return out
}

const ann = "variables.annotations"

// annotation is the CEL optional of annotation key read as p's controller reads it: the current
// key first, then the legacy ones (provider.Profile.Aliases; rules' providerAnnotation).
func annotation(p *provider.Profile, key string) string {
	aliases := p.Aliases(key)
	e := fmt.Sprintf("%s[?%s]", ann, q(aliases[0]))
	for _, a := range aliases[1:] {
		e += fmt.Sprintf(".or(%s[?%s])", ann, q(a))
	}
	return e
}

// foundKey is the CEL string of the key annotation(p, key) finds its value under.
func foundKey(p *provider.Profile, key string) string {
	aliases := p.Aliases(key)
	e := q(aliases[len(aliases)-1])
	for i := len(aliases) - 2; i >= 0; i-- {
		e = fmt.Sprintf("(%s in %s ? %s : %s)", q(aliases[i]), ann, q(aliases[i]), e)
	}
	return e
}

// annotationField is the CEL string of a result's field path for an annotation key expression.
func annotationField(keyExpr string) string {
	return `"metadata.annotations[" + ` + keyExpr + ` + "]"`
}

// matches is the CEL of rules' service.matches: any of ms holds ("" matches any value).
func matches(p *provider.Profile, ms []provider.Match) string {
	var alts []string
	for _, m := range ms {
		if m.Value == "" {
			alts = append(alts, annotation(p, m.Key)+".hasValue()")
		} else {
			alts = append(alts, fmt.Sprintf("%s.orValue(\"\") == %s", annotation(p, m.Key), q(m.Value)))
		}
	}
	if len(alts) == 0 {
		return "false"
	}
	return "(" + strings.Join(alts, " || ") + ")"
}

// show is the CEL of a result's value: "quoted" for a string, or `not set`.
func showString(present, value string) string {
	return fmt.Sprintf(`(%s ? "is \"" + %s + "\"" : "is not set")`, present, value)
}

func (g *generator) matchConditions(sel selector) []Named {
	conds := []Named{{
		Name: "not-local-config",
		Expression: `!("config.kubernetes.io/local-config" in object.metadata.?annotations.orValue({})) ||
object.metadata.annotations["config.kubernetes.io/local-config"] == "false"`,
	}}
	if sel.cel != "" {
		conds = append(conds, Named{
			Name:       "selected",
			Expression: strings.ReplaceAll(sel.cel, "variables_labels", "object.metadata.?labels.orValue({})"),
		})
	}
	if g.cfg.OnUnsupported == config.UnsupportedSkip {
		// The function passes headless and ExternalName Services through with a warning only.
		conds = append(conds, Named{
			Name:       "supported",
			Expression: `object.spec.?type.orValue("ClusterIP") != "ExternalName" && object.spec.?clusterIP.orValue("") != "None"`,
		})
	}
	return conds
}

func (g *generator) variables() []Named {
	var bypassed, affinityBypassed []string
	for _, p := range profiles() {
		if p.Bypass != nil {
			m := fmt.Sprintf("variables.provider == %s && %s", q(p.Name), matches(p, p.Bypass.Matches))
			bypassed = append(bypassed, m)
			if !p.Bypass.Affinity {
				affinityBypassed = append(affinityBypassed, m)
			}
		}
	}
	promoted := "false"
	if g.cfg.PromoteToLoadBalancer {
		promoted = `variables.type == "ClusterIP" && variables.proxied && size(variables.lbOnlyFields) > 0`
	}
	or := func(alts []string) string {
		if len(alts) == 0 {
			return "false"
		}
		return "variables.lbType && (" + strings.Join(alts, " ||\n  ") + ")"
	}
	vars := []Named{
		{"annotations", "object.metadata.?annotations.orValue({})"},
		{"class", `object.spec.?loadBalancerClass.orValue("")`},
	}
	// rules' applyOverrides: the Service's provider, from its signals, its override or the config.
	vars = append(vars, g.inferenceVariables()...)
	vars = append(vars, []Named{
		{"type", `object.spec.?type.orValue("ClusterIP")`},
		{"proxied", fmt.Sprintf(`variables.type in %s && object.spec.?clusterIP.orValue("") != "None"`, qlist(types))},
		{"ports", `object.spec.?ports.orValue([])`},
		// The timeouts the Service must have: its override annotation's, else the config's when
		// the config sets the key, else 0, meaning any valid value the Service states (rules'
		// setTimeout and wantPersistence: defaults only fill gaps).
		{"clientIPTimeout", fmt.Sprintf("%s ? int(%s[%s]) : %d",
			intInRange(fmt.Sprintf("%s[?%s].orValue(\"\")", ann, q(config.ClientIPTimeoutAnnotation)), config.ClientIPTimeout),
			ann, q(config.ClientIPTimeoutAnnotation), explicitValue(g.cfg.Sources.ClientIPTimeout, g.cfg.ClientIPTimeoutSeconds))},
		{"persistenceSeconds", fmt.Sprintf("%s[?%s].orValue(\"\").matches(%s) ? int(%s[%s]) : %d",
			ann, q(config.PersistenceTimeoutAnnotation), q(intPattern), ann, q(config.PersistenceTimeoutAnnotation),
			explicitValue(g.cfg.Sources.PersistenceTimeout, g.cfg.PersistenceTimeoutSeconds))},
		{"lbSpecFields", g.lbSpecFields()},
		// rules' loadBalancerOnlyFields: what promoteToLoadBalancer promotes a ClusterIP Service for.
		{"lbOnlyFields", "variables.lbSpecFields + " + g.lbAnnotations()},
		// rules' checkClusterIP: with promoteToLoadBalancer, such a ClusterIP Service is rewritten
		// as a LoadBalancer, and the load balancer's rules apply to it.
		{"promoted", promoted},
		{"lbType", `variables.type == "LoadBalancer" || variables.promoted`},
		{"bypassed", or(bypassed)},
		{"affinityBypassed", or(affinityBypassed)},
	}...)
	for _, p := range profiles() {
		if p.Listener != nil {
			vars = append(vars, Named{listenerVar(p), listenerEntries(p)})
		}
	}
	return vars
}

// explicitValue is a timeout the config sets explicitly, or 0 when the config leaves it to the
// default, which then only fills a gap.
func explicitValue(from config.Source, n int) int {
	if from == config.FromConfig {
		return n
	}
	return 0
}

// intInRange is the CEL of "s is a whole number in r" as strconv.Atoi and Range.Contains say it.
func intInRange(s string, r provider.Range) string {
	return fmt.Sprintf("(%s.matches(%s) && int(%s) >= %d && int(%s) <= %d)", s, q(intPattern), s, r.Min, s, r.Max)
}

// lbSpecFields is the CEL list of the fields rules' loadBalancerSpecFields names on a ClusterIP
// Service, in its order: node ports, spec fields, the source-ranges annotation.
func (g *generator) lbSpecFields() string {
	parts := []string{`variables.ports.transformList(i, p, has(p.nodePort), "spec.ports[" + string(i) + "].nodePort")`}
	for _, f := range serviceSpecFields {
		if !rules.LoadBalancerOnlySpecField(f) {
			continue
		}
		cond := fmt.Sprintf("has(object.spec.%s)", f)
		if f == "externalTrafficPolicy" {
			// externalIPs make a ClusterIP Service externally accessible, and then it is allowed.
			cond += ` && size(object.spec.?externalIPs.orValue([])) == 0`
		}
		parts = append(parts, fmt.Sprintf("(%s ? [%s] : [])", cond, q("spec."+f)))
	}
	// The source-ranges annotation, when the server reads it: spec.loadBalancerSourceRanges empty.
	parts = append(parts, fmt.Sprintf(`(%s in %s && size(object.spec.?loadBalancerSourceRanges.orValue([])) == 0 ? [%s] : [])`,
		q(rules.SourceRangesAnnotation), ann, q("metadata.annotations["+rules.SourceRangesAnnotation+"]")))
	return strings.Join(parts, " +\n")
}

// lbAnnotations is the CEL list of rules' loadBalancerAnnotations: every provider's load-balancer
// annotations, whichever provider the Service has, sorted.
func (g *generator) lbAnnotations() string {
	var starts []string
	for _, prefix := range rules.LoadBalancerAnnotationPrefixes() {
		starts = append(starts, fmt.Sprintf("k.startsWith(%s)", q(prefix)))
	}
	return fmt.Sprintf(`%s.filter(k, %s).sort().map(k, "metadata.annotations[" + k + "]")`, ann, strings.Join(starts, " || "))
}

// rule builds one validation: when guard holds, ok must hold.
func rule(guard, ok, message, messageExpression string) Validation {
	expr := ok
	if guard != "" {
		expr = fmt.Sprintf("!(%s) ||\n(%s)", guard, ok)
	}
	return Validation{Expression: expr, Message: message, MessageExpression: messageExpression, Reason: "Invalid"}
}

// want is the message of a field that validate mode would set: `path: is "x"; want "y": why`.
func want(path, present, current, wanted, why string) string {
	return fmt.Sprintf(`%s + ": " + %s + "; want " + %s + ": " + %s`, path, showString(present, current), wanted, q(why))
}

// validations lists the function's errors first, then the changes validate mode reports: when a
// Service has an error, validate mode reports only its errors (rules.Apply), and the API server
// quotes the first validation that fails, so the denial names a field validate mode named.
func (g *generator) validations() []Validation {
	var errs, changes []Validation
	errs = append(errs, g.inference()...)
	errs = append(errs, g.overrides()...)
	errs = append(errs, g.serviceType()...)
	changes = append(changes, g.misplaced())
	lbOnly := g.lbOnly()
	if g.cfg.PromoteToLoadBalancer {
		changes = append(changes, lbOnly)
	} else {
		errs = append(errs, lbOnly)
	}
	changes = append(changes, g.affinity()...)
	for _, p := range profiles() {
		e, c := g.loadBalancer(p)
		errs, changes = append(errs, e...), append(changes, c...)
	}
	return append(errs, changes...)
}

// overrides are rules' applyOverrides (config.ForService): the per-Service annotations.
func (g *generator) overrides() []Validation {
	pa, ca, ta := config.ProviderAnnotation, config.ClientIPTimeoutAnnotation, config.PersistenceTimeoutAnnotation
	at := func(key string) string { return fmt.Sprintf("%s[%s]", ann, q(key)) }
	has := func(key string) string { return fmt.Sprintf("%s in %s", q(key), ann) }
	field := func(key string) string { return q("metadata.annotations[" + key + "]") }
	allowed := strings.Join(provider.Names(), ", ")
	vs := []Validation{
		rule(has(pa), fmt.Sprintf("%s in %s", at(pa), qlist(provider.Names())),
			fmt.Sprintf("metadata.annotations[%s]: is not supported; allowed %s", pa, allowed),
			fmt.Sprintf(`%s + ": \"" + %s + "\" is not supported; allowed %s"`, field(pa), at(pa), allowed)),
		rule(has(ca), intInRange(at(ca), config.ClientIPTimeout),
			fmt.Sprintf("metadata.annotations[%s]: not a whole number in %s", ca, config.ClientIPTimeout),
			fmt.Sprintf(`%s + ": " + (%s.matches(%s) ? string(int(%s)) + " is out of range" : "\"" + %s + "\" is not a whole number") + "; allowed %s"`,
				field(ca), at(ca), q(intPattern), at(ca), at(ca), config.ClientIPTimeout)),
	}
	// The persistence timeout annotation, checked in the unit of the Service's provider.
	okByProvider, allowedByProvider := "false", `"provider " + variables.provider + " has no load-balancer persistence timeout; remove the annotation"`
	for _, p := range profiles() {
		per := p.Persistence
		if per == nil {
			continue
		}
		n := fmt.Sprintf("int(%s)", at(ta))
		ok := fmt.Sprintf("%s.matches(%s) && %s %% %d == 0 && %s / %d >= %d && %s / %d <= %d",
			at(ta), q(intPattern), n, per.Unit.Seconds, n, per.Unit.Seconds, per.Range.Min, n, per.Unit.Seconds, per.Range.Max)
		okByProvider = fmt.Sprintf("variables.provider == %s ? (%s) : %s", q(p.Name), ok, okByProvider)
		allowedByProvider = fmt.Sprintf(`variables.provider == %s ? "\"" + %s + "\" is not allowed; allowed %s for provider %s" : %s`,
			q(p.Name), at(ta), per.Allowed(), p.Name, allowedByProvider)
	}
	vs = append(vs, rule(has(ta), okByProvider,
		fmt.Sprintf("metadata.annotations[%s]: not allowed for the Service's provider", ta),
		fmt.Sprintf("%s + \": \" + (%s)", field(ta), allowedByProvider)))
	// A Service whose provider is not the one the config was checked with (config.ForService: any
	// under provider auto, else one its override names), and whose unit or range the config's
	// persistence timeout does not fit.
	other := has(pa)
	if g.cfg.ProviderAuto {
		other = "true"
	}
	for _, p := range profiles() {
		if p.Persistence == nil {
			continue
		}
		if _, err := p.Persistence.InUnit(g.cfg.PersistenceTimeoutSeconds); err != nil {
			msg := fmt.Sprintf("metadata.annotations[%s]: not set, and the persistence timeout this policy was generated with: %v for provider %s; set the annotation on this Service", ta, err, p.Name)
			vs = append(vs, rule(fmt.Sprintf("%s && variables.provider == %s", other, q(p.Name)), has(ta), msg, ""))
		}
	}
	return vs
}

// misplaced is rules' repairMisplaced for keys under spec.selector (keys beside spec never reach
// admission: strict field validation refuses them).
func (g *generator) misplaced() Validation {
	places := rules.MisplacedKeys()
	var keys, entries []string
	for k := range places {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		entries = append(entries, fmt.Sprintf("%s: %s", q(k), q("spec."+places[k])))
	}
	return rule("has(object.spec.selector)",
		fmt.Sprintf("!object.spec.selector.exists(k, k in %s)", qlist(keys)),
		"spec.selector: holds affinity keys; they belong under spec: "+rules.UnderSelector,
		fmt.Sprintf(`object.spec.selector.filter(k, k in %s).sort().map(k, "spec.selector." + k + ": belongs at " + {%s}[k]).join("; ") + ": " + %s`,
			qlist(keys), strings.Join(entries, ", "), q(rules.UnderSelector)))
}

// serviceType is rules' checkType for the types affinity cannot apply to.
func (g *generator) serviceType() []Validation {
	return []Validation{
		rule("", `variables.type != "ExternalName"`, "spec.type: "+rules.WhyExternal, ""),
		rule(fmt.Sprintf("variables.type in %s", qlist(types)), `object.spec.?clusterIP.orValue("") != "None"`, "spec.clusterIP: "+rules.WhyHeadless, ""),
	}
}

// lbOnly is rules' checkClusterIP: an error per load-balancer spec field (the annotations are
// only a warning), or with promoteToLoadBalancer the change to type LoadBalancer.
func (g *generator) lbOnly() Validation {
	lb := rule(`variables.type == "ClusterIP" && variables.proxied`, "size(variables.lbSpecFields) == 0",
		"spec.type: a ClusterIP Service carries load-balancer fields (node ports, spec.loadBalancer*, externalTrafficPolicy, healthCheckNodePort or allocateLoadBalancerNodePorts): "+rules.FixLBOnly,
		`variables.lbSpecFields[0] + ": " + `+q(rules.WhyLBField)+` + "; `+rules.FixLBOnly+`" + (size(variables.lbSpecFields) > 1 ? " (also " + variables.lbSpecFields.slice(1, size(variables.lbSpecFields)).join(", ") + ")" : "")`)
	if g.cfg.PromoteToLoadBalancer {
		lb.Expression = strings.Replace(lb.Expression, "size(variables.lbSpecFields) == 0", "size(variables.lbOnlyFields) == 0", 1)
		lb.Message = "spec.type: is \"ClusterIP\"; want \"LoadBalancer\": promoteToLoadBalancer is set and the Service carries load-balancer fields"
		lb.MessageExpression = `"spec.type: is \"ClusterIP\"; want \"LoadBalancer\": promoteToLoadBalancer is set and the Service carries load-balancer fields (" + variables.lbOnlyFields.join(", ") + "); ` + rules.WhyPromote + `"`
	}
	return lb
}

// affinity is rules' setAffinity and setTrafficPolicy.
func (g *generator) affinity() []Validation {
	affinity := `object.spec.?sessionAffinity`
	timeout := `object.spec.?sessionAffinityConfig.?clientIP.?timeoutSeconds`
	etp := `object.spec.?externalTrafficPolicy`
	return []Validation{
		rule("variables.proxied && !variables.affinityBypassed", affinity+`.orValue("") == "ClientIP"`,
			"spec.sessionAffinity: want \"ClientIP\": "+rules.WhyClientIP,
			want(`"spec.sessionAffinity"`, affinity+".hasValue()", affinity+`.orValue("")`, `"\"ClientIP\""`, rules.WhyClientIP)),
		// The API server fills in 10800 for ClientIP without a timeout before admission, as rules'
		// statedTimeout reads it; the API server refuses a timeout out of range on its own.
		rule("variables.proxied && !variables.affinityBypassed", "variables.clientIPTimeout == 0 || "+timeout+".orValue(0) == variables.clientIPTimeout",
			"spec.sessionAffinityConfig.clientIP.timeoutSeconds: not the wanted timeout: "+rules.WhyTimeout,
			fmt.Sprintf(`"spec.sessionAffinityConfig.clientIP.timeoutSeconds: " + (%s.hasValue() ? "is " + string(%s.orValue(0)) : "is not set") + "; want " + string(variables.clientIPTimeout) + ": " + %s`,
				timeout, timeout, q(rules.WhyTimeout))),
		rule(`variables.proxied && (variables.type == "NodePort" || variables.lbType) && !variables.bypassed`, etp+`.orValue("") == "Local"`,
			"spec.externalTrafficPolicy: want \"Local\": "+rules.WhyLocal,
			strings.Replace(want(`"spec.externalTrafficPolicy"`, etp+".hasValue()", etp+`.orValue("")`, `"\"Local\""`, rules.WhyLocal),
				q(rules.WhyLocal), fmt.Sprintf("(%s ? %s : %s)", g.behindProxy(), q(rules.WhyLocalProxied), q(rules.WhyLocal)), 1)),
	}
}

// behindProxy is the CEL of rules' service.proxied, for messages: the Service's provider puts a
// proxying load balancer in front of it (Profile.Proxies; a JSON field is matched by pattern).
func (g *generator) behindProxy() string {
	var alts []string
	for _, p := range profiles() {
		for _, proxy := range p.Proxies {
			cond := fmt.Sprintf("%s in %s", q(proxy.Key), ann)
			if proxy.JSONTrue != "" {
				cond = fmt.Sprintf(`%s[?%s].orValue("").matches(%s)`, ann, q(proxy.Key), q(`"`+proxy.JSONTrue+`"\s*:\s*true`))
			}
			alts = append(alts, fmt.Sprintf("variables.provider == %s && %s", q(p.Name), cond))
		}
	}
	if len(alts) == 0 {
		return "false"
	}
	return "(" + strings.Join(alts, " || ") + ")"
}

// loadBalancer is rules' loadBalancer for the Services whose provider is p: its errors and its
// changes.
func (g *generator) loadBalancer(p *provider.Profile) (errs, changes []Validation) {
	guard := fmt.Sprintf(`variables.proxied && variables.lbType && variables.provider == %s`, q(p.Name))
	if c := p.Controller; c != nil {
		e, c := g.controller(p, guard)
		errs, changes = append(errs, e), append(changes, c...)
	}
	for _, set := range p.Annotations {
		e, c := g.set(p, guard, set)
		errs, changes = append(errs, e...), append(changes, c...)
	}
	if l := p.Listener; l != nil {
		errs = append(errs, g.listener(p, guard, l))
	}
	if sch := p.Scheduler; sch != nil && sch.Want != "" {
		changes = append(changes, rule(guard+" && !variables.bypassed", annotation(p, sch.Key)+".hasValue()",
			fmt.Sprintf("metadata.annotations[%s]: is not set; want %q: %s", sch.Key, sch.Want, rules.WhyScheduler), ""))
	}
	for _, r := range p.Refusals {
		opt := annotation(p, r.Key)
		refused := opt + ".hasValue()"
		if r.Value != "" {
			refused = fmt.Sprintf(`%s.orValue("") == %s`, opt, q(r.Value))
		}
		errs = append(errs, rule(guard, "!("+refused+")",
			fmt.Sprintf("metadata.annotations[%s]: %s", r.Key, r.Why),
			fmt.Sprintf(`%s + ": \"" + %s.orValue("") + "\": " + %s`, annotationField(foundKey(p, r.Key)), opt, q(r.Why))))
	}
	for _, c := range p.Checks {
		opt := annotation(p, c.Key)
		errs = append(errs, rule(guard+" && "+opt+".hasValue()", intInRange(opt+`.orValue("")`, c.Range),
			fmt.Sprintf("metadata.annotations[%s]: not allowed: %s (%s %s)", c.Key, c.Why, c.Range, c.Unit.Name),
			fmt.Sprintf(`%s + ": \"" + %s.orValue("") + "\" is not allowed: " + %s`, annotationField(foundKey(p, c.Key)), opt, q(fmt.Sprintf("%s (%s %s)", c.Why, c.Range, c.Unit.Name)))))
	}
	if p.NodePortBackends {
		const why = "allocateLoadBalancerNodePorts is false and this port has no nodePort, but the load balancer sends traffic to node ports; set a nodePort or remove allocateLoadBalancerNodePorts"
		errs = append(errs, rule(guard+` && !variables.bypassed && object.spec.?allocateLoadBalancerNodePorts.orValue(true) == false`,
			"variables.ports.all(x, has(x.nodePort))",
			"spec.ports[*].nodePort: "+why,
			`variables.ports.transformList(i, x, !has(x.nodePort), "spec.ports[" + string(i) + "].nodePort").join(", ") + ": `+why+`"`))
	}
	return errs, changes
}

// controller is rules' checkController: an error, except that a Service promoted to LoadBalancer
// in this run is given the controller's class (a change).
func (g *generator) controller(p *provider.Profile, guard string) (Validation, []Validation) {
	c := p.Controller
	ok := fmt.Sprintf("variables.class in %s", qlist(c.Classes))
	unhandled := "false"
	if len(c.Markers) > 0 {
		unhandled = fmt.Sprintf(`variables.class == "" && !%s`, matches(p, c.Markers))
		ok += " && !(" + unhandled + ")"
	}
	var described []string
	for _, class := range c.Classes {
		if class == "" {
			class = "no class"
		}
		described = append(described, class)
	}
	var owners []string
	for _, other := range profiles() {
		if other.Controller == nil {
			continue
		}
		for _, class := range other.Controller.Classes {
			if class != "" && other.Name != p.Name {
				owners = append(owners, fmt.Sprintf("%s: %s", q(class), q(other.Name)))
			}
		}
	}
	advice := `"or choose the provider of that class"`
	if len(owners) > 0 {
		advice = fmt.Sprintf(`({%s}[?variables.class].hasValue() ? "or set annotation %s: " + {%s}[variables.class] + " on this Service" : "or choose the provider of that class")`,
			strings.Join(owners, ", "), config.ProviderAnnotation, strings.Join(owners, ", "))
	}
	msg := fmt.Sprintf(`"spec.loadBalancerClass: " + (%s ? %s : variables.class == "" ? %s : "%s does not handle loadBalancerClass \"" + variables.class + "\", so none of its annotations take effect; allowed %s, " + %s)`,
		unhandled, q(c.Unhandled),
		q(fmt.Sprintf("%s handles only Services with loadBalancerClass %s; the class cannot change once the load balancer exists, so set it when creating the Service, or choose another provider", c.Name, strings.Join(c.Classes, " or "))),
		c.Name, strings.Join(described, ", "), advice)
	err := rule(guard, fmt.Sprintf(`%s || (variables.promoted && variables.class == "" && !(%s))`, ok, unhandled),
		fmt.Sprintf("spec.loadBalancerClass: %s does not handle this Service", c.Name), msg)
	if slices.Contains(c.Classes, "") || !g.cfg.PromoteToLoadBalancer {
		return err, nil
	}
	promoted := rule(guard+` && variables.promoted && variables.class == ""`, "false",
		fmt.Sprintf("spec.loadBalancerClass: is not set; want %q: %s handles only this class, which cannot change once the load balancer exists", c.Classes[0], c.Name), "")
	return err, []Validation{promoted}
}

// set is rules' setProviderAnnotation: the annotation holds the wanted value (a change), and no
// legacy key (a change); an annotation the function cannot merge into is an error.
func (g *generator) set(p *provider.Profile, guard string, set provider.Set) (errs, changes []Validation) {
	at := fmt.Sprintf("%s[%s]", ann, q(set.Key))
	present := fmt.Sprintf("%s in %s", q(set.Key), ann)
	wanted := q(set.Value)
	// kept is the CEL condition under which any valid value the Service states is kept: for the
	// persistence timeout, when neither the config nor an override sets one (rules'
	// wantPersistence).
	kept := "false"
	if set.Persistence {
		wanted = g.persistenceInUnit(p)
		kept = "variables.persistenceSeconds == 0"
	}
	field := q("metadata.annotations[" + set.Key + "]")
	var v Validation
	switch set.Format {
	case provider.Plain:
		ok := fmt.Sprintf("%s && %s == %s", present, at, wanted)
		if set.Persistence {
			ok = fmt.Sprintf("%s && (%s ? %s : %s == %s)", present, kept, intInRange(at, p.Persistence.Range), at, wanted)
		}
		v = rule(guard, ok,
			fmt.Sprintf("metadata.annotations[%s]: not the wanted value: %s", set.Key, set.Why),
			want(field, present, at, `"\"" + `+wanted+` + "\""`, set.Why))
	case provider.JSONField:
		// A flat JSON object whose field is the wanted number, as a string or a number
		// (fmt.Sprint of what encoding/json decodes must equal it).
		str := `"(?:[^"\\]|\\.)*"`
		value := `(?:` + str + `|-?[0-9][0-9.eE+-]*|true|false|null)`
		member := `\s*` + str + `\s*:\s*` + value + `\s*`
		objectWith := func(asString, asNumber string) string {
			return fmt.Sprintf(`"^\\s*\\{(?:%s,)*\\s*\"%s\"\\s*:\\s*(?:\"%s\"|%s(?:\\.0+)?)\\s*(?:,%s)*\\}\\s*$"`,
				celRegexBody(member), set.Field, asString, asNumber, celRegexBody(member))
		}
		pattern := objectWith(`" + `+wanted+` + "`, `" + `+wanted+` + "`)
		if set.Persistence {
			// Any value in range, as rules' jsonField reads it: a string of digits, or a number.
			n := rangeRegex(p.Persistence.Range)
			pattern = fmt.Sprintf("(%s ? %s : %s)", kept, objectWith("0*"+n, n), pattern)
		}
		errs = append(errs, rule(guard+" && "+present, at+`.matches("^\\s*\\{[\\s\\S]*\\}\\s*$")`,
			fmt.Sprintf("metadata.annotations[%s]: is not a JSON object; want for example {%q: \"...\"}", set.Key, set.Field),
			fmt.Sprintf(`%s + ": \"" + %s + "\" is not a JSON object; want for example {\"%s\": \"" + %s + "\"}"`, field, at, set.Field, wanted)))
		v = rule(guard, fmt.Sprintf("%s && %s.matches(%s)", present, at, pattern),
			fmt.Sprintf("metadata.annotations[%s]: want a JSON object with %q: %s", set.Key, set.Field, set.Why),
			want(field, present, at, `"{\"`+set.Field+`\": \"" + `+wanted+` + "\"}"`, set.Why))
	case provider.ListItems:
		items := fmt.Sprintf(`%s.split(",").map(i, i.trim())`, at)
		keyOf := func(v string) string { return fmt.Sprintf(`%s.substring(0, %s.indexOf("="))`, v, v) }
		var conds []string
		for _, w := range set.Items {
			k, _, _ := strings.Cut(w, "=")
			isK := fmt.Sprintf(`(i.indexOf("=") > 0 && %s.trim() == %s)`, keyOf("i"), q(k))
			conds = append(conds, fmt.Sprintf("%s.exists(i, %s) && %s.all(i, !%s || i == %s)", items, isK, items, isK, q(w)))
		}
		errs = append(errs, rule(fmt.Sprintf(`%s && %s && %s.trim() != ""`, guard, present, at), items+`.all(i, i.indexOf("=") > 0)`,
			fmt.Sprintf("metadata.annotations[%s]: an item is not key=value; want a comma-separated list such as %s", set.Key, strings.Join(set.Items, ",")),
			fmt.Sprintf(`%s + ": item \"" + %s.filter(i, !(i.indexOf("=") > 0))[0] + "\" is not key=value; want a comma-separated list such as %s"`, field, items, strings.Join(set.Items, ","))))
		ok := fmt.Sprintf(`%s && %s.trim() != "" && %s`, present, at, strings.Join(conds, " && "))
		v = rule(guard, ok,
			fmt.Sprintf("metadata.annotations[%s]: want %s among its items: %s", set.Key, strings.Join(set.Items, ","), set.Why),
			want(field, present, at, q(strings.Join(set.Items, ",")+" among its comma-separated key=value items"), set.Why))
	}
	changes = append(changes, v)
	for _, legacy := range p.Aliases(set.Key)[1:] {
		msg := fmt.Sprintf("metadata.annotations[%s]: should be removed: replaced by %s, %s", legacy, set.Key, rules.WhyLegacy)
		var msgExpr string
		if value := g.legacyValue(p, set); value != "" {
			msgExpr = fmt.Sprintf(`%s + %s + "\", " + %s`, q(fmt.Sprintf("metadata.annotations[%s]: should be removed: replaced by %s: \"", legacy, set.Key)), value, q(rules.WhyLegacy))
		}
		changes = append(changes, rule(guard, fmt.Sprintf("!(%s in %s)", q(legacy), ann), msg, msgExpr))
	}
	return errs, changes
}

// legacyValue is the CEL of the value rules' setProviderAnnotation writes under the current key
// when it replaces a legacy one, for its message: the profile's value, or the persistence timeout
// the Service states (when valid and no config key or override sets one) or the wanted one. ""
// for a format the message does not show.
func (g *generator) legacyValue(p *provider.Profile, set provider.Set) string {
	switch {
	case set.Format != provider.Plain:
		return ""
	case !set.Persistence:
		return q(set.Value)
	}
	per := p.Persistence
	stated := annotation(p, set.Key) + `.orValue("")`
	fallback, _ := per.InUnit(g.cfg.PersistenceTimeoutSeconds)
	return fmt.Sprintf("(variables.persistenceSeconds != 0 ? string(variables.persistenceSeconds / %d) : %s ? %s : %s)",
		per.Unit.Seconds, intInRange(stated, per.Range), stated, q(strconv.Itoa(fallback)))
}

// persistenceInUnit is the CEL string of the persistence timeout to write, and to name in a
// denial, when the Service states none that may be kept, in p's unit: the override annotation's or
// the config's explicit value (variables.persistenceSeconds), else, where that is 0 because nobody
// set one, the config's default, which is what the function writes.
func (g *generator) persistenceInUnit(p *provider.Profile) string {
	return fmt.Sprintf("string((variables.persistenceSeconds != 0 ? variables.persistenceSeconds : %d) / %d)",
		g.cfg.PersistenceTimeoutSeconds, p.Persistence.Unit.Seconds)
}

// listenerVar names the variable that holds p's listener annotation split into entries, each
// split at ':' (rules' listenerProtocol), computed once per request rather than once per port.
func listenerVar(p *provider.Profile) string {
	return "listener_" + strings.ReplaceAll(p.Name, "-", "_")
}

func listenerEntries(p *provider.Profile) string {
	return fmt.Sprintf(`%s.orValue("").split(",").map(x, x.split(":"))`, annotation(p, p.Listener.Key))
}

// rangeRegex is a regular expression for the whole numbers of r written without leading zeros:
// the alternatives, longest first. Ranges here are small (Huawei's 1..60 minutes).
func rangeRegex(r provider.Range) string {
	var alts []string
	for n := r.Max; n >= r.Min; n-- {
		alts = append(alts, strconv.Itoa(n))
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// celRegexBody escapes a regular expression for use inside a CEL double-quoted string.
func celRegexBody(re string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(re)
}

// listener is rules' checkListeners: reading the protocol-port annotation as the controller does
// (fn/rules listenerProtocol), the first entry that is malformed or names the port decides it.
func (g *generator) listener(p *provider.Profile, guard string, l *provider.Listener) Validation {
	protocols := l.Protocols
	proto := func(v string) string { return v }
	if l.CaseInsensitive {
		protocols = nil
		for _, pr := range l.Protocols {
			protocols = append(protocols, strings.ToLower(pr))
		}
		proto = func(v string) string { return v + ".lowerAscii()" }
	}
	known, proxying := qlist(protocols), qlist(l.Proxying)
	opt := annotation(p, l.Key)
	bad := func(e string) string { return fmt.Sprintf("(size(%s) < 2 || !(%s in %s))", e, proto(e+"[0]"), known) }
	decides := fmt.Sprintf(`(%s || e[1] == string(port.port))`, bad("e"))
	refused := bad("e")
	if len(l.Proxying) > 0 {
		refused = fmt.Sprintf("(%s || %s in %s)", bad("e"), proto("e[0]"), proxying)
	}
	// For each port, the entries that decide it, mapped to whether they refuse it: the first counts.
	ok := fmt.Sprintf(`%s.orValue("") == "" ||
variables.ports.all(port, !variables.%s.map(e, %s, %s)[?0].orValue(false))`, opt, listenerVar(p), decides, refused)
	what := "malformed, so the controller rejects the Service"
	if len(l.Proxying) > 0 {
		what = fmt.Sprintf("malformed, or a port has an %s listener, which proxies the connection, so nodes never see the client IP", strings.Join(l.Proxying, " or "))
	}
	msg := fmt.Sprintf(`%s + ": \"" + %s.orValue("") + "\" is %s; each entry is protocol:port with protocol one of %s"`,
		annotationField(foundKey(p, l.Key)), opt, what, strings.Join(protocols, ", "))
	if len(l.Proxying) > 0 {
		msg = strings.TrimSuffix(msg, `"`) + `, and tcp for a sticky port"`
	}
	return rule(guard, ok, fmt.Sprintf("metadata.annotations[%s]: %s", l.Key, what), msg)
}
