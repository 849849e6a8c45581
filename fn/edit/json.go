package edit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A flow mapping whose keys are all double-quoted is written as JSON: kubectl, jq and every JSON
// reader take input that starts with `{` as JSON, so what is added to it must be JSON too. An
// empty mapping, a flow sequence and a scalar are as JSON as the collection around them.
func jsonStyle(m *yaml.Node, outer bool) bool {
	switch {
	case m.Kind == yaml.ScalarNode || m.Kind == yaml.AliasNode:
		return outer
	case m.Style&yaml.FlowStyle == 0:
		return false
	case m.Kind != yaml.MappingNode || len(m.Content) == 0:
		return outer
	}
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Style&yaml.DoubleQuotedStyle == 0 {
			return false
		}
	}
	return true
}

// jsonLayout is how a JSON mapping in the text spaces its entries, for the entries added to it.
type jsonLayout struct {
	colon  string // between a key and its value: ": " or ":"
	comma  string // between entries on one line: ", " or ","
	indent string // the entries' indentation when each has a line of its own, else ""
	step   string // how much deeper a nested collection's entries go than their parent's
}

// nested is the layout of a collection one level deeper.
func (l jsonLayout) nested() jsonLayout {
	if l.indent != "" {
		l.indent += l.step
	}
	return l
}

// layout reads how the JSON mapping m spaces its last entry: whether entries stand one a line
// (the closing brace on a line of its own, as kubectl and jq print), the indentation, the
// separators.
func (s *source) layout(m *yaml.Node) jsonLayout {
	l := jsonLayout{colon: ": ", comma: ", ", step: "  "}
	if len(m.Content) == 0 {
		return l
	}
	k, v := m.Content[len(m.Content)-2], m.Content[len(m.Content)-1]
	keyEnd, err := s.end(k, true, -1)
	valueStart, err2 := s.offset(v)
	if err == nil && err2 == nil && !emptyNull(v) && keyEnd < valueStart {
		if sep := string(s.text[keyEnd:valueStart]); strings.Trim(sep, " ") == ":" {
			l.colon = sep
		}
	}
	if l.colon == ":" {
		l.comma = ","
	}
	if open, err := s.offset(m); err == nil && k.Line > m.Line {
		keyStart, _ := s.offset(k)
		l.indent = s.lineIndent(keyStart)
		if openIndent := s.lineIndent(open); strings.HasPrefix(l.indent, openIndent) && len(l.indent) > len(openIndent) {
			l.step = l.indent[len(openIndent):]
		}
	}
	return l
}

// lineIndent is the indentation of the line that holds off, as written, tabs included (JSON
// allows them; YAML reads them as blanks inside a flow collection).
func (s *source) lineIndent(off int) string {
	line := s.text[s.LineStart(s.LineOf(off)):off]
	return string(line[:len(line)-len(bytes.TrimLeft(line, " \t"))])
}

// renderJSON writes n as JSON in layout l: a collection one entry a line when l has an
// indentation, else on one line.
func renderJSON(n *yaml.Node, l jsonLayout) ([]byte, error) {
	var b bytes.Buffer
	err := writeJSON(&b, bare(n), l)
	return b.Bytes(), err
}

func writeJSON(b *bytes.Buffer, n *yaml.Node, l jsonLayout) error {
	switch n.Kind {
	case yaml.ScalarNode:
		text, err := jsonScalar(n)
		b.Write(text)
		return err
	case yaml.MappingNode:
		return writeJSONEntries(b, "{}", len(n.Content)/2, l, func(i int, inner jsonLayout) error {
			key, err := jsonScalar(&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: n.Content[2*i].Value})
			b.Write(key)
			b.WriteString(l.colon)
			if err == nil {
				err = writeJSON(b, n.Content[2*i+1], inner)
			}
			return err
		})
	case yaml.SequenceNode:
		return writeJSONEntries(b, "[]", len(n.Content), l, func(i int, inner jsonLayout) error {
			return writeJSON(b, n.Content[i], inner)
		})
	}
	return fmt.Errorf("%w: a %s value has no JSON form", ErrCannotEdit, n.Tag)
}

// writeJSONEntries writes count entries between the brackets, one a line when l has an
// indentation.
func writeJSONEntries(b *bytes.Buffer, brackets string, count int, l jsonLayout, entry func(int, jsonLayout) error) error {
	b.WriteByte(brackets[0])
	inner := l.nested()
	for i := 0; i < count; i++ {
		switch {
		case l.indent != "":
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n" + inner.indent)
		case i > 0:
			b.WriteString(l.comma)
		}
		if err := entry(i, inner); err != nil {
			return err
		}
	}
	if l.indent != "" && count > 0 {
		b.WriteString("\n" + l.indent)
	}
	b.WriteByte(brackets[1])
	return nil
}

// jsonScalar writes a scalar as JSON: a string double-quoted, a number, boolean or null as JSON
// spells it; a YAML-only form (0x1F, yes, ~) that JSON cannot hold as is is ErrCannotEdit.
func jsonScalar(n *yaml.Node) ([]byte, error) {
	switch n.Tag {
	case yaml.NodeTagString, "":
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		if err := e.Encode(n.Value); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
	case yaml.NodeTagNull:
		return []byte("null"), nil
	}
	var v any
	if err := json.Unmarshal([]byte(n.Value), &v); err != nil || !json.Valid([]byte(n.Value)) || n.Value != strings.TrimSpace(n.Value) {
		return nil, fmt.Errorf("%w: %q has no JSON form as a %s", ErrCannotEdit, n.Value, n.Tag)
	}
	if _, isString := v.(string); isString {
		return nil, fmt.Errorf("%w: %q has no JSON form as a %s", ErrCannotEdit, n.Value, n.Tag)
	}
	return []byte(n.Value), nil
}
