package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyCommand(t *testing.T) {
	dir := t.TempDir()
	typed := filepath.Join(dir, "typed.yaml")
	if err := os.WriteFile(typed, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: f}\nprovider: huawei\nclientIPTimeoutSeconds: 600\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		args        []string
		code        int
		stdout      []string // fragments stdout must hold
		stderr      string   // a fragment stderr must hold ("" means empty)
		notStdout   string
		emptyStdout bool
	}{
		{name: "defaults", args: []string{"policy"}, stdout: []string{
			"kind: ValidatingAdmissionPolicy\n", "kind: ValidatingAdmissionPolicyBinding\n", "session-affinity.kpt.dev/sticky: \"true\"",
			"--provider auto\n", "- Deny\n",
		}, notStdout: "--client-ip-timeout-seconds"},
		{name: "flags", args: []string{"policy", "--provider", "aws", "--selector", "app=web", "--validation-actions", "Warn,Audit", "--name", "sticky"},
			stdout: []string{"name: sticky\n", "policyName: sticky\n", "- Warn\n", "- Audit\n", "app: web\n", "--provider aws"}, notStdout: "- Deny"},
		{name: "config file, flag on top", args: []string{"policy", "--config", typed, "--client-ip-timeout-seconds", "900"},
			stdout: []string{"--provider huawei --client-ip-timeout-seconds 900"}},
		{name: "mutating policy first, then validating", args: []string{"policy"}, stdout: []string{
			"kind: MutatingAdmissionPolicy\n", "kind: MutatingAdmissionPolicyBinding\n", "reinvocationPolicy: IfNeeded\n", "patchType: JSONPatch\n",
		}},
		{name: "mutating left out", args: []string{"policy", "--mutating=false"}, stdout: []string{"kind: ValidatingAdmissionPolicy\n"}, notStdout: "kind: Mutating"},
		{name: "validating left out", args: []string{"policy", "--validating=false"}, stdout: []string{"kind: MutatingAdmissionPolicyBinding\n"}, notStdout: "kind: Validating"},
		{name: "both left out", args: []string{"policy", "--validating=false", "--mutating=false"}, code: 2, stderr: "leave nothing to print", emptyStdout: true},
		{name: "namespace selector in both bindings", args: []string{"policy", "--namespace-selector", "sticky-services=on"},
			stdout: []string{"matchResources:\n    namespaceSelector:\n      matchLabels:\n        sticky-services: \"on\"\n"}},
		{name: "bad namespace selector", args: []string{"policy", "--namespace-selector", "a=("}, code: 2, stderr: "--namespace-selector \"a=(\"", emptyStdout: true},
		{name: "help", args: []string{"policy", "--help"}, stdout: []string{"--validation-actions LIST", "--selector VALUE"}},
		{name: "bad config value", args: []string{"policy", "--client-ip-timeout-seconds", "0"}, code: 2, stderr: "clientIPTimeoutSeconds: 0 is out of range; allowed 1..86400", emptyStdout: true},
		{name: "bad action", args: []string{"policy", "--validation-actions", "Deny,Warn"}, code: 2, stderr: "refused by the API server", emptyStdout: true},
		{name: "unknown flag, named as typed", args: []string{"policy", "--nope"}, code: 2, stderr: "policy: unknown flag --nope; see --help", emptyStdout: true},
		{name: "argument", args: []string{"policy", "extra"}, code: 2, stderr: `unexpected argument "extra"`, emptyStdout: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Main(tc.args, strings.NewReader(""), &stdout, &stderr, "test")
			if code != tc.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			for _, frag := range tc.stdout {
				if !strings.Contains(stdout.String(), frag) {
					t.Errorf("stdout lacks %q", frag)
				}
			}
			if tc.notStdout != "" && strings.Contains(stdout.String(), tc.notStdout) {
				t.Errorf("stdout holds %q", tc.notStdout)
			}
			if tc.emptyStdout && stdout.Len() > 0 {
				t.Errorf("stdout not empty on an error: %q", stdout.String())
			}
			if (tc.stderr == "") != (stderr.Len() == 0) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q, want it to hold %q", stderr.String(), tc.stderr)
			}
		})
	}
}
