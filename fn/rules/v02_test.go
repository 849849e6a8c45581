package rules

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

const compliantClusterIP = "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  labels:\n    app: coredns\nspec:\n" +
	"  ports:\n  - name: dns\n    port: 53\n    protocol: UDP\n  - name: dns-tcp\n    port: 53\n    protocol: TCP\n" +
	"  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"

func skip(c *config.Config) { c.OnUnsupported = config.UnsupportedSkip }

// Cases of the v0.2 rules (spec section 7): no false refusal, ports required, onUnsupported, no
// silent overwrite, quiet when compliant.
var v02Cases = []ruleCase{
	{
		name:     "loadBalancerIP on ClusterIP is accepted by the API server: a warning, not an error",
		in:       strings.Replace(compliantClusterIP, "  ports:\n", "  loadBalancerIP: 10.0.0.10\n  ports:\n", 1),
		outcome:  Compliant,
		findings: []string{"warning spec.loadBalancerIP", "info spec.type", "info spec.ports"},
	},
	{
		name:     "an empty loadBalancerIP on ClusterIP, as charts render it, is quiet",
		in:       strings.Replace(compliantClusterIP, "  ports:\n", "  loadBalancerIP: \"\"\n  ports:\n", 1),
		outcome:  Compliant,
		findings: []string{"info spec.type", "info spec.ports"},
	},
	{
		name:     "a compliant multi-port Service gets the per-port note as info only",
		in:       compliantClusterIP,
		outcome:  Compliant,
		findings: []string{"info spec.type", "info spec.ports"},
	},
	{
		name:     "a ClusterIP Service without ports is refused naming spec.ports",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n",
		outcome:  Failed,
		findings: []string{"error spec.ports"},
	},
	{
		name:     "a LoadBalancer Service with an empty port list is refused naming spec.ports",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  ports: []\n",
		outcome:  Failed,
		findings: []string{"error spec.ports"},
	},
	{
		name:     "a headless Service without ports is not a ports error",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n",
		outcome:  Failed,
		findings: []string{"error spec.clusterIP"},
	},
	{
		name:     "onUnsupported skip: a headless Service passes through with one warning",
		cfg:      skip,
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  ports:\n  - port: 80\n",
		outcome:  Skipped,
		findings: []string{"warning spec.clusterIP"},
	},
	{
		name:     "onUnsupported skip: an ExternalName Service passes through with one warning",
		cfg:      skip,
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ExternalName\n  externalName: example.com\n",
		outcome:  Skipped,
		findings: []string{"warning spec.type"},
	},
	{
		name:     "onUnsupported skip: a headless Service with a misplaced key still gets one warning, and nothing moves",
		cfg:      skip,
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  clusterIP: None\n  selector:\n    app: web\n    sessionAffinity: ClientIP\n  ports:\n  - port: 80\n",
		outcome:  Skipped,
		findings: []string{"warning spec.clusterIP"},
	},
	{
		name: "an explicit timeout and traffic policy are replaced with warnings; sessionAffinity None is filled in",
		cfg:  explicit,
		in: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n" +
			"  sessionAffinity: None\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 300\n  externalTrafficPolicy: Cluster\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n" +
			"  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n",
		outcome: Updated,
		findings: []string{"info spec.sessionAffinity", "warning spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"warning spec.externalTrafficPolicy", "warning spec.externalTrafficPolicy"},
	},
	{
		name: "load-balancer fields the API server rejects on a NodePort Service are refused",
		in: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n" +
			"  healthCheckNodePort: 30999\n  allocateLoadBalancerNodePorts: true\n  loadBalancerClass: example.com/lb\n  loadBalancerSourceRanges: [10.0.0.0/8]\n",
		outcome: Failed,
		findings: []string{"error spec.healthCheckNodePort", "error spec.allocateLoadBalancerNodePorts", "error spec.loadBalancerClass",
			"error spec.loadBalancerSourceRanges"},
	},
	{
		name: "aws: stickiness merged into a list that lacks it is info; no value of the input is replaced",
		cfg:  use(provider.AWS),
		in: lb("    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30\n",
			"  loadBalancerClass: service.k8s.aws/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		want: lb("    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30,stickiness.enabled=true,stickiness.type=source_ip\n",
			"  loadBalancerClass: service.k8s.aws/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Updated,
		findings: []string{"info metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]"},
	},
}

func init() { ruleCases = append(ruleCases, v02Cases...) }

// TestMessagesNameTheUsersKnob: an error that asks for a change names the option the user has
// (the flag in plain mode, the key in a functionConfig) and the value to set.
func TestMessagesNameTheUsersKnob(t *testing.T) {
	headless := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\n    session-affinity.kpt.dev/sticky: \"true\"\nspec:\n  clusterIP: None\n  ports:\n  - port: 80\n"
	clusterIPWithLB := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n  loadBalancerSourceRanges: [10.0.0.0/8]\n"
	plain := func(c *config.Config) { c.Origin.Plain = true }
	for _, tc := range []struct {
		name string
		cfg  func(*config.Config)
		in   string
		want []string
	}{
		{"headless, functionConfig", nil, headless, []string{"onUnsupported: skip", "selector: 'session-affinity.kpt.dev/sticky=true,app!=web'"}},
		{"headless, plain mode", plain, headless, []string{"--on-unsupported skip", "--selector 'session-affinity.kpt.dev/sticky=true,app!=web'"}},
		{"promote hint, functionConfig", nil, clusterIPWithLB, []string{"promoteToLoadBalancer: true"}},
		{"promote hint, plain mode", plain, clusterIPWithLB, []string{"--promote-to-load-balancer"}},
		{"a short timeout names the value to set", func(c *config.Config) {
			c.Origin.Plain, c.ClientIPTimeoutSeconds, c.Sources.ClientIPTimeout = true, 60, config.FromConfig
		},
			strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 60", 1), []string{"set --client-ip-timeout-seconds 1800"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, findings := Apply(parse(t, tc.in), cfg)
			got := messages(findings)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("messages do not name %q:\n%s", w, got)
				}
			}
		})
	}
}
