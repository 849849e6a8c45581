package goldens

import (
	yaml "go.yaml.in/yaml/v3"
)

// Finding is one result of the function's output that names a resource and a field.
type Finding struct {
	Severity  string // error, warning, info
	Message   string
	Kind      string
	Name      string
	Namespace string
	Path      string // field.path, in the API server's notation
}

type resultsDoc struct {
	Results []struct {
		Message     string `yaml:"message"`
		Severity    string `yaml:"severity"`
		ResourceRef *struct {
			APIVersion string `yaml:"apiVersion"`
			Kind       string `yaml:"kind"`
			Name       string `yaml:"name"`
			Namespace  string `yaml:"namespace"`
		} `yaml:"resourceRef"`
		Field *struct {
			Path string `yaml:"path"`
		} `yaml:"field"`
	} `yaml:"results"`
}

// ServiceFindings returns the results of a ResourceList that name a v1 Service. Only the results
// are decoded, so a list with other problems (a key given twice) still yields them.
func ServiceFindings(resourceList []byte) ([]Finding, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(resourceList, &root); err != nil {
		return nil, err
	}
	var doc resultsDoc
	if len(root.Content) == 1 {
		if results := Lookup(root.Content[0], "results"); results != nil {
			if err := results.Decode(&doc.Results); err != nil {
				return nil, err
			}
		}
	}
	var out []Finding
	for _, r := range doc.Results {
		ref := r.ResourceRef
		if ref == nil || ref.APIVersion != "v1" || ref.Kind != "Service" {
			continue
		}
		f := Finding{Severity: r.Severity, Message: r.Message, Kind: ref.Kind, Name: ref.Name, Namespace: ref.Namespace}
		if r.Field != nil {
			f.Path = r.Field.Path
		}
		out = append(out, f)
	}
	return out, nil
}

// About returns the findings on Service s.
func About(findings []Finding, s Service) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Name == s.Name && f.Namespace == s.Namespace {
			out = append(out, f)
		}
	}
	return out
}

// Errors returns the findings of severity error.
func Errors(findings []Finding) []Finding {
	var out []Finding
	for _, f := range findings {
		if f.Severity == "error" {
			out = append(out, f)
		}
	}
	return out
}

// Value returns the node at a field path of the Service (metadata.annotations[key],
// spec.selector.key, spec.sessionAffinityConfig.clientIP.timeoutSeconds), or nil. Only the forms
// the function reports are understood: dotted keys and one [key] or [index] at the end of a key.
func (s Service) Value(path string) *yaml.Node {
	return valueAt(s.node, path)
}
