package validator_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// nonCompliant is a sticky-labelled Service without affinity, created before the policies exist.
const nonCompliant = `apiVersion: v1
kind: Service
metadata:
  name: mutating-update
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  selector: {app: web}
  ports:
  - port: 80
`

// TestMutatingPolicyRepairsUpdates pins the README's UPDATE rule: an UPDATE of a Service that was
// non-compliant before the policies existed is repaired like a CREATE, whether or not it touches
// the affinity fields, and then admitted; one the mutating policy cannot repair (an affinity key
// under spec.selector) is denied with where the key belongs.
func TestMutatingPolicyRepairsUpdates(t *testing.T) {
	needServer(t)
	ctx := t.Context()
	theServerJudge.ensureNamespace(t, ctx, "default")
	const path = "/api/v1/namespaces/default/services/mutating-update"
	_ = server.Delete(ctx, path)
	if err := server.Create(ctx, "/api/v1/namespaces/default/services", "application/yaml", []byte(nonCompliant)); err != nil {
		t.Fatalf("creating the Service before the policies: %v", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := server.Delete(ctx, path); err != nil {
			t.Errorf("delete the Service: %v", err)
		}
	}()
	c := policyCase{name: "mutating-update", config: map[string]string{}, probe: map[string]string{stickyLabel: "true"}}
	vap, vapBinding := generatePolicy(t, c)
	defer installPolicy(t, c, vap, vapBinding)()
	mp, mpBinding := generateMutating(t, c)
	defer installMutating(t, c, mp, mpBinding)()
	for _, tc := range []struct {
		name, manifest string
		denied         string // the start of the denial, "" when admitted with ClientIP
	}{
		{"a label added, affinity untouched", strings.Replace(nonCompliant, "  labels:\n", "  labels:\n    team: web\n", 1), ""},
		{"sessionAffinity None written", nonCompliant + "  sessionAffinity: None\n", ""},
		{"an affinity key under spec.selector", strings.Replace(nonCompliant, "selector: {app: web}", "selector: {app: web, sessionAffinity: ClientIP}", 1),
			"spec.selector.sessionAffinity: belongs at spec.sessionAffinity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, body, err := server.DryRunUpdateObject(ctx, path, []byte(tc.manifest))
			if err != nil {
				t.Fatal(err)
			}
			if tc.denied != "" {
				if !deniedBy(v, c.policyName()) || !strings.HasPrefix(policyMessage(v), tc.denied) {
					t.Errorf("update: %s; want a denial starting %q", v, tc.denied)
				}
				return
			}
			var obj map[string]any
			if !v.Accepted || json.Unmarshal(body, &obj) != nil {
				t.Fatalf("update: %s; want it repaired and admitted", v)
			}
			got := stickyFields(obj)
			if got["spec.sessionAffinity"] != "ClientIP" || got["spec.sessionAffinityConfig.clientIP.timeoutSeconds"] != "10800" {
				t.Errorf("update came back with sessionAffinity %q, timeout %q; want ClientIP, 10800",
					got["spec.sessionAffinity"], got["spec.sessionAffinityConfig.clientIP.timeoutSeconds"])
			}
		})
	}
	report("mutating update", "UPDATEs of a Service non-compliant before the policies are repaired (affinity fields touched or not); a key under spec.selector is denied with where it belongs")
}
