package rules

import (
	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

func use(p *provider.Profile) func(*config.Config) {
	return func(c *config.Config) { c.Provider = p }
}

// lb is a LoadBalancer Service with the given annotation lines (each "key: value") and spec lines.
func lb(annotations, spec string) string {
	s := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
	if annotations != "" {
		s += "  annotations:\n" + annotations
	}
	return s + "spec:\n  type: LoadBalancer\n" + spec + "  ports:\n  - port: 80\n"
}

const affinitySpec = "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"

// The cases of the other providers: for each, compliant, needs changes, each refusal, each warning.
var providerCases = []ruleCase{
	// alibaba-nlb
	{
		name:    "alibaba-nlb: Local and ClientIP, scheduler left to the user, no persistence",
		cfg:     use(provider.AlibabaNLB),
		in:      lb("", "  loadBalancerClass: alibabacloud.com/nlb\n"),
		want:    lb("", "  loadBalancerClass: alibabacloud.com/nlb\n") + affinitySpec + "  externalTrafficPolicy: Local\n",
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity", "info spec.sessionAffinityConfig.clientIP.timeoutSeconds", "info spec.externalTrafficPolicy",
			"warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", "info ",
		},
	},
	{
		name:    "alibaba-nlb: compliant with the source-IP hash scheduler sch: no warning",
		cfg:     use(provider.AlibabaNLB),
		in:      lb("    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: sch\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: TCP:80\n", "  loadBalancerClass: alibabacloud.com/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome: Compliant,
		findings: []string{
			"info ",
		},
	},
	{
		name:     "alibaba-nlb: a Service without the NLB class is refused",
		cfg:      use(provider.AlibabaNLB),
		in:       lb("", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error spec.loadBalancerClass", "warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", "info "},
	},
	{
		name:     "alibaba-nlb: no HTTP listener exists",
		cfg:      use(provider.AlibabaNLB),
		in:       lb("    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: http:80\n", "  loadBalancerClass: alibabacloud.com/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port]", "warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", "info "},
	},
	{
		name:     "alibaba-nlb: a persistence override is refused",
		cfg:      use(provider.AlibabaNLB),
		in:       lb("    session-affinity.kpt.dev/persistence-timeout-seconds: \"60\"\n", "  loadBalancerClass: alibabacloud.com/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[session-affinity.kpt.dev/persistence-timeout-seconds]", "warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", "info "},
	},
	{
		name:    "alibaba-nlb: a promoted Service gets the NLB class",
		cfg:     func(c *config.Config) { c.Provider = provider.AlibabaNLB; c.PromoteToLoadBalancer = true },
		in:      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n",
		want:    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n  externalTrafficPolicy: Local\n  type: LoadBalancer\n" + affinitySpec + "  loadBalancerClass: alibabacloud.com/nlb\n",
		outcome: Updated,
		findings: []string{
			"warning spec.type", "info spec.sessionAffinity", "info spec.sessionAffinityConfig.clientIP.timeoutSeconds",
			"warning spec.loadBalancerClass", "warning metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", "info ",
		},
	},
	// aws
	{
		name: "aws: instance targets get stickiness, Local and ClientIP",
		cfg:  use(provider.AWS),
		in:   lb("    service.beta.kubernetes.io/aws-load-balancer-type: external\n", ""),
		want: lb("    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: stickiness.enabled=true,stickiness.type=source_ip\n", "") +
			affinitySpec + "  externalTrafficPolicy: Local\n",
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity", "info spec.sessionAffinityConfig.clientIP.timeoutSeconds", "info spec.externalTrafficPolicy",
			"info metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]",
		},
	},
	{
		name:     "aws: other target group attributes are kept; stickiness.enabled=false is replaced with a warning",
		cfg:      use(provider.AWS),
		in:       lb("    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30, stickiness.enabled=false\n", "  loadBalancerClass: service.k8s.aws/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		want:     lb("    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=30,stickiness.enabled=true,stickiness.type=source_ip\n", "  loadBalancerClass: service.k8s.aws/nlb\n"+affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Updated,
		findings: []string{"warning metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]"},
	},
	{
		name:     "aws: ip targets bypass kube-proxy: ClientIP and Local left alone",
		cfg:      use(provider.AWS),
		in:       lb("    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: stickiness.type=source_ip,stickiness.enabled=true\n", "  externalTrafficPolicy: Cluster\n"),
		outcome:  Compliant,
		findings: []string{"info spec.sessionAffinity"},
	},
	{
		name:     "aws: the legacy in-tree provider would refuse ClientIP",
		cfg:      use(provider.AWS),
		in:       lb("", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error spec.loadBalancerClass"},
	},
	{
		name:     "aws: malformed target group attributes are refused",
		cfg:      use(provider.AWS),
		in:       lb("    service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: stickiness.enabled\n", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[service.beta.kubernetes.io/aws-load-balancer-target-group-attributes]"},
	},
	// gke
	{
		name:     "gke: ClientIP and Local; the load balancer's hash has no timeout",
		cfg:      use(provider.GKE),
		in:       lb("", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Compliant,
		findings: []string{"info "},
	},
	// azure
	{
		name:     "azure: an idle timeout outside 4..30 minutes is refused",
		cfg:      use(provider.Azure),
		in:       lb("    service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout: \"60\"\n", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout]", "info "},
	},
	{
		name:     "azure: compliant with a valid idle timeout",
		cfg:      use(provider.Azure),
		in:       lb("    service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout: \"10\"\n", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Compliant,
		findings: []string{"info "},
	},
	// huawei
	{
		name:    "huawei: SOURCE_IP affinity with the timeout in minutes",
		cfg:     use(provider.Huawei),
		in:      lb("", ""),
		want:    lb("    kubernetes.io/elb.session-affinity-mode: SOURCE_IP\n    kubernetes.io/elb.session-affinity-option: '{\"persistence_timeout\":\"30\"}'\n", "") + affinitySpec + "  externalTrafficPolicy: Local\n",
		outcome: Updated,
		findings: []string{
			"info spec.sessionAffinity", "info spec.sessionAffinityConfig.clientIP.timeoutSeconds", "info spec.externalTrafficPolicy",
			"info metadata.annotations[kubernetes.io/elb.session-affinity-mode]", "info metadata.annotations[kubernetes.io/elb.session-affinity-option]",
		},
	},
	{
		name:    "huawei: an equal number in the option is kept, with its other fields",
		cfg:     use(provider.Huawei),
		in:      lb("    kubernetes.io/elb.session-affinity-mode: SOURCE_IP\n    kubernetes.io/elb.session-affinity-option: '{\"type\": \"SOURCE_IP\", \"persistence_timeout\": 30}'\n", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome: Compliant,
	},
	{
		name:     "huawei: the SOURCE_IP algorithm is refused",
		cfg:      use(provider.Huawei),
		in:       lb("    kubernetes.io/elb.lb-algorithm: SOURCE_IP\n", ""),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[kubernetes.io/elb.lb-algorithm]"},
	},
	{
		name:     "huawei: a malformed option is refused",
		cfg:      use(provider.Huawei),
		in:       lb("    kubernetes.io/elb.session-affinity-option: persistence_timeout=30\n", ""),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[kubernetes.io/elb.session-affinity-option]"},
	},
	// per-Service provider override
	{
		name:     "a Service's provider annotation wins over the config",
		in:       lb("    session-affinity.kpt.dev/provider: gke\n", affinitySpec+"  externalTrafficPolicy: Local\n"),
		outcome:  Compliant,
		findings: []string{"info "},
	},
	{
		name:     "an unknown provider annotation is refused",
		in:       lb("    session-affinity.kpt.dev/provider: ibm\n", ""),
		outcome:  Failed,
		findings: []string{"error metadata.annotations[session-affinity.kpt.dev/provider]"},
	},
}

func init() { ruleCases = append(ruleCases, providerCases...) }
