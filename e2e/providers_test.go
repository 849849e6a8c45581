package e2e

import (
	"os"
	"path/filepath"
	"testing"
)

// providerCase is one provider's end-to-end run: a LoadBalancer Service carrying what the
// provider's controller needs to handle it, and the fields the function must set.
type providerCase struct {
	provider string
	metadata string // extra annotation lines, indented for metadata.annotations
	spec     string // extra spec lines
	want     map[string]any
}

var stickyCore = map[string]any{
	"spec.sessionAffinity":                               "ClientIP",
	"spec.sessionAffinityConfig.clientIP.timeoutSeconds": 3600,
	"spec.externalTrafficPolicy":                         "Local",
}

func with(extra map[string]any) map[string]any {
	m := map[string]any{}
	for k, v := range stickyCore {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var providerCases = []providerCase{
	{provider: "alibaba", want: with(map[string]any{annPersistence: "1800", annScheduler: "wrr"})},
	{provider: "alibaba-nlb", spec: "  loadBalancerClass: alibabacloud.com/nlb\n",
		want: with(map[string]any{annPersistence: absent, annScheduler: absent})},
	{provider: "aws", metadata: "    service.beta.kubernetes.io/aws-load-balancer-type: external\n",
		want: with(map[string]any{"metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "stickiness.enabled=true,stickiness.type=source_ip"})},
	{provider: "gke", want: with(map[string]any{annPersistence: absent})},
	{provider: "azure", metadata: "    service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout: \"10\"\n", want: with(nil)},
	{provider: "huawei", want: with(map[string]any{
		"metadata.annotations.kubernetes.io/elb.session-affinity-mode":   "SOURCE_IP",
		"metadata.annotations.kubernetes.io/elb.session-affinity-option": `{"persistence_timeout":"30"}`,
	})},
	{provider: "generic", want: with(map[string]any{annPersistence: absent})},
}

func (pc providerCase) service() string {
	return "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    session-affinity.kpt.dev/sticky: \"true\"\n" +
		"  annotations:\n    team: web\n" + pc.metadata +
		"spec:\n  type: LoadBalancer\n" + pc.spec + "  ports:\n  - port: 443\n"
}

// TestProviders runs every provider once through kpt fn eval (ConfigMap from key=value) and once
// through kustomize (typed config).
func TestProviders(t *testing.T) {
	trackSources()
	for _, pc := range providerCases {
		t.Run("kpt/"+pc.provider, func(t *testing.T) {
			pkg := t.TempDir()
			writeFile(t, filepath.Join(pkg, "Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n")
			writeFile(t, filepath.Join(pkg, "service.yaml"), pc.service())
			out, code := runKpt(t, pkg, "fn", "eval", pkg, "--exec", fnBin, "--", "provider="+pc.provider, "clientIPTimeoutSeconds=3600")
			if code != 0 {
				t.Fatalf("kpt fn eval exited %d:\n%s", code, out)
			}
			assertFields(t, pc.provider, readYAMLDocs(t, readFile(t, filepath.Join(pkg, "service.yaml")))[0], pc.want)
		})
		t.Run("kustomize/"+pc.provider, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources: [service.yaml]\ntransformers: [sticky.yaml]\n")
			writeFile(t, filepath.Join(dir, "service.yaml"), pc.service())
			writeFile(t, filepath.Join(dir, "sticky.yaml"), "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata:\n  name: sticky\n"+
				"  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: "+fnBin+"\n"+
				"provider: "+pc.provider+"\nclientIPTimeoutSeconds: 3600\n")
			stdout, stderr, code := runKustomize(t, dir)
			if code != 0 {
				t.Fatalf("kustomize build exited %d:\n%s%s", code, stdout, stderr)
			}
			assertFields(t, pc.provider, readYAMLDocs(t, stdout)[0], pc.want)
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestProviderInferredThroughKustomize: a kustomize transformer config without provider: each
// Service of another cloud or a bare-metal controller gets its own provider's stickiness, named
// by its own annotations or class, and no Alibaba annotation (issue 17, symptom 1).
func TestProviderInferredThroughKustomize(t *testing.T) {
	trackSources()
	noAlibaba := map[string]any{annPersistence: absent, annScheduler: absent}
	for _, pc := range []providerCase{
		{provider: "aws", metadata: "    service.beta.kubernetes.io/aws-load-balancer-type: external\n",
			want: with(map[string]any{annPersistence: absent, "metadata.annotations.service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "stickiness.enabled=true,stickiness.type=source_ip"})},
		{provider: "gke", metadata: "    networking.gke.io/load-balancer-type: Internal\n", want: with(noAlibaba)},
		{provider: "huawei", metadata: "    kubernetes.io/elb.class: union\n", want: with(map[string]any{annPersistence: absent,
			"metadata.annotations.kubernetes.io/elb.session-affinity-mode": "SOURCE_IP"})},
		{provider: "kube-vip", spec: "  loadBalancerClass: kube-vip.io/kube-vip-class\n", want: with(noAlibaba)},
		{provider: "openelb", metadata: "    lb.kubesphere.io/v1alpha1: openelb\n", want: with(noAlibaba)},
	} {
		t.Run(pc.provider, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "kustomization.yaml"), "resources: [service.yaml]\ntransformers: [sticky.yaml]\n")
			writeFile(t, filepath.Join(dir, "service.yaml"), pc.service())
			writeFile(t, filepath.Join(dir, "sticky.yaml"), "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata:\n  name: sticky\n"+
				"  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: "+fnBin+"\n"+
				"clientIPTimeoutSeconds: 3600\n")
			stdout, stderr, code := runKustomize(t, dir)
			if code != 0 {
				t.Fatalf("kustomize build exited %d:\n%s%s", code, stdout, stderr)
			}
			assertFields(t, pc.provider, readYAMLDocs(t, stdout)[0], pc.want)
		})
	}
}
