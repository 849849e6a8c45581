package itemscan

import (
	"bytes"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// itemScanner reads one item line by line and checks it against the block YAML subset this
// package understands: block mappings and lists nested by indentation, keys that are plain or
// quoted on one line, values that are plain or quoted scalars on one line, flow collections on
// one line, and literal or folded block scalars without an indentation indicator. Anything else
// (anchors, aliases, tags, multi-line scalars, complex keys, tabs) makes the item not understood,
// and fn/processor decodes it with yaml.v3 instead. A key given twice in one mapping is not
// understood either, so yaml.v3's refusal of it reaches the user.
type itemScanner struct {
	frames  [16]frame // the stack's first frames, so that shallow items need no allocation
	stack   []frame
	tabs    bool // the item has tabs somewhere
	pending pending
	block   blockScalar
	failed  bool

	// keys holds a hash of (mapping, key) for every block key read, to spot a key given twice in a
	// mapping, which yaml.v3 refuses to decode; a hash collision only sends the item to yaml.v3.
	keys   map[uint64]struct{}
	pushed uint64 // frames pushed so far: each mapping's identity in keys

	mapping       bool // the item is a block mapping
	otherKeys     bool // a key of the item is quoted with escapes, so its name is not known here
	kind, version field
	service       serviceNotes
}

// frame is an open block collection.
type frame struct {
	id     uint64
	indent int
	list   bool
	key    keyName // the key whose value it is, if any
}

// pending is a key or dash whose value starts on a later line, if at all.
type pending struct {
	set     bool
	fromKey bool
	indent  int
	key     keyName
}

// blockScalar is a literal or folded scalar whose content lines are being skipped.
type blockScalar struct {
	active       bool
	parent       int // content must be indented deeper than this
	content      int // the content's indentation, 0 until the first content line
	leadingBlank int // the longest all-space line before the first content line
}

// field is what the text says of a top-level field of the item.
type field struct {
	seen  bool   // the key occurs
	known bool   // its first value is a scalar written so that value is exact
	value []byte // that value
}

func (s *itemScanner) reset(dashCol int, tabs bool) {
	keys := s.keys
	if len(keys) > 1024 {
		keys = nil // a huge item's map would make every later reset slow
	}
	clear(keys)
	*s = itemScanner{tabs: tabs, keys: keys}
	s.stack = append(s.frames[:0], frame{indent: dashCol, list: true})
}

// result says what the item's text shows.
func (s *itemScanner) result() Item {
	understood := !s.failed && !s.otherKeys
	if !understood || !s.mapping {
		return Item{Decode: true, Valid: understood}
	}
	notService := s.kind.known && string(s.kind.value) != "Service"
	notCore := s.version.known && string(s.version.value) != "v1"
	// A List (v1 List, ServiceList, any *List kind) may hold Services in its items.
	list := s.kind.known && bytes.HasSuffix(s.kind.value, []byte("List"))
	item := Item{Decode: list || !notService && !notCore, Valid: true}
	if s.kind.known && s.version.known && !notService && !notCore && !s.service.unsure {
		svc := s.service.ServiceText
		item.Service = &svc
	}
	return item
}

// line takes the item's next line; ind is its indentation (spaces).
func (s *itemScanner) line(line []byte, ind int) {
	if s.failed {
		return
	}
	if s.tabs && bytes.IndexByte(line, '\t') >= 0 {
		s.failed = true // yaml.v3 allows tabs in some places only
		return
	}
	if s.block.active && s.blockContent(line, ind) {
		return
	}
	if ind == len(line) {
		return
	}
	if line[ind] == '#' {
		return
	}
	if !s.structure(line, ind) {
		s.failed = true
	}
}

// blockContent reports whether the line belongs to the block scalar being skipped.
func (s *itemScanner) blockContent(line []byte, ind int) bool {
	b := &s.block
	if ind == len(line) {
		if b.content == 0 && ind > b.leadingBlank {
			b.leadingBlank = ind
		}
		return true
	}
	if b.content == 0 && ind > b.parent {
		if b.leadingBlank > ind {
			s.failed = true // yaml.v3 would take the blank line's indentation for the content's
		}
		b.content = ind
		return true
	}
	if b.content > 0 && ind >= b.content {
		return true
	}
	b.active = false
	return false
}

// structure places a content line in the open collections.
func (s *itemScanner) structure(line []byte, ind int) bool {
	dash := yamltext.Dash(line, ind)
	if p := s.pending; p.set {
		s.pending = pending{}
		switch {
		case ind > p.indent, ind == p.indent && dash && p.fromKey:
			s.push(frame{indent: ind, list: dash, key: p.key})
		}
	}
	for len(s.stack) > 1 {
		top := s.stack[len(s.stack)-1]
		if ind < top.indent || top.list && ind == top.indent && !dash {
			s.stack = s.stack[:len(s.stack)-1]
			continue
		}
		break
	}
	top := s.stack[len(s.stack)-1]
	switch {
	case top.indent != ind:
		return false
	case top.list && dash:
		return s.entry(line, ind)
	case !top.list && !dash:
		return s.keyLine(line, ind)
	}
	return false
}

func (s *itemScanner) push(f frame) {
	s.pushed++
	f.id = s.pushed
	s.stack = append(s.stack, f)
	if len(s.stack) == 2 && !f.list {
		s.mapping = true
	}
	s.service.pushed(s.stack)
}

// atItemTop reports whether the innermost open collection is the item's own mapping.
func (s *itemScanner) atItemTop() bool { return len(s.stack) == 2 && !s.stack[1].list }

// entry reads a list entry: `-`, then nothing, a comment, a `key: ...` opening a mapping, or a
// value.
func (s *itemScanner) entry(line []byte, ind int) bool {
	i := yamltext.SkipSpaces(line, ind+1)
	if i == len(line) || line[i] == '#' {
		s.pending = pending{set: true, indent: ind}
		return true
	}
	if yamltext.Dash(line, i) {
		return false // a list in a list on one line
	}
	if name, after, ok := blockKey(line, i); ok {
		s.push(frame{indent: i})
		return s.keyValue(line, name, after, i)
	}
	_, ok := s.value(line, i, ind, nil)
	return ok
}

// keyLine reads `key: ...` in a mapping whose keys are indented ind.
func (s *itemScanner) keyLine(line []byte, ind int) bool {
	name, after, ok := blockKey(line, ind)
	if !ok {
		return false
	}
	return s.keyValue(line, name, after, ind)
}

func (s *itemScanner) keyValue(line []byte, name keyName, after, ind int) bool {
	if !s.firstTime(name) {
		return false
	}
	var f *field
	if s.atItemTop() {
		f = s.topLevelField(name)
	}
	i := yamltext.SkipSpaces(line, after)
	if i == len(line) || line[i] == '#' {
		s.pending = pending{set: true, fromKey: true, indent: ind, key: name}
		s.noteForService(name, nil)
		return true
	}
	v, ok := s.value(line, i, ind, f)
	s.noteForService(name, &v)
	return ok
}

// firstTime records a key of the innermost mapping and reports whether it is new there. A key
// with escapes is not compared here.
func (s *itemScanner) firstTime(name keyName) bool {
	if !name.exact {
		return false
	}
	const offset, prime = 14695981039346656037, 1099511628211 // FNV-1a
	key := (offset ^ s.stack[len(s.stack)-1].id) * prime
	for _, c := range name.text {
		key = (key ^ uint64(c)) * prime
	}
	if s.keys == nil {
		s.keys = make(map[uint64]struct{}, 64)
	}
	if _, seen := s.keys[key]; seen {
		return false
	}
	s.keys[key] = struct{}{}
	return true
}

// noteForService records the key for the item's ServiceText, until the item shows it is no
// core Service.
func (s *itemScanner) noteForService(name keyName, v *scalar) {
	if s.kind.known && string(s.kind.value) != "Service" || s.version.known && string(s.version.value) != "v1" {
		return
	}
	s.service.note(s.stack, name, v)
}

// topLevelField returns the field a key of the item's own mapping records into, if any: the first
// `kind` and the first `apiVersion`, as yaml.v3 lookups find the first.
func (s *itemScanner) topLevelField(name keyName) *field {
	if !name.exact {
		s.otherKeys = true
		return nil
	}
	var f *field
	switch string(name.text) {
	case "kind":
		f = &s.kind
	case "apiVersion":
		f = &s.version
	default:
		return nil
	}
	if f.seen {
		return nil
	}
	f.seen = true
	return f
}

// value reads a value starting at i on a line whose collection is indented parent.
func (s *itemScanner) value(line []byte, i, parent int, f *field) (scalar, bool) {
	v, ok := scalarValue(line, i)
	if !ok {
		return v, false
	}
	if v.block {
		s.block = blockScalar{active: true, parent: parent}
	}
	if f != nil && v.exact {
		f.known, f.value = true, v.text
	}
	return v, true
}
