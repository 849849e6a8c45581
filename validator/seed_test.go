package validator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// TestSeedArticle is the headline claim: the vendor article's manifest, as written, is refused by
// the API server; after the function with promoteToLoadBalancer it is created.
func TestSeedArticle(t *testing.T) {
	tests := []struct {
		name     string
		file     string // a ResourceList holding the article's Service
		accepted bool
	}{
		{"as written", "testdata/seed-default/input.yaml", false},
		{"after the function, promoteToLoadBalancer (testdata)", "testdata/seed-promote/expected.yaml", true},
		{"after the function, promoteToLoadBalancer (example)", "examples/seed-article/expected.yaml", true},
	}
	for _, j := range judges() {
		for _, tt := range tests {
			t.Run(j.name()+"/"+tt.name, func(t *testing.T) {
				svc := onlyService(t, filepath.Join(repoRoot, tt.file))
				v := j.judge(t, svc.RequestNamespace(), svc.Manifest)
				t.Logf("%s: %s", tt.file, v)
				if v.Accepted != tt.accepted {
					t.Fatalf("want accepted=%v, got %s\n%s", tt.accepted, v, refusal(j, svc, v))
				}
				if !tt.accepted {
					report("seed as written ("+j.name()+")", "%s", v)
				}
			})
		}
	}
}

func onlyService(t *testing.T, file string) goldens.Service {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	services, err := goldens.Services(b)
	if err != nil || len(services) != 1 {
		t.Fatalf("%s: want exactly one Service, got %d (%v)", file, len(services), err)
	}
	return services[0]
}
