package rules

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// Issue 17, symptom 2: a valid value the Service states is kept unless the config sets that key
// explicitly; defaults only fill gaps.

func explicitClientIP(c *config.Config) { c.Sources.ClientIPTimeout = config.FromConfig }

func explicitPersistence(c *config.Config) {
	c.PersistenceTimeoutSeconds, c.Sources.PersistenceTimeout = 1200, config.FromConfig
}

func huawei(c *config.Config) { c.Provider = provider.Huawei }

// withTimeout is compliantLB with another client-IP timeout.
func withTimeout(n string) string {
	return strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: "+n, 1)
}

// withPersistence is compliantLB with another persistence annotation line.
func withPersistence(line string) string {
	return strings.Replace(compliantLB,
		`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"`, line, 1)
}

const seedShape = `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
  - port: 80
  selector:
    app: web
    sessionAffinity: ClientIP
    timeoutSeconds: 3600
`

const seedShapeRepaired = `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
  - port: 80
  selector:
    app: web
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 3600
  externalTrafficPolicy: Local
`

const huaweiLB = `
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    kubernetes.io/elb.session-affinity-mode: SOURCE_IP
    kubernetes.io/elb.session-affinity-option: '{"persistence_timeout": "15"}'
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

var usersWordCases = []ruleCase{
	{
		name: "the seed article's timeoutSeconds: 3600 under spec.selector moves into place as 3600",
		in:   seedShape, want: seedShapeRepaired,
		outcome: Updated,
		findings: []string{
			"warning spec.selector.sessionAffinity",
			"warning spec.selector.timeoutSeconds",
			"info spec.externalTrafficPolicy",
			"warning spec.externalTrafficPolicy",
		},
	},
	{
		name: "emissary's timeoutSeconds: 3600 stays 3600",
		in:   withTimeout("3600"), outcome: Compliant,
	},
	{
		name: "a chart's persistence-timeout \"600\" stays 600",
		in:   withPersistence(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "600"`), outcome: Compliant,
	},
	{
		name: "a persistence timeout written 0600 is 600 and stays as written",
		in:   withPersistence(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "0600"`), outcome: Compliant,
	},
	{
		name: "the legacy alicloud- persistence key's 600 moves to the current key as 600, the message naming both",
		in:   withPersistence(`    service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout: "600"`),
		want: strings.Replace(compliantLB,
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n",
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: \"wrr\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"600\"\n", 1),
		outcome: Updated,
		findings: []string{
			"info metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
			"warning metadata.annotations[service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout]",
		},
		say: []string{`replaced by service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "600"`},
	},
	{
		name: "Huawei's persistence_timeout of 15 minutes in the JSON option stays 15",
		cfg:  huawei, in: huaweiLB, outcome: Compliant,
	},
	{
		name: "Huawei's persistence_timeout written as the number 15 stays as written",
		cfg:  huawei, in: strings.Replace(huaweiLB, `{"persistence_timeout": "15"}`, `{"persistence_timeout": 15}`, 1), outcome: Compliant,
	},
	{
		name: "an explicit clientIPTimeoutSeconds replaces the Service's 3600, naming both values and the key",
		cfg:  explicitClientIP, in: withTimeout("3600"), want: compliantLB,
		outcome:  Updated,
		findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		say:      []string{"clientIPTimeoutSeconds sets 10800, which wins over the Service's own value"},
	},
	{
		name:    "an explicit persistenceTimeoutSeconds replaces the chart's 600",
		cfg:     explicitPersistence,
		in:      withPersistence(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "600"`),
		want:    withPersistence(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1200"`),
		outcome: Updated,
		findings: []string{
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]",
		},
		say: []string{"persistenceTimeoutSeconds sets 1200, which wins over the Service's own value"},
	},
	{
		name: "the per-Service override wins over the Service's own timeout",
		in: strings.Replace(withTimeout("3600"), "  annotations:\n",
			"  annotations:\n    "+config.ClientIPTimeoutAnnotation+": \"7200\"\n", 1),
		want: strings.Replace(withTimeout("7200"), "  annotations:\n",
			"  annotations:\n    "+config.ClientIPTimeoutAnnotation+": \"7200\"\n", 1),
		outcome:  Updated,
		findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		say:      []string{"annotation " + config.ClientIPTimeoutAnnotation + " sets 7200"},
	},
	{
		name:     "a quoted timeout \"3600\" keeps its number, written as the integer the API field is",
		in:       withTimeout(`"3600"`),
		want:     withTimeout("3600"),
		outcome:  Updated,
		findings: []string{"info spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	},
	{
		name:     "a timeout of 0 breaks stickiness and is still repaired",
		in:       withTimeout("0"),
		want:     compliantLB,
		outcome:  Updated,
		findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	},
	{
		name:     "a persistence timeout of 0 turns persistence off and is still repaired",
		in:       withPersistence(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "0"`),
		want:     compliantLB,
		outcome:  Updated,
		findings: []string{"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]"},
	},
	{
		name:     "a kept timeout shorter than a kept persistence is warned about with the values in force",
		in:       strings.Replace(withTimeout("600"), `persistence-timeout: "1800"`, `persistence-timeout: "900"`, 1),
		outcome:  Compliant,
		findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		say:      []string{"600 is shorter than the load balancer's persistence of 900 seconds"},
	},
	{
		name:    "the scheduler a chart sets is kept",
		in:      strings.Replace(compliantLB, `scheduler: "wrr"`, `scheduler: "wlc"`, 1),
		outcome: Compliant, findings: []string{"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]"},
	},
}

func TestUsersValidValuesAreKept(t *testing.T) { runRuleCases(t, usersWordCases) }

// Issue 17, symptom 6: the API server fills in timeoutSeconds 10800 for ClientIP without one, so
// validate mode passes such a Service (and mutate mode leaves it alone) when 10800 is wanted.
var unsetTimeoutCases = []ruleCase{
	{
		name:    "validate mode: ClientIP without timeoutSeconds is the server's 10800, compliant",
		cfg:     validate,
		in:      strings.Replace(compliantLB, "  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n", "", 1),
		outcome: Compliant,
	},
	{
		name:    "mutate mode agrees: nothing is written",
		in:      strings.Replace(compliantLB, "  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n", "", 1),
		outcome: Compliant,
	},
	{
		name:    "an empty clientIP is defaulted the same way",
		in:      strings.Replace(compliantLB, "    clientIP:\n      timeoutSeconds: 10800\n", "    clientIP: {}\n", 1),
		outcome: Compliant,
	},
	{
		name: "an explicit other timeout still wants to be written",
		cfg: func(c *config.Config) {
			validate(c)
			explicitClientIP(c)
			c.ClientIPTimeoutSeconds = 3600
		},
		in:       strings.Replace(compliantLB, "  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n", "", 1),
		outcome:  Failed,
		findings: []string{"error spec.sessionAffinityConfig.clientIP.timeoutSeconds (pending)"},
	},
	{
		name: "without ClientIP the timeout is written with it",
		in:   strings.Replace(compliantLB, "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n", "", 1),
		want: strings.Replace(compliantLB, "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n",
			"  externalTrafficPolicy: Local\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n", 1),
		outcome:  Updated,
		findings: []string{"info spec.sessionAffinity", "info spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	},
}

func TestValidateTakesAnUnsetTimeoutAsTheServerDefault(t *testing.T) {
	runRuleCases(t, unsetTimeoutCases)
}

// Issue 17, symptom 5: load-balancer annotations on a ClusterIP Service without load-balancer
// spec fields are accepted by the API server and act on nothing: a warning, the same under every
// provider, and the Service is made sticky in the cluster. Spec fields the server rejects stay
// errors.
func TestInertLoadBalancerAnnotationsOnClusterIPAreWarnings(t *testing.T) {
	const sticky = "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"
	clusterIP := func(annotation, spec string) string {
		return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    " + annotation +
			"\nspec:\n  ports:\n  - port: 80\n" + spec
	}
	annotations := []string{
		`service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: "intranet"`, // the trustee chart's gateway-slb-intranet
		`service.beta.kubernetes.io/alicloud-loadbalancer-address-type: "intranet"`,
		`service.beta.kubernetes.io/aws-load-balancer-type: "external"`,
		`kubernetes.io/elb.class: "union"`,
		`service.beta.kubernetes.io/azure-load-balancer-internal: "true"`,
	}
	var cases []ruleCase
	for _, name := range provider.Names() {
		p, _ := provider.Lookup(name)
		for _, a := range annotations {
			key, _, _ := strings.Cut(a, ":")
			cases = append(cases, ruleCase{
				name:     name + ": " + key,
				cfg:      use(p),
				in:       clusterIP(a, ""),
				want:     clusterIP(a, sticky),
				outcome:  Updated,
				findings: []string{"info spec.type", "warning metadata.annotations[" + key + "]", "info spec.sessionAffinity", "info " + timeoutPath},
				say:      []string{WhyLBAnnotation},
			})
		}
		cases = append(cases, ruleCase{
			name:     name + ": a nodePort beside the annotation is still refused",
			cfg:      use(p),
			in:       strings.Replace(clusterIP(annotations[0], ""), "- port: 80\n", "- port: 80\n    nodePort: 30080\n", 1),
			outcome:  Failed,
			findings: []string{"error spec.ports[0].nodePort", "warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type]"},
		})
	}
	runRuleCases(t, cases)
}

// Issue 17, symptom 7: known shapes of each cloud.
func TestKnownShapesOfEachCloud(t *testing.T) {
	const sticky = "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"
	service := func(annotations, spec string) string {
		return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n" + annotations + "spec:\n" + spec
	}
	const huaweiLB = "  type: LoadBalancer\n  ports:\n  - port: 80\n"
	const option = "    kubernetes.io/elb.session-affinity-option: '{\"persistence_timeout\": \"30\"}'\n"
	const nodePort = "  type: NodePort\n  ports:\n  - port: 80\n"
	gke := use(provider.GKE)
	runRuleCases(t, []ruleCase{
		{
			name: "Huawei's older kubernetes.io/session-affinity-mode is read and replaced, not doubled",
			cfg:  huawei,
			in:   service("    kubernetes.io/session-affinity-mode: SOURCE_IP\n"+option, huaweiLB+sticky),
			want: service(option+"    kubernetes.io/elb.session-affinity-mode: SOURCE_IP\n", huaweiLB+sticky),
			findings: []string{
				"info metadata.annotations[kubernetes.io/elb.session-affinity-mode]",
				"warning metadata.annotations[kubernetes.io/session-affinity-mode]",
			},
			outcome: Updated,
			say:     []string{`replaced by kubernetes.io/elb.session-affinity-mode: "SOURCE_IP", which the controller reads first`},
		},
		{
			name:     "Huawei's older key on a ClusterIP is a load-balancer annotation",
			cfg:      huawei,
			in:       service("    kubernetes.io/session-affinity-mode: SOURCE_IP\n", "  ports:\n  - port: 80\n"+strings.TrimSuffix(sticky, "  externalTrafficPolicy: Local\n")),
			outcome:  Compliant,
			findings: []string{"info spec.type", "warning metadata.annotations[kubernetes.io/session-affinity-mode]"},
		},
		{
			name:     "GKE: a NEG for a GCE Ingress puts Google's proxy in front",
			cfg:      gke,
			in:       service("    cloud.google.com/neg: '{\"ingress\": true}'\n", "  ports:\n  - port: 80\n"+strings.TrimSuffix(sticky, "  externalTrafficPolicy: Local\n")),
			outcome:  Compliant,
			findings: []string{"info spec.type", "warning metadata.annotations[cloud.google.com/neg]"},
			say:      []string{"ClientIP affinity keys on Google's proxy addresses, not the real client", "BackendConfig's sessionAffinity"},
		},
		{
			name: "GKE: a NodePort with a BackendConfig is told Local keeps the proxy's address, not the client's",
			cfg:  gke,
			in:   service("    cloud.google.com/backend-config: '{\"default\": \"sticky\"}'\n", nodePort),
			want: service("    cloud.google.com/backend-config: '{\"default\": \"sticky\"}'\n", nodePort+
				"  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"),
			outcome: Updated,
			findings: []string{"info spec.sessionAffinity", "info " + timeoutPath, "warning metadata.annotations[cloud.google.com/backend-config]",
				"info spec.externalTrafficPolicy", "warning spec.externalTrafficPolicy"},
			say: []string{"behind a proxy that is the proxy's address, not the client's"},
		},
		{
			name:     "GKE: the older beta.cloud.google.com/backend-config too",
			cfg:      gke,
			in:       service("    beta.cloud.google.com/backend-config: '{\"ports\": {\"80\": \"sticky\"}}'\n", "  ports:\n  - port: 80\n"+strings.TrimSuffix(sticky, "  externalTrafficPolicy: Local\n")),
			outcome:  Compliant,
			findings: []string{"info spec.type", "warning metadata.annotations[beta.cloud.google.com/backend-config]"},
		},
		{
			name:     "GKE: a standalone NEG (no ingress) is no proxy",
			cfg:      gke,
			in:       service("    cloud.google.com/neg: '{\"exposed_ports\": {\"80\": {}}}'\n", "  ports:\n  - port: 80\n"+strings.TrimSuffix(sticky, "  externalTrafficPolicy: Local\n")),
			outcome:  Compliant,
			findings: []string{"info spec.type"},
		},
		{
			name:     "a NodePort set to Local is warned that nodes without a pod drop traffic",
			cfg:      generic,
			in:       service("    a: b\n", nodePort),
			want:     service("    a: b\n", nodePort+sticky),
			outcome:  Updated,
			findings: []string{"info spec.sessionAffinity", "info " + timeoutPath, "info spec.externalTrafficPolicy", "warning spec.externalTrafficPolicy"},
			say:      []string{WhyNodePortLocal},
		},
		{
			name:     "a NodePort that has Local already is told as info, not warned on every run",
			cfg:      generic,
			in:       service("    a: b\n", nodePort+sticky),
			outcome:  Compliant,
			findings: []string{"info spec.externalTrafficPolicy"},
		},
		{
			name:     "a LoadBalancer set to Local gets no node-port warning: health checks skip such nodes",
			cfg:      generic,
			in:       service("    a: b\n", huaweiLB),
			want:     service("    a: b\n", huaweiLB+sticky),
			outcome:  Updated,
			findings: []string{"info spec.sessionAffinity", "info " + timeoutPath, "info spec.externalTrafficPolicy"},
		},
	})
}

// Issue 17, symptom 8: a hint names the knob that wins for this Service. With the per-Service
// override in force, a flag would change nothing; a timeout the Service states and the rules
// keep is changed where it is written.
func TestHintsNameTheKnobThatWins(t *testing.T) {
	plain := func(c *config.Config) { c.Origin.Plain = true }
	override := strings.Replace(withTimeout("600"), "  annotations:\n",
		"  annotations:\n    "+config.ClientIPTimeoutAnnotation+": \"600\"\n", 1)
	runRuleCases(t, []ruleCase{
		{
			name:     "the override annotation in force is the knob, not the flag",
			cfg:      plain,
			in:       override,
			outcome:  Compliant,
			findings: []string{"warning " + timeoutPath},
			say:      []string{"set annotation " + config.ClientIPTimeoutAnnotation + `: "1800" on this Service`},
		},
		{
			name:     "a kept timeout is raised where the Service writes it",
			cfg:      plain,
			in:       withTimeout("600"),
			outcome:  Compliant,
			findings: []string{"warning " + timeoutPath},
			say:      []string{"set " + timeoutPath + ": 1800 on this Service"},
		},
		{
			name: "a timeout the flag sets is raised with the flag",
			cfg: func(c *config.Config) {
				plain(c)
				c.ClientIPTimeoutSeconds, c.Sources.ClientIPTimeout = 600, config.FromConfig
			},
			in:       withTimeout("600"),
			outcome:  Compliant,
			findings: []string{"warning " + timeoutPath},
			say:      []string{"set --client-ip-timeout-seconds 1800"},
		},
	})
}
