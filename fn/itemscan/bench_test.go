package itemscan

import (
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// BenchmarkScan finds the items of a realistic 1,000-item list (the sequential part of a run).
func BenchmarkScan(b *testing.B) {
	in := listgen.Generate(1000)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := Scan(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClassify reads every item of the same list (the per-item part, which runs in parallel).
func BenchmarkClassify(b *testing.B) {
	in := listgen.Generate(1000)
	p, err := Scan(in)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		for i := range p.Layout.Items {
			_, _ = p.Classify(in, i)
		}
	}
}
