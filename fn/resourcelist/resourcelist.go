// Package resourcelist reads and writes the KRM ResourceList the function receives on stdin and
// returns on stdout: the reference path, which parses the whole document. Unlike the SDK's
// fn.AsMain it keeps items in input order. Items the run did not change are written back as the
// exact bytes they came in as, and changed ones are re-encoded in their place (fn/splice); inputs
// whose shape does not allow that are re-encoded whole, which still keeps comments, key order,
// quoting and flow style as parsed.
package resourcelist

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// The API versions of ResourceList the KRM functions specification defines.
var apiVersions = []string{"config.kubernetes.io/v1", "config.kubernetes.io/v1beta1"}

// List is a parsed ResourceList.
type List struct {
	in  []byte     // the input, which unchanged items are copied from
	doc *yaml.Node // the document, so its comments survive
	// Items are the items in input order; rewriting one edits the list, and MarkChanged says so.
	Items   []*yaml.Node
	changed []bool
	// FunctionConfig is nil when the input has none.
	FunctionConfig *yaml.Node
}

// Read parses in, which must be exactly one ResourceList document.
func Read(in []byte) (*List, error) {
	docs, err := decodeAll(in)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, fmt.Errorf("input has %d YAML documents; want exactly one ResourceList (apiVersion: %s, kind: ResourceList)", len(docs), apiVersions[0])
	}
	root := docs[0].Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("input is %s; want a ResourceList object", node.Describe(root))
	}
	if err := checkHeader(root); err != nil {
		return nil, err
	}
	l := &List{in: in, doc: docs[0], FunctionConfig: node.Get(root, "functionConfig")}
	items := node.Get(root, "items")
	switch {
	case node.IsNull(items):
	case items.Kind == yaml.SequenceNode:
		l.Items = items.Content
		l.changed = make([]bool, len(items.Content))
	default:
		return nil, fmt.Errorf("ResourceList items is %s; want a list of objects", node.Describe(items))
	}
	return l, nil
}

func decodeAll(in []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var docs []*yaml.Node
	for {
		doc := &yaml.Node{}
		err := dec.Decode(doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("input is not valid YAML: %w", err)
		}
		if len(doc.Content) > 0 {
			docs = append(docs, doc)
		}
	}
}

func checkHeader(root *yaml.Node) error {
	seen := map[string]bool{}
	for _, f := range node.Fields(root) {
		if seen[f.Key] {
			return fmt.Errorf("ResourceList has %s twice; YAML parsers disagree on which one counts, so give it once", f.Key)
		}
		seen[f.Key] = true
	}
	apiVersion, _ := node.Scalar(node.Get(root, "apiVersion"))
	kind, _ := node.Scalar(node.Get(root, "kind"))
	if kind != "ResourceList" {
		return fmt.Errorf("input is kind %q; want a ResourceList (apiVersion: %s, kind: ResourceList)", kind, apiVersions[0])
	}
	for _, v := range apiVersions {
		if apiVersion == v {
			return nil
		}
	}
	return fmt.Errorf("ResourceList apiVersion %q is not supported; allowed %s, %s", apiVersion, apiVersions[0], apiVersions[1])
}

// MarkChanged records that item i was rewritten, so Write re-encodes it.
func (l *List) MarkChanged(i int) { l.changed[i] = true }

// Has reports whether the ResourceList has the top-level key.
func (l *List) Has(key string) bool { return node.Get(l.doc.Content[0], key) != nil }

// Write writes the list with results appended: spliced (unchanged items as their input bytes) when
// the input's shape allows it, otherwise re-encoded whole.
func (l *List) Write(w io.Writer, results fn.Results) error {
	if plan, blocker := l.splicePlan(); blocker == "" {
		return l.writeSpliced(w, plan, results)
	}
	return l.WriteWhole(w, results)
}

// WriteWhole appends results to the list's own results and re-encodes the whole document: what
// Write does when it cannot splice, and what tests compare a spliced write with.
func (l *List) WriteWhole(w io.Writer, results fn.Results) error {
	root := l.doc.Content[0]
	if len(results) > 0 {
		if err := appendResults(root, results); err != nil {
			return err
		}
	}
	enc := yaml.NewEncoder(w)
	if err := enc.Encode(l.doc); err != nil {
		return fmt.Errorf("writing the ResourceList: %w", err)
	}
	return enc.Close()
}

func appendResults(root *yaml.Node, results fn.Results) error {
	list := node.Get(root, "results")
	if list == nil || list.Kind != yaml.SequenceNode {
		node.Remove(root, "results")
		list = &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		node.Append(root, "results", list)
	}
	nodes, err := resultNodes(results)
	list.Content = append(list.Content, nodes...)
	return err
}

func resultNodes(results fn.Results) ([]*yaml.Node, error) {
	nodes := make([]*yaml.Node, 0, len(results))
	for _, r := range results {
		n := &yaml.Node{}
		if err := n.Encode(r); err != nil {
			return nil, fmt.Errorf("encoding result %q: %w", r.Message, err)
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}
