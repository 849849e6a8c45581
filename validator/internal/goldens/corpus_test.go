package goldens

import (
	"strings"
	"testing"
)

func TestWrapDocumentsSkipsEmptyDocuments(t *testing.T) {
	got, err := WrapDocuments([]byte("---\n# Source: a.yaml\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := Items(got)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("want the Service and the ConfigMap as items, got %d:\n%s", len(items), got)
	}
}

func TestListServicesDropsServerSetFields(t *testing.T) {
	list := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata: {name: top}
- apiVersion: v1
  kind: List
  metadata: {resourceVersion: ""}
  items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
      namespace: shop
      resourceVersion: "78"
      uid: 4302bc01-c4fb-45d0-bc95-48cabc0444e1
      creationTimestamp: "2026-12-01T01:29:29Z"
      managedFields: [{manager: kubectl}]
      labels: {app: web}
    spec: {ports: [{port: 80}]}
    status: {loadBalancer: {}}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: c}
`
	services, err := ListServices([]byte(list))
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != 1 || services[0].Name != "web" || services[0].Namespace != "shop" || services[0].Index != 1 {
		t.Fatalf("want only shop/web of items[1], got %+v", services)
	}
	m := string(services[0].Manifest)
	for _, gone := range []string{"resourceVersion", "uid", "creationTimestamp", "managedFields", "status"} {
		if strings.Contains(m, gone) {
			t.Errorf("%s is still there:\n%s", gone, m)
		}
	}
	for _, kept := range []string{"app: web", "port: 80"} {
		if !strings.Contains(m, kept) {
			t.Errorf("%s is gone:\n%s", kept, m)
		}
	}
	if !strings.Contains(list, "resourceVersion: \"78\"") {
		t.Fatal("the input must not change")
	}
}
