// Package output is where edits become output: the input's bytes with the edits made, and the
// results. A ResourceList gets its results appended as the list's `results` (and its warnings and
// errors as stderr lines, where report.Destinations says); a stream gets them as stderr lines, and no
// documents at all when any is an error, so a pipeline never applies half a result. Every byte no
// edit touches is copied through as it came.
package output

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Write writes a run's output. edits are sorted, in the input's offsets. A stream's results also
// go where out says.
func Write(stdout, stderr io.Writer, in *input.Input, edits []edit.Edit, results fn.Results, out report.Destinations) error {
	if in.Shape == input.Stream {
		return writeStream(stdout, stderr, in.Text, edits, results, out)
	}
	return writeList(stdout, stderr, in, edits, results, out)
}

func writeStream(stdout, stderr io.Writer, text []byte, edits []edit.Edit, results fn.Results, out report.Destinations) error {
	if err := out.Write(stderr, results); err != nil {
		return err
	}
	if results.ExitCode() != 0 {
		return nil
	}
	bw := bufio.NewWriterSize(stdout, 64<<10)
	writeEdited(bw, text, edits)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

func writeList(stdout, stderr io.Writer, in *input.Input, edits []edit.Edit, results fn.Results, out report.Destinations) error {
	tail := results
	if !appendable(in) {
		// Results go into the list as yaml.v3 reads it: in place of this function's earlier
		// results, after those of others, inside a list written in flow style or indented, or
		// before its end marker.
		e, err := resultsEdits(in, Tagged(results))
		if err != nil {
			return err
		}
		edits, tail = merge(edits, e), nil
	}
	bw := bufio.NewWriterSize(stdout, 64<<10)
	writeEdited(bw, in.Text, edits)
	// Each result is tagged as it is written: a run with 200,000 results never holds a tagged
	// copy of them all.
	if err := report.WriteYAML(bw, taggedEach(tail), yamltext.FinalLineBreak(in.Text)); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return out.WriteLines(stderr, results)
}

// The tag every result this function writes into a ResourceList carries, so that a run over its
// own output replaces its earlier results instead of adding a second, contradicting set, and
// leaves the results of other functions of a kpt pipeline alone. A result's tags are "set by
// external tools to store and retrieve arbitrary metadata" (krm-functions-sdk go/fn/result.go).
const (
	TagKey   = itemscan.WriterTag
	TagValue = report.FunctionName
)

// Tagged returns results, each a copy carrying the function's tag.
func Tagged(results fn.Results) fn.Results {
	out := make(fn.Results, len(results))
	for i, r := range results {
		out[i] = tagged(r)
	}
	return out
}

// taggedEach yields Tagged(results) one result at a time.
func taggedEach(results fn.Results) iter.Seq[*fn.Result] {
	return func(yield func(*fn.Result) bool) {
		for _, r := range results {
			if !yield(tagged(r)) {
				return
			}
		}
	}
}

// tagged is a copy of r carrying the function's tag.
func tagged(r *fn.Result) *fn.Result {
	c := *r
	c.Tags = make(map[string]string, len(r.Tags)+1)
	for k, v := range r.Tags {
		c.Tags[k] = v
	}
	c.Tags[TagKey] = TagValue
	return &c
}

// ownResult reports whether a result entry of the input was written by this function: it carries
// the tag.
func ownResult(entry *yaml.Node) bool {
	v, ok := node.Scalar(node.AsWritten(entry, "tags", TagKey))
	return ok && v == TagValue
}

// appendable reports whether results can follow the list's last line as a top-level key: the
// list is a block mapping at column 0 without results, and a line after its text belongs to it
// (a list is one document, fn/input).
func appendable(in *input.Input) bool {
	return in.Root.Style&yaml.FlowStyle == 0 && in.Root.Column == 1 && node.AsWritten(in.Root, "results") == nil &&
		yamltext.Appendable(in.Text)
}

// resultsEdits writes the results into the list's root mapping: after the results it has, which
// keep their place, anchor and style, and lose only this function's earlier entries. The entries
// of other functions keep their bytes (edit.Entries); only where their text cannot be edited so is
// the list written anew, as yaml.v3 reads it.
func resultsEdits(in *input.Input, results fn.Results) ([]edit.Edit, error) {
	resultsText, err := report.AppendYAML(nil, results)
	if err != nil || len(resultsText) == 0 {
		return nil, err
	}
	if in.Results.Spans != nil {
		return entryEdits(in.Results, resultsText), nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(resultsText, &doc); err != nil {
		return nil, err
	}
	ours := node.AsWritten(doc.Content[0], "results")
	if ours == nil {
		return nil, nil
	}
	after := *in.Root
	after.Content = append([]*yaml.Node(nil), in.Root.Content...)
	if i := keyIndex(in.Root, "results"); i < 0 {
		node.Append(&after, "results", ours)
	} else {
		theirs := in.Root.Content[i+1]
		joined, err := join(in.Root, theirs, ours)
		if err != nil {
			return nil, err
		}
		if theirs.Kind == yaml.SequenceNode {
			es, err := edit.Entries(in.Text, in.Root, theirs, ownResult, ours.Content)
			if !errors.Is(err, edit.ErrCannotEdit) {
				return es, err
			}
		}
		after.Content[i+1] = joined
	}
	es, err := edit.Diff(in.Text, in.Root, &after)
	if err != nil {
		return nil, fmt.Errorf("adding the results to the list: %w", err)
	}
	return es, nil
}

// entryEdits is what edit.Entries does to a block list of results, from the text of its entries,
// which the scan found (input.Input's Results): a re-run over the function's own output holds
// thousands, which yaml.v3 would hold many times over as trees. The scan read whose each entry
// is; this function's are deleted, the new ones (resultsText, as report.AppendYAML writes them)
// follow the last entry at the entries' dash column, and the rest keep their bytes.
func entryEdits(entries itemscan.Entries, resultsText []byte) []edit.Edit {
	var es []edit.Edit
	for i, s := range entries.Spans {
		if entries.Writers[i] == TagValue {
			es = append(es, edit.Edit{Start: s.Start, End: s.End})
		}
	}
	end := entries.Spans[len(entries.Spans)-1].End
	added := edit.Indent(resultsText[len("results:\n"):], entries.DashCol)
	return append(es, edit.Edit{Start: end, End: end, Text: added})
}

// join is the list's results as they are to be: the entries of theirs that other functions
// wrote, then ours. theirs keeps its anchor, tag and style; an alias that reads it (or an entry
// of it) would read the new results too, so that is refused.
func join(root, theirs, ours *yaml.Node) (*yaml.Node, error) {
	switch {
	case theirs.Kind == yaml.AliasNode:
		return nil, fmt.Errorf("the ResourceList's results is an alias (*%s); write the list of results itself", theirs.Value)
	case node.IsNull(theirs):
		joined := *ours
		joined.Anchor = theirs.Anchor
		return &joined, refuseReaders(root, theirs)
	case theirs.Kind != yaml.SequenceNode:
		return nil, fmt.Errorf("the ResourceList's results is %s; want a list of results", node.Describe(theirs))
	}
	if err := refuseReaders(root, theirs); err != nil {
		return nil, err
	}
	joined := *theirs
	joined.Content = nil
	for _, entry := range theirs.Content {
		if !ownResult(entry) {
			joined.Content = append(joined.Content, entry)
		}
	}
	joined.Content = append(joined.Content, ours.Content...)
	return &joined, nil
}

// refuseReaders is an error when an alias anywhere under root reads results or a part of it: the
// new results would change what it reads.
func refuseReaders(root, results *yaml.Node) error {
	anchored := map[*yaml.Node]bool{}
	collectAnchors(results, anchored)
	if len(anchored) == 0 {
		return nil
	}
	if alias := findAlias(root, anchored); alias != nil {
		return fmt.Errorf("line %d: *%s reads the ResourceList's results (or a part of them), which this run replaces; write the value itself instead of the alias",
			alias.Line, alias.Value)
	}
	return nil
}

func collectAnchors(n *yaml.Node, into map[*yaml.Node]bool) {
	if n.Anchor != "" {
		into[n] = true
	}
	for _, c := range n.Content {
		collectAnchors(c, into)
	}
}

func findAlias(n *yaml.Node, anchored map[*yaml.Node]bool) *yaml.Node {
	if n.Kind == yaml.AliasNode {
		if anchored[n.Alias] {
			return n
		}
		return nil
	}
	for _, c := range n.Content {
		if a := findAlias(c, anchored); a != nil {
			return a
		}
	}
	return nil
}

func keyIndex(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return i
		}
	}
	return -1
}

// merge joins two sorted lists of edits that do not overlap.
func merge(a, b []edit.Edit) []edit.Edit {
	out := make([]edit.Edit, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Start <= b[0].Start {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// writeEdited writes text with the edits made, straight from the input's bytes. A buffered
// writer keeps its first error and returns it again from Flush, which the callers check.
func writeEdited(bw *bufio.Writer, text []byte, edits []edit.Edit) {
	pos := 0
	for _, e := range edits {
		_, _ = bw.Write(text[pos:e.Start])
		_, _ = bw.Write(e.Text)
		pos = e.End
	}
	_, _ = bw.Write(text[pos:])
}
