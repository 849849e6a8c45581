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
	"github.com/sticky-services/set-session-affinity/fn/rules"
	"github.com/sticky-services/set-session-affinity/fn/selection"
	"github.com/sticky-services/set-session-affinity/fn/splice"
)

// fastRun is a run of the fast path with everything decided and nothing written yet.
type fastRun struct {
	in           []byte
	plan         *itemscan.Plan
	items        []itemscan.Item // what itemscan learned of each item
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
	run := &fastRun{in: in, plan: plan, items: make([]itemscan.Item, len(plan.Layout.Items))}
	if reason := run.processItems(plan, list.FunctionConfig); reason != "" {
		return nil, reason
	}
	if run.resultsYAML, err = report.AppendYAML(nil, run.results); err != nil {
		return nil, err.Error()
	}
	return run, ""
}

// processItems does what Process does, on every core: each item is classified from its text, and
// decoded and processed only when it may be a core Service (or its text is not understood here);
// Process would pass over the others. An unselected Service the text shows has nothing to warn
// about is only counted. With config errors no rule runs, and an item is decoded only when
// itemscan cannot vouch for its text, as the reference path parses every item.
func (r *fastRun) processItems(plan *itemscan.Plan, fc *yaml.Node) string {
	reasons := forEach(len(plan.Layout.Items), func(i int) (reason string) {
		r.items[i], reason = plan.Classify(r.in, i)
		return reason
	})
	for _, reason := range reasons {
		if reason != "" {
			return reason
		}
	}
	cfg, errs := config.Decode(fc)
	configOK := len(errs) == 0
	outcomes := forEach(len(r.items), func(i int) itemOutcome {
		switch item := r.items[i]; {
		case !item.Decode, !configOK && item.Valid:
			return itemOutcome{index: i}
		case configOK && item.Service != nil && quietlyUnselected(item.Service, cfg):
			return itemOutcome{index: i, counts: report.Counts{NotSelected: 1}}
		}
		return r.item(i, cfg, configOK)
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
		r.results = append(r.results, report.RunResults(counts, cfg)...)
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
	_, item, err := splice.DecodeItem(r.in, r.plan.Layout, i)
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
	commentLines := func(j int) bool { return r.items[j].CommentLines }
	if safe, err := splice.Safe(r.in, r.plan.Layout, i, commentLines); err != nil || !safe {
		return nil, fmt.Sprintf("comments around items[%d] may belong to its neighbours (%v)", i, err)
	}
	text, err := splice.EncodeItem(item, r.plan.Layout.DashCol)
	if err != nil {
		return nil, err.Error()
	}
	return text, ""
}

// quietlyUnselected reports, from what the text says of a Service, that processItem would only
// count it: it is not selected and carries no misplaced key to warn about. It asks the same
// functions processItem asks, on the Service as far as the text says it; TestQuietlyUnselected
// holds it to the decoded Service.
func quietlyUnselected(svc *itemscan.ServiceText, cfg config.Config) bool {
	obj := svc.Node()
	return !selection.Selected(obj, cfg.Selector) && len(rules.WarnMisplaced(obj)) == 0
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
	total.LoadBalancers += c.LoadBalancers
	total.Skipped += c.Skipped
}

// finish writes the list, then the errors, and returns the exit code.
func (r *fastRun) finish(stdout, stderr io.Writer) int {
	w := bufio.NewWriterSize(stdout, 64<<10)
	err := splice.Write(w, r.in, r.plan.Layout, r.replacements, r.resultsYAML)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: writing output: %v\n", Name, err)
		return 1
	}
	return finish(stderr, r.results)
}
