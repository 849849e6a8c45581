package input_test

import (
	"fmt"

	"github.com/sticky-services/set-session-affinity/fn/input"
)

// A Helm-style stream: a comment, a marker with content, an end marker, a bare document after it.
func ExampleRead() {
	in, err := input.Read([]byte("# rendered\n--- {apiVersion: v1, kind: ConfigMap}\n...\napiVersion: v1\nkind: Service\n"))
	if err != nil {
		panic(err)
	}
	for _, p := range in.Pieces {
		fmt.Printf("%s: %q\n", p.Name(), in.Text[p.Start():p.End()])
	}
	// Output:
	// document 1: "# rendered\n--- {apiVersion: v1, kind: ConfigMap}\n...\n"
	// document 2: "apiVersion: v1\nkind: Service\n"
}
