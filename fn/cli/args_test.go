package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sticky is a selected NodePort Service that needs every field: a finding per field.
const sticky = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
  ports:
  - port: 80
`

// compliant is sticky with every field the function sets.
const compliant = `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
  ports:
  - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  externalTrafficPolicy: Local
`

// writeTree writes files (path -> text) under a new temp dir and returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// runIn runs the command in dir (paths relative to it, as a user types them).
func runIn(t *testing.T, dir string, args []string, stdin string) (stdout, stderr string, code int) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut bytes.Buffer
	code = Main(args, strings.NewReader(stdin), &out, &errOut, "v9.9.9")
	return out.String(), errOut.String(), code
}

// TestExitCodes pins the three exit codes of a plain run, so a CI system tells a failed policy
// (1) from a misused tool (2).
func TestExitCodes(t *testing.T) {
	tree := map[string]string{
		"k8s/web.yaml":       sticky,
		"ok/web.yaml":        compliant,
		"broken/bad.yaml":    "apiVersion: v1\nkind: [\n",
		"list/list.yaml":     "- a\n",
		"config/typo.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  mdoe: validate\n",
		"config/warn.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  persistenceTimeoutSeconds: \"600\"\n",
		"unreadable/x.yaml":  compliant,
		"rl/list.yaml":       resourceList,
		"two/a.yaml":         compliant,
		"two/b.yaml":         strings.Replace(sticky, "name: web", "name: other", 1),
		"empty/nothing.yaml": "# nothing yet\n",
	}
	dir := writeTree(t, tree)
	if err := os.Chmod(filepath.Join(dir, "unreadable/x.yaml"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("gone.yaml", filepath.Join(dir, "k8s/dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0 // root reads a file of mode 0
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		code  int
	}{
		{"ok: a compliant file", []string{"--mode", "validate", "ok/web.yaml"}, "", 0},
		{"ok: warnings allowed", []string{"--mode", "validate", "--config", "config/warn.yaml", "ok"}, "", 0},
		{"ok: an empty directory's file of comments", []string{"--mode", "validate", "empty"}, "", 0},
		{"findings: a validate failure", []string{"--mode", "validate", "k8s/web.yaml"}, "", 1},
		{"findings: one failing file among passing ones", []string{"--mode", "validate", "two"}, "", 1},
		{"findings: a refused Service on stdin", nil, strings.Replace(sticky, "type: NodePort", "clusterIP: None", 1), 1},
		{"usage: an unknown flag", []string{"--bogus"}, "", 2},
		{"usage: a flag without its value", []string{"--mode"}, "", 2},
		{"usage: a bad --output", []string{"--output", "xml", "ok"}, "", 2},
		{"usage: a config key misspelt", []string{"--config", "config/typo.yaml", "ok"}, "", 2},
		{"usage: a bad flag value", []string{"--client-ip-timeout-seconds", "0", "ok"}, "", 2},
		{"usage: a bad flag value on stdin", []string{"--client-ip-timeout-seconds", "0"}, compliant, 2},
		{"usage: a file that does not exist", []string{"nope.yaml"}, "", 2},
		{"usage: a file that cannot be read", []string{"unreadable/x.yaml"}, "", 2},
		{"usage: a dangling link in a directory", []string{"k8s"}, "", 2},
		{"usage: a file that is not valid YAML", []string{"broken/bad.yaml"}, "", 2},
		{"usage: stdin that is not valid YAML", nil, "apiVersion: v1\nkind: [\n", 2},
		{"usage: a document that is not an object", []string{"list/list.yaml"}, "", 2},
		{"usage: a ResourceList given as a file", []string{"rl/list.yaml"}, "", 2},
		{"usage: --in-place on stdin", []string{"--in-place"}, compliant, 2},
		{"usage: --in-place with - among files", []string{"--in-place", "ok", "-"}, compliant, 2},
		{"protocol: - alone is stdin, a ResourceList included", []string{"-"}, resourceList, 0},
		{"usage: --output json in mutate mode without --in-place", []string{"--output", "json", "ok"}, "", 2},
		{"protocol: a ResourceList's failure stays 1", []string{}, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {mdoe: x}}\nitems: []\n", 1},
		{"protocol: an unusable ResourceList stays 1", []string{}, "apiVersion: config.kubernetes.io/v2\nkind: ResourceList\nitems: []\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if root && strings.Contains(tc.name, "cannot be read") {
				t.Skip("root reads a file of mode 0")
			}
			_, stderr, code := runIn(t, dir, tc.args, tc.stdin)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
		})
	}
}

// TestArguments pins how arguments are read: files, directories, stdin, flags anywhere, help.
func TestArguments(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"k8s/b/web.yaml":             strings.Replace(sticky, "name: web", "name: b", 1),
		"k8s/a.yml":                  strings.Replace(sticky, "name: web", "name: a", 1),
		"k8s/c.json":                 `{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c", "labels": {"session-affinity.kpt.dev/sticky": "true"}}, "spec": {"type": "NodePort", "ports": [{"port": 80}]}}` + "\n",
		"k8s/notes.txt":              "not a manifest\n",
		"k8s/.hidden/x.yaml":         "a: [\n",
		"k8s/kustomization.yaml":     "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yml]\npatches:\n- path: patch.yaml\npatchesStrategicMerge:\n- smp.yaml\n",
		"k8s/patch.yaml":             "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {externalTrafficPolicy: Cluster}\n",
		"k8s/smp.yaml":               "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {sessionAffinity: None}\n",
		"k8s/json6902.yaml":          "- op: replace\n  path: /spec/type\n  value: LoadBalancer\n",
		"k8s/values.yaml":            "replicas: 3\n",
		"lists/rl.yaml":              "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n",
		"k8s/chart/Chart.yaml":       "name: x\n",
		"k8s/chart/templates/s.yaml": "{{ .Values.x }}\n",
	})
	for _, tc := range []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stdout []string // substrings in order
		stderr []string // substrings in order
	}{
		{name: "a directory is walked in lexical order, manifests only", args: []string{"--mode", "validate", "k8s"}, code: 1,
			stderr: []string{"k8s/a.yml:", "v1/Service/a", "k8s/b/web.yaml:", "v1/Service/b", "k8s/c.json:", "v1/Service/c"}},
		{name: "-v says what a walk skipped and why", args: []string{"--mode", "validate", "-v", "k8s"}, code: 1,
			stderr: []string{"k8s/chart: skipped: a Helm chart", "k8s/kustomization.yaml: skipped: a kustomization",
				"k8s/json6902.yaml: skipped: document 1 is a list", "k8s/patch.yaml: skipped: a patch a kustomization names",
				"k8s/smp.yaml: skipped: a patch", "k8s/values.yaml: skipped: document 1 has no apiVersion and kind"}},
		{name: "flags after paths", args: []string{"k8s/a.yml", "--mode", "validate"}, code: 1, stderr: []string{"k8s/a.yml:"}},
		{name: "-- ends the flags", args: []string{"--mode=validate", "--", "k8s/a.yml"}, code: 1, stderr: []string{"k8s/a.yml:"}},
		{name: "a named file is read even where a walk would skip it", args: []string{"k8s/values.yaml"}, stdout: []string{"replicas: 3\n"}},
		{name: "- is stdin, among files, in order", args: []string{"k8s/a.yml", "-"}, stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
			stdout: []string{"name: a\n", "sessionAffinity: ClientIP", "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"}},
		{name: "a ResourceList file is named as one, with the way to run it", args: []string{"lists/rl.yaml"}, code: 2,
			stderr: []string{"lists/rl.yaml: is a ResourceList; give it on stdin alone"}},
		{name: "a ResourceList file with flags is told to give them up", args: []string{"--mode", "validate", "lists/rl.yaml"}, code: 2,
			stderr: []string{"lists/rl.yaml: --config and config flags apply to plain YAML input only"}},
		{name: "a file that starts with ---x (a key, not a marker) still gets its own document", args: []string{"k8s/values.yaml", "-"},
			stdin: "---x: 1\n", stdout: []string{"replicas: 3\n---\n---x: 1\n"}},
		{name: "stdin given twice", args: []string{"-", "-"}, code: 2, stderr: []string{"- (stdin) is given twice"}},
		{name: "mutate mode prints the files' documents as one stream", args: []string{"k8s/a.yml", "k8s/b/web.yaml"},
			stdout: []string{"name: a\n", "externalTrafficPolicy: Local\n---\napiVersion: v1", "name: b\n", "externalTrafficPolicy: Local\n"}},
		{name: "a directory with no manifests is a warning, not a silent pass", args: []string{"--mode", "validate", "k8s/chart"},
			stderr: []string{"[warning]: no manifests found in k8s/chart; -v says what was left out and why"}},
		{name: "paths keep their order, files and directories alike; a file found twice is read once", args: []string{"--mode", "validate", "k8s/c.json", "k8s", "k8s/a.yml"}, code: 1,
			stderr: []string{"k8s/c.json:", "k8s/a.yml:", "k8s/b/web.yaml:"}},
		{name: "help as a word", args: []string{"help"}, stdout: []string{"Usage:", "Exit codes: 0 ok"}},
		{name: "-h", args: []string{"-h"}, stdout: []string{"Usage:"}},
		{name: "an unknown flag is named as typed", args: []string{"--bogus"}, code: 2, stderr: []string{"unknown flag --bogus; see --help"}},
		{name: "an unknown short flag is named as typed", args: []string{"-bogus"}, code: 2, stderr: []string{"unknown flag -bogus; see --help"}},
		{name: "a flag's missing value is named", args: []string{"k8s", "--output"}, code: 2, stderr: []string{"flag --output needs a value"}},
		{name: "a bad --output names the allowed values", args: []string{"--output=xml"}, code: 2, stderr: []string{"--output xml: allowed text, json, sarif, github"}},
		{name: "a bad boolean is named as typed", args: []string{"--in-place=maybe"}, code: 2, stderr: []string{`flag --in-place: invalid value "maybe"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runIn(t, dir, tc.args, tc.stdin)
			if code != tc.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			inOrder(t, "stdout", stdout, tc.stdout)
			inOrder(t, "stderr", stderr, tc.stderr)
		})
	}
}

func inOrder(t *testing.T, what, got string, want []string) {
	t.Helper()
	rest := got
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("%s lacks %q (in order):\n%s", what, w, got)
			return
		}
		rest = rest[i+len(w):]
	}
}

// TestInPlace: --in-place writes changed files back (and only those), byte for byte as stdout
// would have shown them; a second run changes nothing; an error in any file writes nothing.
func TestInPlace(t *testing.T) {
	dir := writeTree(t, map[string]string{"k8s/web.yaml": sticky, "k8s/ok.yaml": compliant})
	_, stderr, code := runIn(t, dir, []string{"--in-place", "k8s"}, "")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	printed, _, _ := runIn(t, dir, []string{"k8s/web.yaml"}, "")
	web, _ := os.ReadFile(filepath.Join(dir, "k8s/web.yaml"))
	if !strings.Contains(string(web), "externalTrafficPolicy: Local") || string(web) != printed {
		t.Errorf("web.yaml after --in-place:\n%s\nwant it compliant and as a second run prints it:\n%s", web, printed)
	}
	if ok, _ := os.ReadFile(filepath.Join(dir, "k8s/ok.yaml")); string(ok) != compliant {
		t.Errorf("ok.yaml changed:\n%s", ok)
	}
	if info, _ := os.Stat(filepath.Join(dir, "k8s/web.yaml")); info.Mode().Perm() != 0o644 {
		t.Errorf("web.yaml mode %v, want 0644 kept", info.Mode().Perm())
	}

	bad := writeTree(t, map[string]string{"a.yaml": sticky, "b.yaml": strings.Replace(sticky, "type: NodePort", "clusterIP: None", 1)})
	if _, _, code := runIn(t, bad, []string{"--in-place", "."}, ""); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if a, _ := os.ReadFile(filepath.Join(bad, "a.yaml")); string(a) != sticky {
		t.Errorf("a.yaml was written although b.yaml has an error:\n%s", a)
	}
}

// TestOutputJSON: --output json is one object with every finding, its place and the exit code.
func TestOutputJSON(t *testing.T) {
	dir := writeTree(t, map[string]string{"web.yaml": sticky})
	stdout, stderr, code := runIn(t, dir, []string{"--mode", "validate", "--output", "json", "web.yaml"}, "")
	if code != 1 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got struct {
		ExitCode int `json:"exitCode"`
		Findings []struct {
			Severity, Message, File string
			Line, Column            int
			Field                   struct{ Path string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if got.ExitCode != 1 || len(got.Findings) < 2 {
		t.Fatalf("got %+v", got)
	}
	// The first error: info results (the provider each Service has) may come before it.
	f := got.Findings[0]
	for _, g := range got.Findings {
		if g.Severity == "error" {
			f = g
			break
		}
	}
	if f.Severity != "error" || f.File != "web.yaml" || f.Line != 1 || f.Column != 1 || f.Field.Path != "spec.sessionAffinity" {
		t.Errorf("first finding %+v; want an error at web.yaml:1:1 (the object: the field is missing) on spec.sessionAffinity", f)
	}
	if last := got.Findings[len(got.Findings)-1]; last.Severity != "info" || !strings.Contains(last.Message, "1 failed") {
		t.Errorf("the last finding is %+v, want the summary", last)
	}
}

// TestRunResultsOnceForAllFiles: a warning about the run as a whole and the summary come once,
// from every file's counts; a file holding only a Deployment is not told that no selected Service
// is a LoadBalancer when another file's is.
func TestRunResultsOnceForAllFiles(t *testing.T) {
	lb := strings.Replace(sticky, "type: NodePort", "type: LoadBalancer", 1)
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
	dir := writeTree(t, map[string]string{"lb/a.yaml": lb, "lb/b.yaml": deployment, "np/a.yaml": sticky, "np/b.yaml": deployment})
	const unused = "no selected Service is a LoadBalancer"
	_, stderr, code := runIn(t, dir, []string{"-v", "--persistence-timeout-seconds", "600", "lb"}, "")
	if code != 0 || strings.Contains(stderr, unused) || strings.Count(stderr, "[info]: provider") != 1 || !strings.Contains(stderr, "1 Service updated") {
		t.Errorf("exit %d, stderr:\n%s\nwant no %q and one summary counting both files", code, stderr, unused)
	}
	_, stderr, _ = runIn(t, dir, []string{"--persistence-timeout-seconds", "600", "np"}, "")
	if strings.Count(stderr, unused) != 1 {
		t.Errorf("stderr:\n%s\nwant %q once, for the run", stderr, unused)
	}
	// The summary counts every file's Services by provider, as a single run's does.
	_, stderr, _ = runIn(t, dir, []string{"-v", "lb", "np"}, "")
	if !strings.Contains(stderr, "provider auto (assumed alibaba: 2), mode mutate: 2 Services updated") {
		t.Errorf("stderr:\n%s\nwant a summary naming the providers of both files' Services", stderr)
	}
}

// TestTerminalHint: with a terminal on stdin and no file, a line on stderr says the function
// waits for input, instead of waiting in silence; a pipe gets no hint.
func TestTerminalHint(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	real := isTerminal
	defer func() { _ = r.Close(); isTerminal = real }()
	for _, terminal := range []bool{true, false} {
		isTerminal = func(*os.File) bool { return terminal }
		var out, errOut bytes.Buffer
		code := Main(nil, r, &out, &errOut, "v1")
		hinted := strings.Contains(errOut.String(), "reading YAML from stdin (end with Ctrl-D); give files or directories as arguments, or see --help")
		if code != 0 || hinted != terminal {
			t.Errorf("terminal %v: exit %d, stderr %q", terminal, code, errOut.String())
		}
	}
}

// TestResultsFileNamesEachFile: with files, --results gives each result the file it is about, as
// kpt's results.yaml does with file.path.
func TestResultsFileNamesEachFile(t *testing.T) {
	dir := writeTree(t, map[string]string{"k8s/web.yaml": sticky})
	if _, stderr, code := runIn(t, dir, []string{"--mode", "validate", "--results", "results.yaml", "k8s"}, ""); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "      file:\n        path: k8s/web.yaml\n") || !strings.Contains(string(b), "exitCode: 1\n") {
		t.Errorf("results.yaml:\n%s", b)
	}
}
