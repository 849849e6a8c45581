package node

import (
	"strconv"
	"strings"
)

// Field paths are written in one notation, the API server's (k8s.io/apimachinery field.Path), by
// the functions here and nowhere else: an object's field after a dot (spec.ports), a list entry's
// index in brackets (spec.ports[0]), a map's key in brackets
// (metadata.annotations[example.com/key]). fn/cli reads them back to find the line a result names.

// PathField is the field name under path: path.name, or name alone at the top. A walk over a tree does
// not know whether a mapping is an object or a map, and names every key so: a key the dotted form
// would misread (one holding a dot, a slash, a bracket or a blank, or an empty one) is written as
// a map's key, in brackets (metadata.labels[app.kubernetes.io/name]).
func PathField(path, name string) string {
	return string(step{key: name, index: -1}.append([]byte(path)))
}

// PathKey is the entry key of the map at path: path[key].
func PathKey(path, key string) string { return path + "[" + key + "]" }

// PathIndex is the entry i of the list at path: path[i].
func PathIndex(path string, i int) string { return string(step{index: i}.append([]byte(path))) }

// AnnotationPath is the path of the annotation key: metadata.annotations[key].
func AnnotationPath(key string) string { return PathKey("metadata.annotations", key) }

// LabelPath is the path of the label key: metadata.labels[key].
func LabelPath(key string) string { return PathKey("metadata.labels", key) }

// PathSteps splits a path written so into its keys and indexes: a.b[0].c[x.y/z] is a, b, 0, c,
// x.y/z.
func PathSteps(path string) []string {
	var steps []string
	for path != "" {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(steps, path[1:])
			}
			steps, path = append(steps, path[1:end]), path[end+1:]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			steps, path = append(steps, path[:end]), path[end:]
		}
	}
	return steps
}

// Path is a field path kept as its steps while a tree is walked, and written out (String) only
// when needed: a path written at every level would cost depth times key length at each.
type Path []step

// step is a mapping key (index -1) or a list index.
type step struct {
	key   string
	index int
}

// append writes the step after the path in b.
func (s step) append(b []byte) []byte {
	switch {
	case s.index >= 0:
		return append(strconv.AppendInt(append(b, '['), int64(s.index), 10), ']')
	case s.key == "" || strings.ContainsAny(s.key, "./[] \t"):
		return append(append(append(b, '['), s.key...), ']')
	case len(b) > 0:
		b = append(b, '.')
	}
	return append(b, s.key...)
}

// String writes the path.
func (p Path) String() string { return p.Under("") }

// Under writes the path as one under the path written prefix.
func (p Path) Under(prefix string) string {
	b := []byte(prefix)
	for _, s := range p {
		b = s.append(b)
	}
	return string(b)
}

// Index is the path of the list entry i under p.
func (p Path) Index(i int) Path { return append(p, step{index: i}) }

// Key is the path of the mapping key under p, written as PathField writes it.
func (p Path) Key(key string) Path { return append(p, step{key: key, index: -1}) }
