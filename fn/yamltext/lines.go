package yamltext

import (
	"bytes"
	"io"
)

// Line is the line that starts at off, without its line break (LF, or CRLF), and the offset of
// the line after it (the text's length for the last).
func Line(text []byte, off int) (line []byte, next int) {
	i := bytes.IndexByte(text[off:], '\n')
	if i < 0 {
		return text[off:], len(text)
	}
	line = text[off : off+i]
	if i > 0 && line[i-1] == '\r' {
		line = line[:i-1]
	}
	return line, off + i + 1
}

// LineEnd is the offset of the line break (LF, or CRLF) that ends the line holding off, or the
// text's length.
func LineEnd(text []byte, off int) int {
	line, _ := Line(text, off)
	return off + len(line)
}

// NextLine is the offset of the line after the one holding off, or the text's length.
func NextLine(text []byte, off int) int {
	if i := bytes.IndexByte(text[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(text)
}

// LinesBefore is the number of line breaks before off: how many lines a piece of text that starts
// at off is down from the text's first (a line n of the piece is line n+LinesBefore of the text).
func LinesBefore(text []byte, off int) int { return bytes.Count(text[:off], []byte{'\n'}) }

// LineStarts is the offset of the start of each of the lines given (1-based, ascending), found in
// one pass: for a text too large to index (Text).
func LineStarts(text []byte, lines []int) []int {
	offsets := make([]int, len(lines))
	line, off := 1, 0
	for i, want := range lines {
		for line < want && off < len(text) {
			off = NextLine(text, off)
			line++
		}
		offsets[i] = off
	}
	return offsets
}

// Deeper passes the lines from off (a line's start) that are indented deeper than col: the lines
// inside a block whose own lines stand at col. It is the offset of the first line that is not (or
// the text's length), and how many lines it passed. One loop over the text, for the scans that
// look only at a block's own lines.
func Deeper(text []byte, off, col int) (end, lines int) {
	for off < len(text) && indentedPast(text[off:], col) {
		i := bytes.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text), lines + 1
		}
		off += i + 1
		lines++
	}
	return off, lines
}

// indentedPast reports whether text starts with more than col spaces.
func indentedPast(text []byte, col int) bool {
	if len(text) <= col {
		return false
	}
	for _, c := range text[:col+1] {
		if c != ' ' {
			return false
		}
	}
	return true
}

// Indentation is the number of spaces that start line: YAML indents with spaces only.
func Indentation(line []byte) int { return SkipSpaces(line, 0) }

// SkipSpaces is the offset of the first byte at or after i in line that is not a space.
func SkipSpaces(line []byte, i int) int {
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

// Blank reports whether line holds nothing but blanks (spaces, tabs) and line breaks.
func Blank(line []byte) bool { return len(bytes.Trim(line, " \t\r\n")) == 0 }

// HasContent reports whether line holds more than blanks and a comment.
func HasContent(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) > 0 && t[0] != '#'
}

// EndsValue reports whether only spaces, or spaces and then a comment, follow i in line: a value
// that ends at i ends its line. A comment needs a space before it.
func EndsValue(line []byte, i int) bool {
	j := SkipSpaces(line, i)
	return j == len(line) || line[j] == '#' && j > i
}

// FinalLineBreak is the line break that ends text: "\r\n" when text ends with one, else "\n".
func FinalLineBreak(text []byte) string {
	if bytes.HasSuffix(text, []byte("\r\n")) {
		return "\r\n"
	}
	return "\n"
}

// CROnly reports whether text breaks its lines with a lone carriage return only (old Mac files):
// it has a \r and no \n. Such a text reads as the same text with each \r turned into \n, which
// the function reads instead (ToLF), and its output goes back through CRWriter: a one-to-one
// swap, so every byte no edit touched comes back as it came.
func CROnly(text []byte) bool {
	return bytes.IndexByte(text, '\r') >= 0 && bytes.IndexByte(text, '\n') < 0
}

// ToLF is text with each \r turned into \n.
func ToLF(text []byte) []byte {
	return bytes.ReplaceAll(text, []byte{'\r'}, []byte{'\n'})
}

// CRWriter writes to w what it is given with each \n turned into \r.
func CRWriter(w io.Writer) io.Writer { return crWriter{w} }

type crWriter struct{ w io.Writer }

func (c crWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte{'\n'}, []byte{'\r'})); err != nil {
		return 0, err
	}
	return len(p), nil
}
