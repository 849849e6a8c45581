package processor

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// The differential tests hold the fast path to the reference path: on every input, Run (fast
// path, falling back to the reference) and runReference write the same stdout, the same stderr and
// the same exit code. The inputs are every golden (found at run time, so cases others add are
// covered), the property generator's lists, the same lists reshaped (wide indentation, comments
// between items, scalar items, block scalars), realistic generated lists, the fallback shapes
// below, and the fuzz corpus.

// diffCase is one input for the differential tests.
type diffCase struct {
	name string
	in   []byte
}

// differentialCases are the inputs every differential test runs on.
func differentialCases(t testing.TB) []diffCase {
	var cases []diffCase
	for _, g := range goldenCases(t) {
		cases = append(cases, diffCase{"golden " + filepath.Base(g.dir), g.stdin})
	}
	for i := 0; i < 300; i++ {
		g := &generator{rand.New(rand.NewSource(int64(i)))}
		in := g.resourceList()
		cases = append(cases, diffCase{fmt.Sprintf("property %d", i), []byte(in)})
		reshaped := reshape(rand.New(rand.NewSource(int64(i))), in)
		cases = append(cases, diffCase{fmt.Sprintf("reshaped property %d", i), []byte(reshaped)})
	}
	for _, n := range []int{1, 20, 60} {
		cases = append(cases, diffCase{fmt.Sprintf("listgen %d", n), listgen.Generate(n)})
	}
	for _, s := range fallbackShapes {
		cases = append(cases, diffCase{"shape " + s.name, []byte(s.in)})
	}
	corpus, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, path := range corpus {
		if in, ok := readCorpusEntry(t, path); ok {
			cases = append(cases, diffCase{"corpus " + path, in})
		}
	}
	return cases
}

func TestDifferential(t *testing.T) {
	fast := 0
	for _, c := range differentialCases(t) {
		if _, reason := planFast(c.in); reason == "" {
			fast++
		}
		if diff := compareRuns(c.in); diff != "" {
			t.Errorf("%s: %s\ninput:\n%s", c.name, diff, c.in)
		}
	}
	t.Logf("%d inputs took the fast path", fast)
}

// FuzzDifferential compares the two paths on arbitrary input, seeded with every differential case.
func FuzzDifferential(f *testing.F) {
	for _, c := range differentialCases(f) {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := compareRuns(in); diff != "" {
			t.Error(diff)
		}
	})
}

// compareRuns runs both paths and describes how they differ, or returns "".
func compareRuns(in []byte) string {
	var fastOut, fastErr, refOut, refErr bytes.Buffer
	fastCode := Run(in, &fastOut, &fastErr)
	refCode := runReference(in, &refOut, &refErr)
	switch {
	case !bytes.Equal(fastOut.Bytes(), refOut.Bytes()):
		return fmt.Sprintf("stdout differs\n--- fast\n%s\n--- reference\n%s", fastOut.Bytes(), refOut.Bytes())
	case !bytes.Equal(fastErr.Bytes(), refErr.Bytes()):
		return fmt.Sprintf("stderr differs\n--- fast\n%s\n--- reference\n%s", fastErr.Bytes(), refErr.Bytes())
	case fastCode != refCode:
		return fmt.Sprintf("exit code %d on the fast path, %d on the reference path", fastCode, refCode)
	}
	return ""
}

// TestFastPathTaken keeps the fast path from silently falling back on the inputs it exists for.
func TestFastPathTaken(t *testing.T) {
	for _, c := range []diffCase{
		{"kpt package", Stdin(t, "../../testdata/kpt-package")},
		{"vendor article", Stdin(t, "../../examples/seed-article")},
		{"mixed providers", Stdin(t, "../../testdata/provider-mixed")},
		{"realistic generated list", listgen.Generate(200)},
		{"wide indentation", []byte(reshapeWide(string(listgen.Generate(20))))},
	} {
		if _, reason := planFast(c.in); reason != "" {
			t.Errorf("%s: fell back to the reference path: %s", c.name, reason)
		}
	}
}

// fallbackShapes are inputs the fast path leaves to the reference path, with the reason it gives.
var fallbackShapes = []struct{ name, in, reason string }{
	{"JSON", `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []}` + "\n", "not a top-level key"},
	{"flow items", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [{apiVersion: v1, kind: Service, metadata: {name: a}}]\n", "`items` is not a block list"},
	{"anchor across items", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: &m {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: *m\n", "does not decode on its own"},
	{"tab indentation", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n\t- apiVersion: v1\n", "a tab starts the line"},
	{"byte order mark", "\xef\xbb\xbfapiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", "byte order mark"},
	{"CRLF", "apiVersion: config.kubernetes.io/v1\r\nkind: ResourceList\r\nitems: []\r\n", "carriage returns"},
	{"no final newline", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []", "does not end with a newline"},
	{"document marker", "---\napiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n", "document marker"},
	{"items indented less than before", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n    - apiVersion: v1\n      kind: Service\n  - apiVersion: v1\n", "no deeper than their dashes"},
	{"content before the dash", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n  apiVersion: v1\n", "do not start with a dash"},
	{"results present", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: earlier\n", "has results"},
	{"key inside a multi-line string", "apiVersion: config.kubernetes.io/v1\nkind: 'ResourceList\nitems:\n- a\nz: b'\n", "decodes to other keys"},
	{"service changed after a scalar item with a comment", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- just a string\n  # whose comment is this?\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}\n  spec:\n    type: NodePort\n    ports: [{port: 80}]\n", "may belong to its neighbours"},
	{"Unicode line break", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  x: a\u2028- b\n", "line break other than"},
	{"comment before the first item", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n# first\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}\n  spec:\n    type: NodePort\n    ports: [{port: 80}]\n", "may belong to its neighbours"},
}

func TestFastPathFallsBack(t *testing.T) {
	for _, s := range fallbackShapes {
		_, reason := planFast([]byte(s.in))
		if !strings.Contains(reason, s.reason) {
			t.Errorf("%s: fast path reason %q, want one containing %q", s.name, reason, s.reason)
		}
	}
}

// reshape rewrites a generated list into shapes the property generator does not produce:
// wide indentation, comments and blank lines between and after items, scalar items, block scalars.
func reshape(r *rand.Rand, in string) string {
	head, items, tail := splitItems(in)
	wide := r.Intn(2) == 0
	var b strings.Builder
	b.WriteString(head)
	for _, item := range items {
		var chunk string
		switch r.Intn(8) {
		case 0:
			chunk = "# between items\n"
		case 1:
			chunk = "- a scalar item\n"
		case 2:
			chunk = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: script}\n  data:\n    run.sh: |\n      echo hi\n      # not a comment\n"
		case 3:
			chunk = "\n"
		}
		chunk += item
		if r.Intn(4) == 0 {
			chunk += "  # tail of the item\n"
		}
		if wide {
			chunk = indentLines(chunk)
		}
		b.WriteString(chunk)
	}
	b.WriteString(tail)
	return b.String()
}

// splitItems cuts a list written in kyaml's compact style into the text before the items, the
// items, and the text after them.
func splitItems(in string) (head string, items []string, tail string) {
	start := strings.Index(in, "items:\n")
	if start < 0 {
		return in, nil, ""
	}
	start += len("items:\n")
	head, rest := in[:start], in[start:]
	for rest != "" && strings.HasPrefix(rest, "- ") {
		end := len(rest)
		for i := 0; i < len(rest); {
			nl := strings.IndexByte(rest[i:], '\n')
			if nl < 0 {
				break
			}
			i += nl + 1
			if i < len(rest) && rest[i] != ' ' {
				end = i
				break
			}
		}
		items = append(items, rest[:end])
		rest = rest[end:]
	}
	return head, items, rest
}

// reshapeWide indents the items two spaces deeper, kyaml's wide sequence style.
func reshapeWide(in string) string {
	head, items, tail := splitItems(in)
	return head + indentLines(strings.Join(items, "")) + tail
}

func indentLines(text string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" && line != "\n" {
			b.WriteString("  ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// readCorpusEntry reads a `go test fuzz v1` corpus file holding one []byte.
func readCorpusEntry(t testing.TB, path string) ([]byte, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || lines[0] != "go test fuzz v1" || !strings.HasPrefix(lines[1], "[]byte(") {
		return nil, false
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
