package processor

import (
	"io"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// BenchmarkRun and BenchmarkRunReference run the function over the same realistic 1,000-item
// list on the fast and the reference path; compare them. `make bench` measures whole processes.
func BenchmarkRun(b *testing.B) {
	benchmarkRun(b, Run)
}

func BenchmarkRunReference(b *testing.B) {
	benchmarkRun(b, runReference)
}

func benchmarkRun(b *testing.B, run func(in []byte, stdout, stderr io.Writer) int) {
	in := listgen.Generate(1000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if code := run(in, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit code %d", code)
		}
	}
}
