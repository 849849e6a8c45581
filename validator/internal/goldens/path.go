package goldens

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// valueAt walks a field path in the API server's notation: a.b[key].c or a.b[0].c. Map keys in
// brackets may contain dots (annotation keys do), so brackets are split off before dots.
func valueAt(n *yaml.Node, path string) *yaml.Node {
	for _, step := range splitPath(path) {
		if n == nil {
			return nil
		}
		if step.isIndex {
			n = index(n, step.name)
			continue
		}
		n = Lookup(n, step.name)
	}
	return n
}

type pathStep struct {
	name    string
	isIndex bool // [..]: a list index, or a map key
}

func splitPath(path string) []pathStep {
	var steps []pathStep
	for path != "" {
		switch path[0] {
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(steps, pathStep{name: path})
			}
			steps = append(steps, pathStep{name: path[1:end], isIndex: true})
			path = strings.TrimPrefix(path[end+1:], ".")
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				return append(steps, pathStep{name: path})
			}
			steps = append(steps, pathStep{name: path[:end]})
			path = strings.TrimPrefix(path[end:], ".")
		}
	}
	return steps
}

// index is [i] on a sequence, [key] on a mapping.
func index(n *yaml.Node, key string) *yaml.Node {
	if n.Kind == yaml.SequenceNode {
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil
		}
		return n.Content[i]
	}
	return Lookup(n, key)
}
