package invariants

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/node"
)

// list is a ResourceList as yaml.v3 reads it whole: the oracle's view, independent of how the
// function finds items.
type list struct {
	Items          []*yaml.Node
	FunctionConfig *yaml.Node
}

// errNotAList: the input is valid YAML, but not one ResourceList.
var errNotAList = errors.New("not a ResourceList")

// readList decodes in, which must be exactly one ResourceList document with no key twice in a
// mapping.
func readList(in []byte) (*list, error) {
	doc, err := input.DecodeOne(in)
	if err != nil {
		if _, streamErr := readStream(in); streamErr == nil {
			return nil, errNotAList
		}
		return nil, err
	}
	if len(doc.Content) == 0 || node.IsNull(doc.Content[0]) {
		return nil, errNotAList
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not an object")
	}
	if kind, _ := node.Scalar(node.AsWritten(root, "kind")); kind != "ResourceList" {
		return nil, fmt.Errorf("kind %q: %w", kind, errNotAList)
	}
	// The KRM functions specification defines these two; any other is input the function refuses.
	if v, _ := node.Scalar(node.AsWritten(root, "apiVersion")); v != "config.kubernetes.io/v1" && v != "config.kubernetes.io/v1beta1" {
		return nil, fmt.Errorf("ResourceList apiVersion %q", v)
	}
	if path, dup := node.FirstDuplicate(root); dup != nil {
		return nil, fmt.Errorf("%s twice", path)
	}
	if err := decodable(doc); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, f := range node.Fields(root) {
		if seen[f.Key] {
			return nil, fmt.Errorf("%s twice", f.Key)
		}
		seen[f.Key] = true
	}
	l := &list{FunctionConfig: node.AsWritten(root, "functionConfig")}
	switch items := node.AsWritten(root, "items"); {
	case node.IsNull(items):
	case items.Kind == yaml.SequenceNode:
		l.Items = items.Content
	default:
		return nil, fmt.Errorf("items is %s", node.Describe(items))
	}
	return l, nil
}
