package processor

import (
	"io"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// BenchmarkRun runs the function over a realistic 1,000-item list. `make bench` measures whole
// processes against an SDK no-op.
func BenchmarkRun(b *testing.B) {
	in := listgen.Generate(1000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if code := Run(in, StreamOptions{}, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit code %d", code)
		}
	}
}
