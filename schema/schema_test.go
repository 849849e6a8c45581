package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/resid"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	k8syaml "sigs.k8s.io/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

const repoRoot = ".."

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGeneratedFilesAreCurrent(t *testing.T) {
	files, err := Files(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		if got := readFile(t, name); got != string(want) {
			t.Errorf("schema/%s is not what config.Keys() generates; run `go generate` in schema/:\n--- committed\n%s\n--- generated\n%s", name, got, want)
		}
	}
}

// loadSchema loads the config schema the way a kyaml framework function does: from the
// committed KRMFunctionDefinition, by group, version and kind.
func loadSchema(t *testing.T) *spec.Schema {
	t.Helper()
	s, err := framework.SchemaFromFunctionDefinition(resid.NewGvk(config.Group, config.Version, config.Kind), readFile(t, FunctionDefinitionFile))
	if err != nil {
		t.Fatalf("kyaml cannot load %s: %v", FunctionDefinitionFile, err)
	}
	return s
}

// jsonOf converts YAML to the JSON data a validator sees.
func jsonOf(t *testing.T, src string) any {
	t.Helper()
	j, err := k8syaml.YAMLToJSON([]byte(src))
	if err != nil {
		t.Fatalf("%v in:\n%s", err, src)
	}
	var v any
	if err := json.Unmarshal(j, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func validateAgainst(t *testing.T, s *spec.Schema, src string) error {
	t.Helper()
	return validate.AgainstSchema(s, jsonOf(t, src), strfmt.Default)
}

// decodeConfig runs the function's own config decoding.
func decodeConfig(t *testing.T, src string) []*config.Error {
	t.Helper()
	rn, err := yaml.Parse(src)
	if err != nil {
		t.Fatalf("%v in:\n%s", err, src)
	}
	_, errs := config.Decode(rn.YNode(), config.Origin{})
	return errs
}

func TestOpenAPIFileIsTheDefinitionsSchema(t *testing.T) {
	var def struct {
		Spec struct {
			Versions []struct {
				Schema struct {
					OpenAPIV3Schema any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	b, _ := json.Marshal(jsonOf(t, readFile(t, FunctionDefinitionFile)))
	if err := json.Unmarshal(b, &def); err != nil || len(def.Spec.Versions) != 1 {
		t.Fatalf("%s: want one version: %v", FunctionDefinitionFile, err)
	}
	if got, want := def.Spec.Versions[0].Schema.OpenAPIV3Schema, jsonOf(t, readFile(t, OpenAPIFile)); !reflect.DeepEqual(got, want) {
		t.Errorf("%s and the definition's openAPIV3Schema differ", OpenAPIFile)
	}
}

// TestSchemaMatchesConfigKeys reads the committed schema and checks it against config.Keys():
// every key, with its type and default, no other key, and no additional properties.
func TestSchemaMatchesConfigKeys(t *testing.T) {
	s := loadSchema(t)
	if s.AdditionalProperties == nil || s.AdditionalProperties.Allows {
		t.Error("the schema allows additional properties")
	}
	own := []string{"apiVersion", "kind", "metadata"}
	var names []string
	for _, d := range config.Keys() {
		names = append(names, d.Name)
		p, ok := s.Properties[d.Name]
		if !ok {
			t.Errorf("key %s is missing", d.Name)
			continue
		}
		if got := schemaType(p); got != d.Type {
			t.Errorf("key %s has type %s, want %s", d.Name, got, d.Type)
		}
		if got, want := fmtDefault(p.Default), d.Default; got != want {
			t.Errorf("key %s has default %s, want %s", d.Name, got, want)
		}
	}
	for name := range s.Properties {
		if !slices.Contains(names, name) && !slices.Contains(own, name) {
			t.Errorf("property %s is not a config key", name)
		}
	}
}

// schemaType names a property's type as config.Doc does: a selector is a string or an object.
func schemaType(p spec.Schema) string {
	if len(p.OneOf) == 2 && p.OneOf[0].Type.Contains("string") && p.OneOf[1].Type.Contains("object") && len(p.Type) == 0 {
		return "selector"
	}
	if len(p.Type) != 1 {
		return strings.Join(p.Type, "|")
	}
	return p.Type[0]
}

func fmtDefault(v any) string {
	switch v := v.(type) {
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	}
	return "?"
}

// exampleConfig is one config shipped with the repository, in the typed form.
type exampleConfig struct {
	source string
	yaml   string
}

// exampleConfigs gathers every config the repository ships: function-config.yaml, each
// SetSessionAffinity object under examples/ (a ResourceList's functionConfig too), each Kptfile
// configMap running the function, and each eval example's args. ConfigMap data becomes the typed form as the function reads it.
func exampleConfigs(t *testing.T) []exampleConfig {
	t.Helper()
	configs := []exampleConfig{{"function-config.yaml", readFile(t, filepath.Join(repoRoot, "function-config.yaml"))}}
	err := filepath.WalkDir(filepath.Join(repoRoot, "examples"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".yaml") || d.Name() == "Kptfile") {
			return err
		}
		r := &kio.ByteReader{Reader: strings.NewReader(readFile(t, path)), OmitReaderAnnotations: true}
		nodes, err := r.Read()
		if err != nil {
			return nil // not YAML: a chart template
		}
		if r.FunctionConfig != nil { // a ResourceList's own config
			nodes = append(nodes, r.FunctionConfig)
		}
		for _, n := range nodes {
			configs = append(configs, configsIn(t, path, n)...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return configs
}

func configsIn(t *testing.T, path string, n *yaml.RNode) []exampleConfig {
	t.Helper()
	switch {
	case n.GetKind() == config.Kind:
		return []exampleConfig{{path, n.MustString()}}
	case n.GetKind() == "Kptfile":
		var found []exampleConfig
		for _, list := range []string{"mutators", "validators"} {
			fns, _ := n.Pipe(yaml.Lookup("pipeline", list))
			for _, fn := range elements(fns) {
				if strings.Contains(fieldValue(fn, "exec")+fieldValue(fn, "image"), "set-session-affinity") {
					data, _ := fn.Pipe(yaml.Lookup("configMap"))
					found = append(found, exampleConfig{path + " " + list, typedFromData(t, data)})
				}
			}
		}
		return found
	}
	if args, _ := n.Pipe(yaml.Lookup("args")); args != nil && fieldValue(n, "testType") == "eval" {
		return []exampleConfig{{path + " args", typedFromData(t, args)}}
	}
	return nil
}

func fieldValue(n *yaml.RNode, name string) string {
	if f := n.Field(name); f != nil {
		return yaml.GetValue(f.Value)
	}
	return ""
}

func elements(n *yaml.RNode) []*yaml.RNode {
	if n == nil {
		return nil
	}
	list, _ := n.Elements()
	return list
}

// typedFromData turns ConfigMap data into the typed form, each value converted to its key's type
// as the function converts it; a value that does not convert stays a string, which the schema
// then refuses.
func typedFromData(t *testing.T, data *yaml.RNode) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: " + config.Group + "/" + config.Version + "\nkind: " + config.Kind + "\n")
	types := map[string]string{}
	for _, d := range config.Keys() {
		types[d.Name] = d.Type
	}
	if data == nil {
		return b.String()
	}
	err := data.VisitFields(func(f *yaml.MapNode) error {
		key, v := yaml.GetValue(f.Key), yaml.GetValue(f.Value)
		_, err := strconv.Atoi(v)
		switch {
		case types[key] == "integer" && err == nil, types[key] == "boolean" && (v == "true" || v == "false"):
			b.WriteString(key + ": " + v + "\n")
		default:
			b.WriteString(key + ": " + strconv.Quote(v) + "\n")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestExampleConfigsValidate checks that every config the repository ships is accepted by the
// function and by the schema.
func TestExampleConfigsValidate(t *testing.T) {
	s := loadSchema(t)
	configs := exampleConfigs(t)
	// function-config.yaml, four SetSessionAffinity files, the seed article's functionConfig, the
	// render Kptfile, the eval args.
	if len(configs) < 8 {
		t.Errorf("found %d example configs, want at least 8: %v", len(configs), configs)
	}
	for _, c := range configs {
		if errs := decodeConfig(t, c.yaml); len(errs) > 0 {
			t.Errorf("%s: the function refuses it: %v", c.source, errs)
		}
		if err := validateAgainst(t, s, c.yaml); err != nil {
			t.Errorf("%s: the schema refuses it: %v\n%s", c.source, err, c.yaml)
		}
	}
}

const typed = "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: sticky}\n"

// TestSchemaAcceptsValidConfigs: configs the function accepts that the examples do not show.
func TestSchemaAcceptsValidConfigs(t *testing.T) {
	s := loadSchema(t)
	for _, body := range []string{
		"",
		`selector: ""`,
		"selector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: NotIn, values: [batch]}, {key: sticky, operator: Exists}]}",
		"provider: huawei\npersistenceTimeoutSeconds: 600",
		"provider: aws",
		"clientIPTimeoutSeconds: 86400\npersistenceTimeoutSeconds: 3600\nmode: validate\npromoteToLoadBalancer: true",
	} {
		src := typed + body
		if errs := decodeConfig(t, src); len(errs) > 0 {
			t.Errorf("the function refuses %q: %v", body, errs)
		}
		if err := validateAgainst(t, s, src); err != nil {
			t.Errorf("the schema refuses %q: %v", body, err)
		}
	}
}

// TestSchemaRejectsWhatTheFunctionRejects: each config is refused by the function, and must be
// refused by the schema too.
func TestSchemaRejectsWhatTheFunctionRejects(t *testing.T) {
	s := loadSchema(t)
	for _, tc := range []struct{ name, body string }{
		{"unknown key", "replicas: 2"},
		{"a ConfigMap's data key in the typed form", "data: {mode: validate}"},
		{"integer as a string", `clientIPTimeoutSeconds: "3600"`},
		{"integer as null", "clientIPTimeoutSeconds: null"},
		{"boolean as a string", `promoteToLoadBalancer: "true"`},
		{"mode as a number", "mode: 1"},
		{"clientIPTimeoutSeconds 0", "clientIPTimeoutSeconds: 0"},
		{"clientIPTimeoutSeconds 86401", "clientIPTimeoutSeconds: 86401"},
		{"persistenceTimeoutSeconds 0", "persistenceTimeoutSeconds: 0"},
		{"persistenceTimeoutSeconds 3601", "persistenceTimeoutSeconds: 3601"},
		{"mode not in the enum", "mode: audit"},
		{"provider not in the enum", "provider: digitalocean"},
		{"selector as a list", "selector: [app]"},
		{"selector with an unknown field", "selector: {matchNames: {app: web}}"},
		{"matchLabels value not a string", "selector: {matchLabels: {replicas: 2}}"},
		{"matchExpressions operator not in the enum", "selector: {matchExpressions: [{key: tier, operator: Equals, values: [a]}]}"},
		{"matchExpressions with an unknown field", "selector: {matchExpressions: [{key: tier, operator: In, value: a}]}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := typed + tc.body
			if errs := decodeConfig(t, src); len(errs) == 0 {
				t.Fatalf("the function accepts %q; the case is wrong", tc.body)
			}
			if err := validateAgainst(t, s, src); err == nil {
				t.Errorf("the schema accepts %q, which the function refuses", tc.body)
			}
		})
	}
	t.Run("another version", func(t *testing.T) {
		src := strings.Replace(typed, "v1alpha1", "v1", 1)
		if len(decodeConfig(t, src)) == 0 || validateAgainst(t, s, src) == nil {
			t.Error("fn.kpt.dev/v1 must be refused by the function and the schema")
		}
	})
}

// TestSchemaDocumentsWhatItCannotCheck: configs the function refuses for a reason no schema can
// say; the schema accepts them, and its description must say the function refuses them.
func TestSchemaDocumentsWhatItCannotCheck(t *testing.T) {
	s := loadSchema(t)
	description := s.Description + " " + s.Properties["persistenceTimeoutSeconds"].Description + " " + s.Properties["selector"].Description
	for _, tc := range []struct{ name, body, documented string }{
		{"persistence out of huawei's range", "provider: huawei\npersistenceTimeoutSeconds: 30", limitPersistence},
		{"persistence not whole minutes for huawei", "provider: huawei\npersistenceTimeoutSeconds: 90", "huawei 60..3600 in whole minutes"},
		{"persistence for a provider without one", "provider: aws\npersistenceTimeoutSeconds: 600", withoutPersistence()},
		{"selector that does not parse", `selector: "tier in (a"`, limitSelector},
		{"matchLabels key that is not a label key", `selector: {matchLabels: {"not a key!": web}}`, limitSelector},
		{"a whole float", "clientIPTimeoutSeconds: 3600.0", limitFloat},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := typed + tc.body
			if errs := decodeConfig(t, src); len(errs) == 0 {
				t.Fatalf("the function accepts %q; the case is wrong", tc.body)
			}
			if err := validateAgainst(t, s, src); err != nil {
				t.Fatalf("the schema refuses %q (%v): move the case to TestSchemaRejectsWhatTheFunctionRejects", tc.body, err)
			}
			if !strings.Contains(description, tc.documented) {
				t.Errorf("the schema's description does not say %q", tc.documented)
			}
		})
	}
}

// TestFunctionVersionIsTheImageTag: the definition's runtime image is the one `make image` builds.
func TestFunctionVersionIsTheImageTag(t *testing.T) {
	meta, err := ReadMetadata(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^IMAGE \?= (\S+)$`).FindStringSubmatch(readFile(t, filepath.Join(repoRoot, "Makefile")))
	if m == nil || m[1] != meta.Image+":"+FunctionVersion {
		t.Errorf("the Makefile's IMAGE is %v, want %s:%s", m, meta.Image, FunctionVersion)
	}
}

// withoutPersistence names the providers without a persistence timeout, from the profiles.
func withoutPersistence() string {
	var names []string
	for _, name := range provider.Names() {
		if p, _ := provider.Lookup(name); p.Persistence == nil {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ") + " have no persistence timeout"
}
