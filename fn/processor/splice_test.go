package processor

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/resourcelist"
	"github.com/sticky-services/set-session-affinity/fn/rules"
	"github.com/sticky-services/set-session-affinity/fn/selection"
	"github.com/sticky-services/set-session-affinity/fn/splice"
)

// TestSplicedMeansWhatWholeEncodingMeans checks the reference path's splicing against the
// straightforward whole re-encoding, on every differential input with a changed item: both read
// back as the same values, and with the same comments, none lost and none written twice.
func TestSplicedMeansWhatWholeEncodingMeans(t *testing.T) {
	spliced := 0
	for _, c := range differentialCases(t) {
		list, err := resourcelist.Read(c.in)
		if err != nil {
			continue
		}
		results := Process(list)
		if list.SpliceBlocker() != "" {
			continue
		}
		var a, b bytes.Buffer
		if err := list.Write(&a, results); err != nil {
			t.Fatal(err)
		}
		whole, _ := resourcelist.Read(c.in)
		if err := whole.WriteWhole(&b, Process(whole)); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a.Bytes(), b.Bytes()) {
			continue
		}
		spliced++
		x, y := readBack(t, a.Bytes()), readBack(t, b.Bytes())
		if !sameValues(x, y) {
			t.Errorf("%s: spliced output reads back differently\n--- spliced\n%s\n--- whole\n%s", c.name, a.Bytes(), b.Bytes())
		}
		if cx, cy := comments(x), comments(y); !slices.Equal(cx, cy) {
			t.Errorf("%s: comments differ: spliced %q, whole %q\n--- spliced\n%s", c.name, cx, cy, a.Bytes())
		}
	}
	t.Logf("%d spliced outputs differ from whole re-encoding in bytes only", spliced)
}

func readBack(t *testing.T, out []byte) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	return &doc
}

func sameValues(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Value != b.Value || a.Tag != b.Tag || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameValues(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// comments lists every comment line in the tree, sorted.
func comments(n *yaml.Node) []string {
	var all []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, line := range strings.Split(c, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					all = append(all, line)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	slices.Sort(all)
	return all
}

// TestSpansWithoutCommentLinesAreContained checks the premise of splice.Safe's shortcut: a span
// with no comment on a line of its own has all its comments attached inside its item. The fast
// path asks itemscan (which tells block scalar content from comments), the reference path looks
// for lines starting with '#'; the premise must hold for both.
func TestSpansWithoutCommentLinesAreContained(t *testing.T) {
	for _, c := range differentialCases(t) {
		plan, reason := itemscan.Scan(c.in)
		if reason != "" {
			continue
		}
		for i, s := range plan.Layout.Items {
			if item, _ := plan.Classify(c.in, i); item.CommentLines && hasCommentLine(c.in[s.Start:s.End]) {
				continue
			}
			doc, item, err := splice.DecodeItem(c.in, plan.Layout, i)
			if err == nil && !splice.Contained(doc, item) {
				t.Errorf("%s: items[%d] has no comment line, yet a comment attaches outside it:\n%s", c.name, i, c.in[s.Start:s.End])
			}
		}
	}
}

// hasCommentLine is the reference path's test: a line whose first non-space byte is '#'.
func hasCommentLine(text []byte) bool {
	for _, line := range bytes.Split(text, []byte("\n")) {
		if t := bytes.TrimLeft(line, " "); len(t) > 0 && t[0] == '#' {
			return true
		}
	}
	return false
}

// TestQuietlyUnselected holds the fast path's shortcut for unselected Services to the decoded
// Service: on every Service of every differential input where itemscan records the text, selection
// and the misplaced-key warnings say the same of both.
func TestQuietlyUnselected(t *testing.T) {
	checked := 0
	for _, c := range differentialCases(t) {
		plan, reason := itemscan.Scan(c.in)
		if reason != "" {
			continue
		}
		list, err := resourcelist.Read(plan.Skeleton)
		if err != nil {
			continue
		}
		cfg, errs := config.Decode(list.FunctionConfig)
		if len(errs) > 0 {
			continue
		}
		for i := range plan.Layout.Items {
			item, _ := plan.Classify(c.in, i)
			if item.Service == nil {
				continue
			}
			_, decoded, err := splice.DecodeItem(c.in, plan.Layout, i)
			if err != nil {
				t.Fatal(err)
			}
			fromText := item.Service.Node()
			if a, b := selection.Selected(fromText, cfg.Selector), selection.Selected(decoded, cfg.Selector); a != b {
				t.Errorf("%s, items[%d]: selected %v from the text, %v decoded", c.name, i, a, b)
			}
			if a, b := len(rules.WarnMisplaced(fromText)), len(rules.WarnMisplaced(decoded)); a != b {
				t.Errorf("%s, items[%d]: %d warnings from the text, %d decoded", c.name, i, a, b)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Errorf("only %d Services checked", checked)
	}
}
