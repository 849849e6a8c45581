package validator_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// Cost. kube-apiserver compiles every expression of a ValidatingAdmissionPolicy when it is
// created and refuses one that does not compile; it does not refuse an expensive one then (the
// static cost estimate is only enforced for CRD validation rules). The cost budget bites at run
// time: an expression that exceeds its per-call limit fails, and with failurePolicy Fail the
// Service is denied with "resulted in error" instead of a field. So the tests below check that
// the server accepts the generated policy for every provider, that a control policy over the
// budget really is cut off at run time (the check can fail), and that the generated policy
// judges the largest Services we consider plausible within the budget.

// worstCase returns a Service at the plausible limits: 100 ports, (for the Alibaba cases) a listener annotation naming
// each of them, 100 other annotations and 50 labels, as the function writes it for config (so
// compliant) when compliant is true, and with sessionAffinity None otherwise.
func worstCase(t *testing.T, c policyCase, compliant bool) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Service\nmetadata:\n  name: worst-case\n  labels:\n")
	for k, v := range c.probe {
		fmt.Fprintf(&b, "    %s: %q\n", k, v)
	}
	for i := range 50 {
		fmt.Fprintf(&b, "    label-%d: value-%d\n", i, i)
	}
	b.WriteString("  annotations:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "    example.com/note-%d: %q\n", i, strings.Repeat("x", 200))
	}
	var listeners []string
	for i := range 100 {
		listeners = append(listeners, fmt.Sprintf("tcp:%d", 1000+i))
	}
	// One controller's signals per Service: the function refuses two controllers' on one Service
	// (their annotations name the provider), so the case's provider decides which it carries.
	switch p := c.config["provider"]; {
	case p == "aws":
		b.WriteString("    service.beta.kubernetes.io/aws-load-balancer-type: external\n")
	case p == "" || p == "auto" || strings.HasPrefix(p, "alibaba"):
		fmt.Fprintf(&b, "    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: %q\n", strings.Join(listeners, ","))
	}
	b.WriteString("spec:\n  type: LoadBalancer\n  selector: {app: web}\n")
	if c.config["provider"] == "alibaba-nlb" {
		b.WriteString("  loadBalancerClass: alibabacloud.com/nlb\n")
	}
	b.WriteString("  ports:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "  - {name: p%d, port: %d, protocol: TCP}\n", i, 1000+i)
	}
	svc := []byte(b.String())
	list := policyResourceList(t, []policyService{{node: parseNode(t, svc)}}, c.config)
	out, stderr, err := runFunctionArgs(list)
	if err != nil {
		t.Fatalf("the function refused the worst case under %s: %v\n%s", c.name, err, stderr)
	}
	written, err := goldens.Services([]byte(out))
	if err != nil || len(written) != 1 {
		t.Fatalf("the function's output: %v", err)
	}
	if compliant {
		return written[0].Manifest
	}
	return []byte(strings.Replace(string(written[0].Manifest), "sessionAffinity: ClientIP", "sessionAffinity: None", 1))
}

func parseNode(t *testing.T, manifest []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(manifest, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// TestPolicyCost: the server creates every generated policy; a control policy over the budget is
// cut off at run time; every generated policy judges the worst case within the budget, admitting
// it as the function writes it and denying it, with a field, without ClientIP.
func TestPolicyCost(t *testing.T) {
	needServer(t)
	theServerJudge.ensureNamespace(t, t.Context(), "default")
	t.Run("over-budget control", func(t *testing.T) {
		c := policyCase{name: "over-budget-control", probe: map[string]string{"over-budget": "yes"}}
		policy := []byte(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ssa-over-budget-control}
spec:
  failurePolicy: Fail
  matchConstraints:
    objectSelector: {matchLabels: {over-budget: "yes"}}
    resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"]}]
  validations:
  - expression: "size(object.spec.ports) > 1 && object.spec.ports.all(a, object.spec.ports.all(b, object.spec.ports.all(c, object.spec.ports.all(d, a.port + b.port + c.port + d.port > 0))))"
`)
		binding := []byte("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: ssa-over-budget-control}\nspec: {policyName: ssa-over-budget-control, validationActions: [Deny]}\n")
		// The probe has one port and is denied at once; with 60 ports the expression holds, but
		// only after 60^4 steps.
		remove := installPolicy(t, c, policy, binding)
		defer remove()
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: Service\nmetadata:\n  name: control\n  labels: {over-budget: \"yes\"}\nspec:\n  ports:\n")
		for i := range 60 {
			fmt.Fprintf(&b, "  - {name: p%d, port: %d}\n", i, 1000+i)
		}
		v := theServerJudge.judge(t, "default", []byte(b.String()))
		if v.Accepted || !strings.Contains(v.Message, "cost") {
			t.Fatalf("a policy of 60^4 steps should run out of its cost budget at run time; the server said: %s", v)
		}
		_, cut, _ := strings.Cut(v.Message, "resulted in error: ")
		report("policy cost control", "the server created a policy over the CEL cost budget (60^4 steps on 60 ports) and cut it off at run time: %s", cut)
	})
	for _, c := range policyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			policy, binding := generatePolicy(t, c)
			remove := installPolicy(t, c, policy, binding) // fails if the server refuses either
			defer remove()
			start := time.Now()
			ok := theServerJudge.judge(t, "default", worstCase(t, c, true))
			okTime := time.Since(start)
			if !ok.Accepted {
				t.Errorf("the worst case as the function writes it was refused: %s", ok)
			}
			bad := theServerJudge.judge(t, "default", worstCase(t, c, false))
			switch {
			case bad.Accepted:
				t.Errorf("the worst case without ClientIP was admitted")
			case strings.Contains(bad.Message, "resulted in error"):
				t.Errorf("the policy failed on the worst case instead of judging it: %.300s", bad.Message)
			case !strings.Contains(policyMessage(bad), "spec.sessionAffinity"):
				t.Errorf("the worst case without ClientIP was denied without naming spec.sessionAffinity: %s", bad.Message)
			}
			report("policy cost "+c.name, "created; worst case (100 ports, 100 listeners, 101 annotations) admitted in %v, denied by field without ClientIP",
				okTime.Round(time.Millisecond))
		})
	}
}

// TestPolicyLatency measures what the policy adds to a dry-run create: each Service goes to a
// namespace the binding covers and to one it does not, in alternating order, and the median of
// the paired differences must stay under 2 ms.
func TestPolicyLatency(t *testing.T) {
	needServer(t)
	const maxAdded = 2 * time.Millisecond
	services := policyCorpus(t)
	if len(services) > 600 {
		services = services[:600]
	}
	for _, ns := range []string{"policy-latency-on", "policy-latency-off"} {
		label := map[bool]string{true: "on", false: "off"}[ns == "policy-latency-on"]
		body := fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q,"labels":{"ssa-policy-latency":%q}}}`, ns, label)
		if err := server.Create(t.Context(), "/api/v1/namespaces", "application/json", body); err != nil && !strings.Contains(err.Error(), "409") {
			t.Fatal(err)
		}
		theServerJudge.ensureNamespace(t, t.Context(), ns)
	}
	manifests := make([][]byte, len(services))
	for i, s := range services {
		n := parseNode(t, s.manifest)
		if meta := goldens.Lookup(n, "metadata"); meta != nil {
			deleteKey(meta, "namespace")
		}
		manifests[i] = encodeNode(t, n)
	}
	for _, c := range policyCases(t) {
		if c.extra {
			continue // one config per provider is enough
		}
		t.Run(c.name, func(t *testing.T) {
			policy, binding := generatePolicy(t, c)
			binding = append(binding, []byte("  matchResources:\n    namespaceSelector:\n      matchLabels:\n        ssa-policy-latency: \"on\"\n")...)
			c.probeNamespace = "policy-latency-on"
			remove := installPolicy(t, c, policy, binding)
			defer remove()
			var on, off, diff []time.Duration
			for i, m := range manifests {
				time1 := func(ns string) time.Duration {
					start := time.Now()
					theServerJudge.judge(t, ns, m)
					return time.Since(start)
				}
				var a, b time.Duration
				if i%2 == 0 {
					a = time1("policy-latency-on")
					b = time1("policy-latency-off")
				} else {
					b = time1("policy-latency-off")
					a = time1("policy-latency-on")
				}
				on, off, diff = append(on, a), append(off, b), append(diff, a-b)
			}
			added := median(diff)
			report("policy latency "+c.name, "%d Services: median dry run %v with the policy, %v without; median added %v (budget %v)",
				len(manifests), median(on).Round(10*time.Microsecond), median(off).Round(10*time.Microsecond), added.Round(10*time.Microsecond), maxAdded)
			if added >= maxAdded {
				t.Errorf("the policy adds %v per dry run (median of %d pairs); budget %v", added, len(diff), maxAdded)
			}
		})
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
