// Package report turns what the rules found into KRM results: one result per change or problem,
// each naming the resource, the field and, where the orchestrator said, the file; a summary; and
// one readable stderr line per error, since kustomize shows its users nothing else.
package report

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/fn/rules"
)

// Subject is the resource results refer to.
type Subject struct {
	Ref  *fn.ResourceRef
	File *fn.File
}

// The orchestrators' file annotations, current and legacy (kyaml kio/kioutil).
var (
	pathAnnotations  = []string{"internal.config.kubernetes.io/path", "config.kubernetes.io/path"}
	indexAnnotations = []string{"internal.config.kubernetes.io/index", "config.kubernetes.io/index"}
)

// SubjectOf identifies obj. It has no resourceRef when obj names no kind, and no file when no
// orchestrator said where obj came from.
func SubjectOf(obj *yaml.Node) Subject {
	// Lookup reads through aliases and merge keys, as yaml.v3 does: an object whose metadata
	// arrives by alias is named by it.
	text := func(path ...string) string {
		n := obj
		for _, key := range path {
			n = node.AsDecoded(n, key)
		}
		v, _ := node.Scalar(n)
		return v
	}
	var sub Subject
	if kind := text("kind"); kind != "" {
		sub.Ref = &fn.ResourceRef{APIVersion: text("apiVersion"), Kind: kind,
			Name: text("metadata", "name"), Namespace: text("metadata", "namespace")}
	}
	if path := firstAnnotation(obj, pathAnnotations); path != "" {
		sub.File = &fn.File{Path: path}
		if i, err := strconv.Atoi(firstAnnotation(obj, indexAnnotations)); err == nil && i > 0 {
			sub.File.Index = i
		}
	}
	return sub
}

func firstAnnotation(obj *yaml.Node, keys []string) string {
	for _, k := range keys {
		if v, ok := node.Scalar(node.AsWritten(obj, "metadata", "annotations", k)); ok && v != "" {
			return v
		}
	}
	return ""
}

// Finding turns one finding about sub into a result.
func Finding(sub Subject, f rules.Finding) *fn.Result {
	r := &fn.Result{Severity: f.Severity, ResourceRef: sub.Ref, File: sub.File, Message: f.Message}
	if f.Path != "" {
		r.Field = &fn.Field{Path: f.Path}
	}
	if c := f.Change; c != nil {
		r.Field.CurrentValue, r.Field.ProposedValue = c.Current, c.Proposed
		if c.MovedTo != "" {
			r.Field.ProposedValue = nil
		}
		r.Message = describeChange(*c) + ": " + f.Message
	}
	return r
}

// describeChange says what happened to a field, or with Pending what should.
func describeChange(c Change) string {
	switch {
	case c.MovedTo != "" && c.Pending:
		return "belongs at " + c.MovedTo
	case c.MovedTo != "":
		return "moved to " + c.MovedTo
	case c.Proposed == nil && c.Pending:
		return "should be removed"
	case c.Proposed == nil:
		return "removed (it was " + showCurrent(c) + ")"
	case c.Current == nil && c.Pending:
		return "is not set; want " + show(c.Proposed)
	case c.Current == nil:
		return "set to " + show(c.Proposed)
	case c.Pending:
		return "is " + showCurrent(c) + "; want " + show(c.Proposed)
	}
	return "changed from " + showCurrent(c) + " to " + show(c.Proposed)
}

// showCurrent is the value before as written and, when it reads as another value, as read:
// "0x0E10 (3600)", so the user finds the text and sees what it means.
func showCurrent(c Change) string {
	if c.Written != "" {
		return c.Written + " (" + show(c.Current) + ")"
	}
	return show(c.Current)
}

// Change is the rules' change, named here for describeChange's signature.
type Change = rules.Change

func show(v any) string {
	if v == nil {
		return "null"
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprint(v)
}

// ConfigError turns a config problem into a result that points at the config object; the field
// path names the key.
//
// A value from a flag or a --config file (plain mode) is named as the user typed it, in the
// message: `--client-ip-timeout-seconds 100000: ...`, `--config cfg.yaml data.mode: ...`; the
// ConfigMap the command line built around it is no resource of theirs, so no resourceRef.
func ConfigError(e *config.Error, fc *yaml.Node) *fn.Result {
	if e.Where != "" {
		return &fn.Result{Severity: fn.Error, Message: e.Where + ": " + e.Msg}
	}
	sub := SubjectOf(fc)
	return &fn.Result{Severity: fn.Error, Message: "invalid config: " + e.Msg, ResourceRef: sub.Ref, File: sub.File,
		Field: &fn.Field{Path: e.Path}}
}

// Counts sums up a run.
type Counts struct {
	Updated, Compliant, NotSelected, Failed int
	// Skipped counts the selected Services passed through as unsupported (onUnsupported: skip).
	Skipped int
	// LoadBalancers counts the selected Services that are, or become, LoadBalancers of a
	// provider with a persistence timeout: the only ones the persistence timeout applies to.
	LoadBalancers int
	// Providers counts the selected Services by provider; "assumed alibaba" counts those whose
	// provider nothing named.
	Providers map[string]int
}

// AddProvider counts one selected Service of provider name.
func (c *Counts) AddProvider(name string, assumed bool) {
	if assumed {
		name = "assumed " + name
	}
	if c.Providers == nil {
		c.Providers = map[string]int{}
	}
	c.Providers[name]++
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Updated += o.Updated
	c.Compliant += o.Compliant
	c.NotSelected += o.NotSelected
	c.Failed += o.Failed
	c.LoadBalancers += o.LoadBalancers
	c.Skipped += o.Skipped
	for name, n := range o.Providers {
		if c.Providers == nil {
			c.Providers = map[string]int{}
		}
		c.Providers[name] += n
	}
}

// RunResults are the results about the run as a whole: a warning when Services exist and the
// selector selects none of them (a run that changes nothing, which validate mode would pass), a
// warning for each config value that applied to no selected Service, then the summary.
func RunResults(c Counts, cfg config.Config) fn.Results {
	var results fn.Results
	if c.Updated+c.Compliant+c.Failed+c.Skipped == 0 && c.NotSelected > 0 {
		results = append(results, &fn.Result{Severity: fn.Warning, Message: fmt.Sprintf(
			"no Service here matches the selector %q (%s not selected), so nothing is made sticky; %s, or set %s",
			cfg.Selector.String(), services(c.NotSelected), labelAdvice(cfg.Selector),
			cfg.Origin.Knob("selector", "<a selector that matches them>"))})
	}
	if cfg.PersistenceSet && (cfg.ProviderAuto || cfg.Provider.Persistence != nil) && c.LoadBalancers == 0 {
		key := "persistenceTimeoutSeconds"
		what := "no selected Service is a LoadBalancer"
		if cfg.ProviderAuto {
			what = "no selected Service is a LoadBalancer of a provider with a load-balancer persistence timeout (" + strings.Join(persistenceProviders(), ", ") + ")"
		}
		results = append(results, &fn.Result{Severity: fn.Warning, Message: fmt.Sprintf(
			"%s: %s, and the load balancer's persistence applies to nothing else; the value changes nothing",
			cfg.Origin.Blame(key, cfg.Origin.Prefix+key, strconv.Itoa(cfg.PersistenceTimeoutSeconds)), what)})
	}
	return append(results, Summary(c, cfg))
}

// Summary is the one result that ends every run. In validate mode a Service that needs changes
// counts as failed: an error result names each of its fields.
func Summary(c Counts, cfg config.Config) *fn.Result {
	unsupported := ""
	if c.Skipped > 0 {
		unsupported = fmt.Sprintf(", %d unsupported (passed through)", c.Skipped)
	}
	return &fn.Result{Severity: fn.Info, Message: fmt.Sprintf(
		"provider %s, mode %s: %s updated, %d already compliant, %d not selected (skipped)%s, %d failed",
		providers(c, cfg), cfg.Mode, services(c.Updated), c.Compliant, c.NotSelected, unsupported, c.Failed)}
}

// providers names the config's provider and, when the Services did not all have it, how many
// had each: "auto (assumed alibaba: 1, aws: 2)".
func providers(c Counts, cfg config.Config) string {
	name := cfg.ProviderName()
	if len(c.Providers) == 0 || (!cfg.ProviderAuto && len(c.Providers) == 1 && c.Providers[name] > 0) {
		return name
	}
	var each []string
	for p, n := range c.Providers {
		each = append(each, fmt.Sprintf("%s: %d", p, n))
	}
	sort.Strings(each)
	return name + " (" + strings.Join(each, ", ") + ")"
}

// persistenceProviders names the providers with a load-balancer persistence timeout.
func persistenceProviders() []string {
	var out []string
	for _, name := range provider.Names() {
		if p, _ := provider.Lookup(name); p.Persistence != nil {
			out = append(out, name)
		}
	}
	return out
}

// labelAdvice says how to label a Service so that sel selects it: the label itself when sel asks
// for one key and value, as the default does.
func labelAdvice(sel labels.Selector) string {
	reqs, _ := sel.Requirements()
	if len(reqs) == 1 && reqs[0].Values().Len() == 1 {
		switch reqs[0].Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			return fmt.Sprintf("label each Service to make sticky %s: %q", reqs[0].Key(), reqs[0].Values().List()[0])
		}
	}
	return "label each Service to make sticky so that the selector matches it"
}

func services(n int) string {
	if n == 1 {
		return "1 Service"
	}
	return strconv.Itoa(n) + " Services"
}

// WriteLines prints each result as severe as least (errors, then warnings, then info) as one
// line: kustomize shows its users only stderr, and a stream has no other place for results.
func WriteLines(w io.Writer, results fn.Results, least fn.Severity) error {
	for _, r := range results {
		if rank(r.Severity) >= rank(least) {
			if _, err := fmt.Fprintln(w, oneLine.Replace(r.String())); err != nil {
				return err
			}
		}
	}
	return nil
}

// oneLine keeps a result on its line: a name or value read from a multi-line scalar shows its
// line breaks escaped, so each result is still one stderr line.
var oneLine = strings.NewReplacer("\r", `\r`, "\n", `\n`)

func rank(s fn.Severity) int {
	switch s {
	case fn.Error:
		return 2
	case fn.Warning:
		return 1
	}
	return 0
}
