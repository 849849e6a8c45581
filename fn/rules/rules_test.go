package rules

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// Each case gives a Service, the config, and what must come out: the Service as written (empty
// when it must stay byte for byte as it was), the outcome, and the findings as
// "severity path" lines in order.
type ruleCase struct {
	name     string
	cfg      func(*config.Config)
	in       string
	want     string
	outcome  Outcome
	findings []string
	// say are fragments some finding's message must hold.
	say []string
}

func TestApply(t *testing.T) { runRuleCases(t, ruleCases) }

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			doc := parse(t, tc.in)
			outcome, findings := Apply(doc, cfg)
			want := tc.want
			if want == "" {
				want = tc.in
			}
			if got := encode(t, doc); got != strings.TrimLeft(want, "\n") {
				t.Errorf("Service:\n%s\nwant:\n%s", got, strings.TrimLeft(want, "\n"))
			}
			if outcome != tc.outcome {
				t.Errorf("outcome %d, want %d", outcome, tc.outcome)
			}
			if got := summarize(findings); strings.Join(got, "\n") != strings.Join(tc.findings, "\n") {
				t.Errorf("findings:\n%s\nwant:\n%s\nmessages:\n%s", strings.Join(got, "\n"), strings.Join(tc.findings, "\n"), messages(findings))
			}
			for _, frag := range tc.say {
				if !strings.Contains(messages(findings), frag) {
					t.Errorf("no message says %q:\n%s", frag, messages(findings))
				}
			}
		})
	}
}

func parse(t *testing.T, s string) *yaml.Node {
	t.Helper()
	rn, err := yaml.Parse(strings.TrimLeft(s, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return rn.YNode()
}

func encode(t *testing.T, n *yaml.Node) string {
	t.Helper()
	s, err := yaml.String(n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// summarize leaves out the result naming the Service's provider, which every selected Service
// gets (info, or a warning when an assumed provider's annotations are written):
// providerof_test.go tests it.
func summarize(findings []Finding) []string {
	var out []string
	for _, f := range findings {
		if f.Severity != "error" && strings.HasPrefix(f.Message, "provider ") {
			continue
		}
		line := string(f.Severity) + " " + f.Path
		if f.Change != nil && f.Change.Pending {
			line += " (pending)"
		}
		out = append(out, line)
	}
	return out
}

func messages(findings []Finding) string {
	var out []string
	for _, f := range findings {
		out = append(out, f.Path+": "+f.Message)
	}
	return strings.Join(out, "\n")
}

func generic(c *config.Config)  { c.Provider = provider.Generic }
func promote(c *config.Config)  { c.PromoteToLoadBalancer = true }
func validate(c *config.Config) { c.Mode = config.Validate }

// explicit is a config that sets both timeouts itself (a flag or key), so they replace the
// Service's own values.
func explicit(c *config.Config) {
	c.Sources = config.Sources{ClientIPTimeout: config.FromConfig, PersistenceTimeout: config.FromConfig}
}

const compliantLB = `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: "wrr"
spec:
  type: LoadBalancer
  ports:
  - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  externalTrafficPolicy: Local
`

var ruleCases = []ruleCase{
	{
		name:    "compliant LoadBalancer is left alone",
		in:      compliantLB,
		outcome: Compliant,
	},
	{
		name: "bare LoadBalancer gets every field, new keys appended",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web # the name
spec:
  type: LoadBalancer
  ports:
  - port: 80
`,
		want: `
apiVersion: v1
kind: Service
metadata:
  name: web # the name
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr
spec:
  type: LoadBalancer
  ports:
  - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  externalTrafficPolicy: Local
`,
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity",
			"info spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"info spec.externalTrafficPolicy",
			"info metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
			"info metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]",
		},
	},
	{
		name: "different values are replaced with a warning each, keeping quoting, flow style and comments",
		cfg:  explicit,
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: '900' # old
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: "wrr"
spec:
  type: LoadBalancer
  ports: [{port: 80}]
  sessionAffinity: "None" # was off
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 5}}
  externalTrafficPolicy: Cluster
`,
		want: `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: '1800' # old
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: "wrr"
spec:
  type: LoadBalancer
  ports: [{port: 80}]
  sessionAffinity: "ClientIP" # was off
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}
  externalTrafficPolicy: Local
`,
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity",
			"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"warning spec.externalTrafficPolicy",
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
		},
	},
	{
		name:     "timeout given as a string becomes an integer",
		in:       strings.Replace(compliantLB, "timeoutSeconds: 10800", `timeoutSeconds: "10800"`, 1),
		want:     compliantLB,
		outcome:  Updated,
		findings: []string{"info spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	},
	{
		name:    "seed article: keys under the selector, ClusterIP with load-balancer fields, refused by default",
		in:      seedService,
		outcome: Failed,
		findings: []string{
			"warning spec.selector.sessionAffinity (pending)",
			"warning spec.selector.timeoutSeconds (pending)",
			"warning spec.selector.sessionAffinityConfig (pending)",
			"warning spec.selector.clientIP (pending)",
			"error spec.ports[0].nodePort",
			"error spec.externalTrafficPolicy",
			"error spec.healthCheckNodePort",
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec]",
		},
	},
	{
		name: "seed article with promoteToLoadBalancer: repaired, comments kept",
		cfg:  promote,
		in:   seedService,
		want: `
apiVersion: v1
kind: Service
metadata:
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small # not the listener protocol
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: '1800' # TCP persistence
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr
  name: session1
  namespace: default
spec:
  clusterIP: 10.68.121.217
  externalTrafficPolicy: Local # must be Local
  healthCheckNodePort: 30595
  ports:
  - nodePort: 30389
    port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx
  type: LoadBalancer
  sessionAffinity: ClientIP # must be ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
`,
		outcome: Updated,
		findings: []string{
			"warning spec.selector.sessionAffinity",
			"warning spec.selector.timeoutSeconds",
			"warning spec.selector.sessionAffinityConfig",
			"warning spec.selector.clientIP",
			"warning spec.type",
			"info metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]",
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec]",
		},
	},
	{
		name: "misplaced value that disagrees with spec: error, nothing moved",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: NodePort
  selector:
    app: web
    sessionAffinity: ClientIP
  sessionAffinity: None
`,
		outcome:  Failed,
		findings: []string{"error spec.selector.sessionAffinity"},
	},
	{
		name: "misplaced map beside spec moves whole; equal duplicate is dropped",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: NodePort
  externalTrafficPolicy: Local
sessionAffinityConfig:
  clientIP:
    timeoutSeconds: 600
externalTrafficPolicy: Local
`,
		cfg: func(c *config.Config) { c.ClientIPTimeoutSeconds = 600 },
		want: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: NodePort
  externalTrafficPolicy: Local
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 600
  sessionAffinity: ClientIP
`,
		outcome: Updated,
		findings: []string{
			"warning sessionAffinityConfig.clientIP.timeoutSeconds",
			"warning externalTrafficPolicy",
			"info spec.sessionAffinity",
			"info spec.externalTrafficPolicy",
		},
	},
	{
		name: "misplaced map with an unknown field is an error",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  selector:
    sessionAffinityConfig:
      clientIP:
        timeout: 5
`,
		outcome:  Failed,
		findings: []string{"error spec.selector.sessionAffinityConfig", "info spec.type"},
	},
	{
		name: "ClusterIP without load-balancer fields: in-cluster affinity only",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
`,
		want: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
`,
		outcome: Updated,
		findings: []string{
			"info spec.type",
			"info spec.sessionAffinity",
			"info spec.sessionAffinityConfig.clientIP.timeoutSeconds",
		},
	},
	{
		name: "ClusterIP with externalIPs may keep externalTrafficPolicy",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  externalIPs: [192.0.2.10]
  externalTrafficPolicy: Local
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
`,
		outcome:  Compliant,
		findings: []string{"info spec.type"},
	},
	{
		name: "ClusterIP with loadBalancer fields and allocateLoadBalancerNodePorts",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: ClusterIP
  loadBalancerSourceRanges: [10.0.0.0/8]
  allocateLoadBalancerNodePorts: false
`,
		outcome: Failed,
		findings: []string{
			"error spec.loadBalancerSourceRanges",
			"error spec.allocateLoadBalancerNodePorts",
		},
	},
	{
		name:     "ExternalName is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n  externalName: example.com\n",
		outcome:  Failed,
		findings: []string{"error spec.type"},
	},
	{
		name:     "headless is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n",
		outcome:  Failed,
		findings: []string{"error spec.clusterIP"},
	},
	{
		name:     "unknown type is refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: Balancer\n",
		outcome:  Failed,
		findings: []string{"error spec.type"},
	},
	{
		name: "NodePort: ClientIP and Local, no load-balancer annotations",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: NodePort
`,
		want: `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
  type: NodePort
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  externalTrafficPolicy: Local
`,
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity",
			"info spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"info spec.externalTrafficPolicy",
			"warning spec.externalTrafficPolicy",
		},
	},
	{
		name: "ENI backends: traffic policy left as it is, no scheduler",
		in: `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/backend-type: eni
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"
spec:
  ports:
  - port: 80
  type: LoadBalancer
  externalTrafficPolicy: Cluster
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
`,
		outcome:  Compliant,
		findings: []string{"info spec.externalTrafficPolicy"},
	},
	{
		name: "legacy prefix is read and replaced, its valid value kept",
		in: strings.Replace(compliantLB,
			`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"`,
			`    service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout: "60"`, 1),
		want: strings.Replace(compliantLB,
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n",
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"60\"\n", 1),
		outcome: Updated,
		findings: []string{
			"info metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
			"warning metadata.annotations[service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout]",
		},
	},
	{
		name: "legacy prefix replaced by an explicit persistence timeout",
		cfg:  explicit,
		in: strings.Replace(compliantLB,
			`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"`,
			`    service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout: "60"`, 1),
		want: strings.Replace(compliantLB,
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n",
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n", 1),
		outcome: Updated,
		findings: []string{
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
			"warning metadata.annotations[service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout]",
		},
	},
	{
		name: "legacy scheduler counts as set; another scheduler is a warning",
		in: strings.Replace(compliantLB,
			`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: "wrr"`,
			`    service.beta.kubernetes.io/alicloud-loadbalancer-scheduler: "rr"`, 1),
		outcome:  Compliant,
		findings: []string{"warning metadata.annotations[service.beta.kubernetes.io/alicloud-loadbalancer-scheduler]"},
	},
	{
		name: "an http listener is refused",
		in: strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"https:443,http:80\"\n", 1),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port]"},
	},
	{
		name: "a malformed protocol-port is refused once",
		in: strings.Replace(strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"TCP:80\"\n", 1),
			"  - port: 80\n", "  - name: a\n    port: 80\n  - name: b\n    port: 81\n", 1),
		outcome: Failed,
		findings: []string{
			"error metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port]",
			"info spec.ports",
		},
	},
	{
		name: "tcp listener, a UDP port and several ports: warnings only",
		in: strings.Replace(strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"tcp:80\"\n", 1),
			"  - port: 80\n", "  - name: web\n    port: 80\n  - name: dns\n    port: 53\n    protocol: UDP\n", 1),
		outcome: Compliant,
		findings: []string{
			"warning spec.ports[1].protocol",
			"info spec.ports",
		},
	},
	{
		name:     "a loadBalancerClass is refused under alibaba",
		cfg:      func(c *config.Config) { c.ProviderAuto = false },
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerClass: alibabacloud.com/nlb\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.loadBalancerClass"},
	},
	{
		name:     "a loadBalancerClass no signal knows is refused under the assumed alibaba",
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  loadBalancerClass: example.com/lb\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.loadBalancerClass"},
	},
	{
		name:     "allocateLoadBalancerNodePorts false without nodePort is refused",
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.ports[0].nodePort"},
	},
	{
		name:     "allocateLoadBalancerNodePorts False (a boolean to yaml.v3) without nodePort is refused",
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  allocateLoadBalancerNodePorts: False\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.ports[0].nodePort"},
	},
	{
		name:     "several ports without names are refused, each named",
		in:       strings.Replace(compliantLB, "  - port: 80\n", "  - port: 80\n  - name: b\n    port: 81\n  - name: b\n    port: 82\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.ports[0].name", "error spec.ports[2].name", "info spec.ports"},
	},
	{
		name:     "an invalid selector key and value are refused, as in labels",
		in:       strings.Replace(compliantLB, "  ports:\n", "  selector:\n    bad key!: x\n    tier: \"web!\"\n  ports:\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.selector[bad key!]", "error spec.selector[tier]"},
	},
	{
		name:     "a selector value that is not a string is refused",
		in:       strings.Replace(compliantLB, "  ports:\n", "  selector:\n    tier: 1\n  ports:\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.selector[tier]"},
	},
	{
		name:     "allocateLoadBalancerNodePorts as a quoted string is refused",
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  allocateLoadBalancerNodePorts: \"false\"\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.allocateLoadBalancerNodePorts"},
	},
	{
		name:     "allocateLoadBalancerNodePorts as YAML 1.1's no is refused: yaml.v3 and the API server read it differently",
		in:       strings.Replace(compliantLB, "  type: LoadBalancer\n", "  type: LoadBalancer\n  allocateLoadBalancerNodePorts: no\n", 1),
		outcome:  Failed,
		findings: []string{"error spec.allocateLoadBalancerNodePorts"},
	},
	{
		name:     "a non-string annotation value is refused",
		in:       strings.Replace(compliantLB, `persistence-timeout: "1800"`, `persistence-timeout: 1800`, 1),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]"},
	},
	{
		name:     "client timeout shorter than persistence: warning",
		cfg:      func(c *config.Config) { c.ClientIPTimeoutSeconds = 600 },
		in:       strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 600", 1),
		outcome:  Compliant,
		findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	},
	{
		name: "per-Service overrides win over config",
		in: strings.Replace(strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    session-affinity.kpt.dev/client-ip-timeout-seconds: \"3600\"\n    session-affinity.kpt.dev/persistence-timeout-seconds: \"600\"\n", 1),
			"timeoutSeconds: 10800", "timeoutSeconds: 3600", 1),
		want: strings.Replace(strings.Replace(strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    session-affinity.kpt.dev/client-ip-timeout-seconds: \"3600\"\n    session-affinity.kpt.dev/persistence-timeout-seconds: \"600\"\n", 1),
			"timeoutSeconds: 10800", "timeoutSeconds: 3600", 1), `persistence-timeout: "1800"`, `persistence-timeout: "600"`, 1),
		outcome:  Updated,
		findings: []string{"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]"},
	},
	{
		name: "an override out of range is refused",
		in: strings.Replace(compliantLB, "  annotations:\n",
			"  annotations:\n    session-affinity.kpt.dev/persistence-timeout-seconds: \"7200\"\n", 1),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[session-affinity.kpt.dev/persistence-timeout-seconds]"},
	},
	{
		name:    "validate mode changes nothing and reports each field as an error",
		cfg:     validate,
		in:      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n  type: NodePort\n  sessionAffinity: ClientIP\n",
		outcome: Failed,
		findings: []string{
			"error spec.externalTrafficPolicy (pending)",
			"warning spec.externalTrafficPolicy",
		},
	},
	{
		name:    "generic provider: Kubernetes fields only",
		cfg:     generic,
		in:      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n  type: LoadBalancer\n  loadBalancerClass: metallb\n",
		want:    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n  type: LoadBalancer\n  loadBalancerClass: metallb\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n",
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity",
			"info spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"info spec.externalTrafficPolicy",
		},
	},
	{
		name:     "spec that is a list is refused, not overwritten",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n- a\n",
		outcome:  Failed,
		findings: []string{"error spec"},
	},
	{
		name:     "ports that are a string are refused",
		in:       "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: \"80\"\n",
		outcome:  Failed,
		findings: []string{"error spec.ports"},
	},
}

const seedService = `
apiVersion: v1
kind: Service
metadata:
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec: slb.s1.small # not the listener protocol
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: '1800' # TCP persistence
  name: session1
  namespace: default
spec:
  clusterIP: 10.68.121.217
  externalTrafficPolicy: Local # must be Local
  healthCheckNodePort: 30595
  ports:
  - nodePort: 30389
    port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx
    sessionAffinity: ClientIP # must be ClientIP
    sessionAffinityConfig:
    clientIP:
    timeoutSeconds: 10800
  type: ClusterIP
`
