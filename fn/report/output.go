package report

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// FunctionName names the function on stderr and in a results file.
const FunctionName = "set-session-affinity"

// Destinations is where a run's results are shown besides a ResourceList's `results`: stderr lines
// (warnings and errors), and in plain mode (Helm, CI) a --results file. Helm discards a
// post-renderer's stderr when it succeeds, so --results writes the findings to a file, and
// --verbose adds the info results to the stderr lines.
type Destinations struct {
	// ResultsFile receives the results as kpt writes them with --results-dir (results.yaml, a
	// kpt.dev/v1 FunctionResultList); "" for none.
	ResultsFile string
	// Verbose writes info results to stderr too, not only warnings and errors.
	Verbose bool
	// ResultsShown says the orchestrator shows the results itself and stderr too, so stderr
	// stays empty: each result then shows once. It is kpt (ShownByKpt); kustomize shows only
	// stderr, so under it every warning and error is a line there.
	ResultsShown bool
}

// kptMark is the annotation kpt puts on every item it sends (kyaml kio/kioutil SeqIndentAnnotation:
// kpt reads packages, and stdin for `kpt fn eval -`, with PreserveSeqIndent, so that it can write
// lists back in their own indentation); kustomize sends none. Seen on kpt 1.0.0-beta.56 (fn eval
// and fn render, from a directory and from stdin) and kustomize v5.7.1.
var kptMark = []byte("internal.config.kubernetes.io/seqindent:")

// ShownByKpt reports whether a ResourceList came from kpt, which prints every result of the run
// and then, on success and failure alike, everything the function wrote on stderr
// (kptdev/kpt internal/fnruntime/runner.go: printFnResult, then printFnStderr; exec.go and
// container.go keep the stderr of an exec and an image function alike). A line on stderr would
// show each finding twice there.
func ShownByKpt(list []byte) bool { return bytes.Contains(list, kptMark) }

// ResultsList encodes results as the FunctionResultList kpt writes to results.yaml, with this
// function as its one item, run by exec.
func ResultsList(name string, results fn.Results) ([]byte, error) {
	code := results.ExitCode()
	var b bytes.Buffer
	fmt.Fprintf(&b, "apiVersion: kpt.dev/v1\nkind: FunctionResultList\nmetadata:\n  name: fnresults\nexitCode: %d\nitems:\n  - exec: %s\n    exitCode: %d\n", code, name, code)
	list, err := AppendYAML(nil, results)
	if err != nil {
		return nil, err
	}
	for _, line := range bytes.SplitAfter(list, []byte("\n")) {
		if len(line) > 0 {
			b.WriteString("    ")
			b.Write(line)
		}
	}
	return b.Bytes(), nil
}

// Write sends results where o says: the results file, and stderr lines (warnings and errors, and
// info when verbose). A results file that cannot be written is an error: the caller asked for it.
func (o Destinations) Write(stderr io.Writer, results fn.Results) error {
	if err := o.WriteLines(stderr, results); err != nil {
		return err
	}
	if o.ResultsFile == "" {
		return nil
	}
	b, err := ResultsList(FunctionName, results)
	if err != nil {
		return fmt.Errorf("--results: %w", err)
	}
	if err := os.WriteFile(o.ResultsFile, b, 0o644); err != nil {
		return fmt.Errorf("--results: %w", err)
	}
	return nil
}

// WriteLines prints the results a user must see as stderr lines: every warning and error (and info
// when verbose), unless the orchestrator shows them itself. Warnings are the findings a run that
// succeeds would otherwise keep to itself: a value replaced, a Service promoted to a
// LoadBalancer, a label that almost selects.
func (o Destinations) WriteLines(stderr io.Writer, results fn.Results) error {
	if o.ResultsShown {
		return nil
	}
	least := fn.Warning
	if o.Verbose {
		least = fn.Info
	}
	return WriteLines(stderr, results, least)
}
