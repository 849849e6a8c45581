// Package goldens reads the function's golden runs (testdata/<case>/ and examples/<case>/) and
// takes the Services and the results out of their ResourceLists, keeping each Service exactly as
// written (comments, duplicate keys, quoting), because the API server is to judge the manifest,
// not our reading of it.
package goldens

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	yaml "go.yaml.in/yaml/v3"
)

// Case is one golden run. Input and Expected are the ResourceLists on stdin and stdout; Expected
// is nil for a case whose stdout is not a ResourceList (bad input).
type Case struct {
	Name     string // testdata/seed-default
	Input    []byte
	Expected []byte
}

// Cases finds every case under repoRoot's testdata/ and examples/, and every entry of the
// real-world corpus (corpus/), at run time, so that cases other people add are checked too.
func Cases(repoRoot string) ([]Case, error) {
	var dirs []string
	for _, pattern := range []string{"testdata/*/input.yaml", "examples/*/input.yaml"} {
		matches, err := filepath.Glob(filepath.Join(repoRoot, pattern))
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			dirs = append(dirs, filepath.Dir(m))
		}
	}
	slices.Sort(dirs)
	var cases []Case
	for _, dir := range dirs {
		c, err := readCase(repoRoot, dir)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	corpus, err := corpusCases(repoRoot)
	if err != nil {
		return nil, err
	}
	return append(cases, corpus...), nil
}

func readCase(repoRoot, dir string) (Case, error) {
	name, err := filepath.Rel(repoRoot, dir)
	if err != nil {
		return Case{}, err
	}
	c := Case{Name: filepath.ToSlash(name)}
	if c.Input, err = os.ReadFile(filepath.Join(dir, "input.yaml")); err != nil {
		return Case{}, err
	}
	c.Expected, err = os.ReadFile(filepath.Join(dir, "expected.yaml"))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	return c, err
}

// Service is one v1 Service item of a ResourceList.
type Service struct {
	Index     int    // position in items
	Name      string // metadata.name
	Namespace string // metadata.namespace as written ("" when absent)
	Manifest  []byte // the item alone, as a YAML document
	node      *yaml.Node
}

// RequestNamespace is the namespace to send the Service to: its own, or "default" as kubectl
// would choose.
func (s Service) RequestNamespace() string {
	if s.Namespace == "" {
		return "default"
	}
	return s.Namespace
}

// ID names the Service in messages.
func (s Service) ID() string {
	return fmt.Sprintf("items[%d] Service %s/%s", s.Index, s.RequestNamespace(), s.Name)
}

// Services returns the v1 Service items of a ResourceList, in order. Items that are not objects,
// or not core v1 Services (a Knative Service, a Deployment), are not Services.
func Services(resourceList []byte) ([]Service, error) {
	items, err := itemNodes(resourceList)
	if err != nil {
		return nil, err
	}
	var out []Service
	for i, item := range items {
		if Scalar(item, "apiVersion") != "v1" || Scalar(item, "kind") != "Service" {
			continue
		}
		manifest, err := encode(item)
		if err != nil {
			return nil, fmt.Errorf("items[%d]: %w", i, err)
		}
		meta := Lookup(item, "metadata")
		out = append(out, Service{
			Index: i, Name: Scalar(meta, "name"), Namespace: Scalar(meta, "namespace"),
			Manifest: manifest, node: item,
		})
	}
	return out, nil
}

// Items returns every item of a ResourceList as a generic value, for comparing input and output
// items by meaning rather than by bytes.
func Items(resourceList []byte) ([]any, error) {
	nodes, err := itemNodes(resourceList)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(nodes))
	for i, n := range nodes {
		if err := n.Decode(&out[i]); err != nil {
			// Duplicate keys do not decode into a map; compare such an item by its text.
			text, encErr := encode(n)
			if encErr != nil {
				return nil, err
			}
			out[i] = string(text)
		}
	}
	return out, nil
}

func itemNodes(resourceList []byte) ([]*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(resourceList, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a ResourceList: want one mapping document")
	}
	items := Lookup(doc.Content[0], "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return nil, nil
	}
	return items.Content, nil
}

func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Lookup returns the value of key in mapping m (the first, if the key is duplicated), or nil.
func Lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// Scalar returns the string value of key in mapping m, or "" when it is absent or not a scalar.
func Scalar(m *yaml.Node, key string) string {
	if v := Lookup(m, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}
