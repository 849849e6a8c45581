package provider

// Alibaba is Alibaba Cloud ACK with a Classic Load Balancer (CLB, formerly SLB), configured by the
// cloud-controller-manager (CCM) from Service annotations.
//
// Sources (kubernetes/cloud-provider-alibaba-cloud):
//   - prefixes, current before legacy: pkg/controller/service/reconcile/annotation/annotations.go (Get);
//   - persistence-timeout, seconds, TCP listeners only: clbv1/listeners.go, slb/listener.go
//     (setTCPListenerValue); range 0..3600 in the ACK CLB annotation docs, 0 meaning off, so a
//     sticky Service needs 1..3600;
//   - protocol-port, lowercase http|https|tcp|udp: clbv1/listeners.go (protocol);
//   - backend-type eni attaches pod IPs: helper/service_utils.go (IsENIBackendType), clbv1/vgroups.go;
//   - scheduler default rr, Local weights nodes by pod count and needs wrr: clbv1/listeners.go
//     (setDefaultValueForListener), ACK Service FAQ;
//   - spec is ignored under the default PayByCLCU billing: clbv1/loadbalancer.go.
var Alibaba = register(&Profile{
	Name: "alibaba",
	Prefixes: []string{
		"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-",
		"service.beta.kubernetes.io/alicloud-loadbalancer-",
	},
	Persistence: &Persistence{Annotation: "persistence-timeout", Range: Range{Min: 1, Max: 3600}},
	PodBackends: &Match{Key: "service.beta.kubernetes.io/backend-type", Value: "eni"},
	Scheduler:   Scheduler{Annotation: "scheduler", Want: "wrr"},
	Listener: &Listener{
		Annotation: "protocol-port",
		Protocols:  []string{"http", "https", "tcp", "udp"},
		Proxying:   []string{"http", "https"},
	},
	// helper/service_utils.go (NeedCLB): any loadBalancerClass makes the CLB controller skip the Service.
	ClassController:  "the Alibaba CLB controller",
	NodePortBackends: true,
	Obsolete: map[Annotation]string{
		"spec": "it sets the instance size, not the listener protocol, and is ignored under the default pay-by-CLCU billing",
	},
})

// Generic sets only Kubernetes fields: ClientIP affinity, its timeout and Local traffic. It suits
// any load balancer that keeps the client IP and spreads clients by it (MetalLB, bare metal).
var Generic = register(&Profile{Name: "generic"})
