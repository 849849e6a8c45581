// Command gen writes the generated schema files into the current directory (schema/); run it
// with `go generate` there.
package main

import (
	"fmt"
	"os"

	"github.com/sticky-services/set-session-affinity/schema"
)

func main() {
	files, err := schema.Files("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for name, content := range files {
		if err := os.WriteFile(name, content, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
