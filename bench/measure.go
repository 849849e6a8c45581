package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/sticky-services/set-session-affinity/internal/peakrss"
)

// contender is one command the benchmark times on an input.
type contender struct {
	name string
	// command builds the command for one run; its stdin is the input file, unless it is nil.
	command func(in input) *exec.Cmd
	// maxN is the largest list it runs on, 0 for all.
	maxN int
	// pipe gives the input on a pipe, as kpt and kustomize do, instead of as a file.
	pipe bool
	// baseline is the contender its wall time and RSS are compared with, if any.
	baseline string
}

// sample is what one run cost, as the kernel accounted it for the child (wait4's rusage).
type sample struct {
	wall   time.Duration
	cpu    time.Duration // user + system
	maxRSS int64         // bytes
}

// runOnce runs c on in, with stdout and stderr discarded, and fails unless it exits 0. The run
// goes through a fresh, small copy of this program (internal/peakrss): a child of this process,
// which holds large lists, would be charged this process's memory as its own.
func runOnce(c contender, in input) (sample, error) {
	cmd := c.command(in)
	if cmd.Stdin == nil && in.path != "" {
		f, err := os.Open(in.path)
		if err != nil {
			return sample{}, err
		}
		defer func() { _ = f.Close() }()
		cmd.Stdin = f
	}
	s, err := peakrss.Measure(cmd, c.pipe)
	switch {
	case err != nil:
		return sample{}, fmt.Errorf("%s on N=%d: %w", c.name, in.n, err)
	case s.ExitCode != 0:
		return sample{}, fmt.Errorf("%s on N=%d: exit %d", c.name, in.n, s.ExitCode)
	}
	return sample{wall: s.Wall, cpu: s.CPU, maxRSS: s.MaxRSS}, nil
}

// measurement is the medians of a contender's runs on one input.
type measurement struct {
	contender string
	baseline  string
	n         int
	runs      int
	wall, cpu time.Duration
	maxRSS    int64
}

func summarize(c contender, n int, samples []sample) measurement {
	m := measurement{contender: c.name, baseline: c.baseline, n: n, runs: len(samples)}
	walls, cpus, rss := make([]time.Duration, 0), make([]time.Duration, 0), make([]int64, 0)
	for _, s := range samples {
		walls, cpus, rss = append(walls, s.wall), append(cpus, s.cpu), append(rss, s.maxRSS)
	}
	m.wall, m.cpu, m.maxRSS = median(walls), median(cpus), median(rss)
	return m
}

func median[T int64 | time.Duration](v []T) T {
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// pairedRuns runs the contenders on in, one after the other, reps times over (A B C A B C ...), so
// that any drift in the machine's load falls on all of them alike. One untimed round warms the
// page cache first.
func pairedRuns(cs []contender, in input, reps int) ([]measurement, error) {
	var active []contender
	for _, c := range cs {
		if c.maxN == 0 || in.n <= c.maxN {
			active = append(active, c)
		}
	}
	samples := make([][]sample, len(active))
	for rep := -1; rep < reps; rep++ {
		for i, c := range active {
			s, err := runOnce(c, in)
			if err != nil {
				return nil, err
			}
			if rep >= 0 {
				samples[i] = append(samples[i], s)
			}
		}
	}
	var ms []measurement
	for i, c := range active {
		ms = append(ms, summarize(c, in.n, samples[i]))
	}
	return ms, nil
}
