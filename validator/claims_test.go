package validator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// apiClaims are the words by which a function error says the API server rejects the Service.
// Each such claim must be true.
var apiClaims = []string{"the API server rejects", "Required value", "value must be a string"}

func claimsAPI(f goldens.Finding) bool {
	for _, c := range apiClaims {
		if strings.Contains(f.Message, c) {
			return true
		}
	}
	return false
}

// claimVariant puts one field the rules name on a Service.
type claimVariant struct {
	path  string // the field, in the API server's notation
	value string // its value, YAML; "<absent>" removes the field (spec.ports)
	at    string // the field the function's finding names, when it names one inside path
}

// claimPath is the field the function's finding about v names.
func (v claimVariant) claimPath() string {
	if v.at != "" {
		return v.at
	}
	return v.path
}

// claimVariants: every load-balancer-only field, the port shapes and the annotation value types
// the rules name (fn/rules servicetype.go, values.go).
var claimVariants = []claimVariant{
	{path: "spec.ports[0].nodePort", value: "30080"},
	{path: "spec.healthCheckNodePort", value: "30999"},
	{path: "spec.externalTrafficPolicy", value: "Cluster"},
	{path: "spec.externalTrafficPolicy", value: "Local"},
	{path: "spec.loadBalancerSourceRanges", value: "[10.0.0.0/8]"},
	{path: "spec.allocateLoadBalancerNodePorts", value: "true"},
	{path: "spec.allocateLoadBalancerNodePorts", value: "false"},
	{path: "spec.allocateLoadBalancerNodePorts", value: `"false"`},
	{path: "spec.loadBalancerClass", value: "example.com/lb"},
	{path: "spec.loadBalancerIP", value: "10.0.0.10"},
	{path: "spec.ports", value: "<absent>"},
	{path: "spec.ports", value: "[]"},
	{path: "spec.ports", value: "[{port: 80}, {port: 81}]", at: "spec.ports[0].name"},
	{path: "spec.ports", value: "[{name: a, port: 80}, {name: a, port: 81}]", at: "spec.ports[1].name"},
	{path: "spec.selector", value: `{app: "web!"}`, at: "spec.selector[app]"},
	{path: "spec.selector", value: `{"bad key!": web}`, at: "spec.selector[bad key!]"},
	{path: "metadata.annotations[example.com/flag]", value: "true"},
	{path: "metadata.annotations[example.com/count]", value: "1800"},
	{path: "metadata.annotations[example.com/ratio]", value: "1.5"},
	{path: "metadata.annotations[example.com/empty]", value: "null"},
	{path: "metadata.annotations[example.com/word]", value: `"1800"`},
	// The source-ranges annotation: refused off a LoadBalancer, and unless each entry is a CIDR.
	{path: "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]", value: `"10.0.0.0/8, 2001:db8::/32"`},
	{path: "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]", value: "10.0.0.0/8,intranet"},
	{path: "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]", value: "010.0.0.0/8"},
}

func claimService(i int, typ string, v claimVariant) string {
	spec := map[string]string{"type": typ, "selector": "{app: web}", "ports": "[{port: 80}]"}
	annotations := ""
	switch {
	case strings.HasPrefix(v.path, "metadata.annotations["):
		key := strings.TrimSuffix(strings.TrimPrefix(v.path, "metadata.annotations["), "]")
		annotations = fmt.Sprintf("\n    annotations: {%s: %s}", key, v.value)
	case v.path == "spec.ports[0].nodePort":
		spec["ports"] = "[{port: 80, nodePort: " + v.value + "}]"
	case v.value == "<absent>":
		delete(spec, "ports")
	default:
		spec[strings.TrimPrefix(v.path, "spec.")] = v.value
	}
	var b strings.Builder
	fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: claim-%d\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}%s\n  spec:\n", i, annotations)
	for _, k := range []string{"type", "selector", "ports", "healthCheckNodePort", "externalTrafficPolicy", "loadBalancerSourceRanges",
		"allocateLoadBalancerNodePorts", "loadBalancerClass", "loadBalancerIP"} {
		if val, ok := spec[k]; ok {
			fmt.Fprintf(&b, "    %s: %s\n", k, val)
		}
	}
	return b.String()
}

// TestAPIClaimsMatchTheServer puts each field the rules name on each Service type and holds the
// function to its words, with the API's own code as the judge (and the real server, when
// test-apiserver runs): the function refuses a Service with an API claim naming a field if and
// only if the server refuses, naming that field, what the function leaves (the input, for a
// refused Service; the output otherwise). A false claim fails the first direction; a field the
// server rejects and the function lets pass in silence fails the second.
func TestAPIClaimsMatchTheServer(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	type cell struct {
		typ string
		v   claimVariant
	}
	var cells []cell
	for _, typ := range []string{"ClusterIP", "NodePort", "LoadBalancer"} {
		for _, v := range claimVariants {
			b.WriteString(claimService(len(cells), typ, v))
			cells = append(cells, cell{typ, v})
		}
	}
	// provider generic: the cloud-controller rules (classes, annotations) are not API claims.
	b.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: config}\n  data: {provider: generic}\n")
	input := []byte(b.String())
	output := runFunction(t, input)
	inputs, err := goldens.Services(input)
	if err != nil {
		t.Fatal(err)
	}
	outputs, err := goldens.Services(output)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := goldens.ServiceFindings(output)
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) != len(cells) || len(outputs) != len(cells) {
		t.Fatalf("%d Services in, %d out, for %d cells", len(inputs), len(outputs), len(cells))
	}
	for _, j := range judges() {
		claimed, refused := 0, 0
		for i, c := range cells {
			about := goldens.About(findings, inputs[i])
			claim := false
			for _, f := range goldens.Errors(about) {
				if claimsAPI(f) && f.Path == c.v.claimPath() {
					claim = true
				}
			}
			left := outputs[i]
			if len(goldens.Errors(about)) > 0 {
				left = inputs[i]
			}
			v := j.judge(t, left.RequestNamespace(), left.Manifest)
			refuses := !v.Accepted && namesFold(v.Fields(), c.v.path)
			name := fmt.Sprintf("%s %s=%s", c.typ, c.v.path, c.v.value)
			if claim {
				claimed++
			}
			if refuses {
				refused++
			}
			switch {
			case claim && !refuses:
				t.Errorf("%s: the function claims the API server rejects it, but %s: %s\n  function: %s", name, j.name(), v, messagesOf(about))
			case !claim && refuses:
				t.Errorf("%s: %s refuses it naming the field, and the function makes no such claim: %s\n  function: %s", name, j.name(), v, messagesOf(about))
			}
		}
		report("API claims ("+j.name()+")", "%d cells (%d fields x 3 types): %d claimed by the function, %d refused by the judge naming the field",
			len(cells), len(claimVariants), claimed, refused)
	}
}

func messagesOf(findings []goldens.Finding) string {
	var out []string
	for _, f := range findings {
		if f.Severity != "info" {
			out = append(out, f.Severity+" "+f.Path+": "+f.Message)
		}
	}
	return strings.Join(out, "; ")
}

// namesFold is Verdict.Names, ignoring case: for loadBalancerSourceRanges on a ClusterIP Service
// the server names "spec.LoadBalancerSourceRanges" (the Go field's spelling).
func namesFold(fields []string, path string) bool {
	for _, f := range fields {
		if validator.FieldMatches(strings.ToLower(f), strings.ToLower(path)) {
			return true
		}
	}
	return false
}
