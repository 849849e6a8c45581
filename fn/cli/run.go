package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"golang.org/x/term"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/processor"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// isTerminal reports whether f is a terminal (a variable, for tests).
var isTerminal = func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// hintTerminal says, on stderr, that the function waits for input, when a person runs it with
// nothing piped in: otherwise it would wait in silence.
func hintTerminal(stdin io.Reader, stderr io.Writer) {
	if f, ok := stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprintf(stderr, "%s: reading YAML from stdin (end with Ctrl-D); give files or directories as arguments, or see --help\n", processor.Name)
	}
}

// done is a file's run: its plan and where its results are.
type done struct {
	src     source
	plan    *processor.Plan
	results []report.Located
}

// runInputs runs the function over files and directories (and stdin for "-"), as plain YAML
// documents, each file on its own so that each finding names its file, line and column. Nothing is
// written, to stdout or back to a file, when any file has an error finding: a pipeline never
// applies half a result.
func runInputs(o *options, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	paths := o.paths
	if len(paths) == 0 {
		hintTerminal(stdin, stderr)
		paths = []string{"-"}
	}
	fc, err := o.functionConfig()
	if err != nil {
		return fail(stderr, err)
	}
	cfg, errs := config.Decode(fc, o.origin())
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, report.ConfigError(e, fc).String())
		}
		return exitUsage
	}
	if err := o.checkCombination(paths, cfg); err != nil {
		return fail(stderr, err)
	}
	sources, skipped, err := collect(paths, stdin, o.configFile)
	if err != nil {
		return fail(stderr, err)
	}
	if o.out.Verbose {
		for _, s := range skipped {
			fmt.Fprintf(stderr, "%s: %s\n", processor.Name, s)
		}
	}
	runs, code := o.process(sources, fc, stderr)
	if code != exitOK {
		return code
	}
	all := runResults(runs, cfg)
	if len(sources) == 0 {
		// A gate pointed at the wrong directory must not pass in silence.
		all = append(all, report.Located{Result: &fn.Result{Severity: fn.Warning,
			Message: fmt.Sprintf("no manifests found in %s; -v says what was left out and why", strings.Join(paths, " "))}})
	}
	code = findingsCode(all)
	if err := o.writeFindings(stdout, stderr, all, code, version); err != nil {
		return fail(stderr, err)
	}
	if code != exitOK {
		return code
	}
	if err := o.writeDocuments(stdout, runs); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// checkCombination refuses flags that cannot go together, before anything is read.
func (o *options) checkCombination(paths []string, cfg config.Config) error {
	switch {
	case o.inPlace && slices.Contains(paths, "-"):
		return errors.New("--in-place writes files back; give files or directories, not - (stdin)")
	case o.output != "text" && !o.inPlace && cfg.Mode == config.Mutate:
		return fmt.Errorf("--output %s prints the findings on stdout, where mutate mode prints the documents: add --in-place to write the files back, or use --mode validate", o.output)
	}
	return nil
}

// process runs the function over each source. Input that cannot be used (not valid YAML, a
// ResourceList among files) and an invalid config stop the run with exit code 2, naming each
// file.
func (o *options) process(sources []source, fc *yaml.Node, stderr io.Writer) ([]done, int) {
	stream := processor.StreamOptions{Config: fc, Origin: o.origin(), FromCommandLine: o.configured()}
	var runs []done
	code := exitOK
	for _, src := range sources {
		plan, err := processor.Process(src.text, stream)
		if err == nil && plan.Input.Shape == input.ResourceList {
			err = errors.New("is a ResourceList; give it on stdin alone, without --output or --in-place, to run it as a KRM function")
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %s: %v\n", processor.Name, src.name, err)
			code = exitUsage
			continue
		}
		if plan.ConfigInvalid {
			_ = report.WriteText(stderr, locate("", nil, plan.Results))
			return nil, exitUsage
		}
		runs = append(runs, done{src: src, plan: plan, results: locate(fileName(src.name), src.text, plan.Results)})
	}
	return runs, code
}

// runResults are the files' findings, then the results about the run as a whole (a config value
// no selected Service uses, the summary) once, from the counts of every file: each file's own
// would say "no selected Service is a LoadBalancer" of a file that holds only a Deployment.
func runResults(runs []done, cfg config.Config) []report.Located {
	var all []report.Located
	var total report.Counts
	for _, r := range runs {
		own := len(report.RunResults(r.plan.Counts, cfg))
		all = append(all, r.results[:len(r.results)-own]...)
		total.Add(r.plan.Counts)
	}
	for _, res := range report.RunResults(total, cfg) {
		all = append(all, report.Located{Result: res})
	}
	return all
}

// fileName is how findings name a source: its path, or nothing for stdin.
func fileName(name string) string {
	if name == "-" {
		return ""
	}
	return name
}

func findingsCode(results []report.Located) int {
	for _, l := range results {
		if l.Result.Severity == fn.Error {
			return exitFindings
		}
	}
	return exitOK
}

// writeFindings shows the findings as --output says: text lines on stderr (warnings and errors,
// info too with -v), or a report on stdout; and the --results file when asked.
func (o *options) writeFindings(stdout, stderr io.Writer, all []report.Located, code int, version string) error {
	least := fn.Warning
	if o.out.Verbose {
		least = fn.Info
	}
	var err error
	switch o.output {
	case "json":
		err = report.WriteJSON(stdout, all, code)
	case "sarif":
		err = report.WriteSARIF(stdout, report.Shown(all, least), version)
	case "github":
		err = report.WriteGitHub(stdout, report.Shown(all, least))
	default:
		err = report.WriteText(stderr, report.Shown(all, least))
	}
	if err != nil || o.out.ResultsFile == "" {
		return err
	}
	results := make(fn.Results, len(all))
	for i, l := range all {
		r := *l.Result
		if r.File == nil && l.Place.File != "" {
			r.File = &fn.File{Path: filepath.ToSlash(l.Place.File)}
		}
		results[i] = &r
	}
	return report.Destinations{ResultsFile: o.out.ResultsFile}.Write(io.Discard, results)
}

// writeDocuments writes each changed file back with --in-place; otherwise, with text output, the
// documents of every input on stdout, one stream, as a single input would be.
func (o *options) writeDocuments(stdout io.Writer, runs []done) error {
	if o.inPlace {
		for _, r := range runs {
			if len(r.plan.Edits) > 0 {
				if err := writeBack(r.src, edit.Apply(r.src.text, r.plan.Edits)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if o.output != "text" {
		return nil
	}
	var out bytes.Buffer
	for i, r := range runs {
		text := edit.Apply(r.src.text, r.plan.Edits)
		if i > 0 && len(bytes.TrimSpace(text)) > 0 && !yamltext.Marker(text, yamltext.DirectivesEnd) {
			out.WriteString("---\n")
		}
		out.Write(text)
		if len(text) > 0 && text[len(text)-1] != '\n' {
			out.WriteByte('\n')
		}
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// writeBack replaces a file with its new text: written beside it, then renamed over it, so that a
// failure leaves the old file whole. The file keeps its permissions.
func writeBack(src source, text []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(src.name), "."+filepath.Base(src.name)+".*")
	if err != nil {
		return fmt.Errorf("--in-place: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if _, err := tmp.Write(text); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("--in-place: writing %s: %w", src.name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--in-place: writing %s: %w", src.name, err)
	}
	if err := os.Chmod(tmp.Name(), src.mode.Perm()); err != nil {
		return fmt.Errorf("--in-place: %w", err)
	}
	if err := os.Rename(tmp.Name(), src.name); err != nil {
		return fmt.Errorf("--in-place: writing %s: %w", src.name, err)
	}
	return nil
}
