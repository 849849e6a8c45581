package edit_test

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/node"
)

// A Service's type changes and a field is added: the comment, the flow-style ports and the
// JSON spacing stay as written.
func ExampleDiff() {
	text := []byte(`spec:
  type: ClusterIP # from the vendor article
  ports: [{"port":80}]
`)
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		panic(err)
	}
	before := doc.Content[0]
	after := node.ResolveUnbounded(before)
	node.SetScalar(node.AsWritten(after, "spec"), "type", "LoadBalancer", yaml.NodeTagString)
	node.SetScalar(node.AsWritten(after, "spec"), "externalTrafficPolicy", "Local", yaml.NodeTagString)

	edits, err := edit.Diff(text, before, after)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(edit.Apply(text, edits)))
	// Output:
	// spec:
	//   type: LoadBalancer # from the vendor article
	//   ports: [{"port":80}]
	//   externalTrafficPolicy: Local
}
