package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/selection"
)

// checkType applies the type rules. kube-proxy does not proxy ExternalName or headless Services
// (ShouldSkipService in pkg/proxy/util), so affinity cannot work there. A ClusterIP Service gets
// in-cluster affinity only; with load-balancer fields it is a manifest the API server rejects
// (pkg/apis/core/validation: ValidateService), which promoteToLoadBalancer turns into a
// LoadBalancer Service.
func checkType(s *service) {
	switch t := s.serviceType(); t {
	case "ExternalName":
		unsupported(s, "spec.type", WhyExternal)
	case "ClusterIP", "NodePort", "LoadBalancer":
		if s.specString("clusterIP") == "None" {
			unsupported(s, "spec.clusterIP", WhyHeadless)
			return
		}
		// ValidateService (pkg/apis/core/validation): every Service but ExternalName and headless
		// ones needs a port: `spec.ports: Required value`.
		if node.IsNull(s.get("spec", "ports")) || len(s.ports()) == 0 && s.get("spec", "ports").Kind == yaml.SequenceNode {
			s.errorf("spec.ports", "Required value: a %s Service needs at least one port, so the API server rejects the Service; add a port, or leave this Service out of the selector", t)
			s.stopped = true
			return
		}
		checkPortNames(s)
		switch t {
		case "ClusterIP":
			checkClusterIP(s)
		case "NodePort":
			checkNodePortType(s)
		}
	default:
		s.errorf("spec.type", "%q is not a Service type; allowed ClusterIP, NodePort, LoadBalancer, ExternalName", t)
		s.stopped = true
	}
}

// unsupported reports a selected Service where affinity cannot apply: an error naming the option
// that passes it through and a selector that leaves it out (see Advise), or with onUnsupported:
// skip a warning.
func unsupported(s *service, path, why string) {
	s.stopped = true
	if s.cfg.OnUnsupported == config.UnsupportedSkip {
		// Passed through as it came: this warning replaces what earlier steps found (a misplaced
		// key, say), so validate mode passes it and the admission policy can leave it alone.
		s.findings = []Finding{{Severity: fn.Warning, Path: path, Message: why + "; passed through unchanged (onUnsupported is skip)"}}
		s.skipped = true
		return
	}
	u := &Unsupported{Why: why, Labels: selection.Labels(s.obj)}
	s.findings = append(s.findings, Finding{Severity: fn.Error, Path: path, Unsupported: u,
		Message: Advise(s.cfg, []Peer{{Labels: u.Labels, Unsupported: u}})[0]})
}

func checkClusterIP(s *service) {
	fields, annotations := loadBalancerSpecFields(s), loadBalancerAnnotations(s)
	all := append(append([]string{}, fields...), annotations...)
	// The API server accepts loadBalancerIP on any type (ValidateService checks only its format;
	// kube-apiserver v1.37 answers 201), but nothing acts on it without a load balancer.
	if ip, _ := node.Scalar(s.get("spec", "loadBalancerIP")); ip != "" && !(s.cfg.PromoteToLoadBalancer && len(all) > 0) {
		s.warnf("spec.loadBalancerIP", "%q is ignored when type is ClusterIP: no load balancer exists to take it", ip)
	}
	switch {
	case s.cfg.PromoteToLoadBalancer && len(all) > 0:
		s.changed(fn.Warning, "spec.type", fmt.Sprintf(
			"the Service carries load-balancer fields (%s) and %s promotes it; %s",
			strings.Join(all, ", "), s.cfg.Origin.Knob("promoteToLoadBalancer", "true"), WhyPromote), change(s.get("spec", "type"), "LoadBalancer"))
		node.SetScalar(s.spec(), "type", "LoadBalancer", yaml.NodeTagString)
		s.promoted = true
		return
	case len(fields) == 0:
		s.infof("spec.type", "ClusterIP: affinity holds for clients inside the cluster only; no load balancer or node port is involved")
	}
	for _, f := range fields {
		s.errorf(f, "%s; remove it, or make this a LoadBalancer Service with %s", WhyLBField, s.cfg.Origin.Knob("promoteToLoadBalancer", "true"))
	}
	// The API server accepts any annotation, and nothing breaks: the annotation only waits for a
	// load balancer (issue 17: the trustee chart's ClusterIP carries gateway-slb-intranet).
	for _, a := range annotations {
		s.warnf(a, "%s; remove it, or make this a LoadBalancer Service with %s", WhyLBAnnotation, s.cfg.Origin.Knob("promoteToLoadBalancer", "true"))
	}
}

// checkNodePortType: ValidateService (pkg/apis/core/validation) rejects these on a NodePort
// Service: healthCheckNodePort ("may only be set when type is LoadBalancer and
// externalTrafficPolicy is Local"), allocateLoadBalancerNodePorts, loadBalancerClass and
// loadBalancerSourceRanges ("may only be used when type is LoadBalancer"). The validator's
// TestAPIClaimsMatchTheServer holds this list to the API's code.
func checkNodePortType(s *service) {
	for _, key := range []string{"healthCheckNodePort", "allocateLoadBalancerNodePorts", "loadBalancerClass", "loadBalancerSourceRanges"} {
		if !node.IsNull(s.get("spec", key)) {
			s.errorf(node.PathField("spec", key), "may not be used when type is NodePort, so the API server rejects the Service; remove it, or set type: LoadBalancer")
		}
	}
	if sourceRangesAnnotationInForce(s) {
		s.errorf(node.AnnotationPath(SourceRangesAnnotation), "may not be used when type is NodePort, so the API server rejects the Service; remove it, or set type: LoadBalancer")
	}
}

// loadBalancerOnlyFields lists what makes a ClusterIP Service a load balancer's: the spec fields
// of loadBalancerSpecFields, then the annotations of loadBalancerAnnotations. With
// promoteToLoadBalancer, any of them promotes the Service.
func loadBalancerOnlyFields(s *service) []string {
	return append(loadBalancerSpecFields(s), loadBalancerAnnotations(s)...)
}

// loadBalancerSpecFields lists the fields a ClusterIP Service may not carry, which the API server
// rejects (ValidateService: nodePort, healthCheckNodePort, externalTrafficPolicy without
// externalIPs, allocateLoadBalancerNodePorts, loadBalancerSourceRanges, loadBalancerClass), and
// the source-ranges annotation when the server reads it. loadBalancerIP is not one: the server
// accepts it on any type.
func loadBalancerSpecFields(s *service) []string {
	var fields []string
	for i, p := range s.ports() {
		if !node.IsNull(node.AsWritten(p, "nodePort")) {
			fields = append(fields, portPath(i, "nodePort"))
		}
	}
	externalIPs := s.get("spec", "externalIPs")
	for _, f := range node.Fields(s.get("spec")) {
		switch {
		case node.IsNull(f.Value):
		case f.Key == "externalTrafficPolicy" && externalIPs != nil && len(externalIPs.Content) > 0:
			// externalIPs make a ClusterIP Service externally accessible, and then it is allowed.
		case LoadBalancerOnlySpecField(f.Key):
			fields = append(fields, node.PathField("spec", f.Key))
		}
	}
	if sourceRangesAnnotationInForce(s) {
		fields = append(fields, node.AnnotationPath(SourceRangesAnnotation))
	}
	return fields
}

// loadBalancerAnnotations lists, sorted, the annotations of any known load-balancer controller
// on the Service: the same under every provider, since which cloud a chart was written for does
// not change that nothing acts on them while the type is ClusterIP.
func loadBalancerAnnotations(s *service) []string {
	var annotations []string
	for _, f := range node.Fields(s.get("metadata", "annotations")) {
		if LoadBalancerAnnotation(f.Key) {
			annotations = append(annotations, node.AnnotationPath(f.Key))
		}
	}
	sort.Strings(annotations)
	return annotations
}

// checkPortNames: ValidateService (pkg/apis/core/validation, validateServicePort) requires a name
// on each port of a Service with more than one, and no name twice; the ServicePort API documents
// it ("Optional if only one ServicePort is defined on this service").
func checkPortNames(s *service) {
	ports := s.ports()
	if len(ports) < 2 {
		return
	}
	seen := map[string]bool{}
	for i, port := range ports {
		name, _ := node.Scalar(node.AsWritten(port, "name"))
		switch {
		case name == "":
			s.errorf(portPath(i, "name"), "Required value: a Service with more than one port needs a name on each, so the API server rejects the Service; name the port")
		case seen[name]:
			s.errorf(portPath(i, "name"), "Duplicate value %q: port names must differ, so the API server rejects the Service; rename the port", name)
		}
		seen[name] = true
	}
}
