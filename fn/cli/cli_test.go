package cli

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"testing/iotest"
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
  ports: [{port: 80}]
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
`

// nodePortLocal is the warning for the NodePort in documents, which the function sets to Local.
const nodePortLocal = "[warning] v1/Service/web spec.externalTrafficPolicy: with Local, a node without a ready pod of this Service drops the traffic"

const resourceList = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"

func TestMain(t *testing.T) {
	dir := t.TempDir()
	typed := filepath.Join(dir, "typed.yaml")
	if err := os.WriteFile(typed, []byte("apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: f}\nclientIPTimeoutSeconds: 600\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outOfRange := filepath.Join(dir, "out-of-range.yaml")
	if err := os.WriteFile(outOfRange, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  clientIPTimeoutSeconds: \"0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	headless := strings.Replace(documents, "  type: NodePort\n", "  clusterIP: None\n", 1)
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
			"---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1"}, stderr: nodePortLocal},
		{name: "a flag sets a key", args: []string{"--client-ip-timeout-seconds", "900"}, stdin: documents, stdout: []string{"timeoutSeconds: 900"}, stderr: nodePortLocal},
		{name: "a typed --config file, a flag on top", args: []string{"--config", typed, "--mode=validate"}, stdin: documents, code: 1,
			stderr: "[error] v1/Service/web spec.sessionAffinityConfig.clientIP.timeoutSeconds: is not set; want 600"},
		{name: "a warning goes to stderr, documents to stdout", stdin: strings.Replace(documents, "ports: [{port: 80}]", "ports: [{name: a, port: 80}, {name: b, port: 81}]", 1),
			stdout: []string{"sessionAffinity: ClientIP"}, stderr: "[warning] v1/Service/web spec.ports: affinity is kept per port"},
		{name: "an invalid flag value is a config error, exit 2", args: []string{"--mode", "fix"}, stdin: documents, code: 2,
			stderr: `[error]: --mode fix: "fix" is not allowed; allowed mutate, validate`},
		{name: "a value from a --config file is named by file and key, exit 2", args: []string{"--config", outOfRange}, stdin: documents, code: 2,
			stderr: "[error]: --config " + outOfRange + " data.clientIPTimeoutSeconds: 0 is out of range; allowed 1..86400"},
		{name: "a flag the provider cannot use is named, and dropping it is the advice", args: []string{"--provider", "aws", "--persistence-timeout-seconds", "60"}, stdin: documents, code: 2,
			stderr: "[error]: --persistence-timeout-seconds 60: provider aws has no load-balancer persistence timeout; drop --persistence-timeout-seconds"},
		{name: "a headless Service: the error names the flag and a selector", stdin: headless, code: 1,
			stderr: "pass such Services through with --on-unsupported skip, or leave this one out: label it session-affinity.kpt.dev/skip=true and use --selector 'session-affinity.kpt.dev/sticky=true,session-affinity.kpt.dev/skip!=true'"},
		{name: "--on-unsupported skip passes a headless Service through with a warning", args: []string{"--on-unsupported", "skip"}, stdin: headless,
			stdout: []string{"clusterIP: None"}, stderr: "[warning] v1/Service/web spec.clusterIP: a headless Service"},
		{name: "a persistence timeout no selected Service can use is a warning naming the flag", args: []string{"--persistence-timeout-seconds", "600"},
			stdin: documents, stdout: []string{"sessionAffinity: ClientIP"},
			stderr: "[warning]: --persistence-timeout-seconds 600: no selected Service is a LoadBalancer"},
		{name: "an annotation typed by Helm's --set: the error says --set-string", stdin: strings.Replace(documents, "  labels:\n", "  annotations:\n    example.com/port: 8080\n  labels:\n", 1),
			code: 1, stderr: `metadata.annotations[example.com/port]: value must be a string, got an integer "8080"; quote it: "8080"; from a Helm --set, use --set-string`},
		{name: "-v prints info results too", args: []string{"-v"}, stdin: documents, stdout: []string{"sessionAffinity: ClientIP"},
			stderr: `[info] v1/Service/web spec.sessionAffinity: set to "ClientIP"`},
		{name: "--results with a ResourceList", args: []string{"--results", filepath.Join(dir, "r.yaml")}, stdin: resourceList, code: 1, stderr: "apply to plain YAML input only"},
		{name: "a ResourceList runs as a KRM function", stdin: resourceList, stdout: []string{"kind: ResourceList", "results:"}},
		{name: "flags with a ResourceList", args: []string{"--mode", "validate"}, stdin: resourceList, code: 1, stderr: "apply to plain YAML input only"},
		{name: "a ResourceList among other documents is unusable input, exit 2", stdin: documents + "---\n" + resourceList, code: 2, stderr: "a ResourceList among other documents"},
		{name: "a stream of comments comes back as it is", stdin: "# nothing\n", stdout: []string{"# nothing\n"}},
		{name: "no input at all is no output", stdin: ""},
		{name: "a document that is not an object is unusable input, exit 2", stdin: documents + "---\n- a\n", code: 2, stderr: "document 3 is a list; every document must be an object"},
		{name: "a --config file that does not exist, exit 2", args: []string{"--config", filepath.Join(dir, "nope.yaml")}, stdin: documents, code: 2, stderr: "no such file or directory"},
		{name: "a --config file that does not parse, exit 2", args: []string{"--config", broken}, stdin: documents, code: 2, stderr: "is not valid YAML"},
		{name: "an unknown flag is named as typed, exit 2", args: []string{"--selektor", "a=b"}, stdin: documents, code: 2, stderr: "unknown flag --selektor; see --help"},
		{name: "a file that does not exist, exit 2", args: []string{"manifests.yaml"}, stdin: documents, code: 2, stderr: "manifests.yaml: no such file or directory"},
		{name: "help", args: []string{"--help"}, stdout: []string{"Usage:", "clientIPTimeoutSeconds (integer)\n      --client-ip-timeout-seconds VALUE", "default 10800; allowed 1..86400",
			"promoteToLoadBalancer (boolean)\n      --promote-to-load-balancer\n", "onUnsupported (string)\n      --on-unsupported VALUE", "default error; allowed error, skip", "--results FILE", "-v, --verbose"}},
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

// TestResultsFile: --results writes the results as kpt writes results.yaml, for Helm users, whose
// post-renderer stderr Helm drops on success; the documents still go to stdout.
func TestResultsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.yaml")
	var out, errOut bytes.Buffer
	if code := Main([]string{"--results", path}, strings.NewReader(documents), &out, &errOut, "v1"); code != 0 {
		t.Fatalf("exit code %d: %s", code, errOut.String())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"apiVersion: kpt.dev/v1\nkind: FunctionResultList\n", "exitCode: 0\nitems:\n  - exec: set-session-affinity\n    exitCode: 0\n    results:\n",
		"      field:\n        path: spec.sessionAffinity\n", "1 Service updated"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("results file lacks %q:\n%s", want, b)
		}
	}
	if !strings.Contains(out.String(), "sessionAffinity: ClientIP") || strings.TrimPrefix(errOut.String(), nodePortLocal) == errOut.String() || strings.Contains(errOut.String(), "[error]") {
		t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
	}
	if code := Main([]string{"--results", filepath.Join(path, "no", "dir")}, strings.NewReader(documents), &out, &errOut, "v1"); code != 2 || !strings.Contains(errOut.String(), "--results:") {
		t.Errorf("an unwritable results file: exit code %d, stderr %q", code, errOut.String())
	}
}

// TestReadAllFromAPipe reads inputs around the chunk sizes through a reader that, like a pipe,
// hands out a few bytes at a time and has no size: every byte must arrive, in order.
func TestReadAllFromAPipe(t *testing.T) {
	for _, size := range []int{0, 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 192<<10 + 7, 9<<20 + 3} {
		want := make([]byte, size)
		for i := range want {
			want[i] = byte(i % 251)
		}
		got, err := readAll(iotest.HalfReader(bytes.NewReader(want)))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("size %d: read %d bytes, not the input", size, len(got))
		}
	}
}

// TestLimitMemoryIsTheBound: a large input sets the runtime's memory limit to the bound the
// function promises (3 times the input and 32 MiB) less the 8 MiB its code takes, so that the
// collector works harder rather than let a run pass it; a small input keeps Go's defaults.
func TestLimitMemoryIsTheBound(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	limitMemory(1 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("a 1 MiB input set the memory limit to %d", got)
	}
	limitMemory(100 << 20)
	if got, want := debug.SetMemoryLimit(-1), int64(300<<20+24<<20); got != want {
		t.Errorf("a 100 MiB input: memory limit %d, want %d", got, want)
	}
	if got := debug.SetGCPercent(100); got != 25 {
		t.Errorf("a 100 MiB input: GC percent %d, want 25", got)
	}
}
