// Command sdknoop is the baseline the benchmark compares against: a KRM function built on the kpt
// functions SDK (fn.AsMain) whose processor changes nothing, so all it costs is the SDK's own
// reading, parsing and writing of the ResourceList.
package main

import (
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

func main() {
	noop := func(*fn.ResourceList) (bool, error) { return true, nil }
	if err := fn.AsMain(fn.ResourceListProcessorFunc(noop)); err != nil {
		os.Exit(1)
	}
}
