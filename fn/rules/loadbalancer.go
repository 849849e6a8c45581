package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// loadBalancer applies the provider profile to a LoadBalancer Service. Each rule reads its part
// of the profile and does nothing when the provider has none.
func loadBalancer(s *service) {
	if s.serviceType() != "LoadBalancer" {
		return
	}
	checkController(s)
	for _, set := range s.profile().Annotations {
		setProviderAnnotation(s, set)
	}
	checkListeners(s)
	setScheduler(s)
	checkAnnotations(s)
	checkNodePorts(s)
	checkSourceRanges(s)
	warnShortTimeout(s)
	for _, note := range s.profile().Notes {
		s.infof("", "%s", note)
	}
}

// checkController: a Service the provider's controller does not handle never gets the load
// balancer's part of stickiness.
func checkController(s *service) {
	c := s.profile().Controller
	if c == nil {
		return
	}
	class, _ := node.Scalar(s.get("spec", "loadBalancerClass"))
	switch {
	case class == "" && len(c.Markers) > 0 && !s.matches(c.Markers):
		s.errorf("spec.loadBalancerClass", "%s", c.Unhandled)
	case slices.Contains(c.Classes, class):
	case class == "" && s.promoted:
		// A Service that becomes a LoadBalancer now can still get its class: it is only
		// immutable on an existing load balancer.
		s.changed(fn.Warning, "spec.loadBalancerClass", c.Name+" handles only this class, which cannot change once the load balancer exists",
			Change{Proposed: c.Classes[0]})
		node.SetScalar(s.spec(), "loadBalancerClass", c.Classes[0], yaml.NodeTagString)
	case class == "":
		s.errorf("spec.loadBalancerClass", "%s handles only Services with loadBalancerClass %s; the class cannot change once the load balancer exists, so set it when creating the Service, or choose another provider",
			c.Name, strings.Join(c.Classes, " or "))
	default:
		advice := "or choose the provider of that class"
		if other, ok := provider.ForClass(class); ok {
			advice = "or use provider " + other.Name + " (" + s.cfg.Origin.Knob("provider", other.Name) + ", or annotation " + config.ProviderAnnotation + ")"
		}
		s.errorf("spec.loadBalancerClass", "%s does not handle loadBalancerClass %q, so none of its annotations take effect; allowed %s, %s",
			c.Name, class, describeClasses(c.Classes), advice)
	}
}

func describeClasses(classes []string) string {
	var out []string
	for _, c := range classes {
		if c == "" {
			c = "no class"
		}
		out = append(out, c)
	}
	return strings.Join(out, ", ")
}

// setProviderAnnotation writes one annotation of the profile, replacing legacy spellings.
func setProviderAnnotation(s *service, set provider.Set) {
	want, why, replaced := set.Value, set.Why, false
	if set.Persistence {
		want, why, replaced = wantPersistence(s, set)
	}
	current, present := s.annotation(set.Key)
	value, err := want, error(nil)
	switch set.Format {
	case provider.JSONField:
		value, err = setJSONField(current, present, set.Field, want)
	case provider.ListItems:
		value, err = mergeListItems(current, set.Items)
	}
	if err != nil {
		s.errorf(node.AnnotationPath(set.Key), "%v", err)
		return
	}
	sev := fn.Info
	if replaced || present && replacesItems(current, set, want) {
		sev = fn.Warning
	}
	s.setAnnotationAs(set.Key, value, why, sev)
	for _, legacy := range s.profile().Aliases(set.Key)[1:] {
		if v := s.get("metadata", "annotations", legacy); v != nil {
			node.Remove(s.get("metadata", "annotations"), legacy)
			s.changed(fn.Warning, node.AnnotationPath(legacy), fmt.Sprintf("replaced by %s: %q, %s", set.Key, value, WhyLegacy),
				was(v))
		}
	}
}

// wantPersistence is the persistence timeout to write, in the provider's unit, and why: the one
// the Service states under any of the annotation's keys when it is valid and no config key or
// override sets one (defaults only fill gaps), else the configured one, which then names itself
// when it replaces a valid value of the Service's own (replaced: a warning, under any key).
func wantPersistence(s *service, set provider.Set) (want, why string, replaced bool) {
	p := s.profile().Persistence
	stated, n, ok := statedPersistence(s, set)
	if ok && s.cfg.Sources.PersistenceTimeout == config.Defaulted {
		s.cfg.PersistenceTimeoutSeconds, s.kept.persistence = n*p.Unit.Seconds, true
		return stated, set.Why, false
	}
	m, _ := p.InUnit(s.cfg.PersistenceTimeoutSeconds) // validated with the config
	why = set.Why
	if ok && n != m {
		why += "; " + wins(s, "persistenceTimeoutSeconds", config.PersistenceTimeoutAnnotation, s.cfg.Sources.PersistenceTimeout, s.cfg.PersistenceTimeoutSeconds)
		replaced = true
	}
	return strconv.Itoa(m), why, replaced
}

// statedPersistence is the persistence timeout the Service states for set, as written and as a
// number in the provider's unit, when the load balancer accepts it: under the current key or a
// legacy one, read as the controller reads them, or in the JSON field. 0 turns persistence off,
// so it is no value to keep.
func statedPersistence(s *service, set provider.Set) (string, int, bool) {
	var text string
	switch set.Format {
	case provider.Plain:
		_, v, ok := s.providerAnnotation(set.Key)
		if !ok {
			return "", 0, false
		}
		text = v
	case provider.JSONField:
		v, ok := s.annotation(set.Key)
		if !ok {
			return "", 0, false
		}
		if text, ok = jsonField(v, set.Field); !ok {
			return "", 0, false
		}
	default:
		return "", 0, false
	}
	n, err := strconv.Atoi(text)
	if err != nil || !s.profile().Persistence.Range.Contains(n) {
		return "", 0, false
	}
	return text, n, true
}

// checkListeners: a layer-7 listener proxies the connection, so nodes see the load balancer's
// address instead of the client's and kube-proxy cannot keep the client on one pod; persistence
// that applies to TCP listeners only makes UDP ports worth a warning.
func checkListeners(s *service) {
	l := s.profile().Listener
	if l == nil {
		return
	}
	key, annotation, _ := s.providerAnnotation(l.Key)
	reported := map[string]bool{}
	for i, port := range s.ports() {
		// The controller matches the port's number as decimal text (fmt.Sprintf("%d", port.Port)),
		// so 0x50 is named by "http:80"; messages show the port as written and as read.
		portNumber := node.AsWritten(port, "port")
		number, _ := node.Scalar(portNumber)
		written := number
		if i, ok := node.Int(portNumber); ok {
			number = strconv.FormatInt(i, 10)
			written, _ = node.IntText(portNumber)
		}
		portProtocol, ok := node.Scalar(node.AsWritten(port, "protocol"))
		if !ok {
			portProtocol = "TCP"
		}
		proto, err := listenerProtocol(annotation, number, portProtocol, l)
		switch {
		case err != nil:
			if !reported[err.Error()] {
				reported[err.Error()] = true
				s.errorf(node.AnnotationPath(key), "malformed, so the controller rejects the Service: %v", err)
			}
		case slices.Contains(l.Proxying, proto):
			s.errorf(node.AnnotationPath(key), "port %s has an %s listener, which proxies the connection, so nodes never see the client IP; use tcp:%s", written, proto, number)
		case strings.EqualFold(proto, "udp") && s.profile().Persistence != nil && s.profile().Persistence.TCPOnly:
			s.warnf(portPath(i, "protocol"), "port %s has a UDP listener: load-balancer persistence applies to TCP listeners only", written)
		}
	}
}

// setScheduler: with Local, the CLB controller weights each node by its local pods, and only a
// weighted scheduler uses those weights. Where the profile wants no value, it advises.
func setScheduler(s *service) {
	sch := s.profile().Scheduler
	if sch == nil || s.bypassed() {
		return
	}
	key, value, ok := s.providerAnnotation(sch.Key)
	switch {
	case sch.Want == "" && ok && strings.EqualFold(value, sch.Suggest):
	case sch.Want == "" && ok:
		s.warnf(node.AnnotationPath(key), "scheduler %q: %s; set %q", value, sch.Advice, sch.Suggest)
	case sch.Want == "":
		s.warnf(node.AnnotationPath(sch.Key), "not set: %s; set %q", sch.Advice, sch.Suggest)
	case s.specString("externalTrafficPolicy") != "Local":
	case !ok:
		s.setAnnotation(sch.Key, sch.Want, WhyScheduler)
	case value != sch.Want:
		s.warnf(node.AnnotationPath(key), "scheduler %q ignores the per-node weights that Local sets; %q is recommended", value, sch.Want)
	}
}

// checkAnnotations applies the profile's refusals, range checks and warnings.
func checkAnnotations(s *service) {
	p := s.profile()
	for _, r := range p.Refusals {
		if key, v, ok := s.providerAnnotation(r.Key); ok && (r.Value == "" || v == r.Value) {
			s.errorf(node.AnnotationPath(key), "%q: %s", v, r.Why)
		}
	}
	for _, c := range p.Checks {
		key, v, ok := s.providerAnnotation(c.Key)
		if n, err := strconv.Atoi(v); ok && (err != nil || !c.Range.Contains(n)) {
			s.errorf(node.AnnotationPath(key), "%q is not allowed: %s (%s %s)", v, c.Why, c.Range, c.Unit.Name)
		}
	}
	for _, w := range p.Warnings {
		if key, _, ok := s.providerAnnotation(w.Key); ok {
			s.warnf(node.AnnotationPath(key), "has nothing to do with stickiness: %s", w.Why)
		}
	}
}

// checkNodePorts: load balancers with node backends send traffic to node ports; without them a
// port has no backends (the Alibaba CCM never reads allocateLoadBalancerNodePorts).
func checkNodePorts(s *service) {
	if !s.profile().NodePortBackends || s.bypassed() {
		return
	}
	if allocate, ok := node.Bool(s.get("spec", "allocateLoadBalancerNodePorts")); !ok || allocate {
		return
	}
	for i, port := range s.ports() {
		if node.IsNull(node.AsWritten(port, "nodePort")) {
			s.errorf(portPath(i, "nodePort"), "allocateLoadBalancerNodePorts is false and this port has no nodePort, but the load balancer sends traffic to node ports; set a nodePort or remove allocateLoadBalancerNodePorts")
		}
	}
}

// warnShortTimeout: kube-proxy forgetting a client before the load balancer does sends it to
// another pod behind the same node.
func warnShortTimeout(s *service) {
	p := s.profile().Persistence
	if p == nil || s.cfg.ClientIPTimeoutSeconds >= s.cfg.PersistenceTimeoutSeconds {
		return
	}
	s.warnf(timeoutPath, "%d is shorter than the load balancer's persistence of %d seconds: kube-proxy forgets a client's pod first; set %s",
		s.cfg.ClientIPTimeoutSeconds, s.cfg.PersistenceTimeoutSeconds, clientIPKnob(s, s.cfg.PersistenceTimeoutSeconds))
}

// clientIPKnob says how the user gives this Service a client-IP timeout of n: the knob that wins
// here. The Service's override annotation when it is in force (a flag would change nothing), the
// Service's own timeoutSeconds when the rules kept it, else the config key as the user sets it.
func clientIPKnob(s *service, n int) string {
	switch {
	case s.cfg.Sources.ClientIPTimeout == config.FromOverride:
		return fmt.Sprintf("annotation %s: \"%d\" on this Service", config.ClientIPTimeoutAnnotation, n)
	case s.kept.clientIP:
		return fmt.Sprintf("%s: %d on this Service", timeoutPath, n)
	}
	return s.cfg.Origin.Knob("clientIPTimeoutSeconds", strconv.Itoa(n))
}
