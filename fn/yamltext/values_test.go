package yamltext

import (
	"strings"
	"testing"
)

// at is the offset of the first occurrence of mark in text.
func at(t *testing.T, text, mark string) int {
	t.Helper()
	i := strings.Index(text, mark)
	if i < 0 {
		t.Fatalf("%q not in %q", mark, text)
	}
	return i
}

func TestQuotedEnd(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // what the scalar takes; "" when it does not close
	}{
		{`"a" b`, `"a"`},
		{`"a\"b" c`, `"a\"b"`},
		{`"a\\" b"`, `"a\\"`},
		{`'it''s' x`, `'it''s'`},
		{`'a\' b`, `'a\'`}, // no escapes in single quotes
		{"\"a\n  b\" c", "\"a\n  b\""},
		{`"open`, ``},
		{`'open''`, ``},
		{`"\`, ``},
	} {
		end := QuotedEnd([]byte(tc.text), 0)
		got := ""
		if end >= 0 {
			got = tc.text[:end]
		}
		if got != tc.want {
			t.Errorf("QuotedEnd(%q) takes %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestPlainEnd(t *testing.T) {
	for _, tc := range []struct {
		line string
		flow bool
		want string
	}{
		{"None  # comment", false, "None"},
		{"a#b c", false, "a#b c"},
		{"a,b]", false, "a,b]"},
		{"a,b]", true, "a"},
		{"it 's] x", true, "it 's"},
		{"a:b, c", true, "a:b"},
		{"a: b", true, "a"},
		{"http://x}", true, "http://x"},
		{"x \t#c", false, "x"},
		{"x\t", false, "x"},
	} {
		if got := tc.line[:PlainEnd([]byte(tc.line), tc.flow)]; got != tc.want {
			t.Errorf("PlainEnd(%q, %v) takes %q, want %q", tc.line, tc.flow, got, tc.want)
		}
	}
}

// FlowEnd finds the closing bracket as yaml.v3 does: brackets and commas inside quoted scalars do
// not count, a quote inside a plain scalar opens nothing (`[it 's]`, `{a"}`), a comment's text is
// not read, and a collection may span lines.
func TestFlowEnd(t *testing.T) {
	for _, tc := range []struct {
		text string
		want string // the collection's text; "" when it has no end
	}{
		{"[a, b] # c", "[a, b]"},
		{"{a: [1, {b: 2}]}, x", "{a: [1, {b: 2}]}"},
		{`["]", '}'] x`, `["]", '}']`},
		{"[it 's] x", "[it 's]"},
		{`{a"}: 1`, `{a"}`},
		{`{"a\"]": 1}`, `{"a\"]": 1}`},
		{"[a, # ] not the end\n  b]\n", "[a, # ] not the end\n  b]"},
		{"[a,\r\n  b]", "[a,\r\n  b]"},
		{"[&x 'a]', !t \"b]\"]", "[&x 'a]', !t \"b]\"]"},
		{"[a, b", ""},
		{"['a, b]", ""},
	} {
		x := Index([]byte(tc.text))
		end, ok := x.FlowEnd(0)
		got := ""
		if ok {
			got = tc.text[:end]
		}
		if got != tc.want {
			t.Errorf("FlowEnd(%q) takes %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestProperties(t *testing.T) {
	for _, tc := range []struct {
		text, from, want string // SkipProperty from `from` lands on `want`
	}{
		{"a: &x value", "&x", "value"},
		{"a: !!str None", "!!str", "None"},
		{"a: &x # c\n  b: 1", "&x", "b: 1"},
		{"a: !<tag:yaml.org,2002:str> v", "!<", "v"},
		{"[!t, b]", "!t", ", b]"},
		{"&a: 1", "&a", ": 1"}, // the anchor a on an empty key, not the anchor `a:`
	} {
		x := Index([]byte(tc.text))
		if got := tc.text[x.SkipProperty(at(t, tc.text, tc.from)):]; !strings.HasPrefix(got, tc.want) {
			t.Errorf("SkipProperty(%q at %q) lands on %q, want %q", tc.text, tc.from, got, tc.want)
		}
	}
	if x := Index([]byte("a  # c\r\n \t\n  b")); x.SkipSeparation(1) != 13 || x.SkipSeparation(13) != 13 {
		t.Errorf("SkipSeparation = %d, %d; want 13, 13", x.SkipSeparation(1), x.SkipSeparation(13))
	}
	x := Index([]byte("a: &x-1_b c"))
	if got := x.PastAnchor(3); got != 9 {
		t.Errorf("PastAnchor = %d, want 9", got)
	}
	if got := x.PastAnchor(0); got != 0 {
		t.Errorf("PastAnchor where none is = %d, want 0", got)
	}
	if x := Index([]byte("a: !!map\n  b: 1")); x.PastTag(3) != 8 {
		t.Errorf("PastTag = %d, want 8", x.PastTag(3))
	}
}

func TestExplicitKey(t *testing.T) {
	for _, tc := range []struct {
		text, key string
		explicit  bool
		valueEnd  string // the text up to where the key's null value ends
	}{
		{"? sessionAffinity\n", "sessionAffinity", true, "? sessionAffinity"},
		{"? a\n:\nb: 1\n", "a", true, "? a\n:"},
		{"? a # c\n: # d\n", "a", true, "? a # c\n:"},
		{"{? a, b: 1}", "a", true, "{? a"},
		{"- ? a\n", "a", true, "- ? a"},
		{"a?: 1\n", "a?", false, ""},
		{"x ? a\n", "a", false, ""},
	} {
		x := Index([]byte(tc.text))
		off := at(t, tc.text, tc.key)
		q := x.ExplicitKey(off)
		if (q != off) != tc.explicit {
			t.Errorf("ExplicitKey(%q at %q) = %d (from %d), want explicit %v", tc.text, tc.key, q, off, tc.explicit)
		}
		if tc.explicit && tc.valueEnd != "" {
			if got := tc.text[:x.ExplicitValueEnd(off+len(tc.key))]; got != tc.valueEnd {
				t.Errorf("ExplicitValueEnd(%q) takes %q, want %q", tc.text, got, tc.valueEnd)
			}
		}
	}
}

// BlockEnd is where a block collection ends: deeper lines and its own entries belong to it; a
// shallower line, a document marker (an end marker with a comment too) or, for a sequence, a
// key at the dashes' column ends it; comments and blank lines after its last line are not its.
func TestBlockEnd(t *testing.T) {
	for _, tc := range []struct {
		name, text, from string
		sequence         bool
		want             string // the collection's text from `from`
	}{
		{"a mapping", "spec:\n  a: 1\n  b:\n    c: 2\n# after\nkind: x\n", "a: 1", false, "a: 1\n  b:\n    c: 2"},
		{"an indented root", "  a: 1\n  b: 2\n\n  # c\n", "a: 1", false, "a: 1\n  b: 2"},
		{"an end marker with a comment ends it", "a: 1\nb: 2\n... # end of list\n", "a: 1", false, "a: 1\nb: 2"},
		{"a directives-end marker ends it", "a: 1\n--- # next\nb: 2\n", "a: 1", false, "a: 1"},
		{"a sequence at its key's column", "ports:\n- port: 80\n  name: a\n- port: 81\nkind: x\n", "- port: 80", true, "- port: 80\n  name: a\n- port: 81"},
		{"CRLF", "a:\r\n  b: 1\r\n  c: 2\r\nd: 3\r\n", "b: 1", false, "b: 1\r\n  c: 2"},
		{"a comment line with a tab is no content", "a:\n  b: 1\n  \t# c\n  d: 2\n", "b: 1", false, "b: 1\n  \t# c\n  d: 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := Index([]byte(tc.text))
			off := at(t, tc.text, tc.from)
			if got := tc.text[off:x.BlockEnd(off, tc.sequence, nil)]; got != tc.want {
				t.Errorf("BlockEnd takes %q, want %q", got, tc.want)
			}
		})
	}
	// A quoted scalar's continuation lines are the collection's at any indentation.
	text := "a:\n  b: \"x\ny\"\n  c: 1\nd: 2\n"
	x := Index([]byte(text))
	off := at(t, text, "b:")
	if got := text[off:x.BlockEnd(off, false, map[int]bool{2: true})]; got != "b: \"x\ny\"\n  c: 1" {
		t.Errorf("BlockEnd over a continuation line takes %q", got)
	}
}

func TestDeeperComments(t *testing.T) {
	text := "spec:\n  ports:\n  - port: 80\n    # targetPort: 8080\n\n    # more\n  # the mapping's\nkind: x\n"
	x := Index([]byte(text))
	end := at(t, text, "80") + 2
	if got := text[:x.DeeperComments(2, end)]; !strings.HasSuffix(got, "# more") {
		t.Errorf("DeeperComments(2) ends at %q", got[len(got)-10:])
	}
	if got := x.DeeperComments(4, end); got != end {
		t.Errorf("DeeperComments(4) = %d, want %d (no comment deeper than 4)", got, end)
	}
}

func TestBlockScalar(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		owner      int
		content    string // the scalar's text from its header, as BlockScalarContentEnd takes it
		ok         bool
		extended   string // BlockScalarEnd's extension from the header line's end
	}{
		{"literal", "a: |\n  x\n\n  y\nb: 1\n", 0, "|\n  x\n\n  y", true, "|\n  x\n\n  y"},
		{"keep chomping takes the blank lines", "a: |+\n  x\n\n\nb: 1\n", 0, "|+\n  x", true, "|+\n  x\n\n"},
		{"a # inside is content", "a: >-\n  x\n  # not a comment\nb: 1\n", 0, ">-\n  x\n  # not a comment", true, ">-\n  x\n  # not a comment"},
		{"an indentation indicator sets the indentation", "a: |2\n   x\n  y\nb: 1\n", 0, "|2\n   x\n  y", true, "|2\n   x\n  y"},
		{"the indicator counts from the owner", "  a: |2 # c\n     x\n    y\n  b: 1\n", 2, "|2 # c\n     x\n    y", true, "|2 # c\n     x\n    y"},
		{"the indicator after the chomping", "- >-1\n  x\n y\n- z\n", 0, ">-1\n  x\n y", true, ">-1\n  x\n y"},
		{"the indicator before the chomping", "a: |1+\n  x\n\nb: 1\n", 0, "|1+\n  x", true, "|1+\n  x\n"},
		{"lone CR lines", "a: |\r  x\r\r  y\rb: 1\r", 0, "|\r  x\r\r  y", true, "|\r  x\r\r  y"},
		{"no owner is refused", "|\n x\n", -1, "", false, ""},
		{"in a sequence", "- |\n  x\n- y\n", 0, "|\n  x", true, "|\n  x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := Index([]byte(tc.text))
			header := strings.IndexAny(tc.text, "|>")
			end, ok := x.BlockScalarContentEnd(header, tc.owner)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if got := tc.text[header:end]; got != tc.content {
				t.Errorf("BlockScalarContentEnd takes %q, want %q", got, tc.content)
			}
			if got := tc.text[header:x.BlockScalarEnd(header, tc.owner, x.LineEnd(header))]; got != tc.extended {
				t.Errorf("BlockScalarEnd takes %q, want %q", got, tc.extended)
			}
		})
	}
}

func TestIndentationIndicator(t *testing.T) {
	for header, want := range map[string]int{"|": 0, "|-": 0, ">+": 0, "|2": 2, ">-1": 1, "|+4 # c": 4, "|9-": 9, "| 2": 0, "|# 2": 0} {
		if got := IndentationIndicator([]byte(header)); got != want {
			t.Errorf("IndentationIndicator(%q) = %d, want %d", header, got, want)
		}
	}
	text := "a: |2- # c\n   x\n"
	if got := text[3:Index([]byte(text)).PastHeader(3)]; got != "|2-" {
		t.Errorf("PastHeader takes %q, want %q", got, "|2-")
	}
}

// PlainScalarEnd takes the lines of a plain scalar that spans lines, as yaml.v3 folds them.
func TestPlainScalarEnd(t *testing.T) {
	for _, tc := range []struct {
		name, text, value string
		flow              bool
		owner             int
		want              string // the scalar's text; "" when refused
	}{
		{"on its line", "a: x # c\nb: 1\n", "x", false, 0, "x"},
		{"over two lines", "a: two\n  words\nb: 1\n", "two words", false, 0, "two\n  words"},
		{"a blank line is a line break", "a: x\n\n  y\nb: 1\n", "x\ny", false, 0, "x\n\n  y"},
		{"a comment after it ends it", "a: x # c\n  y\n", "x y", false, 0, ""},
		{"a comment line ends it", "a: x\n  # c\n  y\n", "x y", false, 0, ""},
		{"a line at the owner's column ends it", "a: x\nb: y\n", "x b: y", false, 0, ""},
		{"a document marker ends it", "x\n---\n", "x ---", false, -1, ""},
		{"in a flow collection", "[a\nb]\n", "a b", true, -1, "a\nb"},
		{"over lone CR lines", "a: two\r  words\rb: 1\r", "two words", false, 0, "two\r  words"},
		{"over CRLF lines", "a: two\r\n  words\r\n", "two words", false, 0, "two\r\n  words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := strings.IndexAny(tc.text, "x[t")
			if tc.flow {
				off++
			}
			end, ok := Index([]byte(tc.text)).PlainScalarEnd(off, tc.value, tc.flow, tc.owner)
			got := ""
			if ok {
				got = tc.text[off:end]
			}
			if got != tc.want {
				t.Errorf("PlainScalarEnd takes %q, want %q", got, tc.want)
			}
		})
	}
}
