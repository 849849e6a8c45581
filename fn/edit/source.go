package edit

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// source is a text with its line starts indexed, so that yaml.v3's positions (1-based lines and
// columns counted in characters) map to byte offsets. A line ends where yaml.v3 ends one: at \n,
// \r\n, or a lone \r (old Mac files, and texts pasted together from them).
type source struct {
	text  []byte
	lines []int // byte offset of each line's start
	cr    bool  // the text holds a \r: line ends are looked for the slow way
}

func newSource(text []byte) *source {
	cr := bytes.IndexByte(text, '\r') >= 0
	lines := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i, c := range text {
		if c == '\n' || c == '\r' && (i+1 == len(text) || text[i+1] != '\n') {
			lines = append(lines, i+1)
		}
	}
	return &source{text: text, lines: lines, cr: cr}
}

// offset is the byte offset of n's position.
func (s *source) offset(n *yaml.Node) (int, error) {
	if n.Line < 1 || n.Line > len(s.lines) || n.Column < 1 {
		return 0, fmt.Errorf("%w: no position %d:%d in the text", ErrCannotEdit, n.Line, n.Column)
	}
	off := s.lines[n.Line-1]
	for col := 1; col < n.Column; col++ {
		if off >= len(s.text) || s.text[off] == '\n' || s.text[off] == '\r' {
			return 0, fmt.Errorf("%w: column %d is past the end of line %d", ErrCannotEdit, n.Column, n.Line)
		}
		_, size := utf8.DecodeRune(s.text[off:])
		off += size
	}
	return off, nil
}

// lineOf is the index of the line holding offset off.
func (s *source) lineOf(off int) int {
	lo, hi := 0, len(s.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lineCount is the number of lines, not counting the empty one after a final line break.
func (s *source) lineCount() int {
	if n := len(s.lines); s.lines[n-1] == len(s.text) && n > 1 {
		return n - 1
	}
	return len(s.lines)
}

// lineEnd is the offset of the line break (\n, \r\n or a lone \r) ending the line that holds
// off, or the text's end.
func (s *source) lineEnd(off int) int {
	if s.cr {
		if i := bytes.IndexAny(s.text[off:], "\r\n"); i >= 0 {
			return off + i
		}
		return len(s.text)
	}
	if i := bytes.IndexByte(s.text[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(s.text)
}

// nextLine is the offset of the line after the one that holds off, or the text's end.
func (s *source) nextLine(off int) int {
	end := s.lineEnd(off)
	return end + len(s.breakAt(end))
}

// breakAt is the line break that starts at off: \n, \r\n, \r, or none at the text's end.
func (s *source) breakAt(off int) []byte {
	switch {
	case off >= len(s.text):
		return nil
	case s.text[off] == '\r' && off+1 < len(s.text) && s.text[off+1] == '\n':
		return s.text[off : off+2]
	}
	return s.text[off : off+1]
}

// endsWithBreak reports whether the text's last line ends with a line break.
func (s *source) endsWithBreak() bool {
	n := len(s.text)
	return n > 0 && (s.text[n-1] == '\n' || s.text[n-1] == '\r')
}

// lineBreaks writes text's line breaks as the line it goes into (or, at a line's start, the line
// it follows) ends: one text may mix CRLF, LF and lone CR lines, and each part keeps its own.
func (s *source) lineBreaks(off int, text []byte) []byte {
	if !s.cr {
		return text
	}
	if br := s.breakNear(off); string(br) != "\n" {
		return bytes.ReplaceAll(text, []byte("\n"), br)
	}
	return text
}

// breakNear is the line break nearest before or at off's line: the one ending the line this text
// follows when off starts a line or is on the last line, else the one ending off's line. \n when
// the text has none.
func (s *source) breakNear(off int) []byte {
	i := s.lineOf(off)
	if i > 0 && (off == s.lines[i] || s.lineEnd(off) == len(s.text)) {
		i-- // the line this text follows, or the last one with a break
	}
	if br := s.breakAt(s.lineEnd(s.lines[i])); br != nil {
		return br
	}
	return []byte("\n")
}

// column is off's distance in characters from its line's start.
func (s *source) column(off int) int {
	return utf8.RuneCount(s.text[s.lines[s.lineOf(off)]:off])
}

// indentation is the number of spaces that start line i, and whether the line has content other
// than a comment.
func (s *source) indentation(i int) (int, bool) {
	start := s.lines[i]
	end := s.lineEnd(start)
	j := start
	for j < end && s.text[j] == ' ' {
		j++
	}
	content := j < end && s.text[j] != '#' && !(s.text[j] == '\t' && onlySpace(s.text[j:end]))
	return j - start, content
}

func onlySpace(b []byte) bool {
	return len(bytes.Trim(b, " \t")) == 0
}
