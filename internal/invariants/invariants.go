// Package invariants checks what must hold for every run of the function, whatever the input.
// The golden tests, the property tests and the fuzzers all call Check, so one definition of
// "nothing lost, nothing half-applied" serves every test layer.
package invariants

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/selection"
)

// Run is one run of the function.
type Run func(in []byte) (stdout, stderr []byte, code int)

// Check runs the function on in and returns every invariant the run breaks:
//   - input that is neither one ResourceList nor a stream of objects, as yaml.v3 reads it (with
//     no key twice in a mapping): exit 2 (1 when it reads as a ResourceList, whose runners need
//     only non-zero), nothing on stdout, one stderr line;
//   - a stream: exit 0 with its documents back (the same identities, unselected ones byte for
//     byte, and a second run changes nothing), or exit 1 (error findings) or 2 (a document the
//     function cannot use) with nothing on stdout;
//   - a ResourceList: the output is a ResourceList with the same items, same identities, same order;
//   - items that are not selected Services come back unchanged;
//   - exit code 1 exactly when an error result exists; one stderr line per warning and error,
//     none when kpt sent the list (kpt shows the results, and the function's stderr besides);
//   - a second run over the output changes nothing and reports no change;
//   - every selected Service is compliant (a validate run finds nothing) or named by an error.
func Check(in []byte, run Run) []error {
	c := &checker{run: run}
	out, errOut, code := run(in)
	inList, err := readList(in)
	if errors.Is(err, errNotAList) {
		if docs, err := readStream(in); err == nil {
			c.checkStream(in, docs, out, errOut, code)
			return c.errs
		}
	}
	if err != nil {
		c.expect(code == 1 || code == 2, "unusable input: exit code %d, want 1 or 2", code)
		c.expect(len(out) == 0, "unusable input: %d bytes on stdout, want none", len(out))
		c.expect(bytes.Count(errOut, []byte("\n")) == 1 && bytes.HasSuffix(errOut, []byte("\n")), "unusable input: stderr %q, want one line", errOut)
		return c.errs
	}
	outList, err := readList(out)
	if err != nil {
		return append(c.errs, fmt.Errorf("output is not a ResourceList: %w", err))
	}
	results := resultsOf(out)
	c.checkExit(code, errOut, results, fromKpt(in))
	c.checkItems(inList, outList)
	if !c.failed() {
		c.checkSecondRun(out)
		c.checkCompliance(inList, outList, results)
	}
	return c.errs
}

type checker struct {
	run  Run
	errs []error
}

func (c *checker) expect(ok bool, format string, args ...any) {
	if !ok {
		c.errs = append(c.errs, fmt.Errorf(format, args...))
	}
}

func (c *checker) failed() bool { return len(c.errs) > 0 }

// result is what the invariants read of one result.
type result struct {
	severity, kind, name, namespace string
	hasProposed                     bool
}

func resultsOf(out []byte) []result {
	rn, err := yaml.Parse(string(out))
	if err != nil {
		return nil
	}
	var rs []result
	list := node.AsWritten(rn.YNode(), "results")
	if list == nil {
		return nil
	}
	for _, r := range list.Content {
		text := func(path ...string) string { v, _ := node.Scalar(node.AsWritten(r, path...)); return v }
		rs = append(rs, result{severity: text("severity"), kind: text("resourceRef", "kind"), name: text("resourceRef", "name"),
			namespace: text("resourceRef", "namespace"), hasProposed: node.AsWritten(r, "field", "proposedValue") != nil})
	}
	return rs
}

func (c *checker) checkExit(code int, errOut []byte, results []result, kpt bool) {
	errors, shown := 0, 0
	for _, r := range results {
		switch r.severity {
		case "error":
			errors++
			shown++
		case "warning":
			shown++
		}
	}
	c.expect((code == 1) == (errors > 0) && (code == 0 || code == 1), "exit code %d with %d error results", code, errors)
	if kpt {
		shown = 0
	}
	lines := bytes.Count(errOut, []byte("\n"))
	c.expect(lines == shown && (len(errOut) == 0 || bytes.HasSuffix(errOut, []byte("\n"))),
		"stderr has %d lines for %d warning and error results (from kpt: %t): %q", lines, shown, kpt, errOut)
}

// fromKpt reports whether kpt sent the list: its text names the annotation kpt gives every item
// it sends (internal.config.kubernetes.io/seqindent), which kustomize never sends.
func fromKpt(in []byte) bool {
	return bytes.Contains(in, []byte("internal.config.kubernetes.io/seqindent:"))
}

// identity is what names an item: apiVersion, kind, namespace, name; for a non-object, its text.
func identity(n *yaml.Node) string {
	if n.Kind != yaml.MappingNode {
		return encode(n)
	}
	text := func(path ...string) string { v, _ := node.Scalar(node.AsWritten(n, path...)); return v }
	return strings.Join([]string{text("apiVersion"), text("kind"), text("metadata", "namespace"), text("metadata", "name")}, "/")
}

func encode(n *yaml.Node) string {
	s, err := yaml.String(n)
	if err != nil {
		return "unencodable: " + err.Error()
	}
	return s
}

func (c *checker) checkItems(in, out *list) {
	if len(in.Items) != len(out.Items) {
		c.expect(false, "%d items in, %d out", len(in.Items), len(out.Items))
		return
	}
	cfg, cfgErrs := config.Decode(in.FunctionConfig, config.Origin{})
	for i := range in.Items {
		before, after := in.Items[i], out.Items[i]
		c.expect(identity(before) == identity(after), "item %d is %s, was %s", i, identity(after), identity(before))
		c.checkUnselected(fmt.Sprintf("item %d", i), before, after, func(obj *yaml.Node) bool {
			return len(cfgErrs) == 0 && selected(obj, cfg)
		})
	}
}

// checkUnselected requires every object of before that is not selected (a List's items one by
// one, as the function reads them) to mean in after what it meant: the same nodes, as yaml.v3
// reads them. Bytes are held to account by the differential and golden tests; here a comment
// yaml.v3 attaches to another node once results follow would count as a change.
func (c *checker) checkUnselected(where string, before, after *yaml.Node, isSelected func(*yaml.Node) bool) {
	objsBefore, objsAfter := Objects(before), Objects(after)
	if len(objsBefore) != len(objsAfter) {
		c.expect(false, "%s: %d objects in, %d out", where, len(objsBefore), len(objsAfter))
		return
	}
	for j, obj := range objsBefore {
		if !isSelected(obj) {
			c.expect(sameMeaning(obj, objsAfter[j]), "%s (%s) is not selected but changed:\n%s", where, identity(obj), encode(objsAfter[j]))
		}
	}
}

// sameMeaning reports whether a and b read the same. An object whose aliases expand too far (an
// alias bomb) is compared as written instead, which takes no expansion.
func sameMeaning(a, b *yaml.Node) bool {
	if _, err := node.Resolve(a, maxResolvedNodes); err != nil {
		return encode(a) == encode(b)
	}
	return node.Equal(a, b)
}

// selected reports whether the function may change obj: a core Service the selector selects, or
// one whose aliases expand too far to tell (an alias bomb, which the function refuses).
func selected(obj *yaml.Node, cfg config.Config) bool {
	if obj.Kind != yaml.MappingNode || !selection.IsCoreService(obj) {
		return false
	}
	resolved, err := node.Resolve(obj, maxResolvedNodes)
	return err != nil || selection.Selected(resolved, cfg.Selector)
}

// maxResolvedNodes bounds the copy selected makes: far more than any real Service has, far less
// than an alias bomb expands to.
const maxResolvedNodes = 1 << 16

// Objects is n itself, or for a List (any kind ending in List with a sequence of items) the
// objects among its items, nested Lists included: what the function reads as objects. The test
// oracles share it.
func Objects(n *yaml.Node) []*yaml.Node {
	n = node.Deref(n)
	kind, _ := node.Scalar(node.AsDecoded(n, "kind"))
	items := node.Deref(node.AsDecoded(n, "items"))
	if !strings.HasSuffix(kind, "List") || items == nil || items.Kind != yaml.SequenceNode {
		return []*yaml.Node{n}
	}
	var found []*yaml.Node
	for _, item := range items.Content {
		if node.Deref(item).Kind == yaml.MappingNode {
			found = append(found, Objects(item)...)
		}
	}
	return found
}

// withoutResults returns the list with the results a run appended removed.
func withoutResults(out []byte) []byte {
	rn, err := yaml.Parse(string(out))
	if err != nil {
		return out
	}
	node.Remove(rn.YNode(), "results")
	return []byte(encode(rn.YNode()))
}

// checkSecondRun runs the function again over its own output, results and all, as a pipeline
// re-run does: the function replaces its own results, and everything else must come back as it
// was. Both sides go through withoutResults alike, so its encoding cannot tell them apart.
func (c *checker) checkSecondRun(out []byte) {
	again, _, _ := c.run(out)
	c.expect(bytes.Equal(withoutResults(again), withoutResults(out)), "a second run changed the output:\n%s", again)
	for _, r := range resultsOf(again) {
		c.expect(!(r.severity == "info" && r.hasProposed), "a second run reported a change to %s/%s", r.kind, r.name)
	}
}

// checkCompliance runs the output in validate mode: a selected Service that the first run did
// not name in an error must need no change.
func (c *checker) checkCompliance(in, out *list, results []result) {
	if _, cfgErrs := config.Decode(in.FunctionConfig, config.Origin{}); len(cfgErrs) > 0 {
		return
	}
	failed := map[string]bool{}
	for _, r := range results {
		if r.severity == "error" {
			failed[r.kind+"/"+r.namespace+"/"+r.name] = true
		}
	}
	validated, _, _ := c.run(asValidateRun(out))
	for _, r := range resultsOf(validated) {
		if r.severity == "error" && r.kind == "Service" && !failed[r.kind+"/"+r.namespace+"/"+r.name] {
			c.expect(false, "Service %s/%s was not reported as failed, yet a validate run finds it not compliant", r.namespace, r.name)
		}
	}
}

// asValidateRun writes the list's items with its config switched to mode validate.
func asValidateRun(l *list) []byte {
	fc := l.FunctionConfig
	switch {
	case fc == nil || node.IsNull(fc) || (fc.Kind == yaml.MappingNode && len(fc.Content) == 0):
		fc = &yaml.Node{Kind: yaml.MappingNode}
		node.SetScalar(fc, "apiVersion", "v1", yaml.NodeTagString)
		node.SetScalar(fc, "kind", "ConfigMap", yaml.NodeTagString)
		node.SetScalar(node.EnsureMap(fc, "data"), "mode", "validate", yaml.NodeTagString)
	case node.AsWritten(fc, "kind") != nil && node.AsWritten(fc, "kind").Value == "ConfigMap":
		node.SetScalar(node.EnsureMap(fc, "data"), "mode", "validate", yaml.NodeTagString)
	default:
		node.SetScalar(fc, "mode", "validate", yaml.NodeTagString)
	}
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	doc := &yaml.Node{Kind: yaml.MappingNode}
	node.Append(doc, "items", &yaml.Node{Kind: yaml.SequenceNode, Content: l.Items})
	node.Append(doc, "functionConfig", fc)
	b.WriteString(encode(doc))
	return []byte(b.String())
}

// checkStream holds a stream's run to its invariants.
func (c *checker) checkStream(in []byte, docs []*yaml.Node, out, errOut []byte, code int) {
	if code != 0 {
		c.expect(code == 1 || code == 2, "stream: exit code %d", code)
		c.expect(len(out) == 0, "stream with errors: %d bytes on stdout, want none", len(out))
		c.expect(bytes.Contains(errOut, []byte("[error]")) || bytes.Count(errOut, []byte("\n")) == 1, "stream with exit 1: stderr %q names no error", errOut)
		return
	}
	outDocs, err := readStream(out)
	if err != nil {
		c.expect(false, "stream output does not read: %v", err)
		return
	}
	if len(outDocs) != len(docs) {
		c.expect(false, "%d documents in, %d out", len(docs), len(outDocs))
		return
	}
	cfg, _ := config.Decode(nil, config.Origin{})
	for i := range docs {
		before, after := docs[i], outDocs[i]
		c.expect(identity(before) == identity(after), "document %d is %s, was %s", i+1, identity(after), identity(before))
		c.checkUnselected(fmt.Sprintf("document %d", i+1), before, after, func(obj *yaml.Node) bool { return selected(obj, cfg) })
	}
	if !c.failed() {
		again, _, _ := c.run(out)
		c.expect(bytes.Equal(again, out), "a second run over the stream changed it:\n%s", again)
	}
}

// readStream decodes a stream's documents as yaml.v3 reads them; empty documents are left out.
func readStream(in []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 || node.IsNull(doc.Content[0]) {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("a document is %s", node.Describe(root))
		}
		if kind, _ := node.Scalar(node.AsDecoded(root, "kind")); kind == "ResourceList" {
			return nil, errors.New("a ResourceList among documents")
		}
		if _, dup := node.FirstDuplicate(root); dup != nil {
			return nil, fmt.Errorf("line %d: a key twice", dup.Line)
		}
		if err := decodable(&doc); err != nil {
			return nil, err
		}
		docs = append(docs, root)
	}
}

// decodable is yaml.v3's verdict on decoding doc into Go values, as kubectl does: complex keys
// and merge keys with scalars are refused. An alias bomb, which the function passes unexpanded,
// is not judged here.
func decodable(doc *yaml.Node) error {
	var v any
	if err := doc.Decode(&v); err != nil && !strings.Contains(err.Error(), "excessive aliasing") {
		return err
	}
	return nil
}
