package validator_test

import (
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

// An apiRule is a rule the function enforces because the API server enforces it. When the
// function reports an error that breaks one, the server must refuse the manifest, naming a field
// the function named: this holds the function to the claim in its messages ("the API server
// rejects the Service"). The function's other errors (ExternalName, an https listener, a
// load-balancer annotation on a ClusterIP Service, YAML anchors) are its own rules; the server may
// accept those manifests, and the tests count them apart.
type apiRule struct {
	name    string
	path    *regexp.Regexp
	applies func(svc goldens.Service, path string) bool
}

var anyPath = regexp.MustCompile(`.`)

var apiRules = []apiRule{
	{
		name:    "load-balancer-only field on a ClusterIP Service (ValidateService)",
		path:    regexp.MustCompile(`^spec\.(ports\[\d+\]\.nodePort|healthCheckNodePort|externalTrafficPolicy|loadBalancerSourceRanges|allocateLoadBalancerNodePorts|loadBalancerClass)$`),
		applies: loadBalancerFieldOnClusterIP,
	},
	{
		name: "load-balancer-only field on a NodePort Service (ValidateService)",
		path: regexp.MustCompile(`^spec\.(healthCheckNodePort|allocateLoadBalancerNodePorts|loadBalancerClass|loadBalancerSourceRanges)$`),
		applies: func(svc goldens.Service, path string) bool {
			return svc.Value("spec.type") != nil && svc.Value("spec.type").Value == "NodePort"
		},
	},
	{
		name:    "a Service without ports (ValidateService: spec.ports: Required value)",
		path:    regexp.MustCompile(`^spec\.ports$`),
		applies: noPorts,
	},
	{
		name:    "session affinity timeout out of range (ValidateService)",
		path:    regexp.MustCompile(`^spec\.sessionAffinityConfig\.clientIP\.timeoutSeconds$`),
		applies: timeoutOutOfRange,
	},
	{
		name:    "invalid label key or value (ValidateObjectMeta)",
		path:    regexp.MustCompile(`^metadata\.labels\[[^\]]+\]$`),
		applies: invalidLabel,
	},
	{
		name:    "invalid selector key or value (ValidateService runs ValidateLabels on spec.selector)",
		path:    regexp.MustCompile(`^spec\.selector\[[^\]]+\]$`),
		applies: invalidLabel,
	},
	{
		name: "a port without a name, or a name given twice, on a Service of several ports (ValidateService)",
		path: regexp.MustCompile(`^spec\.ports\[\d+\]\.name$`),
		applies: func(svc goldens.Service, path string) bool {
			ports := svc.Value("spec.ports")
			return ports != nil && len(ports.Content) > 1
		},
	},
	{name: "a value of the wrong JSON type (decode)", path: anyPath, applies: wrongType},
	{name: "a key given twice (strict decoding)", path: anyPath, applies: goldens.Service.Duplicated},
}

// brokenAPIRules returns, for each error finding that breaks an API rule, the rule's name.
func brokenAPIRules(svc goldens.Service, errs []goldens.Finding) map[string]string {
	broken := map[string]string{}
	for _, f := range errs {
		for _, r := range apiRules {
			if r.path.MatchString(f.Path) && r.applies(svc, f.Path) {
				broken[f.Path] = r.name
				break
			}
		}
	}
	return broken
}

func loadBalancerFieldOnClusterIP(svc goldens.Service, path string) bool {
	typ := svc.Value("spec.type")
	if typ != nil && typ.Value != "ClusterIP" {
		return false
	}
	value := svc.Value(path)
	if value == nil || goldens.JSONType(value) == "null" || value.Value == "0" {
		return false
	}
	// externalTrafficPolicy is allowed on a ClusterIP Service that has external IPs.
	if path == "spec.externalTrafficPolicy" {
		ips := svc.Value("spec.externalIPs")
		return ips == nil || len(ips.Content) == 0
	}
	return true
}

func timeoutOutOfRange(svc goldens.Service, path string) bool {
	n, ok := goldens.Int(svc.Value(path))
	return ok && (n < 1 || n > 86400)
}

// invalidLabel: the key of metadata.labels[key] or spec.selector[key] is not a qualified name, or
// its value is not a valid label value (apimachinery's checks, which ValidateObjectMeta and
// ValidateService run).
func invalidLabel(svc goldens.Service, path string) bool {
	key := path[strings.Index(path, "[")+1 : len(path)-1]
	value := svc.Value(path)
	if len(validation.IsQualifiedName(key)) > 0 {
		return true
	}
	return value != nil && goldens.JSONType(value) == "string" && len(validation.IsValidLabelValue(value.Value)) > 0
}

// stringMapEntry: values in these maps are strings for the API (map[string]string).
var stringMapEntry = regexp.MustCompile(`^(metadata\.(annotations|labels)\[[^\]]+\]|spec\.selector(\.[^.\[]+|\[[^\]]+\]))$`)

// fieldTypes are the JSON types of the Service fields the function reports on.
var fieldTypes = []struct {
	path *regexp.Regexp
	want string
}{
	{stringMapEntry, "string"},
	{regexp.MustCompile(`^(spec|metadata|metadata\.(labels|annotations)|spec\.selector|spec\.sessionAffinityConfig(\.clientIP)?)$`), "object"},
	{regexp.MustCompile(`^spec\.(ports|externalIPs|loadBalancerSourceRanges|clusterIPs|ipFamilies)$`), "array"},
	{regexp.MustCompile(`^spec\.(ports\[\d+\]\.(port|nodePort)|healthCheckNodePort|sessionAffinityConfig\.clientIP\.timeoutSeconds)$`), "number"},
	{regexp.MustCompile(`^spec\.(type|externalTrafficPolicy|internalTrafficPolicy|sessionAffinity|clusterIP|loadBalancerIP|loadBalancerClass|externalName)$`), "string"},
	{regexp.MustCompile(`^spec\.allocateLoadBalancerNodePorts$`), "boolean"},
}

// wrongType: the value at path has a JSON type its Go field cannot hold. null is fine: the
// decoder leaves the zero value.
func wrongType(svc goldens.Service, path string) bool {
	got := goldens.JSONType(svc.Value(path))
	if got == "" || got == "null" {
		return false
	}
	for _, ft := range fieldTypes {
		if ft.path.MatchString(path) {
			return got != ft.want
		}
	}
	return false
}

// noPorts: a Service that is neither ExternalName nor headless has no port.
func noPorts(svc goldens.Service, path string) bool {
	if t := svc.Value("spec.type"); t != nil && t.Value == "ExternalName" {
		return false
	}
	if ip := svc.Value("spec.clusterIP"); ip != nil && ip.Value == "None" {
		return false
	}
	ports := svc.Value(path)
	return ports == nil || goldens.JSONType(ports) == "null" || goldens.JSONType(ports) == "array" && len(ports.Content) == 0
}
