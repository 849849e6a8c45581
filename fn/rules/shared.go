package rules

import "strings"

// What the rules check, as data that fn/policy turns into the ValidatingAdmissionPolicy's CEL, so
// that render time and admission time check the same things and explain them in the same words.
// The rules below read these too: change a value here and both follow.

// Why each Kubernetes field is set (the text after "want ...:" in a result).
const (
	WhyClientIP     = "kube-proxy keeps each client IP on one pod"
	WhyTimeout      = "how long kube-proxy remembers a client's pod"
	WhyLocal        = "keeps the client IP, which Cluster replaces with a node address, so affinity keys on the real client"
	WhyScheduler    = "Local weights nodes by their pods, and the default scheduler ignores weights"
	WhyExternal     = "ExternalName Services are not proxied by kube-proxy, so session affinity cannot apply"
	WhyHeadless     = "a headless Service (clusterIP: None) is not proxied by kube-proxy, so session affinity cannot apply"
	WhyLBField      = "may not be used when type is ClusterIP, so the API server rejects the Service"
	WhyLBAnnotation = "is a load-balancer annotation, and no controller acts on it when type is ClusterIP"
	FixLBOnly       = "remove it, or set spec.type: LoadBalancer (a cloud load balancer, possibly reachable from the internet)"
	WhyPromote      = "this creates a cloud load balancer, possibly reachable from the internet"
	WhyLegacy       = "which the controller reads first"
	UnderSelector   = underSelector
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
