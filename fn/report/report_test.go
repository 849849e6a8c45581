package report

import (
	"strings"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// SubjectOf names an object as yaml.v3 reads it: metadata that arrives through an alias or a merge
// key names it too.
func TestSubjectOfReadsThroughAliases(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web, namespace: shop}\n", "v1/ConfigMap/shop/web"},
		{"metadata by alias", "x: &md {name: web, namespace: shop}\napiVersion: v1\nkind: ConfigMap\nmetadata: *md\n", "v1/ConfigMap/shop/web"},
		{"name by merge key", "x: &md {name: web}\napiVersion: v1\nkind: ConfigMap\nmetadata: {<<: *md, namespace: shop}\n", "v1/ConfigMap/shop/web"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			ref := SubjectOf(rn.YNode()).Ref
			if ref == nil {
				t.Fatal("no reference")
			}
			if got := ref.APIVersion + "/" + ref.Kind + "/" + ref.Namespace + "/" + ref.Name; got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestSummaryCountsProviders: with Services of several providers the summary names each and how
// many had it, the assumed default apart; with one provider named by the config it names that one.
func TestSummaryCountsProviders(t *testing.T) {
	auto := config.Default()
	aws := config.Default()
	aws.Provider, aws.ProviderAuto = provider.AWS, false
	var mixed Counts
	for _, p := range []struct {
		name    string
		assumed bool
	}{{"aws", false}, {"gke", false}, {"aws", false}, {"alibaba", true}} {
		var c Counts
		c.AddProvider(p.name, p.assumed)
		c.Updated++
		mixed.Add(c)
	}
	var onlyAWS Counts
	onlyAWS.AddProvider("aws", false)
	for _, tc := range []struct {
		cfg    config.Config
		counts Counts
		want   string
	}{
		{auto, mixed, "provider auto (assumed alibaba: 1, aws: 2, gke: 1), mode mutate: 4 Services updated"},
		{auto, Counts{}, "provider auto, mode mutate: 0 Services updated"},
		{aws, onlyAWS, "provider aws, mode mutate: 0 Services updated"},
		{aws, mixed, "provider aws (assumed alibaba: 1, aws: 2, gke: 1), mode mutate: 4 Services updated"},
	} {
		if got := Summary(tc.counts, tc.cfg).Message; !strings.HasPrefix(got, tc.want) {
			t.Errorf("got  %s\nwant %s...", got, tc.want)
		}
	}
}

// TestAResultWithALineBreakIsOneStderrLine (found by FuzzRun): a kind read from a multi-line
// scalar put its line break in the stderr line, so one error made two lines.
func TestAResultWithALineBreakIsOneStderrLine(t *testing.T) {
	var b strings.Builder
	results := fn.Results{{Severity: fn.Error, Message: "bad", ResourceRef: &fn.ResourceRef{Kind: "a\nb\rc"}}}
	if err := WriteLines(&b, results, fn.Error); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); strings.Count(got, "\n") != 1 || strings.Contains(got, "\r") || !strings.Contains(got, `a\nb\rc`) {
		t.Errorf("stderr %q; want one line with the breaks escaped", got)
	}
}
