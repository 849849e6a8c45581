package validator_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// serviceGen makes random Services that the API server would create except for the flaws the
// function is there to repair or refuse: load-balancer fields on ClusterIP Services, affinity keys
// under the selector, drifted or missing affinity fields, legacy and missing CLB annotations.
// Anything else wrong in an input would be the generator's fault, not the function's.
type serviceGen struct {
	rng       *rand.Rand
	nodePorts map[int]bool // node ports are unique per Service here; across Services too, to be safe
}

func newServiceGen(seed uint64) *serviceGen {
	return &serviceGen{rng: rand.New(rand.NewPCG(seed, seed^0x5ea5)), nodePorts: map[int]bool{}}
}

func (g *serviceGen) chance(p float64) bool { return g.rng.Float64() < p }

func pick[T any](g *serviceGen, xs ...T) T { return xs[g.rng.IntN(len(xs))] }

func (g *serviceGen) nodePort() int {
	for {
		p := 30000 + g.rng.IntN(2768)
		if !g.nodePorts[p] {
			g.nodePorts[p] = true
			return p
		}
	}
}

const (
	alibabaPrefix = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
	legacyPrefix  = "service.beta.kubernetes.io/alicloud-loadbalancer-"
	stickyLabel   = "session-affinity.kpt.dev/sticky"
)

// service returns one Service as a generic map, ready for YAML.
func (g *serviceGen) service(i int) map[string]any {
	typ := pick(g, "", "ClusterIP", "ClusterIP", "NodePort", "LoadBalancer", "LoadBalancer", "LoadBalancer")
	spec := map[string]any{"selector": map[string]any{"app": fmt.Sprintf("app-%d", i%7)}}
	if typ != "" {
		spec["type"] = typ
	}
	ports := g.ports(typ)
	spec["ports"] = ports
	g.trafficFields(spec, typ)
	g.affinity(spec)
	g.misplaced(spec)
	meta := map[string]any{"name": fmt.Sprintf("svc-%d", i), "labels": g.labels(), "annotations": g.annotations(ports)}
	if ns := pick(g, "", "default", "shop", "team-a"); ns != "" {
		meta["namespace"] = ns
	}
	return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec}
}

func (g *serviceGen) labels() map[string]any {
	labels := map[string]any{"app": "demo"}
	if g.chance(0.85) {
		labels[stickyLabel] = "true"
	}
	return labels
}

// ports are distinct by number, named when there are several; a node port is set often on
// NodePort and LoadBalancer Services and now and then on a ClusterIP one (a flaw).
func (g *serviceGen) ports(typ string) []any {
	numbers := []int{80, 443, 8080, 53, 9000}
	g.rng.Shuffle(len(numbers), func(a, b int) { numbers[a], numbers[b] = numbers[b], numbers[a] })
	n := 1 + g.rng.IntN(3)
	var ports []any
	for k, number := range numbers[:n] {
		port := map[string]any{"port": number}
		if n > 1 {
			port["name"] = fmt.Sprintf("p%d", k)
		}
		if g.chance(0.2) {
			port["protocol"] = pick(g, "TCP", "UDP")
		}
		if g.chance(0.3) {
			port["targetPort"] = 8000 + number%1000
		}
		external := typ == "NodePort" || typ == "LoadBalancer"
		if (external && g.chance(0.3)) || (!external && g.chance(0.1)) {
			port["nodePort"] = g.nodePort()
		}
		ports = append(ports, port)
	}
	return ports
}

func (g *serviceGen) trafficFields(spec map[string]any, typ string) {
	external := typ == "NodePort" || typ == "LoadBalancer"
	if external && g.chance(0.6) {
		spec["externalTrafficPolicy"] = pick(g, "Cluster", "Local")
	}
	if !external && g.chance(0.08) {
		spec["externalTrafficPolicy"] = "Local" // the article's flaw
	}
	local := spec["externalTrafficPolicy"] == "Local"
	if (typ == "LoadBalancer" && local && g.chance(0.3)) || (!external && local && g.chance(0.5)) {
		spec["healthCheckNodePort"] = g.nodePort()
	}
	if typ != "LoadBalancer" {
		return
	}
	if g.chance(0.1) {
		spec["loadBalancerSourceRanges"] = []any{"10.0.0.0/8"}
	}
	if g.chance(0.1) {
		spec["allocateLoadBalancerNodePorts"] = g.chance(0.5)
	}
	if g.chance(0.03) {
		spec["loadBalancerClass"] = "example.com/lb"
	}
}

func (g *serviceGen) affinity(spec map[string]any) {
	switch pick(g, "absent", "None", "ClientIP", "ClientIP") {
	case "None":
		spec["sessionAffinity"] = "None"
	case "ClientIP":
		spec["sessionAffinity"] = "ClientIP"
		if g.chance(0.6) {
			spec["sessionAffinityConfig"] = map[string]any{"clientIP": map[string]any{"timeoutSeconds": 1 + g.rng.IntN(86400)}}
		}
	}
}

// misplaced puts affinity keys under the selector, as the vendor article does: a string (a valid
// label the server accepts) or a number (which the server cannot decode).
func (g *serviceGen) misplaced(spec map[string]any) {
	selector := spec["selector"].(map[string]any)
	if g.chance(0.1) {
		selector["sessionAffinity"] = "ClientIP"
	}
	if g.chance(0.05) {
		selector["timeoutSeconds"] = pick(g, 600, 10800)
	}
}

func (g *serviceGen) annotations(ports []any) map[string]any {
	a := map[string]any{}
	if g.chance(0.3) {
		a[alibabaPrefix+"persistence-timeout"] = fmt.Sprint(1 + g.rng.IntN(3600))
	}
	if g.chance(0.1) {
		a[legacyPrefix+"persistence-timeout"] = fmt.Sprint(1 + g.rng.IntN(3600))
	}
	if g.chance(0.2) {
		a[alibabaPrefix+"scheduler"] = pick(g, "wrr", "rr", "wlc")
	}
	if g.chance(0.2) {
		port := ports[0].(map[string]any)["port"].(int)
		a[alibabaPrefix+"protocol-port"] = fmt.Sprintf("tcp:%d", port)
	}
	if g.chance(0.05) {
		a[alibabaPrefix+"spec"] = "slb.s1.small"
	}
	if g.chance(0.05) {
		a["service.beta.kubernetes.io/backend-type"] = "eni"
	}
	return a
}

// resourceList renders n Services and a ConfigMap functionConfig as a ResourceList.
func (g *serviceGen) resourceList(n int, config map[string]string) []byte {
	items := make([]any, n)
	for i := range items {
		items[i] = g.service(i)
	}
	data := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(config)) {
		data[k] = config[k]
	}
	list := map[string]any{
		"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": items,
		"functionConfig": map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "config"}, "data": data},
	}
	out, err := yaml.Marshal(list)
	if err != nil {
		panic(err)
	}
	return out
}
