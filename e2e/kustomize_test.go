package e2e

import "testing"

func TestKustomizeBuild(t *testing.T) {
	tests := []struct {
		overlay     string // testdata/kustomize/<overlay>, built on top of ../base
		timeout     int    // expected spec.sessionAffinityConfig.clientIP.timeoutSeconds
		persistence string // expected persistence-timeout annotation on the LoadBalancer
	}{
		{overlay: "typed", timeout: 900, persistence: "300"},       // fn.kpt.dev/v1alpha1 SetSessionAffinity
		{overlay: "configmap", timeout: 1200, persistence: "1800"}, // ConfigMap, default persistence
	}
	for _, tc := range tests {
		t.Run(tc.overlay, func(t *testing.T) {
			stdout, stderr, code := buildKustomize(t, tc.overlay)
			if code != 0 {
				t.Fatalf("kustomize build exited %d:\n%s%s", code, stdout, stderr)
			}
			docs := readYAMLDocs(t, stdout)
			if len(docs) != 3 {
				t.Fatalf("got %d objects, want the 3 base Services (the config is local):\n%s", len(docs), stdout)
			}
			byName := docsByName(docs)
			assertFields(t, "web (LoadBalancer)", byName["web"], map[string]any{
				"spec.sessionAffinity":                               "ClientIP",
				"spec.sessionAffinityConfig.clientIP.timeoutSeconds": tc.timeout,
				"spec.externalTrafficPolicy":                         "Local",
				annPersistence:                                       tc.persistence,
				annScheduler:                                         "wrr",
			})
			assertFields(t, "admin (NodePort)", byName["admin"], map[string]any{
				"spec.sessionAffinity":                               "ClientIP",
				"spec.sessionAffinityConfig.clientIP.timeoutSeconds": tc.timeout,
				"spec.externalTrafficPolicy":                         "Local",
				"metadata.annotations":                               absent,
			})
			assertFields(t, "api (unlabelled)", byName["api"], map[string]any{
				"spec.type":                  "LoadBalancer",
				"spec.sessionAffinity":       absent,
				"spec.sessionAffinityConfig": absent,
				"spec.externalTrafficPolicy": absent,
				"metadata.annotations":       absent,
			})
		})
	}
}
