package processor

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

// typoDocs are the typos issue 17 (symptom 3) saw pass a validate gate with exit 0 and no output:
// each is a document, and each must draw one warning naming the object and the fix.
var typoDocs = []struct{ doc, object, fix string }{
	{"apiVersion: v1\nkind: Service\nmetadata:\n  name: typo-key\n  labels:\n    session-affinity.kpt.dev/stickey: \"true\"\n" +
		"spec:\n  type: LoadBalancer\n  selector: {app: a}\n  ports: [{port: 80}]\n",
		"v1/Service/typo-key", "rename the label to session-affinity.kpt.dev/sticky"},
	{"apiVersion: v1\nkind: Service\nmetadata:\n  name: typo-value\n  labels:\n    session-affinity.kpt.dev/sticky: \"True\"\n" +
		"spec:\n  selector: {app: b}\n  ports: [{port: 80}]\n",
		"v1/Service/typo-value", `write session-affinity.kpt.dev/sticky: "true"`},
	{"apiVersion: v1\nkind: Service\nmetadata:\n  name: unknown-annotation\n  labels:\n    session-affinity.kpt.dev/sticky: \"true\"\n" +
		"  annotations:\n    session-affinity.kpt.dev/client-ip-timeout: \"3600\"\n" +
		"spec:\n  selector: {app: c}\n  ports: [{port: 80}]\n  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}\n",
		"v1/Service/unknown-annotation", "did you mean session-affinity.kpt.dev/client-ip-timeout-seconds?"},
	{"kind: Service\nmetadata:\n  name: no-api-version\n  labels:\n    session-affinity.kpt.dev/sticky: \"true\"\n" +
		"spec:\n  selector: {app: d}\n  ports: [{port: 80}]\n",
		"Service/no-api-version", "write apiVersion: v1"},
	{"apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: knative\n  labels:\n    session-affinity.kpt.dev/sticky: \"true\"\nspec: {}\n",
		"serving.knative.dev/v1/Service/knative", "label the core Service (apiVersion: v1)"},
}

// asStream joins documents into a stream; resourceListOf makes them the items of a ResourceList (the
// scanned path, where only core Services are decoded) with config as its functionConfig data.
func asStream(docs []string) string { return strings.Join(docs, "---\n") }

func resourceListOf(docs []string, config string) string {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, d := range docs {
		for i, line := range strings.SplitAfter(strings.TrimSuffix(d, "\n")+"\n", "\n") {
			if line == "" {
				continue
			}
			if i == 0 {
				b.WriteString("- " + line)
			} else {
				b.WriteString("  " + line)
			}
		}
	}
	fmt.Fprintf(&b, "functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cfg}\n  data:\n%s", config)
	return b.String()
}

func configMap(t *testing.T, data string) *yaml.Node {
	t.Helper()
	rn, err := yaml.Parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n" + data)
	if err != nil {
		t.Fatal(err)
	}
	return rn.YNode()
}

// commandLine is the origin fn/cli gives the config it builds for plain YAML: messages name flags.
var commandLine = config.Origin{Plain: true}

// runBoth runs docs as a stream and as a ResourceList with the same config data (indented by
// four spaces) and returns each run's stderr; both must exit 0.
func runBoth(t *testing.T, docs []string, data string) map[string]string {
	t.Helper()
	stderr := map[string]string{}
	for shape, run := range map[string]func(out, errOut *bytes.Buffer) int{
		"stream": func(out, errOut *bytes.Buffer) int {
			return Run([]byte(asStream(docs)), StreamOptions{Config: configMap(t, strings.ReplaceAll(data, "    ", "  ")), Origin: commandLine}, out, errOut)
		},
		"ResourceList": func(out, errOut *bytes.Buffer) int {
			return Run([]byte(resourceListOf(docs, data)), StreamOptions{}, out, errOut)
		},
	} {
		var out, errOut bytes.Buffer
		if code := run(&out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d, want 0 (warnings only):\n%s", shape, code, errOut.String())
		}
		stderr[shape] = errOut.String()
	}
	return stderr
}

// TestTyposWarnInValidateMode: a near-miss label key or value, an unknown annotation of ours, a
// labelled Service without apiVersion and a labelled Knative Service each draw a warning that
// names the object and the fix, in validate mode (the CI gate), as a stream and as a
// ResourceList; the gate still passes (exit 0). Before, each passed in silence.
func TestTyposWarnInValidateMode(t *testing.T) {
	var docs []string
	for _, d := range typoDocs {
		docs = append(docs, d.doc)
	}
	for shape, stderr := range runBoth(t, docs, "    mode: validate\n") {
		for _, d := range typoDocs {
			if !hasLine(stderr, "[warning] "+d.object+" ", d.fix) {
				t.Errorf("%s: no warning line names %s and says %q:\n%s", shape, d.object, d.fix, stderr)
			}
		}
	}
}

// TestNothingSelectedWarns: Services exist and the selector in force selects none (a custom
// selector with a typo'd value here): the run warns that nothing was made sticky, naming the
// selector and the key that sets it. Before, it reported "0 Services updated" as info only.
func TestNothingSelectedWarns(t *testing.T) {
	docs := []string{"apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {tier: frontend}\n" +
		"spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"}
	stderr := runBoth(t, docs, "    selector: tier=edge\n")
	if want := `no Service here matches the selector "tier=edge" (1 Service not selected)`; !hasLine(stderr["ResourceList"], "[warning]", want, "or set selector: ") ||
		!hasLine(stderr["stream"], "[warning]", want, "or set --selector ") {
		t.Errorf("no warning says %q and names the selector key or flag:\n%v", want, stderr)
	}
}

// TestNearMissOfCustomSelector: near misses are judged against the selector in force, not the
// default one: with tier=edge, tier: Edge and tir: edge are warned of; tier: core is not (another
// value on purpose), nor is the default label, which this selector does not read.
func TestNearMissOfCustomSelector(t *testing.T) {
	svc := func(name, labels string) string {
		return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n  labels: {" + labels + "}\n" +
			"spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
	}
	docs := []string{svc("edge", "tier: edge"), svc("cased", "tier: Edge"), svc("typo", "tir: edge"),
		svc("core", "tier: core"), svc("default-label", `session-affinity.kpt.dev/sticky: "true"`)}
	for shape, stderr := range runBoth(t, docs, "    selector: tier=edge\n") {
		for _, want := range []string{"v1/Service/cased metadata.labels[tier]", "v1/Service/typo metadata.labels[tir]"} {
			if !hasLine(stderr, "[warning] "+want) {
				t.Errorf("%s: no warning for %s:\n%s", shape, want, stderr)
			}
		}
		for _, quiet := range []string{"v1/Service/core ", "v1/Service/default-label ", "v1/Service/edge "} {
			if strings.Contains(stderr, quiet) {
				t.Errorf("%s: %s is warned of:\n%s", shape, quiet, stderr)
			}
		}
	}
}

// hasLine reports whether a line of out contains every want.
func hasLine(out string, wants ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		all := true
		for _, w := range wants {
			all = all && strings.Contains(line, w)
		}
		if all {
			return true
		}
	}
	return false
}

// TestUnquotedTrueLabelIsAnError: an unquoted true is a YAML boolean, and labels are strings (the
// API server refuses the Service: cannot unmarshal bool into ... of type string). The selector
// reads the scalar, so the Service is selected, and the run fails naming the label and the fix,
// rather than passing a Service no cluster takes, or passing it over in silence.
func TestUnquotedTrueLabelIsAnError(t *testing.T) {
	in := "apiVersion: v1\nkind: Service\nmetadata:\n  name: bool-label\n  labels:\n    session-affinity.kpt.dev/sticky: true\n" +
		"spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
	var out, errOut bytes.Buffer
	if code := Run([]byte(in), StreamOptions{}, &out, &errOut); code != 1 || out.Len() != 0 {
		t.Fatalf("exit %d with %d bytes out, want 1 and none:\n%s", code, out.Len(), errOut.String())
	}
	if !hasLine(errOut.String(), "[error] v1/Service/bool-label metadata.labels[session-affinity.kpt.dev/sticky]", `quote it: "true"`) {
		t.Errorf("no error line names the label and says to quote it:\n%s", errOut.String())
	}
}
