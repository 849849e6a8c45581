package splice

import (
	"bytes"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// layoutOf finds the spans of a compact or wide list the simple way, for these tests: every line
// starting with the dash column's `- ` starts an item; the items run to the first line in column 0
// that is not a dash, comment or blank.
func layoutOf(t *testing.T, in string) Layout {
	t.Helper()
	start := strings.Index(in, "items:\n") + len("items:\n")
	l := Layout{Region: Span{Start: start, End: len(in)}, DashCol: -1}
	for pos := start; pos < len(in); {
		end := pos + strings.IndexByte(in[pos:], '\n') + 1
		line := in[pos:end]
		trimmed := strings.TrimLeft(line, " ")
		ind := len(line) - len(trimmed)
		switch {
		case strings.HasPrefix(trimmed, "- ") && (l.DashCol < 0 || ind == l.DashCol):
			l.DashCol = ind
			if n := len(l.Items); n > 0 {
				l.Items[n-1].End = pos
			}
			l.Items = append(l.Items, Span{Start: pos})
		case ind == 0 && trimmed != "\n" && trimmed[0] != '#':
			l.Region.End = pos
			l.Items[len(l.Items)-1].End = pos
			return l
		}
		pos = end
	}
	l.Items[len(l.Items)-1].End = len(in)
	return l
}

// wholeItems encodes the document the way the reference path does when it re-encodes it whole and
// returns each item's text.
func wholeItems(t *testing.T, in string) []string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(&doc); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	return strings.Split(strings.TrimPrefix(out, "items:\n"), "\n- ")
}

const list = `items:
- # head comment
  apiVersion: v1
  kind: Service
  metadata:
    name: a  # two spaces before the comment
    labels: {app: a}
  spec:
    ports:
    - port: 80
      targetPort: 'http'
    script: |
      echo hi
      # not a comment
  # tail comment
- apiVersion: v1
  kind: ConfigMap
`

func TestEncodeItemWritesWhatWholeEncodingWrites(t *testing.T) {
	l := layoutOf(t, list)
	want := wholeItems(t, list)
	for i := range l.Items {
		_, item, err := DecodeItem([]byte(list), l, i)
		if err != nil {
			t.Fatal(err)
		}
		got, err := EncodeItem(item, 0)
		if err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if i > 0 {
			w = "- " + w
		}
		if strings.TrimSuffix(string(got), "\n") != strings.TrimSuffix(w, "\n") {
			t.Errorf("items[%d]:\n%s\nwant:\n%s", i, got, w)
		}
	}
}

func TestEncodeItemIndentsToTheDashColumn(t *testing.T) {
	wide := "items:\n" + indentLines(strings.TrimPrefix(list, "items:\n"), "  ")
	l := layoutOf(t, wide)
	if l.DashCol != 2 {
		t.Fatalf("dash column %d", l.DashCol)
	}
	_, item, err := DecodeItem([]byte(wide), l, 0)
	if err != nil {
		t.Fatal(err)
	}
	text, err := EncodeItem(item, l.DashCol)
	if err != nil {
		t.Fatal(err)
	}
	spliced := wide[:l.Items[0].Start] + string(text) + wide[l.Items[0].End:]
	var a, b yaml.Node
	if err := yaml.Unmarshal([]byte(spliced), &a); err != nil {
		t.Fatalf("%v in:\n%s", err, spliced)
	}
	if err := yaml.Unmarshal([]byte(list), &b); err != nil {
		t.Fatal(err)
	}
	if !sameValues(&a, &b) {
		t.Errorf("re-indented item reads back differently:\n%s", spliced)
	}
}

func indentLines(text, pad string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" && line != "\n" {
			b.WriteString(pad)
		}
		b.WriteString(line)
	}
	return b.String()
}

func sameValues(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.Tag != b.Tag || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameValues(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func TestSafe(t *testing.T) {
	service := "- apiVersion: v1\n  kind: Service\n"
	for _, tc := range []struct {
		name, items string
		safe        bool
	}{
		{"no comments", "- a: 1\n" + service, true},
		{"a tail comment in the previous item stays there", "- a: 1\n  # tail\n" + service, true},
		{"comments inside the item", "- a: 1\n- # head\n  apiVersion: v1 # line\n  # foot\n  kind: Service\n", true},
		{"a block scalar line starting with #", "- a: |\n    # text\n" + service, true},
		{"a column-0 comment before the item is its head comment", "- a: 1\n# between\n" + service, false},
		{"a comment after a scalar item is the next item's", "- scalar\n  # whose?\n" + service, false},
		{"a comment before the first item", "# first\n" + service, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := "items:\n" + tc.items
			l := layoutOf(t, in)
			safe, err := Safe([]byte(in), l, len(l.Items)-1, nil)
			if err != nil {
				t.Fatal(err)
			}
			if safe != tc.safe {
				t.Errorf("Safe = %v, want %v", safe, tc.safe)
			}
		})
	}
}

func TestWriteCopiesUnchangedBytes(t *testing.T) {
	in := "head: 1\nitems:\n- a: 1   # odd spacing kept\n- b: 2\n- c: 3\nrest: {x: 1}\n"
	l := layoutOf(t, in)
	var b bytes.Buffer
	err := Write(&b, []byte(in), l, []Replacement{{Index: 1, Text: []byte("- b: 20\n")}}, []byte("results: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "head: 1\nitems:\n- a: 1   # odd spacing kept\n- b: 20\n- c: 3\nrest: {x: 1}\nresults: []\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestHasAnchors(t *testing.T) {
	for in, want := range map[string]bool{"a: 1\n": false, "a: &x 1\nb: *x\n": true, "a: {b: [&y c]}\n": true} {
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(in), &doc); err != nil {
			t.Fatal(err)
		}
		if got := HasAnchors(&doc); got != want {
			t.Errorf("HasAnchors(%q) = %v", in, got)
		}
	}
}
