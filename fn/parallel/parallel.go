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
	fill(out, 0, f)
	return out
}

// Window is how many values Each holds at a time.
const Window = 4096

// Each computes f(0..n-1) on every core and hands the values to use in order, Window of them at
// a time: a run over 400,000 items holds 4,096 values, not one for each item, and what use keeps
// of them is all that stays. When use returns false, Each stops: no later value is computed.
func Each[T any](n int, f func(int) T, use func(T) bool) {
	window := make([]T, min(n, Window))
	for start := 0; start < n; start += len(window) {
		window = window[:min(len(window), n-start)]
		fill(window, start, f)
		for k := range window {
			if !use(window[k]) {
				return
			}
			var zero T
			window[k] = zero // what use did not keep is garbage now
		}
	}
}

// fill sets out[k] = f(first+k) on every core.
func fill[T any](out []T, first int, f func(int) T) {
	n := len(out)
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		// One step runs here: a goroutine would wake an idle core's thread for nothing,
		// which a one-item run of a few milliseconds feels.
		for k := range n {
			out[k] = f(first + k)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				out[k] = f(first + k)
			}
		})
	}
	wg.Wait()
}
