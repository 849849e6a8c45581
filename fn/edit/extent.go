package edit

import (
	"fmt"

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
		return s.PastAnchor(off), nil // `a: &x` is an anchored null: what replaces it goes after &x
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
		off = s.SkipProperty(off)
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
		start = s.SkipProperty(start) // the anchor, when it comes first
	}
	return min(start, content), end, nil
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
		if end, ok := s.FlowEnd(off); ok {
			return end, nil
		}
		return 0, fmt.Errorf("%w: the flow collection at offset %d has no end", ErrCannotEdit, off)
	}
	return s.blockEnd(n, off), nil
}

// emptyNull is a value written as nothing at all (`key:`); yaml.v3 places it where it would be.
func emptyNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Value == "" && n.Tag == yaml.NodeTagNull && n.Style == 0
}

func (s *source) scalarEnd(n *yaml.Node, off int, flow bool, owner int) (int, error) {
	switch {
	case emptyNull(n):
		return off, nil
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if end := yamltext.QuotedEnd(s.text, off); end >= 0 {
			return end, nil
		}
		return 0, fmt.Errorf("%w: the quoted scalar at %d:%d has no end", ErrCannotEdit, n.Line, n.Column)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return s.blockScalarContentEnd(n, off, owner)
	}
	return s.plainScalarEnd(n, off, flow, owner)
}

// plainScalarEnd is the end of the plain scalar n that starts at off, on its line or, when it
// spans lines, on a later one (yamltext's PlainScalarEnd): refused when no lines read its value.
func (s *source) plainScalarEnd(n *yaml.Node, off int, flow bool, owner int) (int, error) {
	if end, ok := s.PlainScalarEnd(off, n.Value, flow, owner); ok {
		return end, nil
	}
	return 0, fmt.Errorf("%w: the plain scalar at %d:%d does not end where its value does", ErrCannotEdit, n.Line, n.Column)
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
			for i := s.LineOf(start) + 1; err == nil && i <= s.LineOf(end); i++ {
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

// blockEnd is the end of the last line that belongs to the block collection n starting at off
// (yamltext's BlockEnd), the continuation lines of its quoted scalars included.
func (s *source) blockEnd(n *yaml.Node, off int) int {
	return s.BlockEnd(off, n.Kind == yaml.SequenceNode, s.quotedLines(n))
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
	return s.DeeperComments(col, end)
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
// is at off (yamltext's BlockScalarContentEnd, which measures a header's indentation indicator,
// `|2`, as libyaml does); an owner not known (-1) is refused.
func (s *source) blockScalarContentEnd(n *yaml.Node, off, owner int) (int, error) {
	end, ok := s.BlockScalarContentEnd(off, owner)
	if !ok {
		return 0, fmt.Errorf("%w: the block scalar at %d:%d", ErrCannotEdit, n.Line, n.Column)
	}
	return end, nil
}

// blockScalarEnd extends end over the lines of the block scalar n that blockEnd does not count
// (yamltext's BlockScalarEnd).
func (s *source) blockScalarEnd(n *yaml.Node, owner, end int) int {
	header, err := s.offset(n)
	if err != nil {
		return end
	}
	return s.BlockScalarEnd(header, owner, end)
}
