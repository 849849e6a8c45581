package selection

import (
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
