package report

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SubjectOf names an object as yaml.v3 reads it: metadata that arrives through an alias or a merge
// key names it too.
func TestSubjectOfReadsThroughAliases(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\n", "v1/ConfigMap/shop/web"},
		{"metadata by alias", "x: &md {name: web, namespace: shop}\napiVersion: v1\nkind: ConfigMap\nmetadata: *md\n", "v1/ConfigMap/shop/web"},
		{"name by merge key", "x: &md {name: web}\napiVersion: v1\nkind: ConfigMap\nmetadata: {<<: *md, namespace: shop}\n", "v1/ConfigMap/shop/web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			ref := SubjectOf(rn.YNode()).Ref
			if ref == nil {
				t.Fatal("no reference")
			}
			if got := ref.APIVersion + "/" + ref.Kind + "/" + ref.Namespace + "/" + ref.Name; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
