package processor

import (
	"path/filepath"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/invariants"
)

// TestGoldenInvariants holds every golden input to the invariants every run must keep.
func TestGoldenInvariants(t *testing.T) {
	for _, g := range goldenCases(t) {
		t.Run(filepath.Base(g.dir), func(t *testing.T) {
			for _, err := range invariants.Check(g.stdin, run) {
				t.Error(err)
			}
		})
	}
}
