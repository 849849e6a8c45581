package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAdmissionPolicyExample runs the commands examples/admission-policy/README.md shows: the
// policy it prints is the committed policy.yaml (which make test-apiserver applies to a real
// kube-apiserver), and validate mode names the field the server's denial names.
func TestAdmissionPolicyExample(t *testing.T) {
	const name = "admission-policy"
	dir := filepath.Join(stageExample(t, name), name)
	command := "set-session-affinity policy --mutating=false > policy.yaml"
	if _, stderr, code := runDocumented(t, name, dir, command, exampleEnv(t)); code != 0 || stderr != "" {
		t.Fatalf("%s: exit %d, stderr:\n%s", command, code, stderr)
	}
	got, err := os.ReadFile(filepath.Join(dir, "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, name, "policy.yaml", string(got))

	command = "set-session-affinity --mode validate < service.yaml"
	stdout, stderr, code := runDocumented(t, name, dir, command, exampleEnv(t))
	if code != 1 || stdout != "" {
		t.Errorf("%s: exit %d and stdout %q; want 1 and nothing", command, code, stdout)
	}
	checkGolden(t, name, "expected-validate.txt", stderr)
}

// TestAdmissionMutatingExample runs the commands examples/admission-mutating/README.md shows: the
// policies it prints are the committed policy.yaml (which make test-apiserver applies to a real
// kube-apiserver), and the function's output is expected-function.yaml, which the server's answer
// must equal on every field the function sets.
func TestAdmissionMutatingExample(t *testing.T) {
	const name = "admission-mutating"
	dir := filepath.Join(stageExample(t, name), name)
	for _, c := range []struct{ command, golden string }{
		{"set-session-affinity policy > policy.yaml", "policy.yaml"},
		{"set-session-affinity < service.yaml > expected-function.yaml", "expected-function.yaml"},
	} {
		if _, stderr, code := runDocumented(t, name, dir, c.command, exampleEnv(t)); code != 0 {
			t.Fatalf("%s: exit %d, stderr:\n%s", c.command, code, stderr)
		}
		got, err := os.ReadFile(filepath.Join(dir, c.golden))
		if err != nil {
			t.Fatal(err)
		}
		checkGolden(t, name, c.golden, string(got))
	}
}
