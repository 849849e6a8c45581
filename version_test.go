package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The places that name the function's release, as docs/releasing.md lists them. Each pattern's
// first group is the version as that place writes it; plain marks a version written without "v"
// (Helm plugin versions are bare semver).
var versionPlaces = []struct {
	what    string
	pattern *regexp.Regexp
	plain   bool
}{
	{"an image tag", regexp.MustCompile(`set-session-affinity:(v[0-9][0-9A-Za-z.+-]*)`), false},
	{"a go install", regexp.MustCompile(`set-session-affinity@(v[0-9][0-9A-Za-z.+-]*)`), false},
	{"the Argo CD plugin's name", regexp.MustCompile(`set-session-affinity-(v[0-9][0-9A-Za-z.+-]*)`), false},
	{"the Makefile's IMAGE", regexp.MustCompile(`(?m)^IMAGE \?= \S+:(v\S+)$`), false},
	{"the schema's FunctionVersion", regexp.MustCompile(`FunctionVersion = "(v[^"]+)"`), false},
	{"the Argo CD plugin's spec.version", regexp.MustCompile(`(?m)^  version: (v\S+)$`), false},
	{"the Helm plugin's version", regexp.MustCompile(`(?m)^version: ([0-9]\S*)$`), true},
}

// versionFiles are the files that may name the release: the repository's text files, without
// the real-world corpus (other projects' manifests) and the pinned tools.
func versionFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	skip := map[string]bool{".git": true, "bin": true, "corpus": true, "tools": true, "testdata": true}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && skip[d.Name()]:
			return filepath.SkipDir
		case d.IsDir() || strings.HasSuffix(path, ".sum") || strings.HasSuffix(path, "go.mod") || strings.HasSuffix(path, "_test.go"):
			return nil
		case strings.HasSuffix(path, "Chart.yaml") || strings.HasPrefix(path, filepath.Join("examples", "helm-post-renderer", "expected")):
			return nil // the example chart's own version
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestVersionsAgree: every place that names the function's release names the same one, the
// newest release in CHANGELOG.md; a release bumps them all at once (docs/releasing.md).
func TestVersionsAgree(t *testing.T) {
	changelog, err := os.ReadFile("CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[([0-9][^\]]*)\]`).FindSubmatch(changelog)
	if m == nil {
		t.Fatal("CHANGELOG.md names no release (## [X.Y.Z] - date)")
	}
	release := "v" + string(m[1])
	found := map[string]int{}
	for _, path := range versionFiles(t) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, place := range versionPlaces {
			for _, v := range place.pattern.FindAllSubmatch(b, -1) {
				got := strings.TrimRight(string(v[1]), ".,;:")
				if place.plain {
					got = "v" + got
				}
				found[place.what]++
				if got != release {
					t.Errorf("%s names %s in %s, want %s (the newest release in CHANGELOG.md)", path, got, place.what, release)
				}
			}
		}
	}
	for _, place := range versionPlaces {
		if found[place.what] == 0 {
			t.Errorf("no file names the release as %s: the pattern no longer matches, so it checks nothing", place.what)
		}
	}
}
