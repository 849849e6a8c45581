// Package peakrss runs a command and reports what it cost as the kernel accounted it (wait4's
// rusage): wall time, CPU time and peak resident memory. `make bench` and `make test-scaling`
// measure the function's binary with it.
//
// A command is not run by the measuring program itself but by a fresh, small copy of it: Go
// starts children with vfork, and Linux counts the parent's peak memory at exec time into the
// child's (exec_mmap: setmax_mm_hiwater_rss), so a child of a program that holds large inputs
// would report that program's size as its own. The copy holds nothing; Serve, called first in
// the program's main (or TestMain), makes it run the command and write the sample.
package peakrss

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// Sample is what one run cost.
type Sample struct {
	Wall, CPU time.Duration // CPU is user + system
	MaxRSS    int64         // bytes
	ExitCode  int
}

// childArg starts the copy of the program that Serve turns into the measuring child.
const childArg = "-peakrss-child"

// Measure runs cmd (its Path, Args, Dir, Env, Stdin, Stdout and Stderr) through a fresh copy of
// this program, and returns what the run cost; a non-zero exit is in the sample, not an error.
// With pipe, the command reads its input from a pipe, as kpt and kustomize give it, rather than
// from cmd.Stdin itself (which may be a file).
func Measure(cmd *exec.Cmd, pipe bool) (Sample, error) {
	self, err := os.Executable()
	if err != nil {
		return Sample{}, err
	}
	result, err := os.CreateTemp("", "peakrss-")
	if err != nil {
		return Sample{}, err
	}
	_ = result.Close()
	defer func() { _ = os.Remove(result.Name()) }()
	wrapped := exec.Command(self, append([]string{childArg, result.Name(), fmt.Sprint(pipe), cmd.Path}, cmd.Args[1:]...)...)
	wrapped.Dir, wrapped.Env = cmd.Dir, cmd.Env
	wrapped.Stdin, wrapped.Stdout, wrapped.Stderr = cmd.Stdin, cmd.Stdout, cmd.Stderr
	if err := wrapped.Run(); err != nil {
		return Sample{}, fmt.Errorf("measuring %s: %w", cmd.Path, err)
	}
	b, err := os.ReadFile(result.Name())
	if err != nil {
		return Sample{}, err
	}
	var s Sample
	var wall, cpu int64
	if _, err := fmt.Sscan(string(b), &wall, &cpu, &s.MaxRSS, &s.ExitCode); err != nil {
		return Sample{}, fmt.Errorf("measuring %s: reading the sample: %w", cmd.Path, err)
	}
	s.Wall, s.CPU = time.Duration(wall), time.Duration(cpu)
	return s, nil
}

// Serve returns at once unless this process is a copy Measure started; then it runs the command,
// writes the sample and exits (1 when it could not measure).
func Serve() {
	if len(os.Args) < 5 || os.Args[1] != childArg {
		return
	}
	if err := child(os.Args[2], os.Args[3] == "true", os.Args[4], os.Args[5:]); err != nil {
		fmt.Fprintln(os.Stderr, "peakrss:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func child(result string, pipe bool, path string, args []string) error {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if pipe {
		// Not an *os.File: exec copies it through a pipe, a buffer at a time, so that this
		// process never holds the input (its peak would count as the command's).
		cmd.Stdin = struct{ io.Reader }{os.Stdin}
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if exit := (*exec.ExitError)(nil); err != nil && !errors.As(err, &exit) {
		return err
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return errors.New("no rusage on this system")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	line := fmt.Sprintf("%d %d %d %d\n", wall.Nanoseconds(), cpu.Nanoseconds(), ru.Maxrss*1024, cmd.ProcessState.ExitCode()) // Linux reports KiB
	return os.WriteFile(result, []byte(line), 0o644)
}
