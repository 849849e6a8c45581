package processor

import (
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/internal/invariants"
)

var propertyCases = flag.Int("property.cases", 2000, "generated ResourceLists the property test checks")

// TestProperties generates ResourceLists of random Services (types, ports, protocols,
// annotations under both prefixes, misplaced keys, existing values, flow and block styles,
// comments) beside other kinds, with random config, and holds each run to the invariants.
// The seed is fixed, so a failure names a case that reproduces.
func TestProperties(t *testing.T) {
	for i := 0; i < *propertyCases; i++ {
		g := &generator{rand.New(rand.NewSource(int64(i)))}
		in := g.resourceList()
		for _, err := range invariants.Check([]byte(in), run) {
			t.Errorf("case %d: %v\ninput:\n%s", i, err, in)
		}
		if t.Failed() {
			return
		}
	}
}

type generator struct{ r *rand.Rand }

func (g *generator) pick(options ...string) string { return options[g.r.Intn(len(options))] }
func (g *generator) chance(p float64) bool         { return g.r.Float64() < p }

func (g *generator) resourceList() string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i, n := 0, 1+g.r.Intn(5); i < n; i++ {
		if g.chance(0.7) {
			b.WriteString(g.service(i))
		} else {
			b.WriteString(g.other(i))
		}
	}
	b.WriteString(g.config())
	return b.String()
}

func (g *generator) other(i int) string {
	return g.pick(
		fmt.Sprintf("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cm-%d}\n  data: {a: \"1\"} # kept\n", i),
		fmt.Sprintf("- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d-%d\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}\n  spec:\n    replicas: 2\n", i),
		fmt.Sprintf("- apiVersion: serving.knative.dev/v1\n  kind: Service\n  metadata:\n    name: kn-%d\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}\n", i),
	)
}

var annotationPool = []string{
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "600"`,
	`service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout: "60"`,
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: 1800`,
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: "rr"`,
	`service.beta.kubernetes.io/alicloud-loadbalancer-scheduler: wrr`,
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: "tcp:80,udp:53"`,
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: "https:443"`,
	`service.beta.kubernetes.io/alicloud-loadbalancer-protocol-port: "TCP:80"`,
	`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small`,
	`service.beta.kubernetes.io/backend-type: eni`,
	`service.beta.kubernetes.io/aws-load-balancer-type: external`,
	`service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip`,
	`service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: "a=b,stickiness.enabled=false"`,
	`service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout: "10"`,
	`kubernetes.io/elb.session-affinity-option: '{"persistence_timeout": 5}'`,
	`kubernetes.io/elb.lb-algorithm: SOURCE_IP`,
	`session-affinity.kpt.dev/client-ip-timeout-seconds: "900"`,
	`session-affinity.kpt.dev/persistence-timeout-seconds: "120"`,
	`session-affinity.kpt.dev/provider: gke`,
	`session-affinity.kpt.dev/provider: huawei`,
	`config.kubernetes.io/local-config: "true"`,
	`internal.config.kubernetes.io/path: services.yaml`,
}

func (g *generator) service(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: svc-%d\n", i)
	if g.chance(0.5) {
		b.WriteString("    namespace: shop\n")
	}
	if g.chance(0.8) {
		b.WriteString("    labels:\n      session-affinity.kpt.dev/sticky: \"true\"" + g.comment() + "\n")
	}
	if g.chance(0.6) {
		b.WriteString("    annotations:\n")
		for _, a := range g.r.Perm(len(annotationPool))[:1+g.r.Intn(3)] {
			b.WriteString("      " + annotationPool[a] + "\n")
		}
	}
	b.WriteString("  spec:\n")
	if t := g.pick("", "ClusterIP", "NodePort", "LoadBalancer", "LoadBalancer", "ExternalName"); t != "" {
		b.WriteString("    type: " + t + g.comment() + "\n")
	}
	b.WriteString(g.pick("", "", "    clusterIP: None\n", "    externalIPs: [192.0.2.1]\n", "    loadBalancerClass: alibabacloud.com/nlb\n",
		"    loadBalancerClass: service.k8s.aws/nlb\n", "    allocateLoadBalancerNodePorts: false\n", "    healthCheckNodePort: 30595\n"))
	b.WriteString(g.pick("", "    externalTrafficPolicy: Cluster\n", "    externalTrafficPolicy: Local\n"))
	b.WriteString(g.pick("", "    sessionAffinity: None\n", "    sessionAffinity: ClientIP\n", "    sessionAffinity: \"ClientIP\" # quoted\n"))
	b.WriteString(g.pick("", "    sessionAffinityConfig: {clientIP: {timeoutSeconds: 5}}\n",
		"    sessionAffinityConfig:\n      clientIP:\n        timeoutSeconds: \"10800\"\n", "    sessionAffinityConfig:\n      clientIP:\n        timeoutSeconds: 10800\n"))
	b.WriteString(g.ports())
	b.WriteString(g.selector())
	if g.chance(0.1) {
		b.WriteString("  sessionAffinity: ClientIP\n")
	}
	return b.String()
}

func (g *generator) ports() string {
	n := g.r.Intn(4)
	if n == 0 {
		return ""
	}
	flow := g.chance(0.3)
	var items []string
	for i := 0; i < n; i++ {
		fields := []string{fmt.Sprintf("port: %d", g.pick2(80, 443, 53))}
		if g.chance(0.3) {
			fields = append(fields, "protocol: UDP")
		}
		if g.chance(0.3) {
			fields = append(fields, fmt.Sprintf("nodePort: %d", 30000+i))
		}
		if flow {
			items = append(items, "{"+strings.Join(fields, ", ")+"}")
		} else {
			items = append(items, "    - "+strings.Join(fields, "\n      ")+"\n")
		}
	}
	if flow {
		return "    ports: [" + strings.Join(items, ", ") + "]\n"
	}
	return "    ports:\n" + strings.Join(items, "")
}

func (g *generator) pick2(options ...int) int { return options[g.r.Intn(len(options))] }

func (g *generator) selector() string {
	misplaced := g.pick("", "", "      sessionAffinity: ClientIP\n", "      sessionAffinity: None\n",
		"      sessionAffinityConfig:\n      clientIP:\n      timeoutSeconds: 10800\n",
		"      timeoutSeconds: 600\n", "      clientIP: {timeoutSeconds: 10800}\n", "      externalTrafficPolicy: Local\n")
	return "    selector:\n      app: web" + g.comment() + "\n" + misplaced
}

func (g *generator) comment() string {
	if g.chance(0.3) {
		return " # note"
	}
	return ""
}

func (g *generator) config() string {
	if g.chance(0.2) {
		return ""
	}
	names := provider.Names()
	p := names[g.r.Intn(len(names))]
	data := []string{"provider: " + p}
	if g.chance(0.5) {
		data = append(data, fmt.Sprintf("clientIPTimeoutSeconds: \"%d\"", g.pick2(60, 1800, 10800, 86400)))
	}
	if p == "alibaba" || p == "huawei" {
		data = append(data, fmt.Sprintf("persistenceTimeoutSeconds: \"%d\"", g.pick2(60, 600, 1800)))
	}
	if g.chance(0.3) {
		data = append(data, "mode: validate")
	}
	if g.chance(0.3) {
		data = append(data, "promoteToLoadBalancer: \"true\"")
	}
	if g.chance(0.2) {
		data = append(data, "selector: \"\"")
	}
	return "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: function-input}\n  data:\n    " + strings.Join(data, "\n    ") + "\n"
}
