package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	annPersistence = "metadata.annotations.service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout"
	annScheduler   = "metadata.annotations.service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler"
)

func TestKptFnEval(t *testing.T) {
	pkg, out, code := evalKpt(t, "eval", "clientIPTimeoutSeconds=3600", "persistenceTimeoutSeconds=600")
	if code != 0 {
		t.Fatalf("kpt fn eval exited %d:\n%s", code, out)
	}

	// Not selected: an unlabelled Service, a labelled Deployment, a labelled Knative Service, the Kptfile.
	assertSameFiles(t, filepath.Join("testdata", "eval"), pkg,
		"Kptfile", "service-plain.yaml", "deployment.yaml", "knative-service.yaml")

	got := readFile(t, filepath.Join(pkg, "service-sticky.yaml"))
	docs := readYAMLDocs(t, got)
	if len(docs) != 1 {
		t.Fatalf("service-sticky.yaml has %d documents, want 1:\n%s", len(docs), got)
	}
	assertFields(t, "service-sticky.yaml", docs[0], map[string]any{
		"spec.sessionAffinity":                               "ClientIP",
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds": 3600,
		"spec.externalTrafficPolicy":                         "Local",
		"spec.type":                                          "LoadBalancer",
		"spec.ports[0].port":                                 80,
		annPersistence:                                       "600",
		annScheduler:                                         "wrr",
		"metadata.annotations.service.beta.kubernetes.io/alibaba-cloud-loadbalancer-spec": "slb.s1.small",
		"metadata.labels.session-affinity.kpt.dev/sticky":                                 "true",
	})
	assertContains(t, "service-sticky.yaml", got,
		"# Public entry point; must keep client affinity.\n", "# opt in\n", "# plain HTTP\n")
}

func TestKptFnRender(t *testing.T) {
	pkg := copyFixture(t, "render")
	// kpt resolves exec paths against its working directory, so point the copy at the built binary.
	kptfile := filepath.Join(pkg, "Kptfile")
	orig := readFile(t, kptfile)
	patched := strings.Replace(orig, "exec: ./set-session-affinity", "exec: "+fnBin, 1)
	if patched == orig {
		t.Fatal("testdata/render/Kptfile has no `exec: ./set-session-affinity` line to patch")
	}
	if err := os.WriteFile(kptfile, []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}

	if out, code := runKpt(t, pkg, "fn", "render", pkg, "--allow-exec"); code != 0 {
		t.Fatalf("kpt fn render exited %d:\n%s", code, out)
	}
	got := readFile(t, filepath.Join(pkg, "services.yaml"))
	byName := docsByName(readYAMLDocs(t, got))
	assertFields(t, "gateway (NodePort)", byName["gateway"], map[string]any{
		"spec.sessionAffinity":                               "ClientIP",
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds": 7200,
		"spec.externalTrafficPolicy":                         "Local",
		"spec.ports[0].nodePort":                             30443,
		"metadata.annotations":                               absent,
	})
	assertFields(t, "checkout (LoadBalancer)", byName["checkout"], map[string]any{
		"spec.sessionAffinity":                               "ClientIP",
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds": 7200,
		"spec.externalTrafficPolicy":                         "Local",
		annPersistence:                                       "1800",
		annScheduler:                                         "rr",
	})
	assertContains(t, "services.yaml", got,
		"# Edge services, selected by tier=edge.\n", "# scheduler chosen by the team; must be kept\n")

	// "internal" only has the default label, which the pipeline's selector does not match.
	before, after := strings.Split(readFile(t, filepath.Join("testdata", "render", "services.yaml")), "\n---\n"), strings.Split(got, "\n---\n")
	if len(after) != len(before) || after[2] != before[2] {
		t.Errorf("the unselected Service changed; services.yaml now:\n%s", got)
	}

	// A second render must not change anything.
	first := readDir(t, pkg)
	if out, code := runKpt(t, pkg, "fn", "render", pkg, "--allow-exec"); code != 0 {
		t.Fatalf("second kpt fn render exited %d:\n%s", code, out)
	}
	for name, content := range readDir(t, pkg) {
		if content != first[name] {
			t.Errorf("second render changed %s:\n--- first\n%s\n--- second\n%s", name, first[name], content)
		}
	}
}
