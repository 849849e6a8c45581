package edit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// ErrCannotEdit means a change cannot be written as edits of the text: the caller writes the whole
// object anew instead.
var ErrCannotEdit = errors.New("the change cannot be written as an edit of the text")

// errReplace asks the caller of a node's diff to write the node's key and value anew.
var errReplace = errors.New("replace the pair")

// Edit replaces the bytes [Start, End) of the text with Text.
type Edit struct {
	Start, End int
	Text       []byte
}

// Diff returns the edits that turn text, from which before was decoded (its positions are
// text's), into a text whose object at the same place reads as after. Only the fields that differ
// are touched: a changed scalar is replaced where it stands (its key, comment and line stay), a new
// key is added at the end of its mapping in the mapping's own indentation or flow style, a removed
// key's lines go. before and after must be mappings. A change that cannot be written so is
// ErrCannotEdit.
func Diff(text []byte, before, after *yaml.Node) ([]Edit, error) {
	return NewSession(text).Diff(before, after)
}

func diff(d *differ, before, after *yaml.Node) ([]Edit, error) {
	if err := d.node(before, after, false); err != nil {
		if errors.Is(err, errReplace) {
			err = fmt.Errorf("%w: the object changed its shape", ErrCannotEdit)
		}
		return nil, err
	}
	return d.sorted()
}

// sorted is the differ's edits in text order; edits that overlap are ErrCannotEdit.
func (d *differ) sorted() ([]Edit, error) {
	slices.SortStableFunc(d.edits, func(a, b Edit) int { return a.Start - b.Start })
	for i := 1; i < len(d.edits); i++ {
		if d.edits[i].Start < d.edits[i-1].End {
			return nil, fmt.Errorf("%w: two edits overlap at offset %d", ErrCannotEdit, d.edits[i].Start)
		}
	}
	return d.edits, nil
}

// Apply writes text with the edits made; edits are sorted and do not overlap, as Diff returns them.
func Apply(text []byte, edits []Edit) []byte {
	grow := 0
	for _, e := range edits {
		grow += len(e.Text) - (e.End - e.Start)
	}
	out := make([]byte, 0, len(text)+max(grow, 0))
	pos := 0
	for _, e := range edits {
		out = append(append(out, text[pos:e.Start]...), e.Text...)
		pos = e.End
	}
	return append(out, text[pos:]...)
}

type differ struct {
	src   *source
	step  int  // the indentation the text nests block mappings by
	json  bool // the flow collection being diffed is JSON (jsonStyle)
	edits []Edit

	session *Session // the anchors edited in the text, and the aliases to them
	path    string   // the field being diffed, for messages
	owner   int      // the column of the key or entry dash that holds the value being diffed, from 0
}

func (d *differ) add(start, end int, text []byte) {
	d.edits = append(d.edits, Edit{Start: start, End: end, Text: d.src.LineBreaks(start, text)})
}

// node diffs two values at the same place.
func (d *differ) node(b, a *yaml.Node, flow bool) error {
	if changed, err := d.alias(b, a); changed {
		return err
	}
	d.anchored(b, a)
	if node.Equal(b, a) {
		return nil
	}
	flow = flow || b.Style&yaml.FlowStyle != 0
	defer func(outer bool) { d.json = outer }(d.json)
	d.json = flow && jsonStyle(b, d.json)
	switch {
	case b.Kind == yaml.MappingNode && a.Kind == yaml.MappingNode && len(a.Content) > 0:
		return d.mapping(b, a, flow)
	case b.Kind == yaml.SequenceNode && a.Kind == yaml.SequenceNode && len(a.Content) == len(b.Content):
		path := d.path
		defer func() { d.path = path }()
		for i := range b.Content {
			d.path = node.PathIndex(path, i)
			d.owner = b.Column - 1
			if err := d.node(b.Content[i], a.Content[i], flow); err != nil {
				if errors.Is(err, errReplace) {
					return fmt.Errorf("%w: an entry of a list changed its shape", ErrCannotEdit)
				}
				return err
			}
		}
		return nil
	case b.Kind == yaml.ScalarNode && a.Kind == yaml.ScalarNode && !emptyNull(b):
		start, end, err := d.src.scalarSpan(b, flow, d.owner)
		if err != nil {
			return err
		}
		text := renderScalar(a, flow)
		if d.json {
			if text, err = jsonScalar(bare(a)); err != nil {
				return err
			}
		}
		if b.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			return d.replaceBlockScalar(b, start, end, text)
		}
		d.add(start, end, text)
		return nil
	}
	return errReplace
}

// replaceBlockScalar puts text in place of the block scalar b that stands at [start, end): the new
// value takes the place of the header (`|2-`), whose comment stays on its line, and the lines of
// the old value go.
func (d *differ) replaceBlockScalar(b *yaml.Node, start, end int, text []byte) error {
	header, err := d.src.start(b)
	if err != nil {
		return err
	}
	d.add(start, d.src.PastHeader(header), text)
	if lineEnd := d.src.LineEnd(header); end > lineEnd {
		d.add(lineEnd, end, nil)
	}
	return nil
}

// mapping diffs two mappings key by key: common keys are diffed in place, removed keys deleted,
// new keys added at the end. Merge keys stay as written (merged).
func (d *differ) mapping(b, a *yaml.Node, flow bool) error {
	if hasMergeKey(a) {
		return errReplace // after says what it reads, not how it merges
	}
	merged, err := d.mergedOrExpanded(b, a, flow)
	if err != nil {
		return err
	}
	index := make(map[string]int, len(b.Content)/2)
	for i := 0; i+1 < len(b.Content); i += 2 {
		if b.Content[i].Kind != yaml.ScalarNode {
			// Keys are matched and measured by their text; a mapping or a list as a key has none.
			return fmt.Errorf("%w: a key at %d:%d is %s", ErrCannotEdit, b.Content[i].Line, b.Content[i].Column, node.Describe(b.Content[i]))
		}
		if !isMergeKey(b.Content[i]) {
			index[b.Content[i].Value] = i
		}
	}
	kept := make(map[string]bool, len(a.Content)/2)
	var added []*yaml.Node
	path := d.path
	defer func() { d.path = path }()
	for i := 0; i+1 < len(a.Content); i += 2 {
		key, value := a.Content[i], a.Content[i+1]
		kept[key.Value] = true
		j, ok := index[key.Value]
		if !ok {
			if m := merged[key.Value]; m == nil || !node.Equal(m, value) {
				added = append(added, key, value) // new, or to read otherwise than merged
			}
			continue
		}
		d.path = node.PathField(path, key.Value)
		d.owner = b.Content[j].Column - 1
		made, mark := len(d.edits), d.session.mark()
		err := d.node(b.Content[j+1], value, flow)
		if errors.Is(err, errReplace) || errors.Is(err, ErrCannotEdit) {
			// The value is written anew: the smallest piece around what cannot be edited. What
			// its diff wrote and recorded goes with it.
			d.edits = d.edits[:made]
			d.session.rollback(mark)
			err = d.replacePair(b.Content[j], b.Content[j+1], key, value, flow)
		}
		if err != nil {
			return err
		}
	}
	for i := 0; i+1 < len(b.Content); i += 2 {
		if !isMergeKey(b.Content[i]) && !kept[b.Content[i].Value] {
			d.lose(b.Content[i+1], node.PathField(path, b.Content[i].Value))
			d.handleAliases(b.Content[i+1], false) // they go with it
			if err := d.deletePair(b, i, flow); err != nil {
				return err
			}
		}
	}
	if len(added) == 0 {
		return nil
	}
	return d.insert(b, added, flow)
}

// replacePair writes a key and its value anew, from the key to the value's end.
func (d *differ) replacePair(bk, bv, ak, av *yaml.Node, flow bool) error {
	d.lose(bv, d.path)
	d.handleAliases(bv, false) // written out as what they read
	start, end, err := d.pairSpan(bk, bv, flow)
	if err != nil {
		return err
	}
	was := &replaced{key: bk, value: bv, span: d.src.text[start:end]}
	text, err := d.renderPair(ak, av, d.src.Column(start), flow, was)
	if err != nil {
		return err
	}
	d.add(start, end, bytes.TrimLeft(text, " "))
	return nil
}

// pairSpan is where a key and its value stand in the text.
func (d *differ) pairSpan(bk, bv *yaml.Node, flow bool) (start, end int, err error) {
	if start, err = d.src.start(bk); err == nil {
		start = d.src.ExplicitKey(start)
		end, err = d.pairEnd(bk, bv, flow)
	}
	return start, end, err
}

// pairEnd is where a key's value ends; for a value written as nothing, just past the key's colon.
func (d *differ) pairEnd(bk, bv *yaml.Node, flow bool) (int, error) {
	if !emptyNull(bv) {
		return d.src.end(bv, flow, bk.Column-1)
	}
	if bv.Anchor != "" { // `a: &x`, an anchored null: it ends past its anchor, which stays
		return d.src.start(bv)
	}
	keyEnd, err := d.src.end(bk, true, -1)
	if err != nil {
		return 0, err
	}
	if start, _ := d.src.start(bk); d.src.ExplicitKey(start) != start {
		return d.src.ExplicitValueEnd(keyEnd), nil // `? key` alone, or `? key` then `:` alone
	}
	// The colon, if any, follows the key; a colon further on belongs to the next entry of a flow
	// mapping (`{"a", b: c}`), where a key with no colon has a null value.
	rest := d.src.text[keyEnd:d.src.LineEnd(keyEnd)]
	colon := len(rest) - len(bytes.TrimLeft(rest, " \t"))
	if colon == len(rest) || rest[colon] != ':' {
		if flow {
			return keyEnd, nil
		}
		return 0, fmt.Errorf("%w: no colon after the key at %d:%d", ErrCannotEdit, bk.Line, bk.Column)
	}
	return keyEnd + colon + 1, nil
}

// deletePair removes the pair at index i of mapping b: its whole lines in block style, the pair
// and a comma next to it in flow style.
func (d *differ) deletePair(b *yaml.Node, i int, flow bool) error {
	bk, bv := b.Content[i], b.Content[i+1]
	start, end, err := d.pairSpan(bk, bv, flow)
	if err != nil {
		return err
	}
	t := d.src.text
	if !flow {
		lineStart := d.src.LineStart(d.src.LineOf(start))
		switch before := t[lineStart:start]; {
		case len(bytes.TrimLeft(before, " ")) == 0:
			d.add(lineStart, d.src.NextLine(end), nil)
		case entryDashes(before):
			// The first key of a list entry (`- key: v`): the dash stays, and the entry's other
			// keys, on the lines after it, are its mapping.
			d.add(lineStart+bytes.LastIndexByte(before, '-')+1, d.src.LineEnd(end), nil)
		default:
			return fmt.Errorf("%w: the key at %d:%d shares its line with what comes before it", ErrCannotEdit, bk.Line, bk.Column)
		}
		return nil
	}
	// In a flow mapping take the comma after the pair, or, for the last pair, the one before it.
	after := end
	for after < len(t) && (t[after] == ' ' || t[after] == '\n' || t[after] == '\r') {
		after++
	}
	if after < len(t) && t[after] == ',' {
		after++
		for after < len(t) && t[after] == ' ' {
			after++
		}
		d.add(start, after, nil)
		return nil
	}
	before := start
	for before > 0 && (t[before-1] == ' ' || t[before-1] == '\n' || t[before-1] == '\r') {
		before--
	}
	if before > 0 && t[before-1] == ',' {
		before--
	}
	d.add(before, end, nil)
	return nil
}

// entryDashes reports whether text, what stands before a key on its line, is list entries'
// dashes only (`- `, `  - - `).
func entryDashes(text []byte) bool {
	fields := bytes.Fields(text)
	for _, f := range fields {
		if string(f) != "-" {
			return false
		}
	}
	return len(fields) > 0 && (text[len(text)-1] == ' ' || text[len(text)-1] == '\t')
}

// insert adds the pairs at the end of mapping b.
func (d *differ) insert(b *yaml.Node, pairs []*yaml.Node, flow bool) error {
	if !flow {
		return d.insertBlock(b, pairs)
	}
	if d.json {
		return d.insertJSON(b, pairs)
	}
	var text []byte
	for i := 0; i < len(pairs); i += 2 {
		pair, err := d.renderPair(pairs[i], pairs[i+1], 0, true, nil)
		if err != nil {
			return err
		}
		text = append(append(text, ", "...), pair...)
	}
	if len(b.Content) == 0 {
		open, err := d.src.start(b)
		if err != nil {
			return err
		}
		d.insertFlow(open+1, text[2:])
		return nil
	}
	last := b.Content[len(b.Content)-1]
	end, err := d.pairEnd(b.Content[len(b.Content)-2], last, true)
	if err != nil {
		return err
	}
	if emptyNull(last) {
		text = append([]byte{' '}, text...) // `a:,` would read as a key `a:`; `a: ,` is a null
	}
	d.insertFlow(end, text)
	return nil
}

// insertJSON adds the pairs at the end of the JSON mapping b, spaced as its own entries are: on
// lines of their own in its indentation when it writes its entries so, else on its line.
func (d *differ) insertJSON(b *yaml.Node, pairs []*yaml.Node) error {
	l := d.src.layout(b)
	var text []byte
	for i := 0; i < len(pairs); i += 2 {
		pair, err := d.renderJSONPair(pairs[i], pairs[i+1], l)
		if err != nil {
			return err
		}
		switch {
		case l.indent != "":
			text = append(append(append(text, ",\n"...), l.indent...), pair...)
		default:
			text = append(append(text, l.comma...), pair...)
		}
	}
	if len(b.Content) == 0 {
		open, err := d.src.start(b)
		if err != nil {
			return err
		}
		d.insertFlow(open+1, text[len(l.comma):])
		return nil
	}
	end, err := d.pairEnd(b.Content[len(b.Content)-2], b.Content[len(b.Content)-1], true)
	if err != nil {
		return err
	}
	d.insertFlow(end, text)
	return nil
}

// insertFlow adds text to a flow collection at off. A '#' right there starts a comment only after
// a blank (`"a"#c` allows one where `a#c` is a plain scalar's text), so a blank is put between.
func (d *differ) insertFlow(off int, text []byte) {
	if off < len(d.src.text) && d.src.text[off] == '#' {
		text = append(text, ' ')
	}
	d.add(off, off, text)
}

// renderJSONPair writes "key": value in layout l.
func (d *differ) renderJSONPair(k, v *yaml.Node, l jsonLayout) ([]byte, error) {
	key, err := jsonScalar(&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k.Value})
	if err != nil {
		return nil, err
	}
	value, err := renderJSON(v, l)
	if err != nil {
		return nil, err
	}
	return append(append(key, l.colon...), value...), nil
}

func (d *differ) insertBlock(b *yaml.Node, pairs []*yaml.Node) error {
	start, err := d.src.start(b)
	if err != nil {
		return err
	}
	end := d.src.blockEnd(b, start)
	col := d.src.Column(start)
	end = d.src.insertionEnd(b, col, end)
	var text []byte
	if next := d.src.NextLine(end); next > end {
		end = next
	} else {
		text = append(text, '\n') // the text ends without a line break
	}
	for i := 0; i < len(pairs); i += 2 {
		pair, err := d.renderPair(pairs[i], pairs[i+1], col, false, nil)
		if err != nil {
			return err
		}
		text = append(append(text, pair...), '\n')
	}
	if end == len(d.src.text) && text[len(text)-1] == '\n' && !d.src.EndsWithBreak() {
		text = text[:len(text)-1]
	}
	d.add(end, end, text)
	return nil
}

// replaced is a pair written anew: its key and value as decoded, and its text.
type replaced struct {
	key, value *yaml.Node
	span       []byte
}

// renderPair writes key: value, in flow style on one line, or in block style with every line
// indented by col and nested mappings by the text's own step. In block style it carries the
// comments of the pair it replaces (was, nil for a new pair) that are in that pair's text; the
// others stay where they are in the text.
func (d *differ) renderPair(k, v *yaml.Node, col int, flow bool, was *replaced) ([]byte, error) {
	if flow && d.json {
		l := d.src.layout(&yaml.Node{Kind: yaml.MappingNode}) // on one line, where the pair was
		return d.renderJSONPair(k, v, l)
	}
	key := renderScalar(bare(k), flow)
	if flow {
		value := bare(v)
		setFlow(value)
		text, err := encode(value, 2)
		if err != nil {
			return nil, err
		}
		if value.Kind == yaml.ScalarNode {
			text = renderScalar(value, true)
		}
		return append(append(key, ": "...), text...), nil
	}
	value := bare(v)
	if v.Kind == yaml.ScalarNode {
		value.LineComment = v.LineComment // a key that moves (the misplaced-key repair) takes it along
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{bare(k), value}}
	text, err := encode(m, d.step)
	if was != nil {
		commented := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{bare(k), bare(v)}}
		carryComments(was.key, commented.Content[0], was.span)
		carryComments(was.value, commented.Content[1], was.span)
		if hasComments(commented) {
			text, err = encodeWithComments(commented, m, d.step)
		}
	}
	if err != nil {
		return nil, err
	}
	return indent(text, col), nil
}

// Indent puts col spaces before each line of text that has content: block YAML written at
// column 0, moved to col.
func Indent(text []byte, col int) []byte { return indent(text, col) }

func indent(text []byte, col int) []byte {
	pad := bytes.Repeat([]byte{' '}, col)
	var out []byte
	for i, line := range bytes.Split(text, []byte{'\n'}) {
		if i > 0 {
			out = append(out, '\n')
		}
		if len(line) > 0 {
			out = append(append(out, pad...), line...)
		}
	}
	return out
}

// renderScalar writes one scalar as it will stand in the text; in a flow collection a plain
// scalar that holds a flow indicator is quoted.
func renderScalar(n *yaml.Node, flow bool) []byte {
	c := bare(n)
	c.Style &^= yaml.LiteralStyle | yaml.FoldedStyle // a new value takes the old one's place on its line
	text, err := encode(c, 2)
	if err != nil || bytes.IndexByte(text, '\n') >= 0 || flow && c.Style == 0 && bytes.ContainsAny(text, ",[]{}") {
		c.Style = yaml.DoubleQuotedStyle
		text, _ = encode(c, 2)
	}
	return text
}

// encode writes n as yaml.v3 does, without the final newline.
func encode(n *yaml.Node, indent int) ([]byte, error) {
	var b bytes.Buffer
	e := yaml.NewEncoder(&b)
	e.SetIndent(indent)
	e.CompactSeqIndent()
	if err := e.Encode(n); err != nil {
		return nil, err
	}
	if err := e.Close(); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// bare is a deep copy of n with aliases resolved and no comments: a rendered value brings no
// comment of its own into the text. A null written as nothing is written `null`.
func bare(n *yaml.Node) *yaml.Node {
	c := node.ResolveUnbounded(n)
	var strip func(*yaml.Node)
	strip = func(x *yaml.Node) {
		x.HeadComment, x.LineComment, x.FootComment = "", "", ""
		x.Anchor = ""
		if x.Kind == yaml.ScalarNode && x.Value == "" && x.ShortTag() == yaml.NodeTagNull {
			x.Value = "null" // yaml.v3 writes a null read from nothing (`{a, b: 1}`) as '', a string
		}
		for _, y := range x.Content {
			strip(y)
		}
	}
	strip(c)
	return c
}

func setFlow(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style |= yaml.FlowStyle
	}
}

func hasMergeKey(m *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if isMergeKey(m.Content[i]) {
			return true
		}
	}
	return false
}

// IndentStep is how far the text nests a block mapping's value below its key: the first one
// found decides; 2 when there is none. The entries Entries adds are written in that step.
func IndentStep(n *yaml.Node) int { return indentStep(n) }

func indentStep(n *yaml.Node) int {
	if n.Kind != yaml.MappingNode || n.Style&yaml.FlowStyle != 0 {
		return 2
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && len(v.Content) > 0 && v.Line > k.Line && v.Column > k.Column {
			return v.Column - k.Column
		}
	}
	return 2
}

// Rewrite writes the object before anew as after, in the place and indentation of before's text:
// for changes Diff cannot write as edits. The comments inside the object are written with it where
// yaml.v3 can write them (carryComments), its blank lines are not; the text around it keeps its
// bytes.
func Rewrite(text []byte, before, after *yaml.Node) ([]Edit, error) {
	return rewrite(newSource(text), before, after)
}

func rewrite(src *source, before, after *yaml.Node) ([]Edit, error) {
	start, err := src.offset(before)
	if err != nil {
		return nil, err
	}
	if before.Anchor != "" {
		return nil, fmt.Errorf("%w: the object is anchored, and other objects may point at it", ErrCannotEdit)
	}
	flow := before.Style&yaml.FlowStyle != 0
	end, err := src.end(before, flow, -1)
	if err != nil {
		return nil, err
	}
	value := bare(after)
	if flow {
		setFlow(value)
	}
	rendered, err := encode(value, indentStep(before))
	if commented := bare(after); !flow {
		carryComments(before, commented, src.text[start:end])
		if hasComments(commented) {
			rendered, err = encodeWithComments(commented, value, indentStep(before))
		}
	}
	if err != nil {
		return nil, err
	}
	pad := bytes.Repeat([]byte{' '}, src.Column(start))
	rendered = bytes.ReplaceAll(rendered, []byte("\n"), append([]byte("\n"), pad...))
	return []Edit{{Start: start, End: end, Text: src.LineBreaks(start, rendered)}}, nil
}
