package report

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"sort"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// AppendYAML appends results as the `results:` key of a ResourceList, byte for byte as yaml.v3
// encodes them (fn.Result's yaml tags, kyaml's encoder settings), and returns the extended buffer.
// Encoding through reflection costs more than the rest of a large run, so the common results are
// written by hand; any result holding a value outside what is handled here (a string with control
// or non-ASCII characters, surrounding spaces or a number-like start; a value that is neither
// string nor int; a tag key that is not plain; an empty object) is encoded by yaml.v3 itself.
func AppendYAML(b []byte, results fn.Results) ([]byte, error) {
	if len(results) == 0 {
		return b, nil
	}
	b = append(b, "results:\n"...)
	for _, r := range results {
		if entry, ok := appendResult(b, r); ok {
			b = entry
			continue
		}
		entry, err := encodeResultYAML(r)
		if err != nil {
			return nil, err
		}
		b = append(b, entry...)
	}
	return b, nil
}

// WriteYAML writes what AppendYAML appends, a result at a time, so that a large run's results are
// never all in memory as text, nor need to be all at once (results may make each as it is
// written). lineBreak ends each line ("\n", or "\r\n" for a CRLF list).
func WriteYAML(w io.Writer, results iter.Seq[*fn.Result], lineBreak string) error {
	var b []byte
	first := true
	for r := range results {
		var err error
		if b, err = AppendYAML(b[:0], fn.Results{r}); err != nil {
			return err
		}
		if !first {
			b = b[len("results:\n"):]
		}
		first = false
		if lineBreak != "\n" {
			b = bytes.ReplaceAll(b, []byte("\n"), []byte(lineBreak))
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// entryWriter writes the fields of one list entry: the first after "- ", the others aligned.
type entryWriter struct {
	b      []byte
	fields int
	ok     bool
}

func (e *entryWriter) key(indent, name string) {
	if e.fields == 0 {
		e.b = append(e.b, "- "...)
	} else {
		e.b = append(e.b, indent...)
	}
	e.fields++
	e.b = append(e.b, name...)
	e.b = append(e.b, ':')
}

// str writes `name: value` unless value is empty (omitempty).
func (e *entryWriter) str(indent, name, value string) {
	if value == "" || !e.ok {
		return
	}
	e.key(indent, name)
	e.b = append(e.b, ' ')
	e.b, e.ok = appendString(e.b, value)
	e.b = append(e.b, '\n')
}

// any writes `name: value` for a nil (omitted), string or int value.
func (e *entryWriter) any(indent, name string, value any) {
	switch v := value.(type) {
	case nil:
	case int:
		e.key(indent, name)
		e.b = append(e.b, ' ')
		e.b = strconv.AppendInt(e.b, int64(v), 10)
		e.b = append(e.b, '\n')
	case string:
		if !e.ok {
			return
		}
		e.key(indent, name)
		e.b = append(e.b, ' ')
		e.b, e.ok = appendString(e.b, v)
		e.b = append(e.b, '\n')
	default:
		e.ok = false
	}
}

// object opens a nested object field; empty objects are left to yaml.v3 (`{}`).
func (e *entryWriter) object(indent, name string, empty bool) {
	if empty {
		e.ok = false
		return
	}
	e.key(indent, name)
	e.b = append(e.b, '\n')
}

func appendResult(b []byte, r *fn.Result) ([]byte, bool) {
	const top, nested = "  ", "    "
	e := &entryWriter{b: b, ok: true}
	e.str(top, "message", r.Message)
	e.str(top, "severity", string(r.Severity))
	if ref := r.ResourceRef; ref != nil && e.ok {
		e.object(top, "resourceRef", *ref == fn.ResourceRef{})
		e.str(nested, "apiVersion", ref.APIVersion)
		e.str(nested, "kind", ref.Kind)
		e.str(nested, "name", ref.Name)
		e.str(nested, "namespace", ref.Namespace)
	}
	if f := r.Field; f != nil && e.ok {
		e.object(top, "field", f.Path == "" && f.CurrentValue == nil && f.ProposedValue == nil)
		e.str(nested, "path", f.Path)
		e.any(nested, "currentValue", f.CurrentValue)
		e.any(nested, "proposedValue", f.ProposedValue)
	}
	if f := r.File; f != nil && e.ok {
		e.object(top, "file", *f == fn.File{})
		e.str(nested, "path", f.Path)
		if f.Index != 0 {
			e.any(nested, "index", f.Index)
		}
	}
	if len(r.Tags) > 0 && e.ok {
		e.object(top, "tags", false)
		keys := make([]string, 0, len(r.Tags))
		for k := range r.Tags {
			keys = append(keys, k)
		}
		sort.Strings(keys) // yaml.v3 writes a map's keys sorted
		for _, k := range keys {
			e.tag(nested, k, r.Tags[k])
		}
	}
	if !e.ok || e.fields == 0 {
		return b, false
	}
	return e.b, true
}

// tag writes one `key: value` of a result's tags: plain keys only (the ones this function sets);
// any other key goes to yaml.v3.
func (e *entryWriter) tag(indent, key, value string) {
	if key == "" || readsAs(key) != readsAsString || !plainAllowed(key) || !e.ok {
		e.ok = false
		return
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= 0x20 || key[i] > 0x7e {
			e.ok = false
			return
		}
	}
	e.key(indent, key)
	e.b = append(e.b, ' ')
	e.b, e.ok = appendString(e.b, value)
	e.b = append(e.b, '\n')
}

// appendString writes s as yaml.v3 writes a string map value in block context: plain when it
// reads back as the same string, single-quoted when the emitter may not write it plain, and
// double-quoted when plain would read back as another type. It handles printable ASCII without
// surrounding spaces; ok is false for anything else.
func appendString(b []byte, s string) ([]byte, bool) {
	if s == "" {
		return append(b, `""`...), true
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return b, false
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return b, false
	}
	switch readsAs(s) {
	case readsAsOther:
		return appendDoubleQuoted(b, s), true
	case readsAsUnknown:
		return b, false
	}
	if plainAllowed(s) {
		return append(b, s...), true
	}
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' {
			b = append(b, '\'')
		}
		b = append(b, s[i])
	}
	return append(b, '\''), true
}

const (
	readsAsString = iota
	readsAsOther
	readsAsUnknown
)

// readsAs tells whether yaml.v3 would read s, written plain, back as a string (its resolve and the
// encoder's YAML 1.1 caution for old booleans). Strings starting with a digit, sign or dot are
// left unknown unless all digits.
func readsAs(s string) int {
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~",
		"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return readsAsOther
	case "<<":
		return readsAsUnknown // read back as a merge key, and written tagged
	}
	if c := s[0]; c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' {
		if isDigits(s) {
			return readsAsOther
		}
		return readsAsUnknown
	}
	return readsAsString
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainAllowed mirrors the yaml.v3 emitter's block_plain_allowed for printable ASCII without
// surrounding spaces: no indicator first, no `: ` or ` #` inside, no document marker start.
func plainAllowed(s string) bool {
	if len(s) >= 3 && (s[:3] == "---" || s[:3] == "...") {
		return false
	}
	followedBySpace := func(i int) bool { return i+1 == len(s) || s[i+1] == ' ' }
	switch s[0] {
	case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	case '?', ':', '-':
		if followedBySpace(0) {
			return false
		}
	}
	for i := 1; i < len(s); i++ {
		if s[i] == ':' && followedBySpace(i) || s[i] == '#' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

func appendDoubleQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// encodeResultYAML encodes one result with yaml.v3 itself, and returns its
// list entry: the way every result was written before AppendYAML, and the oracle its tests use.
func encodeResultYAML(r *fn.Result) ([]byte, error) {
	n := &yaml.Node{}
	if err := n.Encode(r); err != nil {
		return nil, fmt.Errorf("encoding result %q: %w", r.Message, err)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "results"},
		{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: []*yaml.Node{n}},
	}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encoding result %q: %w", r.Message, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return bytes.TrimPrefix(b.Bytes(), []byte("results:\n")), nil
}
