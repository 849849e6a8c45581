package goldens

import (
	"strings"
	"testing"

	yaml3 "go.yaml.in/yaml/v3"
)

const list = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
    annotations:
      a.example.com/timeout: 1800
      a.example.com/switch: on
      a.example.com/quoted: "on"
      a.example.com/empty:
  spec:
    type: ClusterIP
    type: LoadBalancer
    ports: [{port: 80, nodePort: 30080}]
    selector: {app: web, timeoutSeconds: 10800}
- apiVersion: serving.knative.dev/v1
  kind: Service
  metadata: {name: knative}
- just a string
results:
- message: m
  severity: error
  resourceRef: {apiVersion: v1, kind: Service, name: web, namespace: shop}
  field: {path: spec.type}
- message: about a Deployment
  severity: error
  resourceRef: {apiVersion: apps/v1, kind: Deployment, name: web}
results: [duplicated, so a strict decoder would refuse the list]
`

func TestServicesKeepsTheItemAsWritten(t *testing.T) {
	services, err := Services([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 1 {
		t.Fatalf("want only the core v1 Service, got %d", len(services))
	}
	s := services[0]
	if s.Index != 0 || s.Name != "web" || s.Namespace != "shop" || s.RequestNamespace() != "shop" {
		t.Errorf("got %+v", s)
	}
	if strings.Count(string(s.Manifest), "type:") != 2 {
		t.Errorf("the duplicate key must survive, so the server sees it:\n%s", s.Manifest)
	}
}

func TestServiceFindingsReadsOnlyServiceResults(t *testing.T) {
	findings, err := ServiceFindings([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != 1 || findings[0].Path != "spec.type" || findings[0].Severity != "error" {
		t.Fatalf("got %+v", findings)
	}
}

func TestValueTypesAndDuplicates(t *testing.T) {
	services, err := Services([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	s := services[0]
	tests := []struct {
		path, jsonType string
		duplicated     bool
	}{
		{"metadata.annotations[a.example.com/timeout]", "number", false},
		{"metadata.annotations[a.example.com/switch]", "boolean", false}, // YAML 1.1, as the server reads it
		{"metadata.annotations[a.example.com/quoted]", "string", false},
		{"metadata.annotations[a.example.com/empty]", "null", false},
		{"spec.type", "string", true},
		{"spec.ports", "array", false},
		{"spec.ports[0].nodePort", "number", false},
		{"spec.selector.timeoutSeconds", "number", false},
		{"spec.selector.app", "string", false},
		{"spec.missing", "", false},
	}
	for _, tt := range tests {
		if got := JSONType(s.Value(tt.path)); got != tt.jsonType {
			t.Errorf("JSONType(%s) = %q, want %q", tt.path, got, tt.jsonType)
		}
		if got := s.Duplicated(tt.path); got != tt.duplicated {
			t.Errorf("Duplicated(%s) = %v, want %v", tt.path, got, tt.duplicated)
		}
	}
}

func TestSplitPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"spec.ports[0].nodePort", "spec ports [0] nodePort"},
		{"metadata.annotations[a.b/c]", "metadata annotations [a.b/c]"},
		{"spec.selector.sessionAffinity", "spec selector sessionAffinity"},
	}
	for _, tt := range tests {
		var parts []string
		for _, st := range splitPath(tt.path) {
			if st.isIndex {
				parts = append(parts, "["+st.name+"]")
			} else {
				parts = append(parts, st.name)
			}
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("splitPath(%q) = %q, want %q", tt.path, got, tt.want)
		}
		if got := joinSteps(splitPath(tt.path)); got != tt.path {
			t.Errorf("joinSteps(splitPath(%q)) = %q", tt.path, got)
		}
	}
}

// TestInt: an integer is what the API server's YAML reader makes of it, in every form it allows.
func TestInt(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"10800", 10800, true},
		{"+10800", 10800, true},
		{"0x2A30", 10800, true},
		{"0o25060", 10800, true},
		{"025060", 10800, true},
		{"10_800", 10800, true},
		{`"10800"`, 0, false},
		{"1e4", 0, false},
		{"true", 0, false},
	} {
		var doc yaml3.Node
		if err := yaml3.Unmarshal([]byte("v: "+tt.in), &doc); err != nil {
			t.Fatal(err)
		}
		if got, ok := Int(doc.Content[0].Content[1]); got != tt.want || ok != tt.ok {
			t.Errorf("Int(%s) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
