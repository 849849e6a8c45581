package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// warnedServices draw two warnings and no error with promoteToLoadBalancer: true: a ClusterIP
// Service with a load-balancer field is promoted to a LoadBalancer, and a NodePort Service's
// externalTrafficPolicy Cluster is replaced by Local.
const warnedServices = `apiVersion: v1
kind: Service
metadata:
  name: promoted
  namespace: shop
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: ClusterIP
  externalTrafficPolicy: Local
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: replaced
  namespace: shop
  labels:
    session-affinity.kpt.dev/sticky: "true"
spec:
  type: NodePort
  externalTrafficPolicy: Cluster
  selector:
    app: api
  ports:
  - port: 8080
`

// The two warnings, as every runner words them.
var (
	promotionWarning   = `v1/Service/shop/promoted spec.type: changed from "ClusterIP" to "LoadBalancer"`
	replacementWarning = `v1/Service/shop/replaced spec.externalTrafficPolicy: changed from "Cluster" to "Local"`
)

// writeFiles writes files (by name relative to dir) into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// kustomize shows its users a function's stderr and nothing of its results, so a run that succeeds
// with warnings must print them there: a promotion to an internet-facing LoadBalancer, a value
// replaced. Before, success printed nothing on stderr.
func TestKustomizeShowsWarningsOnStderr(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"services.yaml": warnedServices,
		"kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" +
			"resources:\n  - services.yaml\ntransformers:\n  - set-session-affinity.yaml\n",
		"set-session-affinity.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sticky\n  annotations:\n" +
			"    config.kubernetes.io/function: |\n      exec:\n        path: " + fnBin + "\n" +
			"data:\n  promoteToLoadBalancer: \"true\"\n",
	})
	stdout, stderr, code := runKustomize(t, dir)
	if code != 0 {
		t.Fatalf("kustomize build exited %d:\n%s", code, stderr)
	}
	assertContains(t, "kustomize output", stdout, "type: LoadBalancer", "externalTrafficPolicy: Local")
	for _, want := range []string{promotionWarning, replacementWarning} {
		if n := countLines(stderr, "[warning] "+want); n != 1 {
			t.Errorf("kustomize's stderr has %d lines with %q, want 1:\n%s", n, want, stderr)
		}
	}
}

// kpt prints every result of a run and then the function's stderr, on success and failure alike:
// each warning and error must show once, in the results. Before, every error showed twice (a
// results line and a stderr line).
func TestKptShowsEachFindingOnce(t *testing.T) {
	pkgFiles := map[string]string{
		"services.yaml": warnedServices,
		"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: warned\n  annotations:\n" +
			"    config.kubernetes.io/local-config: \"true\"\npipeline:\n  mutators:\n" +
			"    - exec: " + fnBin + "\n      configMap:\n        promoteToLoadBalancer: \"true\"\n",
	}
	t.Run("eval", func(t *testing.T) {
		pkg := t.TempDir()
		writeFiles(t, pkg, pkgFiles)
		out, code := runKpt(t, pkg, "fn", "eval", pkg, "--exec", fnBin, "--", "promoteToLoadBalancer=true")
		if code != 0 {
			t.Fatalf("kpt fn eval exited %d:\n%s", code, out)
		}
		assertOnce(t, out, promotionWarning, replacementWarning)
	})
	t.Run("render", func(t *testing.T) {
		pkg := t.TempDir()
		writeFiles(t, pkg, pkgFiles)
		out, code := runKpt(t, pkg, "fn", "render", pkg, "--allow-exec")
		if code != 0 {
			t.Fatalf("kpt fn render exited %d:\n%s", code, out)
		}
		assertOnce(t, out, promotionWarning, replacementWarning)
		assertContains(t, "services.yaml", readFile(t, filepath.Join(pkg, "services.yaml")), "type: LoadBalancer")
	})
	t.Run("eval with an error", func(t *testing.T) {
		_, out, code := evalKpt(t, "invalid")
		if code == 0 {
			t.Fatalf("kpt fn eval exited 0:\n%s", out)
		}
		assertOnce(t, out, "v1/Service/default/session1 spec.externalTrafficPolicy: may not be used when type is ClusterIP")
	})
}

// assertOnce fails for every want that is not on exactly one line of out.
func assertOnce(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if n := countLines(out, want); n != 1 {
			t.Errorf("%d lines of kpt's output have %q, want 1:\n%s", n, want, out)
		}
	}
}

func countLines(out, want string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, want) {
			n++
		}
	}
	return n
}
