package edit

import (
	"bytes"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// start is the offset where n's content begins: past its anchor, which stays as written, so that
// what aliases it reads the edited content; and past its tag. A collection's tag stays too,
// whatever it is (`!!map`, `!!set`, `!custom`): an edit inside a collection leaves its tag as it
// was, as writing the collection anew would. A scalar's tag goes with the scalar when the scalar
// is replaced (scalarSpan), so the new value says what it is itself.
func (s *source) start(n *yaml.Node) (int, error) {
	off, err := s.offset(n)
	if err != nil {
		return 0, err
	}
	if n.Anchor != "" && emptyNull(n) {
		return s.pastAnchor(off), nil // `a: &x` is an anchored null: what replaces it goes after &x
	}
	// A scalar's properties are its own. A collection's are its anchor and tag, in either order;
	// a property past them is its first child's (`&k key: v` or `!!str key: v` as a mapping's
	// first entry), which starts there. Any other property there is not known to be either's, and
	// is refused.
	scalar := n.Kind == yaml.ScalarNode || n.Kind == yaml.AliasNode
	anchor, tag := n.Anchor != "" || scalar, n.Style&yaml.TaggedStyle != 0 || scalar
	tagged := false
	for off < len(s.text) && (anchor && s.text[off] == '&' || tag && s.text[off] == '!') {
		if s.text[off] == '&' {
			anchor = false
		} else {
			tag, tagged = false, true
		}
		off = s.skipProperty(off)
	}
	var first *yaml.Node
	if len(n.Content) > 0 {
		first = n.Content[0]
	}
	if off < len(s.text) && (s.text[off] == '!' && !(first != nil && first.Style&yaml.TaggedStyle != 0) ||
		s.text[off] == '&' && !(first != nil && first.Anchor != "")) ||
		n.Style&yaml.TaggedStyle != 0 && !tagged {
		return 0, fmt.Errorf("%w: the value at %d:%d has a property that is neither its own nor its first entry's", ErrCannotEdit, n.Line, n.Column)
	}
	return off, nil
}

// scalarSpan is where the scalar n stands in the text, from its tag (past its anchor, which
// stays) to its end: what a new value replaces.
func (s *source) scalarSpan(n *yaml.Node, flow bool, owner int) (start, end int, err error) {
	content, err := s.start(n)
	if err != nil {
		return 0, 0, err
	}
	if end, err = s.scalarEnd(n, content, flow, owner); err != nil {
		return 0, 0, err
	}
	start, _ = s.offset(n)
	for start < content && s.text[start] != '!' {
		start = s.skipProperty(start) // the anchor, when it comes first
	}
	return min(start, content), end, nil
}

// skipProperty is the offset of what follows the anchor or tag token at off: past the blanks,
// comments and line breaks after it (a block mapping's first key is on the next line).
func (s *source) skipProperty(off int) int {
	t := s.text
	if t[off] == '&' {
		off = s.pastAnchor(off)
	} else {
		off = s.pastTag(off)
	}
	for off < len(t) {
		switch t[off] {
		case ' ', '\t', '\r', '\n':
			off++
		case '#':
			off = s.lineEnd(off)
		default:
			return off
		}
	}
	return off
}

// pastTag is the offset just past the tag token at off (`!!str`, `!foo`, `!<tag:...>`): a tag
// ends at a blank, or in a flow collection at a flow indicator.
func (s *source) pastTag(off int) int {
	t := s.text
	if off+1 < len(t) && t[off+1] == '<' {
		if i := bytes.IndexByte(t[off:], '>'); i >= 0 {
			return off + i + 1
		}
	}
	for off < len(t) && t[off] != ' ' && t[off] != '\t' && t[off] != '\r' && t[off] != '\n' && t[off] != ',' && t[off] != '}' && t[off] != ']' {
		off++
	}
	return off
}

// pastAnchor is the offset just past the anchor token at off (&x), or off when there is none. An
// anchor's name is what libyaml's scanner (yaml.v3) takes for one: letters, digits, _ and -, so
// `&a: 1` is the anchor a on an empty key, not the anchor `a:`.
func (s *source) pastAnchor(off int) int {
	t := s.text
	if off >= len(t) || t[off] != '&' {
		return off
	}
	for off++; off < len(t) && anchorChar(t[off]); off++ {
	}
	return off
}

func anchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}

// explicitKey is the offset of the `?` that makes the key at off an explicit key (`? key`), or
// off when there is none: the `?` stands alone before the key, after the line's indentation or
// a flow collection's `{` or `,`.
func (s *source) explicitKey(off int) int {
	t := s.text
	i := off
	for i > 0 && (t[i-1] == ' ' || t[i-1] == '\t') {
		i--
	}
	if i == off || i == 0 || t[i-1] != '?' {
		return off
	}
	q := i - 1
	before := q
	for before > 0 && (t[before-1] == ' ' || t[before-1] == '\t') {
		before--
	}
	if before == 0 || t[before-1] == '\n' || t[before-1] == '\r' || t[before-1] == '{' || t[before-1] == ',' || t[before-1] == '-' {
		return q
	}
	return off
}

// explicitValueEnd is where the null value of an explicit key ending at keyEnd ends: past a `:`
// that stands alone on a later line (`? key` then `:`), or keyEnd when the key has no `:`.
func (s *source) explicitValueEnd(keyEnd int) int {
	t := s.text
	i := keyEnd
	for i < len(t) {
		switch t[i] {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		case '#':
			i = s.lineEnd(i)
			continue
		}
		break
	}
	if yamltext.Indicator(t[i:], ":") {
		return i + 1
	}
	return keyEnd
}

// end is the offset just past n's text: the closing quote or bracket, the last character of a
// plain scalar, or the end of the last line of a block collection or block scalar. Comments after
// it are not part of it. owner is how many columns in the key or entry dash that holds n stands
// (-1 when not known): a block scalar's lines are those indented deeper.
func (s *source) end(n *yaml.Node, flow bool, owner int) (int, error) {
	off, err := s.start(n)
	if err != nil {
		return 0, err
	}
	switch {
	case n.Kind == yaml.AliasNode:
		return off + 1 + len(n.Value), nil
	case n.Kind == yaml.ScalarNode:
		return s.scalarEnd(n, off, flow, owner)
	case n.Style&yaml.FlowStyle != 0 || flow:
		return s.flowEnd(off)
	}
	return s.blockEnd(n, off)
}

// emptyNull is a value written as nothing at all (`key:`); yaml.v3 places it where it would be.
func emptyNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Tag == yaml.NodeTagNull && n.Style == 0
}

func (s *source) scalarEnd(n *yaml.Node, off int, flow bool, owner int) (int, error) {
	t := s.text
	switch {
	case emptyNull(n):
		return off, nil
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := off + 1; i < len(t); i++ {
			switch t[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := off + 1; i < len(t); i++ {
			if t[i] == '\'' {
				if i+1 < len(t) && t[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s.blockScalarContentEnd(n, off, owner)
	default:
		return s.plainScalarEnd(n, off, flow, owner)
	}
	return 0, fmt.Errorf("%w: the quoted scalar at %d:%d has no end", ErrCannotEdit, n.Line, n.Column)
}

// plainScalarEnd is the end of the plain scalar n that starts at off: on its line, or on a later
// one when it spans lines (`a: two\n  words` is "two words"). Its continuation lines are those
// indented deeper than owner (the key or entry dash that holds it) up to a comment line, folded
// as YAML folds them (a line break is a space, each blank line a line break); the lines taken are
// those whose folding reads n's value.
func (s *source) plainScalarEnd(n *yaml.Node, off int, flow bool, owner int) (int, error) {
	t := s.text
	first := t[off:s.lineEnd(off)]
	end := plainEnd(first, flow)
	folded := string(first[:end])
	if folded == n.Value {
		return off + end, nil
	}
	whole := len(bytes.TrimRight(first, " \t")) == end // nothing but the scalar on its line
	breaks := 0
	for i := s.lineOf(off) + 1; whole && i < s.lineCount() && len(folded) < len(n.Value); i++ {
		line := t[s.lines[i]:s.lineEnd(s.lines[i])]
		text := bytes.Trim(line, " \t")
		ind := len(line) - len(bytes.TrimLeft(line, " "))
		switch {
		case len(text) == 0:
			breaks++
			continue
		case text[0] == '#' || !flow && ind <= owner || yamltext.Marker(line, yamltext.DirectivesEnd) || yamltext.Marker(line, yamltext.DocumentEnd):
			whole = false
			continue
		}
		part := plainEnd(line[ind:], flow)
		if breaks == 0 {
			folded += " "
		}
		folded += strings.Repeat("\n", breaks) + string(line[ind:ind+part])
		breaks = 0
		if folded == n.Value {
			return s.lines[i] + ind + part, nil
		}
		whole = len(bytes.TrimRight(line[ind:], " \t")) == part
	}
	return 0, fmt.Errorf("%w: the plain scalar at %d:%d does not end where its value does", ErrCannotEdit, n.Line, n.Column)
}

// plainEnd is the length of the plain scalar that starts line: up to a comment, the line's end or,
// in a flow collection, an indicator that ends it; trailing blanks are not part of it.
func plainEnd(line []byte, flow bool) int {
	end := len(line)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
			end = i
			break
		}
		if flow && (c == ',' || c == ']' || c == '}') {
			end = i
			break
		}
		if flow && c == ':' && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == ',' || line[i+1] == ']' || line[i+1] == '}') {
			end = i
			break
		}
	}
	return len(bytes.TrimRight(line[:end], " \t"))
}

// flowEnd is the offset just past the bracket that closes the flow collection opening at off.
func (s *source) flowEnd(off int) (int, error) {
	t := s.text
	depth := 0
	for i := off; i < len(t); i++ {
		switch t[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"':
			if !tokenStart(t, i) {
				continue // inside a plain scalar (`0"`): not a quote
			}
			for i++; i < len(t) && t[i] != '"'; i++ {
				if t[i] == '\\' {
					i++
				}
			}
		case '\'':
			if !tokenStart(t, i) {
				continue
			}
			for i++; i < len(t); i++ {
				if t[i] == '\'' {
					if i+1 < len(t) && t[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case '#':
			if i > 0 && (t[i-1] == ' ' || t[i-1] == '\t' || t[i-1] == '\n' || t[i-1] == '\r') {
				i = s.lineEnd(i)
			}
		}
	}
	return 0, fmt.Errorf("%w: the flow collection at offset %d has no end", ErrCannotEdit, off)
}

// quotedLines is the set of lines after the first of each quoted scalar under n that spans
// lines: yaml.v3 reads such a scalar's continuation lines at any indentation, so they do not end
// the collection whatever their indentation says.
func (s *source) quotedLines(n *yaml.Node) map[int]bool {
	var lines map[int]bool
	var walk func(*yaml.Node)
	walk = func(x *yaml.Node) {
		if x.Kind == yaml.ScalarNode && x.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			start, err := s.start(x)
			if err != nil {
				return
			}
			end, err := s.scalarEnd(x, start, false, -1)
			for i := s.lineOf(start) + 1; err == nil && i <= s.lineOf(end); i++ {
				if lines == nil {
					lines = map[int]bool{}
				}
				lines[i] = true
			}
			return
		}
		for _, c := range x.Content {
			walk(c)
		}
	}
	walk(n)
	return lines
}

// tokenStart reports whether the byte at i of a flow collection's text begins a token, as a
// quote must to open a quoted scalar: first in the collection's text, or after a bracket, a
// comma, a colon or a question mark (blanks between allowed), or after an anchor or tag. A quote
// anywhere else is a character of a plain scalar: `{a"}` is the key a", and `[it 's]` holds the
// string "it 's", its apostrophe after a blank inside the scalar.
func tokenStart(t []byte, i int) bool {
	j := i
	for j > 0 && (t[j-1] == ' ' || t[j-1] == '\t' || t[j-1] == '\n' || t[j-1] == '\r') {
		j--
	}
	if j == 0 {
		return true
	}
	switch t[j-1] {
	case '{', '[', ',', ':', '?':
		return true
	}
	if j == i {
		return false // right after a character of a plain scalar
	}
	k := j // the token before the blanks: a property (&anchor, !tag) or a plain scalar
	for k > 0 && t[k-1] != ' ' && t[k-1] != '\t' && t[k-1] != '\n' && t[k-1] != '\r' && t[k-1] != '{' && t[k-1] != '[' && t[k-1] != ',' {
		k--
	}
	return t[k] == '&' || t[k] == '!'
}

// blockEnd is the end of the last line that belongs to the block collection n starting at off:
// lines indented deeper than its column, and at its column the entries of a sequence, or the keys
// of a mapping and the entries of a sequence that is a key's value. Blank and comment lines after
// the last such line are not part of it, and a document marker ends it.
func (s *source) blockEnd(n *yaml.Node, off int) (int, error) {
	col := s.column(off)
	last := s.lineOf(off)
	quoted := s.quotedLines(n)
	for i := last + 1; i < len(s.lines); i++ {
		if quoted[i] {
			last = i // a quoted scalar's continuation, however indented
			continue
		}
		ind, content := s.indentation(i)
		if !content {
			continue
		}
		line := s.text[s.lines[i]:s.lineEnd(s.lines[i])]
		if ind == 0 && (yamltext.Marker(line, yamltext.DirectivesEnd) || yamltext.Marker(line, yamltext.DocumentEnd)) {
			break
		}
		if ind < col || ind == col && n.Kind == yaml.SequenceNode && !yamltext.Indicator(line[ind:], "-") {
			break
		}
		last = i
	}
	return s.lineEnd(s.lines[last]), nil
}

// insertionEnd is the end of the line after which new keys of the block mapping b (its keys at
// column col, its content ending at end, as blockEnd says) go. Past blockEnd's last line it takes
// what still belongs to the last entry: the rest of a block scalar that ends the mapping (its
// lines that start with #, and with keep chomping, |+ or >+, its trailing blank lines, which are
// part of its value), then the comments indented deeper than the keys.
func (s *source) insertionEnd(b *yaml.Node, col, end int) int {
	if leaf, owner := lastLeaf(b); leaf != nil {
		end = s.blockScalarEnd(leaf, owner, end)
	}
	return s.deeperComments(col, end)
}

// deeperComments extends end over the comment lines after it indented deeper than col (and the
// blank lines between them): they speak of the content above them (`- port: 80` then
// `  # targetPort: 8080`), so a key added at col goes after them. Blank lines and comments at col
// or shallower close the mapping, and stay after the new keys.
func (s *source) deeperComments(col, end int) int {
	for i := s.lineOf(end) + 1; i < s.lineCount(); i++ {
		ind, content := s.indentation(i)
		switch {
		case onlySpace(s.text[s.lines[i]:s.lineEnd(s.lines[i])]):
			continue
		case !content && ind > col:
			end = s.lineEnd(s.lines[i])
			continue
		}
		break
	}
	return end
}

// lastLeaf is the block scalar that ends the block collection b, if any, with the column its
// lines must be indented past (its key's, or its sequence entry's dash).
func lastLeaf(b *yaml.Node) (*yaml.Node, int) {
	col := 0
	for b.Style&yaml.FlowStyle == 0 && len(b.Content) > 0 {
		last := b.Content[len(b.Content)-1]
		switch b.Kind {
		case yaml.MappingNode:
			col = b.Content[len(b.Content)-2].Column - 1
		case yaml.SequenceNode:
			col = b.Column - 1
		default:
			return nil, 0
		}
		if last.Kind == yaml.ScalarNode {
			if last.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
				return last, col
			}
			return nil, 0
		}
		b = last
	}
	return nil, 0
}

// blockScalarContentEnd is the end of the last line of the block scalar n whose header (| or >)
// is at off, and whose key or entry dash is owner columns in: its content is the lines after the
// header indented at least as deep as its indentation, and the blank lines among them (YAML 1.2
// §8.1.1.1). The indentation is owner plus the header's indentation indicator (`|2`), as libyaml
// counts it, or else that of its first line with content, which must be deeper than owner. An
// owner not known (-1) is refused.
func (s *source) blockScalarContentEnd(n *yaml.Node, off, owner int) (int, error) {
	if owner < 0 {
		return 0, fmt.Errorf("%w: the block scalar at %d:%d", ErrCannotEdit, n.Line, n.Column)
	}
	end, indent := s.lineEnd(off), owner+1
	explicit := indentationIndicator(s.text[off:end])
	if explicit > 0 {
		indent = owner + explicit
	}
	for i := s.lineOf(off) + 1; i < s.lineCount(); i++ {
		line := s.text[s.lines[i]:s.lineEnd(s.lines[i])]
		content := bytes.TrimLeft(line, " ")
		ind := len(line) - len(content)
		switch {
		case len(content) == 0 || ind < indent && len(bytes.Trim(content, " \t")) == 0:
			continue // blank: content only when content follows
		case ind < indent:
			return end, nil
		case end == s.lineEnd(off) && explicit == 0:
			indent = ind // the first line with content sets the indentation
		}
		end = s.lineEnd(s.lines[i])
	}
	return end, nil
}

// indentationIndicator is the digit of a block scalar's header (`|2`, `>-1`, `|+4 # c`), 0 when
// it has none.
func indentationIndicator(header []byte) int {
	for i := 1; i < len(header) && i <= 2; i++ {
		switch c := header[i]; {
		case c >= '1' && c <= '9':
			return int(c - '0')
		case c != '+' && c != '-':
			return 0
		}
	}
	return 0
}

// blockScalarEnd extends end over the lines of the block scalar n that blockEnd does not count:
// lines indented past owner (a # there is content), and with keep chomping the blank lines after
// them, up to the first line that is neither.
func (s *source) blockScalarEnd(n *yaml.Node, owner, end int) int {
	header, err := s.offset(n)
	if err != nil {
		return end
	}
	keep := bytes.IndexByte(s.text[header:s.lineEnd(header)], '+') >= 0
	for i := s.lineOf(end) + 1; i < s.lineCount(); i++ {
		line := s.text[s.lines[i]:s.lineEnd(s.lines[i])]
		ind := len(line) - len(bytes.TrimLeft(line, " "))
		switch {
		case len(bytes.TrimLeft(line, " ")) == 0:
			if keep {
				end = s.lineEnd(s.lines[i])
			}
			continue
		case ind > owner:
			end = s.lineEnd(s.lines[i])
			continue
		}
		break
	}
	return end
}
