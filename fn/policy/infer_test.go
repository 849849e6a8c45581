package policy

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
	"github.com/sticky-services/set-session-affinity/fn/rules"
)

// TestInferenceFromTheSignalTable: variables.provider is computed from provider.Signals (every
// class and prefix appears, each family once), the config's provider is named only when the config
// names one, and the two inference denials come before every other validation, in the function's
// words.
func TestInferenceFromTheSignalTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config map[string]string
		named  string // the fallback of variables.named
	}{
		{"auto", nil, `""`},
		{"explicit auto", map[string]string{"provider": "auto"}, `""`},
		{"aws", map[string]string{"provider": "aws"}, `"aws"`},
		{"generic", map[string]string{"provider": "generic"}, `"generic"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol, _, err := Build(configFor(t, tc.config), Options{})
			if err != nil {
				t.Fatal(err)
			}
			spec := pol.Spec.(PolicySpec)
			vars := map[string]string{}
			for _, v := range spec.Variables {
				vars[v.Name] = v.Expression
			}
			for _, s := range provider.Signals {
				text := s.Class
				if text == "" {
					text = `k.startsWith("` + s.Prefix + `")`
					if !strings.Contains(vars[familyVar(s.Family)], text) {
						t.Errorf("variable %s lacks %s", familyVar(s.Family), text)
					}
					continue
				}
				if !strings.Contains(vars["signals"], `"`+s.Class+`": "`+s.Provider+`"`) {
					t.Errorf("signals lack class %s -> %s", s.Class, s.Provider)
				}
			}
			if got := strings.Count(vars["signals"], "+\n") + 1; got != len(provider.Families()) {
				t.Errorf("signals joins %d families; want %d", got, len(provider.Families()))
			}
			if !strings.HasSuffix(vars["named"], ": "+tc.named) {
				t.Errorf("named = %s; want the config's %s when the Service names none", vars["named"], tc.named)
			}
			for _, name := range provider.Names() {
				if !strings.Contains(vars["families"], `"`+name+`": "`+provider.FamilyOf(name)+`"`) {
					t.Errorf("families lack %s", name)
				}
			}
			vs := spec.Validations
			if len(vs) < 2 || !strings.Contains(vs[0].MessageExpression, q(rules.WhyOneController)) || vs[1].Expression != "variables.agrees" {
				t.Fatalf("the conflict and contradiction denials must come first: %+v", vs[:2])
			}
			wantBy := `""`
			if tc.named != `""` {
				wantBy = q("the config (provider: " + strings.Trim(tc.named, `"`) + ")")
			}
			if !strings.Contains(vs[1].MessageExpression, `? "annotation `+config.ProviderAnnotation+`" : `+wantBy) {
				t.Errorf("the contradiction names the wrong source: %s", vs[1].MessageExpression)
			}
		})
	}
}
