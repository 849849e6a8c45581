package validator_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// These tests need the real server (make test-apiserver); a plain `go test` skips them.

// TestServerAgreesWithValidator sends every Service of every golden input and output to both
// judges: the validator must answer as the server does (outcome, HTTP code, fields, message), so
// that the validator can stand in for the server in every `go test` run.
func TestServerAgreesWithValidator(t *testing.T) {
	needServer(t)
	var docs, same int
	for _, c := range goldenCases(t) {
		for _, list := range [][]byte{c.Input, c.Expected} {
			if list == nil {
				continue
			}
			services, err := goldens.Services(list)
			if err != nil {
				continue // bad-input cases are not ResourceLists
			}
			for _, svc := range services {
				docs++
				if compareJudges(t, c.Name, svc) {
					same++
				}
			}
		}
	}
	report("agreement goldens", "validator and server agree on %d of %d golden Services (inputs and outputs)", same, docs)
}

// compareJudges reports a disagreement as a test error and returns whether both agree.
func compareJudges(t *testing.T, origin string, svc goldens.Service) bool {
	t.Helper()
	fromServer := theServerJudge.judge(t, svc.RequestNamespace(), svc.Manifest)
	fromValidator := inProcess.Validate(svc.RequestNamespace(), svc.Manifest)
	if d := disagreement(fromServer, fromValidator); d != "" {
		t.Errorf("%s %s: validator and server disagree: %s\n  server:    %s\n  validator: %s\n  manifest:\n%s",
			origin, svc.ID(), d, fromServer, fromValidator, indent(string(svc.Manifest), "    "))
		return false
	}
	return true
}

// disagreement says how two verdicts differ, or "" when they agree. An invalid Service's causes
// are compared as a set: validation walks Go maps (labels, annotations), so the order of the
// causes, and of the message that lists them, changes from run to run. Warnings are not compared:
// the server may add its own (deprecations of flags, admission).
func disagreement(server, inProcess validator.Verdict) string {
	switch {
	case server.Accepted != inProcess.Accepted:
		return fmt.Sprintf("accepted %v vs %v", server.Accepted, inProcess.Accepted)
	case server.Accepted:
		return ""
	case server.Code != inProcess.Code:
		return fmt.Sprintf("HTTP %d vs %d", server.Code, inProcess.Code)
	case !slices.Equal(server.Fields(), inProcess.Fields()):
		return fmt.Sprintf("fields %v vs %v", server.Fields(), inProcess.Fields())
	case len(server.Causes) > 0 || len(inProcess.Causes) > 0:
		if !slices.Equal(causeSet(server), causeSet(inProcess)) {
			return "causes differ"
		}
	case server.Message != inProcess.Message:
		return "message differs"
	}
	return ""
}

// causeSet is the causes of a verdict, each as one line, sorted.
func causeSet(v validator.Verdict) []string {
	var out []string
	for _, c := range v.Causes {
		out = append(out, string(c.Type)+" "+c.Field+": "+c.Message)
	}
	slices.Sort(out)
	return out
}

// TestServerThousandServices sends 1,000 of the function's Services to the server over one
// connection, times it against the budget, and checks the validator's answer on each.
func TestServerThousandServices(t *testing.T) {
	needServer(t)
	services := loadThousand(t)
	for _, ns := range []string{"default", "shop", "team-a"} {
		theServerJudge.ensureNamespace(t, t.Context(), ns)
	}
	verdicts := make([]validator.Verdict, len(services))
	connectionsBefore := server.Connections()
	start := time.Now()
	for i, svc := range services {
		verdicts[i] = theServerJudge.judge(t, svc.RequestNamespace(), svc.Manifest)
	}
	elapsed := time.Since(start)
	connections := server.Connections() - connectionsBefore
	accepted, agree := 0, 0
	for i, svc := range services {
		if verdicts[i].Accepted {
			accepted++
		}
		if disagreement(verdicts[i], inProcess.Validate(svc.RequestNamespace(), svc.Manifest)) == "" {
			agree++
		} else {
			compareJudges(t, "1,000 Services", svc) // reports the details
		}
	}
	report("timing server", "%d dry runs in %v (%.1f ms each, %d accepted); connections opened during them: %d, by the client in all: %d; budget %v",
		len(services), elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/1000/float64(len(services)), accepted,
		connections, server.Connections(), serverBudget)
	if connections > 1 {
		t.Errorf("%d dry runs opened %d connections; want the one kept alive", len(services), connections)
	}
	report("agreement 1,000 Services", "validator and server agree on %d of %d", agree, len(services))
	if elapsed > serverBudget {
		t.Errorf("%d dry runs took %v; budget %v", len(services), elapsed, serverBudget)
	}
}
