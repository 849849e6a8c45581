package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
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
// goes through a fresh, small copy of this program (measureChild): Go starts children with
// vfork, and Linux counts the parent's memory at exec time into the child's peak RSS, so a child
// of this process, which holds large lists, would report this process's size as its own.
func runOnce(c contender, in input) (sample, error) {
	cmd := c.command(in)
	self, err := os.Executable()
	if err != nil {
		return sample{}, err
	}
	result, err := os.CreateTemp("", "bench-sample-")
	if err != nil {
		return sample{}, err
	}
	_ = result.Close()
	defer func() { _ = os.Remove(result.Name()) }()
	mode := childMode
	if c.pipe {
		mode = childModePipe
	}
	wrapped := exec.Command(self, append([]string{mode, result.Name(), cmd.Path}, cmd.Args[1:]...)...)
	wrapped.Dir, wrapped.Env, wrapped.Stdin = cmd.Dir, cmd.Env, cmd.Stdin
	if wrapped.Stdin == nil && in.path != "" {
		f, err := os.Open(in.path)
		if err != nil {
			return sample{}, err
		}
		defer func() { _ = f.Close() }()
		wrapped.Stdin = f
	}
	if err := wrapped.Run(); err != nil {
		return sample{}, fmt.Errorf("%s on N=%d: %w", c.name, in.n, err)
	}
	b, err := os.ReadFile(result.Name())
	if err != nil {
		return sample{}, err
	}
	var wall, cpu, rss int64
	if _, err := fmt.Sscan(string(b), &wall, &cpu, &rss); err != nil {
		return sample{}, fmt.Errorf("%s on N=%d: reading the sample: %w", c.name, in.n, err)
	}
	return sample{wall: time.Duration(wall), cpu: time.Duration(cpu), maxRSS: rss}, nil
}

// childMode makes this program run one command and write its wall time, CPU time and peak RSS;
// childModePipe does the same with the input given on a pipe.
const (
	childMode     = "-measure-child"
	childModePipe = "-measure-child-pipe"
)

// measureChild runs args[1:] with this process's stdin, stdout and stderr discarded, and writes
// "wall-ns cpu-ns rss-bytes" to the file args[0]; it returns the exit code. With pipe, the input
// is read first and written to the command through a pipe.
func measureChild(args []string, pipe bool) int {
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Stdin = os.Stdin
	if pipe {
		in, err := io.ReadAll(os.Stdin)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		cmd.Stdin = bytes.NewReader(in) // not an *os.File: exec copies it through a pipe
	}
	start := time.Now()
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	wall := time.Since(start)
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	line := fmt.Sprintf("%d %d %d\n", wall.Nanoseconds(), cpu.Nanoseconds(), ru.Maxrss*1024) // Linux reports KiB
	if err := os.WriteFile(args[0], []byte(line), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
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
