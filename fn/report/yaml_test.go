package report

import (
	"bytes"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// viaYAMLv3 is how the reference path writes results: each encoded into a node by reflection,
// appended to a `results` list, the document encoded by kyaml's encoder.
func viaYAMLv3(t testing.TB, results fn.Results) []byte {
	t.Helper()
	list := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
	for _, r := range results {
		n := &yaml.Node{}
		if err := n.Encode(r); err != nil {
			t.Fatal(err)
		}
		list.Content = append(list.Content, n)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "results"}, list}}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// strings that exercise each way yaml.v3 may write a string
var sampleStrings = []string{
	"info", "v1", "Service", "spec.ports[0].nodePort", "metadata.annotations[service.beta.kubernetes.io/x]",
	`set to "ClientIP": kube-proxy keeps each client IP on one pod`, "how long kube-proxy remembers a client's pod",
	"it's: quoted", "a # not a comment?", "a#b", "ends with colon:", "key: value", "-dash", "- dash", "?q", "? q",
	":c", ": c", "---x", "...x", "#x", "[x]", "{x}", "&x", "*x", "!x", "|x", ">x", "'x", `"x`, "%x", "@x", "`x",
	"x,y", "x[0]", "true", "True", "TRUE", "false", "null", "Null", "~", "yes", "No", "on", "OFF", "y", "n",
	"1800", "600", "0", "0x10", "1e3", "1.5", "+1", "-1", ".5", ".inf", "1:20", "2001-12-14", "1_000",
	"<<", "a\\b", `a"b`, "", " lead", "trail ", "tab\there", "new\nline", "ünïcode", "\x7f", "a  b",
}

func TestAppendYAMLWritesWhatYAMLv3Writes(t *testing.T) {
	var results fn.Results
	for _, s := range sampleStrings {
		results = append(results,
			&fn.Result{Message: s, Severity: fn.Warning},
			&fn.Result{Message: "m", Severity: fn.Info, ResourceRef: &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Name: s, Namespace: s},
				Field: &fn.Field{Path: s, CurrentValue: s, ProposedValue: 1800}, File: &fn.File{Path: s, Index: 2}})
	}
	results = append(results,
		&fn.Result{Message: "no severity"},
		&fn.Result{Severity: fn.Error},
		&fn.Result{},
		&fn.Result{Message: "m", ResourceRef: &fn.ResourceRef{}},
		&fn.Result{Message: "m", Field: &fn.Field{}},
		&fn.Result{Message: "m", Field: &fn.Field{CurrentValue: -5, ProposedValue: true}},
		&fn.Result{Message: "m", File: &fn.File{}},
		&fn.Result{Message: "m", File: &fn.File{Index: -1}},
		&fn.Result{Message: "m", Tags: map[string]string{"b": "2", "a": "1"}},
		&fn.Result{Message: "m", Tags: map[string]string{"function": "set-session-affinity", "x y": "true", "": "", "<<": "z", "1": "a: b", "?": "new\nline"}},
	)
	got, err := AppendYAML(nil, results)
	if err != nil {
		t.Fatal(err)
	}
	if want := viaYAMLv3(t, results); !bytes.Equal(got, want) {
		t.Errorf("AppendYAML:\n%s\nyaml.v3:\n%s", got, want)
	}
}

func TestAppendYAMLWritesCommonResultsByHand(t *testing.T) {
	for _, s := range []string{"info", `set to "ClientIP": kube-proxy keeps each client IP on one pod`, "1800", "true", "spec.ports[0].port"} {
		r := &fn.Result{Message: s, Severity: fn.Info, Field: &fn.Field{Path: "p", ProposedValue: s}}
		if _, ok := appendResult(nil, r); !ok {
			t.Errorf("%q goes to yaml.v3", s)
		}
		r.Tags = map[string]string{"function": "set-session-affinity"}
		if _, ok := appendResult(nil, r); !ok {
			t.Errorf("%q with the function's tag goes to yaml.v3", s)
		}
	}
}

func TestAppendYAMLWritesNothingForNoResults(t *testing.T) {
	if got, err := AppendYAML([]byte("x"), nil); err != nil || string(got) != "x" {
		t.Errorf("got %q, %v", got, err)
	}
}

// FuzzAppendYAML holds the hand-written writer to yaml.v3 for any strings.
func FuzzAppendYAML(f *testing.F) {
	for _, s := range sampleStrings {
		f.Add(s, s, 1)
	}
	f.Fuzz(func(t *testing.T, msg, value string, index int) {
		results := fn.Results{{Message: msg, Severity: fn.Info, ResourceRef: &fn.ResourceRef{Kind: "Service", Name: value},
			Field: &fn.Field{Path: msg, CurrentValue: value, ProposedValue: index}, File: &fn.File{Path: value, Index: index}}}
		got, err := AppendYAML(nil, results)
		if err != nil {
			t.Fatal(err)
		}
		if want := viaYAMLv3(t, results); !bytes.Equal(got, want) {
			t.Errorf("AppendYAML:\n%s\nyaml.v3:\n%s", got, want)
		}
	})
}
