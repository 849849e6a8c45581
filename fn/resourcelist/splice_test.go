package resourcelist

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"

const service = "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web  # kept as written\n"

// TestSpliceBlockers names, for each input shape, whether a list with a changed item is written
// spliced (blocker "") or re-encoded whole, and why. The fast path leaves every shape with a
// blocker to this package (see processor's fallback tests), so both write the same bytes.
func TestSpliceBlockers(t *testing.T) {
	for _, tc := range []struct {
		name, in, blocker string
		changed           int // the item marked changed; -1 for none
	}{
		{"compact items", head + "items:\n" + service, "", 0},
		{"wide items", head + "items:\n  - apiVersion: v1\n    kind: Service\n", "", 0},
		{"head comment after the dash", head + "items:\n- # about web\n  apiVersion: v1\n  kind: Service\n", "", 0},
		{"nothing changed, flow items", head + "items: [{kind: Service}]\n", "", -1},
		{"changed item in flow items", head + "items: [{kind: Service}]\n", "items is not a block list", 0},
		{"carriage returns", strings.ReplaceAll(head+"items:\n"+service, "\n", "\r\n"), "carriage returns", 0},
		{"no final newline", head + "items:\n" + strings.TrimSuffix(service, "\n"), "does not end with a newline", 0},
		{"JSON", `{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"kind": "Service"}]}` + "\n", "not a block mapping", 0},
		{"results in the input", head + "items:\n" + service + "results:\n- message: earlier\n", "has results", 0},
		{"document end marker", head + "items:\n" + service + "...\n", "document marker", 0},
		{"anchors in the changed item", head + "items:\n- apiVersion: v1\n  kind: Service\n  metadata: &m {name: web}\n", "anchors or aliases", 0},
		{"comment before the first item", head + "items:\n# first\n" + service, "may belong to its neighbours", 0},
		{"comment between items", head + "items:\n- a: 1\n# between\n" + service, "may belong to its neighbours", 1},
		{"comment after a scalar item", head + "items:\n- scalar\n  # whose?\n" + service, "may belong to its neighbours", 1},
		{"tail comment of the previous item", head + "items:\n- a: 1\n  # its tail\n" + service, "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Read([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if tc.changed >= 0 {
				l.MarkChanged(tc.changed)
			}
			blocker := l.SpliceBlocker()
			if tc.blocker == "" && blocker != "" || !strings.Contains(blocker, tc.blocker) {
				t.Errorf("blocker %q, want %q", blocker, tc.blocker)
			}
		})
	}
}

// TestSplicedWriteKeepsUnchangedItemsExactly: untouched items keep their bytes, a changed item is
// re-encoded in its place, and results follow the input.
func TestSplicedWriteKeepsUnchangedItemsExactly(t *testing.T) {
	in := head + "items:\n- apiVersion: v1\n  kind: ConfigMap   # odd spacing\n  data: {a: 'b'}\n" + service + "functionConfig: {data: {}}\n"
	l, err := Read([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	l.MarkChanged(1) // re-encoded even unchanged: its comment spacing is yaml.v3's afterwards
	var b bytes.Buffer
	if err := l.Write(&b, fn.Results{{Message: "done", Severity: fn.Info}}); err != nil {
		t.Fatal(err)
	}
	want := head + "items:\n- apiVersion: v1\n  kind: ConfigMap   # odd spacing\n  data: {a: 'b'}\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web # kept as written\n" +
		"functionConfig: {data: {}}\nresults:\n- message: done\n  severity: info\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}
