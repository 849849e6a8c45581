package processor

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/resourcelist"
	"github.com/sticky-services/set-session-affinity/fn/splice"
)

// fastRun is a run of the fast path with everything decided and nothing written yet.
type fastRun struct {
	in           []byte
	layout       splice.Layout
	replacements []splice.Replacement
	results      fn.Results
	resultsYAML  []byte
}

// planFast runs the function over in without parsing the whole list: itemscan finds the items and
// the ones to decode; the rest of the list (header, functionConfig) is decoded apart. reason says
// why in is left to the reference path; the rules for splicing a changed item are the reference
// path's (fn/resourcelist), applied to the same spans.
func planFast(in []byte) (*fastRun, string) {
	plan, reason := itemscan.Scan(in)
	if reason != "" {
		return nil, reason
	}
	if slices.Contains(plan.Keys, "results") {
		return nil, "the input has results, which the new ones join"
	}
	list, err := resourcelist.Read(plan.Skeleton)
	if err != nil {
		return nil, "the list around the items: " + err.Error()
	}
	run := &fastRun{in: in, layout: plan.Layout}
	if reason := run.processItems(plan.Decode, list.FunctionConfig); reason != "" {
		return nil, reason
	}
	if run.resultsYAML, err = report.AppendYAML(nil, run.results); err != nil {
		return nil, err.Error()
	}
	return run, ""
}

// processItems does what Process does, for the items marked in decode: the others are no core
// Services, which Process passes over. With config errors the items are decoded only to be
// validated, as the reference path parses every item, and no rule runs.
func (r *fastRun) processItems(decode []bool, fc *yaml.Node) string {
	cfg, errs := config.Decode(fc)
	var decoded []int
	for i, d := range decode {
		if d {
			decoded = append(decoded, i)
		}
	}
	outcomes := forEach(len(decoded), func(k int) itemOutcome {
		return r.item(decoded[k], cfg, len(errs) == 0)
	})
	var counts report.Counts
	for _, o := range outcomes {
		if o.reason != "" {
			return o.reason
		}
		r.results = append(r.results, o.results...)
		addCounts(&counts, o.counts)
		if o.text != nil {
			r.replacements = append(r.replacements, splice.Replacement{Index: o.index, Text: o.text})
		}
	}
	if len(errs) > 0 {
		r.results = configErrors(errs, fc)
	} else {
		r.results = append(r.results, report.Summary(counts, cfg))
	}
	return ""
}

// itemOutcome is what processing one decoded item gave.
type itemOutcome struct {
	index   int
	results fn.Results
	counts  report.Counts
	text    []byte // the re-encoded item, when the rules changed it
	reason  string // why the run must take the reference path instead
}

// item decodes item i from its span and, when process is set, applies the rules to it. It only
// reads the run, so items can be handled concurrently.
func (r *fastRun) item(i int, cfg config.Config, process bool) itemOutcome {
	o := itemOutcome{index: i}
	_, item, err := splice.DecodeItem(r.in, r.layout, i)
	if err != nil {
		o.reason = fmt.Sprintf("items[%d] does not decode on its own: %v", i, err)
		return o
	}
	if !process {
		return o
	}
	var changed bool
	o.results, changed = processItem(i, item, cfg, &o.counts)
	if changed {
		o.text, o.reason = r.replacement(i, item)
	}
	return o
}

// replacement re-encodes changed item i, under the reference path's rules for splicing.
func (r *fastRun) replacement(i int, item *yaml.Node) ([]byte, string) {
	if splice.HasAnchors(item) {
		return nil, fmt.Sprintf("items[%d] has anchors or aliases", i)
	}
	if safe, err := splice.Safe(r.in, r.layout, i); err != nil || !safe {
		return nil, fmt.Sprintf("comments around items[%d] may belong to its neighbours (%v)", i, err)
	}
	text, err := splice.EncodeItem(item, r.layout.DashCol)
	if err != nil {
		return nil, err.Error()
	}
	return text, ""
}

// forEach computes f(0..n-1) on every core and returns the values in order. Items are
// independent: each is decoded from its own span, and the rules only read the config.
func forEach[T any](n int, f func(int) T) []T {
	out := make([]T, n)
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				out[k] = f(k)
			}
		})
	}
	wg.Wait()
	return out
}

func addCounts(total *report.Counts, c report.Counts) {
	total.Updated += c.Updated
	total.Compliant += c.Compliant
	total.NotSelected += c.NotSelected
	total.Failed += c.Failed
}

// finish writes the list, then the errors, and returns the exit code.
func (r *fastRun) finish(stdout, stderr io.Writer) int {
	w := bufio.NewWriterSize(stdout, 64<<10)
	err := splice.Write(w, r.in, r.layout, r.replacements, r.resultsYAML)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: writing output: %v\n", Name, err)
		return 1
	}
	return finish(stderr, r.results)
}
