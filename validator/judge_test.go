package validator_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// A judge says whether the API server creates a Service: the in-process validator, or the real
// server on a dry run. The golden checks run with each judge that is available.
type judge interface {
	name() string
	judge(t testing.TB, namespace string, manifest []byte) validator.Verdict
}

type inProcessJudge struct{}

func (inProcessJudge) name() string { return "validator" }

func (inProcessJudge) judge(_ testing.TB, namespace string, manifest []byte) validator.Verdict {
	return inProcess.Validate(namespace, manifest)
}

// serverJudge sends to the real server, creating each namespace once (for real) so that
// admission lets the dry run through.
type serverJudge struct {
	mu         sync.Mutex
	namespaces map[string]bool
}

var theServerJudge = &serverJudge{namespaces: map[string]bool{}}

func (*serverJudge) name() string { return "kube-apiserver" }

func (s *serverJudge) judge(t testing.TB, namespace string, manifest []byte) validator.Verdict {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.ensureNamespace(t, ctx, namespace)
	v, err := server.DryRunCreate(ctx, namespace, manifest)
	if err != nil {
		t.Fatalf("dry run against the server: %v", err)
	}
	return v
}

func (s *serverJudge) ensureNamespace(t testing.TB, ctx context.Context, namespace string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.namespaces[namespace] {
		return
	}
	if err := server.EnsureNamespace(ctx, namespace); err != nil {
		t.Fatalf("%v", err)
	}
	s.namespaces[namespace] = true
}

// judges are the available judges: always the validator, and the server when one runs.
func judges() []judge {
	if server == nil {
		return []judge{inProcessJudge{}}
	}
	return []judge{inProcessJudge{}, theServerJudge}
}

// refusal words a refusal the way the issue asks: the Service, the fields and the message.
func refusal(j judge, svc goldens.Service, v validator.Verdict) string {
	return fmt.Sprintf("%s refused %s\n  fields:  %s\n  message: %s\n  manifest:\n%s",
		j.name(), svc.ID(), strings.Join(v.Fields(), ", "), v.Message, indent(string(svc.Manifest), "    "))
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix)
}

func mustPrefix(s string) netip.Prefix {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		panic(fmt.Sprintf("service CIDR %q: %v", s, err))
	}
	return p
}
