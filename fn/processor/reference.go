package processor

import (
	"bytes"
	"fmt"
	"io"

	"github.com/sticky-services/set-session-affinity/fn/resourcelist"
)

// runReference is the straightforward path: parse the whole list with yaml.v3, process every
// item, write the list (fn/resourcelist splices changed items into the input's bytes when its
// shape allows, and re-encodes it whole otherwise). It takes any input; the fast path falls back
// to it, and the differential test holds the fast path to its output.
func runReference(in []byte, stdout, stderr io.Writer) int {
	list, err := resourcelist.Read(in)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", Name, err)
		return 1
	}
	results := Process(list)
	var out bytes.Buffer
	if err := list.Write(&out, results); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", Name, err)
		return 1
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(stderr, "%s: writing output: %v\n", Name, err)
		return 1
	}
	return finish(stderr, results)
}
