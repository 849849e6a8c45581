package provider

// Proxy is an annotation that puts a proxying load balancer in front of the Service: the proxy
// opens the connections to the nodes or pods, so kube-proxy's ClientIP affinity keys on the
// proxy's address, not the client's, and the load balancer's own affinity is what counts.
type Proxy struct {
	Key string
	// JSONTrue, when set, is a field of the annotation's JSON object that must be true for the
	// annotation to put the proxy in front ("" means any value does).
	JSONTrue string
}

// gkeProxies are the Service annotations that make a GKE Service the backend of a Google Cloud
// application load balancer (GCE Ingress): `cloud.google.com/neg: '{"ingress": true}'` for
// container-native load balancing, and `cloud.google.com/backend-config` (or its older
// `beta.cloud.google.com/backend-config`), which names the BackendConfig whose sessionAffinity
// (affinityType CLIENT_IP or GENERATED_COOKIE) sets the load balancer's affinity. Sources: GKE
// "Ingress configuration on Google Cloud" (BackendConfig: session affinity) and "Container-native
// load balancing through Ingress" (cloud.google.com/kubernetes-engine/docs/how-to/).
var gkeProxies = []Proxy{
	{Key: "cloud.google.com/neg", JSONTrue: "ingress"},
	{Key: "cloud.google.com/backend-config"},
	{Key: "beta.cloud.google.com/backend-config"},
}

// gkeProxyAdvice is what the owner of a Service behind GKE's proxies should know.
const gkeProxyAdvice = "this Service backs a Google Cloud application load balancer (GCE Ingress), whose proxies open the connections, so ClientIP affinity keys on Google's proxy addresses, not the real client; the load balancer's own affinity is set by a BackendConfig's sessionAffinity (affinityType CLIENT_IP or GENERATED_COOKIE), named by cloud.google.com/backend-config"
