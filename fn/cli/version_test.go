package cli

import (
	"runtime/debug"
	"testing"
)

// TestVersionWithoutLdflags: a plain `go build` or `go install module@version` sets no -ldflags
// version; --version then prints what the toolchain recorded instead of "dev".
func TestVersionWithoutLdflags(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	for _, tc := range []struct {
		name    string
		ldflags string
		info    *debug.BuildInfo
		want    string
	}{
		{"-ldflags wins", "v0.2.0", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.2.0"},
		{"go install module@version: the module version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.0"}}, "v0.1.0"},
		{"a pseudo-version", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.1.1-0.20261206215600-badd30a1b2c3"}}, "v0.1.1-0.20261206215600-badd30a1b2c3"},
		{"go build in a clean clone: the revision", "dev", vcs("badd30a1b2c3d4e5f6", "false"), "dev-badd30a1b2c3"},
		{"go build with local changes: +dirty", "", vcs("badd30a1b2c3d4e5f6", "true"), "dev-badd30a1b2c3+dirty"},
		{"no VCS stamp (-buildvcs=false)", "dev", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"no build info", "dev", nil, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionFrom(tc.ldflags, tc.info, tc.info != nil); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
