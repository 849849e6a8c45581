package validator_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// goldenCases reads the cases that exist now: other people add cases, and they are checked too.
func goldenCases(t *testing.T) []goldens.Case {
	t.Helper()
	cases, err := goldens.Cases(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatalf("no golden cases under %s/testdata or %s/examples", repoRoot, repoRoot)
	}
	return cases
}

// outputCounts tallies what a judge said about the Services of the outputs.
type outputCounts struct {
	accepted, refusedByFunction atomic.Int64
	inherited, asTheyCame       idList
}

// idList collects the Services a summary line names.
type idList struct {
	mu  sync.Mutex
	ids []string
}

func (l *idList) add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids = append(l.ids, id)
}

func (l *idList) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	const shown = 5 // the rest are in the test log (go test -v)
	switch {
	case len(l.ids) == 0:
		return "0"
	case len(l.ids) > shown:
		return fmt.Sprintf("%d %v and %d more", len(l.ids), l.ids[:shown], len(l.ids)-shown)
	}
	return fmt.Sprintf("%d %v", len(l.ids), l.ids)
}

// TestGoldenOutputsAreAccepted: every Service the function wrote into a golden output is created
// by the API server. The function vouches for the Services it changes. It does not vouch for one
// it returns as it came (not selected, local-config, already compliant, or refused with an error:
// those are judged in TestGoldenRefusals), nor for a defect it neither touched nor mentioned that
// was already in the input (a Service without ports stays without ports): such refusals are
// counted and named in the summary, not failed.
func TestGoldenOutputsAreAccepted(t *testing.T) {
	for _, j := range judges() {
		t.Run(j.name(), func(t *testing.T) {
			var counts outputCounts
			for _, c := range goldenCases(t) {
				if c.Expected == nil {
					continue // bad input: no ResourceList on stdout
				}
				t.Run(c.Name, func(t *testing.T) { checkOutputs(t, j, c.Name, c.Input, c.Expected, &counts) })
			}
			report("outputs accepted ("+j.name()+")", "%s", counts.summary("golden outputs"))
		})
	}
}

func (c *outputCounts) summary(where string) string {
	return fmt.Sprintf("%d Services the function wrote into %s: all accepted; refused by the function and returned as they came: %d; "+
		"returned unchanged and refused by the server: %s; rewritten but refused for a defect already in the input that the function neither touched nor named: %s",
		c.accepted.Load(), where, c.refusedByFunction.Load(), c.asTheyCame.String(), c.inherited.String())
}

// checkOutputs judges every Service of output against the rule of TestGoldenOutputsAreAccepted.
func checkOutputs(t *testing.T, j judge, run string, input, output []byte, counts *outputCounts) {
	t.Helper()
	services, findings, inItems, outItems := parseRun(t, input, output)
	inputs := servicesByIndex(t, input)
	for _, svc := range services {
		about := goldens.About(findings, svc)
		if len(goldens.Errors(about)) > 0 {
			counts.refusedByFunction.Add(1)
			continue
		}
		v := j.judge(t, svc.RequestNamespace(), svc.Manifest)
		id := run + " " + svc.ID() + ": " + strings.Join(v.Fields(), ",")
		switch {
		case v.Accepted:
			counts.accepted.Add(1)
		case !changed(inItems, outItems, svc.Index):
			t.Logf("returned as it came and refused: %s", refusal(j, svc, v))
			counts.asTheyCame.add(id)
		case inheritedDefect(t, j, v, inputs[svc.Index], about):
			t.Logf("rewritten, refused for a defect already in the input: %s", refusal(j, svc, v))
			counts.inherited.add(id)
		default:
			t.Errorf("the function changed a Service the API server then refuses:\n%s\n  function findings: %s", refusal(j, svc, v), paths(about))
		}
	}
}

// inheritedDefect: the input was refused too, for every field the output is refused for, and the
// function named none of them but with a warning (so it neither caused nor claims to have fixed
// the defect; a warning can say the server refuses a value a later step may fill in, such as a
// $VAR source range, which the function leaves as it is).
func inheritedDefect(t *testing.T, j judge, out validator.Verdict, in goldens.Service, findings []goldens.Finding) bool {
	t.Helper()
	if in.Manifest == nil || namesAny(out, notWarnings(findings)) {
		return false
	}
	before := j.judge(t, in.RequestNamespace(), in.Manifest)
	if before.Accepted {
		return false
	}
	for _, f := range out.Fields() {
		if !slices.Contains(before.Fields(), f) {
			return false
		}
	}
	return true
}

func servicesByIndex(t *testing.T, list []byte) map[int]goldens.Service {
	t.Helper()
	services, err := goldens.Services(list)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	byIndex := map[int]goldens.Service{}
	for _, s := range services {
		byIndex[s.Index] = s
	}
	return byIndex
}

func parseRun(t *testing.T, input, output []byte) ([]goldens.Service, []goldens.Finding, []any, []any) {
	t.Helper()
	services, err := goldens.Services(output)
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	findings, err := goldens.ServiceFindings(output)
	if err != nil {
		t.Fatalf("output results: %v", err)
	}
	inItems, err := goldens.Items(input)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	outItems, err := goldens.Items(output)
	if err != nil {
		t.Fatalf("output: %v", err)
	}
	return services, findings, inItems, outItems
}

// changed compares item i of input and output by meaning (items keep their order).
func changed(in, out []any, i int) bool {
	return i >= len(in) || !reflect.DeepEqual(in[i], out[i])
}

// refusalCounts tallies, over the inputs of a run, the Services the function refuses.
type refusalCounts struct {
	apiRule, sameErrorField, functionOnly, alsoRefusedNamed atomic.Int64
	alsoRefused                                             idList
}

func (c *refusalCounts) summary(where string) string {
	return fmt.Sprintf("%d Services in %s that the function refuses for an API rule: all refused by the server for a field the function named (%d of them an error field; the others a field it warned about, refused first at decode); "+
		"%d refused only for the function's own rules, and the server accepts them; %d refused by the server as well, for a field the function warned about; "+
		"refused by the server as well, for a field the function did not name: %s",
		c.apiRule.Load(), where, c.sameErrorField.Load(), c.functionOnly.Load(), c.alsoRefusedNamed.Load(), c.alsoRefused.String())
}

// TestGoldenRefusals: every Service in a golden input that the function refuses with an error
// that states an API rule (apiRules) is refused by the server too, for a field the function named.
func TestGoldenRefusals(t *testing.T) {
	for _, j := range judges() {
		t.Run(j.name(), func(t *testing.T) {
			var counts refusalCounts
			for _, c := range goldenCases(t) {
				if c.Expected == nil {
					continue
				}
				t.Run(c.Name, func(t *testing.T) { checkRefusals(t, j, c.Name, c.Input, c.Expected, &counts) })
			}
			report("inputs refused ("+j.name()+")", "%s", counts.summary("golden inputs"))
		})
	}
}

func checkRefusals(t *testing.T, j judge, run string, input, output []byte, counts *refusalCounts) {
	t.Helper()
	services, err := goldens.Services(input)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	findings, err := goldens.ServiceFindings(output)
	if err != nil {
		t.Fatalf("results: %v", err)
	}
	for _, svc := range services {
		about := goldens.About(findings, svc)
		errs := goldens.Errors(about)
		if len(errs) == 0 {
			continue
		}
		broken := brokenAPIRules(svc, errs)
		v := j.judge(t, svc.RequestNamespace(), svc.Manifest)
		t.Logf("%s: function errors on %s; API rules broken: %v; %s: %s", svc.ID(), paths(errs), broken, j.name(), v)
		switch {
		case len(broken) > 0 && v.Accepted:
			t.Errorf("the function refuses %s for an API rule (%v), but %s accepts it:\n%s", svc.ID(), broken, j.name(), indent(string(svc.Manifest), "    "))
		case len(broken) > 0 && !namesAny(v, about):
			t.Errorf("the API server refuses for a reason the function did not name:\n%s\n  function named: %s", refusal(j, svc, v), paths(about))
		case len(broken) > 0:
			counts.apiRule.Add(1)
			if namesAny(v, errs) {
				counts.sameErrorField.Add(1)
			}
		case v.Accepted:
			counts.functionOnly.Add(1)
		case namesAny(v, about):
			counts.alsoRefusedNamed.Add(1)
		default:
			counts.alsoRefused.add(run + " " + svc.ID() + ": " + strings.Join(v.Fields(), ","))
		}
	}
}

// namesAny: the server names a field that one of the findings names.
func namesAny(v validator.Verdict, findings []goldens.Finding) bool {
	for _, f := range findings {
		if v.Names(f.Path) {
			return true
		}
	}
	return false
}

func notWarnings(findings []goldens.Finding) []goldens.Finding {
	var out []goldens.Finding
	for _, f := range findings {
		if f.Severity != "warning" {
			out = append(out, f)
		}
	}
	return out
}

func paths(findings []goldens.Finding) string {
	var out []string
	for _, f := range findings {
		out = append(out, fmt.Sprintf("%s(%s)", f.Path, f.Severity))
	}
	return strings.Join(out, ", ")
}
