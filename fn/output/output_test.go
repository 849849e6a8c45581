package output

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// Results go into a ResourceList as yaml.v3 reads it: after the list, before an end marker,
// joined to results already there, inside a list written in flow style or indented, with CRLF
// kept; this function's earlier results are replaced, never added to.
func TestResultsJoinTheList(t *testing.T) {
	results := fn.Results{{Severity: fn.Info, Message: "done"}}
	const done = "- message: done\n  severity: info\n  tags:\n    function: set-session-affinity\n"
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"
	for _, tc := range []struct{ name, in, want, err string }{
		{name: "appended", in: head, want: head + "results:\n" + done},
		{name: "before an end marker", in: head + "...\n", want: head + "results:\n" + done + "...\n"},
		{name: "an end marker with a comment is still the end (issue 18.2)", in: head + "... # end of list\n",
			want: head + "results:\n" + done + "... # end of list\n"},
		{name: "an indented list gets results at its own indentation (issue 18.1)",
			in:   "  apiVersion: config.kubernetes.io/v1\n  kind: ResourceList\n  items: []\n",
			want: "  apiVersion: config.kubernetes.io/v1\n  kind: ResourceList\n  items: []\n  results:\n  " + strings.ReplaceAll(strings.TrimSuffix(done, "\n"), "\n", "\n  ") + "\n"},
		{name: "joined to earlier results", in: head + "results:\n- message: earlier\n",
			want: head + "results:\n- message: earlier\n" + done},
		{name: "a rerun replaces this function's results and keeps another function's (issue 17.9)",
			in:   head + "results:\n- message: other\n  tags: {function: set-labels}\n- message: old\n  severity: info\n  tags:\n    function: set-session-affinity\n- message: old summary\n  tags: {function: set-session-affinity}\n",
			want: head + "results:\n- message: other\n  tags: {function: set-labels}\n" + done},
		{name: "results under an anchor no alias reads keep it", in: head + "results: &r\n- message: earlier\n",
			want: head + "results: &r\n- message: earlier\n" + done},
		{name: "results an alias reads are refused, not dropped or changed under it (issue 18.3)",
			in:  "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nresults: &prev []\nitems: []\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, data: {x: *prev}}\n",
			err: "line 5: *prev reads the ResourceList's results"},
		{name: "results under a !!seq tag keep it (issue 18.13)", in: head + "results: !!seq []\n",
			want: head + "results: !!seq [{message: done, severity: info, tags: {function: set-session-affinity}}]\n"},
		{name: "another function's results keep their bytes: comments, flow style, quoting (ours are replaced)",
			in: head + "results:\n# set-labels ran first\n- message: 'label added'   # by set-labels\n  severity: \"info\"\n  tags: { function: \"set-labels\" }\n" +
				"- message: old\n  tags:\n    function: set-session-affinity\n# between\n- {message: \"x, y\", field: {path: 'metadata.labels[app]'}}  # kept\n",
			want: head + "results:\n# set-labels ran first\n- message: 'label added'   # by set-labels\n  severity: \"info\"\n  tags: { function: \"set-labels\" }\n" +
				"# between\n- {message: \"x, y\", field: {path: 'metadata.labels[app]'}}  # kept\n" + done},
		{name: "another function's results in a flow list keep their bytes",
			in:   head + "results: [ {message: 'a',  tags: {function: \"set-labels\"}} , {message: old, tags: {function: set-session-affinity}} ] # c\n",
			want: head + "results: [ {message: 'a',  tags: {function: \"set-labels\"}} , {message: done, severity: info, tags: {function: set-session-affinity}} ] # c\n"},
		{name: "another function's results in an indented block list, ours between them",
			in:   head + "results:\n  - message: old\n    tags: {function: set-session-affinity}\n  - message: >-\n      folded\n      text\n",
			want: head + "results:\n  - message: >-\n      folded\n      text\n" + strings.ReplaceAll("  "+strings.TrimSuffix(done, "\n"), "\n", "\n  ") + "\n"},
		{name: "another function's results in a JSON list stay JSON, one entry a line as written",
			in:   "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [],\n  \"results\": [\n    {\"message\": \"a\"}\n  ]\n}\n",
			want: "{\n  \"apiVersion\": \"config.kubernetes.io/v1\",\n  \"kind\": \"ResourceList\",\n  \"items\": [],\n  \"results\": [\n    {\"message\": \"a\"},\n    {\n      \"message\": \"done\",\n      \"severity\": \"info\",\n      \"tags\": {\n        \"function\": \"set-session-affinity\"\n      }\n    }\n  ]\n}\n"},
		{name: "CRLF results of another function", in: strings.ReplaceAll(head+"results:\n- message: 'a' # c\n", "\n", "\r\n"),
			want: strings.ReplaceAll(head+"results:\n- message: 'a' # c\n"+done, "\n", "\r\n")},
		{name: "another function's results in a text that mixes lone CR and LF line ends keep their bytes",
			in:   "apiVersion: config.kubernetes.io/v1\rkind: ResourceList\ritems: []\nresults:\r- message: 'a' # c\r- message: old\r  tags: {function: set-session-affinity}\n- message: b\n",
			want: "apiVersion: config.kubernetes.io/v1\rkind: ResourceList\ritems: []\nresults:\r- message: 'a' # c\r- message: b\n" + done},
		{name: "results that are not a list are refused", in: head + "results: done\n",
			err: `the ResourceList's results is a string "done"; want a list of results`},
		{name: "a list in flow style", in: `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []}` + "\n",
			want: `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "results": [{"message": "done", "severity": "info", "tags": {"function": "set-session-affinity"}}]}` + "\n"},
		{name: "CRLF", in: strings.ReplaceAll(head, "\n", "\r\n"), want: strings.ReplaceAll(head+"results:\n"+done, "\n", "\r\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := input.Read([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if in.Root == nil { // not scanned: read whole
				if in, err = input.ReadWholeList([]byte(tc.in), nil); err != nil {
					t.Fatal(err)
				}
			}
			var out, errOut bytes.Buffer
			err = Write(&out, &errOut, in, nil, results, report.Destinations{})
			if tc.err != "" || err != nil {
				if err == nil || tc.err == "" || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if out.String() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", out.String(), tc.want)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Errorf("output does not read: %v", err)
			}
		})
	}
}

// TestResultsFromTextAreTheDecodedOnes: a scanned list's results are edited from their text
// (entryEdits) exactly as edit.Entries edits them decoded, whoever wrote them and however.
func TestResultsFromTextAreTheDecodedOnes(t *testing.T) {
	results := fn.Results{{Severity: fn.Info, Message: "done"}, {Severity: fn.Warning, Message: "line one\nline two"}}
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- kind: ConfigMap\n"
	const ours = "- message: old\n  tags:\n    function: set-session-affinity\n"
	for name, in := range map[string]string{
		"ours only":                      head + "results:\n" + ours + ours,
		"others kept, ours dropped":      head + "results:\n- message: 'a'   # c\n  tags: {function: x}\n" + ours + "-\n  message: |\n    b\n    c\n",
		"a blank line in a block scalar": head + "results:\n" + ours + "- message: |\n    b\n\n    c\n",
		"indented, before the items":     "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nresults:  # r\n  - message: a\n" + "  " + strings.ReplaceAll(ours[:len(ours)-1], "\n", "\n  ") + "\nitems:\n- kind: ConfigMap\n",
		"a list indented by four":        head + "functionConfig:\n    data:\n        a: b\nresults:\n" + ours + "- message: a\n",
		"an alias of another entry":      head + "results:\n- &m {message: a}\n- *m\n" + ours,
	} {
		scanned, err := input.Read([]byte(in))
		if err != nil || scanned.Root == nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fromText := !strings.HasPrefix(name, "a"); fromText != (scanned.Results.Spans != nil) {
			t.Errorf("%s: the scan found the results' entries: %v, want %v", name, !fromText, fromText)
		}
		whole, err := input.ReadWholeList([]byte(in), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got, want, errOut bytes.Buffer
		gotErr := Write(&got, &errOut, scanned, nil, results, report.Destinations{})
		wantErr := Write(&want, &errOut, whole, nil, results, report.Destinations{})
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: from the text: %v; decoded: %v", name, gotErr, wantErr)
		}
		if got.String() != want.String() {
			t.Errorf("%s: from the text\n%s\ndecoded\n%s", name, got.String(), want.String())
		}
	}
}
