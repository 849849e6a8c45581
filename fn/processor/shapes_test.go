package processor

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// The input shapes that real charts, kubectl and hand-written YAML produce, each named after what
// it shows (issue 10's symptoms). A stream runs with the default config; "sticky" is the label
// that selects.
const sticky = `session-affinity.kpt.dev/sticky: "true"`

// compliantTail is what the rules add to a selected NodePort Service written in block style at
// indent 2, in the order they add it.
const compliantTail = "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n"

// listResults is what a list with one NodePort Service made compliant gets as results.
const listResults = `results:
- message: 'provider alibaba, assumed: the Service has no loadBalancerClass or annotation of a known load balancer controller; to choose another, set annotation session-affinity.kpt.dev/provider or provider: NAME'
  severity: info
  resourceRef:
    apiVersion: v1
    kind: Service
    name: web
  tags:
    function: set-session-affinity
- message: 'set to "ClientIP": kube-proxy keeps each client IP on one pod'
  severity: info
  resourceRef:
    apiVersion: v1
    kind: Service
    name: web
  field:
    path: spec.sessionAffinity
    proposedValue: ClientIP
  tags:
    function: set-session-affinity
- message: 'set to 10800: how long kube-proxy remembers a client''s pod'
  severity: info
  resourceRef:
    apiVersion: v1
    kind: Service
    name: web
  field:
    path: spec.sessionAffinityConfig.clientIP.timeoutSeconds
    proposedValue: 10800
  tags:
    function: set-session-affinity
- message: 'set to "Local": keeps the client IP, which Cluster replaces with a node address, so affinity keys on the real client'
  severity: info
  resourceRef:
    apiVersion: v1
    kind: Service
    name: web
  field:
    path: spec.externalTrafficPolicy
    proposedValue: Local
  tags:
    function: set-session-affinity
- message: 'with Local, a node without a ready pod of this Service drops the traffic sent to its node port: send clients only to nodes that run a pod, or use a LoadBalancer, whose health checks skip such nodes'
  severity: warning
  resourceRef:
    apiVersion: v1
    kind: Service
    name: web
  field:
    path: spec.externalTrafficPolicy
  tags:
    function: set-session-affinity
- message: 'provider auto (assumed alibaba: 1), mode mutate: 1 Service updated, 0 already compliant, 0 not selected (skipped), 0 failed'
  severity: info
  tags:
    function: set-session-affinity
`

func runStream(t *testing.T, in string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run([]byte(in), StreamOptions{}, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestShapes(t *testing.T) {
	nodePort := "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n"
	for _, tc := range []struct {
		name, in string
		want     string // stdout; "" with code 1
		code     int
		stderr   string // a part of stderr
	}{{
		name: "an untouched document keeps its trailing comment",
		in:   "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n# trailing comment\n",
		want: "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: b\n# trailing comment\n",
	}, {
		name: "content on a marker line is written once",
		in:   "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n--- # c\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n--- &doc\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n",
		want: "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n--- # c\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n--- &doc\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n",
	}, {
		name: "a selected Service on a marker line is edited in its flow style",
		in:   "--- {apiVersion: v1, kind: Service, metadata: {name: web, labels: {" + sticky + "}}, spec: {type: ClusterIP, ports: [{port: 80}]}}\n",
		want: "--- {apiVersion: v1, kind: Service, metadata: {name: web, labels: {" + sticky + "}}, spec: {type: ClusterIP, ports: [{port: 80}], sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}}}\n",
	}, {
		name: "a tagged document that changes is written anew in its place",
		in:   "--- !!map\n" + nodePort,
		want: "--- !!map\n" + nodePort + compliantTail,
	}, {
		name: "the document after an end marker is read and processed",
		in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n" + nodePort,
		want: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n" + nodePort + compliantTail,
	}, {
		name:   "trailing content after a document is refused",
		in:     nodePort + "- a\n",
		code:   2,
		stderr: "document 1 is not valid YAML",
	}, {
		name:   "files concatenated without a marker are refused, Service first",
		in:     nodePort + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n",
		code:   2,
		stderr: "apiVersion appears twice",
	}, {
		name:   "files concatenated without a marker are refused, Deployment first",
		in:     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n" + nodePort,
		code:   2,
		stderr: "apiVersion appears twice",
	}, {
		name:   "a key given twice beside a ResourceList's items is refused",
		in:     "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nx:\n  s: 1\n  s: 2\nitems: []\n",
		code:   1,
		stderr: "x.s appears twice",
	}, {
		name: "a label that arrives by an alias selects",
		in:   "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &l {" + sticky + "}\nspec:\n  type: NodePort\n  selector: *l\n  ports: [{port: 80}]\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &l {" + sticky + "}\nspec:\n  type: NodePort\n  selector: *l\n  ports: [{port: 80}]\n" + compliantTail,
	}, {
		name: "metadata that arrives by a merge key selects",
		in:   "x-meta: &m\n  name: web\n  labels: {" + sticky + "}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  <<: {name: web, labels: {" + sticky + "}}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n",
		want: "x-meta: &m\n  name: web\n  labels: {" + sticky + "}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  <<: {name: web, labels: {" + sticky + "}}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n" + compliantTail,
	}, {
		name: "nulls in flow collections stay null",
		in:   "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\n  finalizers: [? a]\nspec:\n  type: NodePort\n  ports: [{port: 80, appProtocol}]\n  x: {flag, b: }\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\n  finalizers: [? a]\nspec:\n  type: NodePort\n  ports: [{port: 80, appProtocol}]\n  x: {flag, b: }\n" + compliantTail,
	}, {
		name: "CRLF text gets CRLF edits",
		in:   strings.ReplaceAll(nodePort, "\n", "\r\n"),
		want: strings.ReplaceAll(nodePort+compliantTail, "\n", "\r\n"),
	}, {
		name: "an LF document after a CRLF one gets LF edits",
		in:   "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\n---\r\n" + nodePort,
		want: "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\n---\r\n" + nodePort + compliantTail,
	}, {
		name: "a comment under the last port stays with it, the new fields go after it",
		in:   strings.TrimSuffix(nodePort, "  ports: [{port: 80}]\n") + "  ports:\n  - port: 80\n    # targetPort: 8080\n  # externalTrafficPolicy: Cluster\n\n# trailing\n",
		want: strings.TrimSuffix(nodePort, "  ports: [{port: 80}]\n") + "  ports:\n  - port: 80\n    # targetPort: 8080\n" + compliantTail + "  # externalTrafficPolicy: Cluster\n\n# trailing\n",
	}, {
		name: "a Helm keep-chomping annotation keeps its blank line when annotations are added after it",
		in:   "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\n  annotations:\n    snippet: |+\n      return 200;\n    \nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\n  annotations:\n    snippet: |+\n      return 200;\n    \n" +
			"    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: \"1800\"\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr\n" +
			"spec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  externalTrafficPolicy: Local\n",
	}, {
		name: "anchors on edited mappings and aliases to unchanged ones stay as written",
		in:   "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &labels\n    app: web\n    " + sticky + "\nspec: &spec\n  type: NodePort\n  selector: *labels\n  ports: [{port: 80}]\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &labels\n    app: web\n    " + sticky + "\nspec: &spec\n  type: NodePort\n  selector: *labels\n  ports: [{port: 80}]\n" + compliantTail,
	}, {
		name: "a spec two selected Services of a List share is edited once at its anchor, the alias kept",
		in:   "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels: &l {" + sticky + "}\n  spec: &spec\n    type: NodePort\n    ports: [{port: 80}]\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b, labels: *l}\n  spec: *spec\n",
		want: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels: &l {" + sticky + "}\n  spec: &spec\n    type: NodePort\n    ports: [{port: 80}]\n" + "  " + strings.ReplaceAll(strings.TrimSuffix(compliantTail, "\n"), "\n", "\n  ") + "\n" + "- apiVersion: v1\n  kind: Service\n  metadata: {name: b, labels: *l}\n  spec: *spec\n",
	}, {
		name:   "an edit at an anchor that an unselected item reads is refused, naming the resource, the field, the anchor and the reader",
		in:     "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    labels: {" + sticky + "}\n  spec: &spec\n    type: NodePort\n    ports: [{port: 80}]\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n  spec: *spec\n",
		code:   1,
		stderr: "[error] v1/Service/a spec: the anchor &spec here is also read by document 1.items[1] (v1/Service/b) at spec",
	}, {
		name: "comments, blank lines and markers around a changed Service stay",
		in:   "---\n# about web\n\n" + nodePort + "\n# between\n---\n# the end\n",
		want: "---\n# about web\n\n" + nodePort + compliantTail + "\n# between\n---\n# the end\n",
	}, {
		name: "unchanged parts of a changed Service keep their spacing",
		in:   "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  labels: {" + sticky + "}\n  annotations:\n    {}\nspec:\n  type: NodePort\n  ports: [{\"name\":\"udp-53\",\"port\":53,\"protocol\":\"UDP\"}]\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\n  labels: {" + sticky + "}\n  annotations:\n    {}\nspec:\n  type: NodePort\n  ports: [{\"name\":\"udp-53\",\"port\":53,\"protocol\":\"UDP\"}]\n" + compliantTail,
	}, {
		name: "the Services of a kind: List are processed",
		in:   "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(nodePort, "\n", "\n  ") + "\nmetadata:\n  resourceVersion: \"\"\n",
		want: "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(nodePort+compliantTail, "\n", "\n  ") + "\nmetadata:\n  resourceVersion: \"\"\n",
	}, {
		name: "column-0 comments, blank lines and a leading marker around a changed item of a list stay",
		in:   "---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# first\n\n- " + strings.ReplaceAll(strings.TrimSuffix(nodePort, "\n"), "\n", "\n  ") + "\n# between\n\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n# last\n",
		want: "---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# first\n\n- " + strings.ReplaceAll(strings.TrimSuffix(nodePort+compliantTail, "\n"), "\n", "\n  ") + "\n# between\n\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n# last\n" + listResults,
	}, {
		name: "a directive and an anchored document around a changed Service stay",
		in:   "%YAML 1.1\n--- &doc\n" + nodePort + "...\n",
		want: "%YAML 1.1\n--- &doc\n" + nodePort + compliantTail + "...\n",
	}, {
		name: "nothing in, nothing out",
		in:   "",
		want: "",
	}, {
		name: "only comments and markers come back as they are",
		in:   "# nothing here\n---\n...\n",
		want: "# nothing here\n---\n...\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runStream(t, tc.in)
			if code != tc.code || out != tc.want || !strings.Contains(errOut, tc.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want it to contain %q), stdout:\n%s\nwant:\n%s", code, tc.code, errOut, tc.stderr, out, tc.want)
			}
			if tc.code == 1 && strings.Count(errOut, "\n")-strings.Count(errOut, "[warning] ") != 1 {
				t.Errorf("want one error line, got %q", errOut)
			}
		})
	}
}

// An item may be an alias to another: the list is then read whole, and a Service reached so is
// processed.
func TestAnAliasAcrossItems(t *testing.T) {
	list := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- &cm {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n- *cm\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web, labels: &l {" + sticky + "}}\n  spec: {type: NodePort, ports: [{port: 80}]}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: other, labels: *l}\n  spec: {type: NodePort, ports: [{port: 80}]}\n"
	var out, errOut bytes.Buffer
	if code := Run([]byte(list), StreamOptions{}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if n := strings.Count(out.String(), "externalTrafficPolicy: Local"); n != 2 {
		t.Errorf("%d Services made Local, want both (one selected by an alias to another item's labels):\n%s", n, out.String())
	}
}

// A List's Services are named in results, and validate mode fails on them as on top-level ones.
func TestListServicesAreReported(t *testing.T) {
	list := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ServiceList\n  items:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: web, labels: {" + sticky + "}}\n    spec: {type: NodePort, ports: [{port: 80}]}\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {mode: validate}}\n"
	var out, errOut bytes.Buffer
	if code := Run([]byte(list), StreamOptions{}, &out, &errOut); code != 1 {
		t.Fatalf("validate over a ServiceList with a non-compliant Service: exit %d, want 1", code)
	}
	if !strings.Contains(errOut.String(), "v1/Service/web spec.sessionAffinity") {
		t.Errorf("stderr does not name the Service in the list: %q", errOut.String())
	}
}

// The results of a List's Services come in the List's order, whether or not a Service changed.
func TestListResultsFollowTheInputOrder(t *testing.T) {
	list := "apiVersion: v1\nkind: List\nitems:\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: changed, labels: {" + sticky + "}}\n  spec: {type: NodePort, ports: [{port: 80}]}\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: headless, labels: {" + sticky + "}}\n  spec: {clusterIP: None, ports: [{port: 80}]}\n"
	var out, errOut bytes.Buffer
	if code := Run([]byte(list), StreamOptions{Output: report.Destinations{Verbose: true}}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1 (a headless Service is refused)", code)
	}
	changed := strings.Index(errOut.String(), "v1/Service/changed")
	headless := strings.Index(errOut.String(), "v1/Service/headless")
	if changed < 0 || headless < 0 || changed > headless {
		t.Errorf("results are not in the list's order:\n%s", errOut.String())
	}
}

// Edits leave every line of a changed Service that names no changed field as it was: over the
// goldens and the real-world corpus, the lines the edits remove or add each name a field a result
// reports.
func TestChangedServicesDifferOnlyInChangedLines(t *testing.T) {
	var cases []diffCase
	for _, g := range goldenCases(t) {
		cases = append(cases, diffCase{name: g.dir, in: g.stdin})
	}
	for _, c := range append(cases, realWorldCases(t)...) {
		o, err := Process(c.in, StreamOptions{Config: c.config})
		if err != nil {
			continue
		}
		if o.Rewritten > 0 {
			t.Errorf("%s: %d objects were written anew instead of edited", c.name, o.Rewritten)
		}
		fields := map[string]bool{}
		for _, r := range o.Results {
			if r.Field != nil {
				for _, part := range pathParts(r.Field.Path) {
					fields[part] = true
				}
			}
		}
		for _, e := range o.Edits {
			if strings.Contains(string(c.in[e.Start:e.End]), "<<:") {
				continue // a mapping with a merge key is written out whole, as yaml.v3 reads it
			}
			for _, line := range strings.Split(string(c.in[e.Start:e.End])+"\n"+string(e.Text), "\n") {
				if key := keyOf(line); key != "" && !fields[key] {
					t.Errorf("%s: an edit touches the line %q, which names no reported field", c.name, line)
				}
			}
		}
	}
}

// pathParts splits a field path in the API server's notation into its keys:
// metadata.annotations[a.b/c] is metadata, annotations, a.b/c.
func pathParts(path string) []string {
	var parts []string
	for path != "" {
		switch i := strings.IndexAny(path, ".["); {
		case i < 0:
			return append(parts, path)
		case path[i] == '.':
			parts, path = append(parts, path[:i]), path[i+1:]
		default:
			end := strings.IndexByte(path[i:], ']')
			if end < 0 {
				return append(parts, path)
			}
			parts = append(parts, path[:i], path[i+1:i+end])
			path = strings.TrimPrefix(path[i+end+1:], ".")
		}
	}
	return parts
}

// keyOf is the key a block line names, if any.
func keyOf(line string) string {
	line = strings.TrimLeft(strings.TrimSpace(line), "- ")
	i := strings.Index(line, ": ")
	if i < 0 && strings.HasSuffix(line, ":") {
		i = len(line) - 1
	}
	if i > 0 && !strings.ContainsAny(line[:i], "{[\"' ") {
		return line[:i]
	}
	return ""
}

// The pipeline decodes each changed piece again and compares: any edit the rules' change does not
// read back as is refused, never written. This holds the check itself to account.
func TestEditsReadBackAsTheRulesWrote(t *testing.T) {
	in := []byte("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {" + sticky + "}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n")
	o, err := Process(in, StreamOptions{})
	if err != nil || len(o.Edits) == 0 {
		t.Fatalf("no edits: %v", err)
	}
	var out bytes.Buffer
	out.Write(in[:o.Edits[0].Start])
	doc, err := input.DecodeOne(append(out.Bytes(), in[o.Edits[0].Start:]...))
	if err != nil {
		t.Fatal(err)
	}
	var changed yaml.Node
	if err := yaml.Unmarshal(in, &changed); err != nil {
		t.Fatal(err)
	}
	if !node.Equal(doc, &changed) {
		t.Fatal("the input must read as itself")
	}
}

// JSON in, JSON out: kubectl reads input that starts with `{` as JSON, so the fields and results
// added to a Service or a ResourceList written in JSON are JSON too, one a line as the input
// writes its own.
func TestJSONInJSONOut(t *testing.T) {
	svc := "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n    \"metadata\": {\n        \"name\": \"web\",\n        \"labels\": {\n            \"session-affinity.kpt.dev/sticky\": \"true\"\n        }\n    },\n    \"spec\": {\n        \"type\": \"LoadBalancer\",\n        \"ports\": [\n            {\n                \"port\": 80\n            }\n        ]\n    }\n}\n"
	list := "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [\n    " + strings.ReplaceAll(strings.ReplaceAll(strings.TrimSuffix(svc, "\n"), "    ", "  "), "\n", "\n    ") + "\n  ]\n}\n"
	for _, in := range []string{svc, list} {
		var out, errOut bytes.Buffer
		if code := Run([]byte(in), StreamOptions{}, &out, &errOut); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Errorf("the output of a JSON input is not JSON (%v):\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "\n            \"sessionAffinity\": \"ClientIP\",\n") && !strings.Contains(out.String(), "\n        \"sessionAffinity\": \"ClientIP\",\n") {
			t.Errorf("sessionAffinity is not on its own line in the input's indentation:\n%s", out.String())
		}
	}
}
