// Command listgen prints listgen.Generate(n) (a ResourceList of n realistic items) for tests
// outside this module, such as the admission policy proof in validator/.
//
// Usage: go run ./internal/listgen/cmd/listgen N
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: listgen N")
		os.Exit(2)
	}
	n, err := strconv.Atoi(os.Args[1])
	if err != nil || n < 0 {
		fmt.Fprintf(os.Stderr, "listgen: N must be a whole number, got %q\n", os.Args[1])
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(listgen.Generate(n)); err != nil {
		fmt.Fprintln(os.Stderr, "listgen:", err)
		os.Exit(1)
	}
}
