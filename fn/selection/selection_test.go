package selection

import (
	"maps"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestSelected(t *testing.T) {
	sel, err := labels.Parse("session-affinity.kpt.dev/sticky=true")
	if err != nil {
		t.Fatal(err)
	}
	const sticky = "  labels: {session-affinity.kpt.dev/sticky: \"true\"}\n"
	for _, tc := range []struct {
		name, obj     string
		core, selects bool
	}{
		{"labelled core Service", "apiVersion: v1\nkind: Service\nmetadata:\n" + sticky, true, true},
		{"unlabelled core Service", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n", true, false},
		{"label with another value", "apiVersion: v1\nkind: Service\nmetadata:\n  labels: {session-affinity.kpt.dev/sticky: \"false\"}\n", true, false},
		{"Knative Service", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n" + sticky, false, true},
		{"local-config true", "apiVersion: v1\nkind: Service\nmetadata:\n" + sticky + "  annotations: {config.kubernetes.io/local-config: \"true\"}\n", true, false},
		{"local-config any other value", "apiVersion: v1\nkind: Service\nmetadata:\n" + sticky + "  annotations: {config.kubernetes.io/local-config: \"yes\"}\n", true, false},
		{"local-config false", "apiVersion: v1\nkind: Service\nmetadata:\n" + sticky + "  annotations: {config.kubernetes.io/local-config: \"false\"}\n", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(tc.obj)
			if err != nil {
				t.Fatal(err)
			}
			if got := IsCoreService(rn.YNode()); got != tc.core {
				t.Errorf("IsCoreService = %v, want %v", got, tc.core)
			}
			if got := Selected(rn.YNode(), sel); got != tc.selects {
				t.Errorf("Selected = %v, want %v", got, tc.selects)
			}
		})
	}
}

// TestPackedLabelsReadAsTheLabelSet: what the run keeps of a selected Service's labels reads back
// as the selector reads the mapping: a value that is no scalar is no label, a key given twice
// counts last, and any byte may be in a key or value.
func TestPackedLabelsReadAsTheLabelSet(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: \"1\"\nnested: {x: y}\nempty: \"\"\nlong: "+strings.Repeat("v", 300)+"\nodd: \"\\0\\x01:\"\na: \"2\"\n"), &doc); err != nil {
		t.Fatal(err)
	}
	got := UnpackLabels(PackLabels(doc.Content[0]))
	want := labels.Set{"a": "2", "empty": "", "long": strings.Repeat("v", 300), "odd": "\x00\x01:"}
	if !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := UnpackLabels(PackLabels(nil)); len(got) != 0 {
		t.Errorf("no labels: got %v", got)
	}
}
