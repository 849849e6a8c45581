package rules

import (
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// TestSourceRanges: ValidateService refuses a source range that is not a CIDR (in the field, or
// in the annotation when the field is empty) and the annotation on a Service that is not a
// LoadBalancer; the function says so before the API server does. A template placeholder
// (aws-samples/eks-workshop-v2 writes $INBOUND_CIDRS, filled in by envsubst) is a warning.
func TestSourceRanges(t *testing.T) {
	const sticky = "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"
	const ranges = "    service.beta.kubernetes.io/load-balancer-source-ranges: "
	const at = "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]"
	generic := use(provider.Generic)
	typed := func(typ, annotations, spec string) string {
		return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n" + annotations + "spec:\n  type: " + typ + "\n  ports:\n  - port: 80\n" + spec
	}
	runRuleCases(t, []ruleCase{
		{name: "CIDRs, spaced as the server allows", cfg: generic, in: lb(ranges+"'10.0.0.0/8, 2001:db8::/32'\n", sticky), outcome: Compliant},
		{name: "a word", cfg: generic, in: lb(ranges+"10.0.0.0/8,intranet\n", sticky), outcome: Failed,
			findings: []string{"error " + at}, say: []string{`"intranet" is not a CIDR`, "so the API server rejects the Service"}},
		{name: "leading zeros, refused since v1.36", cfg: generic, in: lb(ranges+"010.0.0.0/8\n", sticky), outcome: Failed,
			findings: []string{"error " + at}, say: []string{"leading 0s", "the API server rejects the Service from v1.36 on"}},
		{name: "a placeholder is a warning", cfg: generic, in: lb(ranges+"$INBOUND_CIDRS\n", sticky), outcome: Compliant,
			findings: []string{"warning " + at}, say: []string{"template placeholder"}},
		{name: "the field wins over the annotation, and is checked", cfg: generic,
			in:      lb(ranges+"nonsense\n", sticky+"  loadBalancerSourceRanges: [10.0.0.0/8, 10.0.0.1/33]\n"),
			outcome: Failed, findings: []string{"error spec.loadBalancerSourceRanges[1]"}},
		{name: "on a NodePort", cfg: generic, in: typed("NodePort", ranges+"10.0.0.0/8\n", sticky), outcome: Failed,
			findings: []string{"error " + at, "info spec.externalTrafficPolicy"}, say: []string{"may not be used when type is NodePort"}},
		{name: "on a ClusterIP", cfg: generic, in: typed("ClusterIP", ranges+"10.0.0.0/8\n", "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"),
			outcome: Failed, findings: []string{"error " + at}, say: []string{WhyLBField}},
	})
}
