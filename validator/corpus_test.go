package validator_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// The real-world corpus (corpus/<name>/) is part of goldenCases: its ResourceList runs are judged
// by TestGoldenOutputsAreAccepted, TestGoldenRefusals and, with a live server,
// TestServerAgreesWithValidator. The tests here check that hook and judge what those tests cannot
// see: the Services inside a kind: List (kubectl get -o yaml), which are one item to them.

// minCorpusCases mirrors e2e's minCorpusEntries: losing the hook must not pass in silence.
const minCorpusCases = 8

func TestCorpusIsJudged(t *testing.T) {
	var n int
	for _, c := range goldenCases(t) {
		if !strings.HasPrefix(c.Name, "corpus/") {
			continue
		}
		n++
		if c.Expected == nil {
			t.Errorf("%s: no expected-resourcelist.yaml", c.Name)
		}
	}
	if n < minCorpusCases {
		t.Fatalf("goldenCases has %d corpus entries, want at least %d", n, minCorpusCases)
	}
}

// listServices returns the Services inside kind: List items of every golden input and output.
func listServices(t *testing.T) (origins []string, services []goldens.Service) {
	t.Helper()
	for _, c := range goldenCases(t) {
		for what, list := range map[string][]byte{"input": c.Input, "output": c.Expected} {
			if list == nil {
				continue
			}
			found, err := goldens.ListServices(list)
			if err != nil {
				continue // bad-input cases are not ResourceLists
			}
			for _, svc := range found {
				origins, services = append(origins, c.Name+" "+what), append(services, svc)
			}
		}
	}
	if len(services) == 0 {
		t.Fatal("no Service inside a kind: List in any golden (corpus/kubectl-get-svc-list has six)")
	}
	return origins, services
}

// TestListServicesAreAccepted: the Services of a kubectl List came from a real server; created
// again (without the metadata the server sets), each is accepted, in the input and in the output.
func TestListServicesAreAccepted(t *testing.T) {
	origins, services := listServices(t)
	for _, j := range judges() {
		t.Run(j.name(), func(t *testing.T) {
			var accepted atomic.Int64
			for i, svc := range services {
				v := j.judge(t, svc.RequestNamespace(), svc.Manifest)
				if !v.Accepted {
					t.Errorf("%s %s inside a List: refused:\n%s", origins[i], svc.ID(), refusal(j, svc, v))
					continue
				}
				accepted.Add(1)
			}
			report("list services ("+j.name()+")", "%d Services inside kind: List items of the goldens: all accepted", accepted.Load())
		})
	}
}

// TestServerAgreesOnListServices: the validator answers as the server does on those Services.
func TestServerAgreesOnListServices(t *testing.T) {
	needServer(t)
	origins, services := listServices(t)
	var same int
	for i, svc := range services {
		if compareJudges(t, origins[i], svc) {
			same++
		}
	}
	report("agreement list services", "validator and server agree on %d of %d Services inside kind: List items", same, len(services))
}
