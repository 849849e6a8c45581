package policy

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/fn/rules"
)

func TestSelectorOf(t *testing.T) {
	for _, tc := range []struct {
		selector    string
		matchLabels map[string]string
		exprs       []Requirement
		cel         []string // fragments the CEL must hold
		err         string
	}{
		{selector: "", cel: nil},
		{selector: "a=b", matchLabels: map[string]string{"a": "b"}, cel: []string{`("a" in variables_labels) && variables_labels["a"] in ["b"]`}},
		{selector: "a==b", matchLabels: map[string]string{"a": "b"}},
		{selector: "a in (y,x)", exprs: []Requirement{{Key: "a", Operator: "In", Values: []string{"x", "y"}}}},
		{selector: "a!=b", exprs: []Requirement{{Key: "a", Operator: "NotIn", Values: []string{"b"}}},
			cel: []string{`(!("a" in variables_labels) || !(variables_labels["a"] in ["b"]))`}},
		{selector: "a notin (b)", exprs: []Requirement{{Key: "a", Operator: "NotIn", Values: []string{"b"}}}},
		{selector: "a", exprs: []Requirement{{Key: "a", Operator: "Exists"}}, cel: []string{`("a" in variables_labels)`}},
		{selector: "!a", exprs: []Requirement{{Key: "a", Operator: "DoesNotExist"}}, cel: []string{`!("a" in variables_labels)`}},
		// No LabelSelector operator compares numbers: only the CEL decides.
		{selector: "a>5", cel: []string{`int(variables_labels["a"]) > 5`}},
		{selector: "a<5", cel: []string{`int(variables_labels["a"]) < 5`}},
	} {
		t.Run(tc.selector, func(t *testing.T) {
			sel, err := labels.Parse(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			got, err := selectorOf(sel)
			if err != nil {
				t.Fatalf("selectorOf: %v", err)
			}
			if !equalMaps(got.labelSelector.MatchLabels, tc.matchLabels) {
				t.Errorf("matchLabels = %v, want %v", got.labelSelector.MatchLabels, tc.matchLabels)
			}
			if !slices.EqualFunc(got.labelSelector.MatchExpressions, tc.exprs, func(a, b Requirement) bool {
				return a.Key == b.Key && a.Operator == b.Operator && slices.Equal(a.Values, b.Values)
			}) {
				t.Errorf("matchExpressions = %v, want %v", got.labelSelector.MatchExpressions, tc.exprs)
			}
			if tc.cel == nil && tc.selector == "" && got.cel != "" {
				t.Errorf("an empty selector selects every Service; got the condition %q", got.cel)
			}
			for _, frag := range tc.cel {
				if !strings.Contains(got.cel, frag) {
					t.Errorf("CEL %q lacks %q", got.cel, frag)
				}
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestValidationActions(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		err  string
	}{
		{in: nil, want: []string{"Deny"}},
		{in: []string{"deny"}, want: []string{"Deny"}},
		{in: []string{"Warn", "Audit"}, want: []string{"Warn", "Audit"}},
		{in: []string{"Deny", "Audit"}, want: []string{"Deny", "Audit"}},
		{in: []string{"Deny", "Warn"}, err: "refused by the API server"},
		{in: []string{"Warn", "warn"}, err: "given twice"},
		{in: []string{"Block"}, err: `"Block" is not allowed; allowed Deny, Warn, Audit`},
	} {
		t.Run(strings.Join(tc.in, ","), func(t *testing.T) {
			got, err := validationActions(tc.in)
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error = %v, want one containing %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.err == "" && !slices.Equal(got, tc.want):
				t.Errorf("actions = %v, want %v", got, tc.want)
			}
		})
	}
}

func configFor(t *testing.T, data map[string]string) config.Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n")
	for k, v := range data {
		b.WriteString("  " + k + ": \"" + v + "\"\n")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	cfg, errs := config.Decode(doc.Content[0], config.Origin{})
	if len(errs) > 0 {
		t.Fatalf("config: %v", errs)
	}
	return cfg
}

var (
	variableRef = regexp.MustCompile(`variables\.([A-Za-z_][A-Za-z0-9_]*)`)
	identifier  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	fieldStart  = regexp.MustCompile(`^(spec|metadata)\.`)
)

// TestBuild checks what a server cannot: the policy is made of the provider profiles' data, every
// variable an expression names is declared before use, and every message starts with a field.
func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config map[string]string
	}{
		{"defaults", nil},
		{"aws", map[string]string{"provider": "aws"}},
		{"huawei promote", map[string]string{"provider": "huawei", "promoteToLoadBalancer": "true", "persistenceTimeoutSeconds": "600"}},
		{"every Service", map[string]string{"selector": "", "provider": "generic"}},
		{"set-based selector", map[string]string{"selector": "app in (a,b),!legacy,tier"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := configFor(t, tc.config)
			pol, binding, err := Build(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			spec := pol.Spec.(PolicySpec)
			if spec.FailurePolicy != "Fail" {
				t.Errorf("failurePolicy %q; want Fail, so a policy that cannot judge does not admit", spec.FailurePolicy)
			}
			rr := spec.MatchConstraints.ResourceRules
			if len(rr) != 1 || !slices.Equal(rr[0].APIGroups, []string{""}) || !slices.Equal(rr[0].APIVersions, []string{"v1"}) ||
				!slices.Equal(rr[0].Resources, []string{"services"}) || !slices.Equal(rr[0].Operations, []string{"CREATE", "UPDATE"}) {
				t.Errorf("resourceRules %+v; want core v1 services on CREATE and UPDATE", rr)
			}
			if b := binding.Spec.(BindingSpec); b.PolicyName != pol.Metadata.Name || !slices.Equal(b.ValidationActions, []string{"Deny"}) {
				t.Errorf("binding %+v; want policy %s with [Deny]", b, pol.Metadata.Name)
			}
			declared := map[string]bool{}
			use := func(where, expr string) {
				for _, m := range variableRef.FindAllStringSubmatch(expr, -1) {
					if !declared[m[1]] {
						t.Errorf("%s uses variables.%s before it is declared", where, m[1])
					}
				}
			}
			for _, c := range spec.MatchConditions {
				if strings.Contains(c.Expression, "variables.") {
					t.Errorf("match condition %s uses a variable; the API server does not allow that", c.Name)
				}
			}
			for _, v := range spec.Variables {
				if !identifier.MatchString(v.Name) {
					t.Errorf("variable name %q is not a CEL identifier", v.Name)
				}
				use("variable "+v.Name, v.Expression)
				declared[v.Name] = true
			}
			all := ""
			for i, v := range spec.Validations {
				use("validation", v.Expression+" "+v.MessageExpression)
				if !fieldStart.MatchString(v.Message) {
					t.Errorf("validation %d: message %q does not start with the field it is about", i, v.Message)
				}
				all += v.Expression + v.MessageExpression
			}
			// Generated from the data: every provider's annotations, classes and refusals.
			for _, name := range provider.Names() {
				p, _ := provider.Lookup(name)
				var keys []string
				for _, s := range p.Annotations {
					keys = append(keys, s.Key)
				}
				for _, r := range p.Refusals {
					keys = append(keys, r.Key, r.Value)
				}
				for _, c := range p.Checks {
					keys = append(keys, c.Key)
				}
				if p.Controller != nil {
					keys = append(keys, p.Controller.Classes...)
				}
				for _, k := range keys {
					if !strings.Contains(all, k) {
						t.Errorf("provider %s: %q appears in no validation", name, k)
					}
				}
			}
			if _, err := Render(pol, binding); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestErrorsBeforeChanges: validate mode reports only errors when a Service has any, and the API
// server quotes the first failing validation, so the validations for the function's errors come
// first. promoteToLoadBalancer turns the load-balancer-field error into a change.
func TestErrorsBeforeChanges(t *testing.T) {
	for _, tc := range []struct {
		promote   bool
		wantFirst bool // the load-balancer-field rule comes before the first change (misplaced keys)
	}{{false, true}, {true, false}} {
		cfg := config.Default()
		cfg.PromoteToLoadBalancer = tc.promote
		pol, _, err := Build(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		lb, clientIP, headless, misplaced := -1, -1, -1, -1
		for i, v := range pol.Spec.(PolicySpec).Validations {
			switch {
			case strings.Contains(v.Expression, "size(variables.lbOnlyFields) == 0"), strings.Contains(v.Expression, "size(variables.lbSpecFields) == 0"):
				lb = i
			case strings.HasPrefix(v.Message, "spec.sessionAffinity:"):
				clientIP = i
			case strings.HasPrefix(v.Message, "spec.clusterIP:"):
				headless = i
			case strings.HasPrefix(v.Message, "spec.selector:"):
				misplaced = i
			}
		}
		if lb < 0 || clientIP < 0 || headless < 0 || misplaced < 0 {
			t.Fatalf("promote=%v: rules not found (lb %d, clientIP %d, headless %d)", tc.promote, lb, clientIP, headless)
		}
		if (lb < misplaced) != tc.wantFirst {
			t.Errorf("promote=%v: load-balancer-field rule at %d, the first change (misplaced keys) at %d", tc.promote, lb, misplaced)
		}
		if headless > clientIP {
			t.Errorf("promote=%v: the headless error (%d) comes after the ClientIP change (%d)", tc.promote, headless, clientIP)
		}
	}
}

func TestRender(t *testing.T) {
	pol, binding, err := Build(config.Default(), Options{Name: "sticky"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Render(pol, binding)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(out)))
	var kinds []string
	for {
		var obj struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name        string            `yaml:"name"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
		}
		if err := dec.Decode(&obj); err != nil {
			break
		}
		kinds = append(kinds, obj.Kind+"/"+obj.Metadata.Name)
		if obj.Kind == "ValidatingAdmissionPolicy" {
			for _, limit := range Limits {
				if !strings.Contains(obj.Metadata.Annotations[LimitsAnnotation], limit) {
					t.Errorf("the limits annotation lacks %q", limit)
				}
			}
		}
	}
	if want := []string{"ValidatingAdmissionPolicy/sticky", "ValidatingAdmissionPolicyBinding/sticky"}; !slices.Equal(kinds, want) {
		t.Errorf("documents %v, want %v", kinds, want)
	}
}

// TestPolicyKeepsTheUsersTimeouts (issue 17, symptoms 2 and 6): the policy wants the config's
// timeouts only when the config sets them; otherwise any value the Service states passes (the
// API server has filled in 10800 for ClientIP without a timeout), as in validate mode.
func TestPolicyKeepsTheUsersTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name        string
		config      map[string]string
		clientIP    string // how the clientIPTimeout variable ends: the wanted value, 0 for any
		persistence string
	}{
		{"defaults", nil, ": 0", ": 0"},
		{"explicit", map[string]string{"clientIPTimeoutSeconds": "3600", "persistenceTimeoutSeconds": "600"}, ": 3600", ": 600"},
		{"explicit default values", map[string]string{"clientIPTimeoutSeconds": "10800", "persistenceTimeoutSeconds": "1800"}, ": 10800", ": 1800"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol, _, err := Build(configFor(t, tc.config), Options{})
			if err != nil {
				t.Fatal(err)
			}
			spec := pol.Spec.(PolicySpec)
			vars := map[string]string{}
			for _, v := range spec.Variables {
				vars[v.Name] = v.Expression
			}
			if !strings.HasSuffix(vars["clientIPTimeout"], tc.clientIP) || !strings.HasSuffix(vars["persistenceSeconds"], tc.persistence) {
				t.Errorf("clientIPTimeout %q, persistenceSeconds %q; want them to end %q, %q",
					vars["clientIPTimeout"], vars["persistenceSeconds"], tc.clientIP, tc.persistence)
			}
			found := false
			for _, v := range spec.Validations {
				if strings.HasPrefix(v.Message, "spec.sessionAffinityConfig.clientIP.timeoutSeconds:") {
					found = strings.Contains(v.Expression, "variables.clientIPTimeout == 0 ||")
				}
			}
			if !found {
				t.Error("the timeout validation does not pass any stated timeout when none is wanted")
			}
		})
	}
}

// TestPolicyAdmitsInertLoadBalancerAnnotations (issue 17, symptom 5): on a ClusterIP Service
// only the load-balancer spec fields the API server rejects are denied; the annotations, a
// warning in validate mode, are admitted, whichever provider the Service has. With
// promoteToLoadBalancer they still count, as the function promotes for them.
func TestPolicyAdmitsInertLoadBalancerAnnotations(t *testing.T) {
	for _, promote := range []bool{false, true} {
		cfg := config.Default()
		cfg.PromoteToLoadBalancer = promote
		pol, _, err := Build(cfg, Options{})
		if err != nil {
			t.Fatal(err)
		}
		spec := pol.Spec.(PolicySpec)
		for _, v := range spec.Variables {
			if v.Name == "lbOnlyFields" && (strings.Contains(v.Expression, "variables.provider") || !strings.Contains(v.Expression, `"kubernetes.io/elb."`)) {
				t.Errorf("lbOnlyFields depends on the provider or misses another provider's annotations: %s", v.Expression)
			}
		}
		for _, v := range spec.Validations {
			if !strings.HasPrefix(v.Message, "spec.type:") || !strings.Contains(v.Message, "load-balancer fields") {
				continue
			}
			if got := strings.Contains(v.Expression, "lbOnlyFields"); got != promote {
				t.Errorf("promote=%v: the ClusterIP rule counts annotations: %v (%s)", promote, got, v.Expression)
			}
		}
	}
}

// TestPolicyMessageBehindAProxy (issue 17, symptom 7): behind GKE's proxies the denial does not
// say Local keeps the real client, as the function does not.
func TestPolicyMessageBehindAProxy(t *testing.T) {
	pol, _, err := Build(configFor(t, map[string]string{"provider": "gke"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range pol.Spec.(PolicySpec).Validations {
		if strings.HasPrefix(v.Message, "spec.externalTrafficPolicy:") {
			for _, want := range []string{rules.WhyLocalProxied, rules.WhyLocal, `"cloud.google.com/neg"`, `"cloud.google.com/backend-config"`} {
				if !strings.Contains(v.MessageExpression, want) {
					t.Errorf("the Local message lacks %q: %s", want, v.MessageExpression)
				}
			}
			return
		}
	}
	t.Fatal("no validation for spec.externalTrafficPolicy")
}
