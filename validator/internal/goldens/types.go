package goldens

import (
	"strings"

	yaml "go.yaml.in/yaml/v2"
	yaml3 "go.yaml.in/yaml/v3"
)

// JSONType is the JSON type the API server sees for a YAML value: "string", "number", "boolean",
// "null", "object" or "array". The server reads YAML as YAML 1.1 (sigs.k8s.io/yaml, yaml.v2), so
// a plain `on` or `yes` is a boolean there although YAML 1.2 reads it as a string.
func JSONType(n *yaml3.Node) string {
	switch {
	case n == nil:
		return ""
	case n.Kind == yaml3.AliasNode:
		return JSONType(n.Alias)
	case n.Kind == yaml3.MappingNode:
		return "object"
	case n.Kind == yaml3.SequenceNode:
		return "array"
	case n.Style&(yaml3.DoubleQuotedStyle|yaml3.SingleQuotedStyle|yaml3.LiteralStyle|yaml3.FoldedStyle) != 0:
		return "string"
	case n.Style&yaml3.TaggedStyle != 0 && strings.HasPrefix(n.Tag, "!!") && n.Tag != "!!str":
		return tagType(n.Tag)
	}
	var v any
	if err := yaml.Unmarshal([]byte(n.Value), &v); err != nil {
		return "string"
	}
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int, int64, uint64, float64:
		return "number"
	}
	return "string"
}

// Int reads an integer scalar as the API server does: yaml v2 resolves +10800, 0x2A30, 0o25060,
// 025060 and 10_800 all to 10800, so the text is no decimal to parse. A float is not an integer.
func Int(n *yaml3.Node) (int, bool) {
	if JSONType(n) != "number" {
		return 0, false
	}
	var v any
	if err := yaml.Unmarshal([]byte(n.Value), &v); err != nil {
		return 0, false
	}
	switch i := v.(type) {
	case int:
		return i, true
	case int64:
		return int(i), true
	}
	return 0, false
}

// tagType is the JSON type of an explicitly tagged scalar (`!!int "80"`).
func tagType(tag string) string {
	switch tag {
	case "!!int", "!!float":
		return "number"
	case "!!bool":
		return "boolean"
	case "!!null":
		return "null"
	}
	return "string"
}

// Duplicated reports whether the last key of path appears more than once in its mapping.
func (s Service) Duplicated(path string) bool {
	steps := splitPath(path)
	if len(steps) == 0 {
		return false
	}
	parent := s.node
	if len(steps) > 1 {
		parent = valueAt(s.node, joinSteps(steps[:len(steps)-1]))
	}
	if parent == nil || parent.Kind != yaml3.MappingNode {
		return false
	}
	key, count := steps[len(steps)-1].name, 0
	for i := 0; i+1 < len(parent.Content); i += 2 {
		if parent.Content[i].Value == key {
			count++
		}
	}
	return count > 1
}

func joinSteps(steps []pathStep) string {
	var out string
	for i, st := range steps {
		switch {
		case st.isIndex:
			out += "[" + st.name + "]"
		case i == 0:
			out += st.name
		default:
			out += "." + st.name
		}
	}
	return out
}
