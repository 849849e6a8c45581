package parallel

import (
	"runtime"
	"slices"
	"testing"
)

// TestMapKeepsOrder runs Map inline (one step, or one core) and on every core: each way must
// give f(0..n-1) in order, each step run once.
func TestMapKeepsOrder(t *testing.T) {
	for _, procs := range []int{1, 4} {
		previous := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 1000} {
			want := make([]int, n)
			for i := range want {
				want[i] = i * i
			}
			if got := Map(n, func(i int) int { return i * i }); !slices.Equal(got, want) {
				t.Errorf("GOMAXPROCS=%d, n=%d: got %v", procs, n, got)
			}
		}
		runtime.GOMAXPROCS(previous)
	}
}
