// Command set-session-affinity is a KRM function that makes labelled Kubernetes Services sticky
// from the cloud load balancer to the pod. It reads a ResourceList (or plain YAML documents) on
// stdin and writes the result on stdout; see README.md and --help.
package main

import (
	"os"

	"github.com/sticky-services/set-session-affinity/fn/cli"
)

// version is set at build time: -ldflags "-X main.version=v0.1.0".
var version = "dev"

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, version))
}
