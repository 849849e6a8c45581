package rules

import (
	"slices"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// What the rules check, as data that fn/policy turns into the ValidatingAdmissionPolicy's CEL, so
// that render time and admission time check the same things and explain them in the same words.
// The rules below read these too: change a value here and both follow.

// Why each Kubernetes field is set (the text after "want ...:" in a result).
const (
	WhyClientIP     = "kube-proxy keeps each client IP on one pod"
	WhyTimeout      = "how long kube-proxy remembers a client's pod"
	WhyLocal        = "keeps the client IP, which Cluster replaces with a node address, so affinity keys on the real client"
	WhyLocalProxied = "keeps the source IP, which Cluster replaces with a node address; behind a proxy that is the proxy's address, not the client's"
	// WhyNodePortLocal: Local in k8s.io/api core/v1 types.go ("dropping the traffic if there are
	// no local endpoints").
	WhyNodePortLocal = "with Local, a node without a ready pod of this Service drops the traffic sent to its node port: send clients only to nodes that run a pod, or use a LoadBalancer, whose health checks skip such nodes"
	WhyScheduler     = "Local weights nodes by their pods, and the default scheduler ignores weights"
	WhyExternal      = "ExternalName Services are not proxied by kube-proxy, so session affinity cannot apply"
	WhyHeadless      = "a headless Service (clusterIP: None) is not proxied by kube-proxy, so session affinity cannot apply"
	WhyLBField       = "may not be used when type is ClusterIP, so the API server rejects the Service"
	WhyLBAnnotation  = "is a load-balancer annotation, and no controller acts on it when type is ClusterIP"
	FixLBOnly        = "remove it, or set spec.type: LoadBalancer (a cloud load balancer, possibly reachable from the internet)"
	WhyPromote       = "this creates a cloud load balancer, possibly reachable from the internet"
	WhyLegacy        = "which the controller reads first"
	UnderSelector    = underSelector
	// WhyOneController ends the error for signals of two load balancer controllers.
	WhyOneController = "one load balancer controller handles a Service, so remove the class or annotations of the controllers that do not handle it"
)

// MisplacedKeys maps each affinity key the rules move out of spec.selector (or from beside spec)
// to its place under spec, as a dotted path below spec.
func MisplacedKeys() map[string]string {
	out := make(map[string]string, len(affinityPlace))
	for k, place := range affinityPlace {
		out[k] = strings.Join(place, ".")
	}
	return out
}

// LoadBalancerAnnotationPrefixes are the annotation prefixes of every provider's load-balancer
// controller, sorted: on a ClusterIP Service such an annotation is inert.
func LoadBalancerAnnotationPrefixes() []string {
	var prefixes []string
	for _, name := range provider.Names() {
		p, _ := provider.Lookup(name)
		for _, prefix := range p.Prefixes {
			if !slices.Contains(prefixes, prefix) {
				prefixes = append(prefixes, prefix)
			}
		}
	}
	slices.Sort(prefixes)
	return prefixes
}

// LoadBalancerAnnotation reports whether key belongs to any provider's load-balancer controller.
func LoadBalancerAnnotation(key string) bool {
	for _, prefix := range LoadBalancerAnnotationPrefixes() {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// LoadBalancerOnlySpecField reports whether spec.<key> is a field a ClusterIP Service may not
// carry (without externalIPs, for externalTrafficPolicy). loadBalancerIP is not one: the API
// server accepts it on any type (ValidateService checks only its format).
func LoadBalancerOnlySpecField(key string) bool {
	switch {
	case key == "loadBalancerIP":
		return false
	case key == "healthCheckNodePort", key == "externalTrafficPolicy", key == "allocateLoadBalancerNodePorts",
		strings.HasPrefix(key, "loadBalancer"):
		return true
	}
	return false
}
