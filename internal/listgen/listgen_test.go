package listgen

import (
	"bytes"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestGenerateIsAResourceListOfNItems(t *testing.T) {
	for _, n := range []int{1, 10, 100} {
		var doc yaml.Node
		if err := yaml.Unmarshal(Generate(n), &doc); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		root := doc.Content[0]
		if got := len(root.Content[5].Content); root.Content[4].Value != "items" || got != n {
			t.Errorf("n=%d: %d items", n, got)
		}
	}
}

func TestDeterministic(t *testing.T) {
	if !bytes.Equal(Generate(50), Generate(50)) || !bytes.Equal(Resources(50), Resources(50)) {
		t.Error("two runs differ")
	}
}

func TestResourcesAreTheSameObjects(t *testing.T) {
	dec := yaml.NewDecoder(bytes.NewReader(Resources(30)))
	n := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			break
		}
		n++
	}
	if n != 30 {
		t.Errorf("%d documents, want 30", n)
	}
}
