package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	k8syaml "sigs.k8s.io/yaml"
)

// metadataSchema compiles metadata.schema.json, asserting formats (uri) as the catalog does.
func metadataSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(readFile(t, "metadata.schema.json")))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("metadata.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("metadata.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateMetadata(t *testing.T, s *jsonschema.Schema, src string) error {
	t.Helper()
	j, err := k8syaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

func TestMetadataIsValid(t *testing.T) {
	if err := validateMetadata(t, metadataSchema(t), readFile(t, filepath.Join(repoRoot, "metadata.yaml"))); err != nil {
		t.Errorf("metadata.yaml: %v", err)
	}
}

// TestMetadataSchemaRefuses checks the schema can fail: each case breaks one documented rule.
func TestMetadataSchemaRefuses(t *testing.T) {
	s := metadataSchema(t)
	valid := "image: ghcr.io/org/fn\ndescription: Does a thing.\ntags: [mutator]\n"
	if err := validateMetadata(t, s, valid); err != nil {
		t.Fatalf("the minimal metadata is refused: %v", err)
	}
	for _, tc := range []struct{ name, src string }{
		{"no image", "description: x\ntags: [mutator]\n"},
		{"no description", "image: ghcr.io/org/fn\ntags: [mutator]\n"},
		{"no tags", "image: ghcr.io/org/fn\ndescription: x\n"},
		{"a tag not in the list", strings.Replace(valid, "[mutator]", "[mutator, linter]", 1)},
		{"an image with a tag", strings.Replace(valid, "ghcr.io/org/fn", "ghcr.io/org/fn:v1", 1)},
		{"an unknown field", valid + "emails: [a@example.com]\n"},
		{"hidden not a boolean", valid + "hidden: \"yes\"\n"},
		{"sourceURL not a URI", valid + "sourceURL: not a uri\n"},
		{"examplePackageURLs not a list", valid + "examplePackageURLs: https://example.com/x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := validateMetadata(t, s, tc.src); err == nil {
				t.Errorf("the schema accepts:\n%s", tc.src)
			}
		})
	}
}

// TestExamplePackageURLsExist: examplePackageURLs lists exactly the kpt packages under examples/
// (folders with a Kptfile and a README), as the catalog's runner and `kpt pkg get` expect; the
// other examples (kustomize, Helm, CI, Argo CD) are not packages.
func TestExamplePackageURLsExist(t *testing.T) {
	meta, err := ReadMetadata(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	prefix := meta.SourceURL + "/tree/main/examples/"
	var listed []string
	for _, u := range meta.ExamplePackageURLs {
		name, ok := strings.CutPrefix(u, prefix)
		if !ok || name == "" || strings.Contains(name, "/") {
			t.Errorf("%s is not %s<example>", u, prefix)
			continue
		}
		for _, f := range []string{"README.md", "Kptfile"} {
			if _, err := os.Stat(filepath.Join(repoRoot, "examples", name, f)); err != nil {
				t.Errorf("%s: not a kpt package example: %v", u, err)
			}
		}
		listed = append(listed, name)
	}
	kptfiles, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "Kptfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, kptfile := range kptfiles {
		if name := filepath.Base(filepath.Dir(kptfile)); !slices.Contains(listed, name) {
			t.Errorf("the kpt package examples/%s is not in metadata.yaml's examplePackageURLs", name)
		}
	}
}
