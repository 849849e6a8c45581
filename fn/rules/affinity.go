package rules

import (
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

const timeoutPath = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"

// setAffinity sets ClientIP affinity and its timeout. kube-proxy keys affinity on the source IP
// of the packet (pkg/proxy/iptables, ipvs and nftables proxiers) and forgets a client after
// timeoutSeconds.
func setAffinity(s *service) {
	if s.bypassed() && !s.profile().Bypass.Affinity {
		s.infof("spec.sessionAffinity", "left as it is: %s", s.profile().Bypass.Why)
		return
	}
	// sessionAffinity None is what charts render by default, and ClientIP is what the user asked
	// for by selecting the Service: filling it in is info.
	cur := s.get("spec", "sessionAffinity")
	if v, ok := node.Scalar(cur); !ok || v != "ClientIP" || cur.Tag != yaml.NodeTagString {
		s.changed(fn.Info, "spec.sessionAffinity", WhyClientIP, change(cur, "ClientIP"))
		node.SetScalar(s.spec(), "sessionAffinity", "ClientIP", yaml.NodeTagString)
	}
	want := s.cfg.ClientIPTimeoutSeconds
	cur = s.get("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
	// An integer in any form YAML allows (0x2A30, +10800) is the number the API server reads, and
	// is left as written.
	if v, ok := node.Int(cur); ok && v == int64(want) {
		return
	}
	s.changed(replacing(cur, strconv.Itoa(want)), timeoutPath, WhyTimeout, change(cur, want))
	node.SetScalar(node.EnsureMap(s.spec(), "sessionAffinityConfig", "clientIP"), "timeoutSeconds", strconv.Itoa(want), yaml.NodeTagInt)
}

// setTrafficPolicy sets externalTrafficPolicy: Local on Services reached from outside. Cluster
// SNATs the client IP away, and kube-proxy would key affinity on a node address
// (externalTrafficPolicy in k8s.io/api core/v1 types.go). With pod backends the load balancer
// bypasses kube-proxy, so the policy does not matter on its path and is left alone.
func setTrafficPolicy(s *service) {
	t := s.serviceType()
	if t != "NodePort" && t != "LoadBalancer" {
		return
	}
	if s.bypassed() {
		if s.profile().Bypass.Affinity {
			s.infof("spec.externalTrafficPolicy", "left as it is: %s", s.profile().Bypass.Why)
		}
		return
	}
	s.setSpecString("externalTrafficPolicy", "Local", WhyLocal)
}

// warnMultiPort: kube-proxy and load balancers keep affinity per port, so one client may reach
// different pods on different ports (kube-proxy records affinity per ServicePort).
// It is a warning when this run changes the Service, so the user sees it once with the change,
// and info on a Service already compliant, which would otherwise warn on every run.
func warnMultiPort(s *service) {
	if len(s.ports()) <= 1 {
		return
	}
	sev := fn.Info
	if hasChange(s.findings) {
		sev = fn.Warning
	}
	s.add(sev, "spec.ports", "affinity is kept per port: one client may reach different pods on different ports")
}
