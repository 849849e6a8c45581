package yamltext

import (
	"bytes"
	"strings"
)

// Where values end, as yaml.v3 reads them. A yaml.v3 node says where a value starts; these say
// where its text ends, so that it can be replaced, or text added after it.

// QuotedEnd is the offset just past the quote that closes the quoted scalar opening at text[i] (a
// " or a '), or -1 when text holds none: a double-quoted scalar escapes with a backslash, a
// single-quoted one doubles its quote. The scalar may span lines.
func QuotedEnd(text []byte, i int) int {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch c := text[j]; {
		case c == '\\' && q == '"':
			j++
		case c == q && q == '\'' && j+1 < len(text) && text[j+1] == '\'':
			j++
		case c == q:
			return j + 1
		}
	}
	return -1
}

// PlainEnd is the length of the plain scalar that starts line: up to a comment, the line's end or,
// in a flow collection, an indicator that ends it; trailing blanks are not part of it.
func PlainEnd(line []byte, flow bool) int {
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

// PlainScalarEnd is the end of the plain scalar that starts at off and reads value: on its line,
// or on a later one when it spans lines (`a: two` then `  words` is "two words"). Its continuation
// lines are those indented deeper than owner (the key or entry dash that holds it; any, in a flow
// collection) up to a comment line or a document marker, folded as YAML folds them (a line break
// is a space, each blank line a line break); the lines taken are those whose folding reads value.
// ok is false when no such lines do.
func (t *Text) PlainScalarEnd(off int, value string, flow bool, owner int) (end int, ok bool) {
	first := t.text[off:t.LineEnd(off)]
	n := PlainEnd(first, flow)
	folded := string(first[:n])
	if folded == value {
		return off + n, true
	}
	whole := len(bytes.TrimRight(first, " \t")) == n // nothing but the scalar on its line
	breaks := 0
	for i := t.LineOf(off) + 1; whole && i < t.LineCount() && len(folded) < len(value); i++ {
		line := t.Line(i)
		ind := Indentation(line)
		switch {
		case Blank(line):
			breaks++
			continue
		case !HasContent(line) || !flow && ind <= owner || Marker(line, DirectivesEnd) || Marker(line, DocumentEnd):
			return 0, false
		}
		part := PlainEnd(line[ind:], flow)
		if breaks == 0 {
			folded += " "
		}
		folded += strings.Repeat("\n", breaks) + string(line[ind:ind+part])
		breaks = 0
		if folded == value {
			return t.starts[i] + ind + part, true
		}
		whole = len(bytes.TrimRight(line[ind:], " \t")) == part
	}
	return 0, false
}

// FlowEnd is the offset just past the bracket that closes the flow collection opening at off; ok
// is false when none does.
func (t *Text) FlowEnd(off int) (end int, ok bool) {
	s := t.text
	depth := 0
	for i := off; i < len(s); i++ {
		switch s[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case '"', '\'':
			if !tokenStart(s, i) {
				continue // inside a plain scalar (`0"`, `it 's`): not a quote
			}
			if i = QuotedEnd(s, i) - 1; i < 0 {
				return 0, false
			}
		case '#':
			if i > 0 && blankOrBreak(s[i-1]) {
				i = t.LineEnd(i)
			}
		}
	}
	return 0, false
}

// tokenStart reports whether the byte at i of a flow collection's text begins a token, as a
// quote must to open a quoted scalar: first in the collection's text, or after a bracket, a
// comma, a colon or a question mark (blanks between allowed), or after an anchor or tag. A quote
// anywhere else is a character of a plain scalar: `{a"}` is the key a", and `[it 's]` holds the
// string "it 's", its apostrophe after a blank inside the scalar.
func tokenStart(t []byte, i int) bool {
	j := i
	for j > 0 && blankOrBreak(t[j-1]) {
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
	for k > 0 && !blankOrBreak(t[k-1]) && t[k-1] != '{' && t[k-1] != '[' && t[k-1] != ',' {
		k--
	}
	return t[k] == '&' || t[k] == '!'
}

// SkipProperty is the offset of what follows the anchor or tag token at off: past the blanks,
// comments and line breaks after it (a block mapping's first key is on the next line).
func (t *Text) SkipProperty(off int) int {
	s := t.text
	if s[off] == '&' {
		return t.SkipSeparation(t.PastAnchor(off))
	}
	return t.SkipSeparation(t.PastTag(off))
}

// SkipSeparation is the offset of the first byte at or after off that is not a blank, a line
// break or part of a comment.
func (t *Text) SkipSeparation(off int) int {
	s := t.text
	for off < len(s) {
		switch s[off] {
		case ' ', '\t', '\r', '\n':
			off++
		case '#':
			off = t.LineEnd(off)
		default:
			return off
		}
	}
	return off
}

// PastTag is the offset just past the tag token at off (`!!str`, `!foo`, `!<tag:...>`): a tag
// ends at a blank, or in a flow collection at a flow indicator.
func (t *Text) PastTag(off int) int {
	s := t.text
	if off+1 < len(s) && s[off+1] == '<' {
		if i := bytes.IndexByte(s[off:], '>'); i >= 0 {
			return off + i + 1
		}
	}
	for off < len(s) && !blankOrBreak(s[off]) && s[off] != ',' && s[off] != '}' && s[off] != ']' {
		off++
	}
	return off
}

// PastAnchor is the offset just past the anchor token at off (&x), or off when there is none. An
// anchor's name is what libyaml's scanner (yaml.v3) takes for one: letters, digits, _ and -, so
// `&a: 1` is the anchor a on an empty key, not the anchor `a:`.
func (t *Text) PastAnchor(off int) int {
	s := t.text
	if off >= len(s) || s[off] != '&' {
		return off
	}
	for off++; off < len(s) && anchorChar(s[off]); off++ {
	}
	return off
}

func anchorChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-'
}

// ExplicitKey is the offset of the `?` that makes the key at off an explicit key (`? key`), or
// off when there is none: the `?` stands alone before the key, after the line's indentation or
// a flow collection's `{` or `,`.
func (t *Text) ExplicitKey(off int) int {
	s := t.text
	i := off
	for i > 0 && (s[i-1] == ' ' || s[i-1] == '\t') {
		i--
	}
	if i == off || i == 0 || s[i-1] != '?' {
		return off
	}
	q := i - 1
	before := q
	for before > 0 && (s[before-1] == ' ' || s[before-1] == '\t') {
		before--
	}
	if before == 0 || s[before-1] == '\n' || s[before-1] == '\r' || s[before-1] == '{' || s[before-1] == ',' || s[before-1] == '-' {
		return q
	}
	return off
}

// ExplicitValueEnd is where the null value of an explicit key ending at keyEnd ends: past a `:`
// that stands alone on a later line (`? key` then `:`), or keyEnd when the key has no `:`.
func (t *Text) ExplicitValueEnd(keyEnd int) int {
	i := t.SkipSeparation(keyEnd)
	if Indicator(t.text[i:], ":") {
		return i + 1
	}
	return keyEnd
}

// BlockEnd is the end of the last line that belongs to the block collection starting at off:
// lines indented deeper than its column, and at its column the entries of a sequence, or the keys
// of a mapping and the entries of a sequence that is a key's value. Blank and comment lines after
// the last such line are not part of it, and a document marker ends it. continued holds the lines
// (0-based) that continue a quoted scalar of the collection: yaml.v3 reads those at any
// indentation, so they do not end it whatever their indentation says.
func (t *Text) BlockEnd(off int, sequence bool, continued map[int]bool) int {
	col := t.Column(off)
	last := t.LineOf(off)
	for i := last + 1; i < len(t.starts); i++ {
		if continued[i] {
			last = i
			continue
		}
		line := t.Line(i)
		if !HasContent(line) {
			continue
		}
		ind := Indentation(line)
		if ind == 0 && (Marker(line, DirectivesEnd) || Marker(line, DocumentEnd)) {
			break
		}
		if ind < col || ind == col && sequence && !Dash(line, ind) {
			break
		}
		last = i
	}
	return t.LineEnd(t.starts[last])
}

// DeeperComments extends end over the comment lines after it indented deeper than col (and the
// blank lines between them): they speak of the content above them (`- port: 80` then
// `  # targetPort: 8080`), so a key added at col goes after them. Blank lines and comments at col
// or shallower close the collection, and stay after what is added.
func (t *Text) DeeperComments(col, end int) int {
	for i := t.LineOf(end) + 1; i < t.LineCount(); i++ {
		line := t.Line(i)
		switch {
		case Blank(line):
			continue
		case !HasContent(line) && Indentation(line) > col:
			end = t.LineEnd(t.starts[i])
			continue
		}
		break
	}
	return end
}

// BlockScalarContentEnd is the end of the last line of the block scalar whose header (| or >) is
// at off, and whose key or entry dash is owner columns in: its content is the lines after the
// header indented at least as deep as its indentation, and the blank lines among them (YAML 1.2
// §8.1.1.1). The indentation is owner plus the header's indentation indicator (`|2`), as libyaml
// counts it, or else that of its first line with content, which must be deeper than owner. ok is
// false for an owner not known (-1).
func (t *Text) BlockScalarContentEnd(off, owner int) (end int, ok bool) {
	if owner < 0 {
		return 0, false
	}
	end, indent := t.LineEnd(off), owner+1
	explicit := IndentationIndicator(t.text[off:end])
	if explicit > 0 {
		indent = owner + explicit
	}
	for i := t.LineOf(off) + 1; i < t.LineCount(); i++ {
		line := t.Line(i)
		ind := Indentation(line)
		switch {
		case ind == len(line) || ind < indent && Blank(line):
			continue // blank: content only when content follows
		case ind < indent:
			return end, true
		case end == t.LineEnd(off) && explicit == 0:
			indent = ind // the first line with content sets the indentation
		}
		end = t.LineEnd(t.starts[i])
	}
	return end, true
}

// IndentationIndicator is the digit of the block scalar header that starts header (`|2`, `>-1`,
// `|+4 # c`), 0 when it has none.
func IndentationIndicator(header []byte) int {
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

// PastHeader is the offset just past the block scalar header at off (`|`, `>-`, `|2+`): the
// first blank or line break after it.
func (t *Text) PastHeader(off int) int {
	for off < len(t.text) && !blankOrBreak(t.text[off]) {
		off++
	}
	return off
}

// BlockScalarEnd extends end over the lines of the block scalar whose header is at header that a
// collection's end (BlockEnd) does not count: lines indented past owner (a # there is content),
// and with keep chomping (|+, >+) the blank lines after them, up to the first line that is
// neither.
func (t *Text) BlockScalarEnd(header, owner, end int) int {
	keep := bytes.IndexByte(t.text[header:t.LineEnd(header)], '+') >= 0
	for i := t.LineOf(end) + 1; i < t.LineCount(); i++ {
		line := t.Line(i)
		ind := Indentation(line)
		switch {
		case ind == len(line):
			if keep {
				end = t.LineEnd(t.starts[i])
			}
			continue
		case ind > owner:
			end = t.LineEnd(t.starts[i])
			continue
		}
		break
	}
	return end
}
