package rules

import (
	"slices"
	"sort"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// loadBalancer applies the provider's load-balancer rules to a LoadBalancer Service. Each rule
// reads its part of the profile and does nothing when the provider has none.
func loadBalancer(s *service) {
	if s.serviceType() != "LoadBalancer" {
		return
	}
	checkClass(s)
	setPersistence(s)
	checkListeners(s)
	setScheduler(s)
	warnObsolete(s)
	checkNodePorts(s)
}

// checkClass: a controller that skips Services with a loadBalancerClass never configures them.
func checkClass(s *service) {
	controller := s.profile().ClassController
	if class, ok := node.Scalar(s.get("spec", "loadBalancerClass")); ok && controller != "" {
		s.errorf("spec.loadBalancerClass", "%s ignores Services with a loadBalancerClass (%q), so none of its annotations take effect; remove the field or choose the provider of that class",
			controller, class)
	}
}

// setPersistence sets the load balancer's session persistence, which keeps each client on one
// node, under the current prefix; a legacy key would be read second and is replaced.
func setPersistence(s *service) {
	p := s.profile().Persistence
	if p == nil {
		return
	}
	keys := s.profile().Keys(p.Annotation)
	want := s.cfg.PersistenceTimeoutSeconds
	s.setAnnotation(keys[0], strconv.Itoa(want), "the load balancer keeps each client on one node for this many seconds (TCP listeners)")
	for _, legacy := range keys[1:] {
		if v := s.get("metadata", "annotations", legacy); v != nil {
			node.Remove(s.get("metadata", "annotations"), legacy)
			s.changed(fn.Warning, annotationPath(legacy), "replaced by "+keys[0]+", which the controller reads first",
				Change{Current: valueOf(v)})
		}
	}
	if s.cfg.ClientIPTimeoutSeconds < want {
		s.warnf(timeoutPath, "%d is shorter than the load balancer's persistence of %d seconds: kube-proxy forgets a client's pod first",
			s.cfg.ClientIPTimeoutSeconds, want)
	}
}

// checkListeners: a layer-7 listener proxies the connection, so nodes see the load balancer's
// address instead of the client's and kube-proxy cannot keep the client on one pod; persistence
// applies to TCP listeners only, so UDP ports get a warning.
func checkListeners(s *service) {
	l := s.profile().Listener
	if l == nil {
		return
	}
	key, annotation, _ := s.providerAnnotation(l.Annotation)
	reported := map[string]bool{}
	for i, port := range s.ports() {
		number, _ := node.Scalar(node.Get(port, "port"))
		portProtocol, ok := node.Scalar(node.Get(port, "protocol"))
		if !ok {
			portProtocol = "TCP"
		}
		proto, err := listenerProtocol(annotation, number, portProtocol, l.Protocols)
		switch {
		case err != nil:
			if !reported[err.Error()] {
				reported[err.Error()] = true
				s.errorf(annotationPath(key), "malformed, so the controller rejects the Service: %v", err)
			}
		case slices.Contains(l.Proxying, proto):
			s.errorf(annotationPath(key), "port %s has an %s listener, which proxies the connection, so nodes never see the client IP; use tcp:%s", number, proto, number)
		case proto == "udp":
			s.warnf(portPath(i, "protocol"), "port %s has a UDP listener: load-balancer persistence applies to TCP listeners only", number)
		}
	}
}

// setScheduler: with Local, the controller weights each node by its local pods, and only a
// weighted scheduler uses those weights.
func setScheduler(s *service) {
	sch := s.profile().Scheduler
	if sch.Annotation == "" || s.podBackends() || s.specString("externalTrafficPolicy") != "Local" {
		return
	}
	key, value, ok := s.providerAnnotation(sch.Annotation)
	switch {
	case !ok:
		s.setAnnotation(s.profile().Key(sch.Annotation), sch.Want, "Local weights nodes by their pods, and the default scheduler ignores weights")
	case value != sch.Want:
		s.warnf(annotationPath(key), "scheduler %q ignores the per-node weights that Local sets; %q is recommended", value, sch.Want)
	}
}

func warnObsolete(s *service) {
	names := make([]string, 0, len(s.profile().Obsolete))
	for a := range s.profile().Obsolete {
		names = append(names, string(a))
	}
	sort.Strings(names)
	for _, name := range names {
		if key, _, ok := s.providerAnnotation(provider.Annotation(name)); ok {
			s.warnf(annotationPath(key), "has nothing to do with stickiness: %s", s.profile().Obsolete[provider.Annotation(name)])
		}
	}
}

// checkNodePorts: load balancers with node backends send traffic to node ports; without them a
// port has no backends (the Alibaba CCM never reads allocateLoadBalancerNodePorts).
func checkNodePorts(s *service) {
	if !s.profile().NodePortBackends || s.podBackends() {
		return
	}
	if v, _ := node.Scalar(s.get("spec", "allocateLoadBalancerNodePorts")); v != "false" {
		return
	}
	for i, port := range s.ports() {
		if node.IsNull(node.Get(port, "nodePort")) {
			s.errorf(portPath(i, "nodePort"), "allocateLoadBalancerNodePorts is false and this port has no nodePort, but the load balancer sends traffic to node ports; set a nodePort or remove allocateLoadBalancerNodePorts")
		}
	}
}
