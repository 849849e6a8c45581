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
)

func main() {
	if len(os.Args) > 2 && (os.Args[1] == childMode || os.Args[1] == childModePipe) {
		os.Exit(measureChild(os.Args[2:], os.Args[1] == childModePipe))
	}
	fnBin := flag.String("fn", "../bin/set-session-affinity", "the function's binary")
	sdkBin := flag.String("sdk", "../bin/sdknoop", "the SDK no-op function's binary")
	kustomizeBin := flag.String("kustomize", "../bin/kustomize", "the kustomize binary")
	sizes := flag.String("sizes", "1,100,1000,10000,50000", "list sizes, comma separated")
	kustomizeMax := flag.Int("kustomize-max", 1000, "the largest list kustomize runs on; 0 for none")
	out := flag.String("out", "../BENCHMARKS.md", "where to write the report")
	goBench := flag.String("go-bench", "", "a file of `go test -bench` output to include")
	flag.Parse()
	if err := run(*fnBin, *sdkBin, *kustomizeBin, *sizes, *kustomizeMax, *out, *goBench); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(fnBin, sdkBin, kustomizeBin, sizeList string, kustomizeMax int, out, goBench string) error {
	ns, err := parseSizes(sizeList)
	if err != nil {
		return err
	}
	fn := func(input) *exec.Cmd { return exec.Command(fnBin) }
	sdk := func(input) *exec.Cmd { return exec.Command(sdkBin) }
	contenders := []contender{
		{name: nameFunction, command: fn, baseline: nameSDK},
		{name: nameSDK, command: sdk},
		{name: nameFunctionPipe, command: fn, pipe: true, maxN: pipeMaxN, baseline: nameSDKPipe},
		{name: nameSDKPipe, command: sdk, pipe: true, maxN: pipeMaxN},
	}
	if kustomizeMax > 0 {
		contenders = append(contenders, contender{name: nameKustomize, maxN: kustomizeMax, baseline: nameSDK, command: func(in input) *exec.Cmd {
			return exec.Command(kustomizeBin, "build", in.kustomize)
		}})
	}
	dir, err := os.MkdirTemp("", "set-session-affinity-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	r := &report{machine: describeMachine(fnBin, kustomizeBin), loadBefore: loadAverage()}
	for _, n := range ns {
		in, err := writeInput(dir, n, n <= kustomizeMax)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: N=%d (%s), %d rounds\n", n, size(in.size), rounds(n))
		ms, err := pairedRuns(contenders, in, rounds(n))
		if err != nil {
			return err
		}
		r.add(in, ms)
	}
	r.loadAfter = loadAverage()
	if goBench != "" {
		b, err := os.ReadFile(goBench)
		if err != nil {
			return err
		}
		r.goBench = string(b)
	}
	return writeFile(out, r.markdown())
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
