// Package splice writes a ResourceList back as the bytes it arrived as: every item the run did not
// change is copied through unchanged, every changed item is re-encoded in its own place, and the
// results follow at the end. The reference path (fn/resourcelist) and the fast path
// (fn/processor, fn/itemscan) both write through it; they differ only in how they find the items.
//
// An item's span runs from the start of the line that holds its dash to the start of the next
// item's dash line, or to the end of the items. Splicing an item is safe when yaml.v3 attaches
// every comment in its span to the item itself and none from outside it: then re-encoding the item
// neither loses nor repeats a comment. Safe decides that from the spans alone (DecodeItem, Contained).
package splice

import (
	"bytes"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Span is a byte range [Start, End) of the input.
type Span struct{ Start, End int }

// Layout is where the items sit in the input.
type Layout struct {
	// Region runs from the line after `items:` to the end of the last item.
	Region Span
	// Items are the items' spans in input order; together with what precedes the first dash they
	// cover Region.
	Items []Span
	// DashCol is the column of the items' dashes, 0 for kyaml's compact style.
	DashCol int
}

// Replacement is the new text of a changed item.
type Replacement struct {
	Index int
	Text  []byte
}

// Write writes in with each replaced item's span swapped for its text, then results (the
// `results:` key and its list, as text). in must end with a newline; replacements must be in item
// order. Unchanged stretches are written straight from in, without copying.
func Write(w io.Writer, in []byte, l Layout, replacements []Replacement, results []byte) error {
	pos := 0
	for _, r := range replacements {
		s := l.Items[r.Index]
		if _, err := w.Write(in[pos:s.Start]); err != nil {
			return err
		}
		if _, err := w.Write(r.Text); err != nil {
			return err
		}
		pos = s.End
	}
	if _, err := w.Write(in[pos:]); err != nil {
		return err
	}
	_, err := w.Write(results)
	return err
}

// DecodeItem decodes item i from its span alone. The span is wrapped as the only item of an
// `items:` list and followed by a stand-in for what follows it in the input (another item or a
// top-level key), so yaml.v3 sees the same surroundings when it attaches comments. doc is the
// whole wrapper, for Contained.
func DecodeItem(in []byte, l Layout, i int) (doc, item *yaml.Node, err error) {
	s := l.Items[i]
	var b bytes.Buffer
	b.Grow(len("items:\n") + s.End - s.Start + l.DashCol + len("- 0\n"))
	b.WriteString("items:\n")
	b.Write(in[s.Start:s.End])
	want := 1
	switch {
	case i+1 < len(l.Items):
		b.Write(bytes.Repeat([]byte{' '}, l.DashCol))
		b.WriteString("- 0\n")
		want = 2
	case s.End < len(in):
		b.WriteString("z: 0\n")
	}
	doc = &yaml.Node{}
	if err := yaml.Unmarshal(b.Bytes(), doc); err != nil {
		return nil, nil, err
	}
	items := itemsOf(doc)
	if items == nil || len(items.Content) != want {
		return nil, nil, fmt.Errorf("items[%d] does not read back as one item", i)
	}
	return doc, items.Content[0], nil
}

func itemsOf(doc *yaml.Node) *yaml.Node {
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode || len(doc.Content[0].Content) < 2 {
		return nil
	}
	if v := doc.Content[0].Content[1]; v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 {
		return v
	}
	return nil
}

// Safe reports whether changed item i can be re-encoded in its own span: the comments in its span
// attach inside it, and those in the span before it attach inside that item (before the first item,
// there may be none), so re-encoding neither loses a comment nor writes one twice. A span without
// a comment on a line of its own needs no decoding: its comments all trail content lines.
// commentLines says whether span j may have such a line; nil means any line starting with '#'.
func Safe(in []byte, l Layout, i int, commentLines func(j int) bool) (bool, error) {
	if commentLines == nil {
		commentLines = func(j int) bool { return hasCommentLine(in[l.Items[j].Start:l.Items[j].End]) }
	}
	spans := []int{i - 1, i}
	if i == 0 {
		if hasCommentLine(in[l.Region.Start:l.Items[0].Start]) {
			return false, nil
		}
		spans = spans[1:]
	}
	for _, j := range spans {
		if !commentLines(j) {
			continue
		}
		doc, item, err := DecodeItem(in, l, j)
		if err != nil {
			return false, err
		}
		if !Contained(doc, item) {
			return false, nil
		}
	}
	return true, nil
}

// hasCommentLine reports whether text has a line whose first non-space byte is '#'. Inside a
// block scalar such a line is content, not a comment; counting it only costs a decode.
func hasCommentLine(text []byte) bool {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		if t := bytes.TrimLeft(line, " "); len(t) > 0 && t[0] == '#' {
			return true
		}
	}
	return false
}

// Contained reports whether every comment of a DecodeItem wrapper is attached inside its item: then
// re-encoding the item writes exactly the comments of its span.
func Contained(doc, item *yaml.Node) bool {
	contained := true
	var walk func(n *yaml.Node, inside bool)
	walk = func(n *yaml.Node, inside bool) {
		inside = inside || n == item
		if !inside && (n.HeadComment != "" || n.LineComment != "" || n.FootComment != "") {
			contained = false
		}
		for _, c := range n.Content {
			walk(c, inside)
		}
	}
	walk(doc, false)
	return contained
}

// HasAnchors reports whether n or anything below it is an alias or carries an anchor; such an
// item cannot be re-encoded apart from the rest of the document.
func HasAnchors(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if HasAnchors(c) {
			return true
		}
	}
	return false
}

// EncodeItem writes item as the only entry of the items list, exactly as encoding the whole list
// would write it, indented to the dashes' column.
func EncodeItem(item *yaml.Node, dashCol int) ([]byte, error) {
	wrapper := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "items"},
		{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: []*yaml.Node{item}},
	}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(wrapper); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	text, ok := bytes.CutPrefix(b.Bytes(), []byte("items:\n"))
	if !ok {
		return nil, fmt.Errorf("encoding an item: unexpected output %q", b.Bytes())
	}
	return indent(text, dashCol), nil
}

// indent shifts every non-empty line right by n spaces. Block scalars keep their meaning: their
// indentation is relative to their parent, which moves with them.
func indent(text []byte, n int) []byte {
	if n == 0 {
		return text
	}
	pad := bytes.Repeat([]byte{' '}, n)
	var b bytes.Buffer
	for line := range bytes.Lines(text) {
		if len(line) > 1 {
			b.Write(pad)
		}
		b.Write(line)
	}
	return b.Bytes()
}
