package itemscan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

const header = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

// TestItemDecisions: which items the text alone proves are not core Services (skip), and which
// the fast path decodes, either because they may be or because the text is not understood.
func TestItemDecisions(t *testing.T) {
	for _, tc := range []struct {
		name, item string
		decode     bool
	}{
		{"Deployment", "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: d\n", false},
		{"core Service", "- apiVersion: v1\n  kind: Service\n", true},
		{"Knative Service", "- apiVersion: serving.knative.dev/v1\n  kind: Service\n", false},
		{"quoted kind", "- apiVersion: v1\n  kind: \"ConfigMap\"\n", false},
		{"quoted Service", "- apiVersion: v1\n  kind: 'Service'\n", true},
		{"kind with escapes", "- apiVersion: v1\n  kind: \"Serv\\x69ce\"\n", true},
		{"a key given twice goes to yaml.v3, which refuses it", "- kind: ConfigMap\n  kind: Service\n", true},
		{"a nested key given twice too", "- kind: ConfigMap\n  data:\n    a: x\n    a: y\n", true},
		{"the same key in two mappings is fine", "- kind: ConfigMap\n  metadata:\n    name: a\n  data:\n    name: b\n", false},
		{"a flow key given twice", "- kind: ConfigMap\n  data: {a: x, a: y}\n", true},
		{"head comment", "- # a comment\n  apiVersion: apps/v1\n  kind: Deployment\n", false},
		{"kind on a later line", "- apiVersion: v1\n  kind:\n    Service\n", true},
		{"no kind", "- apiVersion: v1\n  metadata: {}\n", true},
		{"scalar item", "- just a string\n", true},
		{"null item", "-\n", true},
		{"list item", "- - a\n", true},
		{"key with escapes", "- \"ki\\x6ed\": Service\n  kind: ConfigMap\n", true},
		{"anchor", "- apiVersion: v1\n  kind: ConfigMap\n  data: &d {a: b}\n", true},
		{"tag", "- apiVersion: v1\n  kind: ConfigMap\n  data: !!map {a: b}\n", true},
		{"multi-line plain", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: one\n      two\n", true},
		{"multi-line quoted", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: \"one\n      two\"\n", true},
		{"tab in a value", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: one\ttwo\n", true},
		{"block scalar", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: |\n      x: y\n      # text\n\n      - z\n    b: c\n", false},
		{"block scalar with indentation indicator", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: |2\n       x\n", true},
		{"flow collections", "- apiVersion: v1\n  kind: ConfigMap\n  data: {a: [b, \"c\", {d: e}], f: 'g'}\n", false},
		{"flow trailing comma", "- apiVersion: v1\n  kind: ConfigMap\n  data: {a: b,}\n", true},
		{"flow JSON pairs", "- apiVersion: v1\n  kind: ConfigMap\n  data: {\"a\":\"b\"}\n", true},
		{"indentless list", "- apiVersion: apps/v1\n  kind: Deployment\n  args:\n  - a\n  - b: c\n    d: e\n  x: y\n", false},
		{"plain with colon-space", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: b: c\n", true},
		{"bad indentation", "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: b\n   c: d\n", true},
		{"comment lines anywhere", "- apiVersion: v1\n# col 0\n  kind: ConfigMap\n      # deep\n  data: {}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(header + tc.item)
			p, err := Scan(in)
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if got := decisions(t, p, in); len(got) != 1 || got[0] != tc.decode {
				t.Errorf("decode = %v, want [%v]", got, tc.decode)
			}
		})
	}
}

// A line that starts with `...` or `---` but not a marker (`...x: 1`) is a key to yaml.v3, and
// to the scan; a marker is not understood, and the list is read whole.
func TestScanReadsMarkersAsYAMLDoes(t *testing.T) {
	for in, ok := range map[string]bool{
		header + "...x: 1\n":   true,
		header + "... # end\n": false,
		header + "---\n":       false,
		header + "%YAML 1.1\n": false,
	} {
		if _, err := Scan([]byte(in)); (err == nil) != ok {
			t.Errorf("Scan(%q): error %v, want ok %v", in, err, ok)
		}
	}
}

func TestScanFindsItemsAndKeys(t *testing.T) {
	in := header + "- a: 1\n  b:\n  - c\n# between\n\n- d: |\n    - e\n" + "functionConfig:\n  data: {}\n"
	p, err := Scan([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	for _, s := range p.Layout.Items {
		items = append(items, in[s.Start:s.End])
	}
	want := []string{"- a: 1\n  b:\n  - c\n# between\n\n", "- d: |\n    - e\n"}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Errorf("items %q, want %q", items, want)
	}
	if fmt.Sprint(p.Keys) != "[apiVersion kind items functionConfig]" {
		t.Errorf("keys %v", p.Keys)
	}
	if string(p.Skeleton) != header+"functionConfig:\n  data: {}\n" {
		t.Errorf("skeleton %q", p.Skeleton)
	}
}

// FuzzScan holds Scan to yaml.v3: whenever it accepts an input and the items it leaves to
// yaml.v3 decode on their own (as the fast path requires), yaml.v3 reads the whole input with the
// same top-level keys and the same number of items, and every item Scan lets the fast path skip
// is a mapping that is not a core Service.
func FuzzScan(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/*/input.yaml")
	for _, path := range seeds {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	f.Add(listgen.Generate(5))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := Scan(in)
		if err != nil {
			return
		}
		decode := make([]bool, len(p.Layout.Items))
		for i := range p.Layout.Items {
			item, err := p.Classify(in, i)
			if err != nil {
				return
			}
			if decode[i] = item.Decode; !decode[i] {
				continue
			}
			span := p.Layout.Items[i]
			var entry yaml.Node
			if err := yaml.Unmarshal(in[span.Start:span.End], &entry); err != nil {
				return
			}
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(in, &doc); err != nil {
			t.Fatalf("Scan accepts what yaml.v3 rejects (%v):\n%s", err, in)
		}
		root := doc.Content[0]
		var items *yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i].Value; k != p.Keys[i/2] {
				t.Fatalf("key %d: yaml.v3 reads %q, Scan %q", i/2, k, p.Keys[i/2])
			}
			if root.Content[i].Value == "items" && items == nil {
				items = root.Content[i+1]
			}
		}
		n := 0
		if items != nil && items.Kind == yaml.SequenceNode {
			n = len(items.Content)
		}
		if n != len(p.Layout.Items) {
			t.Fatalf("yaml.v3 reads %d items, Scan %d:\n%s", n, len(p.Layout.Items), in)
		}
		for i, d := range decode {
			item := items.Content[i]
			if !d && (item.Kind != yaml.MappingNode || isCoreService(item)) {
				t.Fatalf("items[%d] skipped but is a core Service or no mapping:\n%s", i, in)
			}
		}
	})
}

func isCoreService(item *yaml.Node) bool {
	get := func(key string) string {
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == key {
				return item.Content[i+1].Value
			}
		}
		return ""
	}
	return get("apiVersion") == "v1" && get("kind") == "Service"
}

func TestRealisticListNeedsDecodingOnlyForServices(t *testing.T) {
	in := listgen.Generate(300)
	p, err := Scan(in)
	if err != nil {
		t.Fatal(err)
	}
	decode := decisions(t, p, in)
	for i, s := range p.Layout.Items {
		isService := strings.Contains(string(in[s.Start:s.End]), "\n  kind: Service\n")
		if decode[i] != isService {
			t.Errorf("items[%d]: decode %v, but Service %v:\n%s", i, decode[i], isService, in[s.Start:s.End])
		}
	}
}

func decisions(t *testing.T, p *Plan, in []byte) []bool {
	t.Helper()
	decode := make([]bool, len(p.Layout.Items))
	for i := range decode {
		item, err := p.Classify(in, i)
		if err != nil {
			t.Fatalf("items[%d]: %v", i, err)
		}
		decode[i] = item.Decode
	}
	return decode
}

// FuzzItemBody fuzzes the body of a Deployment, where the recognizer does its work: whenever it
// lets the fast path skip the item, yaml.v3 must read the list the same way (one item, a mapping,
// kind Deployment) — or the item must fail to decode on its own, sending the run elsewhere.
func FuzzItemBody(f *testing.F) {
	for _, s := range []string{"a: b", "a: |\n  x\n# c\nb: [c, {d: e}]", "a:\n- b\n- c: d\n  e: 'f'", "a: \"x\\ty\" # c\nb: {}",
		"args: [\"--port=8080\", '--x']\nenv:\n- name: A\n  value: \"1\"", "a: >-\n  folded\n\n  text\nb: 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		var b strings.Builder
		b.WriteString(header + "- apiVersion: apps/v1\n  kind: Deployment\n  spec:\n")
		for _, line := range strings.Split(body, "\n") {
			b.WriteString("    " + line + "\n")
		}
		b.WriteString("functionConfig: {}\n")
		in := []byte(b.String())
		p, err := Scan(in)
		if err != nil || len(p.Layout.Items) != 1 {
			return
		}
		if item, err := p.Classify(in, 0); item.Decode || err != nil {
			return
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(in, &doc); err != nil {
			t.Fatalf("skipped an item yaml.v3 rejects (%v):\n%s", err, in)
		}
		items := doc.Content[0].Content[5]
		if items.Kind != yaml.SequenceNode || len(items.Content) != 1 || items.Content[0].Content[3].Value != "Deployment" {
			t.Fatalf("yaml.v3 reads the items differently:\n%s", in)
		}
	})
}

// TestCheckBytes places each character at every offset, so that the word-at-a-time check meets
// it at each position in a word and across word boundaries.
func TestCheckBytes(t *testing.T) {
	for _, tc := range []struct {
		char string
		ok   bool
	}{
		{"a", true}, {"\t", true}, {"é", true}, {"中", true}, {"😀", true}, {"\u0085", false},
		{"\r", false}, {"\x00", false}, {"\x1f", false}, {"\x7f", false}, {"\xc3", false},
		{"\u2028", false}, {"\u2029", false},
		{"\xff", false}, {"\u0080", false}, {"\ufffe", false}, {"\xed\xa0\x80", false},
	} {
		for pad := 0; pad < 17; pad++ {
			in := strings.Repeat("x", pad) + tc.char + strings.Repeat("y", 9) + "\n"
			if _, err := checkBytes([]byte(in)); (err == nil) != tc.ok {
				t.Errorf("%q at offset %d: err %v", tc.char, pad, err)
			}
		}
	}
	for _, in := range []string{"\xef\xbb\xbfa: 1\n", "a: 1", "a: 1\r\n"} {
		if _, err := Scan([]byte(in)); err == nil {
			t.Errorf("%q passed", in)
		}
	}
}

func TestServiceText(t *testing.T) {
	const svc = "- apiVersion: v1\n  kind: Service\n"
	for _, tc := range []struct {
		name, item string
		want       string // the recorded Service as YAML; "" when not recorded
	}{
		{"labels, local-config and selector", svc + "  metadata:\n    name: a\n    labels:\n      app: a # comment\n      tier: 'web'\n    annotations:\n      config.kubernetes.io/local-config: \"false\"\n  spec:\n    selector:\n      app: a\n      sessionAffinity: ClientIP\n  sessionAffinity: x\n",
			"apiVersion:\nkind:\nmetadata:\n  labels:\n    app: a\n    tier: web\n  annotations:\n    config.kubernetes.io/local-config: \"false\"\nspec:\n  selector:\n    app:\n    sessionAffinity:\nsessionAffinity:\n"},
		{"no metadata", svc + "  spec: {}\n", "apiVersion:\nkind:\nspec:\n  selector: {}\n"},
		{"flow labels", svc + "  metadata:\n    labels: {app: a}\n", ""},
		{"null label", svc + "  metadata:\n    labels:\n      app: null\n", ""},
		{"empty label", svc + "  metadata:\n    labels:\n      app:\n", ""},
		{"duplicate label", svc + "  metadata:\n    labels:\n      app: a\n      app: b\n", ""},
		{"labels twice", svc + "  metadata:\n    labels:\n      app: a\n    labels:\n      app: b\n", ""},
		{"metadata as a list", svc + "  metadata:\n  - a\n", ""},
		{"escaped annotation key", svc + "  metadata:\n    annotations:\n      \"config.kubernetes.io/local-c\\x6fnfig\": \"true\"\n", ""},
		{"ports are no concern", svc + "  spec:\n    ports:\n    - port: 80\n    selector:\n      app: a\n", "apiVersion:\nkind:\nspec:\n  selector:\n    app:\n"},
		{"not a Service", "- apiVersion: v1\n  kind: ConfigMap\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(header + tc.item)
			p, err := Scan(in)
			if err != nil {
				t.Fatal(err)
			}
			item, err := p.Classify(in, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if item.Service != nil {
				b, err := yaml.Marshal(item.Service.Node())
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestScanChecksTheLinesBeforeTheFirstItem: they belong to no item, and the skeleton leaves them
// out, so Scan checks them itself (found by FuzzDifferential).
func TestScanChecksTheLinesBeforeTheFirstItem(t *testing.T) {
	for _, in := range []string{header + "  #\xd7\n", header + "# \x01\n- a: 1\n"} {
		if _, err := Scan([]byte(in)); err == nil {
			t.Errorf("%q passed", in)
		}
	}
}

// A re-run over the function's own output holds a result for each Service it changed: the
// results are bounded apart from the list's header and functionConfig, as the items are, so a
// list whose results outgrow the header's bound is still scanned.
func TestScanWithinBoundsTheResultsApart(t *testing.T) {
	results := "results:\n" + strings.Repeat("- message: set\n  severity: info\n", 100)
	in := []byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: ConfigMap\n" + results)
	header := len(in) - len(results) - len("- kind: ConfigMap\n")
	plan, err := ScanWithin(in, header, len(results))
	if err != nil {
		t.Fatalf("results within their bound: %v", err)
	}
	if n := len(plan.Results.Spans); n != 100 {
		t.Errorf("the scan found %d entries of the results, want 100", n)
	}
	var rest *RestTooLargeError
	if _, err := ScanWithin(in, header-1, len(results)); !errors.As(err, &rest) {
		t.Errorf("a header past its bound: got %v, want a *RestTooLargeError", err)
	}
	if _, err := ScanWithin(in, header, len(results)-1); err == nil || errors.As(err, &rest) {
		t.Errorf("results past their bound: got %v, want an error that sends the list to yaml.v3", err)
	}
}
