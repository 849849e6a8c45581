package node

import "testing"

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
		{Path{"items[1]"}.Key("metadata"), "items[1].metadata"},
	} {
		if got := tc.path.String(); got != tc.want {
			t.Errorf("%q.String() = %q, want %q", []string(tc.path), got, tc.want)
		}
	}
}
