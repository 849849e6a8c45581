package yamltext

import (
	"bytes"
	"reflect"
	"testing"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		text      string
		off       int
		line      string
		next, end int
		nextLine  int
	}{
		{"a\nb\n", 0, "a", 2, 1, 2},
		{"a\nb\n", 2, "b", 4, 3, 4},
		{"a\r\nb", 0, "a", 3, 1, 3},
		{"a\r\nb", 3, "b", 4, 4, 4},
		{"ab", 1, "b", 2, 2, 2},
		{"\n", 0, "", 1, 0, 1},
		{"a\rb\n", 0, "a\rb", 4, 3, 4}, // a lone CR is no line break here (CROnly texts are read as LF)
		{"\r\n", 0, "", 2, 0, 2},
	} {
		line, next := Line([]byte(tc.text), tc.off)
		if string(line) != tc.line || next != tc.next {
			t.Errorf("Line(%q, %d) = %q, %d; want %q, %d", tc.text, tc.off, line, next, tc.line, tc.next)
		}
		if got := LineEnd([]byte(tc.text), tc.off); got != tc.end {
			t.Errorf("LineEnd(%q, %d) = %d, want %d", tc.text, tc.off, got, tc.end)
		}
		if got := NextLine([]byte(tc.text), tc.off); got != tc.nextLine {
			t.Errorf("NextLine(%q, %d) = %d, want %d", tc.text, tc.off, got, tc.nextLine)
		}
	}
}

func TestLineStarts(t *testing.T) {
	text := []byte("a\nbb\r\n\nccc\nd")
	if got, want := LineStarts(text, []int{1, 2, 2, 4, 5, 9}), []int{0, 2, 2, 7, 11, 12}; !reflect.DeepEqual(got, want) {
		t.Errorf("LineStarts = %v, want %v", got, want)
	}
}

func TestLinesBefore(t *testing.T) {
	text := []byte("a\nb\r\nc\n")
	for off, want := range map[int]int{0: 0, 1: 0, 2: 1, 5: 2, 7: 3} {
		if got := LinesBefore(text, off); got != want {
			t.Errorf("LinesBefore(%d) = %d, want %d", off, got, want)
		}
	}
}

func TestDeeper(t *testing.T) {
	for _, tc := range []struct {
		text       string
		off, col   int
		end, lines int
	}{
		{"- a: 1\n  b: 2\n  c:\n    d: 3\n- e\n", 7, 0, 28, 3},
		{"- a: 1\n  b: 2\n  c:\n    d: 3\n- e\n", 0, 0, 0, 0},
		{"  - a\n    b\n  - c\n", 6, 2, 12, 1},
		{"  - a\n    b\n  - c\n", 6, 4, 6, 0},
		{"k:\n  a\n\n  b\n", 3, 0, 7, 1}, // a blank line is not indented
		{"k:\n  a\n  b", 3, 0, 10, 2},    // the last line has no break
		{"k:\n\ta\n", 3, 0, 3, 0},        // a tab is no indentation
	} {
		end, lines := Deeper([]byte(tc.text), tc.off, tc.col)
		if end != tc.end || lines != tc.lines {
			t.Errorf("Deeper(%q, %d, %d) = %d, %d; want %d, %d", tc.text, tc.off, tc.col, end, lines, tc.end, tc.lines)
		}
	}
}

func TestIndentationAndBlanks(t *testing.T) {
	for _, tc := range []struct {
		line        string
		indentation int
		blank       bool
		content     bool
	}{
		{"a: 1", 0, false, true},
		{"    - a", 4, false, true},
		{"  # c", 2, false, false},
		{"  \t# c", 2, false, false},
		{"# c", 0, false, false},
		{"   ", 3, true, false},
		{" \t \r\n", 1, true, false},
		{"", 0, true, false},
		{"\tx", 0, false, true},
		{"a #b", 0, false, true},
	} {
		line := []byte(tc.line)
		if got := Indentation(line); got != tc.indentation {
			t.Errorf("Indentation(%q) = %d, want %d", tc.line, got, tc.indentation)
		}
		if got := Blank(line); got != tc.blank {
			t.Errorf("Blank(%q) = %v, want %v", tc.line, got, tc.blank)
		}
		if got := HasContent(line); got != tc.content {
			t.Errorf("HasContent(%q) = %v, want %v", tc.line, got, tc.content)
		}
	}
	if got := SkipSpaces([]byte("a:   b"), 2); got != 5 {
		t.Errorf("SkipSpaces = %d, want 5", got)
	}
}

func TestEndsValue(t *testing.T) {
	for _, tc := range []struct {
		line string
		i    int
		want bool
	}{
		{"a: []", 5, true}, {"a: []  ", 5, true}, {"a: [] # c", 5, true}, {"a: []# c", 5, false}, {"a: [] x", 5, false},
	} {
		if got := EndsValue([]byte(tc.line), tc.i); got != tc.want {
			t.Errorf("EndsValue(%q, %d) = %v, want %v", tc.line, tc.i, got, tc.want)
		}
	}
}

func TestLineBreaks(t *testing.T) {
	for text, want := range map[string]string{"a\n": "\n", "a\r\n": "\r\n", "a": "\n", "a\r\nb\n": "\n", "": "\n"} {
		if got := FinalLineBreak([]byte(text)); got != want {
			t.Errorf("FinalLineBreak(%q) = %q, want %q", text, got, want)
		}
	}
	for text, want := range map[string]bool{"a\rb\r": true, "a\r\nb": false, "a\nb": false, "ab": false} {
		if got := CROnly([]byte(text)); got != want {
			t.Errorf("CROnly(%q) = %v, want %v", text, got, want)
		}
	}
	if got := string(ToLF([]byte("a: 1\rb: 2\r"))); got != "a: 1\nb: 2\n" {
		t.Errorf("ToLF = %q", got)
	}
	var b bytes.Buffer
	n, err := CRWriter(&b).Write([]byte("a: 1\nb: 2\n"))
	if err != nil || n != 10 || b.String() != "a: 1\rb: 2\r" {
		t.Errorf("CRWriter wrote %q (%d, %v)", b.String(), n, err)
	}
}
