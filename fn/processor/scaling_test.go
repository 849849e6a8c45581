package processor

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
	"github.com/sticky-services/set-session-affinity/internal/peakrss"
)

// TestScalesLinearly holds every dimension of the input to linear time: doubling the labels,
// ports, annotations or selector keys of one Service, the items or comment lines of a list, the
// depth of a flow mapping, the documents of a stream or the items of a kind: List,
// may at most about double the run (time(2n)/time(n) <= 2.5; a quadratic step gives 4). It
// times runs, so it is not part of `make test` (a loaded machine could fail it); `make
// test-scaling` runs it, as `make bench` does.
func TestScalesLinearly(t *testing.T) {
	if os.Getenv("SSA_SCALING") == "" {
		t.Skip("times runs; set SSA_SCALING=1 (make test-scaling)")
	}
	for _, d := range []struct {
		name string
		n    int
		gen  func(n int) string
	}{
		{"labels", 25000, func(n int) string { return service(repeat("    l%d: v\n", n), "", "    ports: [{port: 80}]\n") }},
		{"annotations", 25000, func(n int) string { return service("", repeat("    a%d: v\n", n), "    ports: [{port: 80}]\n") }},
		{"ports", 25000, func(n int) string { return service("", "", "    ports:\n"+repeat("    - port: %d\n", n)) }},
		{"selector keys", 25000, func(n int) string {
			return service("", "", "    ports: [{port: 80}]\n    selector:\n"+repeat("      k%d: v\n", n))
		}},
		{"items", 20000, func(n int) string {
			return list(repeat("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n", n))
		}},
		{"depth of an untouched flow mapping", 4000, func(n int) string {
			return list("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data:\n    x: " +
				repeat("{"+strings.Repeat("k", 100)+"%d: ", n) + "v" + strings.Repeat("}", n) + "\n")
		}},
		{"documents", 20000, func(n int) string {
			return repeat("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\n", n)
		}},
		{"List items", 20000, func(n int) string {
			return "apiVersion: v1\nkind: List\nitems:\n" + repeat("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n", n)
		}},
		{"comment lines", 50000, func(n int) string {
			return list(repeat("# comment %d\n", n) + "- " + strings.TrimPrefix(service("", "", "    ports: [{port: 80}]\n"), header+"- "))
		}},
	} {
		t.Run(d.name, func(t *testing.T) {
			small, large := fastest([]byte(d.gen(d.n))), fastest([]byte(d.gen(2*d.n)))
			ratio := float64(large) / float64(small)
			t.Logf("%s: n=%d %v, 2n %v, ratio %.2f", d.name, d.n, small, large, ratio)
			if ratio > 2.5 {
				t.Errorf("time(2n)/time(n) = %.2f for %s, want <= 2.5", ratio, d.name)
			}
		})
	}
}

func list(items string) string { return header + items }

// service is a list holding one selected NodePort Service with the given extra labels,
// annotations and spec lines.
func service(labels, annotations, spec string) string {
	return list("- apiVersion: v1\n  kind: Service\n  metadata:\n    name: big\n    labels:\n      " + sticky + "\n" +
		indent(labels) + "    annotations:\n      x: y\n" + indent(annotations) + "  spec:\n    type: NodePort\n" + spec)
}

func indent(lines string) string {
	return strings.ReplaceAll(strings.TrimSuffix("  "+strings.ReplaceAll(lines, "\n", "\n  "), "  "), "\n  \n", "\n")
}

func repeat(format string, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, format, i+1)
	}
	return b.String()
}

// fastest is the shortest of three runs.
func fastest(in []byte) time.Duration {
	best := time.Duration(1 << 62)
	for range 3 {
		start := time.Now()
		Run(in, StreamOptions{}, io.Discard, io.Discard)
		best = min(best, time.Since(start))
	}
	return best
}

// TestShapesStayWithinTheMemoryBound runs the function's binary, as a child process, on each shape
// of issue 18 (listgen.Shapes: an untouched flow mapping 4,000 deep, 400,000 small items with
// every tenth Service sticky, 400,000 unselected Services, 200,000 documents, a kind: List of
// 30,000 Services, one Service with 300,000 ports in a stream and in a ResourceList) at half and
// at the size the issue names. Each run must end as the shape expects (exit 0, or a refusal
// naming the number it is past) with a peak RSS, as the kernel accounts it, of at most 3 times
// the input and 32 MiB; doubling the shape may at most about double the time (<= 2.5, as
// TestScalesLinearly). The larger size runs on a pipe too, as kpt and kustomize give the input.
// It times runs, so it is not part of `make test`; `make test-scaling` runs it, with
// SSA_BINARY naming the binary it built (else it builds one).
func TestShapesStayWithinTheMemoryBound(t *testing.T) {
	if os.Getenv("SSA_SCALING") == "" {
		t.Skip("times runs and reads their peak RSS; set SSA_SCALING=1 (make test-scaling)")
	}
	bin := functionBinary(t)
	for _, s := range listgen.Shapes() {
		t.Run(s.Name, func(t *testing.T) {
			n := s.N / 2
			small := measureShape(t, bin, s, n, false)
			large := measureShape(t, bin, s, 2*n, false)
			piped := measureShape(t, bin, s, 2*n, true)
			for _, m := range []shapeRun{small, large, piped} {
				t.Logf("n=%d, %s: %.1f MiB in, peak RSS %.1f MiB (%.2f times), bound %.1f MiB, %v, exit %d",
					m.n, m.stdin(), mib(m.size), mib(m.rss), float64(m.rss)/float64(m.size), mib(rssBound(m.size)), m.wall, m.exit)
				m.check(t, s)
			}
			if large.wall < 100*time.Millisecond {
				t.Logf("n=%d runs in %v: too short to time", 2*n, large.wall)
				return
			}
			ratio := float64(large.wall) / float64(small.wall)
			t.Logf("time(2n)/time(n) = %.2f", ratio)
			if ratio > 2.5 {
				t.Errorf("time(2n)/time(n) = %.2f for %s, want <= 2.5", ratio, s.Name)
			}
		})
	}
}

// shapeRun is a shape at one size, measured: the fastest of three runs' wall time, the largest
// peak RSS.
type shapeRun struct {
	n, size   int
	pipe      bool
	wall      time.Duration
	rss       int64
	exit      int
	firstLine string // of stderr
}

func (m shapeRun) stdin() string {
	if m.pipe {
		return "pipe"
	}
	return "file"
}

// rssBound is the peak RSS issue 18 allows for an input of size bytes.
func rssBound(size int) int64 { return 3*int64(size) + 32<<20 }

func mib[T int | int64](n T) float64 { return float64(n) / (1 << 20) }

func (m shapeRun) check(t *testing.T, s listgen.Shape) {
	t.Helper()
	switch {
	case s.Refused && (m.exit == 0 || !strings.Contains(m.firstLine, "at most")):
		t.Errorf("n=%d, %s: exit %d, %q; want a refusal naming the bound", m.n, m.stdin(), m.exit, m.firstLine)
	case !s.Refused && m.exit != 0:
		t.Errorf("n=%d, %s: exit %d, %q", m.n, m.stdin(), m.exit, m.firstLine)
	}
	if m.rss > rssBound(m.size) {
		t.Errorf("n=%d, %s: peak RSS %.1f MiB for %.1f MiB of input (%.2f times), want at most 3 times and 32 MiB (%.1f MiB)",
			m.n, m.stdin(), mib(m.rss), mib(m.size), float64(m.rss)/float64(m.size), mib(rssBound(m.size)))
	}
}

func measureShape(t *testing.T, bin string, s listgen.Shape, n int, pipe bool) shapeRun {
	t.Helper()
	text := s.Generate(n)
	path := filepath.Join(t.TempDir(), "input.yaml")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	m := shapeRun{n: n, size: len(text), pipe: pipe, wall: time.Duration(1 << 62)}
	for range 3 {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd := exec.Command(bin)
		cmd.Stdin, cmd.Stderr = f, &stderr
		sample, err := peakrss.Measure(cmd, pipe)
		_ = f.Close()
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(stderr.String(), "\n")
		m.wall, m.rss, m.exit, m.firstLine = min(m.wall, sample.Wall), max(m.rss, sample.MaxRSS), sample.ExitCode, line
	}
	return m
}

// functionBinary is the binary SSA_BINARY names, or one built for the test.
func functionBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("SSA_BINARY"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "set-session-affinity")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, "github.com/sticky-services/set-session-affinity")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the binary: %v\n%s", err, out)
	}
	return bin
}
