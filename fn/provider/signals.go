package provider

import (
	"slices"
	"sort"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// Auto is the value of the `provider` key (and the default) that reads each Service's provider
// from the Service itself: its loadBalancerClass and the annotation families of Signals.
const Auto = "auto"

// Signal is something in a Service that names the load balancer controller meant to handle it: a
// spec.loadBalancerClass value, or annotation keys under a prefix. Exactly one of Class and Prefix
// is set.
type Signal struct {
	Class  string
	Prefix string
	// Provider is the profile the signal implies.
	Provider string
	// Family groups the signals of one controller (or of controllers that share a profile).
	// Signals of two families on one Service contradict each other.
	Family string
	// Controller names what reads the signal, for the signal table in docs/providers.md.
	Controller string
	// Source is where the class or the annotation family is documented.
	Source string
}

// Signals is every signal the provider inference reads, in the order families are reported.
// A class is read before annotations: it decides the controller (the API server keeps it
// immutable), so within a family a class names the provider and annotations only the family.
var Signals = []Signal{
	{Class: "alibabacloud.com/nlb", Provider: "alibaba-nlb", Family: "alibaba", Controller: "Alibaba CCM (NLB)",
		Source: "kubernetes/cloud-provider-alibaba-cloud helper/service_utils.go NeedNLB"},
	{Prefix: alibabaPrefix, Provider: "alibaba", Family: "alibaba", Controller: "Alibaba CCM",
		Source: "kubernetes/cloud-provider-alibaba-cloud reconcile/annotation/annotations.go (prefix alibaba-cloud)"},
	{Prefix: alicloudPrefix, Provider: "alibaba", Family: "alibaba", Controller: "Alibaba CCM (legacy prefix)",
		Source: "kubernetes/cloud-provider-alibaba-cloud reconcile/annotation/annotations.go (prefix alicloud, read after alibaba-cloud)"},
	{Prefix: eniBackends, Provider: "alibaba", Family: "alibaba", Controller: "Alibaba CCM (backend type)",
		Source: "kubernetes/cloud-provider-alibaba-cloud helper/service_utils.go IsENIBackendType; ACK CLB annotation docs"},

	{Class: "service.k8s.aws/nlb", Provider: "aws", Family: "aws", Controller: "aws-load-balancer-controller",
		Source: "kubernetes-sigs/aws-load-balancer-controller docs/guide/service/nlb.md (loadBalancerClass)"},
	{Prefix: awsPrefix, Provider: "aws", Family: "aws", Controller: "aws-load-balancer-controller, legacy in-tree AWS provider",
		Source: "kubernetes-sigs/aws-load-balancer-controller docs/guide/service/annotations.md; in-tree pkg/cloudprovider/providers/aws"},

	{Class: "networking.gke.io/l4-regional-external", Provider: "gke", Family: "gke", Controller: "GKE",
		Source: "GKE docs, LoadBalancer Service parameters (spec.loadBalancerClass)"},
	{Class: "networking.gke.io/l4-regional-internal", Provider: "gke", Family: "gke", Controller: "GKE",
		Source: "GKE docs, LoadBalancer Service parameters (spec.loadBalancerClass)"},
	{Prefix: "networking.gke.io/", Provider: "gke", Family: "gke", Controller: "GKE",
		Source: "GKE docs, LoadBalancer Service parameters (networking.gke.io/load-balancer-type: Internal)"},
	{Prefix: "cloud.google.com/", Provider: "gke", Family: "gke", Controller: "GKE",
		Source: "GKE docs, LoadBalancer Service parameters (cloud.google.com/l4-rbs, network-tier, neg)"},

	{Prefix: "service.beta.kubernetes.io/azure-", Provider: "azure", Family: "azure", Controller: "cloud-provider-azure",
		Source: "kubernetes-sigs/cloud-provider-azure docs/services/README.md (LoadBalancer annotations, service.beta.kubernetes.io/azure-load-balancer-*)"},

	{Prefix: "kubernetes.io/elb.", Provider: "huawei", Family: "huawei", Controller: "Huawei CCE / cloud-provider-huaweicloud",
		Source: "kubernetes-sigs/cloud-provider-huaweicloud docs/usage-guide.md (kubernetes.io/elb.class); CCE Service annotation docs"},
	{Prefix: "kubernetes.io/session-affinity-mode", Provider: "huawei", Family: "huawei", Controller: "Huawei CCE (legacy session affinity key)",
		Source: "huaweicloudDocs/cce LoadBalancer guide (kubernetes.io/session-affinity-mode: SOURCE_IP)"},

	{Prefix: "metallb.universe.tf/", Provider: "generic", Family: "bare-metal", Controller: "MetalLB",
		Source: "metallb/metallb controller (metallb.universe.tf/address-pool, allow-shared-ip)"},
	{Prefix: "metallb.io/", Provider: "generic", Family: "bare-metal", Controller: "MetalLB (0.14+ keys)",
		Source: "metallb/metallb (metallb.io/address-pool, metallb.io/loadBalancerIPs)"},
	{Class: "kube-vip.io/kube-vip-class", Provider: "generic", Family: "bare-metal", Controller: "kube-vip cloud provider",
		Source: "kube-vip/kube-vip-cloud-provider README (loadbalancerClass kube-vip.io/kube-vip-class)"},
	{Prefix: "kube-vip.io/", Provider: "generic", Family: "bare-metal", Controller: "kube-vip",
		Source: "kube-vip docs, Kubernetes Load-Balancer service (kube-vip.io/loadbalancerIPs)"},
	{Prefix: "lb.kubesphere.io/", Provider: "generic", Family: "bare-metal", Controller: "OpenELB",
		Source: "openelb/openelb docs (lb.kubesphere.io/v1alpha1: openelb)"},
	{Prefix: "protocol.openelb.kubesphere.io/", Provider: "generic", Family: "bare-metal", Controller: "OpenELB",
		Source: "openelb/openelb docs (protocol.openelb.kubesphere.io/v1alpha1: layer2 or bgp)"},
	{Prefix: "eip.openelb.kubesphere.io/", Provider: "generic", Family: "bare-metal", Controller: "OpenELB",
		Source: "openelb/openelb constants (eip.openelb.kubesphere.io/v1alpha2)"},
}

// Evidence is the signal one family has on a Service: its class, or else the first of its
// annotation keys in sorted order.
type Evidence struct {
	Signal
	// Key is the annotation key; "" when the class is the evidence.
	Key string
}

// What names the evidence for people: `loadBalancerClass kube-vip.io/kube-vip-class`, or
// `annotation metallb.io/address-pool`.
func (e Evidence) What() string {
	if e.Key == "" {
		return "loadBalancerClass " + e.Class
	}
	return "annotation " + e.Key
}

// Path is the evidence's field path.
func (e Evidence) Path() string {
	if e.Key == "" {
		return "spec.loadBalancerClass"
	}
	return node.AnnotationPath(e.Key)
}

// Families lists the signal families in the order of Signals.
func Families() []string {
	var out []string
	for _, s := range Signals {
		if !slices.Contains(out, s.Family) {
			out = append(out, s.Family)
		}
	}
	return out
}

// Find returns the evidence of each family present on a Service with loadBalancerClass class and
// these annotation keys, in the order of Families. More than one is a contradiction.
func Find(class string, keys []string) []Evidence {
	sorted := slices.Clone(keys)
	sort.Strings(sorted)
	var found []Evidence
	for _, family := range Families() {
		if e, ok := familyEvidence(family, class, sorted); ok {
			found = append(found, e)
		}
	}
	return found
}

func familyEvidence(family, class string, sortedKeys []string) (Evidence, bool) {
	for _, s := range Signals {
		if s.Family == family && s.Class != "" && s.Class == class {
			return Evidence{Signal: s}, true
		}
	}
	for _, k := range sortedKeys {
		for _, s := range Signals {
			if s.Family == family && s.Prefix != "" && strings.HasPrefix(k, s.Prefix) {
				return Evidence{Signal: s, Key: k}, true
			}
		}
	}
	return Evidence{}, false
}

// FamilyOf is the signal family of provider name: the family of its signals, or its own name
// when no signal implies it.
func FamilyOf(name string) string {
	for _, s := range Signals {
		if s.Provider == name {
			return s.Family
		}
	}
	return name
}

// Agrees reports whether provider name may handle a Service whose evidence is e: it belongs to
// e's family, and when e is a class, it is the class's provider. Annotations name the family only:
// the Alibaba NLB reads the Alibaba CLB's annotation prefix too.
func Agrees(name string, e Evidence) bool {
	if FamilyOf(name) != e.Family {
		return false
	}
	return e.Key != "" || e.Provider == name
}
