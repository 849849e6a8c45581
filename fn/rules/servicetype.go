package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// checkType applies the type rules. kube-proxy does not proxy ExternalName or headless Services
// (ShouldSkipService in pkg/proxy/util), so affinity cannot work there. A ClusterIP Service gets
// in-cluster affinity only; with load-balancer fields it is a manifest the API server rejects
// (pkg/apis/core/validation: ValidateService), which promoteToLoadBalancer turns into a
// LoadBalancer Service.
func checkType(s *service) {
	switch t := s.serviceType(); t {
	case "ExternalName":
		s.errorf("spec.type", "%s", WhyExternal)
		s.stopped = true
	case "ClusterIP", "NodePort", "LoadBalancer":
		if s.specString("clusterIP") == "None" {
			s.errorf("spec.clusterIP", "%s", WhyHeadless)
			s.stopped = true
			return
		}
		if t == "ClusterIP" {
			checkClusterIP(s)
		}
	default:
		s.errorf("spec.type", "%q is not a Service type; allowed ClusterIP, NodePort, LoadBalancer, ExternalName", t)
		s.stopped = true
	}
}

func checkClusterIP(s *service) {
	fields := loadBalancerOnlyFields(s)
	switch {
	case len(fields) == 0:
		s.infof("spec.type", "ClusterIP: affinity holds for clients inside the cluster only; no load balancer or node port is involved")
	case s.cfg.PromoteToLoadBalancer:
		s.changed(fn.Warning, "spec.type", fmt.Sprintf(
			"promoteToLoadBalancer is set and the Service carries load-balancer fields (%s); %s",
			strings.Join(fields, ", "), WhyPromote), Change{Current: valueOf(s.get("spec", "type")), Proposed: "LoadBalancer"})
		node.SetScalar(s.spec(), "type", "LoadBalancer", yaml.NodeTagString)
		s.promoted = true
	default:
		for _, f := range fields {
			why := WhyLBField
			if strings.HasPrefix(f, "metadata.annotations") {
				why = WhyLBAnnotation
			}
			s.errorf(f, "%s; %s", why, FixLBOnly)
		}
	}
}

// loadBalancerOnlyFields lists the fields a ClusterIP Service may not carry: those the API server
// rejects, and the provider's load-balancer annotations, which nothing would act on.
func loadBalancerOnlyFields(s *service) []string {
	var fields []string
	for i, p := range s.ports() {
		if !node.IsNull(node.Get(p, "nodePort")) {
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
			fields = append(fields, "spec."+f.Key)
		}
	}
	var annotations []string
	for _, f := range node.Fields(s.get("metadata", "annotations")) {
		if s.profile().OwnsAnnotation(f.Key) {
			annotations = append(annotations, annotationPath(f.Key))
		}
	}
	sort.Strings(annotations)
	return append(fields, annotations...)
}
