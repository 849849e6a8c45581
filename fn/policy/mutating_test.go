package policy

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
)

// TestMutationsMirrorTheFunctionsRules: each config gets the patches of the function's rules
// that apply to it, in the order the function applies them, and none of the others.
func TestMutationsMirrorTheFunctionsRules(t *testing.T) {
	const (
		affinity = "sessionAffinity ClientIP"
		timeout  = "sessionAffinityConfig.clientIP.timeoutSeconds"
		local    = "externalTrafficPolicy Local"
		promote  = "promote to LoadBalancer"
		nlbClass = "promoted Service's loadBalancerClass for alibaba-nlb"
		aliPers  = "alibaba service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout"
		aliLeg   = "alibaba legacy service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout"
		aliSched = "alibaba scheduler"
		awsTG    = "aws service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"
		hwMode   = "huawei kubernetes.io/elb.session-affinity-mode"
		hwOption = "huawei kubernetes.io/elb.session-affinity-option"
	)
	for _, tc := range []struct {
		name   string
		config map[string]string
		want   []string // in order
		absent []string
	}{
		{"defaults", nil, []string{affinity, timeout, local, aliPers, aliLeg, aliSched, awsTG, hwMode, hwOption}, []string{promote, nlbClass}},
		{"promote: the class before the type, the type before affinity", map[string]string{"promoteToLoadBalancer": "true"},
			[]string{nlbClass, promote, affinity, timeout, local}, nil},
		{"generic", map[string]string{"provider": "generic"}, []string{affinity, timeout, local, aliPers, awsTG}, []string{promote}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var names []string
			g := &generator{cfg: configFor(t, tc.config)}
			for _, r := range g.mutations() {
				names = append(names, r.name)
			}
			last := -1
			for _, w := range tc.want {
				i := slices.Index(names, w)
				if i < 0 {
					t.Fatalf("no mutation %q in %q", w, names)
				}
				if i < last {
					t.Errorf("mutation %q comes before one it must follow: %q", w, names)
				}
				last = i
			}
			for _, a := range tc.absent {
				if slices.Contains(names, a) {
					t.Errorf("mutation %q should not be generated for this config: %q", a, names)
				}
			}
		})
	}
}

// TestMutatingPolicyKeepsTheUsersValidTimeouts: a timeout the Service states is kept unless the
// config names the key (spec section 8); the config's value is then written whatever the Service
// says.
func TestMutatingPolicyKeepsTheUsersValidTimeouts(t *testing.T) {
	const ownTimeout = "object.spec.?sessionAffinityConfig.?clientIP.?timeoutSeconds"
	const ownPersistence = `"service.beta.kubernetes.io/alicloud-loadbalancer-persistence-timeout"`
	for _, tc := range []struct {
		name                           string
		config                         map[string]string
		keepsTimeout, keepsPersistence bool
		wantTimeoutText                string
	}{
		{"defaults keep both", nil, true, true, "10800"},
		{"explicit client-IP timeout wins", map[string]string{"clientIPTimeoutSeconds": "3600"}, false, true, "3600"},
		{"explicit client-IP timeout equal to the default still wins", map[string]string{"clientIPTimeoutSeconds": "10800"}, false, true, "10800"},
		{"explicit persistence wins", map[string]string{"persistenceTimeoutSeconds": "600"}, true, false, "10800"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &generator{cfg: configFor(t, tc.config)}
			vars := map[string]string{}
			for _, v := range g.mutatingVariables() {
				vars[v.Name] = v.Expression
			}
			if got := strings.Contains(vars["wantedTimeout"], ownTimeout); got != tc.keepsTimeout {
				t.Errorf("wantedTimeout reads the Service's own timeout = %v, want %v:\n%s", got, tc.keepsTimeout, vars["wantedTimeout"])
			}
			if !strings.Contains(vars["wantedTimeout"], tc.wantTimeoutText) {
				t.Errorf("wantedTimeout lacks the config's %s:\n%s", tc.wantTimeoutText, vars["wantedTimeout"])
			}
			if got := strings.Contains(vars["persistence_alibaba"], ownPersistence); got != tc.keepsPersistence {
				t.Errorf("persistence_alibaba reads the Service's own value = %v, want %v:\n%s", got, tc.keepsPersistence, vars["persistence_alibaba"])
			}
		})
	}
}

func TestJSONPointerEscapesAnnotationKeys(t *testing.T) {
	for in, want := range map[string]string{
		"service.beta.kubernetes.io/aws-load-balancer-type": "service.beta.kubernetes.io~1aws-load-balancer-type",
		"a~b/c": "a~0b~1c",
		"plain": "plain",
	} {
		if got := pointer(in); got != want {
			t.Errorf("pointer(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBindingsTakeTheNamespaceSelector: --namespace-selector reaches both bindings; one with no
// LabelSelector form is refused naming the operator.
func TestBindingsTakeTheNamespaceSelector(t *testing.T) {
	cfg := configFor(t, nil)
	for _, tc := range []struct {
		selector string
		want     *LabelSelector
		err      string
	}{
		{"", nil, ""},
		{"team=web", &LabelSelector{MatchLabels: map[string]string{"team": "web"}}, ""},
		{"env notin (dev)", &LabelSelector{MatchExpressions: []Requirement{{Key: "env", Operator: "NotIn", Values: []string{"dev"}}}}, ""},
		{"tier>1", nil, `operator ">" has no LabelSelector form`},
	} {
		t.Run(tc.selector, func(t *testing.T) {
			sel, err := labels.Parse(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			opts := Options{NamespaceSelector: sel}
			_, mb, merr := BuildMutating(cfg, opts)
			_, vb, verr := Build(cfg, opts)
			for _, err := range []error{merr, verr} {
				switch {
				case tc.err == "" && err != nil:
					t.Fatalf("unexpected error: %v", err)
				case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
			}
			if tc.err != "" {
				return
			}
			got := []*MatchResources{mb.Spec.(MutatingBindingSpec).MatchResources, vb.Spec.(BindingSpec).MatchResources}
			for _, m := range got {
				switch {
				case tc.want == nil && m != nil:
					t.Errorf("binding has matchResources %+v; want none (every namespace)", m)
				case tc.want != nil && (m == nil || !equalMaps(m.NamespaceSelector.MatchLabels, tc.want.MatchLabels) || len(m.NamespaceSelector.MatchExpressions) != len(tc.want.MatchExpressions)):
					t.Errorf("binding matchResources %+v; want namespaceSelector %+v", m, tc.want)
				}
			}
		})
	}
}

// TestMutatingPolicyReinvokesAndPatchesOnly: JSON patches only (an ApplyConfiguration cannot
// remove a legacy key), IfNeeded so a later mutation is followed by ours again, and every
// variable a mutation names is declared.
func TestMutatingPolicyReinvokesAndPatchesOnly(t *testing.T) {
	pol, _, err := BuildMutating(configFor(t, map[string]string{"promoteToLoadBalancer": "true"}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	spec := pol.Spec.(MutatingPolicySpec)
	if spec.ReinvocationPolicy != "IfNeeded" {
		t.Errorf("reinvocationPolicy %q, want IfNeeded", spec.ReinvocationPolicy)
	}
	declared := map[string]bool{}
	for _, v := range spec.Variables {
		for _, m := range variableRef.FindAllStringSubmatch(v.Expression, -1) {
			if !declared[m[1]] {
				t.Errorf("variable %s uses %s before it is declared", v.Name, m[1])
			}
		}
		declared[v.Name] = true
	}
	for i, m := range spec.Mutations {
		if m.PatchType != "JSONPatch" || m.JSONPatch == nil {
			t.Fatalf("mutation %d is %s; want JSONPatch", i, m.PatchType)
		}
		for _, ref := range variableRef.FindAllStringSubmatch(m.JSONPatch.Expression, -1) {
			if !declared[ref[1]] {
				t.Errorf("mutation %d uses undeclared variable %s", i, ref[1])
			}
		}
	}
}

// TestDenialsTellKubectlUsersServiceFields: a kubectl user denied for load-balancer fields on a
// ClusterIP Service is told the Service field to set, not a function setting they do not have.
func TestDenialsTellKubectlUsersServiceFields(t *testing.T) {
	// A kubectl user has the Service's fields and annotations, not the function's settings.
	settings := []string{"promoteToLoadBalancer", "config key", "from the config", "clientIPTimeoutSeconds", "persistenceTimeoutSeconds"}
	found := false
	// The persistence timeout 30 fits alibaba but not huawei (whole minutes), so the policy
	// carries the rule that asks a huawei Service for its own annotation.
	for _, data := range []map[string]string{nil, {"persistenceTimeoutSeconds": "30"}, {"provider": "alibaba"}} {
		pol, _, err := Build(configFor(t, data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range pol.Spec.(PolicySpec).Validations {
			text := v.Message + v.MessageExpression
			for _, setting := range settings {
				if strings.Contains(text, setting) {
					t.Errorf("config %v: a denial names the function's setting %q: %s", data, setting, v.Message)
				}
			}
			found = found || strings.Contains(text, "set spec.type: LoadBalancer")
		}
	}
	if !found {
		t.Error("no denial tells the user to set spec.type: LoadBalancer")
	}
}
