package e2e

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// yamlDoc is one YAML document flattened to field path -> scalar, e.g.
// "spec.ports[0].port" -> 80 or "metadata.annotations.example.com/a" -> "x".
// Plain scalars resolve to int, bool or nil where they look like one; quoted
// scalars stay strings, so `"600"` and `600` compare differently.
type yamlDoc map[string]any

// absent, as a wanted value, means the path (and anything below it) must not exist.
var absent = struct{ absent bool }{true}

// readYAMLDocs parses a multi-document YAML stream with kyaml and flattens each document.
func readYAMLDocs(t *testing.T, src string) []yamlDoc {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(src))
	var docs []yamlDoc
	for {
		var n yaml.Node
		if err := dec.Decode(&n); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("readYAMLDocs: %v in:\n%s", err, src)
		}
		if len(n.Content) == 0 {
			continue
		}
		doc := yamlDoc{}
		flatten(doc, "", n.Content[0])
		docs = append(docs, doc)
	}
}

// flatten records every scalar below n under its path; an empty map or list is recorded as "{}" or "[]".
func flatten(doc yamlDoc, path string, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content) == 0 {
			doc[path] = "{}"
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			flatten(doc, strings.TrimPrefix(path+"."+n.Content[i].Value, "."), n.Content[i+1])
		}
	case yaml.SequenceNode:
		if len(n.Content) == 0 {
			doc[path] = "[]"
		}
		for i, item := range n.Content {
			flatten(doc, fmt.Sprintf("%s[%d]", path, i), item)
		}
	default:
		doc[path] = scalarValue(n)
	}
}

// scalarValue resolves a scalar by its YAML tag, so `"600"` stays a string and `600` is an int.
func scalarValue(n *yaml.Node) any {
	switch n.Tag {
	case yaml.NodeTagInt:
		if i, err := strconv.Atoi(n.Value); err == nil {
			return i
		}
	case yaml.NodeTagBool:
		return n.Value == "true"
	case yaml.NodeTagNull:
		return nil
	}
	return n.Value
}

// docsByName indexes documents by metadata.name.
func docsByName(docs []yamlDoc) map[string]yamlDoc {
	byName := map[string]yamlDoc{}
	for _, d := range docs {
		byName[fmt.Sprint(d["metadata.name"])] = d
	}
	return byName
}

// assertFields compares each wanted path of doc with its value (or absent).
func assertFields(t *testing.T, what string, doc yamlDoc, want map[string]any) {
	t.Helper()
	if doc == nil {
		t.Errorf("%s: no such document", what)
		return
	}
	for path, w := range want {
		if w == absent {
			for k, v := range doc {
				if k == path || strings.HasPrefix(k, path+".") || strings.HasPrefix(k, path+"[") {
					t.Errorf("%s: %s = %#v, want it absent", what, k, v)
				}
			}
			continue
		}
		got, ok := doc[path]
		if !ok {
			t.Errorf("%s: %s is missing, want %#v", what, path, w)
		} else if !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %s = %#v, want %#v", what, path, got, w)
		}
	}
}

func TestReadYAMLDocs(t *testing.T) {
	src := `# head
apiVersion: v1
metadata:
  name: web # trailing
  labels:
    "quoted/key": 'it''s'
  annotations:
    a.b/c: "600"
    fn: |
      exec:
        path: ./x
spec:
  ports:
  - name: http
    port: 80
  list:
    - a
    -
      b: true
  empty: {}
---
kind: Service
`
	docs := readYAMLDocs(t, src)
	if len(docs) != 2 {
		t.Fatalf("got %d docs, want 2", len(docs))
	}
	want := yamlDoc{
		"apiVersion":                 "v1",
		"metadata.name":              "web",
		"metadata.labels.quoted/key": "it's",
		"metadata.annotations.a.b/c": "600",
		"metadata.annotations.fn":    "exec:\n  path: ./x\n",
		"spec.ports[0].name":         "http",
		"spec.ports[0].port":         80,
		"spec.list[0]":               "a",
		"spec.list[1].b":             true,
		"spec.empty":                 "{}",
	}
	if !reflect.DeepEqual(docs[0], want) {
		t.Errorf("doc 0 = %#v\nwant %#v", docs[0], want)
	}
	if !reflect.DeepEqual(docs[1], yamlDoc{"kind": "Service"}) {
		t.Errorf("doc 1 = %#v", docs[1])
	}
}
