// Package parallel runs independent steps on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Map computes f(0..n-1) on every core and returns the values in order.
func Map[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		// One step runs here: a goroutine would wake an idle core's thread for nothing,
		// which a one-item run of a few milliseconds feels.
		for k := range n {
			out[k] = f(k)
		}
		return out
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				out[k] = f(k)
			}
		})
	}
	wg.Wait()
	return out
}
