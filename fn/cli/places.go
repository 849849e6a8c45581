package cli

import (
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// locate gives each result its place in file, whose text is the run's input: the line and column
// of the field the result names, or of its object when the field is not there (a field to add).
// The objects are found as the processor found them, piece by piece (fn/input), and a piece's
// lines are offset by where it starts; pieces start at a line's start, so columns need none. A
// result about no object (the config, the summary) gets the file alone.
func locate(file string, text []byte, results fn.Results) []report.Located {
	located := make([]report.Located, len(results))
	var objects map[string]locatedObject
	for i, r := range results {
		located[i] = report.Located{Result: r, Place: report.Place{File: file}}
		if r.ResourceRef == nil {
			continue
		}
		if objects == nil {
			objects = findObjects(text)
		}
		if obj, ok := objects[refKey(r.ResourceRef)]; ok {
			n := obj.node
			if r.Field != nil {
				if f := fieldNode(n, r.Field.Path); f != nil {
					n = f
				}
			}
			located[i].Place.Line, located[i].Place.Column = n.Line+obj.lineOffset, n.Column
		}
	}
	return located
}

// locatedObject is an object's node in its piece, and the lines before the piece.
type locatedObject struct {
	node       *yaml.Node
	lineOffset int
}

// findObjects indexes text's objects by resource (the first of each name), Lists' items included.
func findObjects(text []byte) map[string]locatedObject {
	found := map[string]locatedObject{}
	in, err := input.Read(text)
	if err != nil {
		return found
	}
	for _, p := range in.Pieces {
		if class, err := in.Classify(p); err == nil && !class.Decode {
			continue // an item whose text itemscan does not vouch for is decoded to look
		}
		doc, err := in.Decode(p)
		if err != nil || len(doc.Content) == 0 {
			continue
		}
		offset := yamltext.LinesBefore(text, p.Start())
		root := doc.Content[0]
		if p.Form() == input.Entry && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if p.Form() == input.WholeList {
			root = node.AsWritten(root, "items")
		}
		addObjects(found, root, offset)
	}
	return found
}

// addObjects adds n when it is an object, or the objects among its items when it is a list or a
// List.
func addObjects(found map[string]locatedObject, n *yaml.Node, offset int) {
	n = node.Deref(n)
	if n == nil {
		return
	}
	if n.Kind == yaml.SequenceNode {
		for _, item := range n.Content {
			addObjects(found, item, offset)
		}
		return
	}
	if n.Kind != yaml.MappingNode {
		return
	}
	kind, _ := node.Scalar(node.AsDecoded(n, "kind"))
	if items := node.AsDecoded(n, "items"); strings.HasSuffix(kind, "List") && items != nil && items.Kind == yaml.SequenceNode {
		addObjects(found, items, offset)
		return
	}
	if ref := report.SubjectOf(n).Ref; ref != nil {
		if _, seen := found[refKey(ref)]; !seen {
			found[refKey(ref)] = locatedObject{n, offset}
		}
	}
}

func refKey(r *fn.ResourceRef) string {
	return r.APIVersion + "/" + r.Kind + "/" + r.Namespace + "/" + r.Name
}

// fieldNode finds the node a field path names, in the API server's notation the results use:
// spec.ports[0].nodePort, metadata.annotations[example.com/key]. It gives a mapping entry's key,
// where the field is named, and a list entry's value; nil when the field is not there.
func fieldNode(obj *yaml.Node, path string) *yaml.Node {
	at, n := obj, obj
	for _, step := range node.PathSteps(path) {
		at = node.Deref(at)
		switch {
		case at == nil:
			return nil
		case at.Kind == yaml.SequenceNode:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(at.Content) {
				return nil
			}
			n, at = at.Content[i], at.Content[i]
		case at.Kind == yaml.MappingNode:
			key, value := entry(at, step)
			if value == nil {
				return nil
			}
			n, at = key, value
		default:
			return nil
		}
	}
	return n
}

// entry is the key and value of key in mapping m; through a merge key, the value alone (its key
// is elsewhere).
func entry(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return m.Content[i], m.Content[i+1]
		}
	}
	v := node.AsDecoded(m, key)
	return v, v
}
