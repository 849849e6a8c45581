package selection

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func parseObject(t *testing.T, text string) *yaml.Node {
	t.Helper()
	rn, err := yaml.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return rn.YNode()
}

func service(meta string) string {
	return "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n" + meta
}

// TestNearMissesAreWarnedOptOutsAreNot: a label that a small edit would make the selector select
// is a near miss (the path names it); a value that says no, a negative requirement the object
// fails, local configuration and an unrelated label are choices, and draw nothing.
func TestNearMissesAreWarnedOptOutsAreNot(t *testing.T) {
	const def = "session-affinity.kpt.dev/sticky=true"
	for _, tc := range []struct {
		name, selector, meta string
		want                 []string // paths warned of, in order
	}{
		{"key typo", def, "  labels: {session-affinity.kpt.dev/stickey: \"true\"}\n", []string{"metadata.labels[session-affinity.kpt.dev/stickey]"}},
		{"prefix typo", def, "  labels: {session-afinity.kpt.dev/sticky: \"true\"}\n", []string{"metadata.labels[session-afinity.kpt.dev/sticky]"}},
		{"key without prefix", def, "  labels: {sticky: \"true\"}\n", []string{"metadata.labels[sticky]"}},
		{"key in other case", def, "  labels: {Session-Affinity.kpt.dev/Sticky: \"true\"}\n", []string{"metadata.labels[Session-Affinity.kpt.dev/Sticky]"}},
		{"key typo with a no", def, "  labels: {session-affinity.kpt.dev/stickey: \"false\"}\n", nil},
		{"value True", def, "  labels: {session-affinity.kpt.dev/sticky: \"True\"}\n", []string{"metadata.labels[session-affinity.kpt.dev/sticky]"}},
		{"value yes", def, "  labels: {session-affinity.kpt.dev/sticky: \"yes\"}\n", []string{"metadata.labels[session-affinity.kpt.dev/sticky]"}},
		{"value with a space", def, "  labels: {session-affinity.kpt.dev/sticky: \"true \"}\n", []string{"metadata.labels[session-affinity.kpt.dev/sticky]"}},
		{"value ture", def, "  labels: {session-affinity.kpt.dev/sticky: \"ture\"}\n", []string{"metadata.labels[session-affinity.kpt.dev/sticky]"}},
		{"value false is an opt-out", def, "  labels: {session-affinity.kpt.dev/sticky: \"false\"}\n", nil},
		{"value off is an opt-out", def, "  labels: {session-affinity.kpt.dev/sticky: \"off\"}\n", nil},
		{"label as annotation", def, "  annotations: {session-affinity.kpt.dev/sticky: \"true\"}\n", []string{"metadata.annotations[session-affinity.kpt.dev/sticky]"}},
		{"unrelated labels", def, "  labels: {app: web}\n", nil},
		{"per-Service annotation on an unselected Service", def, "  annotations: {session-affinity.kpt.dev/client-ip-timeout-seconds: \"60\"}\n",
			[]string{"metadata.annotations[session-affinity.kpt.dev/client-ip-timeout-seconds]"}},
		{"local config", def, "  labels: {session-affinity.kpt.dev/sticky: \"True\"}\n  annotations: {config.kubernetes.io/local-config: \"true\"}\n", nil},
		{"custom selector value case", "tier=edge", "  labels: {tier: Edge}\n", []string{"metadata.labels[tier]"}},
		{"custom selector, default label", "tier=edge", "  labels: {session-affinity.kpt.dev/sticky: \"true\"}\n", nil},
		{"excluded on purpose", "tier!=db,session-affinity.kpt.dev/sticky=true", "  labels: {tier: db, session-affinity.kpt.dev/sticky: \"true\"}\n", nil},
		{"one requirement met, one near", "tier=edge,session-affinity.kpt.dev/sticky=true", "  labels: {tier: edge, session-affinity.kpt.dev/sticky: \"True\"}\n",
			[]string{"metadata.labels[session-affinity.kpt.dev/sticky]"}},
		{"one near, one far: no fix selects it", "tier=edge,session-affinity.kpt.dev/sticky=true", "  labels: {tier: core, session-affinity.kpt.dev/sticky: \"True\"}\n", nil},
		{"exists requirement, key typo", "session-affinity.kpt.dev/sticky", "  labels: {session-affinity.kpt.dev/stiky: \"\"}\n", []string{"metadata.labels[session-affinity.kpt.dev/stiky]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := labels.Parse(tc.selector)
			if err != nil {
				t.Fatal(err)
			}
			obj := parseObject(t, service(tc.meta))
			if Selected(obj, sel) {
				t.Fatal("the case's object is selected")
			}
			var got []string
			for _, m := range Misses(obj, sel) {
				got = append(got, m.Path)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("warned of %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUnknownAnnotationNamesTheKeyItLikelyMeant: a key of ours the function does not read is
// warned of with the nearest key it reads, when there is one near enough.
func TestUnknownAnnotationNamesTheKeyItLikelyMeant(t *testing.T) {
	sel, _ := labels.Parse("session-affinity.kpt.dev/sticky=true")
	for _, tc := range []struct{ key, meant string }{
		{"session-affinity.kpt.dev/client-ip-timeout", "did you mean session-affinity.kpt.dev/client-ip-timeout-seconds?"},
		{"session-affinity.kpt.dev/persistence-timeout-second", "did you mean session-affinity.kpt.dev/persistence-timeout-seconds?"},
		{"session-affinity.kpt.dev/providr", "did you mean session-affinity.kpt.dev/provider?"},
		{"session-affinity.kpt.dev/whatever-else", ""},
		{"session-affinity.kpt.dev/skip", "session-affinity.kpt.dev/skip is a label: move it to metadata.labels"},
		{"session-affinity.kpt.dev/skipp", "session-affinity.kpt.dev/skip is a label: move it to metadata.labels"},
	} {
		obj := parseObject(t, service("  annotations: {"+tc.key+": \"1\"}\n"))
		misses := UnknownAnnotations(obj, sel)
		if len(misses) != 1 || misses[0].Path != "metadata.annotations["+tc.key+"]" {
			t.Fatalf("%s: got %+v, want one warning for it", tc.key, misses)
		}
		if got := misses[0].Message; tc.meant != "" && !strings.Contains(got, tc.meant) || tc.meant == "" && strings.Contains(got, "did you mean") {
			t.Errorf("%s: %q, want it to say %q", tc.key, got, tc.meant)
		}
	}
	known := parseObject(t, service("  annotations: {session-affinity.kpt.dev/client-ip-timeout-seconds: \"60\", session-affinity.kpt.dev/sticky: \"true\"}\n"))
	if misses := UnknownAnnotations(known, sel); len(misses) != 0 {
		t.Errorf("keys the function reads (or the selector's) are warned of: %+v", misses)
	}
}

// TestLabelledNonCoreServiceIsWarned: an object of kind Service that is not a core v1 Service is
// warned of when its labels select it or nearly do, with the fix for its apiVersion; unlabelled,
// it is another controller's business.
func TestLabelledNonCoreServiceIsWarned(t *testing.T) {
	sel, _ := labels.Parse("session-affinity.kpt.dev/sticky=true")
	const sticky = "metadata:\n  name: s\n  labels: {session-affinity.kpt.dev/sticky: \"true\"}\n"
	for _, tc := range []struct{ name, obj, want string }{
		{"no apiVersion", "kind: Service\n" + sticky, "write apiVersion: v1"},
		{"apiVersion V1", "apiVersion: V1\nkind: Service\n" + sticky, "write apiVersion: v1"},
		{"Knative", "apiVersion: serving.knative.dev/v1\nkind: Service\n" + sticky, "a serving.knative.dev/v1 Service is not a core v1 Service"},
		{"Knative, near miss", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  labels: {session-affinity.kpt.dev/sticky: \"True\"}\n", "not a core v1 Service"},
		{"Knative, unlabelled", "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: s}\n", ""},
		{"core Service", "apiVersion: v1\nkind: Service\n" + sticky, ""},
		{"a Deployment", "apiVersion: apps/v1\nkind: Deployment\n" + sticky, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			misses := NotCore(parseObject(t, tc.obj), sel)
			switch {
			case tc.want == "" && len(misses) != 0:
				t.Errorf("warned: %+v", misses)
			case tc.want != "" && (len(misses) != 1 || misses[0].Path != "apiVersion" || !strings.Contains(misses[0].Message, tc.want)):
				t.Errorf("got %+v, want one warning at apiVersion saying %q", misses, tc.want)
			}
		})
	}
}
