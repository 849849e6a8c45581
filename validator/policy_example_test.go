package validator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleDir is the admission policy example.
var exampleDir = filepath.Join(repoRoot, "examples", "admission-policy")

// TestPolicyExample applies the example's committed policy.yaml to the real server and sends its
// service.yaml: the server's message must be the one examples/admission-policy/expected-denial.txt
// shows (SSA_UPDATE_EXAMPLE=1 rewrites it for review), and it must name the field validate mode
// names for the same Service.
func TestPolicyExample(t *testing.T) {
	needServer(t)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(exampleDir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	docs := strings.Split(read("policy.yaml"), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("policy.yaml holds %d documents; want the policy and the binding", len(docs))
	}
	c := policyCase{name: "example", policy: "set-session-affinity", probe: map[string]string{stickyLabel: "true"}}
	remove := installPolicy(t, c, []byte(docs[0]), []byte(docs[1]))
	defer remove()
	v := theServerJudge.judge(t, "default", []byte(read("service.yaml")))
	if !deniedBy(v, c.policyName()) {
		t.Fatalf("the example's Service was not denied by the policy: %s", v)
	}
	got := v.Message + "\n"
	path := filepath.Join(exampleDir, "expected-denial.txt")
	if os.Getenv("SSA_UPDATE_EXAMPLE") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want := read("expected-denial.txt"); got != want {
		t.Errorf("the server's denial differs from examples/admission-policy/expected-denial.txt (SSA_UPDATE_EXAMPLE=1 rewrites it):\n--- want\n%s--- got\n%s", want, got)
	}
	// The README shows what kubectl prints for a refusal of reason Invalid: the resource, the
	// name, and each cause as field: message (the policy's cause has no field).
	if len(v.Causes) != 1 {
		t.Fatalf("the denial has %d causes; want the policy's one: %+v", len(v.Causes), v.Causes)
	}
	kubectl := `The services "checkout" is invalid: ` + v.Causes[0].Field + ": " + v.Causes[0].Message
	if readme := read("README.md"); !strings.Contains(readme, kubectl) {
		t.Errorf("examples/admission-policy/README.md does not show the server's denial as kubectl prints it:\n%s", kubectl)
	}
	validate := read("expected-validate.txt")
	field, _, _ := strings.Cut(policyMessage(v), ":")
	if !strings.Contains(validate, " "+field+": ") {
		t.Errorf("the denial names %s; validate mode (expected-validate.txt) does not:\n%s", field, validate)
	}
	report("policy example", "the server denied examples/admission-policy/service.yaml with the message expected-denial.txt holds, naming %s as validate mode does", field)
}
