package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFailures checks that invalid input fails the run and that one output line names
// both the offending object and the field.
func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		kustomize bool // kustomize build of testdata/kustomize/<fixture>, else kpt fn eval
		fixture   string
		fnArgs    []string // kpt fn eval only
		want      []string // all on one line of the output
	}{
		{name: "kpt/ClusterIP with externalTrafficPolicy", fixture: "invalid",
			want: []string{"session1", "spec.externalTrafficPolicy"}},
		{name: "kpt/clientIPTimeoutSeconds=0", fixture: "eval", fnArgs: []string{"clientIPTimeoutSeconds=0"},
			want: []string{"clientIPTimeoutSeconds"}},
		{name: "kustomize/ClusterIP with nodePort", kustomize: true, fixture: "invalid",
			want: []string{"session1", "spec.ports[0].nodePort"}},
		{name: "kustomize/clientIPTimeoutSeconds 0", kustomize: true, fixture: "zero-timeout",
			want: []string{"clientIPTimeoutSeconds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out string
			var code int
			if tc.kustomize {
				stdout, stderr, c := buildKustomize(t, tc.fixture)
				out, code = stdout+stderr, c
			} else {
				var pkg string
				pkg, out, code = evalKpt(t, tc.fixture, tc.fnArgs...)
				before, after := readDir(t, filepath.Join("testdata", tc.fixture)), readDir(t, pkg)
				for name := range before {
					if before[name] != after[name] {
						t.Errorf("failed run changed %s:\n%s", name, after[name])
					}
				}
			}
			if code == 0 {
				t.Errorf("exit code 0, want non-zero; output:\n%s", out)
			}
			if !hasLineWithAll(out, tc.want) {
				t.Errorf("no output line names all of %q; output:\n%s", tc.want, out)
			}
		})
	}
}

func hasLineWithAll(out string, wants []string) bool {
	for _, line := range strings.Split(out, "\n") {
		n := 0
		for _, w := range wants {
			if strings.Contains(line, w) {
				n++
			}
		}
		if n == len(wants) {
			return true
		}
	}
	return false
}
