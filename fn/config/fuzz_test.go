package config

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzDecode: any functionConfig must decode to valid settings or to errors, never a panic.
func FuzzDecode(f *testing.F) {
	configs, _ := filepath.Glob("../../testdata/*/config.yaml")
	for _, path := range append(configs, "../../function-config.yaml") {
		if b, err := os.ReadFile(path); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		rn, err := yaml.Parse(string(in))
		if err != nil {
			return
		}
		c, errs := Decode(rn.YNode(), Origin{})
		if len(errs) > 0 {
			return
		}
		if !ClientIPTimeout.Contains(c.ClientIPTimeoutSeconds) || c.Selector == nil || (c.Mode != Mutate && c.Mode != Validate) {
			t.Errorf("accepted config out of range: %+v", c)
		}
		if p := c.Provider.Persistence; p != nil {
			if _, err := p.InUnit(c.PersistenceTimeoutSeconds); err != nil {
				t.Errorf("accepted persistence %d: %v", c.PersistenceTimeoutSeconds, err)
			}
		}
	})
}

// FuzzSelector: a selector the config accepts must mean the same after a round trip through
// its own string form.
func FuzzSelector(f *testing.F) {
	for _, s := range []string{"", "a=b", "a in (x,y),!d", "app!=web,tier notin (a)", "x", "a==b", "a in (", "é=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cm := &yaml.Node{Kind: yaml.MappingNode}
		for _, kv := range [][2]string{{"apiVersion", "v1"}, {"kind", "ConfigMap"}} {
			cm.Content = append(cm.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: kv[0]},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: kv[1]})
		}
		data := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "selector"},
			{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s},
		}}
		cm.Content = append(cm.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "data"}, data)
		c, errs := Decode(cm, Origin{})
		if len(errs) > 0 {
			return
		}
		again, err := labels.Parse(c.Selector.String())
		if err != nil || again.String() != c.Selector.String() {
			t.Errorf("selector %q: %q does not parse back (%v)", s, c.Selector.String(), err)
		}
	})
}
