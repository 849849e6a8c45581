package processor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/rules"
	"github.com/sticky-services/set-session-affinity/fn/selection"
	"github.com/sticky-services/set-session-affinity/internal/invariants"
	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// The differential tests hold the pipeline to an oracle that shares none of its input or output
// code: the oracle decodes the whole input with yaml.v3, resolves every object, applies the same
// rules, and keeps the values. On every input both must agree on meaning: the same objects with
// the same values in the same order, the same results, the same exit code, and both refuse the
// same inputs. (That untouched bytes stay is asserted apart: goldens, TestShapes.)

// oracleRun is what the oracle makes of an input.
type oracleRun struct {
	objects []*yaml.Node // every object after the rules, resolved, in input order
	results fn.Results
}

// oracle runs the function by decoding everything: the straightforward reading of the contract.
func oracle(in []byte, streamConfig *yaml.Node) (*oracleRun, error) {
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(in))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 || node.IsNull(doc.Content[0]) {
			continue
		}
		if _, dup := node.FirstDuplicate(doc.Content[0]); dup != nil {
			return nil, fmt.Errorf("line %d: a key twice", dup.Line)
		}
		// yaml.v3's own verdict on decoding into Go values (complex keys, merge keys with
		// scalars), except on an alias bomb, which the function passes unexpanded.
		var v any
		if err := doc.Decode(&v); err != nil && !strings.Contains(err.Error(), "excessive aliasing") {
			return nil, err
		}
		docs = append(docs, doc.Content[0])
	}
	var objects []*yaml.Node
	var fc *yaml.Node
	list := len(docs) == 1 && kindOf(docs[0]) == "ResourceList"
	if list {
		switch v, _ := node.Scalar(node.AsWritten(docs[0], "apiVersion")); v {
		case "config.kubernetes.io/v1", "config.kubernetes.io/v1beta1":
		default:
			return nil, fmt.Errorf("ResourceList apiVersion %q", v)
		}
		fc = node.AsWritten(docs[0], "functionConfig")
		switch items := node.AsWritten(docs[0], "items"); {
		case node.IsNull(items):
		case items.Kind == yaml.SequenceNode:
			objects = items.Content
		default:
			return nil, errors.New("items is not a list")
		}
	} else {
		for _, d := range docs {
			if d.Kind != yaml.MappingNode || kindOf(d) == "ResourceList" {
				return nil, errors.New("not a stream of objects")
			}
		}
		objects, fc = docs, streamConfig
	}
	var flat []*yaml.Node
	for _, o := range objects {
		flat = append(flat, invariants.Objects(o)...)
	}
	for i, o := range flat {
		if selection.IsCoreService(o) { // others are not resolved: an alias bomb stays small
			// The function's bound: a Service whose aliases expand past 64 times its nodes is
			// refused, so no copy of the oracle's grows larger than the function's would.
			resolved, err := node.Resolve(o, aliasBudget(o))
			if err != nil {
				return nil, err
			}
			flat[i] = resolved
		}
	}
	cfg, errs := config.Decode(fc, config.Origin{}) // the runs it judges pass no Origin
	run := &oracleRun{objects: flat}
	if len(errs) > 0 {
		run.results = configErrors(errs, fc)
		return run, nil
	}
	var counts report.Counts
	var peers []peer
	for _, obj := range flat {
		if obj.Kind != yaml.MappingNode {
			run.results = append(run.results, &fn.Result{Severity: fn.Error})
			continue
		}
		if !selection.IsCoreService(obj) {
			// Another apiVersion's Service its labels (nearly) select is warned of, read as
			// far as the function's alias bound allows.
			if resolved, err := node.Resolve(obj, aliasBudget(obj)); err == nil {
				for _, f := range warnings(selection.NotCore(resolved, cfg.Selector)) {
					run.results = append(run.results, report.Finding(report.SubjectOf(resolved), f))
				}
			}
			continue
		}
		var findings []rules.Finding
		if selection.Selected(obj, cfg.Selector) {
			var outcome rules.Outcome
			peers = append(peers, peer{labels: selection.PackLabels(node.AsWritten(obj, "metadata", "labels"))})
			resolved := rules.ResolveProvider(obj, cfg)
			outcome, findings = rules.Apply(obj, cfg)
			countSelected(&counts, resolved, obj, cfg, outcome)
		} else {
			counts.NotSelected++
			findings = append(rules.WarnMisplaced(obj), warnings(selection.Misses(obj, cfg.Selector))...)
		}
		findings = append(findings, warnings(selection.UnknownAnnotations(obj, cfg.Selector))...)
		for _, f := range findings {
			r := report.Finding(report.SubjectOf(obj), f)
			run.results = append(run.results, r)
			if f.Unsupported != nil {
				peers[len(peers)-1].unsupported, peers[len(peers)-1].error = f.Unsupported, r
			}
		}
	}
	// The advice on unsupported Services needs every selected Service of the run.
	adviseUnsupported(cfg, peers)
	run.results = append(run.results, report.RunResults(counts, cfg)...)
	return run, nil
}

// identity names an object: apiVersion, kind, namespace and name.
func identity(n *yaml.Node) string {
	text := func(path ...string) string {
		v := n
		for _, k := range path {
			v = node.AsDecoded(v, k)
		}
		s, _ := node.Scalar(v)
		return s
	}
	return strings.Join([]string{text("apiVersion"), text("kind"), text("metadata", "namespace"), text("metadata", "name")}, "/")
}

func kindOf(n *yaml.Node) string {
	k, _ := node.Scalar(node.AsDecoded(n, "kind"))
	return k
}

// compareWithOracle runs the pipeline and the oracle on in and describes how they differ.
func compareWithOracle(in []byte, streamConfig *yaml.Node) string {
	want, oracleErr := oracle(in, streamConfig)
	var stdout, stderr bytes.Buffer
	code := Run(in, StreamOptions{Config: streamConfig}, &stdout, &stderr)
	o, err := Process(in, StreamOptions{Config: streamConfig})
	switch {
	case (err != nil) != (oracleErr != nil):
		return fmt.Sprintf("the pipeline says %v, the oracle %v", err, oracleErr)
	case err != nil:
		return ""
	case code != want.results.ExitCode():
		return fmt.Sprintf("exit code %d, the oracle's results say %d", code, want.results.ExitCode())
	}
	if diff := sameResults(o.Results, want.results); diff != "" {
		return diff
	}
	if stdout.Len() == 0 {
		return "" // a stream with errors writes nothing
	}
	again := streamConfig // a ResourceList carries its own
	if o.Input.Shape == input.ResourceList {
		again = nil
	}
	got, err := oracle(stdout.Bytes(), again)
	if err != nil {
		return fmt.Sprintf("the output does not read: %v\n%s", err, stdout.Bytes())
	}
	if len(got.objects) != len(want.objects) {
		return fmt.Sprintf("%d objects out, the oracle has %d", len(got.objects), len(want.objects))
	}
	for i := range got.objects {
		g, w := got.objects[i], want.objects[i]
		if identity(g) != identity(w) || selection.IsCoreService(w) && !node.Equal(g, w) {
			return fmt.Sprintf("object %d differs from the oracle's:\n%s", i, stdout.Bytes())
		}
	}
	return ""
}

// sameResults compares the results the oracle can know: severity, message and field. Rows for
// non-object items carry only their severity.
func sameResults(got, want fn.Results) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d results, the oracle has %d:\n%v\n---\n%v", len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Severity != w.Severity || w.Message != "" && (g.Message != w.Message || fieldPath(g) != fieldPath(w)) {
			return fmt.Sprintf("result %d: %q, the oracle %q", i, g.String(), w.String())
		}
	}
	return ""
}

func fieldPath(r *fn.Result) string {
	if r.Field == nil {
		return ""
	}
	return r.Field.Path
}

// diffCase is one input for the differential tests, with its config when it is a stream.
type diffCase struct {
	name   string
	in     []byte
	config *yaml.Node
}

// differentialCases are the goldens (the bad-input catalogue among them), the property lists and
// the same lists reshaped, realistic generated inputs as a ResourceList, a plain stream and a kind:
// List, and the fuzz corpus.
func differentialCases(t testing.TB) []diffCase {
	var cases []diffCase
	for _, g := range goldenCases(t) {
		cases = append(cases, diffCase{name: "golden " + filepath.Base(g.dir), in: g.stdin})
	}
	for i := 0; i < 300; i++ {
		g := &generator{rand.New(rand.NewSource(int64(i)))}
		in := g.resourceList()
		cases = append(cases, diffCase{name: fmt.Sprintf("property %d", i), in: []byte(in)},
			diffCase{name: fmt.Sprintf("reshaped property %d", i), in: []byte(reshape(rand.New(rand.NewSource(int64(i))), in))})
	}
	for _, n := range []int{1, 20, 60} {
		stream := listgen.Resources(n)
		cases = append(cases, diffCase{name: fmt.Sprintf("listgen %d", n), in: listgen.Generate(n)},
			diffCase{name: fmt.Sprintf("stream %d", n), in: stream},
			diffCase{name: fmt.Sprintf("List %d", n), in: asList(stream)})
	}
	fuzz, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, path := range fuzz {
		if in, ok := readCorpusEntry(t, path); ok {
			cases = append(cases, diffCase{name: "fuzz corpus " + path, in: in})
		}
	}
	cases = append(cases, textLayerCases()...)
	return append(cases, realWorldCases(t)...)
}

// realWorldCases are the rendered charts and manifests of corpus/, each with the config its flags
// file gives.
func realWorldCases(t testing.TB) []diffCase {
	dirs, _ := filepath.Glob("../../corpus/*")
	var cases []diffCase
	for _, dir := range dirs {
		in, err := os.ReadFile(filepath.Join(dir, "rendered.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		flags, err := os.ReadFile(filepath.Join(dir, "flags"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, diffCase{"real " + filepath.Base(dir), in, configFromFlags(string(flags))})
	}
	if len(cases) == 0 {
		t.Fatal("no corpus in ../../corpus")
	}
	return cases
}

// configFromFlags turns `--client-ip-timeout-seconds=600` lines into a ConfigMap, as the CLI does.
func configFromFlags(flags string) *yaml.Node {
	cm := &yaml.Node{Kind: yaml.MappingNode}
	node.SetScalar(cm, "apiVersion", "v1", yaml.NodeTagString)
	node.SetScalar(cm, "kind", "ConfigMap", yaml.NodeTagString)
	data := node.EnsureMap(cm, "data")
	for _, line := range strings.Fields(flags) {
		name, value, _ := strings.Cut(strings.TrimPrefix(line, "--"), "=")
		var key strings.Builder
		for i, part := range strings.Split(name, "-") {
			switch {
			case i == 0:
				key.WriteString(part)
			case part == "ip":
				key.WriteString("IP")
			default:
				key.WriteString(strings.ToUpper(part[:1]) + part[1:])
			}
		}
		node.SetScalar(data, key.String(), value, yaml.NodeTagString)
	}
	return cm
}

// asList writes a stream's documents as a kind: List, as kubectl get -o yaml prints one.
func asList(stream []byte) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for _, doc := range strings.Split(string(stream), "---\n") {
		b.WriteString("- " + strings.TrimSuffix(strings.ReplaceAll(doc, "\n", "\n  "), "  "))
	}
	b.WriteString("metadata:\n  resourceVersion: \"\"\n")
	return []byte(b.String())
}

func TestDifferential(t *testing.T) {
	cases := differentialCases(t)
	for _, c := range cases {
		if diff := compareWithOracle(c.in, c.config); diff != "" {
			t.Errorf("%s: %s\ninput:\n%s", c.name, diff, c.in)
		}
		if o, err := Process(c.in, StreamOptions{Config: c.config}); err == nil && o.Rewritten > 0 {
			t.Errorf("%s: %d objects written anew; every change here must be an edit", c.name, o.Rewritten)
		}
	}
	t.Logf("%d inputs agree with the oracle", len(cases))
}

// FuzzDifferential compares the pipeline with the oracle on arbitrary input.
func FuzzDifferential(f *testing.F) {
	for _, c := range differentialCases(f) {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := compareWithOracle(in, nil); diff != "" {
			t.Error(diff)
		}
	})
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
