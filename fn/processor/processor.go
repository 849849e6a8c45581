// Package processor runs the function over one ResourceList: it decodes the config, picks the
// Services, has the rules rewrite them, and gathers every result.
//
// It has two paths that write the same bytes. The reference path (reference.go) parses the whole
// list. The fast path (fast.go) finds the items in the text, decodes only those that may be core
// Services, and copies every other item through; it falls back to the reference path on any input
// it does not fully understand. Both apply processItem to each item they decode.
package processor

import (
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/resourcelist"
	"github.com/sticky-services/set-session-affinity/fn/rules"
	"github.com/sticky-services/set-session-affinity/fn/selection"
)

// Name prefixes what the function prints on stderr.
const Name = "set-session-affinity"

// Run reads a ResourceList from in, writes the result to stdout and error lines to stderr, and
// returns the exit code: 1 exactly when an error result was emitted or the input is unusable.
// stdout gets the whole list or nothing: both paths decide everything before writing.
func Run(in []byte, stdout, stderr io.Writer) int {
	run, reason := planFast(in)
	if reason == "" {
		return run.finish(stdout, stderr)
	}
	if len(in) > MaxReferenceInput {
		fmt.Fprintf(stderr, "%s: input of %d MiB needs the full YAML parser (%s), which takes about 100 times the input in memory; it handles at most %d MiB\n",
			Name, len(in)>>20, reason, MaxReferenceInput>>20)
		return 1
	}
	return runReference(in, stdout, stderr)
}

// MaxReferenceInput bounds the inputs the full parser takes: yaml.v3 holds a node tree of about
// 100 times the input, so a larger list that cannot take the fast path is refused with a clear
// error rather than killed for memory. The fast path has no limit of its own (about 5 times the
// input, see BENCHMARKS.md).
var MaxReferenceInput = 64 << 20

// Process rewrites the list's selected Services in place, marks them changed, and returns the
// results.
func Process(list *resourcelist.List) fn.Results {
	cfg, errs := config.Decode(list.FunctionConfig)
	if len(errs) > 0 {
		return configErrors(errs, list.FunctionConfig)
	}
	var results fn.Results
	var counts report.Counts
	for i, item := range list.Items {
		found, changed := processItem(i, item, cfg, &counts)
		results = append(results, found...)
		if changed {
			list.MarkChanged(i)
		}
	}
	return append(results, report.RunResults(counts, cfg)...)
}

// processItem applies the rules to item i, the same way on both paths, and reports whether it
// rewrote the item.
func processItem(i int, item *yaml.Node, cfg config.Config, counts *report.Counts) (fn.Results, bool) {
	if item.Kind != yaml.MappingNode {
		return fn.Results{{Severity: fn.Error, Message: fmt.Sprintf("items[%d] is %s; every item must be an object (it is passed through unchanged)", i, node.Describe(item))}}, false
	}
	if !selection.IsCoreService(item) {
		return nil, false
	}
	sub := report.SubjectOf(item)
	var findings []rules.Finding
	var outcome rules.Outcome
	if selection.Selected(item, cfg.Selector) {
		outcome, findings = rules.Apply(item, cfg)
		count(counts, outcome)
		if rules.LoadBalancer(item, cfg) {
			counts.LoadBalancers++
		}
	} else {
		counts.NotSelected++
		findings = rules.WarnMisplaced(item)
	}
	results := make(fn.Results, len(findings))
	for j, f := range findings {
		results[j] = report.Finding(sub, f)
	}
	return results, outcome == rules.Updated
}

func configErrors(errs []*config.Error, fc *yaml.Node) fn.Results {
	results := make(fn.Results, len(errs))
	for i, e := range errs {
		results[i] = report.ConfigError(e, fc)
	}
	return results
}

// finish writes a run's errors to stderr and returns its exit code.
func finish(stderr io.Writer, results fn.Results) int {
	if err := report.WriteErrors(stderr, results); err != nil {
		return 1
	}
	return results.ExitCode()
}

func count(c *report.Counts, o rules.Outcome) {
	switch o {
	case rules.Updated:
		c.Updated++
	case rules.Compliant:
		c.Compliant++
	case rules.Failed:
		c.Failed++
	case rules.Skipped:
		c.Skipped++
	}
}
