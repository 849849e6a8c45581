package processor

import (
	"os"
	"testing"

	"github.com/sticky-services/set-session-affinity/internal/peakrss"
)

// TestMain lets this test binary be the small copy through which TestShapesStayWithinTheMemoryBound
// measures the function's binary (internal/peakrss); otherwise it runs the tests.
func TestMain(m *testing.M) {
	peakrss.Serve()
	os.Exit(m.Run())
}
