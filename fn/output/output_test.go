package output

import (
	"bytes"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// Results go into a ResourceList as yaml.v3 reads it: after the list, before an end marker,
// joined to results already there, inside a list written in flow style, with CRLF kept.
func TestResultsJoinTheList(t *testing.T) {
	results := fn.Results{{Severity: fn.Info, Message: "done"}}
	for _, tc := range []struct{ name, in, want string }{
		{"appended", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: done\n  severity: info\n"},
		{"before an end marker", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n...\n",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: done\n  severity: info\n...\n"},
		{"joined to earlier results", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: earlier\n",
			"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nresults:\n- message: earlier\n- message: done\n  severity: info\n"},
		{"a list in flow style", `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": []}` + "\n",
			`{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [], "results": [{"message": "done", "severity": "info"}]}` + "\n"},
		{"CRLF", "apiVersion: config.kubernetes.io/v1\r\nkind: ResourceList\r\nitems: []\r\n",
			"apiVersion: config.kubernetes.io/v1\r\nkind: ResourceList\r\nitems: []\r\nresults:\r\n- message: done\r\n  severity: info\r\n"},
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
			if err := Write(&out, &errOut, in, nil, results, report.Output{}); err != nil {
				t.Fatal(err)
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
