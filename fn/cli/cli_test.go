package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const documents = `# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web # the front door
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
`

const resourceList = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"

func TestMain(t *testing.T) {
	dir := t.TempDir()
	typed := filepath.Join(dir, "typed.yaml")
	if err := os.WriteFile(typed, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: f}\nclientIPTimeoutSeconds: 600\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("a: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string // substrings, in order; nil means stdout must be empty
		stderr string   // substring; "" means stderr must be empty
	}{
		{name: "documents in order, comments kept", stdin: documents, stdout: []string{
			"# Source: app/templates/service.yaml\n", "name: web # the front door", "sessionAffinity: ClientIP", "externalTrafficPolicy: Local",
			"---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1"}},
		{name: "a flag sets a key", args: []string{"--client-ip-timeout-seconds", "900"}, stdin: documents, stdout: []string{"timeoutSeconds: 900"}},
		{name: "a typed --config file, a flag on top", args: []string{"--config", typed, "--mode=validate"}, stdin: documents, code: 1,
			stderr: "[error] v1/Service/web spec.sessionAffinityConfig.clientIP.timeoutSeconds: is not set; want 600"},
		{name: "a warning goes to stderr, documents to stdout", stdin: strings.Replace(documents, "type: NodePort", "type: NodePort\n  ports: [{port: 80}, {port: 81}]", 1),
			stdout: []string{"sessionAffinity: ClientIP"}, stderr: "[warning] v1/Service/web spec.ports: affinity is kept per port"},
		{name: "an invalid flag value is a config error", args: []string{"--mode", "fix"}, stdin: documents, code: 1,
			stderr: `[error] v1/ConfigMap/flags data.mode: invalid config: "fix" is not allowed; allowed mutate, validate`},
		{name: "a ResourceList runs as a KRM function", stdin: resourceList, stdout: []string{"kind: ResourceList", "results:"}},
		{name: "flags with a ResourceList", args: []string{"--mode", "validate"}, stdin: resourceList, code: 1, stderr: "apply to plain YAML input only"},
		{name: "a ResourceList among other documents", stdin: documents + "---\n" + resourceList, code: 1, stderr: "a ResourceList among other documents"},
		{name: "a stream of comments comes back as it is", stdin: "# nothing\n", stdout: []string{"# nothing\n"}},
		{name: "no input at all is no output", stdin: ""},
		{name: "a document that is not an object", stdin: documents + "---\n- a\n", code: 1, stderr: "document 3 is a list; every document must be an object"},
		{name: "a --config file that does not exist", args: []string{"--config", filepath.Join(dir, "nope.yaml")}, stdin: documents, code: 1, stderr: "no such file or directory"},
		{name: "a --config file that does not parse", args: []string{"--config", broken}, stdin: documents, code: 1, stderr: "is not valid YAML"},
		{name: "an unknown flag", args: []string{"--selektor", "a=b"}, stdin: documents, code: 1, stderr: "flag provided but not defined: -selektor"},
		{name: "a positional argument", args: []string{"manifests.yaml"}, stdin: documents, code: 1, stderr: `unexpected argument "manifests.yaml"`},
		{name: "help", args: []string{"--help"}, stdout: []string{"Usage:", "--client-ip-timeout-seconds VALUE", "default 10800; allowed 1..86400", "--promote-to-load-balancer "}},
		{name: "version", args: []string{"--version"}, stdout: []string{"set-session-affinity v1.2.3\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Main(tc.args, strings.NewReader(tc.stdin), &out, &errOut, "v1.2.3")
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tc.code, errOut.String())
			}
			rest := out.String()
			for _, want := range tc.stdout {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("stdout lacks %q (in order):\n%s", want, out.String())
				}
				rest = rest[i+len(want):]
			}
			if tc.stdout == nil && out.Len() > 0 {
				t.Errorf("stdout must be empty, got:\n%s", out.String())
			}
			if tc.stderr == "" && errOut.Len() > 0 || !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errOut.String(), tc.stderr)
			}
		})
	}
}

func TestFlagName(t *testing.T) {
	for key, want := range map[string]string{
		"selector": "selector", "clientIPTimeoutSeconds": "client-ip-timeout-seconds",
		"persistenceTimeoutSeconds": "persistence-timeout-seconds", "promoteToLoadBalancer": "promote-to-load-balancer",
	} {
		if got := flagName(key); got != want {
			t.Errorf("flagName(%q) = %q, want %q", key, got, want)
		}
	}
}
