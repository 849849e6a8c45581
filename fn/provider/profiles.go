package provider

// Each profile cites its sources; the provider table in docs/providers.md repeats them.

const (
	alibabaPrefix  = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
	alicloudPrefix = "service.beta.kubernetes.io/alicloud-loadbalancer-"
	// eniBackends makes the Alibaba controllers attach pod IPs instead of nodes
	// (IsENIBackendType in helper/service_utils.go, buildENIBackends in clbv1/vgroups.go).
	eniBackends = "service.beta.kubernetes.io/backend-type"
)

var alibabaBypass = &Bypass{
	Matches:  []Match{{Key: eniBackends, Value: "eni"}},
	Affinity: true,
	Why:      "with backend-type eni the load balancer sends traffic straight to pods, bypassing kube-proxy",
}

// Alibaba is ACK with a Classic Load Balancer (CLB, formerly SLB), configured by the
// cloud-controller-manager (CCM, kubernetes/cloud-provider-alibaba-cloud) from annotations:
//   - prefixes, current before legacy: reconcile/annotation/annotations.go (Get);
//   - any loadBalancerClass makes the CLB controller skip the Service: helper/service_utils.go (NeedCLB);
//   - persistence-timeout in seconds, on TCP listeners only: clbv1/listeners.go, slb/listener.go
//     (setTCPListenerValue); 0..3600 in the ACK CLB annotation docs, 0 meaning off;
//   - protocol-port, lowercase http|https|tcp|udp: clbv1/listeners.go (protocol);
//   - scheduler default rr ignores the pod-count weights Local sets; wrr uses them:
//     clbv1/listeners.go (setDefaultValueForListener), ACK Service FAQ;
//   - spec only matters under pay-by-spec billing, no longer the default: clbv1/loadbalancer.go.
var Alibaba = register(&Profile{
	Name:     "alibaba",
	Summary:  "ACK Classic Load Balancer: TCP persistence-timeout, wrr scheduler, Local, ClientIP",
	Prefixes: []string{alibabaPrefix, alicloudPrefix, eniBackends},
	Legacy:   map[string]string{alibabaPrefix: alicloudPrefix},
	Controller: &Controller{
		Name:    "the Alibaba CLB controller",
		Classes: []string{""},
	},
	Persistence: &Persistence{Range: Range{Min: 1, Max: 3600}, Unit: Seconds, TCPOnly: true},
	Annotations: []Set{{
		Key: alibabaPrefix + "persistence-timeout", Persistence: true,
		Why: "the load balancer keeps each client on one node for this many seconds (TCP listeners)",
	}},
	Bypass: alibabaBypass,
	Listener: &Listener{
		Key:         alibabaPrefix + "protocol-port",
		Protocols:   []string{"http", "https", "tcp", "udp"},
		Proxying:    []string{"http", "https"},
		Unsupported: "port protocol format must be either [http|https|tcp|udp], protocol not supported wit [%s]",
	},
	Scheduler: &Scheduler{Key: alibabaPrefix + "scheduler", Want: "wrr"},
	Warnings: []Warning{{
		Key: alibabaPrefix + "spec",
		Why: "it sets the instance size, not the listener protocol, and is ignored under the default pay-by-CLCU billing",
	}},
	NodePortBackends: true,
})

// AlibabaNLB is ACK with a Network Load Balancer, which the CCM's NLB controller handles for
// Services of class alibabacloud.com/nlb (NeedNLB in helper/service_utils.go; the class is
// immutable). It parses no persistence or sticky annotation (nlbv2); stickiness at the NLB is a
// source-IP hash scheduler, which remaps part of the clients when backends change. Listener
// protocols are TCP, UDP or TCPSSL, case-insensitive (nlbListenerProtocol in nlbv2/listeners.go).
var AlibabaNLB = register(&Profile{
	Name:     "alibaba-nlb",
	Summary:  "ACK Network Load Balancer: Local, ClientIP; no persistence timeout exists",
	Prefixes: []string{alibabaPrefix, alicloudPrefix, eniBackends},
	Legacy:   map[string]string{alibabaPrefix: alicloudPrefix},
	Controller: &Controller{
		Name:    "the Alibaba NLB controller",
		Classes: []string{"alibabacloud.com/nlb"},
	},
	Bypass: alibabaBypass,
	Listener: &Listener{
		Key:             alibabaPrefix + "protocol-port",
		Protocols:       []string{"TCP", "UDP", "TCPSSL"},
		CaseInsensitive: true,
		Unsupported:     "port protocol format must be either [TCP|UDP|TCPSSL], protocol not supported with [%s]",
	},
	Scheduler: &Scheduler{
		Key:    alibabaPrefix + "scheduler",
		Advice: "the NLB has no session persistence timeout; only a source-IP hash scheduler keeps a client on one backend, and a hash remaps part of the clients whenever backends change (scaling, node drains)",
		// sch is source-IP hash in the ACK annotation docs (values rr, wrr, sch, tch, qch); the
		// CCM passes the value to the server group unchecked (nlbv2 server group).
		Suggest: "sch",
	},
	Notes: []string{"an NLB has no session persistence timeout; persistenceTimeoutSeconds does not apply"},
})

const (
	awsPrefix       = "service.beta.kubernetes.io/aws-load-balancer-"
	awsType         = awsPrefix + "type"
	awsTargetType   = awsPrefix + "nlb-target-type"
	awsTargetGroups = awsPrefix + "target-group-attributes"
)

// AWS is an NLB from the aws-load-balancer-controller (LBC; kubernetes-sigs/aws-load-balancer-controller
// docs/guide/service/annotations.md): source-IP stickiness is a target group attribute, with no
// timeout. ip targets reach pods directly; instance targets go through node ports and kube-proxy.
// The legacy in-tree AWS provider refuses ClientIP ("unsupported load balancer affinity:
// ClientIP", EnsureLoadBalancer in pkg/cloudprovider/providers/aws/aws.go), so a Service the
// LBC does not handle is refused.
var AWS = register(&Profile{
	Name:     "aws",
	Summary:  "aws-load-balancer-controller NLB: source_ip stickiness target group attribute; Local and ClientIP with instance targets",
	Prefixes: []string{awsPrefix},
	Controller: &Controller{
		Name:    "the aws-load-balancer-controller",
		Classes: []string{"", "service.k8s.aws/nlb"},
		Markers: []Match{{Key: awsType, Value: "external"}, {Key: awsType, Value: "nlb-ip"}},
		// nlb-ip is the LBC's older marker value, deprecated for external plus nlb-target-type ip
		// (docs/guide/service/annotations.md); both hand the Service over, as the class does.
		Unhandled: "no aws-load-balancer-controller marker (loadBalancerClass service.k8s.aws/nlb, annotation " + awsType + ": external, or its deprecated value nlb-ip), " +
			"so the legacy in-tree AWS provider would handle the Service, and it refuses sessionAffinity: ClientIP; add annotation " + awsType + ": external " +
			"(the controller then uses instance targets, or ip targets with " + awsTargetType + ": ip)",
	},
	Annotations: []Set{{
		Key: awsTargetGroups, Format: ListItems,
		Items: []string{"stickiness.enabled=true", "stickiness.type=source_ip"},
		Why:   "the NLB keeps each client IP on one target",
	}},
	Bypass: &Bypass{
		Matches:  []Match{{Key: awsTargetType, Value: "ip"}, {Key: awsType, Value: "nlb-ip"}},
		Affinity: false,
		Why:      "ip targets receive traffic from the NLB directly, so kube-proxy (and with it ClientIP and Local) is not on the path",
	},
	NodePortBackends: true,
})

// GKE maps sessionAffinity: ClientIP to the passthrough load balancer's CLIENT_IP affinity
// (translateAffinityType in the GCE provider, gce_loadbalancer_external.go; kubernetes/ingress-gce),
// a hash of client and destination IP with no timeout.
var GKE = register(&Profile{
	Name:    "gke",
	Summary: "GKE passthrough load balancer: ClientIP (becomes CLIENT_IP affinity), Local",
	Notes:   []string{"GKE turns ClientIP into the load balancer's CLIENT_IP affinity, a hash with no timeout: timeoutSeconds applies to kube-proxy only"},
	// Prefixes stay empty: GKE's own annotations (cloud.google.com/neg) are valid on a ClusterIP.
	Proxies:     gkeProxies,
	ProxyAdvice: gkeProxyAdvice,
})

// Azure maps sessionAffinity: ClientIP to the load-balancing rule's SourceIP distribution
// (getExpectedLoadBalancingRulePropertiesForPort in cloud-provider-azure); its TCP idle timeout
// annotation takes whole minutes 4..30 ("idle timeout value must be a whole number representing
// minutes between 4 and 30").
var Azure = register(&Profile{
	Name:     "azure",
	Summary:  "Azure load balancer: ClientIP (becomes SourceIP distribution), Local; idle timeout checked",
	Prefixes: []string{"service.beta.kubernetes.io/azure-"},
	Checks: []Check{{
		Key: "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout", Range: Range{Min: 4, Max: 30}, Unit: Minutes,
		Why: "cloud-provider-azure accepts a whole number of minutes between 4 and 30",
	}},
	Notes: []string{"Azure turns ClientIP into SourceIP load distribution, a hash with no timeout: timeoutSeconds applies to kube-proxy only"},
})

const (
	// huaweiLegacyMode is the older spelling of huaweiMode: kubernetes-sigs/cloud-provider-huaweicloud's
	// e2e tests (test/e2e, the loadbalancer service test) still create ELB Services with
	// `kubernetes.io/session-affinity-mode: SOURCE_IP`.
	huaweiLegacyMode = "kubernetes.io/session-affinity-mode"
	huaweiMode       = "kubernetes.io/elb.session-affinity-mode"
	huaweiOption     = "kubernetes.io/elb.session-affinity-option"
	huaweiAlgorithm  = "kubernetes.io/elb.lb-algorithm"
)

// Huawei is CCE with an ELB (CCE Service annotation docs: elb.session-affinity-mode and
// elb.session-affinity-option, persistence_timeout in minutes 1..60; source-IP affinity cannot be
// combined with the SOURCE_IP algorithm).
var Huawei = register(&Profile{
	Name:        "huawei",
	Summary:     "Huawei CCE ELB: SOURCE_IP session affinity with persistence_timeout in minutes, Local, ClientIP",
	Prefixes:    []string{"kubernetes.io/elb.", huaweiLegacyMode},
	Legacy:      map[string]string{huaweiMode: huaweiLegacyMode},
	Persistence: &Persistence{Range: Range{Min: 1, Max: 60}, Unit: Minutes},
	Annotations: []Set{
		{Key: huaweiMode, Value: "SOURCE_IP", Why: "the ELB keeps each client IP on one backend"},
		{Key: huaweiOption, Format: JSONField, Field: "persistence_timeout", Persistence: true,
			Why: "how many minutes the ELB keeps a client on its backend"},
	},
	Refusals: []Refusal{{
		Match: Match{Key: huaweiAlgorithm, Value: "SOURCE_IP"},
		Why:   "the ELB does not allow source-IP session affinity with the SOURCE_IP algorithm; use ROUND_ROBIN or LEAST_CONNECTIONS",
	}},
})

// Generic sets only Kubernetes fields: ClientIP affinity, its timeout and Local traffic. It suits
// any load balancer that keeps the client IP and spreads clients by it (MetalLB, bare metal).
var Generic = register(&Profile{
	Name:    "generic",
	Summary: "Kubernetes fields only: ClientIP, timeoutSeconds, Local",
})
