package yamltext

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// Text is a text with its line starts indexed, so that yaml.v3's positions (1-based lines and
// columns counted in characters) map to byte offsets, and lines are found by number. A line ends
// where yaml.v3 ends one: at LF, CRLF, or a lone CR (old Mac files, and texts pasted together
// from them).
type Text struct {
	text   []byte
	starts []int // byte offset of each line's start
	cr     bool  // the text holds a \r: its line ends are looked for the slow way
}

// Index indexes text's lines.
func Index(text []byte) *Text {
	starts := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i, c := range text {
		if c == '\n' || c == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	return &Text{text: text, starts: starts, cr: bytes.IndexByte(text, '\r') >= 0}
}

// Offset is the byte offset of yaml.v3's position line:column.
func (t *Text) Offset(line, column int) (int, error) {
	if line < 1 || line > len(t.starts) || column < 1 {
		return 0, fmt.Errorf("no position %d:%d in the text", line, column)
	}
	off := t.starts[line-1]
	for col := 1; col < column; col++ {
		if off >= len(t.text) || t.text[off] == '\n' || t.text[off] == '\r' {
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
func (t *Text) Line(i int) []byte { return t.text[t.starts[i]:t.LineEnd(t.starts[i])] }

// LineCount is the number of lines, not counting the empty one after a final line break.
func (t *Text) LineCount() int {
	if n := len(t.starts); t.starts[n-1] == len(t.text) && n > 1 {
		return n - 1
	}
	return len(t.starts)
}

// LineEnd is the offset of the line break (LF, CRLF or a lone CR) ending the line that holds
// off, or the text's end.
func (t *Text) LineEnd(off int) int {
	if !t.cr {
		return LineEnd(t.text, off)
	}
	if i := bytes.IndexAny(t.text[off:], "\r\n"); i >= 0 {
		return off + i
	}
	return len(t.text)
}

// NextLine is the offset of the line after the one that holds off, or the text's end.
func (t *Text) NextLine(off int) int {
	if !t.cr {
		return NextLine(t.text, off)
	}
	end := t.LineEnd(off)
	return end + len(t.breakAt(end))
}

// breakAt is the line break that starts at off: LF, CRLF, a lone CR, or none at the text's end.
func (t *Text) breakAt(off int) []byte {
	switch {
	case off >= len(t.text):
		return nil
	case t.text[off] == '\r' && off+1 < len(t.text) && t.text[off+1] == '\n':
		return t.text[off : off+2]
	}
	return t.text[off : off+1]
}

// EndsWithBreak reports whether the text's last line ends with a line break.
func (t *Text) EndsWithBreak() bool {
	n := len(t.text)
	return n > 0 && (t.text[n-1] == '\n' || t.text[n-1] == '\r')
}

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
// the line it follows) ends: one text may mix CRLF, LF and lone CR lines, and each part keeps its
// own.
func (t *Text) LineBreaks(off int, text []byte) []byte {
	if !t.cr {
		return text
	}
	if br := t.breakNear(off); string(br) != "\n" {
		return bytes.ReplaceAll(text, []byte("\n"), br)
	}
	return text
}

// breakNear is the line break nearest before or at off's line: the one ending the line that text
// put at off follows when off starts a line or is on the last line, else the one ending off's
// line. LF when the text has none.
func (t *Text) breakNear(off int) []byte {
	i := t.LineOf(off)
	if i > 0 && (off == t.starts[i] || t.LineEnd(off) == len(t.text)) {
		i-- // the line this text follows, or the last one with a break
	}
	if br := t.breakAt(t.LineEnd(t.starts[i])); br != nil {
		return br
	}
	return []byte("\n")
}
