package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestHelmRendersChartRequiringKubernetes125 renders a chart whose Chart.yaml asks for
// Kubernetes >=1.25 (as ingress-nginx and emissary do) with bin/helm and no --kube-version. Helm's
// release reports the Kubernetes of the k8s.io/client-go it is built with; a plain go build of the
// module reports v1.20.0 and refuses the chart ("incompatible with Kubernetes v1.20.0").
func TestHelmRendersChartRequiringKubernetes125(t *testing.T) {
	helm := filepath.Join(repoRoot, "bin", "helm")
	if _, err := os.Stat(helm); err != nil {
		t.Fatalf("bin/helm is missing: run `make bin/helm` (make test does): %v", err)
	}
	chart := t.TempDir()
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: tiny\nversion: 0.1.0\nkubeVersion: \">=1.25.0-0\"\n",
		"templates/kube.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube\n" +
			"data:\n  version: {{ .Capabilities.KubeVersion.Version | quote }}\n",
	}
	for name, text := range files {
		path := filepath.Join(chart, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := runTool(t, chart, helm, "template", "tiny", chart)
	if code != 0 {
		t.Fatalf("helm template exited %d (bin/helm built without Helm's release ldflags?):\n%s", code, stderr)
	}
	// The version is Helm's: 1.<minor> of the client-go both go.mods name.
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/client-go v0\.(\d+)\.`).FindStringSubmatch(readFile(t, filepath.Join(repoRoot, "tools", "go.mod")))
	if m == nil {
		t.Fatal("tools/go.mod names no k8s.io/client-go v0.x")
	}
	minor, _ := strconv.Atoi(m[1])
	want := `version: "v1.` + strconv.Itoa(minor) + `.0"`
	assertContains(t, "helm template output", stdout, want)
}
