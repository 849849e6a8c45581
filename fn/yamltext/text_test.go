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

// A lone CR is a line break to yaml.v3 and not to Text: such a text says so, and its positions
// are not used (a CR-only text is read as LF instead).
func TestTextLoneCR(t *testing.T) {
	for text, want := range map[string]bool{"a: 1\rb: 2\n": true, "a: 1\r\nb: 2\r\n": false, "a: 1\n": false, "a\r": true} {
		if got := Index([]byte(text)).LoneCR(); got != want {
			t.Errorf("LoneCR(%q) = %v, want %v", text, got, want)
		}
	}
}

// Text added into a text takes the line breaks of the line it goes into: a stream may mix CRLF
// and LF documents.
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
}
