package edit

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// source is a text with its line starts indexed, so that yaml.v3's positions (1-based lines and
// columns counted in characters) map to byte offsets.
type source struct {
	text   []byte
	lines  []int // byte offset of each line's start
	loneCR bool  // a \r not followed by \n: yaml.v3 sees a line break the lines do not
}

func newSource(text []byte) *source {
	lines := make([]int, 1, bytes.Count(text, []byte{'\n'})+1)
	for i, c := range text {
		if c == '\n' {
			lines = append(lines, i+1)
		}
	}
	// yaml.v3 breaks a line at a lone \r too; the lines here are cut at \n only, so positions in
	// such a text would not match yaml.v3's (no editor writes one; old Mac files did).
	loneCR := bytes.Count(text, []byte{'\r'}) != bytes.Count(text, []byte("\r\n"))
	return &source{text: text, lines: lines, loneCR: loneCR}
}

// offset is the byte offset of n's position.
func (s *source) offset(n *yaml.Node) (int, error) {
	if n.Line < 1 || n.Line > len(s.lines) || n.Column < 1 {
		return 0, fmt.Errorf("%w: no position %d:%d in the text", ErrCannotEdit, n.Line, n.Column)
	}
	off := s.lines[n.Line-1]
	for col := 1; col < n.Column; col++ {
		if off >= len(s.text) || s.text[off] == '\n' {
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

// lineEnd is the offset of the line break (\n or \r\n) ending the line that holds off, or the
// text's end.
func (s *source) lineEnd(off int) int {
	i := bytes.IndexByte(s.text[off:], '\n')
	if i < 0 {
		return len(s.text)
	}
	if i > 0 && s.text[off+i-1] == '\r' {
		i--
	}
	return off + i
}

// nextLine is the offset of the line after the one that holds off, or the text's end.
func (s *source) nextLine(off int) int {
	if i := bytes.IndexByte(s.text[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(s.text)
}

// lineBreaks writes text's line breaks as the line it goes into (or, at a line's start, the line
// it follows) ends: one text may mix CRLF and LF documents, and each keeps its own.
func (s *source) lineBreaks(off int, text []byte) []byte {
	if !s.crlfAt(off) {
		return text
	}
	return bytes.ReplaceAll(text, []byte("\n"), []byte("\r\n"))
}

// crlfAt reports whether the line break nearest before or at off's line is \r\n.
func (s *source) crlfAt(off int) bool {
	i := s.lineOf(off)
	if i > 0 && (off == s.lines[i] || s.lineEnd(off) == len(s.text)) {
		i-- // the line this text follows, or the last one with a break
	}
	end := s.lineEnd(s.lines[i])
	return end < len(s.text) && s.text[end] == '\r'
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
