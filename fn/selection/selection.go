// Package selection decides which items the function rewrites: core Services whose labels match
// the configured selector and that are not local configuration.
package selection

import (
	"encoding/binary"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// localConfig marks objects that orchestrators keep out of the cluster; any value but "false" counts.
const localConfig = "config.kubernetes.io/local-config"

// IsCoreService reports whether obj is a core v1 Service. Another group's Service, such as
// Knative's serving.knative.dev Service, is not (kubernetes-sigs/kustomize#3414).
func IsCoreService(obj *yaml.Node) bool {
	apiVersion, _ := node.Scalar(node.AsDecoded(obj, "apiVersion"))
	kind, _ := node.Scalar(node.AsDecoded(obj, "kind"))
	return apiVersion == "v1" && kind == "Service"
}

// Selected reports whether the core Service obj is one to rewrite.
func Selected(obj *yaml.Node, sel labels.Selector) bool {
	annotations := node.AsWritten(obj, "metadata", "annotations")
	if v, ok := node.Scalar(node.AsWritten(annotations, localConfig)); ok && v != "false" {
		return false
	}
	return sel.Matches(Labels(obj))
}

// Labels are obj's labels as a selector reads them.
func Labels(obj *yaml.Node) labels.Set {
	return LabelSet(node.AsWritten(obj, "metadata", "labels"))
}

// LabelSet reads a labels mapping as a selector does: a label whose value is not a scalar is none.
func LabelSet(m *yaml.Node) labels.Set {
	return UnpackLabels(PackLabels(m))
}

// PackLabels is LabelSet in one string, each key and value preceded by its length: what a run
// keeps of every selected Service's labels, for advice it rarely gives (UnpackLabels), costs one
// allocation, not a map or the decoded nodes.
func PackLabels(m *yaml.Node) string {
	var b []byte
	for _, f := range node.Fields(m) {
		if v, ok := node.Scalar(f.Value); ok {
			b = append(binary.AppendUvarint(b, uint64(len(f.Key))), f.Key...)
			b = append(binary.AppendUvarint(b, uint64(len(v))), v...)
		}
	}
	return string(b)
}

// UnpackLabels is the label set PackLabels packed; a key given twice counts last, as in LabelSet.
func UnpackLabels(packed string) labels.Set {
	set := labels.Set{}
	next := func() string {
		n, size := binary.Uvarint([]byte(packed[:min(len(packed), binary.MaxVarintLen64)]))
		s := packed[size : size+int(n)]
		packed = packed[size+int(n):]
		return s
	}
	for len(packed) > 0 {
		k := next()
		set[k] = next()
	}
	return set
}
