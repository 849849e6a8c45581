package e2e

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The examples (examples/<name>) are documentation that runs: each README shows a command and
// the expected result, and these tests run that very command and compare its output with the
// committed expected files, byte for byte.

var update = flag.Bool("update", false, "rewrite the examples' expected files from this run, for review")

// testedExamples is every example folder these tests run; TestExamplesAreAllTested fails when a
// folder is added without a test. seed-article is a golden of fn/processor's tests.
var testedExamples = []string{
	"admission-mutating", "admission-policy", "argocd-cmp", "ci-gate", "helm-post-renderer", "kustomize-container", "kustomize-exec",
	"seed-article", "set-session-affinity-eval", "set-session-affinity-eval-exec",
	"set-session-affinity-render", "set-session-affinity-render-exec",
}

// kptExamples are the kpt packages, in the catalog's form: each image example has an exec twin
// named <example>-exec, holding the same package with the function run as a binary.
var kptExamples = []string{
	"set-session-affinity-eval", "set-session-affinity-eval-exec",
	"set-session-affinity-render", "set-session-affinity-render-exec",
}

// containerEngine is set (to podman) by hack/test-image.sh, which has built the image into that
// engine's store: the image examples then run the image itself, never pulling. Without it they
// run the same function through exec.
var containerEngine = os.Getenv("E2E_CONTAINER_ENGINE")

func TestExamplesAreAllTested(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	var folders []string
	for _, e := range entries {
		if e.IsDir() {
			folders = append(folders, e.Name())
		}
	}
	if !slices.Equal(folders, testedExamples) {
		t.Errorf("examples/ holds %q, the tests run %q", folders, testedExamples)
	}
}

// exampleEnv is the environment of every example command: the function built by TestMain first on
// PATH (the READMEs install it there), then the pinned kustomize and helm in bin/. GITHUB_ACTIONS
// is cleared so that running these tests under GitHub Actions does not change an example's output.
func exampleEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	for _, tool := range []string{"kustomize", "helm"} {
		if _, err := os.Stat(filepath.Join(repoRoot, "bin", tool)); err != nil {
			t.Fatalf("bin/%s is missing: run `make bin/%s` (make test does): %v", tool, tool, err)
		}
	}
	path := filepath.Dir(fnBin) + string(os.PathListSeparator) + filepath.Join(repoRoot, "bin") +
		string(os.PathListSeparator) + os.Getenv("PATH")
	env := append(os.Environ(), "PATH="+path, "GITHUB_ACTIONS=")
	return append(env, extra...)
}

// stageExample copies examples/<name> into a fresh temp dir and returns the dir that holds the
// copy, so commands run on the copy exactly as the README runs them.
func stageExample(t *testing.T, name string) string {
	t.Helper()
	trackSources()
	parent := t.TempDir()
	if err := os.CopyFS(filepath.Join(parent, name), os.DirFS(filepath.Join(repoRoot, "examples", name))); err != nil {
		t.Fatalf("copying example %s: %v", name, err)
	}
	return parent
}

// runIn runs argv in dir with env and returns stdout, stderr and the exit code.
func runIn(t *testing.T, dir string, env []string, argv ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runStdin(t, dir, env, "", argv...)
}

// runStdin is runIn with stdin.
func runStdin(t *testing.T, dir string, env []string, stdin string, argv ...string) (stdout, stderr string, code int) {
	t.Helper()
	var outBuf, errBuf bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(stdin)
	cmd.Stdout, cmd.Stderr = &outBuf, &errBuf
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("running %q: %v", argv, err)
	}
	return outBuf.String(), errBuf.String(), code
}

// runDocumented checks that the example's README shows command verbatim, then runs it with bash
// in dir: what the README tells people to type is what is tested.
func runDocumented(t *testing.T, example, dir, command string, env []string) (stdout, stderr string, code int) {
	t.Helper()
	readme := readFile(t, filepath.Join(repoRoot, "examples", example, "README.md"))
	if !strings.Contains(readme, command) {
		t.Errorf("examples/%s/README.md does not show the command the test runs:\n%s", example, command)
	}
	return runIn(t, dir, env, "bash", "-c", command)
}

// checkGolden compares got with the committed file examples/<example>/<name>; with -update it
// rewrites the file instead.
func checkGolden(t *testing.T, example, name, got string) {
	t.Helper()
	path := filepath.Join(repoRoot, "examples", example, name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := readFile(t, path); got != want {
		t.Errorf("examples/%s/%s differs from this run (go test ./e2e -run %s -update rewrites it):\n--- want\n%s\n--- got\n%s",
			example, name, t.Name(), want, got)
	}
}

func decodeYAMLFile(t *testing.T, path string, v any) {
	t.Helper()
	if err := yaml.Unmarshal([]byte(readFile(t, path)), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// kptTestConfig is the catalog's .expected/config.yaml: how the package example is run.
type kptTestConfig struct {
	TestType  string    `yaml:"testType"`
	Image     string    `yaml:"image"`
	ExecPath  string    `yaml:"execPath"`
	AllowExec bool      `yaml:"allowExec"`
	Args      yaml.Node `yaml:"args"` // a mapping, kept in order: it becomes `-- key=value ...`
}

// command is the kpt command line the README shows for the package example name.
func (c kptTestConfig) command(t *testing.T, name string) string {
	t.Helper()
	switch c.TestType {
	case "render":
		cmd := "kpt fn render " + name
		if c.AllowExec {
			cmd += " --allow-exec"
		}
		return cmd + " --results-dir results"
	case "eval":
		fn := "--exec " + c.ExecPath
		if c.Image != "" {
			fn = "-i " + c.Image
		}
		cmd := fmt.Sprintf("kpt fn eval %s %s --results-dir results", name, fn)
		if len(c.Args.Content) > 0 {
			cmd += " --"
		}
		for i := 0; i+1 < len(c.Args.Content); i += 2 {
			cmd += fmt.Sprintf(" %s=%s", c.Args.Content[i].Value, c.Args.Content[i+1].Value)
		}
		return cmd
	}
	t.Fatalf("testType %q: want render or eval", c.TestType)
	return ""
}

// The exec form of the image examples: the function built by TestMain, on PATH.
const (
	execFunction = "set-session-affinity"
	imageLine    = "- image: "
	execLine     = "- exec: " + execFunction + "\n"
)

// asExec rewrites the staged copy of an image example so that it runs the same function through
// exec: `-i IMAGE` becomes `--exec`, and a Kptfile's `- image: IMAGE` becomes `- exec:` (with
// --allow-exec). It returns the command to run.
func asExec(t *testing.T, pkg, command, image string) string {
	t.Helper()
	if strings.Contains(command, " -i "+image+" ") {
		return strings.Replace(command, " -i "+image+" ", " --exec "+execFunction+" ", 1)
	}
	kptfile := filepath.Join(pkg, "Kptfile")
	src := readFile(t, kptfile)
	if !strings.Contains(src, imageLine+image+"\n") {
		t.Fatalf("%s runs no image %s", kptfile, image)
	}
	if err := os.WriteFile(kptfile, []byte(strings.Replace(src, imageLine+image+"\n", execLine, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	return strings.Replace(command, " --results-dir ", " --allow-exec --results-dir ", 1)
}

// pkgGit runs git on the package pkg with its repository kept outside the package (in gitDir),
// so kpt never sees it, and with no user or system config to change the diff's format.
func pkgGit(t *testing.T, gitDir, pkg string, args ...string) string {
	t.Helper()
	env := append(os.Environ(), "GIT_DIR="+gitDir, "GIT_WORK_TREE="+pkg,
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	stdout, stderr, code := runIn(t, pkg, env, append([]string{"git", "-c", "core.abbrev=7"}, args...)...)
	if code != 0 {
		t.Fatalf("git %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	return stdout
}

// TestKptExamples runs the kpt package examples the way the catalog's runner does: the command
// from .expected/config.yaml, then `git diff` against .expected/diff.patch and kpt's results
// against .expected/results.yaml, then the command once more, which must change nothing. An image
// example runs its image under E2E_CONTAINER_ENGINE, and otherwise the same function through exec,
// with kpt's `- exec:` line in the results read as the `- image:` line.
func TestKptExamples(t *testing.T) {
	image := makefileImage(t)
	for _, name := range kptExamples {
		t.Run(name, func(t *testing.T) {
			var cfg kptTestConfig
			decodeYAMLFile(t, filepath.Join(repoRoot, "examples", name, ".expected", "config.yaml"), &cfg)
			command := cfg.command(t, name)

			readme := readFile(t, filepath.Join(repoRoot, "examples", name, "README.md"))
			if !strings.Contains(readme, command) {
				t.Errorf("examples/%s/README.md does not show the command the test runs:\n%s", name, command)
			}

			parent := stageExample(t, name)
			pkg, gitDir := filepath.Join(parent, name), filepath.Join(parent, "git")
			isImage := !strings.HasSuffix(name, "-exec")
			switch {
			case isImage && containerEngine != "":
				command = strings.Replace(command, " --results-dir ", " --image-pull-policy never --results-dir ", 1)
				// docs/container.md shows the runs through the image.
				documented := "KPT_FN_RUNTIME=" + containerEngine + " " + command + "\n"
				if !strings.Contains(readFile(t, filepath.Join(repoRoot, "docs", "container.md")), documented) {
					t.Errorf("docs/container.md does not show the command the test runs:\n%s", documented)
				}
			case isImage:
				command = asExec(t, pkg, command, image)
			}
			pkgGit(t, gitDir, pkg, "init", "-q")
			pkgGit(t, gitDir, pkg, "add", "-A")

			env := exampleEnv(t)
			if stdout, stderr, code := runIn(t, parent, env, "bash", "-c", command); code != 0 {
				t.Fatalf("%s: exit %d\n%s%s", command, code, stdout, stderr)
			}
			diff := pkgGit(t, gitDir, pkg, "diff", "--no-color", "--no-ext-diff")
			checkGolden(t, name, ".expected/diff.patch", diff)
			results := readFile(t, filepath.Join(parent, "results", "results.yaml"))
			if isImage && containerEngine == "" {
				results = strings.Replace(results, execLine, imageLine+image+"\n", 1)
			}
			checkGolden(t, name, ".expected/results.yaml", results)

			if stdout, stderr, code := runIn(t, parent, env, "bash", "-c", command); code != 0 {
				t.Fatalf("second run: exit %d\n%s%s", code, stdout, stderr)
			}
			if again := pkgGit(t, gitDir, pkg, "diff", "--no-color", "--no-ext-diff"); again != diff {
				t.Errorf("the second run changed the package again:\n%s", again)
			}
		})
	}
}

// TestKptImageExamplesMatchExec: each image example is its exec twin with the image in place of
// the binary, so both hold the same resources and expect the same diff, and the same results but
// for the line naming the function.
func TestKptImageExamplesMatchExec(t *testing.T) {
	image := makefileImage(t)
	for _, name := range kptExamples {
		if strings.HasSuffix(name, "-exec") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			img, exe := filepath.Join(repoRoot, "examples", name), filepath.Join(repoRoot, "examples", name+"-exec")
			for _, f := range []string{"resources.yaml", ".krmignore", ".expected/diff.patch"} {
				if readFile(t, filepath.Join(img, f)) != readFile(t, filepath.Join(exe, f)) {
					t.Errorf("%s differs from the exec example's", f)
				}
			}
			want := strings.Replace(readFile(t, filepath.Join(exe, ".expected", "results.yaml")), execLine, imageLine+image+"\n", 1)
			if got := readFile(t, filepath.Join(img, ".expected", "results.yaml")); got != want {
				t.Errorf(".expected/results.yaml is not the exec example's with the image:\n%s", got)
			}
		})
	}
}

// kustomizeBuild is the command both kustomize examples document, run in the example's folder.
const kustomizeExecBuild = "kustomize build --enable-alpha-plugins --enable-exec ."

func TestKustomizeExecExample(t *testing.T) {
	const name = "kustomize-exec"
	dir := filepath.Join(stageExample(t, name), name)
	stdout, stderr, code := runDocumented(t, name, dir, kustomizeExecBuild, exampleEnv(t))
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	checkGolden(t, name, "expected.yaml", stdout)
	// kustomize shows a function's warnings only on stderr: they are part of what users see.
	checkGolden(t, name, "expected-stderr.txt", stderr)
}

// containerSpec is the function annotation of the container example, exactly as documented.
const containerSpec = `container:
  image: ghcr.io/sticky-services/set-session-affinity:v0.1.0
  network: false
`

// kustomizeContainerBuild is the container example's command: container functions need
// --enable-alpha-plugins only.
const kustomizeContainerBuild = "kustomize build --enable-alpha-plugins ."

// TestKustomizeContainerExample checks that the example names the image the Makefile builds and
// runs its documented build: under E2E_CONTAINER_ENGINE through the image (kustomize runs
// `docker run`, which hack/test-image.sh points at podman), otherwise with the container spec
// swapped for an exec spec running the same function. Either way the output must be the
// committed expected.yaml, which is also the exec example's.
func TestKustomizeContainerExample(t *testing.T) {
	const name = "kustomize-container"
	dir := filepath.Join(stageExample(t, name), name)
	if image := makefileImage(t); !strings.Contains(containerSpec, "image: "+image+"\n") {
		t.Errorf("the example runs another image than the Makefile's IMAGE %s", image)
	}

	configPath := filepath.Join(dir, "sticky.yaml")
	rn, err := yaml.Parse(readFile(t, configPath))
	if err != nil {
		t.Fatal(err)
	}
	const fnAnnotation = "config.kubernetes.io/function"
	if got := rn.GetAnnotations()[fnAnnotation]; got != containerSpec {
		t.Fatalf("sticky.yaml's %s annotation is\n%s\nwant\n%s", fnAnnotation, got, containerSpec)
	}
	command := kustomizeContainerBuild
	if containerEngine == "" {
		if err := rn.PipeE(yaml.SetAnnotation(fnAnnotation, "exec:\n  path: set-session-affinity\n")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(configPath, []byte(rn.MustString()), 0o644); err != nil {
			t.Fatal(err)
		}
		command = kustomizeExecBuild
	}

	readme := readFile(t, filepath.Join(dir, "README.md"))
	if !strings.Contains(readme, kustomizeContainerBuild) {
		t.Errorf("README.md does not show the container build command %s", kustomizeContainerBuild)
	}
	stdout, stderr, code := runIn(t, dir, exampleEnv(t), "bash", "-c", command)
	if code != 0 {
		t.Fatalf("%s: exit %d, stderr:\n%s", command, code, stderr)
	}
	checkGolden(t, name, "expected.yaml", stdout)
	checkGolden(t, name, "expected-stderr.txt", stderr)
	if want := readFile(t, filepath.Join(repoRoot, "examples", "kustomize-exec", "expected.yaml")); stdout != want {
		t.Errorf("the output is not the exec example's expected.yaml")
	}
}

// makefileImage is the image `make image` builds (the Makefile's IMAGE default).
func makefileImage(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^IMAGE \?= (\S+)$`).FindStringSubmatch(readFile(t, filepath.Join(repoRoot, "Makefile")))
	if m == nil {
		t.Fatal("the Makefile has no `IMAGE ?= ...` line")
	}
	return m[1]
}

const (
	helmTemplate     = "helm template web ./chart"
	helmPostRenderer = helmTemplate + " --post-renderer set-session-affinity --post-renderer-args --config --post-renderer-args sticky.yaml"
)

func TestHelmPostRendererExample(t *testing.T) {
	const name = "helm-post-renderer"
	dir := filepath.Join(stageExample(t, name), name)
	env := exampleEnv(t)
	stdout, stderr, code := runDocumented(t, name, dir, helmPostRenderer, env)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	checkGolden(t, name, "expected.yaml", stdout)

	// --results keeps the findings Helm would drop with the post-renderer's stderr.
	stdout, stderr, code = runDocumented(t, name, dir, helmPostRenderer+" --post-renderer-args --results --post-renderer-args results.yaml --post-renderer-args -v", env)
	if code != 0 {
		t.Fatalf("with --results: exit %d, stderr:\n%s", code, stderr)
	}
	checkGolden(t, name, "expected.yaml", stdout)
	results := readFile(t, filepath.Join(dir, "results.yaml"))
	for _, want := range []string{"kind: FunctionResultList", "path: spec.externalTrafficPolicy", "1 Service updated"} {
		if !strings.Contains(results, want) {
			t.Errorf("results.yaml lacks %q:\n%s", want, results)
		}
	}

	// An error finding fails the render: helm prints the function's stderr and no manifests.
	failing := helmTemplate + " --post-renderer set-session-affinity --post-renderer-args --provider --post-renderer-args aws"
	stdout, stderr, code = runIn(t, dir, env, "bash", "-c", failing)
	if code == 0 || stdout != "" {
		t.Errorf("%s: exit %d, stdout:\n%s", failing, code, stdout)
	}
	if !hasLineWithAll(stderr, []string{"[error]", "v1/Service/web"}) {
		t.Errorf("%s: no stderr line names the Service:\n%s", failing, stderr)
	}
}

// helmPlugin is the part of a Helm v4 plugin.yaml (apiVersion v1) that the test reads.
type helmPlugin struct {
	APIVersion    string `yaml:"apiVersion"`
	Type          string `yaml:"type"`
	Name          string `yaml:"name"`
	Version       string `yaml:"version"`
	Runtime       string `yaml:"runtime"`
	RuntimeConfig struct {
		PlatformCommand []struct {
			OS      string   `yaml:"os"`
			Arch    string   `yaml:"arch"`
			Command string   `yaml:"command"`
			Args    []string `yaml:"args"`
		} `yaml:"platformCommand"`
	} `yaml:"runtimeConfig"`
}

// TestHelmV4PluginExample checks the Helm v4 post-renderer plugin manifest against the rules
// Helm v4 applies when it loads one, then does what Helm v4's subprocess runtime does with it (no
// Helm v4 here): runs the command with the --post-renderer-args appended on the chart's rendered
// manifests. The result must be the Helm v3 example's expected output.
func TestHelmV4PluginExample(t *testing.T) {
	const name = "helm-post-renderer"
	dir := filepath.Join(stageExample(t, name), name)
	var p helmPlugin
	decodeYAMLFile(t, filepath.Join(dir, "helm-plugin", "plugin.yaml"), &p)
	semver := regexp.MustCompile(`^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	switch {
	case p.APIVersion != "v1" || p.Type != "postrenderer/v1" || p.Runtime != "subprocess":
		t.Errorf("apiVersion %q, type %q, runtime %q; want v1, postrenderer/v1, subprocess", p.APIVersion, p.Type, p.Runtime)
	case !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(p.Name) || !semver.MatchString(p.Version):
		t.Errorf("name %q or version %q is not what Helm accepts", p.Name, p.Version)
	case len(p.RuntimeConfig.PlatformCommand) != 1 || p.RuntimeConfig.PlatformCommand[0].OS != "":
		t.Fatalf("want one platformCommand for every platform, got %+v", p.RuntimeConfig.PlatformCommand)
	}
	if image := makefileImage(t); !strings.HasSuffix(image, ":v"+p.Version) {
		t.Errorf("plugin version %s is not the image's tag (%s)", p.Version, image)
	}
	readme := readFile(t, filepath.Join(dir, "README.md"))
	if !strings.Contains(readme, "--post-renderer "+p.Name+" ") {
		t.Errorf("README.md does not use the plugin by its name %s", p.Name)
	}

	env := exampleEnv(t)
	manifests, stderr, code := runIn(t, dir, env, "bash", "-c", helmTemplate)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", helmTemplate, code, stderr)
	}
	// bash looks the command up on the example's PATH, as Helm's exec does on the user's.
	pc := p.RuntimeConfig.PlatformCommand[0]
	argv := append([]string{"bash", "-c", `exec "$0" "$@"`, pc.Command}, pc.Args...)
	stdout, stderr, code := runStdin(t, dir, env, manifests, append(argv, "--config", "sticky.yaml")...)
	if code != 0 {
		t.Fatalf("the plugin's command: exit %d: %s", code, stderr)
	}
	if want := readFile(t, filepath.Join(dir, "expected.yaml")); stdout != want {
		t.Errorf("the plugin's command gives:\n%s\nwant (expected.yaml):\n%s", stdout, want)
	}
}

// TestCIGateExample runs the gate on the compliant and the non-compliant manifests with
// --output github, compares the annotations with the committed output, and checks that each
// annotation points at a line of its file; a misused gate exits 2, not 1.
func TestCIGateExample(t *testing.T) {
	const name = "ci-gate"
	dir := filepath.Join(stageExample(t, name), name)
	for _, tc := range []struct {
		dir      string
		code     int
		expected string
	}{
		{"manifests/compliant", 0, "expected-compliant.txt"},
		{"manifests/non-compliant", 1, "expected-non-compliant.txt"},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			command := "set-session-affinity --mode validate --output github " + tc.dir
			stdout, stderr, code := runDocumented(t, name, dir, command, exampleEnv(t))
			if code != tc.code || stderr != "" {
				t.Errorf("%s: exit %d, want %d; stderr:\n%s", command, code, tc.code, stderr)
			}
			checkGolden(t, name, tc.expected, stdout)
			assertAnnotations(t, dir, stdout)
		})
	}
	t.Run("a misused gate exits 2", func(t *testing.T) {
		if _, stderr, code := runIn(t, dir, exampleEnv(t), "bash", "-c", "set-session-affinity --mode validate --output github manifests/nope"); code != 2 || !strings.Contains(stderr, "manifests/nope") {
			t.Errorf("a missing directory: exit %d, stderr %q; want 2 naming it", code, stderr)
		}
	})
	checkWorkflow(t, filepath.Join(dir, ".github", "workflows", "session-affinity.yaml"))
}

// assertAnnotations checks that each workflow command names a file of the example and a line
// within it, as GitHub needs to place the annotation.
func assertAnnotations(t *testing.T, dir, out string) {
	t.Helper()
	command := regexp.MustCompile(`^::(error|warning) file=([^,]+),line=(\d+),col=(\d+)::\S`)
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		m := command.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a workflow command with a file, line and column: %q", line)
			continue
		}
		n, _ := strconv.Atoi(m[3])
		if lines := strings.Count(readFile(t, filepath.Join(dir, m[2])), "\n"); n < 1 || n > lines {
			t.Errorf("%q: line %d is not a line of %s (%d lines)", line, n, m[2], lines)
		}
	}
}

// checkWorkflow checks the GitHub Actions job: it installs the function at the image's version,
// runs the gate, and every run step is valid bash.
func checkWorkflow(t *testing.T, path string) {
	t.Helper()
	var wf struct {
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	decodeYAMLFile(t, path, &wf)
	if len(wf.Jobs) != 1 {
		t.Fatalf("%s: want one job, got %d", path, len(wf.Jobs))
	}
	image := makefileImage(t)
	install := "go install github.com/sticky-services/set-session-affinity@" + image[strings.LastIndex(image, ":")+1:]
	var runs []string
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			if step.Run != "" {
				runs = append(runs, step.Run)
				if _, stderr, code := runIn(t, ".", os.Environ(), "bash", "-n", "-c", step.Run); code != 0 {
					t.Errorf("run step %q is not valid bash: %s", step.Run, stderr)
				}
			}
		}
	}
	all := strings.Join(runs, "\n")
	assertContains(t, "the job's run steps", all, install, "set-session-affinity --mode validate --output github ")
}

// argoCDPlugin is the part of an Argo CD ConfigManagementPlugin the test reads.
type argoCDPlugin struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		Discover struct {
			FileName string `yaml:"fileName"`
		} `yaml:"discover"`
		Generate struct {
			Command []string `yaml:"command"`
			Args    []string `yaml:"args"`
		} `yaml:"generate"`
	} `yaml:"spec"`
}

// TestArgoCDPluginExample runs the plugin's generate command the way Argo CD's cmp-server does,
// in the application's directory, and compares what it prints with the committed output.
func TestArgoCDPluginExample(t *testing.T) {
	const name = "argocd-cmp"
	dir := filepath.Join(stageExample(t, name), name)
	var p argoCDPlugin
	decodeYAMLFile(t, filepath.Join(dir, "plugin.yaml"), &p)
	if p.APIVersion != "argoproj.io/v1alpha1" || p.Kind != "ConfigManagementPlugin" {
		t.Errorf("plugin.yaml is %s %s, want argoproj.io/v1alpha1 ConfigManagementPlugin", p.APIVersion, p.Kind)
	}
	app := filepath.Join(dir, "app")
	if _, err := os.Stat(filepath.Join(app, p.Spec.Discover.FileName)); err != nil {
		t.Errorf("discover.fileName %q does not match the example application: %v", p.Spec.Discover.FileName, err)
	}
	argv := append(slices.Clone(p.Spec.Generate.Command), p.Spec.Generate.Args...)
	if len(argv) == 0 {
		t.Fatal("plugin.yaml has no generate command")
	}
	stdout, stderr, code := runIn(t, app, exampleEnv(t), argv...)
	if code != 0 {
		t.Fatalf("generate: exit %d, stderr:\n%s", code, stderr)
	}
	checkGolden(t, name, "expected.yaml", stdout)
	checkGolden(t, name, "expected-stderr.txt", stderr)

	// A render with an error finding prints nothing and fails, so Argo CD applies nothing. Under
	// provider aws the Service lacks the aws-load-balancer-controller marker, which is an error.
	config := filepath.Join(app, p.Spec.Discover.FileName)
	aws := "apiVersion: fn.kpt.dev/v1alpha1\nkind: SetSessionAffinity\nmetadata: {name: sticky}\nprovider: aws\n"
	if err := os.WriteFile(config, []byte(aws), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, stderr, code := runIn(t, app, exampleEnv(t), argv...); code == 0 || stdout != "" || !hasLineWithAll(stderr, []string{"[error]", "v1/Service/shop/checkout"}) {
		t.Errorf("generate with provider aws: exit %d, stdout %q, stderr %q; want a failure with errors only", code, stdout, stderr)
	}
}
