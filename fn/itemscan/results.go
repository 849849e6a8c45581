package itemscan

import (
	"bytes"
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Entries are the entries of the list's `results`, when the scan found them in its text: a
// re-run over the function's own output holds one for each Service it changed, and decoding
// them all as one tree took many times their text. Each entry runs from its dash line to the
// next entry's, or to the end of the results.
type Entries struct {
	Spans []Span // nil when the results are in the skeleton
	// Writers are each entry's tags.function, the function that wrote it ("" when untagged):
	// read while the entry is decoded to check it, so the output need not decode it again.
	Writers []string
	DashCol int
}

// WriterTag is the key of a result's tags that names the function that wrote it.
const WriterTag = "function"

// resultEntries finds the entries of the top-level entry `results` spanning span: a key line
// `results:` with nothing after it but a comment, then entries at one dash column, each of which
// yaml.v3 decodes alone, with no key given twice. Anything else (a flow list, an anchor or tag
// on the key, blank or comment lines, which belong to no one entry, an entry that reads an
// anchor of another) is left in the skeleton, for yaml.v3 to read whole: ok is false.
func resultEntries(in []byte, span Span) (e Entries, ok bool) {
	key, pos := yamltext.Line(in, span.Start)
	rest := key[yamltext.SkipSpaces(key, len("results:")):]
	if !bytes.HasPrefix(key, []byte("results:")) || len(rest) > 0 && rest[0] != '#' {
		return Entries{}, false
	}
	e.DashCol = -1
	for pos < span.End {
		line, next := yamltext.Line(in, pos)
		ind := yamltext.Indentation(line)
		switch {
		case ind == len(line) || line[ind] == '#':
			return Entries{}, false
		case e.DashCol < 0 && yamltext.Dash(line, ind), ind == e.DashCol && yamltext.Dash(line, ind):
			e.DashCol = ind
			e.Spans = append(e.Spans, Span{Start: pos, End: span.End})
			if n := len(e.Spans); n > 1 {
				e.Spans[n-2].End = pos
			}
		case ind <= e.DashCol || e.DashCol < 0:
			return Entries{}, false
		}
		pos = next
	}
	e.Writers = make([]string, len(e.Spans))
	for i, s := range e.Spans {
		entry, err := decodeEntry(in[s.Start:s.End])
		if err != nil {
			return Entries{}, false
		}
		e.Writers[i], _ = node.Scalar(node.AsWritten(entry, "tags", WriterTag))
	}
	return e, len(e.Spans) > 0
}

// decodeEntry decodes the text of one entry of a block list (from its dash line) alone, and
// returns the entry; an error when it does not decode so, or gives a key twice.
func decodeEntry(text []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode || len(doc.Content[0].Content) != 1 {
		return nil, errors.New("not one entry of a list")
	}
	entry := doc.Content[0].Content[0]
	if path, dup := node.FirstDuplicate(entry); dup != nil {
		return nil, fmt.Errorf("%s is given twice", path)
	}
	return entry, nil
}
