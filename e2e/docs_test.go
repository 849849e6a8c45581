package e2e

// The documentation is tested like code: README.md and docs/*.md show commands people copy, so
// each `set-session-affinity` and `make` command in their fenced shell blocks must name real
// flags and targets, the quick start must run as written, and the troubleshooting messages must
// be what the function prints. claims_test.go checks what the pages state.

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docPages are the pages users read: the README and everything it links in docs/. The tests
// that read them also run the function, so they stat the sources for go test's cache.
func docPages(t *testing.T) []string {
	t.Helper()
	trackSources()
	pages, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(pages)
	return append([]string{filepath.Join(repoRoot, "README.md")}, pages...)
}

// fencedBlock is one ``` block of a page: its info string, its first line's number and its lines.
type fencedBlock struct {
	info  string
	line  int
	lines []string
}

func fencedBlocks(text string) []fencedBlock {
	var blocks []fencedBlock
	var open *fencedBlock
	for i, line := range strings.Split(text, "\n") {
		switch {
		case open == nil && strings.HasPrefix(line, "```"):
			open = &fencedBlock{info: strings.TrimPrefix(line, "```"), line: i + 2}
		case open != nil && strings.HasPrefix(line, "```"):
			blocks = append(blocks, *open)
			open = nil
		case open != nil:
			open.lines = append(open.lines, line)
		}
	}
	return blocks
}

// section is the text under the page's "## name" heading, up to the next "## " heading.
func section(t *testing.T, text, name string) string {
	t.Helper()
	trackSources()
	_, rest, ok := strings.Cut(text, "\n## "+name+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q", name)
	}
	body, _, _ := strings.Cut(rest, "\n## ")
	return body
}

// shellCommand is one simple command of a shell block: its words, without comments and
// redirections, and the line it starts on.
type shellCommand struct {
	line  int
	text  string
	words []string
}

// shellCommands splits a sh block into simple commands: `\` continues a line, `#` starts a
// comment, `|`, `&&`, `||` and `;` separate commands, and `< file`, `> file`, `2>&1` are dropped.
func shellCommands(b fencedBlock) []shellCommand {
	var cmds []shellCommand
	for i := 0; i < len(b.lines); i++ {
		start, text := b.line+i, b.lines[i]
		for strings.HasSuffix(text, `\`) && i+1 < len(b.lines) {
			i++
			text = strings.TrimSuffix(text, `\`) + " " + b.lines[i]
		}
		var words []string
		flush := func() {
			if len(words) > 0 {
				cmds = append(cmds, shellCommand{line: start, text: strings.TrimSpace(text), words: words})
			}
			words = nil
		}
		tokens := shellWords(text)
		for j := 0; j < len(tokens); j++ {
			switch tok := tokens[j]; {
			case tok == "|" || tok == "&&" || tok == "||" || tok == ";":
				flush()
			case redirection.MatchString(tok):
				if redirectionOnly.MatchString(tok) {
					j++ // the file named in the next word
				}
			default:
				words = append(words, tok)
			}
		}
		flush()
	}
	return cmds
}

var (
	redirection     = regexp.MustCompile(`^[0-9]*(<|>)`)
	redirectionOnly = regexp.MustCompile(`^[0-9]*(<|>>?)$`)
)

// shellWords splits a line into words as sh does for these simple lines: quotes group, and an
// unquoted # at a word's start ends the line.
func shellWords(line string) []string {
	var words []string
	var word strings.Builder
	inWord, quote := false, rune(0)
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
			}
			inWord = false
		case r == '#' && !inWord:
			return words
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// functionArgs returns the arguments a command gives the function: its own words for
// `set-session-affinity ...` (any path to it), the --post-renderer-args of a helm command that
// runs it as its post-renderer.
func functionArgs(words []string) ([]string, bool) {
	if filepath.Base(words[0]) == "set-session-affinity" {
		return words[1:], true
	}
	if words[0] != "helm" {
		return nil, false
	}
	var args []string
	isPostRenderer := false
	for i := 1; i < len(words); i++ {
		name, value, hasValue := strings.Cut(words[i], "=")
		if (name == "--post-renderer" || name == "--post-renderer-args") && !hasValue && i+1 < len(words) {
			i++
			value = words[i]
		}
		switch name {
		case "--post-renderer":
			isPostRenderer = filepath.Base(value) == "set-session-affinity"
		case "--post-renderer-args":
			args = append(args, value)
		}
	}
	return args, isPostRenderer
}

// TestDocCommandsNameRealFlagsAndTargets: every `set-session-affinity` command (also as Helm's
// post-renderer) in a fenced shell block of README.md or docs/ parses: its flags exist and take
// the values shown (the function is run with them and --help, which parses and then stops); every
// `make` command names targets the Makefile has (make -n).
func TestDocCommandsNameRealFlagsAndTargets(t *testing.T) {
	checked := map[string]int{}
	for _, page := range docPages(t) {
		name, _ := filepath.Rel(repoRoot, page)
		for _, b := range fencedBlocks(readFile(t, page)) {
			if b.info != "sh" && b.info != "bash" {
				continue
			}
			for _, c := range shellCommands(b) {
				if args, ok := functionArgs(c.words); ok {
					checked["set-session-affinity"]++
					if _, stderr, code := runTool(t, repoRoot, fnBin, append(args, "--help")...); code != 0 {
						t.Errorf("%s:%d: `%s` does not parse (exit %d): %s", name, c.line, c.text, code, stderr)
					}
				}
				if c.words[0] == "make" {
					checked["make"]++
					if stdout, stderr, code := runTool(t, repoRoot, "make", append([]string{"-n", "--no-print-directory"}, c.words[1:]...)...); code != 0 {
						t.Errorf("%s:%d: `%s` names no Makefile target (make -n: exit %d):\n%s%s", name, c.line, c.text, code, stdout, stderr)
					}
				}
			}
		}
	}
	// The pages show both kinds; a parser that found none would pass vacuously.
	if checked["set-session-affinity"] < 5 || checked["make"] < 5 {
		t.Errorf("found only %v commands in the docs' sh blocks; is the block parser broken?", checked)
	}
}

// quickStart returns the quick start's two sh blocks: the set-up commands, then the runs on the
// user's own file.
func quickStart(t *testing.T) (setup, ownFile []shellCommand) {
	t.Helper()
	var blocks [][]shellCommand
	for _, b := range fencedBlocks(section(t, readFile(t, filepath.Join(repoRoot, "README.md")), "Quick start")) {
		if b.info == "sh" {
			blocks = append(blocks, shellCommands(b))
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("README's Quick start has %d sh blocks; want 2 (set-up, then your own file)", len(blocks))
	}
	return blocks[0], blocks[1]
}

// TestQuickStartSetUpIsTwoMakeCommands: the quick start promises two set-up commands, and
// `make demo` prints the vendor article's manifests repaired (examples/seed-article/expected.yaml,
// the golden fn/processor checks) with the function TestMain built.
func TestQuickStartSetUpIsTwoMakeCommands(t *testing.T) {
	setup, _ := quickStart(t)
	if len(setup) != 2 {
		t.Fatalf("README's set-up block has %d commands; the text promises two", len(setup))
	}
	for _, c := range setup {
		if c.words[0] != "make" {
			t.Errorf("set-up command `%s` is not a make target; the Makefile is what does the set-up", c.text)
		}
	}
	if got := strings.Join(setup[0].words, " "); got != "make demo" {
		t.Fatalf("the first set-up command is `%s`; this test runs `make demo`", got)
	}
	// The second runs the tests, and it is the command CI runs: .ci/run calls what README gives.
	if got := strings.Join(setup[1].words, " "); got != "make test" {
		t.Errorf("the second set-up command is `%s`; want `make test`, the tests", got)
	}
	if ci := readFile(t, filepath.Join(repoRoot, ".ci", "run")); !regexp.MustCompile(`(?m)^make test$`).MatchString(ci) {
		t.Errorf(".ci/run does not run `make test`, README's test command")
	}
	// BIN names the binary TestMain built from this tree, newer than every source, so make runs
	// the demo without building into the repository's bin/.
	stdout, stderr, code := runTool(t, repoRoot, "make", "--no-print-directory", "demo", "BIN="+fnBin)
	want := readFile(t, filepath.Join(repoRoot, "examples", "seed-article", "expected.yaml"))
	if code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("make demo: exit %d; want exit 0 and examples/seed-article/expected.yaml on stdout\n--- stdout\n%s--- stderr\n%s", code, stdout, stderr)
	}
}

// TestQuickStartRunsOnYourOwnFile runs the quick start's second block verbatim, in a directory
// holding bin/set-session-affinity (the function TestMain built), my-services.yaml and k8s/ (an
// opted-in Service that is not sticky yet): validate finds and exits 1, mutate exits 0, and what
// mutate wrote then passes validate.
func TestQuickStartRunsOnYourOwnFile(t *testing.T) {
	_, ownFile := quickStart(t)
	dir := t.TempDir()
	service := readFile(t, filepath.Join(repoRoot, "examples", "ci-gate", "manifests", "non-compliant", "web.yaml"))
	for _, sub := range []string{"bin", "k8s"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for path, content := range map[string]string{"my-services.yaml": service, "k8s/web.yaml": service} {
		writeFile(t, filepath.Join(dir, path), content)
	}
	if err := os.Symlink(fnBin, filepath.Join(dir, "bin", "set-session-affinity")); err != nil {
		t.Fatal(err)
	}
	for _, c := range ownFile {
		want := 0
		if strings.Contains(c.text, "--mode validate") {
			want = 1
		}
		stdout, stderr, code := runIn(t, dir, nil, "bash", "-c", c.text)
		if code != want {
			t.Errorf("`%s`: exit %d, want %d\n%s%s", c.text, code, want, stdout, stderr)
		}
	}
	for _, written := range []string{"sticky.yaml", "k8s"} {
		if _, err := os.Stat(filepath.Join(dir, written)); err != nil {
			t.Errorf("the quick start no longer writes %s: %v", written, err)
			continue
		}
		if _, stderr, code := runTool(t, dir, fnBin, "--mode", "validate", written); code != 0 {
			t.Errorf("%s, as the quick start wrote it, fails validate mode (exit %d):\n%s", written, code, stderr)
		}
	}
}

// troubleshootingRuns are the runs over e2e/testdata/troubleshooting that print the messages
// README's Troubleshooting section shows.
var troubleshootingRuns = [][]string{
	{"clusterip-with-lb-fields.yaml"},
	{"headless.yaml"},
	{"misspelled-label.yaml"},
	{"--mode", "validate", "not-yet-sticky.yaml"},
}

// place is the file:line:column: a finding from a file starts with.
var place = regexp.MustCompile(`^[^ :]+:[0-9]+:[0-9]+: `)

// TestTroubleshootingShowsWhatTheFunctionPrints: each message line in README's Troubleshooting
// blocks is a line the function prints for the fixture of that case (its place left out), so a
// changed message cannot leave a stale one in the README.
func TestTroubleshootingShowsWhatTheFunctionPrints(t *testing.T) {
	dir := filepath.Join(repoRoot, "e2e", "testdata", "troubleshooting")
	printed := map[string]bool{}
	for _, args := range troubleshootingRuns {
		_, stderr, _ := runTool(t, dir, fnBin, args...)
		for _, line := range strings.Split(stderr, "\n") {
			printed[place.ReplaceAllString(line, "")] = true
		}
	}
	shown := 0
	for _, b := range fencedBlocks(section(t, readFile(t, filepath.Join(repoRoot, "README.md")), "Troubleshooting")) {
		for _, line := range b.lines {
			shown++
			if !printed[line] {
				t.Errorf("README's Troubleshooting shows a message the function does not print for its fixture (e2e/testdata/troubleshooting):\n%s", line)
			}
		}
	}
	if shown < 5 {
		t.Errorf("README's Troubleshooting shows %d messages; it promises the five users meet most", shown)
	}
}

// readmeSections are the README's sections, in order, as issue 20 and the catalog's README
// template name them.
var readmeSections = []string{"## Overview", "## Quick start", "## Usage", "### FunctionConfig", "## Examples", "## Troubleshooting"}

// TestREADMEIsForUsers: the README stays at most 300 lines with the catalog's sections in order,
// and its mdtogo blocks (what kpt tooling shows as help) hold no contributor set-up.
func TestREADMEIsForUsers(t *testing.T) {
	readme := readFile(t, filepath.Join(repoRoot, "README.md"))
	if n := strings.Count(readme, "\n"); n > 300 {
		t.Errorf("README.md has %d lines; at most 300: move detail to docs/", n)
	}
	at := 0
	for _, heading := range readmeSections {
		i := strings.Index(readme[at:], "\n"+heading+"\n")
		if i < 0 {
			t.Errorf("README.md lacks %q after the sections before it (want, in order: %v)", heading, readmeSections)
			continue
		}
		at += i + 1
	}
	for _, block := range regexp.MustCompile(`(?s)<!--mdtogo:\w+-->(.*?)<!--mdtogo-->`).FindAllStringSubmatch(readme, -1) {
		for _, contributor := range []string{"make test", "podman", "CONTAINERS_CONF", "golangci-lint"} {
			if strings.Contains(block[1], contributor) {
				t.Errorf("a README mdtogo block (user help) mentions %q, which is contributor set-up; move it to docs/", contributor)
			}
		}
	}
}

// markdownLink is a relative link target: a path, an anchor, or both.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// anchor is GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes.
func anchor(heading string) string {
	heading = strings.ToLower(strings.TrimSpace(strings.TrimLeft(heading, "#")))
	return strings.ReplaceAll(regexp.MustCompile(`[^a-z0-9 _-]`).ReplaceAllString(heading, ""), " ", "-")
}

// TestDocLinksResolve: each relative link of README.md, docs/ and the examples' READMEs names a
// file or folder that exists, and each #anchor a heading of its page: the move to docs/ must not
// leave links behind.
func TestDocLinksResolve(t *testing.T) {
	for _, page := range claimPages(t) {
		name, _ := filepath.Rel(repoRoot, page)
		for _, m := range markdownLink.FindAllStringSubmatch(readFile(t, page), -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			path, frag, _ := strings.Cut(target, "#")
			file := page
			if path != "" {
				file = filepath.Join(filepath.Dir(page), path)
				if _, err := os.Stat(file); err != nil {
					t.Errorf("%s links to %s, which does not exist", name, target)
					continue
				}
			}
			if frag == "" {
				continue
			}
			found := false
			for _, line := range strings.Split(readFile(t, file), "\n") {
				found = found || strings.HasPrefix(line, "#") && anchor(line) == frag
			}
			if !found {
				t.Errorf("%s links to %s: no heading there has the anchor #%s", name, target, frag)
			}
		}
	}
}
