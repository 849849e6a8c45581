package processor

import (
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// allocated is how many bytes f allocates (runtime.MemStats.TotalAlloc): what a run costs the
// heap, counted, not timed, and the same on a loaded machine.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestAnObjectPastTheBoundIsRefusedUndecoded (issue 18.10): a stream document past the object
// bound is read as a kind: List when it is one; one Service with 300,000 ports is not, and
// finding that out had yaml.v3 decode it whole (about 60 times its text: 264 MB for 4.6 MB)
// before the bound refused it. The list's own fields are held to the bound before they are
// decoded, in a stream and in a ResourceList.
func TestAnObjectPastTheBoundIsRefusedUndecoded(t *testing.T) {
	defer func(limit int) { input.MaxObject = limit }(input.MaxObject)
	input.MaxObject = 64 << 10
	ports := string(listgen.PortsStream(20000)) // 0.6 MB
	for name, c := range map[string]struct{ in, refusal string }{
		"a Service in a stream": {ports, "document 1 is 0.6 MiB; the function decodes objects of at most 0 MiB"},
		"a ResourceList's functionConfig": {header + "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\nfunctionConfig:\n  " +
			strings.ReplaceAll(strings.TrimSuffix(ports, "\n"), "\n", "\n  ") + "\n",
			"the ResourceList without its items is 0.6 MiB; the function decodes objects of at most 0 MiB"},
	} {
		var errOut []byte
		var code int
		cost := allocated(func() { _, errOut, code = run([]byte(c.in)) })
		if code == 0 || !strings.Contains(string(errOut), c.refusal) {
			t.Errorf("%s: exit %d, stderr %s; want the refusal %q", name, code, truncate(string(errOut)), c.refusal)
		}
		if limit := uint64(8 * len(c.in)); cost > limit {
			t.Errorf("%s: refusing a %d-byte input allocated %d bytes, want at most %d", name, len(c.in), cost, limit)
		}
	}
}

// TestAnInputPastMaxInputIsRefused: a piece's offsets are 32 bits, so an input of 4 GiB or more
// is refused, naming the bound, before any piece is made.
func TestAnInputPastMaxInputIsRefused(t *testing.T) {
	defer func(limit int) { input.MaxInput = limit }(input.MaxInput)
	input.MaxInput = 3 << 20
	_, err := Process([]byte(strings.Repeat("# a comment line\n", 200000)), StreamOptions{})
	if tooLong := (*input.TooLongError)(nil); !errors.As(err, &tooLong) || !strings.Contains(err.Error(), "input of 3 MiB; the function reads at most 3 MiB") {
		t.Errorf("got %v", err)
	}
}

// TestAPlanHoldsLittleForEachItem (issue 18.10): a ResourceList of small items, every tenth a
// Service made sticky, took 7 to 9.5 times its size in memory. What a run keeps until it writes
// its output is now, beyond the input, less than the input again: pieces of 16 bytes that
// remember nothing of their text, and results whose messages, fields and added lines are held
// once for all the Services they are the same for. Measured as the live heap the Plan holds.
func TestAPlanHoldsLittleForEachItem(t *testing.T) {
	for name, in := range map[string][]byte{
		"ResourceList items": listgen.SmallItems(20000),
		"stream documents":   listgen.SmallDocuments(20000),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		plan, err := Process(in, StreamOptions{})
		if err != nil {
			t.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		if ratio := float64(held) / float64(len(in)); ratio > 1 {
			t.Errorf("%s: the plan of %d results holds %d bytes beyond the %d-byte input (%.2f times it), want at most once it",
				name, len(plan.Results), held, len(in), ratio)
		}
		runtime.KeepAlive(plan)
		runtime.KeepAlive(in)
	}
}

func TestSmallItemsShapesAreWhatTheyClaim(t *testing.T) {
	for _, n := range []int{10, 20} {
		plan, err := Process(listgen.SmallItems(n), StreamOptions{})
		if err != nil || plan.Counts.Updated != n/10 || len(plan.Input.Pieces) != n {
			t.Errorf("n=%d: %v, counts %+v, %d pieces", n, err, plan.Counts, len(plan.Input.Pieces))
		}
	}
}
