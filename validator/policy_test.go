package validator_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// The admission policy proof: `set-session-affinity policy` prints a ValidatingAdmissionPolicy
// that must admit a Service exactly when the function's validate mode passes it (or does not
// select it). These tests apply it to the real kube-apiserver (make test-apiserver) and send it
// every Service there is; a plain `go test` skips them.

const (
	vapPath     = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies"
	bindingPath = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings"
)

// policyCase is one config the proof runs: each provider's defaults, and configs that exercise
// the selector conversion, the timeouts and promoteToLoadBalancer.
type policyCase struct {
	name   string
	config map[string]string // config keys, as ConfigMap data and (as flags) for `policy`
	// probe labels select a Service under this config, for the is-it-in-effect probe.
	probe map[string]string
	// probeNamespace is where the probe goes ("default" when empty).
	probeNamespace string
	// extra is a config of the proof's own, beside one per provider.
	extra bool
	// policy names the policy and binding ("ssa-" and the name when empty).
	policy string
}

func (c policyCase) policyName() string {
	if c.policy != "" {
		return c.policy
	}
	return "ssa-" + c.name
}

// flags turns the config into the function's flags.
func (c policyCase) flags() []string {
	var out []string
	for _, k := range slices.Sorted(mapsKeys(c.config)) {
		out = append(out, "--"+flagName(k)+"="+c.config[k])
	}
	return out
}

func mapsKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// flagName is fn/cli's: clientIPTimeoutSeconds -> client-ip-timeout-seconds.
func flagName(key string) string {
	var b strings.Builder
	for i, r := range key {
		upper := r >= 'A' && r <= 'Z'
		if upper && i > 0 && !(key[i-1] >= 'A' && key[i-1] <= 'Z' && (i+1 == len(key) || key[i+1] >= 'A' && key[i+1] <= 'Z')) {
			b.WriteByte('-')
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

// policyCases is one case per provider the function knows (asked of the binary, so a new provider
// is proven without touching this file) and four configs of their own.
func policyCases(t *testing.T) []policyCase {
	t.Helper()
	sticky := map[string]string{stickyLabel: "true"}
	var cases []policyCase
	for _, p := range providerNames(t) {
		cases = append(cases, policyCase{name: p, config: map[string]string{"provider": p}, probe: sticky})
	}
	return append(cases,
		policyCase{name: "alibaba-custom", config: map[string]string{
			"selector": "app in (demo,web)," + stickyLabel, "clientIPTimeoutSeconds": "3600", "persistenceTimeoutSeconds": "600",
		}, probe: map[string]string{"app": "web", stickyLabel: "x"}, extra: true},
		policyCase{name: "huawei-promote", config: map[string]string{
			"provider": "huawei", "promoteToLoadBalancer": "true", "persistenceTimeoutSeconds": "600", "clientIPTimeoutSeconds": "600",
		}, probe: sticky, extra: true},
		policyCase{name: "generic-everything", config: map[string]string{
			"provider": "generic", "selector": "", "clientIPTimeoutSeconds": "86400",
		}, probe: map[string]string{}, extra: true},
		policyCase{name: "alibaba-skip-unsupported", config: map[string]string{
			"onUnsupported": "skip",
		}, probe: sticky, extra: true},
	)
}

var allowedRE = regexp.MustCompile(`allowed ([a-z0-9, -]+)`)

// providerNames asks the function which providers it knows, from its error for an unknown one.
func providerNames(t *testing.T) []string {
	t.Helper()
	_, stderr, err := runFunctionArgs(nil, "policy", "--provider", "no-such-provider")
	if err == nil {
		t.Fatal("policy --provider no-such-provider succeeded; want an error that lists the providers")
	}
	m := allowedRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no provider list in %q", stderr)
	}
	return strings.Split(m[1], ", ")
}

// runFunctionArgs runs the function binary with args; exit code 1 is returned as an error.
func runFunctionArgs(stdin []byte, args ...string) (string, string, error) {
	cmd := exec.Command(functionBin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// generatePolicy runs `set-session-affinity policy` for c and returns the policy and the binding.
func generatePolicy(t *testing.T, c policyCase, extra ...string) (policy, binding []byte) {
	t.Helper()
	args := append([]string{"policy", "--mutating=false", "--name", c.policyName()}, c.flags()...)
	stdout, stderr, err := runFunctionArgs(nil, append(args, extra...)...)
	if err != nil {
		t.Fatalf("set-session-affinity %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	docs := strings.Split(stdout, "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("policy printed %d documents; want the policy and the binding", len(docs))
	}
	return []byte(docs[0]), []byte(docs[1])
}

// installPolicy creates the policy and the binding on the server (the server compiles every
// expression at creation and refuses the objects otherwise) and waits until the policy denies
// the probe. The returned function removes both and waits until it no longer does.
func installPolicy(t *testing.T, c policyCase, policy, binding []byte) func() {
	t.Helper()
	ctx := t.Context()
	remove := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, path := range []string{bindingPath + "/" + c.policyName(), vapPath + "/" + c.policyName()} {
			if err := server.Delete(ctx, path); err != nil {
				t.Errorf("remove %s: %v", path, err)
			}
		}
		waitPolicy(t, c, false)
	}
	remove() // a policy left by an interrupted run
	if err := server.Create(ctx, vapPath, "application/yaml", policy); err != nil {
		t.Fatalf("the server refused the generated policy: %v", err)
	}
	if err := server.Create(ctx, bindingPath, "application/yaml", binding); err != nil {
		remove()
		t.Fatalf("the server refused the generated binding: %v", err)
	}
	waitPolicy(t, c, true)
	return remove
}

// probe is a Service every config selects (by c.probe) and denies: sessionAffinity None.
func probe(c policyCase) []byte {
	var labels strings.Builder
	for _, k := range slices.Sorted(mapsKeys(c.probe)) {
		fmt.Fprintf(&labels, "    %s: %q\n", k, c.probe[k])
	}
	if labels.Len() == 0 {
		labels.WriteString("    {}\n")
	}
	return fmt.Appendf(nil, "apiVersion: v1\nkind: Service\nmetadata:\n  name: policy-probe\n  labels:\n%sspec:\n  sessionAffinity: None\n  ports:\n  - port: 80\n", labels.String())
}

// waitPolicy waits until the probe is denied by the policy (effective) or admitted (gone).
func waitPolicy(t *testing.T, c policyCase, effective bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ns := c.probeNamespace
		if ns == "" {
			ns = "default"
		}
		v := theServerJudge.judge(t, ns, probe(c))
		if deniedBy(v, c.policyName()) == effective {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("policy %s effective=%v not reached in 60 s; last answer: %s", c.policyName(), effective, v)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// deniedBy reports whether the server's refusal came from the policy called name.
func deniedBy(v validator.Verdict, name string) bool {
	return !v.Accepted && strings.Contains(v.Message, "ValidatingAdmissionPolicy '"+name+"'")
}

// policyMessage is the policy's own message in a denial.
func policyMessage(v validator.Verdict) string {
	_, msg, _ := strings.Cut(v.Message, "denied request: ")
	return msg
}

// The exclusions: the rules the policy cannot see (fn/policy Limits), told apart per Service.
const (
	exclYAML = "YAML as written (anchors, aliases, merge keys): the server sees the expanded object"
	exclZero = "a field set to a zero value the API server drops before admission"
)

// excluded says which Limit explains validate mode failing a Service the policy admits, or "".
func excluded(s policyService, errs []goldens.Finding) string {
	all := func(pred func(goldens.Finding) bool) bool {
		for _, f := range errs {
			if !pred(f) {
				return false
			}
		}
		return len(errs) > 0
	}
	switch {
	case all(func(f goldens.Finding) bool { return strings.Contains(f.Message, "anchor, alias or merge key") }):
		return exclYAML
	case all(func(f goldens.Finding) bool { return isZero(valueAt(s.node, f.Path)) }):
		return exclZero
	}
	return ""
}

// valueAt finds the node at a result's field path: spec.x.y, spec.ports[0].nodePort,
// metadata.annotations[key].
func valueAt(obj *yaml.Node, path string) *yaml.Node {
	n := obj
	for path != "" {
		var step string
		step, path, _ = strings.Cut(path, ".")
		if key, rest, ok := strings.Cut(step, "["); ok {
			n = goldens.Lookup(n, key)
			inner := strings.TrimSuffix(rest, "]")
			if n != nil && n.Kind == yaml.SequenceNode {
				var i int
				if _, err := fmt.Sscan(inner, &i); err != nil || i >= len(n.Content) {
					return nil
				}
				n = n.Content[i]
			} else {
				// an annotation key holds dots: the rest of the path is part of it
				if !strings.HasSuffix(rest, "]") {
					inner = strings.TrimSuffix(rest+"."+path, "]")
					path = ""
				}
				n = goldens.Lookup(n, inner)
			}
			continue
		}
		n = goldens.Lookup(n, step)
	}
	return n
}

func isZero(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value == "" || n.Value == "0" || n.Tag == "!!null"
	case yaml.SequenceNode, yaml.MappingNode:
		return len(n.Content) == 0
	}
	return false
}

// policyTally counts what happened to the Services of one case.
type policyTally struct {
	judged, admitted, denied            int
	refusedBefore                       int // refused by the server's own validation, before admission
	excluded                            map[string]int
	mutateAdmitted, mutateRefusedBefore int
}

// TestPolicyAgreesWithValidateMode is the proof of issue 13. For each case: the server accepts
// the generated policy and binding; each Service of the corpus, sent as a dry-run create, is
// denied by the policy exactly when validate mode fails it, with a message that names a field the
// function named; and each Service mutate mode writes is admitted.
func TestPolicyAgreesWithValidateMode(t *testing.T) {
	needServer(t)
	services := policyCorpus(t)
	for _, s := range services {
		theServerJudge.ensureNamespace(t, t.Context(), s.requestNamespace())
	}
	report("policy corpus", "%d distinct Services: %s", len(services), origins(services))
	judgedAnywhere := map[string]bool{}
	excludedRules := map[string]int{}
	for _, c := range policyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			policy, binding := generatePolicy(t, c)
			remove := installPolicy(t, c, policy, binding)
			defer remove()
			tally := policyTally{excluded: map[string]int{}}
			checkAgreement(t, c, services, &tally, judgedAnywhere, theServerJudge)
			checkMutateOutput(t, c, services, &tally, theServerJudge)
			for k, n := range tally.excluded {
				excludedRules[k] += n
			}
			report("policy "+c.name, "%d judged at admission (%d admitted, %d denied); %d refused by the server before admission; excluded %v; mutate output: %d admitted, %d refused before admission",
				tally.judged, tally.admitted, tally.denied, tally.refusedBefore, tally.excluded, tally.mutateAdmitted, tally.mutateRefusedBefore)
		})
	}
	report("policy judged", "%d distinct Services judged at admission in at least one case (want >= 1000); excluded rules met: %v", len(judgedAnywhere), excludedRules)
	if len(judgedAnywhere) < 1000 {
		t.Errorf("only %d distinct Services reached admission; want at least 1,000", len(judgedAnywhere))
	}
}

func checkAgreement(t *testing.T, c policyCase, services []policyService, tally *policyTally, judged map[string]bool, j judge) {
	t.Helper()
	config := map[string]string{"mode": "validate"}
	for k, v := range c.config {
		config[k] = v
	}
	// A key given twice makes the function refuse the whole input, so such a Service is judged on
	// its own: the server must refuse it too, before admission (strict decoding).
	out, stderr, err := runFunctionArgs(policyResourceList(t, listable(services), config))
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("validate mode: %v\n%s", err, stderr)
	}
	findings, err := goldens.ServiceFindings([]byte(out))
	if err != nil || len(findings) == 0 {
		// Every run has findings on so many Services; none means the run itself failed.
		t.Fatalf("validate mode gave no results (%v); stderr:\n%.2000s", err, stderr)
	}
	about := byName(findings)
	for _, s := range services {
		v := j.judge(t, s.requestNamespace(), s.manifest)
		denied := deniedBy(v, c.policyName())
		if !v.Accepted && !denied {
			tally.refusedBefore++
			continue
		}
		if hasDuplicateKey(s.node) {
			t.Errorf("%s: a key given twice, which the function refuses for the whole input, reached admission: %s", s.id(), v)
			continue
		}
		tally.judged++
		judged[string(s.manifest)] = true
		errs := goldens.Errors(about[s.name])
		switch {
		case len(errs) == 0 && !denied:
			tally.admitted++
		case len(errs) > 0 && denied:
			tally.denied++
			msg := policyMessage(v)
			if !slices.ContainsFunc(errorPaths(errs), func(p string) bool { return strings.Contains(msg, p) }) {
				// Validate mode names only what the server never shows the policy; the policy
				// denies the Service for what it does see.
				if why := excluded(s, errs); why == exclYAML || why == exclZero {
					tally.excluded[why]++
					continue
				}
				t.Errorf("%s: the policy's denial names no field validate mode named\n  denial: %s\n  validate mode: %v\n%s", s.id(), msg, errorPaths(errs), indent(string(s.manifest), "    "))
			}
		case len(errs) == 0:
			t.Errorf("%s: validate mode passes it, the policy denies it: %s\n%s", s.id(), policyMessage(v), indent(string(s.manifest), "    "))
		default:
			if why := excluded(s, errs); why != "" {
				tally.admitted++
				tally.excluded[why]++
				continue
			}
			var lines []string
			for _, f := range errs {
				lines = append(lines, f.Path+": "+f.Message)
			}
			t.Errorf("%s: validate mode fails it, the policy admits it\n  validate mode: %s\n%s", s.id(), strings.Join(lines, "\n    "), indent(string(s.manifest), "    "))
		}
	}
}

// checkMutateOutput: every Service mutate mode writes (changed, or found compliant) is admitted.
func checkMutateOutput(t *testing.T, c policyCase, services []policyService, tally *policyTally, j judge) {
	t.Helper()
	out, stderr, err := runFunctionArgs(policyResourceList(t, listable(services), c.config))
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		t.Fatalf("mutate mode: %v\n%s", err, stderr)
	}
	written, err := goldens.Services([]byte(out))
	if err != nil {
		t.Fatalf("mutate mode output: %v", err)
	}
	findings, err := goldens.ServiceFindings([]byte(out))
	if err != nil || len(findings) == 0 || len(written) == 0 {
		t.Fatalf("mutate mode gave no Services or no results (%v); stderr:\n%.2000s", err, stderr)
	}
	about := byName(findings)
	for _, w := range written {
		if len(goldens.Errors(about[w.Name])) > 0 {
			continue // refused by the function and returned as it came: judged above
		}
		v := j.judge(t, w.RequestNamespace(), w.Manifest)
		switch {
		case v.Accepted:
			tally.mutateAdmitted++
		case deniedBy(v, c.policyName()):
			t.Errorf("mutate mode wrote Service %s/%s, the policy denies it: %s\n%s", w.RequestNamespace(), w.Name, policyMessage(v), indent(string(w.Manifest), "    "))
		default:
			tally.mutateRefusedBefore++
		}
	}
}

// listable leaves out the Services with a key given twice: the function refuses a whole input
// that holds one.
func listable(services []policyService) []policyService {
	var out []policyService
	for _, s := range services {
		if !hasDuplicateKey(s.node) {
			out = append(out, s)
		}
	}
	return out
}

// hasDuplicateKey reports whether a map anywhere in n gives a key twice.
func hasDuplicateKey(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if seen[n.Content[i].Value] {
				return true
			}
			seen[n.Content[i].Value] = true
		}
	}
	for _, c := range n.Content {
		if hasDuplicateKey(c) {
			return true
		}
	}
	return false
}
