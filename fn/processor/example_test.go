package processor_test

import (
	"fmt"
	"os"

	"github.com/sticky-services/set-session-affinity/fn/processor"
)

// A labelled NodePort Service gets ClientIP affinity and Local traffic; the Deployment beside it
// comes back as it was. Results follow the items, ending with the summary.
func ExampleRun() {
	in := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    labels: {session-affinity.kpt.dev/sticky: "true"}
  spec:
    type: NodePort
    ports: [{port: 80}] # one port
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  data: {clientIPTimeoutSeconds: "600"}
`
	code := processor.Run([]byte(in), processor.StreamOptions{}, os.Stdout, os.Stderr)
	fmt.Println("--- exit code", code)
	// Output:
	// apiVersion: config.kubernetes.io/v1
	// kind: ResourceList
	// items:
	// - apiVersion: v1
	//   kind: Service
	//   metadata:
	//     name: web
	//     labels: {session-affinity.kpt.dev/sticky: "true"}
	//   spec:
	//     type: NodePort
	//     ports: [{port: 80}] # one port
	//     sessionAffinity: ClientIP
	//     sessionAffinityConfig:
	//       clientIP:
	//         timeoutSeconds: 600
	//     externalTrafficPolicy: Local
	// - apiVersion: apps/v1
	//   kind: Deployment
	//   metadata: {name: web}
	// functionConfig:
	//   apiVersion: v1
	//   kind: ConfigMap
	//   data: {clientIPTimeoutSeconds: "600"}
	// results:
	// - message: 'provider alibaba, assumed: the Service has no loadBalancerClass or annotation of a known load balancer controller; to choose another, set annotation session-affinity.kpt.dev/provider or provider: NAME'
	//   severity: info
	//   resourceRef:
	//     apiVersion: v1
	//     kind: Service
	//     name: web
	//   tags:
	//     function: set-session-affinity
	// - message: 'set to "ClientIP": kube-proxy keeps each client IP on one pod'
	//   severity: info
	//   resourceRef:
	//     apiVersion: v1
	//     kind: Service
	//     name: web
	//   field:
	//     path: spec.sessionAffinity
	//     proposedValue: ClientIP
	//   tags:
	//     function: set-session-affinity
	// - message: 'set to 600: how long kube-proxy remembers a client''s pod'
	//   severity: info
	//   resourceRef:
	//     apiVersion: v1
	//     kind: Service
	//     name: web
	//   field:
	//     path: spec.sessionAffinityConfig.clientIP.timeoutSeconds
	//     proposedValue: 600
	//   tags:
	//     function: set-session-affinity
	// - message: 'set to "Local": keeps the client IP, which Cluster replaces with a node address, so affinity keys on the real client'
	//   severity: info
	//   resourceRef:
	//     apiVersion: v1
	//     kind: Service
	//     name: web
	//   field:
	//     path: spec.externalTrafficPolicy
	//     proposedValue: Local
	//   tags:
	//     function: set-session-affinity
	// - message: 'with Local, a node without a ready pod of this Service drops the traffic sent to its node port: send clients only to nodes that run a pod, or use a LoadBalancer, whose health checks skip such nodes'
	//   severity: warning
	//   resourceRef:
	//     apiVersion: v1
	//     kind: Service
	//     name: web
	//   field:
	//     path: spec.externalTrafficPolicy
	//   tags:
	//     function: set-session-affinity
	// - message: 'provider auto (assumed alibaba: 1), mode mutate: 1 Service updated, 0 already compliant, 0 not selected (skipped), 0 failed'
	//   severity: info
	//   tags:
	//     function: set-session-affinity
	// --- exit code 0
}
