package listgen

import (
	"fmt"
	"strings"
)

// Shape is an input of one form grown along one dimension: the shapes whose peak memory issue 18
// bounds (3 times the input and 32 MiB), each at the size the issue names (N). `make
// test-scaling` runs them at smaller n and 2n, `make bench` at N.
type Shape struct {
	Name string
	// N is the size the issue measured: items, documents, depth or ports.
	N int
	// Generate writes the input of size n.
	Generate func(n int) []byte
	// Refused says the function must refuse the input (an object past its bound), with a
	// message naming the bound, rather than run over it.
	Refused bool
}

// Shapes are the inputs of issue 18 that once took many times their size in memory.
func Shapes() []Shape {
	return []Shape{
		{Name: "flow mapping depth", N: 4000, Generate: DeepFlow},
		{Name: "ResourceList items, 10% sticky", N: 400000, Generate: SmallItems},
		{Name: "ResourceList of unselected Services", N: 400000, Generate: UnselectedServices},
		{Name: "stream documents, 10% sticky", N: 200000, Generate: SmallDocuments},
		{Name: "kind: List of Services (kubectl get svc -A -o yaml)", N: 30000, Generate: ServiceList},
		{Name: "ports of one Service, stream", N: 300000, Generate: PortsStream, Refused: true},
		{Name: "ports of one Service, ResourceList", N: 300000, Generate: PortsResourceList, Refused: true},
	}
}

const (
	listHeader = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"
	stickyItem = "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s%d\n    labels:\n      session-affinity.kpt.dev/sticky: \"true\"\n  spec:\n    type: NodePort\n    selector: {app: s%[1]d}\n    ports: [{port: 80}]\n"
	plainItem  = "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c%d\n  data:\n    key: value\n"
)

// DeepFlow is a ResourceList holding one ConfigMap whose value is a flow mapping n deep, with
// keys of 100 characters: no Service, so nothing is decoded but what the scan cannot vouch for.
func DeepFlow(n int) []byte {
	var b strings.Builder
	b.WriteString(listHeader + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data:\n    x: ")
	key := strings.Repeat("k", 100)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "{%s%d: ", key, i)
	}
	b.WriteString("v" + strings.Repeat("}", n) + "\n")
	return []byte(b.String())
}

// SmallItems is a ResourceList of n small items: every tenth a selected NodePort Service the
// function edits, the others ConfigMaps.
func SmallItems(n int) []byte {
	var b strings.Builder
	b.WriteString(listHeader)
	for i := 0; i < n; i++ {
		writeSmall(&b, i)
	}
	return []byte(b.String())
}

func writeSmall(b *strings.Builder, i int) {
	if i%10 == 0 {
		fmt.Fprintf(b, stickyItem, i)
	} else {
		fmt.Fprintf(b, plainItem, i)
	}
}

// UnselectedServices is a ResourceList of n Services that no selector picks.
func UnselectedServices(n int) []byte {
	var b strings.Builder
	b.WriteString(listHeader)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s%d\n    labels: {app: s%[1]d}\n  spec:\n    selector: {app: s%[1]d}\n    ports: [{port: 80}]\n", i)
	}
	return []byte(b.String())
}

// SmallDocuments is SmallItems' objects as a stream of n documents.
func SmallDocuments(n int) []byte {
	var b strings.Builder
	var item strings.Builder
	for i := 0; i < n; i++ {
		item.Reset()
		writeSmall(&item, i)
		b.WriteString("---\n")
		b.WriteString(outdent(item.String()))
	}
	return []byte(b.String())
}

// ServiceList is what `kubectl get svc -A -o yaml` prints for a cluster of n Services: one
// kind: List document, every tenth Service selected.
func ServiceList(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nitems:\n")
	for i := 0; i < n; i++ {
		labels := fmt.Sprintf("      app: web-%d\n", i)
		if i%10 == 0 {
			labels += "      session-affinity.kpt.dev/sticky: \"true\"\n"
		}
		ip := fmt.Sprintf("10.96.%d.%d", i/250%250, i%250+1)
		fmt.Fprintf(&b, `- apiVersion: v1
  kind: Service
  metadata:
    creationTimestamp: "2026-01-%02[1]dT10:%02[2]d:00Z"
    labels:
%[3]s    name: web-%[4]d
    namespace: team-%[5]d
    resourceVersion: "%[6]d"
    uid: 3f1c2a9e-%04[7]x-4b7d-9c1e-%012[4]x
  spec:
    clusterIP: %[8]s
    clusterIPs:
    - %[8]s
    internalTrafficPolicy: Cluster
    ipFamilies:
    - IPv4
    ipFamilyPolicy: SingleStack
    ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: 8080
    selector:
      app: web-%[4]d
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
`, 1+i%28, i%60, labels, i, i%50, 1000+i, i%0x10000, ip)
	}
	b.WriteString("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
	return []byte(b.String())
}

// manyPorts is a selected NodePort Service with n ports, as a document.
func manyPorts(n int) string {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Service\nmetadata:\n  name: ports\n  labels:\n    session-affinity.kpt.dev/sticky: \"true\"\nspec:\n  type: NodePort\n  ports:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - {name: p%d, port: %d}\n", i, 1+i%65535)
	}
	return b.String()
}

// PortsStream is one Service with n ports, as a stream of one document.
func PortsStream(n int) []byte { return []byte(manyPorts(n)) }

// PortsResourceList is one Service with n ports, as the only item of a ResourceList.
func PortsResourceList(n int) []byte {
	doc := strings.TrimSuffix(manyPorts(n), "\n")
	return []byte(listHeader + "- " + strings.ReplaceAll(doc, "\n", "\n  ") + "\n")
}
