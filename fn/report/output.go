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

// Output is what plain mode (Helm, CI) shows besides the documents: Helm discards a
// post-renderer's stderr when it succeeds, so --results writes the findings to a file, and
// --verbose adds the info results to the stderr lines.
type Output struct {
	// ResultsFile receives the results as kpt writes them with --results-dir (results.yaml, a
	// kpt.dev/v1 FunctionResultList); "" for none.
	ResultsFile string
	// Verbose writes info results to stderr too, not only warnings and errors.
	Verbose bool
}

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
func (o Output) Write(stderr io.Writer, results fn.Results) error {
	least := fn.Warning
	if o.Verbose {
		least = fn.Info
	}
	if err := WriteLines(stderr, results, least); err != nil {
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
