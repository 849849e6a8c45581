package validator_test

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/validator"
)

// A Service the server creates: the shape the function writes for the alibaba provider.
const validLoadBalancer = `apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout: "1800"
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}
  selector: {app: web}
  ports: [{port: 80}]
`

// Every judge must give these answers. Expected messages are the real server's words (kube-apiserver v1.37.2, measured with
// `kubectl --dry-run=server`, less kubectl's leading "The ").
func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		namespace string
		manifest  string
		code      int
		fields    []string
		message   string // a substring of the server's message
	}{
		{name: "load balancer, Local, ClientIP", manifest: validLoadBalancer, code: 201},
		{
			name: "ClusterIP with externalTrafficPolicy",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: web-broken},
				spec: {type: ClusterIP, externalTrafficPolicy: Local, selector: {app: web, sessionAffinity: ClientIP}, ports: [{port: 80}]}}`,
			code: 422, fields: []string{"spec.externalTrafficPolicy"},
			message: `Service "web-broken" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services`,
		},
		{
			name: "nodePort and healthCheckNodePort on ClusterIP",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s},
				spec: {healthCheckNodePort: 30595, selector: {app: web}, ports: [{port: 80, nodePort: 30389}]}}`,
			code: 422, fields: []string{"spec.healthCheckNodePort", "spec.ports[0].nodePort"},
			message: "may not be used when `type` is 'ClusterIP'",
		},
		{
			name: "object under the selector",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s},
				spec: {selector: {app: web, sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}}, ports: [{port: 80}]}}`,
			code: 400, fields: []string{"spec.selector"},
			message: `Service in version "v1" cannot be handled as a Service: json: cannot unmarshal object into Go struct field ServiceSpec.spec.selector of type string`,
		},
		{
			name: "timeout out of range",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: web-timeout},
				spec: {sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 90000}}, selector: {app: web}, ports: [{port: 80}]}}`,
			code: 422, fields: []string{"spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
			message: "Invalid value: 90000: must be greater than 0 and less than 86400",
		},
		{
			name: "misplaced fields are unknown fields",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s},
				spec: {timeoutSeconds: 10800, sessionAffinityConfig: {timeoutSeconds: 10800}, selector: {app: web}, ports: [{port: 80}]}}`,
			code: 400, fields: []string{"spec.sessionAffinityConfig.timeoutSeconds", "spec.timeoutSeconds"},
			message: `strict decoding error: unknown field "spec.sessionAffinityConfig.timeoutSeconds", unknown field "spec.timeoutSeconds"`,
		},
		{
			name:     "duplicate key",
			manifest: "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: NodePort\n  type: LoadBalancer\n  ports: [{port: 80}]\n",
			code:     400, fields: []string{"type"},
			message: `key "type" already set in map`,
		},
		{
			name: "annotation value not a string",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s, annotations: {a: 1800}},
				spec: {selector: {app: web}, ports: [{port: 80}]}}`,
			code: 400, fields: []string{"metadata.annotations"},
			message: "cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string",
		},
		{
			name:     "cluster IP outside the service CIDR",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {clusterIP: 192.168.0.10, ports: [{port: 80}]}}`,
			code:     422, fields: []string{"spec.clusterIPs"},
			message: "the provided IP (192.168.0.10) is not in the valid range",
		},
		{
			name:     "the article's cluster IP is inside the service CIDR",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {clusterIP: 10.68.121.217, ports: [{port: 80}]}}`,
			code:     201,
		},
		{
			name:     "IPv6 on a single-stack IPv4 cluster",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ipFamilies: [IPv6], ports: [{port: 80}]}}`,
			code:     422, fields: []string{"spec.ipFamilies[0]"},
			message: "not configured on this cluster",
		},
		{
			name:     "the same node port twice",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]}}`,
			code:     422, fields: []string{"spec.ports[1].nodePort"},
			message: "provided port is already allocated",
		},
		{
			name:      "namespace differs from the request's",
			namespace: "other",
			manifest:  `{apiVersion: v1, kind: Service, metadata: {name: s, namespace: shop}, spec: {ports: [{port: 80}]}}`,
			code:      400,
			message:   "the namespace of the provided object does not match the namespace sent on the request",
		},
		{
			name:     "no name",
			manifest: `{apiVersion: v1, kind: Service, spec: {ports: [{port: 80}]}}`,
			code:     422, fields: []string{"metadata.name"},
			message: "name or generateName is required",
		},
		{
			name:     "ExternalName needs no ports",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: db}, spec: {type: ExternalName, externalName: db.example.com}}`,
			code:     201,
		},
		{
			name:     "headless without selector",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: db}, spec: {clusterIP: None}}`,
			code:     201,
		},
		{
			name:     "LoadBalancer without node ports and Local",
			manifest: `{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: LoadBalancer, allocateLoadBalancerNodePorts: false, externalTrafficPolicy: Local, ports: [{port: 80}]}}`,
			code:     201,
		},
	}
	for _, j := range judges() {
		for _, tt := range tests {
			t.Run(j.name()+"/"+tt.name, func(t *testing.T) {
				namespace := tt.namespace
				if namespace == "" {
					namespace = "default"
				}
				v := j.judge(t, namespace, []byte(tt.manifest))
				if v.Code != tt.code || v.Accepted != (tt.code == 201) {
					t.Fatalf("got %s; want code %d", v, tt.code)
				}
				if got := strings.Join(v.Fields(), ","); got != strings.Join(tt.fields, ",") {
					t.Errorf("fields: got %q, want %q (%s)", got, strings.Join(tt.fields, ","), v.Message)
				}
				if !strings.Contains(v.Message, tt.message) {
					t.Errorf("message: got %q, want it to contain %q", v.Message, tt.message)
				}
			})
		}
	}
}

func TestSameField(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"spec.selector", "spec.selector", true},
		{"spec.selector", "spec.selector.timeoutSeconds", true},
		{"metadata.annotations", "metadata.annotations[a.b/c]", true},
		{"spec.ports[0].nodePort", "spec.ports", true},
		{"spec.ports[0].nodePort", "spec.ports[1].nodePort", false},
		{"spec.type", "spec.typo", false},
		{"spec.selector", "spec.selectors", false},
		{"", "spec", false},
	}
	for _, tt := range tests {
		if got := validator.SameField(tt.a, tt.b); got != tt.want {
			t.Errorf("SameField(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
