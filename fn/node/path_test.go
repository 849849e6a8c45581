package node

import (
	"fmt"
	"testing"
)

// Every path is written in the API server's notation; a key that a dot would split is written in
// brackets, so that fn/cli finds the field again.
func TestPathString(t *testing.T) {
	var p Path
	for _, tc := range []struct {
		path Path
		want string
	}{
		{nil, ""},
		{p.Key("spec"), "spec"},
		{p.Key("spec").Key("ports").Index(0).Key("name"), "spec.ports[0].name"},
		{p.Index(2).Key("a"), "[2].a"},
		{p.Key("metadata").Key("labels").Key("app.kubernetes.io/name"), "metadata.labels[app.kubernetes.io/name]"},
		{p.Key("metadata").Key("annotations").Key("example.com/x"), "metadata.annotations[example.com/x]"},
		{p.Key("a").Key(""), "a[]"},
		{p.Key("x y"), "[x y]"},
	} {
		if got := tc.path.String(); got != tc.want {
			t.Errorf("%v.String() = %q, want %q", tc.path, got, tc.want)
		}
	}
}

// PathField, PathKey and PathIndex write what a walk's Path writes, from a path already written.
func TestFieldKeyIndex(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{PathField("", "spec"), "spec"},
		{PathField("spec", "selector"), "spec.selector"},
		{PathField("spec.selector", "sessionAffinity"), "spec.selector.sessionAffinity"},
		{PathField("metadata.labels", "app.kubernetes.io/name"), "metadata.labels[app.kubernetes.io/name]"},
		{PathField("", "a/b"), "[a/b]"},
		{PathKey("metadata.labels", "app"), "metadata.labels[app]"},
		{PathKey("metadata.annotations", "example.com/x"), "metadata.annotations[example.com/x]"},
		{PathIndex("spec.ports", 3), "spec.ports[3]"},
		{PathField(PathIndex("items", 0), "spec"), "items[0].spec"},
		{PathIndex("", 1), "[1]"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// PathSteps reads back what the formatters write: every step, a key holding dots or slashes
// whole.
func TestPathStepsReadsBackWhatIsWritten(t *testing.T) {
	var p Path
	for _, tc := range []struct {
		path string
		want []string
	}{
		{AnnotationPath("example.com/x"), []string{"metadata", "annotations", "example.com/x"}},
		{LabelPath("app"), []string{"metadata", "labels", "app"}},
		{p.Key("spec").Key("ports").Index(0).Key("nodePort").String(), []string{"spec", "ports", "0", "nodePort"}},
		{p.Key("metadata").Key("labels").Key("app.kubernetes.io/name").String(), []string{"metadata", "labels", "app.kubernetes.io/name"}},
		{PathField(PathIndex("items", 2), "spec"), []string{"items", "2", "spec"}},
		{"a[unclosed", []string{"a", "unclosed"}},
		{"", nil},
	} {
		if got := PathSteps(tc.path); fmt.Sprint(got) != fmt.Sprint(tc.want) || len(got) != len(tc.want) {
			t.Errorf("PathSteps(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
