package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// source is one input of a run: a file, or stdin.
type source struct {
	// name is the path as given or found ("k8s/web.yaml"), or "-" for stdin.
	name string
	text []byte
	mode fs.FileMode
}

// manifestExtensions are the files a directory is searched for.
var manifestExtensions = []string{".yaml", ".yml", ".json"}

// kustomizationNames are the files kustomize reads as a kustomization (kustomize
// api/konfig/general.go RecognizedKustomizationFileNames).
var kustomizationNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// collect reads the inputs the paths name, in their order: each file as given (stdin for "-"),
// and each directory's manifests, walked in lexical order. A walk leaves out what is not a
// Kubernetes manifest a cluster takes as it is, with the reason in skipped: hidden directories,
// Helm charts (templates are not YAML until rendered), kustomizations and the patches they list
// (any kustomization of the walks may list them), the --config file, and files whose documents
// are not all whole objects (a values file, a JSON patch). A file found twice is read once.
func collect(paths []string, stdin io.Reader, configFile string) (sources []source, skipped []string, err error) {
	type entry struct {
		path   string
		walked bool
	}
	var entries []entry
	patches := map[string]bool{}
	for _, p := range paths {
		info, err := os.Stat(p)
		switch {
		case p == "-":
			entries = append(entries, entry{path: p})
		case err != nil:
			return nil, nil, err
		case !info.IsDir():
			entries = append(entries, entry{path: p})
		default:
			files, notes, err := walk(p, patches)
			if err != nil {
				return nil, nil, err
			}
			if len(files) == 0 {
				skipped = append(skipped, p+": no manifests found")
			}
			for _, f := range files {
				entries = append(entries, entry{f, true})
			}
			skipped = append(skipped, notes...)
		}
	}
	seen := map[string]bool{}
	for _, e := range entries {
		key := filepath.Clean(e.path)
		if seen[key] && e.path == "-" {
			return nil, nil, errors.New("- (stdin) is given twice")
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		s, why, err := read(e.path, e.walked, stdin, patches, configFile)
		switch {
		case err != nil:
			return nil, nil, err
		case why != "":
			skipped = append(skipped, e.path+": skipped: "+why)
		default:
			sources = append(sources, s)
		}
	}
	return sources, skipped, nil
}

// read reads one input: stdin for "-", a named file, or a file a walk found, which it may leave
// out, saying why.
func read(path string, walked bool, stdin io.Reader, patches map[string]bool, configFile string) (source, string, error) {
	switch {
	case path == "-":
		text, err := readAll(stdin)
		if err != nil {
			return source{}, "", fmt.Errorf("reading stdin: %w", err)
		}
		return source{name: "-", text: text}, "", nil
	case walked:
		return readWalked(path, patches, configFile)
	}
	s, err := readSource(path)
	return s, "", err
}

func readSource(path string) (source, error) {
	f, err := os.Open(path)
	if err != nil {
		return source{}, err
	}
	defer func() { _ = f.Close() }()
	info, err := f.Stat()
	if err != nil {
		return source{}, err
	}
	text, err := readAll(f)
	if err != nil {
		return source{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return source{name: path, text: text, mode: info.Mode()}, nil
}

// walk lists dir's manifest files in lexical order and records, in patches, the files its
// kustomizations name as patches.
func walk(dir string, patches map[string]bool) (files, skipped []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "Chart.yaml")); err == nil {
				skipped = append(skipped, path+": skipped: a Helm chart; render it (helm template) and pipe the output")
				return filepath.SkipDir
			}
			return nil
		}
		if isKustomization(d.Name()) {
			skipped = append(skipped, path+": skipped: a kustomization; run kustomize build and pipe the output")
			return kustomizationPatches(path, patches)
		}
		if hasManifestExtension(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	return files, skipped, err
}

func isKustomization(name string) bool {
	for _, k := range kustomizationNames {
		if name == k {
			return true
		}
	}
	return false
}

func hasManifestExtension(name string) bool {
	for _, ext := range manifestExtensions {
		if strings.HasSuffix(name, ext) {
			return true
		}
	}
	return false
}

// kustomizationPatches records the files the kustomization at path names as patches or
// replacements: partial objects, which kustomize merges into the resources.
func kustomizationPatches(path string, patches map[string]bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var k yaml.Node
	if yaml.Unmarshal(b, &k) != nil || len(k.Content) == 0 {
		return nil // kustomize will say what is wrong with it
	}
	root, dir := k.Content[0], filepath.Dir(path)
	for _, field := range []string{"patches", "patchesStrategicMerge", "patchesJson6902", "replacements"} {
		list := node.AsWritten(root, field)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, entry := range list.Content {
			file, _ := node.Scalar(entry)
			if p, ok := node.Scalar(node.AsWritten(entry, "path")); ok {
				file = p
			}
			if file != "" && !strings.Contains(file, "\n") {
				patches[filepath.Clean(filepath.Join(dir, file))] = true
			}
		}
	}
	return nil
}

// readWalked reads a file a walk found, or says why it is left out.
func readWalked(path string, patches map[string]bool, configFile string) (source, string, error) {
	switch {
	case patches[filepath.Clean(path)]:
		return source{}, "a patch a kustomization names; run kustomize build and pipe the output", nil
	case configFile != "" && filepath.Clean(path) == filepath.Clean(configFile):
		return source{}, "the --config file", nil
	}
	s, err := readSource(path)
	if err != nil {
		return source{}, "", err
	}
	return s, notAManifest(s.text), nil
}

// notAManifest says why text is not a file of whole Kubernetes objects, or "" when it is (or
// when it is not valid YAML, which the run then reports with its line).
func notAManifest(text []byte) string {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for i := 1; ; i++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return ""
		}
		if len(doc.Content) == 0 || node.IsNull(doc.Content[0]) {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			return fmt.Sprintf("document %d is %s, not an object (a JSON patch?)", i, node.Describe(root))
		}
		kind, _ := node.Scalar(node.AsDecoded(root, "kind"))
		apiVersion, _ := node.Scalar(node.AsDecoded(root, "apiVersion"))
		switch {
		case kind == "" || apiVersion == "":
			return fmt.Sprintf("document %d has no apiVersion and kind: not a Kubernetes object (a values file, a patch?)", i)
		case kind == "ResourceList":
			return "a ResourceList; run it on stdin, as kpt does"
		case strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/"):
			return "a kustomization; run kustomize build and pipe the output"
		}
	}
}
