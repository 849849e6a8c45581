package processor

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// TestARerunHoldsNoTreeOfTheResults (issue 18): a run over the function's own output reads a
// ResourceList that holds a result for each Service it changed. Those results were decoded as one
// yaml.v3 tree that the Plan kept until the output was written: 335 MB for a 50 MB list, past
// the bound of three times the input and 32 MiB. The results' entries are now found in the text,
// as the items are, and decoded one at a time, so the Plan of a re-run holds, beyond the input,
// less than the input again, as a first run's does (TestAPlanHoldsLittleForEachItem).
func TestARerunHoldsNoTreeOfTheResults(t *testing.T) {
	out, _, code := run(listgen.SmallItems(20000))
	if code != 0 || !bytes.Contains(out, []byte("\nresults:\n")) {
		t.Fatalf("the first run: exit %d", code)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	plan, err := Process(out, StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if ratio := float64(held) / float64(len(out)); ratio > 1 {
		t.Errorf("the plan of a re-run holds %d bytes beyond the %d-byte input (%.2f times it), want at most once it", held, len(out), ratio)
	}
	runtime.KeepAlive(plan)
	runtime.KeepAlive(out)
}
