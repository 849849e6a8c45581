package policy

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// LabelSelector is a metav1.LabelSelector.
type LabelSelector struct {
	MatchLabels      map[string]string `yaml:"matchLabels,omitempty"`
	MatchExpressions []Requirement     `yaml:"matchExpressions,omitempty"`
}

// Requirement is a metav1.LabelSelectorRequirement.
type Requirement struct {
	Key      string   `yaml:"key"`
	Operator string   `yaml:"operator"`
	Values   []string `yaml:"values,omitempty"`
}

// selector is the function's label selector in the two forms admission needs: a LabelSelector
// for matchResources.objectSelector, which the API server evaluates before any CEL, and a CEL
// condition on the Service's own labels. The CEL is what decides: on UPDATE the API server matches
// objectSelector against the old object too, and `a>1`, `a<1` have no LabelSelector form.
type selector struct {
	labelSelector *LabelSelector
	cel           string // "" when every Service is selected
}

// selectorOf converts a parsed kubectl-syntax selector.
func selectorOf(sel labels.Selector) (selector, error) {
	out := selector{labelSelector: &LabelSelector{}}
	reqs, selectable := sel.Requirements()
	if !selectable {
		return selector{}, fmt.Errorf("selector %q selects nothing", sel.String())
	}
	var conds []string
	for _, r := range reqs {
		key, values := r.Key(), r.Values().List() // sorted
		sort.Strings(values)
		has := "(" + q(key) + " in variables_labels)"
		value := "variables_labels[" + q(key) + "]"
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			if len(values) == 1 && r.Operator() != selection.In {
				if out.labelSelector.MatchLabels == nil {
					out.labelSelector.MatchLabels = map[string]string{}
				}
				out.labelSelector.MatchLabels[key] = values[0]
			} else {
				out.labelSelector.MatchExpressions = append(out.labelSelector.MatchExpressions, Requirement{Key: key, Operator: "In", Values: values})
			}
			conds = append(conds, fmt.Sprintf("%s && %s in %s", has, value, qlist(values)))
		case selection.NotEquals, selection.NotIn:
			out.labelSelector.MatchExpressions = append(out.labelSelector.MatchExpressions, Requirement{Key: key, Operator: "NotIn", Values: values})
			conds = append(conds, fmt.Sprintf("(!%s || !(%s in %s))", has, value, qlist(values)))
		case selection.Exists:
			out.labelSelector.MatchExpressions = append(out.labelSelector.MatchExpressions, Requirement{Key: key, Operator: "Exists"})
			conds = append(conds, has)
		case selection.DoesNotExist:
			out.labelSelector.MatchExpressions = append(out.labelSelector.MatchExpressions, Requirement{Key: key, Operator: "DoesNotExist"})
			conds = append(conds, "!"+has)
		case selection.GreaterThan, selection.LessThan:
			// labels.Requirement.Matches parses both sides as int64; a label that does not parse
			// does not match. No LabelSelector operator says this, so only the CEL does.
			op := ">"
			if r.Operator() == selection.LessThan {
				op = "<"
			}
			conds = append(conds, fmt.Sprintf("%s && %s.matches(%s) && int(%s) %s %s", has, value, q(intPattern), value, op, values[0]))
		default:
			return selector{}, fmt.Errorf("selector %q: operator %q has no admission form", sel.String(), r.Operator())
		}
	}
	if len(conds) > 0 {
		out.cel = strings.Join(conds, " &&\n")
	}
	return out, nil
}

// namespaceSelector converts a kubectl-syntax selector for a binding's namespaceSelector: nil
// selects every namespace. Unlike the Service selector it has no CEL beside it, so `>` and `<`,
// which no LabelSelector can say, are refused.
func namespaceSelector(sel labels.Selector) (*MatchResources, error) {
	if sel == nil || sel.Empty() {
		return nil, nil
	}
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if op := map[selection.Operator]string{selection.GreaterThan: ">", selection.LessThan: "<"}[r.Operator()]; op != "" {
			return nil, fmt.Errorf("namespace selector %q: operator %q has no LabelSelector form; allowed =, ==, !=, in, notin, exists (key), !key", sel.String(), op)
		}
	}
	s, err := selectorOf(sel)
	if err != nil {
		return nil, fmt.Errorf("namespace selector: %w", err)
	}
	return &MatchResources{NamespaceSelector: s.labelSelector}, nil
}
