package rules

import (
	"fmt"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
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
	clientIP := false
	if v, ok := node.Scalar(cur); ok && v == "ClientIP" && cur.Tag == yaml.NodeTagString {
		clientIP = true
	} else {
		s.changed(fn.Info, "spec.sessionAffinity", WhyClientIP, change(cur, "ClientIP"))
		node.SetScalar(s.spec(), "sessionAffinity", "ClientIP", yaml.NodeTagString)
	}
	setTimeout(s, clientIP)
}

// ServerDefaultTimeout is the timeout the API server fills in for ClientIP affinity without one
// (DefaultClientIPServiceAffinitySeconds, SetDefaults_Service in pkg/apis/core/v1).
const ServerDefaultTimeout = 10800

// setTimeout keeps the client-IP timeout the Service states when it is valid and the config does
// not set one explicitly: defaults only fill gaps. An explicit config value or the Service's
// override annotation replaces it, and the result names both values.
func setTimeout(s *service, clientIP bool) {
	want := s.cfg.ClientIPTimeoutSeconds
	cur := s.get("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
	stated, ok := statedTimeout(cur, clientIP)
	if ok && s.cfg.Sources.ClientIPTimeout == config.Defaulted {
		s.cfg.ClientIPTimeoutSeconds, s.kept.clientIP, want = stated, true, stated
	}
	if _, isInt := node.Int(cur); ok && stated == want && (isInt || node.IsNull(cur)) {
		return
	}
	why := WhyTimeout
	if ok && stated != want && !node.IsNull(cur) {
		why += "; " + wins(s, "clientIPTimeoutSeconds", config.ClientIPTimeoutAnnotation, s.cfg.Sources.ClientIPTimeout, want)
	}
	s.changed(replacing(cur, strconv.Itoa(want)), timeoutPath, why, change(cur, want))
	node.SetScalar(node.EnsureMap(s.spec(), "sessionAffinityConfig", "clientIP"), "timeoutSeconds", strconv.Itoa(want), yaml.NodeTagInt)
}

// statedTimeout is the client-IP timeout the Service states, when it is one the API server
// accepts: an integer in any form YAML allows (0x2A30 is 10800) within 1..86400, or, with
// ClientIP and no timeout, the server's default. A quoted number ("3600", as a Helm
// --set-string renders it) states its number too; setTimeout writes it as the integer the API
// field is.
func statedTimeout(cur *yaml.Node, clientIP bool) (int, bool) {
	if node.IsNull(cur) {
		return ServerDefaultTimeout, clientIP
	}
	v, ok := node.Int(cur)
	if !ok && cur.Kind == yaml.ScalarNode && cur.Tag == yaml.NodeTagString {
		n, err := strconv.Atoi(cur.Value)
		v, ok = int64(n), err == nil
	}
	return int(v), ok && config.ClientIPTimeout.Contains(int(v))
}

// wins says which knob replaces the Service's own value: the per-Service override annotation,
// or the config key as the user set it.
func wins(s *service, key, annotation string, from config.Source, want int) string {
	if from == config.FromOverride {
		return fmt.Sprintf("annotation %s sets %d, which wins over the Service's own value", annotation, want)
	}
	return fmt.Sprintf("%s sets %d, which wins over the Service's own value",
		s.cfg.Origin.Blame(key, s.cfg.Origin.Prefix+key, ""), want)
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
	why := WhyLocal
	if s.proxied() {
		why = WhyLocalProxied
	}
	if t == "NodePort" {
		setNodePortLocal(s, why)
		return
	}
	s.setSpecString("externalTrafficPolicy", "Local", why)
}

// setNodePortLocal sets Local on a NodePort Service, which warnNodePortLocal explains.
func setNodePortLocal(s *service, why string) {
	cur := s.get("spec", "externalTrafficPolicy")
	if v, ok := node.Scalar(cur); ok && v == "Local" && cur.Tag == yaml.NodeTagString {
		s.infof("spec.externalTrafficPolicy", "%s", WhyNodePortLocal)
		return
	}
	s.setSpecString("externalTrafficPolicy", "Local", why)
	s.nodePortLocal = true
}

// warnNodePortLocal: with Local, a node without a ready pod of the Service drops what arrives at
// its node port ("dropping the traffic if there are no local endpoints": Local in k8s.io/api
// core/v1 types.go). A load balancer's health checks skip such nodes; NodePort clients do not.
// When this run sets Local it is a warning, said once the Service has no error (a Service left
// as it was gets no Local); a Service that has Local already gets it as info (setNodePortLocal),
// so a compliant one does not warn on every run.
func warnNodePortLocal(s *service) {
	if s.nodePortLocal && !hasError(s.findings) {
		s.warnf("spec.externalTrafficPolicy", "%s", WhyNodePortLocal)
	}
}

// proxied reports whether a proxying load balancer sits in front of the Service.
func (s *service) proxied() bool {
	_, ok := s.proxyAnnotation()
	return ok
}

// proxyAnnotation returns the first annotation of the profile's Proxies the Service carries.
func (s *service) proxyAnnotation() (string, bool) {
	for _, p := range s.profile().Proxies {
		if v, ok := s.annotation(p.Key); ok && (p.JSONTrue == "" || jsonTrue(v, p.JSONTrue)) {
			return p.Key, true
		}
	}
	return "", false
}

// warnProxied: behind a proxy, kube-proxy's ClientIP keys on the proxy's address; the profile
// says where the load balancer's own affinity is set.
func warnProxied(s *service) {
	if key, ok := s.proxyAnnotation(); ok {
		s.warnf(node.AnnotationPath(key), "%s", s.profile().ProxyAdvice)
	}
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
