package cli

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// TestFindingPlaces pins the line and column each finding names: of the field's key when the
// field is there, of a list entry for an index, of the object when the field is missing; in block,
// flow and JSON input, in a later document of a stream, in a List's items and in a ResourceList.
func TestFindingPlaces(t *testing.T) {
	const block = `# a comment first
apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: rr
spec:
  type: ClusterIP
  ports:
  - port: 80
    nodePort: 30080
  externalTrafficPolicy: Cluster
`
	const flow = `apiVersion: v1
kind: Service
metadata: {name: web, annotations: {a.example.com/b.c: x}}
spec: {type: ClusterIP, ports: [{port: 80, nodePort: 30080}], externalTrafficPolicy: Cluster}
`
	const json = `{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web", "annotations": {"a.example.com/b.c": "x"}},
  "spec": {
    "ports": [{"port": 80, "nodePort": 30080}],
    "externalTrafficPolicy": "Cluster"
  }
}
`
	const list = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: first}
- apiVersion: v1
  kind: Service
  metadata: {name: web}
  spec:
    externalTrafficPolicy: Cluster
`
	const resourceList = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
  spec:
    externalTrafficPolicy: Cluster
`
	web := &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Name: "web"}
	for _, tc := range []struct {
		name, text, path string
		ref              *fn.ResourceRef
		line, column     int
	}{
		{"block: a field", block, "spec.externalTrafficPolicy", web, 17, 3},
		{"block: a field in a list entry", block, "spec.ports[0].nodePort", web, 16, 5},
		{"block: a list entry", block, "spec.ports[0]", web, 15, 5},
		{"block: an annotation, its key with dots and slashes", block, "metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler]", web, 11, 5},
		{"block: a missing field is the object, in its document", block, "spec.sessionAffinity", web, 6, 1},
		{"block: no field is the object", block, "", web, 6, 1},
		{"flow: a field", flow, "spec.externalTrafficPolicy", web, 4, 63},
		{"flow: a field in a list entry", flow, "spec.ports[0].nodePort", web, 4, 44},
		{"flow: an annotation", flow, "metadata.annotations[a.example.com/b.c]", web, 3, 37},
		{"flow: a missing field is the object", flow, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", web, 1, 1},
		{"JSON: a field", json, "spec.externalTrafficPolicy", web, 7, 5},
		{"JSON: a field in a list entry", json, "spec.ports[0].nodePort", web, 6, 28},
		{"JSON: an annotation", json, "metadata.annotations[a.example.com/b.c]", web, 4, 47},
		{"JSON: a missing field is the object", json, "spec.type", web, 1, 1},
		{"a List's item", list, "spec.externalTrafficPolicy", web, 11, 5},
		{"a List's item, the field missing", list, "spec.type", web, 7, 3},
		{"a ResourceList's item", resourceList, "spec.externalTrafficPolicy", web, 9, 5},
		{"an object not in the file has no line", block, "spec", &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Name: "gone"}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &fn.Result{Severity: fn.Error, ResourceRef: tc.ref, Message: "m"}
			if tc.path != "" {
				r.Field = &fn.Field{Path: tc.path}
			}
			got := locate("f.yaml", []byte(tc.text), fn.Results{r})[0].Place
			if got.File != "f.yaml" || got.Line != tc.line || got.Column != tc.column {
				t.Errorf("place %s, want f.yaml:%d:%d", got, tc.line, tc.column)
			}
		})
	}
}

// TestFindingWithoutObjectHasFileOnly: a result about no object (config, summary) names the file.
func TestFindingWithoutObjectHasFileOnly(t *testing.T) {
	got := locate("f.yaml", []byte("a: 1\n"), fn.Results{{Severity: fn.Info, Message: "summary"}})[0].Place
	if got.String() != "f.yaml" {
		t.Errorf("place %q, want f.yaml", got)
	}
}
