package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sticky-services/set-session-affinity/fn/cli"
)

// sarifSchemaFile is the OASIS SARIF 2.1.0 JSON schema (errata 01,
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
// committed so the test runs offline; copied from the one securego/gosec tests its SARIF with.
const sarifSchemaFile = "testdata/sarif/sarif-schema-2.1.0.json"

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(readFile(t, sarifSchemaFile)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateJSON(t *testing.T, s *jsonschema.Schema, b []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return s.Validate(inst)
}

// TestSARIFOutputIsValid runs --output sarif over manifests with errors, warnings and info (-v),
// in block and JSON files and a path with a space, and checks the log against the SARIF 2.1.0
// schema; also a run with no findings.
func TestSARIFOutputIsValid(t *testing.T) {
	s := sarifSchema(t)
	dir := t.TempDir()
	files := map[string]string{
		"k8s/web.yaml":        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {session-affinity.kpt.dev/sticky: \"true\"}\nspec:\n  type: ClusterIP\n  selector: {sessionAffinity: ClientIP}\n  ports:\n  - port: 80\n    nodePort: 30080\n",
		"k8s/my app/svc.json": `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "j", "labels": {"session-affinity.kpt.dev/sticky": "true"}}, "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81}]}}` + "\n",
		"clean/ok.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"errors, warnings and notes", []string{"--mode", "validate", "--output", "sarif", "-v", "k8s"}, 1},
		{"no findings", []string{"--mode", "validate", "--output", "sarif", "clean"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := cli.Main(tc.args, strings.NewReader(""), &out, &errOut, "v0.2.0"); code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tc.code, errOut.String())
			}
			if err := validateJSON(t, s, out.Bytes()); err != nil {
				t.Errorf("the SARIF log is not valid SARIF 2.1.0: %v\n%s", err, out.String())
			}
		})
	}
}

// TestSARIFSchemaRefuses checks the schema test can fail: each log breaks one rule of SARIF 2.1.0.
func TestSARIFSchemaRefuses(t *testing.T) {
	s := sarifSchema(t)
	for name, log := range map[string]string{
		"another version":         `{"version": "2.0.0", "runs": []}`,
		"a run without a tool":    `{"version": "2.1.0", "runs": [{"results": []}]}`,
		"a level SARIF lacks":     `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal", "message": {"text": "m"}}]}]}`,
		"a line before the first": `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}, "region": {"startLine": 0}}}]}]}]}`,
	} {
		if err := validateJSON(t, s, []byte(log)); err == nil {
			t.Errorf("%s: the schema accepts %s", name, log)
		}
	}
}
