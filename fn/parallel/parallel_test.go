package parallel

import (
	"runtime"
	"slices"
	"sync/atomic"
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

// TestEachKeepsOrderAndStops hands every value in order across windows, inline and on every
// core, and computes nothing past the value use stops at.
func TestEachKeepsOrderAndStops(t *testing.T) {
	for _, procs := range []int{1, 4} {
		previous := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, Window, 2*Window + 3} {
			var got []int
			Each(n, func(i int) int { return i * i }, func(v int) bool { got = append(got, v); return true })
			want := make([]int, n)
			for i := range want {
				want[i] = i * i
			}
			if !slices.Equal(got, want) {
				t.Errorf("GOMAXPROCS=%d, n=%d: got %d values, want %d in order", procs, n, len(got), n)
			}
		}
		var computed atomic.Int64
		stop := Window + 5
		Each(3*Window, func(i int) int { computed.Add(1); return i }, func(v int) bool { return v < stop })
		if c := computed.Load(); c > 2*Window {
			t.Errorf("GOMAXPROCS=%d: %d values computed after use stopped at %d, want at most its window's", procs, c, stop)
		}
		runtime.GOMAXPROCS(previous)
	}
}
