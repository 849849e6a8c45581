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
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/node"
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
type Form uint8

const (
	// Document: the piece is a YAML document (a stream's, or a whole ResourceList).
	Document Form = iota
	// Entry: the piece is one `- ` entry of a ResourceList's items, read as a list of one.
	Entry
	// WholeList: the piece is the whole ResourceList document; its objects are its items.
	WholeList
)

// Piece is a part of the input that yaml.v3 reads on its own. It is 16 bytes without a pointer,
// and holds nothing it learns of its text (Classify does, when the piece's turn comes): a list of
// 400,000 items keeps 6 MiB of pieces, which the garbage collector does not scan.
type Piece struct {
	start, end uint32 // the input is at most MaxInput bytes
	// doc is the piece's document in a stream, from 1, and 0 in a ResourceList; item is its
	// index among its list's items, -1 for a document or a list read whole. They say its Form
	// and Name.
	doc, item int32
}

// Start is the offset of the piece's first byte in the input.
func (p Piece) Start() int { return int(p.start) }

// End is the offset after the piece's last byte.
func (p Piece) End() int { return int(p.end) }

// Form is how the piece's text reads.
func (p Piece) Form() Form {
	switch {
	case p.item >= 0:
		return Entry
	case p.doc > 0:
		return Document
	}
	return WholeList
}

// Name says where the piece is, for messages: `items[3]`, `document 2`, `document 1.items[3]`.
func (p Piece) Name() string {
	switch p.Form() {
	case WholeList:
		return "the ResourceList"
	case Document:
		return fmt.Sprintf("document %d", p.doc)
	}
	if p.doc > 0 {
		return node.PathIndex(fmt.Sprintf("document %d.items", p.doc), int(p.item))
	}
	return node.PathIndex("items", int(p.item))
}

// MaxInput bounds the input: a piece's offsets are 32 bits. The function would need three times
// that in memory.
var MaxInput = math.MaxUint32

// TooLongError is an input past MaxInput.
type TooLongError struct{ Size int }

func (e *TooLongError) Error() string {
	return fmt.Sprintf("input of %d MiB; the function reads at most %d MiB", e.Size>>20, MaxInput>>20)
}

// Input is the function's input, found.
type Input struct {
	Text   []byte
	Shape  Shape
	Pieces []Piece
	// FunctionConfig is the ResourceList's functionConfig; nil for a stream or when absent.
	FunctionConfig *yaml.Node
	// Root is the ResourceList's top-level mapping (items left out when they were scanned, and
	// results too when Results has their entries).
	Root *yaml.Node
	// Results are the entries of a scanned ResourceList's results, found in its text (nil spans
	// when they are in Root): a re-run over the function's own output holds many.
	Results itemscan.Entries
	// whole is the decoded document of a WholeList piece, decoded once.
	whole *yaml.Node
	// lists are the lists whose items are pieces, by document: a stream's Lists read item by
	// item (addListItems), and a scanned ResourceList as document 0.
	lists map[int32]list
}

// list is a list whose items are pieces: its document and the column of its items' dashes.
type list struct {
	yamltext.Span
	dashCol int
}

// Class is what an item's text says before it is decoded (fn/itemscan).
type Class struct {
	// Decode says the piece must be decoded: it may hold a core Service or a List, or its text
	// is not vouched for by itemscan. Pieces that need no decoding are passed through.
	Decode bool
	// Service is, for a list item that is a core Service, what its text says exactly of its
	// labels and selector (nil when unsure): enough to pass over an unselected Service without
	// decoding it.
	Service *itemscan.ServiceText
}

// Classify reads piece p's text, as it comes to be processed: a document or a list read whole
// must be decoded; an entry is read by itemscan. An error for an item of a ResourceList means the
// list must be read whole (ReadWholeList); for an item of a List in a stream it is the List's
// *TooLargeError, as the List cannot be read item by item and is past the bound read whole.
func (in *Input) Classify(p Piece) (Class, error) {
	if p.Form() != Entry {
		return Class{Decode: true}, nil
	}
	l := in.lists[p.doc]
	item, err := itemscan.ClassifyItem(in.Text[p.start:p.end], l.dashCol)
	if err != nil {
		if p.doc > 0 {
			return Class{}, &TooLargeError{Name: fmt.Sprintf("document %d", p.doc), Size: l.End - l.Start}
		}
		return Class{}, fmt.Errorf("%s: %w", p.Name(), err)
	}
	return Class{Decode: item.Decode || !item.Valid, Service: item.Service}, nil
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
	if len(in) > MaxInput {
		return nil, &TooLongError{Size: len(in)}
	}
	chunks := yamltext.Documents(in)
	if kind, _ := yamltext.TopLevelValue(in, "kind"); len(chunks) == 1 && string(kind) == "ResourceList" {
		input, err := readResourceList(in)
		if !errors.Is(err, errNotResourceList) {
			return input, err
		}
		// The first kind line said ResourceList, but the document's kind is another: a stream.
	}
	input := &Input{Text: in, Shape: Stream, Pieces: make([]Piece, 0, len(chunks))}
	for i, c := range chunks {
		doc := int32(i + 1)
		if c.End-c.Start > MaxObject {
			// A List (kubectl get -o yaml of a large cluster) is not one object: its items are,
			// and each is held to the bound alone.
			if input.addListItems(c, doc) {
				continue
			}
		}
		input.Pieces = append(input.Pieces, Piece{start: uint32(c.Start), end: uint32(c.End), doc: doc, item: -1})
	}
	return input, nil
}

// addListItems reads the stream document c as a kind: List (or any *List kind) whose items
// itemscan finds in its text, and adds one piece for each item, read as a ResourceList's items
// are. It adds nothing and returns false for any other document, or one itemscan does not
// understand; that is then one piece. The List's own fields are held to MaxObject, as an
// object's are: a Service with 300,000 ports is no List, and is refused before yaml.v3 reads it.
func (in *Input) addListItems(c yamltext.Span, doc int32) bool {
	start := c.Start
	if line, next := yamltext.Line(in.Text, start); yamltext.OnlyMarker(line, yamltext.DirectivesEnd) {
		start = next // a bare `---` before the List
	}
	plan, err := itemscan.ScanWithin(in.Text[start:c.End], MaxObject, MaxWholeList)
	if err != nil || len(plan.Layout.Items) == 0 {
		return false
	}
	if kind, _ := node.Scalar(node.AsWritten(plan.Root, "kind")); !strings.HasSuffix(kind, "List") {
		return false
	}
	if in.lists == nil {
		in.lists = map[int32]list{}
	}
	in.lists[doc] = list{c, plan.Layout.DashCol}
	in.Pieces = slices.Grow(in.Pieces, len(plan.Layout.Items))
	for i, span := range plan.Layout.Items {
		in.Pieces = append(in.Pieces, Piece{start: uint32(start + span.Start), end: uint32(start + span.End), doc: doc, item: int32(i)})
	}
	return true
}

// readResourceList scans a ResourceList's items, or takes it whole when its text is not one
// itemscan understands. The items are classified later, each when it is processed (Classify): a
// text itemscan does not vouch for then sends the list to ReadWholeList. The list without its
// items and results (its header and functionConfig) is held to MaxObject, as an object is; its
// results (a re-run over the function's own output) to MaxWholeList, as a list read whole is.
func readResourceList(in []byte) (*Input, error) {
	plan, err := itemscan.ScanWithin(in, MaxObject, MaxWholeList)
	if err == nil && plan.Results.Spans != nil && edit.IndentStep(plan.Root) != 2 {
		// The results' entries are added as text in steps of two (fn/output); a list indented
		// otherwise has them re-encoded in its own steps, from its results decoded.
		plan, err = itemscan.ScanKeepingResults(in, MaxObject, MaxWholeList)
	}
	if rest := (*itemscan.RestTooLargeError)(nil); errors.As(err, &rest) {
		return nil, &TooLargeError{Name: "the ResourceList without its items", Size: rest.Size}
	}
	if err != nil {
		return ReadWholeList(in, err)
	}
	input := &Input{Text: in, Shape: ResourceList, Root: plan.Root, Results: plan.Results, lists: map[int32]list{0: {yamltext.Span{Start: 0, End: len(in)}, plan.Layout.DashCol}}}
	if err := checkHeader(plan.Root); err != nil {
		return nil, err
	}
	input.FunctionConfig = node.AsWritten(plan.Root, "functionConfig")
	input.Pieces = make([]Piece, len(plan.Layout.Items))
	for i, span := range plan.Layout.Items {
		input.Pieces[i] = Piece{start: uint32(span.Start), end: uint32(span.End), item: int32(i)}
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
		Pieces: []Piece{{start: 0, end: uint32(len(in)), item: -1}}}, nil
}

// Decode decodes piece p of in: exactly one YAML document (comments alone count as none), in
// which no mapping has a key twice (yaml.v3 refuses that when it decodes into Go values, and
// kubectl and the API server disagree on which one counts), and nothing else yaml.v3 refuses
// when it decodes into Go values (firstRefusal). Errors name the line in the input.
func (in *Input) Decode(p Piece) (*yaml.Node, error) {
	if size := p.End() - p.Start(); p.Form() != WholeList && size > MaxObject {
		return nil, &TooLargeError{Name: p.Name(), Size: size}
	}
	doc, err := in.whole, error(nil)
	if p.Form() != WholeList {
		doc, err = DecodeOne(in.Text[p.start:p.end])
	} else if err := in.checkItemSizes(doc); err != nil {
		return nil, err
	}
	if err == nil {
		root := doc
		if p.Form() == Entry && len(doc.Content) == 1 && len(doc.Content[0].Content) == 1 {
			root = doc.Content[0].Content[0] // paths from the item, not from the list of one
		}
		if path, n := node.FirstDuplicate(root); n != nil {
			err = fmt.Errorf("line %d: %s appears twice; YAML parsers disagree on which one counts, so give it once", n.Line, path)
		} else if r := firstRefusal(root); r != nil {
			err = fmt.Errorf("line %d: %s", r.at.Line, r.why)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not valid YAML: %s", p.Name(), inputLines(err.Error(), yamltext.LinesBefore(in.Text, p.Start())))
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
