package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/sticky-services/set-session-affinity/internal/listgen"
)

// input is one generated list on disk.
type input struct {
	n         int
	path      string // the ResourceList
	size      int64  // its bytes
	kustomize string // a kustomization over the same objects, when N is small enough for kustomize
}

// writeInput generates the list of n items into dir, and the kustomization when asked.
func writeInput(dir string, n int, withKustomize bool) (input, error) {
	in := input{n: n, path: filepath.Join(dir, fmt.Sprintf("list-%d.yaml", n))}
	list := listgen.Generate(n)
	in.size = int64(len(list))
	if err := os.WriteFile(in.path, list, 0o644); err != nil {
		return in, err
	}
	if !withKustomize {
		return in, nil
	}
	in.kustomize = filepath.Join(dir, fmt.Sprintf("kustomize-%d", n))
	if err := os.MkdirAll(in.kustomize, 0o755); err != nil {
		return in, err
	}
	if err := os.WriteFile(filepath.Join(in.kustomize, "resources.yaml"), listgen.Resources(n), 0o644); err != nil {
		return in, err
	}
	return in, os.WriteFile(filepath.Join(in.kustomize, "kustomization.yaml"), []byte(kustomization), 0o644)
}

// kustomization does with a labelSelector patch what the function does to a selected
// LoadBalancer Service with the default config, without any of its checks.
const kustomization = `resources:
- resources.yaml
patches:
- target:
    version: v1
    kind: Service
    labelSelector: session-affinity.kpt.dev/sticky=true
  patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: any
      annotations:
        service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"
        service.beta.kubernetes.io/alibaba-cloud-loadbalancer-scheduler: wrr
    spec:
      sessionAffinity: ClientIP
      sessionAffinityConfig:
        clientIP:
          timeoutSeconds: 10800
      externalTrafficPolicy: Local
`
