package processor

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// Golden cases live in testdata/<case>/ and examples/<example>/ at the repository root:
//
//	input.yaml           what the orchestrator sends, without functionConfig
//	config.yaml          the functionConfig, optional
//	expected.yaml        stdout, byte for byte (absent when nothing may be written)
//	expected-stderr.txt  stderr, byte for byte (absent when nothing may be printed)
//
// The exit code must be 1 exactly when stderr has an error: an [error] line, or the one line of
// unusable input. `go test ./fn/processor -update`
// rewrites the expected files; read every diff before committing it.
var update = flag.Bool("update", false, "rewrite the golden files from the current output")

// goldenDirs hold the cases; every entry of testdata is one, and every example with an input.yaml.
var goldenDirs = []string{"../../testdata/*", "../../examples/*/input.yaml"}

type golden struct {
	dir    string
	stdin  []byte
	stdout []byte
	stderr []byte
}

func goldenCases(t testing.TB) []golden {
	t.Helper()
	testdata, _ := filepath.Glob(goldenDirs[0])
	examples, _ := filepath.Glob(goldenDirs[1])
	if len(testdata) == 0 || len(examples) == 0 {
		t.Fatalf("no golden cases in %v", goldenDirs)
	}
	for _, input := range examples {
		testdata = append(testdata, filepath.Dir(input))
	}
	var cases []golden
	for _, dir := range testdata {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Fatalf("%s: every entry in testdata must be a case directory", dir)
		}
		cases = append(cases, golden{dir: dir, stdin: Stdin(t, dir), stdout: read(t, dir, "expected.yaml"), stderr: read(t, dir, "expected-stderr.txt")})
	}
	return cases
}

// Stdin assembles a case's input the way kpt does: the functionConfig follows the items.
func Stdin(t testing.TB, dir string) []byte {
	t.Helper()
	in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := read(t, dir, "config.yaml")
	if cfg == nil {
		return in
	}
	var b bytes.Buffer
	b.Write(in)
	b.WriteString("functionConfig:\n")
	for _, line := range strings.SplitAfter(strings.TrimRight(string(cfg), "\n")+"\n", "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	return b.Bytes()
}

func read(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(in []byte) (stdout, stderr []byte, code int) {
	var out, errOut bytes.Buffer
	code = Run(in, StreamOptions{}, &out, &errOut)
	return out.Bytes(), errOut.Bytes(), code
}

func TestGolden(t *testing.T) {
	for _, g := range goldenCases(t) {
		t.Run(filepath.Base(filepath.Dir(g.dir))+"/"+filepath.Base(g.dir), func(t *testing.T) {
			stdout, stderr, code := run(g.stdin)
			if *update {
				write(t, g.dir, "expected.yaml", stdout)
				write(t, g.dir, "expected-stderr.txt", stderr)
				return
			}
			if !bytes.Equal(stdout, g.stdout) {
				t.Errorf("stdout differs from expected.yaml:\n%s", stdout)
			}
			if !bytes.Equal(stderr, g.stderr) {
				t.Errorf("stderr differs from expected-stderr.txt:\n%s", stderr)
			}
			if want := exitCodeFor(g.stdin, stderr); code != want {
				t.Errorf("exit code %d, want %d", code, want)
			}
		})
	}
}

// exitCodeFor is the exit code a golden run must have: 0 with no error on stderr (warnings are
// allowed); 2 for a stream the function cannot use (a line with no finding); else 1 (error
// findings, or any failure of a single ResourceList, whose runners need only non-zero).
func exitCodeFor(stdin, stderr []byte) int {
	list := bytes.Contains(stdin, []byte("kind: ResourceList")) && !bytes.Contains(stdin, []byte("\n---"))
	failed := bytes.Contains(stderr, []byte("[error]")) || bytes.HasPrefix(stderr, []byte(Name+": "))
	switch {
	case !failed:
		return 0
	case !list && !bytes.Contains(stderr, []byte("] ")) && !bytes.Contains(stderr, []byte("]: ")):
		return 2
	}
	return 1
}

func write(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	path := filepath.Join(dir, name)
	if len(b) == 0 {
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestIdempotent runs every golden case's output through the function again: the list (without
// the results the first run appended) or the stream must come back byte for byte, with no change
// reported.
func TestIdempotent(t *testing.T) {
	for _, g := range goldenCases(t) {
		if len(g.stdout) == 0 {
			continue
		}
		t.Run(filepath.Base(g.dir), func(t *testing.T) {
			first := withoutResults(g.stdout)
			stdout, _, _ := run(first)
			if second := withoutResults(stdout); !bytes.Equal(second, first) {
				t.Errorf("second run changed the output:\n%s\nfirst run:\n%s", second, first)
			}
			if changes := changeResults(t, stdout); len(changes) > 0 {
				t.Errorf("second run reported changes: %v", changes)
			}
		})
	}
}

// TestRerunReplacesItsOwnResults (issue 17.9) feeds every golden list's output, results and
// all, to the function again: the earlier results must be replaced, not joined by a second,
// contradicting set, so the output is byte for byte that of a run over the list with only the
// results it came with (none, or other functions', which stay as written); and a third run
// changes nothing at all.
func TestRerunReplacesItsOwnResults(t *testing.T) {
	for _, g := range goldenCases(t) {
		if !bytes.Contains(g.stdout, []byte("\nresults:\n")) {
			continue // a stream, or nothing written
		}
		t.Run(filepath.Base(g.dir), func(t *testing.T) {
			second, _, _ := run(g.stdout)
			fresh, _, _ := run(append(withoutResults(g.stdout), inputResults(g.stdin)...))
			if !bytes.Equal(second, fresh) {
				t.Errorf("a run over the output with its results:\n%s\nwithout them:\n%s", second, fresh)
			}
			if third, _, _ := run(second); !bytes.Equal(third, second) {
				t.Errorf("a third run changed the output:\n%s\nsecond run:\n%s", third, second)
			}
		})
	}
}

// withoutResults cuts the results a run appended to a list, so the list can be fed in again.
func withoutResults(out []byte) []byte {
	if i := bytes.LastIndex(out, []byte("\nresults:\n")); i >= 0 {
		return out[:i+1]
	}
	return out
}

// inputResults is the results a golden input ends with (testdata/results-of-other-functions), or
// nothing.
func inputResults(in []byte) []byte {
	if i := bytes.LastIndex(in, []byte("\nresults:\n")); i >= 0 && !bytes.Contains(in[i:], []byte("\nfunctionConfig:")) {
		return in[i+1:]
	}
	return nil
}

// changeResults lists the info results that propose a value: the changes a run made.
func changeResults(t *testing.T, out []byte) []string {
	t.Helper()
	rn, err := yaml.Parse(string(out))
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	results := node.AsWritten(rn.YNode(), "results")
	if results == nil {
		return nil
	}
	for _, r := range results.Content {
		if v, _ := node.Scalar(node.AsWritten(r, "severity")); v == "info" && node.AsWritten(r, "field", "proposedValue") != nil {
			changes = append(changes, node.AsWritten(r, "message").Value)
		}
	}
	return changes
}
