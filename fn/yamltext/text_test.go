package yamltext

import (
	"strings"
	"testing"
)

// Text turns yaml.v3's positions (1-based lines, columns in characters) into offsets, and back.
func TestTextPositions(t *testing.T) {
	text := []byte("a: 1\r\nb: é\r\n  c: [x]\r\n")
	x := Index(text)
	for _, tc := range []struct {
		line, column, off int
		err               string
	}{
		{1, 1, 0, ""},
		{2, 4, 9, ""},
		{2, 5, 11, ""}, // past the two bytes of é
		{3, 6, 18, ""},
		{4, 1, len(text), ""},
		{0, 1, 0, "no position 0:1"},
		{5, 1, 0, "no position 5:1"},
		{1, 9, 0, "column 9 is past the end of line 1"},
	} {
		off, err := x.Offset(tc.line, tc.column)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Offset(%d, %d): error %v, want %q", tc.line, tc.column, err, tc.err)
			}
			continue
		}
		if err != nil || off != tc.off {
			t.Errorf("Offset(%d, %d) = %d, %v; want %d", tc.line, tc.column, off, err, tc.off)
			continue
		}
		if tc.line <= x.LineCount() {
			if got := x.LineOf(off); got != tc.line-1 {
				t.Errorf("LineOf(%d) = %d, want %d", off, got, tc.line-1)
			}
			if got := x.Column(off); got != tc.column-1 {
				t.Errorf("Column(%d) = %d, want %d", off, got, tc.column-1)
			}
		}
	}
	if x.LineCount() != 3 || x.LineStart(2) != 13 || string(x.Line(2)) != "  c: [x]" || x.LineEnd(13) != 21 || x.NextLine(13) != 23 {
		t.Errorf("lines: count %d, start %d, %q, end %d, next %d", x.LineCount(), x.LineStart(2), x.Line(2), x.LineEnd(13), x.NextLine(13))
	}
	if ind, content := x.Indentation(2); ind != 2 || !content {
		t.Errorf("Indentation(2) = %d, %v", ind, content)
	}
	if Index([]byte("a\nb")).LineCount() != 2 || Index([]byte("")).LineCount() != 1 {
		t.Error("LineCount counts the last line without a break, and an empty text as one line")
	}
}

// A lone CR ends a line, as yaml.v3 reads it, also in a text that mixes it with LF and CRLF.
func TestTextLoneCR(t *testing.T) {
	for text, want := range map[string]int{"a: 1\rb: 2\n": 2, "a: 1\r\nb: 2\r\n": 2, "a\r\rb": 3, "a\r": 1, "a\r\n\r": 2} {
		if got := Index([]byte(text)).LineCount(); got != want {
			t.Errorf("LineCount(%q) = %d, want %d", text, got, want)
		}
	}
	text := []byte("a: 1\rb: é\r\n  c: 2\nd: 3\r")
	x := Index(text)
	if x.LineCount() != 4 {
		t.Fatalf("LineCount = %d, want 4", x.LineCount())
	}
	for i, want := range []string{"a: 1", "b: é", "  c: 2", "d: 3"} {
		if got := string(x.Line(i)); got != want {
			t.Errorf("Line(%d) = %q, want %q", i, got, want)
		}
	}
	for _, tc := range []struct{ line, column, off int }{{2, 1, 5}, {2, 4, 8}, {3, 3, 14}, {4, 1, 19}} {
		if off, err := x.Offset(tc.line, tc.column); err != nil || off != tc.off {
			t.Errorf("Offset(%d, %d) = %d, %v; want %d", tc.line, tc.column, off, err, tc.off)
		}
	}
	if _, err := x.Offset(1, 6); err == nil {
		t.Error("Offset(1, 6) is past the lone CR that ends line 1: want an error")
	}
	for off, want := range map[int][2]int{0: {4, 5}, 5: {10, 12}, 12: {18, 19}, 19: {23, 24}} {
		if end, next := x.LineEnd(off), x.NextLine(off); end != want[0] || next != want[1] {
			t.Errorf("LineEnd, NextLine(%d) = %d, %d; want %d, %d", off, end, next, want[0], want[1])
		}
	}
	if !x.EndsWithBreak() || Index([]byte("a\rb")).EndsWithBreak() {
		t.Error("EndsWithBreak: a final lone CR ends the last line")
	}
}

// Text added into a text takes the line breaks of the line it goes into: a stream may mix CRLF,
// LF and lone CR lines.
func TestLineBreaksFollowTheLine(t *testing.T) {
	text := []byte("a: 1\r\nb: 2\r\n---\nc: 3\n")
	x := Index(text)
	for _, tc := range []struct {
		off  int
		want string
	}{
		{6, "x\r\ny"}, // at the start of a CRLF line
		{4, "x\r\ny"}, // inside a CRLF line
		{16, "x\ny"},  // at the start of an LF line
		{len(text), "x\ny"},
	} {
		if got := string(x.LineBreaks(tc.off, []byte("x\ny"))); got != tc.want {
			t.Errorf("LineBreaks(%d) = %q, want %q", tc.off, got, tc.want)
		}
	}
	cr := Index([]byte("a: 1\rb: 2\nc: 3\r"))
	for off, want := range map[int]string{5: "x\ry", 2: "x\ry", 10: "x\ny", 14: "x\ry", 15: "x\ry"} {
		if got := string(cr.LineBreaks(off, []byte("x\ny"))); got != want {
			t.Errorf("lone CR text: LineBreaks(%d) = %q, want %q", off, got, want)
		}
	}
}
