package yamltext

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Documents splits a stream where yaml.v3 does: each case lists the spans' texts, and
// sameDocuments holds every case to yaml.v3's reading of the same text.
func TestDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"one document", "a: 1\n", []string{"a: 1\n"}},
		{"two, the first marker's comments with it", "# c\n---\na: 1\n---\nb: 2\n", []string{"# c\n---\na: 1\n", "---\nb: 2\n"}},
		{"an end marker ends a document", "a: 1\n...\nb: 2\n", []string{"a: 1\n...\n", "b: 2\n"}},
		{"an end marker with a comment", "a: 1\n... # end of list\nb: 2\n", []string{"a: 1\n... # end of list\n", "b: 2\n"}},
		{"... twice: the second ends nothing", "a: 1\n...\n...\n---\nb: 2\n", []string{"a: 1\n...\n", "---\nb: 2\n"}},
		{"a BOM before a directive", BOM + "%YAML 1.1\n---\na: 1\n", []string{BOM + "%YAML 1.1\n---\na: 1\n"}},
		{"a BOM before a marker", BOM + "---\na: 1\n---\nb: 2\n", []string{BOM + "---\na: 1\n", "---\nb: 2\n"}},
		{"a directive after a document with no end marker", "a: 1\n%YAML 1.1\n---\nb: 2\n", []string{"a: 1\n", "%YAML 1.1\n---\nb: 2\n"}},
		{"CRLF", "a: 1\r\n---\r\nb: 2\r\n...\r\n", []string{"a: 1\r\n", "---\r\nb: 2\r\n...\r\n"}},
		{"markers with content", "--- a\n--- !!map {b: 1}\n", []string{"--- a\n", "--- !!map {b: 1}\n"}},
		{"not markers: indented, or followed by a character", "a: |\n  ---\nb: ---x\n ...\n", []string{"a: |\n  ---\nb: ---x\n ...\n"}},
		{"an indented root", "  a: 1\n  b: 2\n---\n  c: 3\n", []string{"  a: 1\n  b: 2\n", "---\n  c: 3\n"}},
		{"an empty document between markers", "---\n---\na: 1\n", []string{"---\n", "---\na: 1\n"}},
		{"comments after the last document are a span of their own", "a: 1\n...\n# end\n", []string{"a: 1\n...\n", "# end\n"}},
		{"nothing", "", nil},
		{"a last line with no break", "a: 1\n---\nb: 2", []string{"a: 1\n", "---\nb: 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := []byte(tc.text)
			var got []string
			for _, s := range Documents(text) {
				got = append(got, tc.text[s.Start:s.End])
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Documents(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if err := sameDocuments(text); err != nil {
				t.Error(err)
			}
		})
	}
}

// CR-only text is read as LF (ToLF): its documents are those of the LF text, at the same offsets.
func TestDocumentsOfCROnlyText(t *testing.T) {
	text := []byte("a: 1\r---\rb: 2\r")
	if !CROnly(text) {
		t.Fatal("not CR-only")
	}
	got := Documents(ToLF(text))
	if len(got) != 2 || got[1] != (Span{5, len(text)}) {
		t.Errorf("Documents = %v", got)
	}
}

// sameDocuments decodes text with yaml.v3, document by document, and each of Documents' spans on
// its own: the spans must hold the same documents, in order (a span of comments holds none). nil
// also when yaml.v3 refuses the text: then there is nothing to compare.
func sameDocuments(text []byte) error {
	whole, err := decodeAll(text)
	if err != nil {
		return nil
	}
	var split []*yaml.Node
	for _, s := range Documents(text) {
		docs, err := decodeAll(text[s.Start:s.End])
		if err != nil {
			return fmt.Errorf("yaml.v3 reads the text, but not the span %q: %w", text[s.Start:s.End], err)
		}
		if len(docs) > 1 {
			return fmt.Errorf("the span %q holds more than one document", text[s.Start:s.End])
		}
		split = append(split, docs...)
	}
	if len(split) != len(whole) {
		return fmt.Errorf("yaml.v3 reads %d documents, the spans hold %d", len(whole), len(split))
	}
	for i := range whole {
		if !sameTree(whole[i], split[i]) {
			return fmt.Errorf("document %d reads otherwise in its span", i+1)
		}
	}
	return nil
}

// sameTree reports whether two trees decoded from the same text are the same but for positions
// and comments (a comment between documents may fall to either).
func sameTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	if a.Kind == yaml.AliasNode && !sameTree(a.Alias, b.Alias) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func decodeAll(text []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
}

// A directive after a document with no end marker (`%YAML 1.1` on the line after `a: 1`) starts
// the next document. Without a parser Documents cannot tell when that line is the text of a scalar
// that spans lines instead, which yaml.v3 reads at column 0 too: a root scalar (`0` then `%YAML`),
// a quoted one (`a: "x` then `%TAG ...`), a plain one inside a flow collection. No object starts
// so; the span before the directive then holds no object (yaml.v3 refuses it, or reads a scalar),
// so the function refuses the document where yaml.v3 would read it: never a misreading.
func TestDirectiveInsideAScalarIsRefusedNotMisread(t *testing.T) {
	for _, text := range []string{"0\n%YAML 1.1\n", "a: \"x\n%YAML 1.1\n\"\n", "{a: b\n%TAG ! x\n}\n"} {
		if err := sameDocuments([]byte(text)); err == nil {
			t.Errorf("%q: Documents agrees with yaml.v3; this test and the one below can go", text)
		}
		if !holdsNoObjectBeforeADirective([]byte(text)) {
			t.Errorf("%q: the span before the directive holds an object", text)
		}
	}
}

// holdsNoObjectBeforeADirective reports whether text has a span that Documents ends at a
// directive, with no end marker, and that yaml.v3 refuses or reads as something other than a
// block mapping or list.
func holdsNoObjectBeforeADirective(text []byte) bool {
	for _, s := range Documents(text) {
		if s.End == len(text) {
			continue
		}
		if line, _ := Line(text, s.End); !Directive(line) {
			continue
		}
		docs, err := decodeAll(text[s.Start:s.End])
		if err != nil || len(docs) != 1 || len(docs[0].Content) == 0 {
			return true
		}
		root := docs[0].Content[0]
		if root.Kind != yaml.MappingNode && root.Kind != yaml.SequenceNode || root.Style&yaml.FlowStyle != 0 {
			return true
		}
	}
	return false
}

// otherLineBreaks reports whether text breaks a line otherwise than with LF or CRLF: a lone CR
// among LFs, or NEL, LS, PS, which yaml.v3 (YAML 1.1) also takes for line breaks. Documents cuts
// at LF only; where yaml.v3 sees a marker on such a line, the function refuses (refused).
func otherLineBreaks(text []byte) bool {
	return bytes.Count(text, []byte{'\r'}) != bytes.Count(text, []byte("\r\n")) || bytes.ContainsRune(text, 0x85) ||
		bytes.ContainsRune(text, 0x2028) || bytes.ContainsRune(text, 0x2029)
}

// refused reports whether one of text's spans is not one YAML document to yaml.v3, as fn/input
// decodes each: the function refuses the whole input then.
func refused(text []byte) bool {
	for _, s := range Documents(text) {
		if docs, err := decodeAll(text[s.Start:s.End]); err != nil || len(docs) > 1 {
			return true
		}
	}
	return false
}

// FuzzDocuments holds Documents to yaml.v3 on any text yaml.v3 reads: the same documents, in the
// same order, each read from its span alone; or, where a directive line is a scalar's text to
// yaml.v3, no object before it (TestDirectiveInsideAScalarIsRefusedNotMisread); or, where lines
// break otherwise than with LF or CRLF, a refusal.
func FuzzDocuments(f *testing.F) {
	for _, s := range []string{
		"a: 1\n", "a: 1\n---\nb: 2\n", "a: 1\n...\n...\n---\nb: 2\n", BOM + "%YAML 1.1\n---\na: 1\n",
		"a: 1\n%YAML 1.1\n---\nb: 2\n", "a: 1\r\n---\r\nb: 2\r\n", "  a: 1\n---\n  b: 2\n... # end\n",
		"--- |\n  text\n---\n", "a: \"x\n  ---y\"\n", "%TAG !e! tag:example.com,2000:\n---\n!e!x 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if len(text) > 4096 {
			return
		}
		if CROnly(text) {
			text = ToLF(text) // as the function reads it
		}
		err := sameDocuments(text)
		if err == nil || holdsNoObjectBeforeADirective(text) {
			return
		}
		if otherLineBreaks(text) && refused(text) {
			return
		}
		t.Fatalf("%v\ntext: %q", err, text)
	})
}
