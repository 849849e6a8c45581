package resourcelist

import (
	"bytes"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/splice"
)

// SpliceBlocker says why the list cannot be written spliced, or "" when it can. The fast path
// mirrors these rules on the text alone, so both write the same bytes; tests name each shape.
func (l *List) SpliceBlocker() string {
	_, blocker := l.splicePlan()
	return blocker
}

// splicing is what a spliced write needs: where the items are and the new text of changed ones.
type splicing struct {
	layout       splice.Layout
	replacements []splice.Replacement
}

func (l *List) splicePlan() (splicing, string) {
	if blocker := l.documentBlocker(); blocker != "" {
		return splicing{}, blocker
	}
	if !l.anyChanged() {
		return splicing{}, ""
	}
	layout, blocker := l.layout()
	if blocker != "" {
		return splicing{}, blocker
	}
	sp := splicing{layout: layout}
	for i, changed := range l.changed {
		if !changed {
			continue
		}
		text, blocker := l.replacement(layout, i)
		if blocker != "" {
			return splicing{}, blocker
		}
		sp.replacements = append(sp.replacements, splice.Replacement{Index: i, Text: text})
	}
	return sp, ""
}

// documentBlocker checks what splicing needs of the document around the items.
func (l *List) documentBlocker() string {
	root := l.doc.Content[0]
	switch {
	case bytes.IndexByte(l.in, '\r') >= 0:
		return "the input has carriage returns, which re-encoded items would not"
	case l.in[len(l.in)-1] != '\n':
		return "the input does not end with a newline"
	case root.Style&yaml.FlowStyle != 0 || root.Column != 1:
		return "the ResourceList is not a block mapping starting in column 1"
	case l.Has("results"):
		return "the input has results, which the new ones join"
	case endsWithMarker(l.in):
		return "a document marker ends the input"
	}
	return ""
}

func (l *List) anyChanged() bool {
	for _, c := range l.changed {
		if c {
			return true
		}
	}
	return false
}

// replacement re-encodes changed item i, when that is safe.
func (l *List) replacement(layout splice.Layout, i int) ([]byte, string) {
	if splice.HasAnchors(l.Items[i]) {
		return nil, fmt.Sprintf("items[%d] has anchors or aliases", i)
	}
	if safe, err := splice.Safe(l.in, layout, i, nil); err != nil || !safe {
		return nil, fmt.Sprintf("comments around items[%d] may belong to its neighbours (%v)", i, err)
	}
	text, err := splice.EncodeItem(l.Items[i], layout.DashCol)
	if err != nil {
		return nil, err.Error()
	}
	return text, ""
}

// layout finds the items' spans from the parsed tree. yaml.v3 places a block sequence at its first
// dash and each item at its first token, which comes after the dash on the same line or, when a
// comment follows the dash, on a later one; the span ends at the next dash or at the next
// top-level key.
func (l *List) layout() (splice.Layout, string) {
	root := l.doc.Content[0]
	key, items, next := itemsEntry(root)
	if items == nil || items.Kind != yaml.SequenceNode || items.Style&yaml.FlowStyle != 0 {
		return splice.Layout{}, "items is not a block list"
	}
	lines := lineStarts(l.in)
	dashCol := items.Column - 1
	if !isDashLine(l.in, lines, items.Line, dashCol) {
		return splice.Layout{}, "items does not start with a dash"
	}
	layout := splice.Layout{DashCol: dashCol, Region: splice.Span{Start: lines[key.Line]}}
	low := items.Line
	for i, item := range items.Content {
		dash := item.Line
		for dash >= low && !isDashLine(l.in, lines, dash, dashCol) {
			dash--
		}
		if dash < low {
			return splice.Layout{}, fmt.Sprintf("no dash found for items[%d]", i)
		}
		layout.Items = append(layout.Items, splice.Span{Start: lines[dash-1]})
		if i > 0 {
			layout.Items[i-1].End = lines[dash-1]
		}
		low = dash + 1
	}
	end := len(l.in)
	if next != nil {
		end = lines[next.Line-1]
	}
	layout.Items[len(layout.Items)-1].End = end
	layout.Region.End = end
	return layout, ""
}

// itemsEntry returns the first `items` key, its value and the key after it.
func itemsEntry(root *yaml.Node) (key, value, next *yaml.Node) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if key != nil {
			return key, value, root.Content[i]
		}
		if root.Content[i].Value == "items" {
			key, value = root.Content[i], root.Content[i+1]
		}
	}
	return key, value, nil
}

// lineStarts lists the offset of each line's first byte, and len(in) last; line n (1-based)
// starts at lines[n-1].
func lineStarts(in []byte) []int {
	lines := []int{0}
	for i, b := range in {
		if b == '\n' {
			lines = append(lines, i+1)
		}
	}
	if lines[len(lines)-1] != len(in) {
		lines = append(lines, len(in))
	}
	return lines
}

// isDashLine reports whether line n (1-based) is spaces up to col, then a dash ending the line or
// followed by a space.
func isDashLine(in []byte, lines []int, n, col int) bool {
	if n < 1 || n >= len(lines) {
		return false
	}
	line := in[lines[n-1]:lines[n]]
	if len(line) <= col || line[col] != '-' || len(bytes.TrimLeft(line[:col], " ")) > 0 {
		return false
	}
	return len(line) == col+1 || line[col+1] == ' ' || line[col+1] == '\n'
}

// endsWithMarker reports whether the last line that is neither blank nor a comment is a document
// marker (`---` or `...`), after which appended results would start a new document.
func endsWithMarker(in []byte) bool {
	for rest := bytes.TrimRight(in, "\n"); len(rest) > 0; {
		line := rest
		if i := bytes.LastIndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[i+1:], rest[:i]
		} else {
			rest = nil
		}
		if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' {
			continue
		}
		return bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("..."))
	}
	return false
}

// writeSpliced writes the input with changed items re-encoded, then the results.
func (l *List) writeSpliced(w io.Writer, sp splicing, results fn.Results) error {
	text, err := resultsText(results)
	if err != nil {
		return err
	}
	if err := splice.Write(w, l.in, sp.layout, sp.replacements, text); err != nil {
		return fmt.Errorf("writing the ResourceList: %w", err)
	}
	return nil
}

// resultsText encodes results as the `results:` key of a document, as WriteWhole would append it.
func resultsText(results fn.Results) ([]byte, error) {
	if len(results) == 0 {
		return nil, nil
	}
	nodes, err := resultNodes(results)
	if err != nil {
		return nil, err
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "results"},
		{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: nodes},
	}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding results: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
