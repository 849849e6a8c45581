// Package selection decides which items the function rewrites: core Services whose labels match
// the configured selector and that are not local configuration.
package selection

import (
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
	set := labels.Set{}
	for _, f := range node.Fields(m) {
		if v, ok := node.Scalar(f.Value); ok {
			set[f.Key] = v
		}
	}
	return set
}
