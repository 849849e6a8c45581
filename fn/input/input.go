// Package input is where what the function reads becomes pieces of text to decode: the items of
// a ResourceList, or the documents of a plain YAML stream. Each piece is a contiguous part of the
// input that yaml.v3 reads on its own, so an object's positions point into the input and a change
// to it can be written as an edit of the input's bytes (fn/edit). Nothing here changes the text.
//
// A ResourceList is read without a YAML tree when fn/itemscan understands its text: the items are
// found by their dashes, and only those that may hold a core Service (or a List of them), or whose
// text itemscan does not vouch for, are marked for decoding. Any other ResourceList is one piece,
// the whole document, which yaml.v3 reads in full. A plain stream is cut at its document markers;
// every document is a piece and is decoded.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/parallel"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Shape is what kind of input the function was given.
type Shape int

const (
	// ResourceList is a KRM function's input: kpt and kustomize.
	ResourceList Shape = iota
	// Stream is plain YAML documents: Helm, CI, pipes.
	Stream
)

// Form is how a piece's text reads.
type Form int

const (
	// Document: the piece is a YAML document (a stream's, or a whole ResourceList).
	Document Form = iota
	// Entry: the piece is one `- ` entry of a ResourceList's items, read as a list of one.
	Entry
	// WholeList: the piece is the whole ResourceList document; its objects are its items.
	WholeList
)

// Piece is a part of the input that yaml.v3 reads on its own.
type Piece struct {
	Start, End int
	Form       Form
	// Name says where the piece is, for messages: `items[3]`, `document 2`.
	Name string
	// Decode says the piece must be decoded: it may hold a core Service or a List, or its text
	// is not vouched for by itemscan. Pieces that need no decoding are passed through.
	Decode bool
	// Service is, for a ResourceList item that is a core Service, what its text says exactly of
	// its labels and selector (nil when unsure): enough to pass over an unselected Service
	// without decoding it.
	Service *itemscan.ServiceText
}

// Input is the function's input, found.
type Input struct {
	Text   []byte
	Shape  Shape
	Pieces []Piece
	// FunctionConfig is the ResourceList's functionConfig; nil for a stream or when absent.
	FunctionConfig *yaml.Node
	// Root is the ResourceList's top-level mapping (items left out when they were scanned).
	Root *yaml.Node
	// whole is the decoded document of a WholeList piece, decoded once.
	whole *yaml.Node
}

// MaxObject bounds one item or document that must be decoded: yaml.v3 holds about 60 times its
// text. The API server takes requests of at most 3 MiB, so no object that reaches a cluster comes
// near it; a larger one (a Service with 300,000 ports) is refused with a clear error.
var MaxObject = 4 << 20

// MaxWholeList bounds a ResourceList that must be read in full: yaml.v3 holds a node tree of about
// 100 times the text, so a larger one is refused with a clear error rather than killed for memory.
var MaxWholeList = 64 << 20

// The API versions of ResourceList the KRM functions specification defines.
var apiVersions = []string{"config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"}

// Read finds the pieces of in.
func Read(in []byte) (*Input, error) {
	chunks := yamltext.Documents(in)
	if kind, _ := yamltext.TopLevelValue(in, "kind"); len(chunks) == 1 && string(kind) == "ResourceList" {
		input, err := readResourceList(in)
		if !errors.Is(err, errNotResourceList) {
			return input, err
		}
		// The first kind line said ResourceList, but the document's kind is another: a stream.
	}
	input := &Input{Text: in, Shape: Stream}
	for i, c := range chunks {
		name := fmt.Sprintf("document %d", i+1)
		if c.End-c.Start > MaxObject {
			// A List (kubectl get -o yaml of a large cluster) is not one object: its items are,
			// and each is held to the bound alone.
			if items, ok := listItemPieces(in, c, name); ok {
				input.Pieces = append(input.Pieces, items...)
				continue
			}
		}
		input.Pieces = append(input.Pieces, Piece{Start: c.Start, End: c.End, Form: Document, Name: name, Decode: true})
	}
	return input, nil
}

// listItemPieces reads the stream document c as a kind: List (or any *List kind) whose items
// itemscan finds in its text: one piece for each item, read as a ResourceList's items are. ok is
// false for any other document, or one itemscan does not understand; it is then one piece.
func listItemPieces(in []byte, c yamltext.Span, name string) ([]Piece, bool) {
	start := c.Start
	if line, next := yamltext.Line(in, start); yamltext.OnlyMarker(line, yamltext.DirectivesEnd) {
		start = next // a bare `---` before the List
	}
	plan, err := itemscan.Scan(in[start:c.End])
	if err != nil || len(plan.Layout.Items) == 0 {
		return nil, false
	}
	if kind, _ := node.Scalar(node.AsWritten(plan.Root, "kind")); !strings.HasSuffix(kind, "List") {
		return nil, false
	}
	pieces := make([]Piece, len(plan.Layout.Items))
	errs := parallel.Map(len(pieces), func(i int) error {
		item, err := plan.Classify(in[start:c.End], i)
		span := plan.Layout.Items[i]
		pieces[i] = Piece{Start: start + span.Start, End: start + span.End, Form: Entry, Name: node.PathIndex(name+".items", i),
			Decode: item.Decode || !item.Valid, Service: item.Service}
		return err
	})
	for _, err := range errs {
		if err != nil {
			return nil, false
		}
	}
	return pieces, true
}

// readResourceList scans a ResourceList's items, or takes it whole when its text is not one
// itemscan understands.
func readResourceList(in []byte) (*Input, error) {
	plan, err := itemscan.Scan(in)
	if err != nil {
		return ReadWholeList(in, err)
	}
	input := &Input{Text: in, Shape: ResourceList, Root: plan.Root}
	if err := checkHeader(plan.Root); err != nil {
		return nil, err
	}
	input.FunctionConfig = node.AsWritten(plan.Root, "functionConfig")
	input.Pieces = make([]Piece, len(plan.Layout.Items))
	errs := parallel.Map(len(plan.Layout.Items), func(i int) error {
		item, err := plan.Classify(in, i)
		span := plan.Layout.Items[i]
		input.Pieces[i] = Piece{Start: span.Start, End: span.End, Form: Entry, Name: node.PathIndex("items", i),
			Decode: item.Decode || !item.Valid, Service: item.Service}
		return err
	})
	for _, err := range errs {
		if err != nil {
			return ReadWholeList(in, err)
		}
	}
	return input, nil
}

// ReadWholeList reads a ResourceList as one document: yaml.v3 decides what it says. why says why
// the scan could not be used.
func ReadWholeList(in []byte, why error) (*Input, error) {
	if len(in) > MaxWholeList {
		return nil, fmt.Errorf("input of %d MiB needs the full YAML parser (%w), which takes about 100 times the input in memory; it handles at most %d MiB",
			len(in)>>20, why, MaxWholeList>>20)
	}
	doc, err := DecodeOne(in)
	if err != nil {
		return nil, fmt.Errorf("input is not valid YAML: %w", err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errNotResourceList
	}
	root := doc.Content[0]
	if err := checkHeader(root); err != nil {
		return nil, err
	}
	items := node.AsWritten(root, "items")
	if !node.IsNull(items) && items.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("ResourceList items is %s; want a list of objects", node.Describe(items))
	}
	return &Input{Text: in, Shape: ResourceList, Root: root, FunctionConfig: node.AsWritten(root, "functionConfig"), whole: doc,
		Pieces: []Piece{{Start: 0, End: len(in), Form: WholeList, Name: "the ResourceList", Decode: true}}}, nil
}

// Decode decodes piece p of in: exactly one YAML document (comments alone count as none), in
// which no mapping has a key twice (yaml.v3 refuses that when it decodes into Go values, and
// kubectl and the API server disagree on which one counts), and nothing else yaml.v3 refuses
// when it decodes into Go values (firstRefusal). Errors name the line in the input.
func (in *Input) Decode(p Piece) (*yaml.Node, error) {
	if size := p.End - p.Start; p.Form != WholeList && size > MaxObject {
		return nil, &TooLargeError{Name: p.Name, Size: size}
	}
	doc, err := in.whole, error(nil)
	if p.Form != WholeList {
		doc, err = DecodeOne(in.Text[p.Start:p.End])
	} else if err := in.checkItemSizes(doc); err != nil {
		return nil, err
	}
	if err == nil {
		root := doc
		if p.Form == Entry && len(doc.Content) == 1 && len(doc.Content[0].Content) == 1 {
			root = doc.Content[0].Content[0] // paths from the item, not from the list of one
		}
		if path, n := node.FirstDuplicate(root); n != nil {
			err = fmt.Errorf("line %d: %s appears twice; YAML parsers disagree on which one counts, so give it once", n.Line, path)
		} else if r := firstRefusal(root); r != nil {
			err = fmt.Errorf("line %d: %s", r.at.Line, r.why)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not valid YAML: %s", p.Name, inputLines(err.Error(), yamltext.LinesBefore(in.Text, p.Start)))
	}
	return doc, nil
}

// TooLargeError is an object past MaxObject: refused however its list was read.
type TooLargeError struct {
	Name string // where it is: items[3], document 2
	Size int    // its text's length in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is %.1f MiB; the function decodes objects of at most %d MiB (the API server takes requests of at most 3 MiB)",
		e.Name, float64(e.Size)/(1<<20), MaxObject>>20)
}

// checkItemSizes holds each item of a ResourceList read whole to MaxObject, as the items of a
// scanned one are: an item's text runs from its position to the next item's, or to the end of
// the text for the last (an upper bound: what follows the items counts too).
func (in *Input) checkItemSizes(doc *yaml.Node) error {
	if len(doc.Content) == 0 || len(in.Text) <= MaxObject {
		return nil
	}
	items := node.AsWritten(doc.Content[0], "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil
	}
	lines := make([]int, len(items.Content))
	for i, item := range items.Content {
		lines[i] = item.Line
	}
	starts := yamltext.LineStarts(in.Text, lines)
	for i, start := range starts {
		end := len(in.Text)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		if end-start > MaxObject {
			return &TooLargeError{Name: node.PathIndex("items", i), Size: end - start}
		}
	}
	return nil
}

// lineNumber is how yaml.v3 and Decode name a line in an error.
var lineNumber = regexp.MustCompile(`line (\d+)`)

// inputLines turns the line numbers of an error about a piece into the input's.
func inputLines(msg string, before int) string {
	return lineNumber.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(m[len("line "):])
		return "line " + strconv.Itoa(n+before)
	})
}

// DecodeOne decodes text, which must hold exactly one YAML document (comments alone count as
// none).
func DecodeOne(text []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.DocumentNode}, nil
		}
		return nil, err
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return &doc, nil
	case err != nil:
		return nil, err
	}
	return nil, errors.New("more than one document where one was expected")
}

// errNotResourceList: the document is not a ResourceList after all.
var errNotResourceList = errors.New("not a ResourceList")

func checkHeader(root *yaml.Node) error {
	seen := map[string]bool{}
	for _, f := range node.Fields(root) {
		if seen[f.Key] {
			return fmt.Errorf("ResourceList has %s twice; YAML parsers disagree on which one counts, so give it once", f.Key)
		}
		seen[f.Key] = true
	}
	apiVersion, _ := node.Scalar(node.AsWritten(root, "apiVersion"))
	if kind, _ := node.Scalar(node.AsDecoded(root, "kind")); kind != "ResourceList" {
		return errNotResourceList
	}
	for _, v := range apiVersions {
		if apiVersion == v {
			return nil
		}
	}
	return fmt.Errorf("ResourceList apiVersion %q is not supported; allowed %s, %s", apiVersion, apiVersions[0], apiVersions[1])
}
