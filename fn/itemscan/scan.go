// Package itemscan finds the items of a ResourceList in its text, without building a YAML tree
// (Scan), and tells which items must be decoded (Classify): those that may be core Services (or
// Lists of them), and those whose text it does not fully understand (yaml.v3 then decodes and
// validates them). Every other item it validates itself against a conservative subset of block YAML, so
// that an input it accepts is one yaml.v3 accepts too, with the same items. Classify reads one
// item and nothing else, so the items can be classified in parallel.
//
// Scan and Classify refuse, with an error saying why, any input whose overall shape they do not
// understand (JSON, a flow `items` list, document markers, a BOM, carriage returns, control
// characters, tabs or odd indentation where items begin); fn/input then decodes the list whole.
package itemscan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Span is a byte range [Start, End) of the input.
type Span struct{ Start, End int }

// Layout is where the items sit in the input.
type Layout struct {
	// Region runs from the line after `items:` to the end of the last item.
	Region Span
	// Items are the items' spans in input order: each from the start of the line that holds its
	// dash to the start of the next item's dash line, or to the end of the items.
	Items []Span
	// DashCol is the column of the items' dashes, 0 for kyaml's compact style.
	DashCol int
}

// Plan is what Scan found.
type Plan struct {
	// Layout is where the items are; it has no items when `items` is empty or absent.
	Layout Layout
	// Skeleton is the input without the items' lines: everything else, for yaml.v3 to decode.
	Skeleton []byte
	// Keys are the top-level keys, in order.
	Keys []string
	// Root is the skeleton as yaml.v3 decodes it: the list's header and functionConfig, with
	// `items` empty, and `results` too when Results has its entries.
	Root *yaml.Node
	// Results are the entries of `results`, when they are left out of the skeleton as the items
	// are (resultEntries says when).
	Results Entries
}

// Scan finds the items of in and checks everything but their contents (see Classify). A non-empty
// non-nil error means the input must be decoded whole (fn/input).
func Scan(in []byte) (*Plan, error) { return ScanWithin(in, len(in), len(in)) }

// ScanKeepingResults is ScanWithin, but leaves the results in the skeleton, for a caller that
// needs them decoded with the rest of the list.
func ScanKeepingResults(in []byte, maxRest, maxResults int) (*Plan, error) {
	return scan(in, maxRest, maxResults, false)
}

// RestTooLargeError says the list without its items is past the bound ScanWithin was given:
// yaml.v3 would hold many times its text to decode it.
type RestTooLargeError struct{ Size int }

func (e *RestTooLargeError) Error() string {
	return fmt.Sprintf("the list without its items is %d bytes", e.Size)
}

// ScanWithin is Scan, but decodes the rest of the list (everything but the items and the
// results) only when it is at most maxRest bytes, and otherwise returns a *RestTooLargeError: a
// document that is not a list of small items (one Service with 300,000 ports) is refused before
// yaml.v3 reads it whole. The results are left out of that bound, as the items are: they are a
// list of small entries that functions wrote (a re-run over the function's own output holds one
// for each Service it changed). They are held to maxResults instead; past it the error is an
// ordinary one, and the list is for yaml.v3 to read whole, if it can.
func ScanWithin(in []byte, maxRest, maxResults int) (*Plan, error) {
	return scan(in, maxRest, maxResults, true)
}

func scan(in []byte, maxRest, maxResults int, splitResults bool) (*Plan, error) {
	switch {
	case len(in) == 0 || in[len(in)-1] != '\n':
		return nil, errors.New("the input does not end with a newline")
	case bytes.HasPrefix(in, []byte(yamltext.BOM)):
		return nil, errors.New("the input starts with a byte order mark")
	case bytes.IndexByte(in, '\r') >= 0:
		return nil, errors.New("the input has carriage returns") // the scan reads lines ending in \n
	}
	s := &scanner{in: in, itemsKey: -1}
	if err := s.scanLines(); err != nil {
		return nil, err
	}
	if s.itemsKey < 0 {
		s.region = Span{Start: len(in), End: len(in)}
	}
	results := s.keySpan("results")
	if size := results.End - results.Start; size > maxResults {
		return nil, fmt.Errorf("the results are %d bytes, past the %d the scan decodes", size, maxResults)
	}
	if rest := len(in) - (s.region.End - s.region.Start) - (results.End - results.Start); rest > maxRest {
		return nil, &RestTooLargeError{Size: rest}
	}
	p := &Plan{Layout: Layout{Region: s.region, Items: s.items, DashCol: s.dashCol}, Keys: s.keyNames()}
	s.cuts = []Span{s.region}
	if splitResults && results.End > results.Start {
		if e, ok := resultEntries(in, results); ok {
			p.Results = e
			s.cuts = append(s.cuts, Span{Start: e.Spans[0].Start, End: results.End})
			slices.SortFunc(s.cuts, func(a, b Span) int { return a.Start - b.Start })
		}
	}
	p.Skeleton = s.skeleton()
	// Classify checks the items' bytes; these are the rest: the skeleton, and the comments and
	// blank lines between `items:` and the first item.
	beforeItems := in[s.region.Start:s.region.End]
	if len(s.items) > 0 {
		beforeItems = in[s.region.Start:s.items[0].Start]
	}
	for _, text := range [][]byte{p.Skeleton, beforeItems} {
		if _, err := checkBytes(text); err != nil {
			return nil, err
		}
	}
	root, err := s.confirmKeys(p.Skeleton)
	if err != nil {
		return nil, err
	}
	p.Root = root
	return p, nil
}

// Item is what Classify learns of one item from its text.
type Item struct {
	// Decode says the item must be decoded: it may be a core Service, or its text is
	// not understood here.
	Decode bool
	// Valid says the text is understood here, and so is valid YAML: when the item need not be
	// processed, it need not be decoded either.
	Valid bool
	// Service is, for a core Service, what its text says exactly of the parts selection and the
	// warnings read (nil when it says them in a way not recorded here).
	Service *ServiceText
}

// Classify reads item i; an error means the input must be decoded whole (fn/input).
func (p *Plan) Classify(in []byte, i int) (Item, error) {
	item, err := ClassifyItem(in[p.Layout.Items[i].Start:p.Layout.Items[i].End], p.Layout.DashCol)
	if err != nil {
		return Item{}, fmt.Errorf("%s: %w", node.PathIndex("items", i), err)
	}
	return item, nil
}

// ClassifyItem reads one item's text, span, whose dash is at column dashCol: what Classify does,
// for a caller that keeps the items' spans and dash column itself, and not the Plan.
func ClassifyItem(span []byte, dashCol int) (Item, error) {
	s := scanners.Get().(*itemScanner)
	defer scanners.Put(s)
	if err := s.read(span, dashCol); err != nil {
		return Item{}, err
	}
	return s.result(), nil
}

// scanners keep their key maps from item to item.
var scanners = sync.Pool{New: func() any { return new(itemScanner) }}

func (s *itemScanner) read(span []byte, dashCol int) error {
	tabs, err := checkBytes(span)
	if err != nil {
		return err
	}
	s.reset(dashCol, tabs)
	for pos := 0; pos < len(span); {
		line, next := yamltext.Line(span, pos)
		s.line(line, yamltext.Indentation(line))
		pos = next
	}
	return nil
}

// checkBytes refuses what yaml.v3 would reject, or the scan does not read, anywhere
// in text: carriage returns, control characters other than tabs, invalid UTF-8, non-printable
// characters, and the Unicode line breaks yaml.v3 honours besides \n. tabs says whether there are tabs. Eight bytes at a time: a word of printable ASCII
// and newlines passes with a few tests.
func checkBytes(text []byte) (tabs bool, err error) {
	i := 0
	for i+8 <= len(text) {
		if printableASCII(binary.LittleEndian.Uint64(text[i:])) {
			i += 8
			continue
		}
		if i, tabs, err = checkSlowly(text, i, i+8, tabs); err != nil {
			return tabs, err
		}
	}
	_, tabs, err = checkSlowly(text, i, len(text), tabs)
	return tabs, err
}

// printableASCII reports whether the eight bytes of w are all printable ASCII or newlines.
func printableASCII(w uint64) bool {
	const ones, lows, highs, spaces = 0x0101010101010101, 0x7f7f7f7f7f7f7f7f, 0x8080808080808080, 0x2020202020202020
	zeros := func(x uint64) uint64 { return ^((x&lows + lows) | x | lows) } // 0x80 in each zero byte
	w |= zeros(w^0x0a0a0a0a0a0a0a0a) >> 2                                   // newlines become '*'
	return w&highs|(w-spaces)&highs|zeros(w^lows) == 0                      // no high bit, control character or DEL
}

// checkSlowly checks the characters starting in text[from:to] one by one and returns where the
// last one ends, which may be past to, and whether there were tabs.
func checkSlowly(text []byte, from, to int, tabs bool) (int, bool, error) {
	i := from
	for i < to {
		b := text[i]
		switch {
		case b >= 0x20 && b < 0x7f, b == '\n':
			i++
			continue
		case b == '\t':
			tabs = true
			i++
			continue
		case b == '\r':
			return i, tabs, errors.New("the input has carriage returns")
		case b < 0x80:
			return i, tabs, fmt.Errorf("control character %#x", b)
		}
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case !printable(r) || r == utf8.RuneError && size == 1:
			return i, tabs, errors.New("an invalid or non-printable character")
		case r == 0x85 || r == 0x2028 || r == 0x2029:
			return i, tabs, errors.New("a line break other than \\n") // yaml.v3 breaks lines there too (YAML 1.1)
		}
		i += size
	}
	return i, tabs, nil
}

// printable is YAML's c-printable, less the ASCII already checked.
func printable(r rune) bool {
	return r == 0x85 || r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

// key is a top-level key, the line it is on (1-based) and the offset of that line.
type key struct {
	name      string
	line, pos int
}

type scanner struct {
	in       []byte
	keys     []key
	itemsKey int // index in keys of `items`, -1 until found
	inItems  bool
	flowList bool // `items: []`
	dashCol  int  // -1 until the first dash
	region   Span
	items    []Span
	// regionLines counts the lines of the region, which the skeleton leaves out.
	regionLines int
	// cuts are what the skeleton leaves out, in order: the items' region, and the results'
	// entries when they are found.
	cuts []Span
}

// skeleton is the input without the cuts.
func (s *scanner) skeleton() []byte {
	size := len(s.in)
	for _, c := range s.cuts {
		size -= c.End - c.Start
	}
	out, pos := make([]byte, 0, size), 0
	for _, c := range s.cuts {
		out, pos = append(out, s.in[pos:c.Start]...), c.End
	}
	return append(out, s.in[pos:]...)
}

// linesCut is how many lines the skeleton leaves out before offset pos.
func (s *scanner) linesCut(pos int) int {
	n := 0
	for _, c := range s.cuts {
		switch {
		case c == s.region && c.Start < pos:
			n += s.regionLines
		case c.Start < pos:
			n += bytes.Count(s.in[c.Start:c.End], []byte{'\n'})
		}
	}
	return n
}

// scanLines walks the lines once. Top-level keys start in column 0; inside `items`, a dash in the
// items' column starts the next item; every other line belongs to the entry or item before it.
func (s *scanner) scanLines() error {
	in := s.in
	s.dashCol = -1
	for pos, n := 0, 1; pos < len(in); n++ {
		if col, ok := s.ownColumn(); ok {
			if next, lines := yamltext.Deeper(in, pos, col); lines > 0 {
				s.countRegion(pos, lines)
				pos, n = next, n+lines-1
				continue
			}
		}
		line, next := yamltext.Line(in, pos)
		if err := s.line(line, pos, n); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		s.countRegion(pos, 1)
		pos = next
	}
	if s.inItems {
		s.endItems(len(in))
	}
	if len(s.keys) == 0 {
		return errors.New("no top-level key")
	}
	return nil
}

// ownColumn is, once a top-level key or the first item has been read, the column at or left of
// which a line means something to the scan: lines indented deeper are the content of the entry
// or item before them, which the scan passes (line says no more of them).
func (s *scanner) ownColumn() (int, bool) {
	switch {
	case s.inItems && !s.flowList && s.dashCol >= 0:
		return s.dashCol, true
	case !s.inItems && len(s.keys) > 0:
		return 0, true
	}
	return 0, false
}

// countRegion counts the lines from pos that are the items' region, which the skeleton leaves out.
func (s *scanner) countRegion(pos, lines int) {
	if s.inItems && pos >= s.region.Start {
		s.regionLines += lines
	}
}

func (s *scanner) line(line []byte, pos, n int) error {
	ind := yamltext.Indentation(line)
	if ind == len(line) || line[ind] == '#' {
		return nil // blank or a comment
	}
	if ind == 0 && line[0] == '\t' {
		return errors.New("a tab starts the line")
	}
	if ind == 0 && !yamltext.Dash(line, 0) {
		if s.inItems {
			s.endItems(pos)
		}
		return s.topLevelKey(line, pos, n)
	}
	if !s.inItems {
		if len(s.keys) == 0 {
			return errors.New("content before the first top-level key")
		}
		return nil // part of another top-level entry; yaml.v3 reads those (see confirmKeys)
	}
	switch {
	case s.flowList:
		return errors.New("content after `items: []`")
	case s.dashCol < 0 && !yamltext.Dash(line, ind):
		return errors.New("the items do not start with a dash")
	case s.dashCol < 0 || ind == s.dashCol && yamltext.Dash(line, ind):
		s.dashCol = ind
		s.items = append(s.items, Span{Start: pos})
	case ind <= s.dashCol:
		return errors.New("a line in the items is indented no deeper than their dashes")
	}
	return nil // a line of the current item
}

func (s *scanner) topLevelKey(line []byte, pos, n int) error {
	if yamltext.Marker(line, yamltext.DirectivesEnd) || yamltext.Marker(line, yamltext.DocumentEnd) || yamltext.Directive(line) {
		return errors.New("a document marker or directive")
	}
	name, after, ok := plainKey(line, 0)
	if !ok {
		return errors.New("not a top-level key")
	}
	s.keys = append(s.keys, key{name: string(name), line: n, pos: pos})
	if string(name) != "items" {
		return nil
	}
	if s.itemsKey >= 0 {
		return errors.New("a second `items`")
	}
	s.itemsKey = len(s.keys) - 1
	next := pos + len(line) + 1
	s.region = Span{Start: next, End: next}
	rest := line[yamltext.SkipSpaces(line, after):]
	switch {
	case len(rest) == 0 || rest[0] == '#':
		s.inItems = true
	case bytes.HasPrefix(rest, []byte("[]")) && yamltext.EndsValue(rest, 2):
		s.inItems, s.flowList = true, true
	default:
		return errors.New("`items` is not a block list")
	}
	return nil
}

func (s *scanner) endItems(pos int) {
	s.inItems = false
	s.region.End = pos
	if len(s.items) > 0 {
		s.items[len(s.items)-1].End = pos
	}
	for i := 0; i+1 < len(s.items); i++ {
		s.items[i].End = s.items[i+1].Start
	}
}

// keySpan is the text of the top-level entry name, from its key's line to the next key's or the
// end; empty when there is no such key. It is not called for `items`, whose text is the region.
func (s *scanner) keySpan(name string) Span {
	for i, k := range s.keys {
		if k.name != name {
			continue
		}
		if i+1 < len(s.keys) {
			return Span{Start: k.pos, End: s.keys[i+1].pos}
		}
		return Span{Start: k.pos, End: len(s.in)}
	}
	return Span{}
}

func (s *scanner) keyNames() []string {
	names := make([]string, len(s.keys))
	for i, k := range s.keys {
		names[i] = k.name
	}
	return names
}

// confirmKeys has yaml.v3 decode the skeleton and checks that its top-level keys are exactly
// the ones the scan found, on the same lines, with `items` empty: then no line the scan took for
// a key or an item belongs to a multi-line value, and the rest of the list is valid YAML.
func (s *scanner) confirmKeys(skeleton []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(skeleton, &doc); err != nil {
		return nil, fmt.Errorf("the rest of the list does not decode: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode || len(doc.Content[0].Content) != 2*len(s.keys) {
		return nil, errors.New("the rest of the list decodes to other keys")
	}
	root := doc.Content[0]
	for i, k := range s.keys {
		line := k.line - s.linesCut(k.pos)
		if got := root.Content[2*i]; got.Value != k.name || got.Line != line || got.Column != 1 || got.Style != 0 {
			return nil, fmt.Errorf("the rest of the list decodes to other keys (%q on line %d)", got.Value, got.Line)
		}
	}
	if s.itemsKey >= 0 && !s.flowList && !isNull(root.Content[2*s.itemsKey+1]) {
		return nil, errors.New("`items` decodes to a value")
	}
	if len(s.cuts) > 1 && !isNull(node.AsWritten(root, "results")) {
		return nil, errors.New("`results` decodes to a value besides its entries")
	}
	// Decoding into a node does not refuse a key given twice, as decoding into a value does: the
	// whole-list decode then refuses it with its line.
	if path, dup := node.FirstDuplicate(root); dup != nil {
		return nil, fmt.Errorf("%s is given twice", path)
	}
	// The keys after the cuts go back to their lines in the input, so that the root's positions
	// are the input's: the output edits the list's results there.
	for i, k := range s.keys {
		if removed := s.linesCut(k.pos); removed > 0 {
			shiftLines(root.Content[2*i], removed)
			shiftLines(root.Content[2*i+1], removed)
		}
	}
	return root, nil
}

// shiftLines moves n and everything under it by lines; an alias's anchor is left to the walk
// that reaches it.
func shiftLines(n *yaml.Node, lines int) {
	n.Line += lines
	for _, c := range n.Content {
		shiftLines(c, lines)
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagNull && n.Value == ""
}
