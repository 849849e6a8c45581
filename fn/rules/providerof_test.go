package rules

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// signalService is a LoadBalancer Service carrying signal s: its class, or an annotation under
// its prefix (the prefix itself, plus "x" when it ends in a separator).
func signalService(signals ...provider.Signal) *yaml.Node {
	svc := yaml.MustParse("apiVersion: v1\nkind: Service\nmetadata: {name: s, annotations: {}}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n").YNode()
	for _, s := range signals {
		if s.Class != "" {
			spec := yaml.NewRNode(svc).Field("spec").Value
			_ = spec.PipeE(yaml.SetField("loadBalancerClass", yaml.NewStringRNode(s.Class)))
			continue
		}
		ann := yaml.NewRNode(svc).Field("metadata").Value.Field("annotations").Value
		_ = ann.PipeE(yaml.SetField(signalKey(s), yaml.NewStringRNode("x")))
	}
	return svc
}

func signalKey(s provider.Signal) string {
	if strings.HasSuffix(s.Prefix, "/") || strings.HasSuffix(s.Prefix, "-") || strings.HasSuffix(s.Prefix, ".") {
		return s.Prefix + "x"
	}
	return s.Prefix
}

func withProvider(name string) config.Config {
	c := config.Default()
	c.Provider, _ = provider.Lookup(name)
	c.ProviderAuto = false
	return c
}

// TestEverySignalIsInferred: under provider auto, each signal alone names its provider, and the
// Service's result says which signal did.
func TestEverySignalIsInferred(t *testing.T) {
	for _, s := range provider.Signals {
		svc := signalService(s)
		r := ResolveProvider(svc, config.Default())
		e := provider.Evidence{Signal: s}
		if s.Prefix != "" {
			e.Key = signalKey(s)
		}
		if r.Problem != "" || r.Profile == nil || r.Profile.Name != s.Provider || r.Assumed {
			t.Errorf("%s: got %+v, want provider %s", e.What(), r, s.Provider)
			continue
		}
		if want := "from " + e.What(); r.Why != want || r.Path != e.Path() {
			t.Errorf("%s: why %q at %q; want %q at %q", e.What(), r.Why, r.Path, want, e.Path())
		}
		if _, ok := provider.Lookup(s.Provider); !ok {
			t.Errorf("signal %s names provider %s, which does not exist", e.What(), s.Provider)
		}
	}
}

// TestSignalsOfTwoControllersConflict: signals of two families on one Service are an error naming
// both and the provider each implies, whatever the config says.
func TestSignalsOfTwoControllersConflict(t *testing.T) {
	for _, a := range provider.Signals {
		for _, b := range provider.Signals {
			if a.Family == b.Family || (a.Class != "" && b.Class != "") {
				continue
			}
			for _, cfg := range []config.Config{config.Default(), withProvider(a.Provider)} {
				r := ResolveProvider(signalService(a, b), cfg)
				if r.Profile != nil || !strings.Contains(r.Problem, "implies provider "+a.Provider) ||
					!strings.Contains(r.Problem, "implies provider "+b.Provider) || !strings.Contains(r.Problem, WhyOneController) {
					t.Errorf("%s + %s (provider %s): got %+v", a.Family, b.Family, cfg.ProviderName(), r)
				}
			}
		}
	}
}

// TestExplicitProviderContradictingSignals: a provider named by the config or the override
// annotation that the Service's own signal contradicts is an error naming the signal, the provider
// it implies, and how to fix it; one that agrees is used.
func TestExplicitProviderContradictingSignals(t *testing.T) {
	for _, s := range provider.Signals {
		for _, name := range provider.Names() {
			e := provider.Evidence{Signal: s}
			if s.Prefix != "" {
				e.Key = signalKey(s)
			}
			agrees := provider.Agrees(name, e)
			fromConfig := ResolveProvider(signalService(s), withProvider(name))
			svc := signalService(s)
			ann := yaml.NewRNode(svc).Field("metadata").Value.Field("annotations").Value
			_ = ann.PipeE(yaml.SetField(config.ProviderAnnotation, yaml.NewStringRNode(name)))
			fromAnnotation := ResolveProvider(svc, config.Default())
			for by, r := range map[string]Resolution{"the config": fromConfig, "annotation " + config.ProviderAnnotation: fromAnnotation} {
				switch {
				case agrees && (r.Profile == nil || r.Profile.Name != name):
					t.Errorf("%s agrees with %s (by %s), got %+v", name, e.What(), by, r)
				case !agrees && (r.Profile != nil || r.ProblemPath != e.Path() ||
					!strings.HasPrefix(r.Problem, e.What()+" implies provider "+s.Provider+", but "+by) ||
					!strings.Contains(r.Problem, s.Provider+" on this Service") && !strings.Contains(r.Problem, "set it to "+s.Provider)):
					t.Errorf("%s contradicts %s (by %s), got %+v", name, e.What(), by, r)
				}
			}
		}
	}
}

// TestNoSignalAssumesAlibaba: a Service with no signal gets the product default, Alibaba CLB, and
// its results say so; the config or the override annotation choose another without error.
func TestNoSignalAssumesAlibaba(t *testing.T) {
	svc := signalService()
	r := ResolveProvider(svc, config.Default())
	if r.Profile != provider.Alibaba || !r.Assumed || !strings.HasPrefix(r.Why, "assumed: ") {
		t.Errorf("no signal: got %+v", r)
	}
	_, findings := Apply(signalService(), config.Default())
	if !hasMessage(findings, "provider alibaba, assumed: the Service has no loadBalancerClass or annotation of a known load balancer controller") {
		t.Errorf("the results must say the provider was assumed: %v", findings)
	}
	if r := ResolveProvider(svc, withProvider("gke")); r.Profile != provider.GKE || r.Assumed {
		t.Errorf("config gke: got %+v", r)
	}
}

func hasMessage(findings []Finding, prefix string) bool {
	for _, f := range findings {
		if strings.HasPrefix(f.Message, prefix) {
			return true
		}
	}
	return false
}

// TestAWSNLBNotGivenAlibabaAnnotations: with no provider configured, an AWS NLB Service gets the
// AWS stickiness attribute and no Alibaba annotation (issue 17, symptom 1).
func TestAWSNLBNotGivenAlibabaAnnotations(t *testing.T) {
	for _, tc := range []struct{ name, annotations, want string }{
		{"aws", "service.beta.kubernetes.io/aws-load-balancer-type: external\n    service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance", "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"},
		{"gke", "networking.gke.io/load-balancer-type: Internal", ""},
		{"huawei", "kubernetes.io/elb.class: union", "kubernetes.io/elb.session-affinity-mode"},
		{"kube-vip", "kube-vip.io/loadbalancerIPs: 10.0.0.5", ""},
		{"openelb", "lb.kubesphere.io/v1alpha1: openelb", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := yaml.MustParse("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  annotations:\n    " + tc.annotations + "\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n").YNode()
			outcome, findings := Apply(svc, config.Default())
			if outcome != Updated {
				t.Fatalf("outcome %v: %v", outcome, findings)
			}
			text := yaml.NewRNode(svc).MustString()
			if strings.Contains(text, "alibaba-cloud") || strings.Contains(text, "alicloud") {
				t.Errorf("Alibaba annotations on a %s Service:\n%s", tc.name, text)
			}
			if tc.want != "" && !strings.Contains(text, tc.want) {
				t.Errorf("%s's own stickiness (%s) missing:\n%s", tc.name, tc.want, text)
			}
			if !strings.Contains(text, "sessionAffinity: ClientIP") {
				t.Errorf("no ClientIP:\n%s", text)
			}
		})
	}
}

// TestAssumedProviderWarnsWhenItsAnnotationsAreWritten: nothing named a provider, so Alibaba is a
// guess; when the run writes Alibaba's annotations the guess is a warning (kustomize and plain
// users see warnings only), and while only Kubernetes fields change, or the provider was named,
// it stays info.
func TestAssumedProviderWarnsWhenItsAnnotationsAreWritten(t *testing.T) {
	const lb = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\n"
	const clusterIP = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n"
	const compliantAlibabaLB = `apiVersion: v1
kind: Service
metadata:
  name: web
spec: {type: LoadBalancer, ports: [{port: 80}], sessionAffinity: ClientIP, externalTrafficPolicy: Local}
`
	named := withProvider("alibaba")
	for _, tc := range []struct {
		name, svc string
		cfg       config.Config
		want      string // the severity of the provider's result
	}{
		{"assumed, annotations written", lb, config.Default(), "warning"},
		{"assumed, ClusterIP: Kubernetes fields only", clusterIP, config.Default(), "info"},
		{"named by the config", lb, named, "info"},
		{"assumed, some fields already set", compliantAlibabaLB, config.Default(), "warning"},
		{"assumed, but refused: nothing is written", strings.Replace(lb, "type: LoadBalancer,", "type: LoadBalancer, allocateLoadBalancerNodePorts: false,", 1), config.Default(), "info"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, findings := Apply(parse(t, tc.svc), tc.cfg)
			for _, f := range findings {
				if strings.HasPrefix(f.Message, "provider alibaba") {
					if string(f.Severity) != tc.want {
						t.Errorf("%s %q, want %s", f.Severity, f.Message, tc.want)
					}
					return
				}
			}
			t.Fatalf("no provider result in %s", messages(findings))
		})
	}
}
