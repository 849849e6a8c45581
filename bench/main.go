// Command bench measures set-session-affinity against a no-op KRM function built on the kpt
// functions SDK, and against kustomize with the equivalent labelSelector patch, on generated
// ResourceLists of growing size (internal/listgen), and writes BENCHMARKS.md. `make bench` builds
// the binaries and runs it; see BENCHMARKS.md for the method.
//
// It lives in its own module so that the SDK no-op (bench/sdknoop) never enters the function's
// go.mod.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sticky-services/set-session-affinity/internal/peakrss"
)

// options are the command line.
type options struct {
	fnBin, sdkBin, kustomizeBin string
	sizes                       string
	kustomizeMax                int
	shapes                      bool
	out, goBench                string
}

func main() {
	peakrss.Serve() // when this is the copy that measures a run
	var o options
	flag.StringVar(&o.fnBin, "fn", "../bin/set-session-affinity", "the function's binary")
	flag.StringVar(&o.sdkBin, "sdk", "../bin/sdknoop", "the SDK no-op function's binary")
	flag.StringVar(&o.kustomizeBin, "kustomize", "../bin/kustomize", "the kustomize binary")
	flag.StringVar(&o.sizes, "sizes", "1,100,1000,10000,50000", "list sizes, comma separated; empty to keep the report's tables by size as they are")
	flag.IntVar(&o.kustomizeMax, "kustomize-max", 1000, "the largest list kustomize runs on; 0 for none")
	flag.BoolVar(&o.shapes, "shapes", false, "measure the peak memory of each shape of issue 18 (internal/listgen.Shapes) and rewrite the report's memory-by-shape section")
	flag.StringVar(&o.out, "out", "../BENCHMARKS.md", "where to write the report")
	flag.StringVar(&o.goBench, "go-bench", "", "a file of `go test -bench` output to include")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// run writes the report: the tables by size when sizes are given (or else the report's own), and
// the memory-by-shape section when shapes is set (or else the report's own). It fails after
// writing when a shape does not hold its bound.
func run(o options) error {
	old, err := os.ReadFile(o.out)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	dir, err := os.MkdirTemp("", "set-session-affinity-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	doc, section := string(old), sectionOf(string(old))
	if o.sizes != "" {
		if doc, err = bySize(o, dir); err != nil {
			return err
		}
	}
	var rows []shapeRow
	if o.shapes {
		before := loadAverage()
		if rows, err = measureShapes(o.fnBin, dir); err != nil {
			return err
		}
		section = shapesMarkdown(rows, firstLine(output(o.fnBin, "--version")), before, loadAverage())
	}
	if err := writeFile(o.out, withSection(doc, section)); err != nil {
		return err
	}
	if !allHold(rows) {
		return fmt.Errorf("a shape is past its memory bound or not refused as it should be; see %s", o.out)
	}
	return nil
}

// bySize measures the contenders on generated lists of each size and returns the report.
func bySize(o options, dir string) (string, error) {
	ns, err := parseSizes(o.sizes)
	if err != nil {
		return "", err
	}
	fn := func(input) *exec.Cmd { return exec.Command(o.fnBin) }
	sdk := func(input) *exec.Cmd { return exec.Command(o.sdkBin) }
	contenders := []contender{
		{name: nameFunction, command: fn, baseline: nameSDK},
		{name: nameSDK, command: sdk},
		{name: nameFunctionPipe, command: fn, pipe: true, maxN: pipeMaxN, baseline: nameSDKPipe},
		{name: nameSDKPipe, command: sdk, pipe: true, maxN: pipeMaxN},
	}
	if o.kustomizeMax > 0 {
		contenders = append(contenders, contender{name: nameKustomize, maxN: o.kustomizeMax, baseline: nameSDK, command: func(in input) *exec.Cmd {
			return exec.Command(o.kustomizeBin, "build", in.kustomize)
		}})
	}
	r := &report{machine: describeMachine(o.fnBin, o.kustomizeBin), loadBefore: loadAverage()}
	for _, n := range ns {
		in, err := writeInput(dir, n, n <= o.kustomizeMax)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(os.Stderr, "bench: N=%d (%s), %d rounds\n", n, size(in.size), rounds(n))
		ms, err := pairedRuns(contenders, in, rounds(n))
		if err != nil {
			return "", err
		}
		r.add(in, ms)
	}
	r.loadAfter = loadAverage()
	if o.goBench != "" {
		b, err := os.ReadFile(o.goBench)
		if err != nil {
			return "", err
		}
		r.goBench = string(b)
	}
	return r.markdown(), nil
}

// rounds is how many times each contender runs on a list of n items: enough for a stable median,
// few enough that the SDK's seconds per run at 50,000 items keep `make bench` within minutes. A
// one-item run takes a few milliseconds, where a scheduler's hiccup is a tenth of the time, so it
// gets many rounds.
func rounds(n int) int {
	switch {
	case n == 1:
		return 101
	case n <= 100:
		return 21
	case n <= 1000:
		return 9
	case n <= 10000:
		return 5
	}
	return 3
}

func parseSizes(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func writeFile(path string, content string) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
