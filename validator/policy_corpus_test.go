package validator_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// policyService is one Service the admission policy proof judges: a manifest as written (with a
// name of its own, so that the function's results and the server's answers are told apart), and
// where it came from.
type policyService struct {
	origin    string // e.g. testdata/provider-aws input, property alibaba defaults, listgen, corpus/x
	name      string
	namespace string // as written; "" means default
	manifest  []byte
	node      *yaml.Node // the manifest, parsed
}

func (s policyService) requestNamespace() string {
	if s.namespace == "" {
		return "default"
	}
	return s.namespace
}

func (s policyService) id() string {
	return fmt.Sprintf("%s: Service %s/%s", s.origin, s.requestNamespace(), s.name)
}

// listgenItems is how many items of internal/listgen's realistic list the proof takes (a fifth of
// them are Services).
const listgenItems = 2000

// policyCorpus gathers every Service the proof judges, each once: the goldens' inputs and
// outputs (testdata/, examples/), the property test's generated lists, a realistic listgen list,
// extra generated Services for the rules the property lists do not reach (other providers'
// annotations, per-Service overrides, unsupported types), and the real-manifest corpus
// (corpus/*/rendered.yaml) when it exists. Duplicates (the same manifest apart from its name)
// count once.
func policyCorpus(t *testing.T) []policyService {
	t.Helper()
	var out []policyService
	seen := map[string]bool{}
	add := func(origin string, manifest []byte) {
		var doc yaml.Node
		if err := yaml.Unmarshal(manifest, &doc); err != nil || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
			return
		}
		obj := doc.Content[0]
		meta := goldens.Lookup(obj, "metadata")
		if meta == nil || meta.Kind != yaml.MappingNode {
			return // not an object the server decodes into a Service
		}
		setScalar(meta, "name", "x")
		key := string(encodeNode(t, obj))
		if seen[key] {
			return
		}
		seen[key] = true
		name := fmt.Sprintf("p%d", len(out))
		setScalar(meta, "name", name)
		ns := ""
		if v := goldens.Lookup(meta, "namespace"); v != nil && v.Kind == yaml.ScalarNode {
			ns = v.Value
		}
		out = append(out, policyService{origin: origin, name: name, namespace: ns, manifest: encodeNode(t, obj), node: obj})
	}
	addList := func(origin string, list []byte) {
		services, err := goldens.Services(list)
		if err != nil {
			return // bad-input cases are not ResourceLists
		}
		for _, s := range services {
			add(origin, s.Manifest)
		}
	}
	for _, c := range goldenCases(t) {
		addList(c.Name+" input", c.Input)
		if c.Expected != nil {
			addList(c.Name+" output", c.Expected)
		}
	}
	seed := propertySeed(t)
	for k, pc := range propertyConfigs {
		addList("property "+pc.name, newServiceGen(seed+uint64(k)).resourceList(servicesPerConfig, pc.config))
	}
	addList("listgen", listgenList(t, listgenItems))
	g := newServiceGen(seed + 1000)
	for i := range extraServices {
		add("generated for the policy", marshal(t, g.policyService(i)))
	}
	for _, file := range corpusFiles(t) {
		for _, doc := range splitDocuments(t, file) {
			add(corpusOrigin(file), doc)
		}
	}
	return out
}

// extraServices is how many Services policyService adds to the property lists' Services.
const extraServices = 600

// corpusFiles are the real-world manifests (corpus/<name>/rendered.yaml), when the repository has
// them.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "corpus", "*", "rendered.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// corpusOrigin names a corpus file as the repository does: corpus/<name>/rendered.yaml.
func corpusOrigin(file string) string {
	rel, err := filepath.Rel(repoRoot, file)
	if err != nil {
		return filepath.ToSlash(file)
	}
	return filepath.ToSlash(rel)
}

// splitDocuments returns the v1 Services of a multi-document YAML file (also the items of a
// kind: List), each as its own document.
func splitDocuments(t *testing.T, file string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(doc.Content) != 1 {
			continue
		}
		objs := []*yaml.Node{doc.Content[0]}
		if items := goldens.Lookup(doc.Content[0], "items"); items != nil && items.Kind == yaml.SequenceNode {
			objs = items.Content
		}
		for _, obj := range objs {
			if goldens.Scalar(obj, "apiVersion") == "v1" && goldens.Scalar(obj, "kind") == "Service" {
				out = append(out, encodeNode(t, obj))
			}
		}
	}
	return out
}

// listgenList runs internal/listgen (in the function's module) for a realistic ResourceList.
func listgenList(t *testing.T, n int) []byte {
	t.Helper()
	cmd := exec.Command("go", "run", "./internal/listgen/cmd/listgen", fmt.Sprint(n))
	cmd.Dir = repoRoot
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("listgen: %v\n%s", err, stderr.Bytes())
	}
	return out
}

// policyService decorates a property-test Service with what the property lists lack: the other
// providers' annotations, per-Service override annotations, load balancer classes, ExternalName
// and headless Services, and a few fields given explicitly as zero.
func (g *serviceGen) policyService(i int) map[string]any {
	svc := g.service(i)
	meta := svc["metadata"].(map[string]any)
	spec := svc["spec"].(map[string]any)
	a := meta["annotations"].(map[string]any)
	ports := spec["ports"].([]any)
	port := ports[0].(map[string]any)["port"].(int)
	switch pick(g, "aws", "huawei", "azure", "nlb", "overrides", "types", "listeners", "none") {
	case "aws":
		if g.chance(0.6) {
			a["service.beta.kubernetes.io/aws-load-balancer-type"] = pick(g, "external", "nlb-ip", "nlb")
		}
		if g.chance(0.4) {
			a["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] = pick(g, "ip", "instance")
		}
		if g.chance(0.5) {
			a["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"] = pick(g,
				"stickiness.enabled=true,stickiness.type=source_ip",
				"deregistration_delay.timeout_seconds=30, stickiness.enabled=true,stickiness.type=source_ip",
				"stickiness.enabled=false", "preserve_client_ip.enabled=true", "broken", "a=1,,b=2", " ")
		}
		if g.chance(0.2) {
			spec["loadBalancerClass"] = "service.k8s.aws/nlb"
		}
		meta["annotations"] = a
	case "huawei":
		if g.chance(0.6) {
			a["kubernetes.io/elb.session-affinity-mode"] = pick(g, "SOURCE_IP", "HTTP_COOKIE")
		}
		if g.chance(0.6) {
			a["kubernetes.io/elb.session-affinity-option"] = pick(g,
				`{"persistence_timeout": "30"}`, `{"persistence_timeout": 30}`, `{"persistence_timeout":"30","x":1}`,
				`{"a": true, "persistence_timeout": "30"}`, `{"persistence_timeout": "10"}`, `persistence_timeout: 30`, `{}`)
		}
		if g.chance(0.2) {
			a["kubernetes.io/elb.lb-algorithm"] = pick(g, "SOURCE_IP", "ROUND_ROBIN")
		}
	case "azure":
		if g.chance(0.7) {
			a["service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout"] = pick(g, "4", "30", "31", "3", "x", "+10", "010")
		}
	case "nlb":
		if g.chance(0.5) {
			spec["loadBalancerClass"] = pick(g, "alibabacloud.com/nlb", "service.k8s.aws/nlb")
		}
		if g.chance(0.4) {
			a[alibabaPrefix+"protocol-port"] = pick(g, fmt.Sprintf("TCP:%d", port), fmt.Sprintf("tcpssl:%d", port), fmt.Sprintf("HTTP:%d", port))
		}
	case "overrides":
		if g.chance(0.5) {
			a["session-affinity.kpt.dev/provider"] = pick(g, "alibaba", "aws", "huawei", "generic", "gke", "nope")
		}
		if g.chance(0.4) {
			a["session-affinity.kpt.dev/client-ip-timeout-seconds"] = pick(g, "3600", "10800", "0", "86401", "x", "+60", "0600")
		}
		if g.chance(0.4) {
			a["session-affinity.kpt.dev/persistence-timeout-seconds"] = pick(g, "600", "1800", "90", "0", "4000", "y")
		}
	case "types":
		switch pick(g, "ExternalName", "headless", "noports") {
		case "ExternalName":
			spec["type"] = "ExternalName"
			spec["externalName"] = "db.example.com"
			delete(spec, "externalTrafficPolicy")
			delete(spec, "healthCheckNodePort")
			for _, p := range ports {
				delete(p.(map[string]any), "nodePort")
			}
		case "headless":
			spec["clusterIP"] = "None"
			spec["type"] = "ClusterIP"
			for _, k := range []string{"externalTrafficPolicy", "healthCheckNodePort", "loadBalancerSourceRanges", "allocateLoadBalancerNodePorts", "loadBalancerClass"} {
				delete(spec, k)
			}
			for _, p := range ports {
				delete(p.(map[string]any), "nodePort")
			}
		case "noports":
			spec["loadBalancerIP"] = pick(g, "", "10.1.2.3")
		}
	case "listeners":
		a[alibabaPrefix+"protocol-port"] = pick(g,
			fmt.Sprintf("tcp:%d", port), fmt.Sprintf("http:%d", port), fmt.Sprintf("https:%d,tcp:%d", port, port),
			fmt.Sprintf("tcp:%d,https:%d", port, port), "tcp", fmt.Sprintf("TCP:%d", port), fmt.Sprintf("udp:%d, tcp:%d", port, port),
			"tcp:1,http:2", fmt.Sprintf("foo:1,tcp:%d", port))
		if g.chance(0.3) {
			a[legacyPrefix+"scheduler"] = "wrr"
		}
	}
	if len(a) == 0 {
		delete(meta, "annotations")
	}
	return svc
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodeNode(t *testing.T, n *yaml.Node) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// setScalar sets key to a string in m, in place (every occurrence, if the key is duplicated).
func setScalar(m *yaml.Node, key, value string) {
	found := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
			found = true
		}
	}
	if !found {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value})
	}
}

// resourceList wraps the Services in a ResourceList with the config as a ConfigMap.
func policyResourceList(t *testing.T, services []policyService, config map[string]string) []byte {
	t.Helper()
	items := &yaml.Node{Kind: yaml.SequenceNode}
	for _, s := range services {
		items.Content = append(items.Content, s.node)
	}
	data := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range slices.Sorted(maps.Keys(config)) {
		data.Content = append(data.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: config[k], Style: yaml.DoubleQuotedStyle})
	}
	str := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	fc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("apiVersion"), str("v1"), str("kind"), str("ConfigMap"),
		str("metadata"), {Kind: yaml.MappingNode, Content: []*yaml.Node{str("name"), str("config")}},
		str("data"), data,
	}}
	list := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("apiVersion"), str("config.kubernetes.io/v1"), str("kind"), str("ResourceList"),
		str("items"), items, str("functionConfig"), fc,
	}}
	return encodeNode(t, list)
}

// byName indexes the function's findings on the Services by name (names are unique here).
func byName(findings []goldens.Finding) map[string][]goldens.Finding {
	out := map[string][]goldens.Finding{}
	for _, f := range findings {
		out[f.Name] = append(out[f.Name], f)
	}
	return out
}

func errorPaths(findings []goldens.Finding) []string {
	var out []string
	for _, f := range goldens.Errors(findings) {
		out = append(out, f.Path)
	}
	return out
}

// origins counts Services by where they came from, for the summary.
func origins(services []policyService) string {
	counts := map[string]int{}
	for _, s := range services {
		o := s.origin
		switch {
		case strings.HasPrefix(o, "testdata/"), strings.HasPrefix(o, "examples/"):
			o = "goldens"
		case strings.HasPrefix(o, "property "):
			o = "property lists"
		case strings.HasPrefix(o, "corpus/"):
			o = "corpus"
		}
		counts[o]++
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// TestCorpusDocuments: the Services of a rendered corpus file are found, also inside a List, and
// nothing else is (the corpus itself comes from another branch; this keeps its reading honest
// before it lands).
func TestCorpusDocuments(t *testing.T) {
	file := filepath.Join(t.TempDir(), "rendered.yaml")
	content := `# Source: chart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
# Source: chart/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: listed}
- apiVersion: serving.knative.dev/v1
  kind: Service
  metadata: {name: knative}
---
`
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, doc := range splitDocuments(t, file) {
		var n yaml.Node
		if err := yaml.Unmarshal(doc, &n); err != nil {
			t.Fatal(err)
		}
		names = append(names, goldens.Scalar(goldens.Lookup(n.Content[0], "metadata"), "name"))
	}
	if want := []string{"web", "listed"}; !slices.Equal(names, want) {
		t.Errorf("Services found %v, want %v", names, want)
	}
}
