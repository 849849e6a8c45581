package cli

import "runtime/debug"

// fullVersion is what --version prints: the -ldflags version when the build set one (make, the
// Dockerfile), else what the Go toolchain recorded: the module version for `go install
// module@vX.Y.Z`; for a plain `go build` in a clone, the pseudo-version Go 1.24 and later derive
// from the commit (v0.0.0-<time>-<revision>, +dirty with local changes), or, when only the VCS
// settings were stamped, dev-<revision>[+dirty].
func fullVersion(ldflags string) string {
	info, ok := debug.ReadBuildInfo()
	return versionFrom(ldflags, info, ok)
}

func versionFrom(ldflags string, info *debug.BuildInfo, ok bool) string {
	if ldflags != "" && ldflags != "dev" {
		return ldflags
	}
	if !ok || info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if revision == "" {
		return "dev"
	}
	return "dev-" + revision[:min(12, len(revision))] + dirty
}
