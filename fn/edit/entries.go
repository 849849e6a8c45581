package edit

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Entries returns the edits that turn the sequence seq, decoded from text, into one without the
// entries drop says and with add's entries at its end, in seq's own style: a block sequence gets
// `- ` entries at its dashes' column, a flow one entries after its last, JSON when root (the flow
// mapping that holds seq) is JSON. Every entry kept keeps its bytes, comments and style: the
// results other functions wrote into a ResourceList, when this one replaces its own. A sequence
// whose entries cannot be found so in the text is ErrCannotEdit.
func Entries(text []byte, root, seq *yaml.Node, drop func(*yaml.Node) bool, add []*yaml.Node) ([]Edit, error) {
	d := &differ{src: newSource(text), step: indentStep(root), owner: -1}
	if seq.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%w: the list at %d:%d", ErrCannotEdit, seq.Line, seq.Column)
	}
	var err error
	if seq.Style&yaml.FlowStyle != 0 {
		d.json = root.Style&yaml.FlowStyle != 0 && jsonStyle(root, false)
		err = d.flowEntries(root, seq, drop, add)
	} else {
		err = d.blockEntries(seq, drop, add)
	}
	if err != nil {
		return nil, err
	}
	return d.sorted()
}

// blockEntries deletes the lines of each dropped entry, from its dash to the end of its last
// line, and adds the new entries after the sequence's last line (and the comments indented under
// it).
func (d *differ) blockEntries(seq *yaml.Node, drop func(*yaml.Node) bool, add []*yaml.Node) error {
	if len(seq.Content) == 0 {
		return fmt.Errorf("%w: an empty block list at %d:%d", ErrCannotEdit, seq.Line, seq.Column)
	}
	dashCol := -1
	for _, entry := range seq.Content {
		dash, err := d.dash(entry)
		if err != nil {
			return err
		}
		if dashCol < 0 {
			dashCol = d.src.Column(dash)
		}
		if drop(entry) {
			end, err := d.src.end(entry, false, dashCol)
			if err != nil {
				return err
			}
			d.add(d.src.LineStart(d.src.LineOf(dash)), d.src.NextLine(end), nil)
		}
	}
	if len(add) == 0 {
		return nil
	}
	first, err := d.dash(seq.Content[0])
	if err != nil {
		return err
	}
	b := &yaml.Node{Kind: yaml.SequenceNode, Content: seq.Content, Column: dashCol + 1} // its dashes' column, past a tag
	end := d.src.insertionEnd(b, dashCol, d.src.BlockEnd(first, true, d.src.quotedLines(seq)))
	text, err := encode(&yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: bareAll(add)}, d.step)
	if err != nil {
		return err
	}
	d.insertLines(end, append(indent(text, dashCol), '\n'))
	return nil
}

// dash is the offset of the `-` that opens a block sequence's entry: before the entry's text on
// its line, or alone on a line before it; the dash starts its line but for indentation.
func (d *differ) dash(entry *yaml.Node) (int, error) {
	off, err := d.src.offset(entry)
	if err != nil {
		return 0, err
	}
	t := d.src.text
	i := off
	for i > 0 && (t[i-1] == ' ' || t[i-1] == '\t' || t[i-1] == '\n' || t[i-1] == '\r') {
		i--
	}
	if i > 0 && t[i-1] == '-' && yamltext.Indentation(t[d.src.LineStart(d.src.LineOf(i-1)):i-1]) == i-1-d.src.LineStart(d.src.LineOf(i-1)) {
		return i - 1, nil
	}
	return 0, fmt.Errorf("%w: no dash of its own before the entry at %d:%d", ErrCannotEdit, entry.Line, entry.Column)
}

// flowEntries deletes the dropped entries with the separators that follow them (or, after the
// last entry kept, that precede them), and adds the new entries after the last entry, or inside
// the brackets of a list left empty.
func (d *differ) flowEntries(root, seq *yaml.Node, drop func(*yaml.Node) bool, add []*yaml.Node) error {
	type span struct{ start, end int }
	spans := make([]span, len(seq.Content))
	for i, entry := range seq.Content {
		start, err := d.src.offset(entry)
		if err != nil {
			return err
		}
		end, err := d.src.end(entry, true, -1)
		if err != nil {
			return err
		}
		spans[i] = span{start, end}
	}
	lastKept := -1
	for i, entry := range seq.Content {
		if !drop(entry) {
			lastKept = i
		}
	}
	// The dropped entries before the last kept one go with what follows them, up to the next
	// entry; those after it are the tail, which the new entries replace.
	for i := 0; i < lastKept; i++ {
		if drop(seq.Content[i]) {
			d.add(spans[i].start, spans[i+1].start, nil)
		}
	}
	sep, l := d.flowLayout(root, seq)
	text, err := d.flowText(add, sep, l)
	if err != nil {
		return err
	}
	last := len(spans) - 1
	switch {
	case last < 0:
		open, err := d.src.start(seq)
		if err != nil {
			return err
		}
		d.insertFlow(open+1, text)
	case lastKept == last && len(text) > 0:
		d.insertFlow(spans[last].end, append([]byte(sep), text...))
	case lastKept == last:
	case lastKept >= 0 && len(text) == 0:
		d.add(spans[lastKept].end, spans[last].end, nil)
	case lastKept >= 0:
		d.add(spans[lastKept+1].start, spans[last].end, text)
	default:
		d.add(spans[0].start, spans[last].end, text)
	}
	return nil
}

// flowLayout is how the flow list seq separates its entries, for the entries added to it: on one
// line (", "); in JSON (root, the document's mapping, says its separators), also on lines of their
// own in the last entry's indentation when the list writes its entries so, as kubectl and jq
// print. l is the layout of a JSON entry.
func (d *differ) flowLayout(root, seq *yaml.Node) (sep string, l jsonLayout) {
	if !d.json {
		return ", ", jsonLayout{}
	}
	l = d.src.layout(root)
	l.indent = ""
	if n := len(seq.Content); n > 0 && seq.Content[n-1].Line > seq.Line {
		if off, err := d.src.offset(seq.Content[n-1]); err == nil {
			l.indent = d.src.lineIndent(off)
			return ",\n" + l.indent, l
		}
	}
	return l.comma, l
}

// flowText writes entries for a flow list, joined by sep: as JSON, in layout l, in a JSON document.
func (d *differ) flowText(entries []*yaml.Node, sep string, l jsonLayout) ([]byte, error) {
	var text []byte
	for i, e := range entries {
		var entry []byte
		var err error
		if d.json {
			entry, err = renderJSON(e, l)
		} else {
			value := bare(e)
			setFlow(value)
			entry, err = encode(value, 2)
		}
		if err != nil {
			return nil, err
		}
		if i > 0 {
			text = append(text, sep...)
		}
		text = append(text, entry...)
	}
	return text, nil
}

// insertLines adds whole lines after the line that ends at end: at the next line's start, or,
// when the text ends there without a line break, after one.
func (d *differ) insertLines(end int, lines []byte) {
	if next := d.src.NextLine(end); next > end {
		d.add(next, next, lines)
		return
	}
	d.add(end, end, append([]byte{'\n'}, lines[:len(lines)-1]...))
}

func bareAll(nodes []*yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, len(nodes))
	for i, n := range nodes {
		out[i] = bare(n)
	}
	return out
}
