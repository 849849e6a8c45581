// Package listgen generates realistic ResourceLists for benchmarks and tests, deterministically:
// the same n gives the same bytes on every machine and Go version (it uses its own PCG seed and
// no map iteration). The mix is what kpt sends for a large package: about half Deployments with
// long pod templates, 30% ConfigMaps (some with scripts in block scalars), 20% Services (most
// opted in, some with the vendor article's misplaced keys), head, line and tail comments, mixed
// quoting, and kpt's path and index annotations on every item. 10,000 items are about 22 MB.
package listgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Generate returns a ResourceList of n items with a ConfigMap functionConfig, as kpt writes it.
func Generate(n int) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	g := newGen()
	for i := 0; i < n; i++ {
		b.WriteString(g.item(i, true))
	}
	b.WriteString("functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: function-input\n    annotations:\n      config.kubernetes.io/local-config: \"true\"\n  data:\n    persistenceTimeoutSeconds: \"1800\"\n")
	return []byte(b.String())
}

// Resources returns the same n objects as a multi-document YAML stream, as they sit in a
// package's files (without kpt's annotations), for kustomize.
func Resources(n int) []byte {
	var b strings.Builder
	g := newGen()
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		b.WriteString(outdent(g.item(i, false)))
	}
	return []byte(b.String())
}

// outdent turns one `- ` list entry back into a document.
func outdent(item string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(item, "\n") {
		switch {
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "  "):
			b.WriteString(line[2:])
		default:
			b.WriteString(line)
		}
	}
	return b.String()
}

type gen struct {
	r    *rand.Rand
	rest string // the part of the current item after its annotations
}

func newGen() *gen { return &gen{r: rand.New(rand.NewPCG(2026, 6))} }

func (g *gen) pick(options ...string) string { return options[g.r.IntN(len(options))] }
func (g *gen) chance(p float64) bool         { return g.r.Float64() < p }

var apps = []string{"checkout", "cart", "catalog", "payments", "search", "auth", "profile", "orders", "inventory", "shipping"}
var namespaces = []string{"shop", "platform", "edge", "data"}

func (g *gen) item(i int, kpt bool) string {
	app := apps[g.r.IntN(len(apps))]
	ns := namespaces[g.r.IntN(len(namespaces))]
	name := fmt.Sprintf("%s-%d", app, i)
	file := fmt.Sprintf("%s/%s.yaml", ns, app)
	var body string
	switch roll := g.r.IntN(10); {
	case roll < 2:
		body = g.service(name, ns, app)
	case roll < 5:
		body = g.configMap(name, ns, app)
	default:
		body = g.deployment(name, ns, app)
	}
	var b strings.Builder
	if g.chance(0.3) {
		fmt.Fprintf(&b, "- # %s: owned by the %s team\n  ", name, app)
	} else {
		b.WriteString("- ")
	}
	if kpt {
		b.WriteString(body + kptAnnotations(i, file))
	} else {
		b.WriteString(strings.TrimSuffix(body, "    annotations:\n"))
	}
	b.WriteString(g.rest)
	if g.chance(0.05) {
		b.WriteString("  # end of " + file + "\n")
	}
	g.rest = ""
	return b.String()
}

// kptAnnotations are what kpt 1.0 adds to every item (seen with a tee exec function).
func kptAnnotations(i int, file string) string {
	return fmt.Sprintf(`      config.kubernetes.io/index: '%[1]d'
      config.kubernetes.io/path: '%[2]s'
      internal.config.kubernetes.io/index: '%[1]d'
      internal.config.kubernetes.io/path: '%[2]s'
      internal.config.kubernetes.io/seqindent: 'compact'
      internal.config.kubernetes.io/annotations-migration-resource-id: '%[3]d'
      internal.config.kubernetes.io/id: '%[4]d'
      config.k8s.io/id: '%[4]d'
`, i%7, file, i, i+1)
}

// Each kind writes its header up to `annotations:` (the kpt annotations follow) and leaves the
// rest of the object in g.rest.
func (g *gen) header(apiVersion, kind, name, ns, app string) string {
	return fmt.Sprintf("apiVersion: %s\n  kind: %s\n  metadata:\n    name: %s\n    namespace: %s\n    labels:\n      app.kubernetes.io/name: %s\n      app.kubernetes.io/part-of: \"shop\"\n    annotations:\n",
		apiVersion, kind, name, ns, app)
}

func (g *gen) service(name, ns, app string) string {
	h := strings.Replace(g.header("v1", "Service", name, ns, app), "    annotations:\n", "", 1)
	if g.chance(0.7) {
		h += "      session-affinity.kpt.dev/sticky: \"true\" # opted in\n"
	}
	h += "    annotations:\n"
	var b strings.Builder
	b.WriteString("  spec:\n")
	switch g.r.IntN(4) {
	case 0:
		b.WriteString("    type: LoadBalancer\n")
	case 1:
		b.WriteString("    type: NodePort\n")
	case 2:
		b.WriteString("    type: 'LoadBalancer'\n    externalTrafficPolicy: Cluster\n")
	}
	fmt.Fprintf(&b, "    selector:\n      app.kubernetes.io/name: %s\n", app)
	if g.chance(0.15) {
		b.WriteString("      sessionAffinity: ClientIP # the vendor article puts it here\n")
	}
	b.WriteString("    ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n      protocol: TCP\n")
	if g.chance(0.3) {
		b.WriteString("    - name: metrics\n      port: 9090\n      targetPort: \"metrics\"\n")
	}
	g.rest = b.String()
	return h
}

func (g *gen) configMap(name, ns, app string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  data:\n    LOG_LEVEL: %s\n    FEATURE_FLAGS: \"cart-v2,search-boost\"\n    TIMEOUT: '30s'\n", g.pick("info", "debug", "warn"))
	for k := 0; k < 4; k++ {
		fmt.Fprintf(&b, "    %s_URL: http://%s.%s.svc.cluster.local:%d/api/v%d # upstream\n",
			strings.ToUpper(apps[(k+len(name))%len(apps)]), apps[(k+len(name))%len(apps)], ns, 8080+k, 1+k%3)
	}
	if g.chance(0.4) {
		b.WriteString("    entrypoint.sh: |\n      #!/bin/sh\n      # wait for the database\n      until nc -z db 5432; do sleep 1; done\n      exec /app/server --port=8080\n")
	}
	g.rest = b.String()
	return g.header("v1", "ConfigMap", name, ns, app)
}

func (g *gen) deployment(name, ns, app string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `  spec:
    replicas: %d
    revisionHistoryLimit: 5
    selector:
      matchLabels:
        app.kubernetes.io/name: %s
    strategy:
      type: RollingUpdate
      rollingUpdate: {maxSurge: 25%%, maxUnavailable: 0}
    template:
      metadata:
        labels:
          app.kubernetes.io/name: %s
          app.kubernetes.io/version: "1.%d.%d"
        annotations:
          prometheus.io/scrape: "true"
          prometheus.io/port: '9090'
      spec:
        serviceAccountName: %s
        securityContext:
          runAsNonRoot: true
          runAsUser: 65532
          fsGroup: 65532
        containers:
        - name: %s
          image: registry.example.com/shop/%s:1.%d.%d
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--metrics-port=9090", '--log-format=json']
          ports:
          - name: http
            containerPort: 8080
          - name: metrics
            containerPort: 9090
          env:
`, 1+g.r.IntN(5), app, app, g.r.IntN(20), g.r.IntN(10), app, app, app, g.r.IntN(20), g.r.IntN(10))
	for k := 0; k < 14; k++ {
		fmt.Fprintf(&b, "          - name: %s_SETTING_%d\n            value: %s\n", strings.ToUpper(app), k,
			g.pick(`"enabled"`, "'42'", "plain-value", `"https://api.example.com/v1"`, "yes-please # a trailing comment"))
	}
	b.WriteString(`          - name: POD_NAME
            valueFrom:
              fieldRef: {fieldPath: metadata.name}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits:
              cpu: "1"
              memory: 512Mi
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /livez
              port: http
            initialDelaySeconds: 10
          volumeMounts:
          - name: config
            mountPath: /etc/app
            readOnly: true
        volumes:
        - name: config
          configMap:
            name: ` + app + `-config
`)
	g.rest = b.String()
	return g.header("apps/v1", "Deployment", name, ns, app)
}
