package processor

import (
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/invariants"
)

// FuzzRun feeds arbitrary bytes to the whole function, seeded with every golden input and the
// text layer's cases (issue 18's shapes: tags, block scalars, merge keys, markers) and Services still
// written whole beside anchors and aliases (rewriteSeeds): it must
// never panic, and every run must keep the invariants. Crashers land in testdata/fuzz/FuzzRun
// and stay there as regression seeds.
func FuzzRun(f *testing.F) {
	for _, g := range goldenCases(f) {
		f.Add(g.stdin)
	}
	for _, c := range textLayerCases() {
		f.Add(c.in)
	}
	for _, in := range rewriteSeeds() {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, err := range invariants.Check(in, run) {
			t.Error(err)
		}
	})
}
