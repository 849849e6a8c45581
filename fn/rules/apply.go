package rules

import (
	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

// steps run in order on the working copy; a step that finds nothing else can apply stops the rest.
var steps = []func(*service){
	checkShape,
	checkValueTypes,
	applyOverrides,
	repairMisplaced,
	checkSelector,
	checkType,
	setAffinity,
	warnProxied,
	setTrafficPolicy,
	loadBalancer,
	warnMultiPort,
	warnNodePortLocal,
	warnAssumedProvider,
}

// Apply rewrites the selected Service svc in place according to cfg and returns what it found.
// svc is left untouched when any rule reports an error, and in validate mode. svc must be read as
// yaml.v3 reads it, aliases and merge keys resolved (node.Resolve): the rules read and write
// values, and fn/edit decides how the text says them.
func Apply(svc *yaml.Node, cfg config.Config) (Outcome, []Finding) {
	s := &service{obj: yaml.CopyYNode(svc), cfg: cfg}
	for _, step := range steps {
		if s.stopped {
			break
		}
		step(s)
	}
	switch {
	case s.skipped:
		return Skipped, s.findings
	case hasError(s.findings):
		return Failed, pending(s.findings, false)
	case !hasChange(s.findings):
		return Compliant, s.findings
	case cfg.Mode == config.Validate:
		return Failed, pending(s.findings, true)
	}
	*svc = *s.obj
	return Updated, s.findings
}

// pending marks the changes as not made. In validate mode each becomes an error; on a Service with
// errors, warnings stay (they explain what is wrong) and info changes go (they did not happen).
func pending(findings []Finding, validate bool) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Change != nil {
			switch {
			case validate:
				f.Severity = fn.Error
			case f.Severity == fn.Info:
				continue
			}
			c := *f.Change
			c.Pending = true
			f.Change = &c
		}
		out = append(out, f)
	}
	return out
}

func hasError(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == fn.Error {
			return true
		}
	}
	return false
}

func hasChange(findings []Finding) bool {
	for _, f := range findings {
		if f.Change != nil {
			return true
		}
	}
	return false
}

// LoadBalancer reports whether the selected Service svc is a LoadBalancer after the run, or
// would be in validate mode: the Services a load balancer's persistence applies to.
func LoadBalancer(svc *yaml.Node, cfg config.Config) bool {
	// Which annotations count as load-balancer fields is the same under every provider
	// (loadBalancerAnnotations), so the Service's provider need not be resolved again here.
	s := &service{obj: svc, cfg: cfg}
	switch s.serviceType() {
	case "LoadBalancer":
		return true
	case "ClusterIP":
		return cfg.PromoteToLoadBalancer && len(loadBalancerOnlyFields(s)) > 0
	}
	return false
}
