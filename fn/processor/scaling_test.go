package processor

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
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
