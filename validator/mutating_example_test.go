package validator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// mutatingExampleDir is the example that applies both policies.
var mutatingExampleDir = filepath.Join(repoRoot, "examples", "admission-mutating")

// TestMutatingPolicyExample applies examples/admission-mutating/policy.yaml (both policies) to the
// real server and creates its service.yaml as written (dry run): the object the server returns,
// without what it allocates (addresses, ports, uid, times), must be expected-created.yaml
// (SSA_UPDATE_EXAMPLE=1 rewrites it for review), which the README shows, and must equal the
// function's output (expected-function.yaml) on every field the function sets.
func TestMutatingPolicyExample(t *testing.T) {
	needServer(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(mutatingExampleDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	docs := strings.Split(read("policy.yaml"), "\n---\n")
	if len(docs) != 4 {
		t.Fatalf("policy.yaml holds %d documents; want the mutating policy and binding, then the validating ones", len(docs))
	}
	c := policyCase{name: "mutating-example", policy: "set-session-affinity", probe: map[string]string{stickyLabel: "true"}}
	defer installPolicy(t, c, []byte(docs[2]), []byte(docs[3]))()
	defer installMutating(t, c, []byte(docs[0]), []byte(docs[1]))()
	v, obj := serverObject(t, "default", []byte(read("service.yaml")))
	if !v.Accepted {
		t.Fatalf("the example's Service was not admitted: %s", v)
	}
	if diff := fieldDiff(stickyFields(yamlObject(t, []byte(read("expected-function.yaml")))), stickyFields(obj)); len(diff) > 0 {
		t.Errorf("the server's object differs from the function's output:\n  %s", strings.Join(diff, "\n  "))
	}
	got := string(stableObject(t, obj))
	path := filepath.Join(mutatingExampleDir, "expected-created.yaml")
	if os.Getenv("SSA_UPDATE_EXAMPLE") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want := read("expected-created.yaml"); got != want {
		t.Errorf("the server's object differs from examples/admission-mutating/expected-created.yaml (SSA_UPDATE_EXAMPLE=1 rewrites it):\n--- want\n%s--- got\n%s", want, got)
	}
	if !strings.Contains(read("README.md"), got) {
		t.Errorf("examples/admission-mutating/README.md does not show expected-created.yaml as it is")
	}
	report("mutating example", "kubectl create of examples/admission-mutating/service.yaml came back as expected-created.yaml, equal to the function's output on every field it sets")
}

// stableObject is the server's object without what differs from run to run or from server to
// server: addresses, allocated ports, uid, times, resourceVersion, status.
func stableObject(t *testing.T, obj map[string]any) []byte {
	t.Helper()
	meta, _ := obj["metadata"].(map[string]any)
	for _, k := range []string{"uid", "creationTimestamp", "resourceVersion", "managedFields", "generation"} {
		delete(meta, k)
	}
	spec, _ := obj["spec"].(map[string]any)
	for _, k := range []string{"clusterIP", "clusterIPs", "healthCheckNodePort"} {
		delete(spec, k)
	}
	if ports, ok := spec["ports"].([]any); ok {
		for _, p := range ports {
			if m, ok := p.(map[string]any); ok {
				delete(m, "nodePort")
			}
		}
	}
	delete(obj, "status")
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(obj); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}
