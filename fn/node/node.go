package node

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Field is one key of a mapping node with its value.
type Field struct {
	Key   string
	Value *yaml.Node
}

// Fields lists a mapping node's fields in document order; nil for anything else.
func Fields(m *yaml.Node) []Field {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	fields := make([]Field, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		fields = append(fields, Field{Key: m.Content[i].Value, Value: m.Content[i+1]})
	}
	return fields
}

// AsWritten follows path through mapping nodes and returns the value, or nil when any step is missing
// or is not a map.
func AsWritten(n *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		n = value(n, key)
	}
	return n
}

func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// IsNull reports whether n is missing or an explicit null.
func IsNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || yaml.IsYNodeTaggedNull(n)
}

// Scalar returns n's text when n is a non-null scalar.
func Scalar(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || yaml.IsYNodeTaggedNull(n) {
		return "", false
	}
	return n.Value, true
}

// Int reads an integer as yaml.v3 reads it, and as the API server does (sigs.k8s.io/yaml reads
// YAML with yaml v2, which resolves integers the same way): a scalar whose resolved tag is !!int,
// in any form YAML allows: 10800, +10800, 0x2A30, 0o25060, 025060, 0b..., 10_800. The library
// decodes it, so no second parser can disagree with the one that tagged it. A quoted "10800" is
// a string, and a float such as 1e4 is not an integer: both give false, for the rules that report
// wrong types to see.
func Int(n *yaml.Node) (int64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != yaml.NodeTagInt {
		return 0, false
	}
	var i int64
	if err := n.Decode(&i); err != nil {
		return 0, false // out of int64 range
	}
	return i, true
}

// IntText is how a message shows an integer: as written, and as read when the two differ
// ("0x2A30 (10800)"), so the user finds the text and sees what it means. ok is false when n is
// not an integer.
func IntText(n *yaml.Node) (text string, ok bool) {
	i, ok := Int(n)
	if !ok {
		return "", false
	}
	if read := strconv.FormatInt(i, 10); read != n.Value {
		return n.Value + " (" + read + ")", true
	}
	return n.Value, true
}

// Bool reads a boolean as yaml.v3 reads it: a scalar whose resolved tag is !!bool (true, True,
// FALSE, ...), decoded by the library. A quoted "false" is a string and gives ok false.
func Bool(n *yaml.Node) (value, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != yaml.NodeTagBool {
		return false, false
	}
	if err := n.Decode(&value); err != nil {
		return false, false
	}
	return value, true
}

// EnsureMap returns the mapping node at path below m, creating empty block maps where missing.
// An existing non-map value on the way (such as an explicit null) is turned into a map.
func EnsureMap(m *yaml.Node, path ...string) *yaml.Node {
	for _, key := range path {
		next := value(m, key)
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
			Append(m, key, next)
		} else if next.Kind != yaml.MappingNode {
			*next = yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, LineComment: next.LineComment, HeadComment: next.HeadComment}
		}
		m = next
	}
	return m
}

// Append adds key: v at the end of mapping node m.
func Append(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, v)
}

// SetScalar sets m[key] to value with the given tag. An existing value keeps its comments, and its
// quoting as long as the new value can still be written that way; a new key goes at the end.
func SetScalar(m *yaml.Node, key, value, tag string) {
	n := AsWritten(m, key)
	if n == nil {
		n = &yaml.Node{Kind: yaml.ScalarNode}
		Append(m, key, n)
	} else if n.Kind != yaml.ScalarNode {
		*n = yaml.Node{Kind: yaml.ScalarNode, LineComment: n.LineComment, HeadComment: n.HeadComment}
	}
	n.Value, n.Tag = value, tag
	n.Style = scalarStyle(n.Style, value, tag)
}

// scalarStyle keeps a quoted style for strings and drops it for anything else, and quotes a string
// that would otherwise read back as another type ("1800" as an integer).
func scalarStyle(old yaml.Style, value, tag string) yaml.Style {
	quoted := old & (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle)
	if tag != yaml.NodeTagString {
		return old &^ (yaml.SingleQuotedStyle | yaml.DoubleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle | yaml.TaggedStyle)
	}
	if quoted != 0 {
		return old
	}
	if yaml.IsYaml1_1NonString(&yaml.Node{Kind: yaml.ScalarNode, Value: value}) || resolvesAsNonString(value) {
		if strings.Contains(value, `"`) {
			return yaml.SingleQuotedStyle // JSON reads best without escapes
		}
		return yaml.DoubleQuotedStyle
	}
	return old
}

func resolvesAsNonString(value string) bool {
	var probe yaml.Node
	if err := yaml.Unmarshal([]byte(value), &probe); err != nil || len(probe.Content) != 1 {
		return true
	}
	return probe.Content[0].Tag != yaml.NodeTagString
}

// Remove deletes key from mapping node m and returns its value, or nil when absent.
func Remove(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return v
		}
	}
	return nil
}

// Describe names a node's shape for messages: `a map`, `an integer "5"`, `null`.
func Describe(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a map"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.AliasNode:
		return "an alias"
	case IsNull(n):
		return "null"
	}
	return fmt.Sprintf("%s %q", TagName(n.Tag), n.Value)
}

// TagName names a scalar tag in words.
func TagName(tag string) string {
	switch tag {
	case yaml.NodeTagString:
		return "a string"
	case yaml.NodeTagInt:
		return "an integer"
	case yaml.NodeTagBool:
		return "a boolean"
	case yaml.NodeTagFloat:
		return "a number"
	case yaml.NodeTagNull:
		return "null"
	}
	return "a value tagged " + tag
}
