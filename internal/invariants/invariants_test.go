package invariants_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/processor"
	"github.com/sticky-services/set-session-affinity/internal/invariants"
)

const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    labels: {session-affinity.kpt.dev/sticky: "true"}
  spec:
    type: NodePort
    ports: [{port: 80}]
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: other
`

func function(in []byte) ([]byte, []byte, int) {
	var out, errOut bytes.Buffer
	code := processor.Run(in, processor.StreamOptions{}, &out, &errOut)
	return out.Bytes(), errOut.Bytes(), code
}

// Each broken function must be caught: the checker is only worth what it can fail on.
func TestCheckCatchesBrokenRuns(t *testing.T) {
	edit := func(old, new string) invariants.Run {
		return func(in []byte) ([]byte, []byte, int) {
			out, errOut, code := function(in)
			return []byte(strings.Replace(string(out), old, new, 1)), errOut, code
		}
	}
	for name, run := range map[string]invariants.Run{
		"drops an item":            edit("- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: other\n", ""),
		"renames an item":          edit("name: other", "name: another"),
		"edits an unselected item": edit("    name: other\n", "    name: other\n    labels: {x: y}\n"),
		"exits 0 with an error": func(in []byte) ([]byte, []byte, int) {
			out, _, _ := function(in)
			return append(out, "- message: boom\n  severity: error\n"...), nil, 0
		},
		"is not idempotent": func(in []byte) ([]byte, []byte, int) {
			out, errOut, code := function(in)
			// 0 is no valid timeout, so a second run repairs it (a valid one it would keep).
			return bytes.Replace(out, []byte("timeoutSeconds: 10800"), []byte("timeoutSeconds: 0"), 1), errOut, code
		},
		"leaves a Service non-compliant without an error": edit("    externalTrafficPolicy: Local\n", ""),
		"prints output for unusable input":                func(in []byte) ([]byte, []byte, int) { return []byte("x"), []byte("bad\n"), 1 },
	} {
		t.Run(name, func(t *testing.T) {
			in := []byte(input)
			if name == "prints output for unusable input" {
				in = []byte("kind: Deployment\n")
			}
			if errs := invariants.Check(in, run); len(errs) == 0 {
				t.Error("the checker found nothing wrong")
			}
		})
	}
	if errs := invariants.Check([]byte(input), function); len(errs) > 0 {
		t.Errorf("the real function breaks invariants: %v", errs)
	}
}

// A List's items are objects of their own: a selected Service inside may change, and the checker
// must pass that, but an unselected item beside it may not.
func TestCheckReadsListsItemByItem(t *testing.T) {
	const list = `kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    labels: {session-affinity.kpt.dev/sticky: "true"}
  spec:
    type: NodePort
    ports: [{port: 80}]
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: other, labels: {a: b}}
`
	for _, in := range []string{list, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(list, "\n"), "\n", "\n  ") + "\n"} {
		if errs := invariants.Check([]byte(in), function); len(errs) > 0 {
			t.Errorf("the real function breaks invariants on a List: %v\n%s", errs, in)
		}
		editsTheConfigMap := func(in []byte) ([]byte, []byte, int) {
			out, errOut, code := function(in)
			return bytes.Replace(out, []byte("labels: {a: b}"), []byte("labels: {a: c}"), 1), errOut, code
		}
		if errs := invariants.Check([]byte(in), editsTheConfigMap); len(errs) == 0 {
			t.Errorf("a changed ConfigMap inside a List went unnoticed:\n%s", in)
		}
	}
}
