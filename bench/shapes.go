package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
	"github.com/sticky-services/set-session-affinity/internal/peakrss"
)

// The memory-by-shape section of BENCHMARKS.md lies between these lines, so that `make
// bench-shapes` rewrites it alone and `make bench` keeps it when it does not measure shapes.
const (
	shapesBegin = "<!-- memory by shape: written by make bench-shapes -->"
	shapesEnd   = "<!-- end of memory by shape -->"
)

// shapeRuns is how many times each shape runs on each kind of stdin; the table gives the largest
// peak RSS, which the bound must hold for, and the median wall time.
const shapeRuns = 3

// shapeRow is one shape measured with one kind of stdin.
type shapeRow struct {
	shape  listgen.Shape
	size   int64
	pipe   bool
	maxRSS int64
	wall   time.Duration
	exit   int
	stderr string // the first line, for a refusal
}

// bound is the peak RSS issue 18 allows for an input of size bytes: 3 times it and 32 MiB.
func bound(size int64) int64 { return 3*size + 32<<20 }

// holds says whether the run stayed within the bound and ended as the shape expects: exit 0, or
// a refusal that names the number it is past ("at most 4 MiB").
func (r shapeRow) holds() bool {
	ended := r.exit == 0
	if r.shape.Refused {
		ended = r.exit != 0 && strings.Contains(r.stderr, "at most")
	}
	return ended && r.maxRSS <= bound(r.size)
}

// measureShapes runs the function on every shape of listgen.Shapes at the size issue 18 names,
// with the input as a file and on a pipe.
func measureShapes(fnBin, dir string) ([]shapeRow, error) {
	var rows []shapeRow
	for i, s := range listgen.Shapes() {
		path := filepath.Join(dir, fmt.Sprintf("shape-%d.yaml", i))
		text := s.Generate(s.N)
		if err := os.WriteFile(path, text, 0o644); err != nil {
			return nil, err
		}
		for _, pipe := range []bool{false, true} {
			fmt.Fprintf(os.Stderr, "bench: shape %q, N=%d (%s), pipe %v\n", s.Name, s.N, size(int64(len(text))), pipe)
			row, err := measureShape(fnBin, path, pipe, s)
			if err != nil {
				return nil, err
			}
			row.size = int64(len(text))
			rows = append(rows, row)
		}
		if err := os.Remove(path); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

func measureShape(fnBin, path string, pipe bool, s listgen.Shape) (shapeRow, error) {
	row := shapeRow{shape: s, pipe: pipe}
	var walls []time.Duration
	for range shapeRuns {
		f, err := os.Open(path)
		if err != nil {
			return row, err
		}
		var stderr bytes.Buffer
		cmd := exec.Command(fnBin)
		cmd.Stdin, cmd.Stderr = f, &stderr
		sample, err := peakrss.Measure(cmd, pipe)
		_ = f.Close()
		if err != nil {
			return row, err
		}
		row.maxRSS, row.exit, row.stderr = max(row.maxRSS, sample.MaxRSS), sample.ExitCode, firstLine(stderr.String())
		walls = append(walls, sample.Wall)
	}
	row.wall = median(walls)
	return row, nil
}

// shapesMarkdown is the memory-by-shape section, between its marker lines.
func shapesMarkdown(rows []shapeRow, version, loadBefore, loadAfter string) string {
	var b strings.Builder
	b.WriteString(shapesBegin + "\n## Memory by shape (issue 18)\n\n")
	fmt.Fprintf(&b, "`make bench-shapes` (the `bench/` module, `-shapes`) runs `%s` on each shape of `internal/listgen` (`Shapes`) at the size issue 18 names, "+
		"%d times with the input as a file and %d times on a pipe (as kpt and kustomize give it), through the same small measuring copy as above. "+
		"Peak RSS is the largest of the runs, wall the median. The bound is 3 times the input and 32 MiB; a shape the function must refuse holds it when it is refused "+
		"with a message naming the number it is past, within the bound. Load average (1, 5, 15 min) before: %s; after: %s.\n\n",
		version, shapeRuns, shapeRuns, loadBefore, loadAfter)
	b.WriteString("| shape | N | input | stdin | peak RSS | RSS / input | bound | holds? | wall (median) | outcome |\n")
	b.WriteString("|---|---:|---:|---|---:|---:|---:|---|---:|---|\n")
	for _, r := range rows {
		stdin, holds, outcome := "file", "**no**", "exit 0"
		if r.pipe {
			stdin = "pipe"
		}
		if r.holds() {
			holds = "yes"
		}
		if r.exit != 0 {
			outcome = fmt.Sprintf("exit %d: %s", r.exit, strings.ReplaceAll(strings.TrimPrefix(r.stderr, nameFunction+": "), "|", "\\|"))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %.2f× | %s | %s | %s | %s |\n", r.shape.Name, count(r.shape.N), size(r.size), stdin,
			size(r.maxRSS), float64(r.maxRSS)/float64(r.size), size(bound(r.size)), holds, duration(r.wall), outcome)
	}
	b.WriteString(shapesEnd + "\n")
	return b.String()
}

// withSection returns doc with its memory-by-shape section replaced by section (which carries
// its own marker lines); a doc without one gets it before the Go benchmarks, or at its end.
func withSection(doc, section string) string {
	if section == "" {
		return doc
	}
	if start, end := strings.Index(doc, shapesBegin), strings.Index(doc, shapesEnd); start >= 0 && end > start {
		return doc[:start] + section + doc[end+len(shapesEnd)+1:]
	}
	if i := strings.Index(doc, "\n## Go benchmarks"); i >= 0 {
		return doc[:i+1] + section + doc[i:]
	}
	return doc + "\n" + section
}

// sectionOf is doc's memory-by-shape section with its marker lines, or "".
func sectionOf(doc string) string {
	start, end := strings.Index(doc, shapesBegin), strings.Index(doc, shapesEnd)
	if start < 0 || end < start {
		return ""
	}
	return doc[start : end+len(shapesEnd)+1]
}

// allHold reports whether every shape held the bound.
func allHold(rows []shapeRow) bool {
	return !slices.ContainsFunc(rows, func(r shapeRow) bool { return !r.holds() })
}
