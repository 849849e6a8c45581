package processor

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// Issue 18's inputs: text that the one pipeline read wrongly, each a Service document as a
// stream gives it. TestDifferential reads each as a stream, as a ResourceList item and as a kind:
// List item (textLayerCases).
var textLayerInputs = map[string]string{
	"a tagged spec with an anchor its own alias reads (18.8)": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &l\n    app: web\n    " + sticky + "\nspec: !!map\n  type: NodePort\n  selector: *l\n  ports: [{port: 80}]\n",
	"a tagged sessionAffinity (18.7)":                         "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  sessionAffinity: !!str None\n  # a comment\n  ports: [{port: 80}]\n",
	"a block scalar sessionAffinity (18.7)":                   "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  sessionAffinity: >-\n    None\n\n  # a comment\n  ports: [{port: 80}]\n",
	// No comment on a tagged line here: the fuzz invariants re-encode the output with yaml.v3, which
	// moves such a comment between the key and its tag, where it does not read.
	"collections under tags of their own (18.7)":                  "apiVersion: v1\nkind: Service\nmetadata: !custom\n  name: web # the name\n  labels: !custom {" + sticky + "}\nspec: !custom\n  # the type\n  type: NodePort # t\n\n  ports: !custom [{port: 80}] # p\n",
	"a block scalar that sets its indentation (|2)":               "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  sessionAffinity: |2- # the affinity\n     None\n\n  # a comment\n  ports: [{port: 80}]\n  note: |1\n    kept\n",
	"merge keys in metadata, spec, selector and a port (18.7)":    "apiVersion: v1\nkind: Service\nmetadata:\n  <<: {name: web} # the name\n  labels: &l\n    app: web\n    " + sticky + "\nspec:\n  # the type\n  <<: {type: NodePort, externalTrafficPolicy: Cluster} # merged\n\n  selector:\n    <<: *l # the pods\n  ports:\n  - <<: {port: 80} # p\n    name: http\n",
	"a merged key the rules remove (18.7)":                        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  selector:\n    <<: {app: web, sessionAffinity: ClientIP} # the pods\n    # the tier\n    tier: web # t\n  ports: [{port: 80}]\n",
	"a misplaced key first in the Service (18.7)":                 "sessionAffinity: ClientIP # misplaced\napiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n",
	"plain values over lines (18.7)":                              "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  externalTrafficPolicy: Clus\n    ter # the policy\n  # a comment\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 1\n    0}}\n  ports: [{port: 80}]\n",
	"an explicit key with no value (18.7)":                        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  ? sessionAffinity\n  ports: [{port: 80}]\n",
	"a quoted annotation whose continuation is dedented (18.14)":  "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\n  annotations:\n    a: \"x\n  y\"\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n",
	"an apostrophe inside a plain scalar in flow (18.15)":         "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\nspec: {type: NodePort, ports: [{port: 80}], x: [it 's, b]}\n",
	"an alias inside the value its anchor names (FuzzRun)":        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &labels\n    r: *labels\n",
	"a merge key with a scalar in a Service (18.6)":               "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\nspec:\n  <<: LoadBalancer\n  type: NodePort\n  ports: [{port: 80}]\n",
	"a list as a key in an untouched ConfigMap (18.21)":           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  [a]: b\n",
	"a merge key with a number in an untouched ConfigMap (18.21)": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  <<: 1\n",
}

// streamMarkerInputs are streams whose markers and directives yaml.v3 reads and the function
// refused (issues 18.17-19), each ending in a selected NodePort Service that the rules complete
// with compliantTail.
var streamMarkerInputs = map[string]string{
	"a byte order mark before a directive (18.17)":            "\ufeff%YAML 1.1\n---\n",
	"an end marker twice before the next document (18.18)":    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n...\n---\n",
	"a directive after a document with no end marker (18.19)": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n%YAML 1.1\n---\n",
	"a directive after an empty document (18.19)":             "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n%YAML 1.1\n---\n",
}

// streamMarkerService is the Service that ends each of streamMarkerInputs.
const streamMarkerService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n"

// textLayerCases are textLayerInputs as a stream, a ResourceList and a kind: List, the same with
// CR line ends, and streamMarkerInputs (a stream only; a ResourceList after a byte order mark and
// a directive too).
func textLayerCases() []diffCase {
	var cases []diffCase
	for name, doc := range textLayerInputs {
		item := "- " + strings.TrimSuffix(strings.ReplaceAll(doc, "\n", "\n  "), "  ")
		cases = append(cases,
			diffCase{name: "text layer stream: " + name, in: []byte(doc)},
			diffCase{name: "text layer ResourceList: " + name, in: []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + item)},
			diffCase{name: "text layer List: " + name, in: []byte("apiVersion: v1\nkind: List\nitems:\n" + item)})
	}
	for _, c := range cases[:len(cases):len(cases)] {
		cases = append(cases, diffCase{name: c.name + ", CR line ends", in: bytes.ReplaceAll(c.in, []byte("\n"), []byte("\r"))},
			diffCase{name: c.name + ", CR and LF line ends", in: halfCR(c.in)})
	}
	for name, head := range streamMarkerInputs {
		cases = append(cases, diffCase{name: "text layer stream: " + name, in: []byte(head + streamMarkerService)})
	}
	cases = append(cases, diffCase{name: "text layer ResourceList: a byte order mark before a directive (18.17)",
		in: []byte("\ufeff%YAML 1.1\n---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " +
			strings.TrimSuffix(strings.ReplaceAll(streamMarkerService, "\n", "\n  "), "  "))})
	return cases
}

// halfCR is text with its first half of line breaks written as a lone \r: a file pasted together
// from an old Mac file and a newer one.
func halfCR(text []byte) []byte {
	lines := bytes.SplitAfter(text, []byte("\n"))
	head := bytes.Join(lines[:len(lines)/2], nil)
	return append(bytes.ReplaceAll(head, []byte("\n"), []byte("\r")), bytes.Join(lines[len(lines)/2:], nil)...)
}

// TestMarkersAndDirectivesYAMLv3ReadsAreRead (issues 18.17-19): a byte order mark before
// %YAML, `...` twice, and a directive after a document with no `...` were refused although
// yaml.v3 reads each; now every document is read, and the Service after them is edited.
func TestMarkersAndDirectivesYAMLv3ReadsAreRead(t *testing.T) {
	for name, head := range streamMarkerInputs {
		out, errOut, code := runStream(t, head+streamMarkerService)
		if want := head + streamMarkerService + compliantTail; code != 0 || out != want {
			t.Errorf("%s: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", name, code, errOut, out, want)
		}
	}
	list := "\ufeff%YAML 1.1\n---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"
	if out, errOut, code := runStream(t, list); code != 0 || !strings.HasPrefix(out, list+"results:\n") {
		t.Errorf("a ResourceList after a byte order mark and a directive: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
}

// rewrittenService is a Service still written whole: one flow mapping whose merge key holds a
// misplaced sessionAffinity. The repair moves it under spec, which a merge key cannot say (a merged
// key cannot be removed), and a flow mapping is written anew. rest is the rest of its entries.
func rewrittenService(rest string) string {
	return "{<<: {sessionAffinity: ClientIP}, apiVersion: v1, kind: Service, " + rest + "}\n"
}

// rewriteSeeds are inputs where a Service is written whole beside anchors and aliases, in each
// form: its own anchor read by its own alias, another Service's anchor read by a third, and its
// anchor read by another Service after it.
func rewriteSeeds() []string {
	own := rewrittenService("metadata: {name: web, labels: &l {app: web, " + sticky + "}}, spec: {type: NodePort, selector: *l, ports: [{port: 80}]}")
	beside := "- " + rewrittenService("metadata: {name: a, labels: {"+sticky+"}}, spec: {type: NodePort, ports: [{port: 80}]}") +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: b, labels: {" + sticky + "}}\n  spec: &spec\n    type: NodePort\n    ports: [{port: 80}]\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: c}\n  spec: *spec\n"
	read := "- " + rewrittenService("metadata: {name: a, labels: &l {"+sticky+"}}, spec: &s {type: NodePort, ports: [{port: 80}]}") +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: b, labels: *l}\n  spec: *s\n"
	var seeds []string
	for _, items := range []string{beside, read} {
		seeds = append(seeds, "apiVersion: v1\nkind: List\nitems:\n"+items,
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"+items)
	}
	return append(seeds, own, strings.ReplaceAll(own, "\n", "\r"))
}

// TestAnchoredServiceWrittenWholeDoesNotPanic (issue 18.8): a Service that needed a whole-object
// write and held an anchor its own alias read made refuseConflicts index past what was written.
func TestAnchoredServiceWrittenWholeDoesNotPanic(t *testing.T) {
	in := rewrittenService("metadata: {name: web, labels: &l {app: web, " + sticky + "}}, spec: {type: NodePort, selector: *l, ports: [{port: 80}]}")
	if o, err := Process([]byte(in), StreamOptions{}); err != nil || o.Rewritten != 1 {
		t.Fatalf("want the Service written whole: %v", err)
	}
	out, errOut, code := runStream(t, in)
	if code != 0 || strings.Contains(errOut, "[error]") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output does not read: %v\n%s", err, out)
	}
	if v, _ := node.Scalar(node.AsDecoded(node.AsDecoded(doc.Content[0], "spec"), "sessionAffinity")); v != "ClientIP" {
		t.Errorf("sessionAffinity %q, want ClientIP:\n%s", v, out)
	}
}

// TestListRewriteBesideAReadAnchorNamesTheAnchorsOwner (issue 18.8): in a List where one Service
// is written whole and another's edited anchor is read by a third, the refusal names the owner of
// the anchor, and nothing panics.
func TestListRewriteBesideAReadAnchorNamesTheAnchorsOwner(t *testing.T) {
	in := "apiVersion: v1\nkind: List\nitems:\n" +
		"- " + rewrittenService("metadata: {name: a, labels: {"+sticky+"}}, spec: {type: NodePort, ports: [{port: 80}]}") +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: b, labels: {" + sticky + "}}\n  spec: &spec\n    type: NodePort\n    ports: [{port: 80}]\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: c}\n  spec: *spec\n"
	if o, err := Process([]byte(in), StreamOptions{}); err != nil || o.Rewritten != 1 {
		t.Fatalf("want a written whole: %v", err)
	}
	_, errOut, code := runStream(t, in)
	if code != 1 || !strings.Contains(errOut, "v1/Service/b spec: the anchor &spec here is also read by document 1.items[2] (v1/Service/c)") {
		t.Errorf("exit %d, stderr %q; want the anchor's owner b refused, naming its reader c", code, errOut)
	}
}

// TestServicesOnceWrittenWholeAreEditedInPlace (issues 18.7, 18.14, 18.15): a tagged or
// block-scalar sessionAffinity, an explicit key with no value, a tagged spec, a flow list holding
// `it 's` (its apostrophe was taken for a quote) were written whole, losing comments; a quoted
// annotation with a dedented continuation line was cut in two ("the edited text does not
// decode"). Each is edited where it stands; the comments and the rest of the Service stay.
func TestServicesOnceWrittenWholeAreEditedInPlace(t *testing.T) {
	tail := "  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"
	for name, want := range map[string]string{
		"a tagged sessionAffinity (18.7)":                            strings.Replace(textLayerInputs["a tagged sessionAffinity (18.7)"], "!!str None", "!!str ClientIP", 1) + tail,
		"a block scalar sessionAffinity (18.7)":                      strings.Replace(textLayerInputs["a block scalar sessionAffinity (18.7)"], ">-\n    None\n\n", "ClientIP\n\n", 1) + tail,
		"a quoted annotation whose continuation is dedented (18.14)": strings.Replace(textLayerInputs["a quoted annotation whose continuation is dedented (18.14)"], "  y\"\n", "  y\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr\n", 1) + "  sessionAffinity: ClientIP\n" + tail,
		"an apostrophe inside a plain scalar in flow (18.15)":        strings.Replace(textLayerInputs["an apostrophe inside a plain scalar in flow (18.15)"], "b]}", "b], sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}, externalTrafficPolicy: Local}", 1),
		"an explicit key with no value (18.7)":                       strings.Replace(textLayerInputs["an explicit key with no value (18.7)"], "? sessionAffinity", "sessionAffinity: ClientIP", 1) + tail,
		"a tagged spec with an anchor its own alias reads (18.8)": textLayerInputs["a tagged spec with an anchor its own alias reads (18.8)"] +
			"  sessionAffinity: ClientIP\n" + tail,
	} {
		in := textLayerInputs[name]
		o, err := Process([]byte(in), StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runStream(t, in)
		if code != 0 || out != want || o.Rewritten != 0 {
			t.Errorf("%s: exit %d, stderr %q, %d written whole, stdout:\n%s\nwant:\n%s", name, code, errOut, o.Rewritten, out, want)
		}
	}
}

// TestCollectionsUnderACustomTagAreEditedInPlace: a Service whose spec, metadata, annotations or
// ports carry a tag of their own (`!custom`) was written whole, its comments and blank lines lost,
// although the whole write kept the tag too. Each is edited inside its tag now.
func TestCollectionsUnderACustomTagAreEditedInPlace(t *testing.T) {
	lb := "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb # the name\n  labels: {" + sticky + "}\n" +
		"  annotations: !custom # a\n    # the scheduler\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: rr # s\n\n" +
		"spec: !custom\n  type: LoadBalancer # t\n  ports: !custom\n  - port: 80 # p\n"
	for name, tc := range map[string]struct{ in, want string }{
		"spec, metadata, labels and ports": {textLayerInputs["collections under tags of their own (18.7)"],
			textLayerInputs["collections under tags of their own (18.7)"] + compliantTail},
		"annotations, spec and ports of a LoadBalancer": {lb, strings.Replace(lb, "scheduler: rr # s\n",
			"scheduler: rr # s\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n", 1) +
			"  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"},
	} {
		o, err := Process([]byte(tc.in), StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runStream(t, tc.in)
		if code != 0 || out != tc.want || o.Rewritten != 0 {
			t.Errorf("%s: exit %d, stderr %q, %d written whole, stdout:\n%s\nwant:\n%s", name, code, errOut, o.Rewritten, out, tc.want)
		}
	}
}

// TestBlockScalarsThatSetTheirIndentationAreEditedInPlace: a block scalar with an indentation
// indicator (`|2`, `>-1`) was refused by the edit, so its Service was written whole, comments and
// blank lines lost. Its lines are where libyaml reads them, the indicator counted from its key;
// the value is replaced in place, and the header's comment stays.
func TestBlockScalarsThatSetTheirIndentationAreEditedInPlace(t *testing.T) {
	in := textLayerInputs["a block scalar that sets its indentation (|2)"]
	lb := "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb # the name\n  labels: {" + sticky + "}\n" +
		"  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: >2- # t\n       60\n\n" +
		"    # the scheduler\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr # s\n" +
		"spec:\n  type: LoadBalancer # t\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n  ports:\n  - port: 80 # p\n"
	for name, tc := range map[string]struct{ in, want string }{
		"sessionAffinity: |2-, and a |1 after it": {in, strings.Replace(in, "|2- # the affinity\n     None\n", "ClientIP # the affinity\n", 1) +
			"  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"},
		"an annotation >2-": {lb, strings.Replace(lb, ">2- # t\n       60\n", "\"1800\" # t\n", 1)},
	} {
		o, err := Process([]byte(tc.in), StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runStream(t, tc.in)
		if code != 0 || out != tc.want || o.Rewritten != 0 {
			t.Errorf("%s: exit %d, stderr %q, %d written whole, stdout:\n%s\nwant:\n%s", name, code, errOut, o.Rewritten, out, tc.want)
		}
	}
}

// TestPlainValuesOverLinesAreReplacedInPlace: a plain value that spans lines (`Clus\n    ter`
// reads "Clus ter") made the edit fail, so its Service was written whole. Its lines are the ones
// whose folding reads its value; they are replaced, and the last one's comment stays.
func TestPlainValuesOverLinesAreReplacedInPlace(t *testing.T) {
	in := textLayerInputs["plain values over lines (18.7)"]
	want := strings.Replace(strings.Replace(in, "Clus\n    ter # the policy", "Local # the policy", 1), "timeoutSeconds: 1\n    0}}", "timeoutSeconds: 10800}}", 1) +
		"  sessionAffinity: ClientIP\n"
	o, err := Process([]byte(in), StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runStream(t, in)
	if code != 0 || out != want || o.Rewritten != 0 {
		t.Errorf("exit %d, stderr %q, %d written whole, stdout:\n%s\nwant:\n%s", code, errOut, o.Rewritten, out, want)
	}
}

// TestMergeKeysStayAndTheirMappingsAreEditedInPlace: a mapping with a merge key (`<<: *l`,
// `<<: {type: NodePort}`) that the rules changed was written whole, expanded, its comments and
// blank lines lost (the Service itself when the merge key was its own); the first key of a List
// item that the misplaced-key repair moved made the whole item be written anew. The merge keys
// stay now: a merged key that is to read otherwise gets a key of its own after them, and only a
// merged key that must go writes its merge key out as keys of the mapping's own.
func TestMergeKeysStayAndTheirMappingsAreEditedInPlace(t *testing.T) {
	merges := textLayerInputs["merge keys in metadata, spec, selector and a port (18.7)"]
	removed := textLayerInputs["a merged key the rules remove (18.7)"]
	misplaced := textLayerInputs["a misplaced key first in the Service (18.7)"]
	asListItem := func(doc string) string {
		return "apiVersion: v1\nkind: List\nitems:\n- " + strings.TrimSuffix(strings.ReplaceAll(doc, "\n", "\n  "), "  ")
	}
	for name, tc := range map[string]struct{ in, want string }{
		"merge keys in metadata, spec, selector and a port": {merges, merges +
			"  externalTrafficPolicy: Local\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n"},
		"a merged key the rules remove": {removed, strings.Replace(strings.Replace(removed, "    <<: {app: web, sessionAffinity: ClientIP} # the pods\n", "", 1),
			"tier: web # t\n", "tier: web # t\n    app: web\n", 1) + "  sessionAffinity: ClientIP\n  externalTrafficPolicy: Local\n"},
		"a misplaced key first in a List item": {asListItem(misplaced), strings.Replace(asListItem(misplaced), "- sessionAffinity: ClientIP # misplaced\n", "-\n", 1) +
			"    sessionAffinity: ClientIP # misplaced\n    externalTrafficPolicy: Local\n"},
	} {
		o, err := Process([]byte(tc.in), StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out, errOut, code := runStream(t, tc.in)
		if code != 0 || out != tc.want || o.Rewritten != 0 {
			t.Errorf("%s: exit %d, stderr %q, %d written whole, stdout:\n%s\nwant:\n%s", name, code, errOut, o.Rewritten, out, tc.want)
		}
	}
}

// TestAnAliasOutsideTheObjectsRefusesTheEditItWouldRead (issue 18.5): an alias in a List's own
// fields or in a ResourceList's functionConfig read an edit made inside a Service's anchored
// value, and the run passed; the Service is refused, naming the reader.
func TestAnAliasOutsideTheObjectsRefusesTheEditItWouldRead(t *testing.T) {
	item := "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {" + sticky + "}\n    annotations: &ann {a: b}\n  spec: {type: LoadBalancer, ports: [{port: 80}]}\n"
	for _, tc := range []struct{ name, in, want string }{
		{"a List's metadata", "apiVersion: v1\nkind: List\nitems:\n" + item + "metadata:\n  annotations: *ann\n",
			"the anchor &ann here is also read by document 1 at metadata.annotations"},
		{"a ResourceList's functionConfig", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" + item +
			"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n    annotations: *ann\n",
			"the anchor &ann here is also read by the ResourceList at functionConfig.metadata.annotations"},
	} {
		_, errOut, code := runStream(t, tc.in)
		if code != 1 || !strings.Contains(errOut, "v1/Service/web metadata.annotations: "+tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want the Service refused, saying %q", tc.name, code, errOut, tc.want)
		}
	}
}

// TestWhatYAMLv3RefusesIsRefusedInEveryForm (issues 18.6, 18.21): a merge key with a scalar
// value in a Service had its line deleted and passed; a key that is a list, or a merge key with a
// number, passed in an untouched object; an alias inside its own anchor's value overflowed the
// stack (found by FuzzRun). yaml.v3 and kubectl refuse to decode each, so the
// function refuses them too, as a stream, a ResourceList item or a List item.
func TestWhatYAMLv3RefusesIsRefusedInEveryForm(t *testing.T) {
	for name, want := range map[string]string{
		"a merge key with a scalar in a Service (18.6)":               `spec has a merge key (<<) whose value is a string "LoadBalancer"`,
		"a list as a key in an untouched ConfigMap (18.21)":           "data has a key that is a list",
		"an alias inside the value its anchor names (FuzzRun)":        "metadata.labels.r is *labels, an alias inside the value its anchor names",
		"a merge key with a number in an untouched ConfigMap (18.21)": `data has a merge key (<<) whose value is an integer "1"`,
	} {
		for _, c := range textLayerCases() {
			if !strings.HasSuffix(c.name, ": "+name) {
				continue
			}
			_, errOut, code := runStream(t, string(c.in))
			wantCode := 2 // a stream the function cannot use
			if strings.Contains(c.name, "ResourceList") {
				wantCode = 1 // a ResourceList fails with 1, as its runners expect
			}
			if code != wantCode || !strings.Contains(errOut, want) {
				t.Errorf("%s: exit %d, stderr %q; want it refused with %d, saying %q", c.name, code, errOut, wantCode, want)
			}
		}
	}
}

// TestCROnlyLineEndsComeBackAsCR (issues 18.7, 18.20): a text whose lines end with a lone \r
// (old Mac files) was refused as "more than one document" (a stream of two) or "no position"
// (a ResourceList), or written whole with \n line ends. It is read as the same text with \n,
// and comes back with \r, byte for byte where nothing changed.
func TestCROnlyLineEndsComeBackAsCR(t *testing.T) {
	cr := func(s string) string { return strings.ReplaceAll(s, "\n", "\r") }
	svc := textLayerInputs["a tagged sessionAffinity (18.7)"]
	for _, in := range []string{
		svc + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
		"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " + strings.TrimSuffix(strings.ReplaceAll(svc, "\n", "\n  "), "  "),
	} {
		want, wantErr, wantCode := runStream(t, in)
		out, errOut, code := runStream(t, cr(in))
		if code != 0 || wantCode != 0 || errOut != wantErr || out != cr(want) {
			t.Errorf("exit %d, stderr %q, stdout %q; want %q", code, errOut, out, cr(want))
		}
	}
}

// TestCRAndLFLineEndsInOneTextAreEditedInPlace: a text whose lines end with a lone \r in one
// part and \n (or \r\n) in another was cut at \n only while yaml.v3 breaks lines at the lone \r
// too, so every position was off: the edit landed on the wrong line ("the edited text does not say
// what the rules wrote", or "no position" in a ResourceList). Each part now keeps its line ends,
// and what is added takes those of the line it follows.
func TestCRAndLFLineEndsInOneTextAreEditedInPlace(t *testing.T) {
	head := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the name\n  labels: {" + sticky + "}\n"
	spec := "spec:\n  type: NodePort # the type\n\n  ports: [{port: 80}]\n"
	cr := func(s string) string { return strings.ReplaceAll(s, "\n", "\r") }
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	for name, tc := range map[string]struct{ in, want string }{
		"CR, then LF":   {cr(head) + spec, cr(head) + spec + compliantTail},
		"LF, then CR":   {head + cr(spec), head + cr(spec+compliantTail)},
		"CR, then CRLF": {cr(head) + crlf(spec), cr(head) + crlf(spec+compliantTail)},
		"CRLF, then CR": {crlf(head) + cr(spec), crlf(head) + cr(spec+compliantTail)},
		"CR, then LF, with a document after": {cr(head) + spec + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			cr(head) + spec + compliantTail + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"},
	} {
		out, errOut, code := runStream(t, tc.in)
		o, err := Process([]byte(tc.in), StreamOptions{})
		if err != nil || code != 0 || out != tc.want || o.Rewritten != 0 {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want %q", name, code, errOut, out, tc.want)
		}
	}
}

// TestAFlowNullInAServiceWrittenWholeStaysNull (issue 18.16): a Service still written whole
// holding a flow null (`{a, b: 1}`, `!!set {p, q}`) was refused, "the edited text does not say
// what the rules wrote": yaml.v3 writes that null as ”. It is written `null` now.
func TestAFlowNullInAServiceWrittenWholeStaysNull(t *testing.T) {
	for _, x := range []string{"{a, b: 1}", "!!set {p, q}"} {
		in := rewrittenService("metadata: {name: web, labels: {" + sticky + "}, x: " + x + "}, spec: {type: NodePort, ports: [{port: 80}]}")
		if o, err := Process([]byte(in), StreamOptions{}); err != nil || o.Rewritten != 1 {
			t.Fatalf("%s: want the Service written whole: %v", x, err)
		}
		out, errOut, code := runStream(t, in)
		if code != 0 {
			t.Errorf("%s: exit %d, stderr %q", x, code, errOut)
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		m := node.AsDecoded(node.AsDecoded(doc.Content[0], "metadata"), "x")
		for i := 1; i < len(m.Content); i += 2 {
			if v := m.Content[i]; v.Value != "1" && !node.IsNull(v) {
				t.Errorf("%s: a null came back as %q:\n%s", x, v.Value, out)
			}
		}
	}
}

// TestResultsFollowTheItemsWhateverTheLineEnds (issue 18.22): with an item that is not an object,
// a CRLF list (read whole) gave that item's error before the results of the Services before it,
// an LF list (read item by item) after them. Both now follow the items' order.
func TestResultsFollowTheItemsWhateverTheLineEnds(t *testing.T) {
	list := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web, labels: {" + sticky + "}}\n  spec: {type: NodePort, ports: [{port: 80}]}\n-\n- a\n"
	messages := func(in string) []string {
		o, err := Process([]byte(in), StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var m []string
		for _, r := range o.Results {
			m = append(m, r.Message)
		}
		return m
	}
	lf, crlf := messages(list), messages(strings.ReplaceAll(list, "\n", "\r\n"))
	if strings.Join(lf, "\n") != strings.Join(crlf, "\n") || indexOf(lf, "items[1] is null") < indexOf(lf, `set to "Local"`) {
		t.Errorf("LF results:\n%s\nCRLF results:\n%s", strings.Join(lf, "\n"), strings.Join(crlf, "\n"))
	}
}

// indexOf is the index of the first message that starts with prefix, -1 when none does.
func indexOf(messages []string, prefix string) int {
	for i, m := range messages {
		if strings.HasPrefix(m, prefix) {
			return i
		}
	}
	return -1
}
