package yamltext

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Text is a text with its line starts indexed, so that yaml.v3's positions (1-based lines and
// columns counted in characters) map to byte offsets, and lines are found by number.
type Text struct {
	text   []byte
	starts []int // byte offset of each line's start
	loneCR bool  // a \r not followed by \n: yaml.v3 sees a line break the lines do not
}

// Index indexes text's lines.
func Index(text []byte) *Text {
	starts := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i, c := range text {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	// yaml.v3 breaks a line at a lone \r too; the lines here are cut at \n only, so positions in
	// such a text would not match yaml.v3's (no editor writes one; old Mac files did, and those
	// are read with \n instead: ToLF).
	loneCR := bytes.Count(text, []byte{'\r'}) != bytes.Count(text, []byte("\r\n"))
	return &Text{text: text, starts: starts, loneCR: loneCR}
}

// LoneCR reports whether the text breaks a line with a lone \r, where its positions and
// yaml.v3's part.
func (t *Text) LoneCR() bool { return t.loneCR }

// Offset is the byte offset of yaml.v3's position line:column.
func (t *Text) Offset(line, column int) (int, error) {
	if line < 1 || line > len(t.starts) || column < 1 {
		return 0, fmt.Errorf("no position %d:%d in the text", line, column)
	}
	off := t.starts[line-1]
	for col := 1; col < column; col++ {
		if off >= len(t.text) || t.text[off] == '\n' {
			return 0, fmt.Errorf("column %d is past the end of line %d", column, line)
		}
		_, size := utf8.DecodeRune(t.text[off:])
		off += size
	}
	return off, nil
}

// LineOf is the index (0-based) of the line holding offset off.
func (t *Text) LineOf(off int) int {
	lo, hi := 0, len(t.starts)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// LineStart is the offset of line i's start (0-based).
func (t *Text) LineStart(i int) int { return t.starts[i] }

// Line is line i (0-based) without its line break.
func (t *Text) Line(i int) []byte {
	line, _ := Line(t.text, t.starts[i])
	return line
}

// LineCount is the number of lines, not counting the empty one after a final line break.
func (t *Text) LineCount() int {
	if n := len(t.starts); t.starts[n-1] == len(t.text) && n > 1 {
		return n - 1
	}
	return len(t.starts)
}

// LineEnd is the offset of the line break (LF, or CRLF) ending the line that holds off, or the
// text's end.
func (t *Text) LineEnd(off int) int { return LineEnd(t.text, off) }

// NextLine is the offset of the line after the one that holds off, or the text's end.
func (t *Text) NextLine(off int) int { return NextLine(t.text, off) }

// Column is off's distance in characters from its line's start.
func (t *Text) Column(off int) int {
	return utf8.RuneCount(t.text[t.starts[t.LineOf(off)]:off])
}

// Indentation is the number of spaces that start line i, and whether the line has content other
// than blanks and a comment.
func (t *Text) Indentation(i int) (int, bool) {
	line := t.Line(i)
	return Indentation(line), HasContent(line)
}

// LineBreaks writes text's line breaks as the line it goes into at off (or, at a line's start,
// the line it follows) ends: one text may mix CRLF and LF documents, and each keeps its own.
func (t *Text) LineBreaks(off int, text []byte) []byte {
	if !t.crlfAt(off) {
		return text
	}
	return bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
}

// crlfAt reports whether the line break nearest before or at off's line is \r\n.
func (t *Text) crlfAt(off int) bool {
	i := t.LineOf(off)
	if i > 0 && (off == t.starts[i] || t.LineEnd(off) == len(t.text)) {
		i-- // the line this text follows, or the last one with a break
	}
	end := t.LineEnd(t.starts[i])
	return end < len(t.text) && t.text[end] == '\r'
}
