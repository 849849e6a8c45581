package validator_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

const updateService = `apiVersion: v1
kind: Service
metadata:
  name: policy-update
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  selector: {app: web}
  ports:
  - port: 80
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
`

// TestPolicyUpdateAndWarn covers what the dry-run creates do not: UPDATE, which the API server
// matches against the old object's labels too (so the policy's own CEL selection decides), and
// the binding's Warn action.
func TestPolicyUpdateAndWarn(t *testing.T) {
	needServer(t)
	ctx := t.Context()
	theServerJudge.ensureNamespace(t, ctx, "default")
	const path = "/api/v1/namespaces/default/services/policy-update"
	c := policyCase{name: "update", config: map[string]string{}, probe: map[string]string{stickyLabel: "true"}}
	policy, binding := generatePolicy(t, c)
	remove := installPolicy(t, c, policy, binding)
	defer remove()
	// A compliant Service, created for real so that there is something to update.
	_ = server.Delete(ctx, path)
	if err := server.Create(ctx, "/api/v1/namespaces/default/services", "application/yaml", []byte(updateService)); err != nil {
		t.Fatalf("creating a compliant Service with the policy bound: %v", err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := server.Delete(ctx, path); err != nil {
			t.Errorf("delete the Service: %v", err)
		}
	}()
	for _, tc := range []struct {
		name, manifest string
		denied         bool
	}{
		{"unchanged", updateService, false},
		{"affinity dropped", strings.Replace(updateService, "sessionAffinity: ClientIP", "sessionAffinity: None", 1), true},
		// A valid timeout the Service states is the user's word: with no timeout in the config,
		// validate mode keeps it, and so does the policy (issue 17).
		{"timeout changed to another valid value", strings.Replace(updateService, "10800", "600", 1), false},
		// The old object carries the label, so objectSelector matches; the new one does not, and
		// validate mode would not select it: the policy's matchCondition lets it through.
		{"label dropped and affinity dropped", strings.Replace(strings.Replace(updateService,
			`session-affinity.kpt.dev/sticky: "true"`, `app: web`, 1), "sessionAffinity: ClientIP", "sessionAffinity: None", 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := server.DryRunUpdate(ctx, path, []byte(tc.manifest))
			if err != nil {
				t.Fatal(err)
			}
			if got := deniedBy(v, c.policyName()); got != tc.denied || (!tc.denied && !v.Accepted) {
				t.Errorf("update: %s; want denied by the policy = %v", v, tc.denied)
			}
		})
	}
	// Warn: the same binding with validationActions [Warn] admits, and the warning is the message.
	remove()
	warn := policyCase{name: "warn", config: map[string]string{}, probe: map[string]string{stickyLabel: "true"}}
	policy, binding = generatePolicy(t, warn, "--validation-actions", "Warn")
	if err := server.Create(ctx, vapPath, "application/yaml", policy); err != nil {
		t.Fatal(err)
	}
	if err := server.Create(ctx, bindingPath, "application/yaml", binding); err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, p := range []string{bindingPath + "/" + warn.policyName(), vapPath + "/" + warn.policyName()} {
			if err := server.Delete(context.Background(), p); err != nil {
				t.Errorf("remove %s: %v", p, err)
			}
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		v := theServerJudge.judge(t, "default", probe(warn))
		// A Warning header is a quoted string: its quotes come escaped.
		warned := strings.ReplaceAll(strings.Join(v.Warnings, "\n"), `\"`, `"`)
		if v.Accepted && strings.Contains(warned, "Validation failed for ValidatingAdmissionPolicy '"+warn.policyName()+"'") {
			if !strings.Contains(warned, `spec.sessionAffinity: is "None"; want "ClientIP"`) {
				t.Errorf("the warning does not carry the policy's message: %q", warned)
			}
			first, _, _ := strings.Cut(warned, "\n")
			report("policy update and warn", "UPDATE denied or admitted as validate mode judges the new object; Warn admits, warning: %s", first)
			return
		}
		if !v.Accepted && !deniedBy(v, c.policyName()) {
			t.Fatalf("with Warn the probe was refused: %s", v)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no warning from the Warn binding in 60 s; last answer %s, warnings %q", v, v.Warnings)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
