package config

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// decode decodes s as a functionConfig: its keys are named as keys.
func decode(t *testing.T, s string) (Config, []*Error) {
	t.Helper()
	return decodeFrom(t, s, Origin{})
}

// decodeFrom decodes s as a config whose values came from origin.
func decodeFrom(t *testing.T, s string, origin Origin) (Config, []*Error) {
	t.Helper()
	if s == "" {
		return Decode(nil, origin)
	}
	rn, err := yaml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return Decode(rn.YNode(), origin)
}

func TestDecodeValid(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		check    func(Config) bool
	}{
		{"absent means defaults", "", func(c Config) bool {
			return c.Provider.Name == "alibaba" && c.ClientIPTimeoutSeconds == 10800 && c.PersistenceTimeoutSeconds == 1800 &&
				c.Mode == Mutate && !c.PromoteToLoadBalancer && c.Selector.String() == DefaultSelector
		}},
		{"empty object means defaults", "{}", func(c Config) bool { return c.ClientIPTimeoutSeconds == 10800 }},
		{"ConfigMap without data means defaults", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\n",
			func(c Config) bool { return c.PersistenceTimeoutSeconds == 1800 }},
		{"ConfigMap strings, as kpt sends them", `apiVersion: v1
kind: ConfigMap
metadata:
  name: function-input
  annotations:
    config.kubernetes.io/local-config: "true"
    internal.config.kubernetes.io/path: fn-config.yaml
data:
  selector: "app in (web,api),!legacy"
  provider: "alibaba-nlb"
  clientIPTimeoutSeconds: "600"
  mode: "validate"
  promoteToLoadBalancer: "true"
`, func(c Config) bool {
			return c.Provider.Name == "alibaba-nlb" && c.ClientIPTimeoutSeconds == 600 && !c.PersistenceSet &&
				c.Mode == Validate && c.PromoteToLoadBalancer && c.Selector.String() == "app in (api,web),!legacy"
		}},
		{"typed form with its own types", `apiVersion: fn.kpt.dev/v1alpha1
kind: SetSessionAffinity
metadata: {name: sticky}
selector: tier=edge
clientIPTimeoutSeconds: 3600
persistenceTimeoutSeconds: 3600
promoteToLoadBalancer: false
`, func(c Config) bool {
			return c.ClientIPTimeoutSeconds == 3600 && c.PersistenceTimeoutSeconds == 3600 && c.Selector.String() == "tier=edge"
		}},
		{"typed structured selector", `apiVersion: fn.kpt.dev/v1alpha1
kind: SetSessionAffinity
selector:
  matchLabels: {app: web}
  matchExpressions:
  - {key: tier, operator: NotIn, values: [batch]}
  - {key: sticky, operator: Exists}
`, func(c Config) bool { return c.Selector.String() == "app=web,sticky,tier notin (batch)" }},
		{"an empty selector selects every Service", "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nselector: \"\"\n",
			func(c Config) bool { return c.Selector.Empty() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, errs := decode(t, tc.in)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if !tc.check(c) {
				t.Errorf("config %+v does not hold what the case expects", c)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: function-input}\ndata:\n"
	const typed = "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: sticky}\n"
	for _, tc := range []struct {
		name, in string
		want     []string // "path: message"
	}{
		{"unknown kind", "apiVersion: example.com/v1\nkind: StickySessions\n",
			[]string{`kind: functionConfig: unsupported kind "StickySessions" (apiVersion "example.com/v1"); allowed: ConfigMap (v1) or SetSessionAffinity (fn.kpt.dev/v1alpha1)`}},
		{"wrong version of the typed form", "apiVersion: fn.kpt.dev/v1\nkind: SetSessionAffinity\n",
			[]string{`kind: functionConfig: unsupported kind "SetSessionAffinity" (apiVersion "fn.kpt.dev/v1"); allowed: ConfigMap (v1) or SetSessionAffinity (fn.kpt.dev/v1alpha1)`}},
		{"not an object", "[a, b]\n", []string{"functionConfig: functionConfig: must be an object: a ConfigMap or a fn.kpt.dev/v1alpha1 SetSessionAffinity"}},
		{"unknown key in data", cm + "  timeoutSeconds: \"5\"\n",
			[]string{"data.timeoutSeconds: timeoutSeconds: unknown key; allowed selector, provider, clientIPTimeoutSeconds, persistenceTimeoutSeconds, mode, promoteToLoadBalancer"}},
		{"unknown key in the typed form", typed + "timeoutSecondz: 5\n",
			[]string{"timeoutSecondz: timeoutSecondz: unknown key; allowed selector, provider, clientIPTimeoutSeconds, persistenceTimeoutSeconds, mode, promoteToLoadBalancer"}},
		{"both forms mixed", typed + "data:\n  mode: validate\n",
			[]string{"data: data: unknown key; allowed selector, provider, clientIPTimeoutSeconds, persistenceTimeoutSeconds, mode, promoteToLoadBalancer"}},
		{"unknown ConfigMap field", cm + "  mode: validate\nbinaryData: {}\n",
			[]string{"binaryData: binaryData: unknown field in a ConfigMap config; allowed apiVersion, kind, metadata, data"}},
		{"data not a map", "apiVersion: v1\nkind: ConfigMap\ndata: [a]\n", []string{"data: data: must be a map of strings"}},
		{"not a number", cm + "  clientIPTimeoutSeconds: \"3h\"\n",
			[]string{`data.clientIPTimeoutSeconds: clientIPTimeoutSeconds: "3h" is not a whole number; want an integer, 1..86400`}},
		{"out of range", cm + "  clientIPTimeoutSeconds: \"0\"\n",
			[]string{"data.clientIPTimeoutSeconds: clientIPTimeoutSeconds: 0 is out of range; allowed 1..86400"}},
		{"above the Kubernetes maximum", typed + "clientIPTimeoutSeconds: 86401\n",
			[]string{"clientIPTimeoutSeconds: clientIPTimeoutSeconds: 86401 is out of range; allowed 1..86400"}},
		{"persistence range of the provider", typed + "provider: alibaba\npersistenceTimeoutSeconds: 99999\n",
			[]string{"persistenceTimeoutSeconds: persistenceTimeoutSeconds: 99999 is out of range; allowed 1..3600 for provider alibaba"}},
		{"persistence no provider takes, under auto", typed + "persistenceTimeoutSeconds: 99999\n",
			[]string{"persistenceTimeoutSeconds: persistenceTimeoutSeconds: 99999 fits no provider's range; allowed by provider: alibaba 1..3600; huawei"}},
		{"a string where the typed form wants an integer", typed + "clientIPTimeoutSeconds: \"600\"\n",
			[]string{`clientIPTimeoutSeconds: clientIPTimeoutSeconds: got a string "600"; want an integer, 1..86400`}},
		{"a string where the typed form wants a boolean", typed + "promoteToLoadBalancer: \"yes\"\n",
			[]string{`promoteToLoadBalancer: promoteToLoadBalancer: got a string "yes"; want true or false`}},
		{"a ConfigMap boolean that is not true or false", cm + "  promoteToLoadBalancer: \"yes\"\n",
			[]string{`data.promoteToLoadBalancer: promoteToLoadBalancer: "yes" is not allowed; allowed true, false`}},
		{"unknown provider", cm + "  provider: \"ibm\"\n",
			[]string{`data.provider: provider: "ibm" is not supported; allowed auto, alibaba, alibaba-nlb, aws, azure, generic, gke, huawei`}},
		{"persistence for a provider without one", typed + "provider: gke\npersistenceTimeoutSeconds: 600\n",
			[]string{"persistenceTimeoutSeconds: persistenceTimeoutSeconds: provider gke has no load-balancer persistence timeout; remove the key"}},
		{"persistence not in whole minutes", typed + "provider: huawei\npersistenceTimeoutSeconds: 90\n",
			[]string{"persistenceTimeoutSeconds: persistenceTimeoutSeconds: 90 is not a whole number of minutes; allowed 60..3600 in whole minutes (1..60 minutes) for provider huawei"}},
		{"persistence above the provider's minutes", cm + "  provider: huawei\n  persistenceTimeoutSeconds: \"7200\"\n",
			[]string{"data.persistenceTimeoutSeconds: persistenceTimeoutSeconds: 7200 is out of range; allowed 60..3600 in whole minutes (1..60 minutes) for provider huawei"}},
		{"unknown mode", typed + "mode: fix\n",
			[]string{`mode: mode: "fix" is not allowed; allowed mutate, validate`}},
		{"invalid selector", cm + "  selector: \"app in (web\"\n",
			[]string{"data.selector: selector: \"app in (web\" is not a valid label selector"}},
		{"invalid label value in the selector", typed + "selector: {matchLabels: {app: \"a b\"}}\n",
			[]string{"selector: selector: matchLabels.app: values[0][app]: Invalid value: \"a b\""}},
		{"unknown selector operator", typed + "selector: {matchExpressions: [{key: a, operator: Has}]}\n",
			[]string{`selector: selector: matchExpressions[0].operator: "Has" is not allowed; allowed In, NotIn, Exists, DoesNotExist`}},
		{"selector values that are not strings", typed + "selector: {matchExpressions: [{key: a, operator: In, values: [1]}]}\n",
			[]string{`selector: selector: matchExpressions[0].values: [0]: want a string, got an integer "1"`}},
		{"a selector key that is a list", typed + "selector: {matchExpressions: [{key: [tier], operator: Exists}]}\n",
			[]string{"selector: selector: matchExpressions[0].key: want a string, got a list"}},
		{"metadata that is not an object", "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: 5\n",
			[]string{`metadata: metadata: must be an object, got an integer "5"`}},
		{"unknown selector field", typed + "selector: {matchLabel: {a: b}}\n",
			[]string{`selector: selector: unknown field "matchLabel"; allowed matchLabels, matchExpressions`}},
		{"a map where a ConfigMap wants a string", cm + "  mode: {a: b}\n",
			[]string{"data.mode: mode: got a map; want mutate or validate"}},
		{"several problems are all reported", cm + "  mode: fix\n  provider: ibm\n",
			[]string{`data.mode: mode: "fix" is not allowed; allowed mutate, validate`, `data.provider: provider: "ibm" is not supported`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := decode(t, tc.in)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tc.want))
			}
			for i, e := range errs {
				if got := e.Path + ": " + e.Error(); !strings.HasPrefix(got, tc.want[i]) {
					t.Errorf("error %d:\n got %s\nwant %s", i, got, tc.want[i])
				}
			}
		})
	}
}

func TestForService(t *testing.T) {
	annotations := map[string]string{}
	get := func(k string) (string, bool) { v, ok := annotations[k]; return v, ok }
	c := Default()

	annotations[ClientIPTimeoutAnnotation] = "600"
	annotations[PersistenceTimeoutAnnotation] = "60"
	got, errs := c.ForService(provider.Alibaba, get)
	if len(errs) > 0 || got.ClientIPTimeoutSeconds != 600 || got.PersistenceTimeoutSeconds != 60 {
		t.Errorf("overrides not applied: %+v %v", got, errs)
	}
	if c.ClientIPTimeoutSeconds != DefaultClientIPTimeoutSeconds {
		t.Error("ForService changed the config it was called on")
	}

	delete(annotations, PersistenceTimeoutAnnotation)
	got, errs = c.ForService(provider.Huawei, get)
	if len(errs) > 0 || got.Provider.Name != "huawei" || got.PersistenceTimeoutSeconds != 1800 {
		t.Errorf("provider of the Service: %+v %v", got, errs)
	}
	c.PersistenceTimeoutSeconds = 90
	if _, errs = c.ForService(provider.Huawei, get); len(errs) != 1 || errs[0].Path != "metadata.annotations["+PersistenceTimeoutAnnotation+"]" {
		t.Errorf("a config persistence the Service's provider cannot take must be an error naming the annotation that fixes it, got %v", errs)
	}
	c = Default()

	annotations[ClientIPTimeoutAnnotation] = " 600"
	annotations[PersistenceTimeoutAnnotation] = "3601"
	_, errs = c.ForService(provider.Alibaba, get)
	want := []string{
		`metadata.annotations[session-affinity.kpt.dev/client-ip-timeout-seconds]: annotation session-affinity.kpt.dev/client-ip-timeout-seconds: " 600" is not a whole number; allowed 1..86400`,
		`metadata.annotations[session-affinity.kpt.dev/persistence-timeout-seconds]: annotation session-affinity.kpt.dev/persistence-timeout-seconds: 3601 is out of range; allowed 1..3600 for provider alibaba`,
	}
	if len(errs) != 2 {
		t.Fatalf("got %v, want 2 errors", errs)
	}
	for i, e := range errs {
		if got := e.Path + ": " + e.Error(); got != want[i] {
			t.Errorf("got  %s\nwant %s", got, want[i])
		}
	}
}

// TestPersistenceUnderAuto: with provider auto the key is checked against every provider's range
// at decode time (a value no provider takes is an error), and against each Service's provider
// by ForService.
func TestPersistenceUnderAuto(t *testing.T) {
	for _, tc := range []struct{ value, err string }{
		{"90", ""},
		{"600", ""},
		{"3601", "persistenceTimeoutSeconds: 3601 fits no provider's range; allowed by provider: alibaba 1..3600; huawei 60..3600"},
		{"x", `persistenceTimeoutSeconds: "x" is not a whole number`},
	} {
		c, errs := decode(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {persistenceTimeoutSeconds: \""+tc.value+"\"}\n")
		switch {
		case tc.err == "" && len(errs) > 0:
			t.Errorf("%s: %v", tc.value, errs)
		case tc.err != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), tc.err)):
			t.Errorf("%s: got %v, want %s", tc.value, errs, tc.err)
		case tc.err == "" && !c.ProviderAuto:
			t.Errorf("%s: provider auto is the default", tc.value)
		}
	}
	c, _ := decode(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {persistenceTimeoutSeconds: \"90\"}\n")
	none := func(string) (string, bool) { return "", false }
	if _, errs := c.ForService(provider.Alibaba, none); len(errs) != 0 {
		t.Errorf("90 seconds suit alibaba: %v", errs)
	}
	if _, errs := c.ForService(provider.Huawei, none); len(errs) != 1 || !strings.Contains(errs[0].Msg, "90 is not a whole number of minutes") {
		t.Errorf("90 seconds do not suit huawei, and a Service resolving to it must say so: %v", errs)
	}
	if _, errs := c.ForService(provider.AWS, none); len(errs) != 0 {
		t.Errorf("a Service whose provider has no persistence timeout ignores the key: %v", errs)
	}
}

// TestErrorsNameTheOrigin: a value from a flag is named as the flag, one from a --config file by
// the file and key, one from a functionConfig by its key (Where empty, Path names it).
func TestErrorsNameTheOrigin(t *testing.T) {
	cm := func(data string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {" + data + "}\n"
	}
	flags := func(keys ...string) Origin {
		o := Origin{Plain: true, Flags: map[string]bool{}}
		for _, k := range keys {
			o.Flags[k] = true
		}
		return o
	}
	file := func(o Origin) Origin { o.File = "cfg.yaml"; return o }
	for _, tc := range []struct {
		name, in    string
		origin      Origin
		where, path string
	}{
		{"flag", cm(`clientIPTimeoutSeconds: "100000"`), flags("clientIPTimeoutSeconds"),
			"--client-ip-timeout-seconds 100000", "data.clientIPTimeoutSeconds"},
		{"file", cm(`mode: fix`), file(flags()), "--config cfg.yaml data.mode", "data.mode"},
		{"file key, flag on top", cm(`mode: fix`), file(flags("mode")), "--mode fix", "data.mode"},
		{"functionConfig", cm(`mode: fix`), Origin{}, "", "data.mode"},
		{"provider without persistence, from a flag", cm(`provider: aws, persistenceTimeoutSeconds: "60"`), flags("provider", "persistenceTimeoutSeconds"),
			"--persistence-timeout-seconds 60", "data.persistenceTimeoutSeconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs := decodeFrom(t, tc.in, tc.origin)
			if len(errs) != 1 {
				t.Fatalf("errors %v, want one", errs)
			}
			if errs[0].Where != tc.where || errs[0].Path != tc.path {
				t.Errorf("Where %q, Path %q; want %q, %q (%s)", errs[0].Where, errs[0].Path, tc.where, tc.path, errs[0].Msg)
			}
		})
	}
	_, errs := decodeFrom(t, cm(`provider: aws, persistenceTimeoutSeconds: "60"`), flags("provider", "persistenceTimeoutSeconds"))
	if len(errs) != 1 || !strings.HasSuffix(errs[0].Msg, "drop --persistence-timeout-seconds") {
		t.Errorf("a provider mismatch on a flag must advise dropping the flag: %v", errs)
	}
	_, errs = decode(t, "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nprovider: aws\npersistenceTimeoutSeconds: 60\n")
	if len(errs) != 1 || !strings.HasSuffix(errs[0].Msg, "remove the key persistenceTimeoutSeconds") {
		t.Errorf("in a functionConfig, remove the key: %v", errs)
	}
}

// oldOriginAnnotations are what fn/cli once wrote on the config it built to say where its values
// came from; on a functionConfig they are annotations like any other.
const oldOriginAnnotations = `{internal.session-affinity.kpt.dev/plain: "true", internal.session-affinity.kpt.dev/config-file: cfg.yaml,
    internal.session-affinity.kpt.dev/flags: "clientIPTimeoutSeconds,promoteToLoadBalancer"}`

// TestOriginIsNotReadFromTheConfig: a functionConfig carrying the annotations fn/cli once used
// to mark its config is still a functionConfig; its keys are named as keys, never as flags or a
// --config file. Before, Decode read the origin from those annotations.
func TestOriginIsNotReadFromTheConfig(t *testing.T) {
	in := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: " + oldOriginAnnotations +
		"\ndata: {clientIPTimeoutSeconds: \"100000\"}\n"
	c, errs := decode(t, in)
	if len(errs) != 1 {
		t.Fatalf("errors %v, want one", errs)
	}
	if errs[0].Where != "" || errs[0].Path != "data.clientIPTimeoutSeconds" {
		t.Errorf("Where %q, Path %q; want the key named by its path", errs[0].Where, errs[0].Path)
	}
	if c.Origin.Plain || c.Origin.File != "" || len(c.Origin.Flags) != 0 {
		t.Errorf("origin %+v, want the zero Origin's", c.Origin)
	}
	if knob := c.Origin.Knob("promoteToLoadBalancer", "true"); knob != "promoteToLoadBalancer: true" {
		t.Errorf("advice names %q, want the key", knob)
	}
}

// TestOnePersistencePath: the config key and the per-Service annotation are parsed and checked
// by the same code, so they refuse the same values in the same words.
func TestOnePersistencePath(t *testing.T) {
	for _, v := range []string{"90", "30", "x", "7200"} {
		_, keyErrs := decode(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {provider: huawei, persistenceTimeoutSeconds: \""+v+"\"}\n")
		cfg := Default()
		huawei, _ := provider.Lookup("huawei")
		_, annErrs := cfg.ForService(huawei, func(key string) (string, bool) { return v, key == PersistenceTimeoutAnnotation })
		if len(keyErrs) != 1 || len(annErrs) != 1 {
			t.Fatalf("%q: key errors %v, annotation errors %v; want one each", v, keyErrs, annErrs)
		}
		if !strings.Contains(keyErrs[0].Msg, annErrs[0].Msg) && !strings.Contains(annErrs[0].Msg, keyErrs[0].Msg) {
			t.Errorf("%q: the key says %q, the annotation %q", v, keyErrs[0].Msg, annErrs[0].Msg)
		}
	}
}
