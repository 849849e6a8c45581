package processor

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/internal/invariants"
)

const header = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

// Inputs too large to commit as goldens are generated here; each must keep the invariants.
func TestLargeAndDeepInputs(t *testing.T) {
	for name, in := range map[string]string{
		"a 10 MB scalar": header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: big}\n  data:\n    blob: " +
			strings.Repeat("x", 10<<20) + "\n",
		"nesting 10,000 deep": header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: deep}\n  data: " +
			strings.Repeat("{a: ", 10000) + "b" + strings.Repeat("}", 10000) + "\n",
		"a Service beside 10,000 nested lists": header + "- " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) +
			"\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {session-affinity.kpt.dev/sticky: \"true\"}\n  spec: {type: NodePort}\n",
	} {
		t.Run(name, func(t *testing.T) {
			for _, err := range invariants.Check([]byte(in), run) {
				t.Error(truncate(err.Error()))
			}
		})
	}
}

// An alias bomb (each level nine aliases of the one below) must not be expanded: a run over it
// allocates about what the input takes, not 9^9 strings.
func TestAliasBombStaysSmall(t *testing.T) {
	in := Stdin(t, "../../testdata/bad-input-alias-bomb")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, code := run(in)
	runtime.ReadMemStats(&after)
	if code != 0 {
		t.Errorf("exit code %d", code)
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16<<20 {
		t.Errorf("a %d-byte alias bomb made the run allocate %d bytes", len(in), allocated)
	}
}

// The read-back check after an edit must not expand an alias bomb either: here a ConfigMap of
// 9^6 aliased strings shares a whole-list piece (an anchor across items) with a Service that
// changes. Compared in full, it would take hundreds of megabytes; it is left uncompared.
func TestReadBackLeavesAnAliasBombUnexpanded(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString(`    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	for prev, level := 'a', 'b'; level <= 'f'; prev, level = level, level+1 {
		fmt.Fprintf(&bomb, "    %c: &%c [%s]\n", level, level, strings.TrimSuffix(strings.Repeat("*"+string(prev)+",", 9), ","))
	}
	in := []byte(header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: lol, labels: &l {tier: web}}\n  data:\n" + bomb.String() +
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: web, labels: {" + sticky + "}}\n  spec: {type: NodePort, selector: *l, ports: [{port: 80}]}\n")
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	out, errOut, code := run(in)
	runtime.ReadMemStats(&after)
	if code != 0 || !strings.Contains(string(out), "sessionAffinity: ClientIP") {
		t.Fatalf("exit code %d, stderr %s, the Service not changed:\n%s", code, errOut, truncate(string(out)))
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16<<20 {
		t.Errorf("a %d-byte list with an alias bomb made the run allocate %d bytes", len(in), allocated)
	}
}

func truncate(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "..."
	}
	return s
}

// A list too large for the full parser that cannot take the fast path is refused, not parsed.
func TestLargeInputWithoutFastPathIsRefused(t *testing.T) {
	defer func(limit int) { input.MaxWholeList = limit }(input.MaxWholeList)
	input.MaxWholeList = 1 << 10
	in := header + "- apiVersion: v1\r\n  kind: ConfigMap\r\n  metadata: {name: crlf}\r\n  data:\r\n    a: " + strings.Repeat("x", 2<<10) + "\r\n"
	out, errOut, code := run([]byte(in))
	if code != 1 || len(out) != 0 || !strings.Contains(string(errOut), "needs the full YAML parser") {
		t.Errorf("exit %d, %d bytes out, stderr %q", code, len(out), errOut)
	}
	if _, _, code := run([]byte(strings.ReplaceAll(in, "\r\n", "\n"))); code != 0 {
		t.Errorf("the same list without CRs takes the fast path and must pass, got exit %d", code)
	}
}

// TestAnObjectPastTheBoundIsRefusedInAResourceList (issue 18.11): one Service past MaxObject was
// refused in a stream, but inside a ResourceList the whole-list fallback read it anyway, past
// the bound, and exited 0. It is refused in every form: a scanned list, a list read whole (CRLF).
func TestAnObjectPastTheBoundIsRefusedInAResourceList(t *testing.T) {
	defer func(limit int) { input.MaxObject = limit }(input.MaxObject)
	input.MaxObject = 4 << 10
	var ports strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&ports, "    - {name: p%d, port: %d}\n", i, 1000+i)
	}
	list := header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: small}\n" +
		"- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {" + sticky + "}\n  spec:\n    type: NodePort\n    ports:\n" + ports.String()
	for name, in := range map[string]string{"scanned": list, "read whole": strings.ReplaceAll(list, "\n", "\r\n")} {
		out, errOut, code := run([]byte(in))
		if code != 1 || len(out) != 0 || !strings.Contains(string(errOut), "items[1] is 0.0 MiB; the function decodes objects of at most 0 MiB") {
			t.Errorf("%s: exit %d, %d bytes out, stderr %q", name, code, len(out), errOut)
		}
	}
}

// TestADeepFlowMappingStaysSmall (issue 18.9): an untouched ConfigMap holding a flow mapping
// 4,000 deep with 100-character keys (0.4 MB) took 795 MB, yaml.v3 alone 18 MB: the checks for
// keys given twice wrote a path at every level, depth times key length each. Paths are written
// only for what is refused now.
func TestADeepFlowMappingStaysSmall(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ")
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&b, "{%s%d: ", strings.Repeat("k", 100), i)
	}
	b.WriteString("v" + strings.Repeat("}", 4000) + "\n")
	for name, in := range map[string]string{"stream": b.String(), "ResourceList": header + "- " + strings.ReplaceAll(strings.TrimSuffix(b.String(), "\n"), "\n", "\n  ") + "\n"} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, errOut, code := run([]byte(in))
		runtime.ReadMemStats(&after)
		if code != 0 {
			t.Errorf("%s: exit %d, stderr %s", name, code, errOut)
		}
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 64<<20 {
			t.Errorf("%s: a %d-byte input made the run allocate %d MB", name, len(in), allocated>>20)
		}
	}
}

// TestAListPastTheObjectBoundIsReadItemByItem (issue 18.12): `kubectl get svc -A -o yaml` of a
// 30,000-Service cluster, a 5.1 MB kind: List, was refused as "an object of more than 4 MiB": a
// List is neither one object nor one request. Its items are found in its text and each is held to
// the bound alone: the List passes, its Services are edited, and an item past the bound is still
// refused by its name.
func TestAListPastTheObjectBoundIsReadItemByItem(t *testing.T) {
	defer func(limit int) { input.MaxObject = limit }(input.MaxObject)
	input.MaxObject = 4 << 10
	var items strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&items, "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: s%d\n    labels: {app: a%d}\n  spec:\n    type: NodePort\n    ports: [{port: 80}]\n", i, i)
	}
	sticky := "- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n    labels: {" + sticky + "}\n  spec:\n    type: NodePort\n    ports: [{port: 80}]\n"
	list := "---\napiVersion: v1\nkind: List\nitems:\n" + items.String() + sticky + "metadata:\n  resourceVersion: \"\"\n"
	want := strings.Replace(list, sticky, sticky+"    sessionAffinity: ClientIP\n    sessionAffinityConfig:\n      clientIP:\n        timeoutSeconds: 10800\n    externalTrafficPolicy: Local\n", 1)
	if out, errOut, code := run([]byte(list)); code != 0 || string(out) != want {
		t.Errorf("exit %d, stderr %s, stdout:\n%s", code, errOut, truncate(string(out)))
	}
	big := strings.Replace(list, sticky, sticky+"    x: \""+strings.Repeat("x", 5<<10)+"\"\n", 1)
	if _, errOut, code := run([]byte(big)); code != 2 || !strings.Contains(string(errOut), "document 1.items[60] is ") {
		t.Errorf("an item past the bound: exit %d (want 2, unusable input), stderr %s", code, errOut)
	}
}

// TestAListWhoseItemCannotBeClassifiedIsRefusedWhole: a List past the object bound is read item
// by item, each item classified when its turn comes; an item whose text itemscan cannot read (a
// control character) means the List cannot be read so, and it is refused as one object past
// the bound, by its size, as it was when items were classified up front.
func TestAListWhoseItemCannotBeClassifiedIsRefusedWhole(t *testing.T) {
	defer func(limit int) { input.MaxObject = limit }(input.MaxObject)
	input.MaxObject = 4 << 10
	var items strings.Builder
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&items, "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c%d}\n  data: {k: v}\n", i)
	}
	list := "apiVersion: v1\nkind: List\nitems:\n" + items.String() + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: odd}\n  data: {k: \"\x01\"}\n"
	if _, errOut, code := run([]byte(list)); code != 2 || !strings.Contains(string(errOut), "document 1 is 0.0 MiB; the function decodes objects of at most 0 MiB") {
		t.Errorf("exit %d, stderr %s", code, errOut)
	}
}
