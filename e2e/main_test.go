// Package e2e runs the set-session-affinity function through the real
// orchestrators: kpt (from PATH) and kustomize (bin/kustomize, pinned in
// tools/go.mod; build it with `make bin/kustomize`).
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	repoRoot string // absolute path of the repository root
	fnBin    string // absolute path of the function binary built by TestMain
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "set-session-affinity-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(tmp) }()

	fnBin = filepath.Join(tmp, "set-session-affinity")
	build := exec.Command("go", "build", "-o", fnBin, ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building the function failed: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// trackSources stats every file of the repository once. go test caches a package's result
// keyed by the files its tests open inside the module (only once m.Run has started), and it
// cannot see the `go build` in TestMain; without this, editing fn/ would replay a cached pass.
var trackSources = sync.OnceFunc(func() {
	_ = filepath.WalkDir(repoRoot, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if err == nil && !d.IsDir() {
			_, _ = os.Stat(path)
		}
		return nil
	})
})

// copyFixture copies e2e/testdata/<name> into a fresh temp dir and returns the copy's path.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	trackSources()
	dst := filepath.Join(t.TempDir(), filepath.Base(name))
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatalf("copying fixture %s: %v", name, err)
	}
	return dst
}

// runTool runs bin with args in dir and returns stdout, stderr and the exit code.
func runTool(t *testing.T, dir, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var outBuf, errBuf bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &outBuf, &errBuf
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running %s %s: %v", bin, strings.Join(args, " "), err)
	}
	return outBuf.String(), errBuf.String(), code
}

// runKpt runs kpt from PATH in dir and returns its combined output and exit code.
func runKpt(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	kpt, err := exec.LookPath("kpt")
	if err != nil {
		t.Fatalf("kpt is required for the e2e tests but was not found in PATH (Debian package google-cloud-cli-kpt): %v", err)
	}
	stdout, stderr, code := runTool(t, dir, kpt, append([]string{"--truncate-output=false"}, args...)...)
	return stdout + stderr, code
}

// runKustomize runs `bin/kustomize build --enable-alpha-plugins --enable-exec dir`.
func runKustomize(t *testing.T, dir string) (stdout, stderr string, code int) {
	t.Helper()
	kustomize := filepath.Join(repoRoot, "bin", "kustomize")
	if _, err := os.Stat(kustomize); err != nil {
		t.Fatalf("%s is missing: run `make bin/kustomize` (or `make test-e2e`) first: %v", kustomize, err)
	}
	return runTool(t, dir, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", dir)
}

// evalKpt copies a package fixture and runs `kpt fn eval --exec` on it with fnArgs as
// the function config. It returns the package copy, kpt's output and its exit code.
func evalKpt(t *testing.T, fixture string, fnArgs ...string) (pkg, out string, code int) {
	t.Helper()
	pkg = copyFixture(t, fixture)
	args := []string{"fn", "eval", pkg, "--exec", fnBin}
	if len(fnArgs) > 0 {
		args = append(append(args, "--"), fnArgs...)
	}
	out, code = runKpt(t, pkg, args...)
	return pkg, out, code
}

// buildKustomize copies testdata/kustomize, puts the function binary next to the
// overlay's kustomization (exec paths are relative to it) and builds the overlay.
func buildKustomize(t *testing.T, overlay string) (stdout, stderr string, code int) {
	t.Helper()
	dir := filepath.Join(copyFixture(t, "kustomize"), overlay)
	bin, err := os.ReadFile(fnBin)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "set-session-affinity"), bin, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	return runKustomize(t, dir)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readDir returns the contents of every file under dir, keyed by relative path.
func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[rel] = readFile(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// assertSameFiles fails for every file whose bytes differ between dirs a and b.
func assertSameFiles(t *testing.T, a, b string, names ...string) {
	t.Helper()
	for _, name := range names {
		if x, y := readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(b, name)); x != y {
			t.Errorf("%s changed:\n--- before\n%s\n--- after\n%s", name, x, y)
		}
	}
}

// assertContains fails for every string s lacks.
func assertContains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, s)
		}
	}
}
