package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// machine describes where the benchmark ran, from /proc and the tools themselves.
type machine struct {
	cpu, memory, kernel, goVersion, kpt, kustomize string
	cores                                          int
}

func describeMachine(fnBin, kustomizeBin string) machine {
	return machine{
		cpu:       procField("/proc/cpuinfo", "model name"),
		cores:     runtime.NumCPU(),
		memory:    memory(),
		kernel:    strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		goVersion: goVersionOf(fnBin),
		kpt:       firstLine(output("kpt", "version")),
		kustomize: firstLine(output(kustomizeBin, "version")),
	}
}

// goVersionOf reads the toolchain a binary was built with (`go version` prints "path: go1.x").
func goVersionOf(bin string) string {
	_, v, ok := strings.Cut(firstLine(output("go", "version", bin)), ": ")
	if !ok {
		return "unknown"
	}
	return v
}

func memory() string {
	var kb int64
	if _, err := fmt.Sscanf(procField("/proc/meminfo", "MemTotal"), "%d kB", &kb); err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
}

// procField returns the value of the first "key: value" line with that key.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer func() { _ = f.Close() }()
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, ok := strings.Cut(s.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage is the 1-, 5- and 15-minute load; the benchmark says it, since other work on the
// machine slows every contender.
func loadAverage() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

func output(name string, args ...string) string {
	b, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	return string(b)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}
