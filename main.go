// Command set-session-affinity is a KRM function that makes labelled Kubernetes Services sticky
// from the cloud load balancer to the pod. It reads a ResourceList on stdin and writes one on
// stdout; see README.md.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/sticky-services/set-session-affinity/fn/processor"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: reading stdin: %v\n", processor.Name, err)
		os.Exit(1)
	}
	os.Exit(processor.Run(in, os.Stdout, os.Stderr))
}
