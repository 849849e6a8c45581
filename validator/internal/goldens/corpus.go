package goldens

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// corpusCases reads the real-world corpus: corpus/<name>/rendered.yaml (plain documents, as
// Helm or kustomize printed them) and expected-resourcelist.yaml, the function's ResourceList
// output for those documents as items (written by the e2e test TestCorpusResourceList). The
// case's Input is the documents wrapped as that test wraps them, so items pair up by index.
func corpusCases(repoRoot string) ([]Case, error) {
	matches, err := filepath.Glob(filepath.Join(repoRoot, "corpus", "*", "expected-resourcelist.yaml"))
	if err != nil {
		return nil, err
	}
	slices.Sort(matches)
	var cases []Case
	for _, m := range matches {
		dir := filepath.Dir(m)
		c := Case{Name: "corpus/" + filepath.Base(dir)}
		rendered, err := os.ReadFile(filepath.Join(dir, "rendered.yaml"))
		if err != nil {
			return nil, err
		}
		if c.Input, err = WrapDocuments(rendered); err != nil {
			return nil, fmt.Errorf("%s/rendered.yaml: %w", c.Name, err)
		}
		if c.Expected, err = os.ReadFile(m); err != nil {
			return nil, err
		}
		in, err := itemNodes(c.Input)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		out, err := itemNodes(c.Expected)
		if err != nil {
			return nil, fmt.Errorf("%s/expected-resourcelist.yaml: %w", c.Name, err)
		}
		if len(in) != len(out) {
			return nil, fmt.Errorf("%s: rendered.yaml has %d documents, expected-resourcelist.yaml %d items; "+
				"rewrite it with `go test ./e2e -run TestCorpusResourceList -update` and review it", c.Name, len(in), len(out))
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// WrapDocuments makes a ResourceList whose items are the documents of a multi-document YAML
// stream, in order. Documents with no content (Helm's comment-only ones) are no items.
func WrapDocuments(stream []byte) ([]byte, error) {
	items := &yaml.Node{Kind: yaml.SequenceNode}
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
			continue
		}
		items.Content = append(items.Content, doc.Content[0])
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }
	return encode(&yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("apiVersion"), str("config.kubernetes.io/v1"),
		str("kind"), str("ResourceList"),
		str("items"), items,
	}})
}

// serverSet is what the API server writes into an object's metadata; a create that carries a
// resourceVersion is refused ("resourceVersion should not be set on objects to be created").
var serverSet = []string{"resourceVersion", "uid", "creationTimestamp", "managedFields", "generation", "selfLink"}

// ListServices returns the v1 Services inside the items of kind List items of a ResourceList
// (what `kubectl get svc -o yaml` prints), each as a manifest to create again: the server-set
// metadata and the status removed, everything else as written. Index is the List's item index.
func ListServices(resourceList []byte) ([]Service, error) {
	items, err := itemNodes(resourceList)
	if err != nil {
		return nil, err
	}
	var out []Service
	for i, item := range items {
		if Scalar(item, "apiVersion") != "v1" || Scalar(item, "kind") != "List" {
			continue
		}
		inner := Lookup(item, "items")
		if inner == nil || inner.Kind != yaml.SequenceNode {
			continue
		}
		for j, svc := range inner.Content {
			if Scalar(svc, "apiVersion") != "v1" || Scalar(svc, "kind") != "Service" {
				continue
			}
			clean := without(svc, "status")
			meta := Lookup(clean, "metadata")
			if meta != nil {
				replace(clean, "metadata", without(meta, serverSet...))
				meta = Lookup(clean, "metadata")
			}
			manifest, err := encode(clean)
			if err != nil {
				return nil, fmt.Errorf("items[%d].items[%d]: %w", i, j, err)
			}
			out = append(out, Service{
				Index: i, Name: Scalar(meta, "name"), Namespace: Scalar(meta, "namespace"),
				Manifest: manifest, node: clean,
			})
		}
	}
	return out, nil
}

// without returns a shallow copy of mapping m without the given keys.
func without(m *yaml.Node, keys ...string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return m
	}
	c := *m
	c.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !slices.Contains(keys, m.Content[i].Value) {
			c.Content = append(c.Content, m.Content[i], m.Content[i+1])
		}
	}
	return &c
}

// replace sets the value of key in mapping m (already a copy).
func replace(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
}
