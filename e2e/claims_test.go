package e2e

// Statements the code contradicts. Each row is a behaviour users rely on, the wording that would
// state its opposite, and a run that shows what the function does. The run keeps the row honest
// (if the behaviour changes, it fails and the row must be rewritten with the docs); the wording
// keeps the pages honest (no page may say the opposite). The first two rows are the stale claims
// issue 20 found.

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// claimPages are the pages that state behaviour: README.md, docs/ and each example's README.
// CHANGELOG.md and corpus/*/SOURCE.md are history and say what used to be true.
func claimPages(t *testing.T) []string {
	t.Helper()
	examples, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return append(docPages(t), examples...)
}

const stickyService = `apiVersion: v1
kind: Service
metadata:
  name: checkout
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: LoadBalancer
  externalTrafficPolicy: Cluster
  selector:
    app: checkout
  ports:
  - port: 80
`

var contradictedClaims = []struct {
	truth    string
	opposite *regexp.Regexp
	show     func(t *testing.T) (ok bool, got string)
}{
	{
		truth:    "a kind: List is read: its Services are processed like top-level ones",
		opposite: regexp.MustCompile(`(?i)passed through unread|List[^.|]{0,40}not looked into|until .?kind: List.? is read`),
		show: func(t *testing.T) (bool, string) {
			list := "apiVersion: v1\nkind: List\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(stickyService, "\n"), "\n", "\n  ") + "\n"
			stdout, stderr, code := runStdin(t, repoRoot, nil, list, fnBin)
			return code == 0 && strings.Contains(stdout, "sessionAffinity: ClientIP"), stdout + stderr
		},
	},
	{
		truth:    "empty input comes back as it is, with exit code 0",
		opposite: regexp.MustCompile(`(?i)empty (plain )?(input|stdin|stream)[^.|]{0,40}(is |are )?(refused|rejected|an error|fails)|refuses? (an )?empty (input|stdin|stream)`),
		show: func(t *testing.T) (bool, string) {
			stdout, stderr, code := runStdin(t, repoRoot, nil, "", fnBin)
			return code == 0 && stdout == "" && stderr == "", stdout + stderr
		},
	},
	{
		truth:    "a bad flag exits 2, not 1 (usage, not findings)",
		opposite: regexp.MustCompile(`(?i)exits? (with )?(code )?1[^.|]{0,60}(bad|unknown) flag`),
		show: func(t *testing.T) (bool, string) {
			stdout, stderr, code := runStdin(t, repoRoot, nil, stickyService, fnBin, "--bogus")
			return code == 2 && strings.Contains(stderr, "--bogus"), stdout + stderr
		},
	},
	{
		truth:    "replacing a value the input set is a warning naming both values",
		opposite: regexp.MustCompile(`(?i)replaced silently|silently (replaced|overwritten)|overwrit\w* silently`),
		show: func(t *testing.T) (bool, string) {
			_, stderr, code := runStdin(t, repoRoot, nil, stickyService, fnBin)
			return code == 0 && strings.Contains(stderr, `[warning] v1/Service/checkout spec.externalTrafficPolicy: changed from "Cluster" to "Local"`), stderr
		},
	},
	{
		truth:    "loadBalancerIP on a ClusterIP Service is a warning: the API server accepts it",
		opposite: regexp.MustCompile("(?i)refused: `?loadBalancerIP|`?loadBalancerIP`? on (a )?ClusterIP[^.|]{0,30} is (an error|refused)"),
		show: func(t *testing.T) (bool, string) {
			svc := strings.Replace(stickyService, "type: LoadBalancer\n  externalTrafficPolicy: Cluster", "type: ClusterIP\n  loadBalancerIP: 10.0.0.1", 1)
			_, stderr, code := runStdin(t, repoRoot, nil, svc, fnBin)
			return code == 0 && strings.Contains(stderr, "[warning] v1/Service/checkout spec.loadBalancerIP:"), stderr
		},
	},
	{
		truth:    "files are arguments: set-session-affinity FILE reads the file",
		opposite: regexp.MustCompile(`(?i)unexpected argument|no file (or directory )?argument|needs a wrapper script`),
		show: func(t *testing.T) (bool, string) {
			stdout, stderr, code := runTool(t, repoRoot, fnBin, "--mode", "validate", "examples/ci-gate/manifests/compliant")
			return code == 0 && stderr == "", stdout + stderr
		},
	},
}

// TestDocsStateNothingTheCodeContradicts: for each row, the function behaves as the row says,
// and no page of the docs says the opposite.
func TestDocsStateNothingTheCodeContradicts(t *testing.T) {
	pages := map[string]string{}
	for _, page := range claimPages(t) {
		name, _ := filepath.Rel(repoRoot, page)
		pages[name] = readFile(t, page)
	}
	for _, c := range contradictedClaims {
		if ok, got := c.show(t); !ok {
			t.Errorf("the function no longer shows that %s; rewrite this row, and the docs that say it:\n%s", c.truth, got)
		}
		for name, text := range pages {
			for i, line := range strings.Split(text, "\n") {
				if m := c.opposite.FindString(line); m != "" {
					t.Errorf("%s:%d says %q, but %s", name, i+1, m, c.truth)
				}
			}
		}
	}
}
