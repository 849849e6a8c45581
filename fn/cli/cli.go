// Package cli is the command line around the function: a ResourceList on stdin runs as a KRM
// function; plain YAML documents run in stream mode, configured by --config and flags that
// mirror the config keys. No flag changes the ResourceList contract.
package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/processor"
	"github.com/sticky-services/set-session-affinity/fn/stream"
)

// options are the parsed command line.
type options struct {
	help, version bool
	configFile    string
	// keys holds the config keys set by flags, by config key name.
	keys map[string]string
	// flagOrder keeps the order the keys were documented in, for a stable config.
	flagOrder []string
}

// flagName turns a config key into its flag: clientIPTimeoutSeconds -> client-ip-timeout-seconds.
func flagName(key string) string {
	var b strings.Builder
	for i, r := range key {
		upper := r >= 'A' && r <= 'Z'
		if upper && i > 0 && !(key[i-1] >= 'A' && key[i-1] <= 'Z' && (i+1 == len(key) || key[i+1] >= 'A' && key[i+1] <= 'Z')) {
			b.WriteByte('-')
		}
		b.WriteString(strings.ToLower(string(r)))
	}
	return b.String()
}

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{keys: map[string]string{}}
	fs := flag.NewFlagSet(processor.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.StringVar(&o.configFile, "config", "", "")
	for _, k := range config.Keys() {
		key := k.Name
		o.flagOrder = append(o.flagOrder, key)
		if k.Type == "boolean" {
			fs.BoolFunc(flagName(key), "", func(v string) error { o.keys[key] = v; return nil })
		} else {
			fs.Func(flagName(key), "", func(v string) error { o.keys[key] = v; return nil })
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%v; see --help", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: input comes on stdin; see --help", fs.Arg(0))
	}
	return o, nil
}

// Main runs the command and returns its exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	if len(args) > 0 && args[0] == PolicyCommand {
		return runPolicy(args[1:], stdout, stderr)
	}
	o, err := parse(args, stderr)
	if err != nil {
		return fail(stderr, err)
	}
	switch {
	case o.help:
		fmt.Fprint(stdout, usage())
		return 0
	case o.version:
		fmt.Fprintf(stdout, "%s %s\n", processor.Name, version)
		return 0
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return fail(stderr, fmt.Errorf("reading stdin: %w", err))
	}
	if looksLikeResourceList(in) {
		return runResourceList(o, in, stdout, stderr)
	}
	docs, err := stream.Split(in)
	if errors.Is(err, stream.ErrResourceList) {
		return runResourceList(o, in, stdout, stderr)
	}
	if err != nil {
		return fail(stderr, err)
	}
	fc, err := o.functionConfig()
	if err != nil {
		return fail(stderr, err)
	}
	return stream.Run(docs, fc, stdout, stderr)
}

func runResourceList(o *options, in []byte, stdout, stderr io.Writer) int {
	if o.configFile != "" || len(o.keys) > 0 {
		return fail(stderr, errors.New("--config and config flags apply to plain YAML input only; a ResourceList carries its own functionConfig"))
	}
	return processor.Run(in, stdout, stderr)
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", processor.Name, err)
	return 1
}

// looksLikeResourceList spots a ResourceList from its first document's top-level kind without
// parsing the whole input, so large lists go straight to the processor.
func looksLikeResourceList(in []byte) bool {
	for len(in) > 0 {
		line := in
		if i := bytes.IndexByte(in, '\n'); i >= 0 {
			line, in = in[:i], in[i+1:]
		} else {
			in = nil
		}
		if bytes.HasPrefix(line, []byte("kind:")) {
			kind := strings.Trim(strings.TrimSpace(string(line[len("kind:"):])), `"'`)
			return kind == "ResourceList"
		}
		if bytes.HasPrefix(line, []byte("---")) && len(bytes.TrimSpace(line)) == 3 && len(in) > 0 {
			continue
		}
	}
	return false
}

// functionConfig builds the config for stream mode: the --config file, with flags on top.
func (o *options) functionConfig() (*yaml.Node, error) {
	fc, err := o.readConfigFile()
	if err != nil || len(o.keys) == 0 {
		return fc, err
	}
	if fc == nil {
		fc = &yaml.Node{Kind: yaml.MappingNode}
		node.SetScalar(fc, "apiVersion", "v1", yaml.NodeTagString)
		node.SetScalar(fc, "kind", "ConfigMap", yaml.NodeTagString)
		node.SetScalar(node.EnsureMap(fc, "metadata"), "name", "flags", yaml.NodeTagString)
	}
	typed := node.Get(fc, "kind") != nil && node.Get(fc, "kind").Value == config.Kind
	target := fc
	if !typed {
		target = node.EnsureMap(fc, "data")
	}
	docs := map[string]config.Doc{}
	for _, k := range config.Keys() {
		docs[k.Name] = k
	}
	for _, key := range o.flagOrder {
		if v, ok := o.keys[key]; ok {
			node.SetScalar(target, key, v, tagFor(docs[key].Type, typed))
		}
	}
	return fc, nil
}

// tagFor gives a flag's value the YAML type the config form expects; a value of the wrong shape
// is then reported by the config decoder like any other.
func tagFor(keyType string, typed bool) string {
	switch {
	case !typed:
		return yaml.NodeTagString
	case keyType == "integer":
		return yaml.NodeTagInt
	case keyType == "boolean":
		return yaml.NodeTagBool
	}
	return yaml.NodeTagString
}

func (o *options) readConfigFile() (*yaml.Node, error) {
	if o.configFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(o.configFile)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--config %s is not valid YAML: %w", o.configFile, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("--config %s: want one object, a ConfigMap or a %s/%s %s", o.configFile, config.Group, config.Version, config.Kind)
	}
	return doc.Content[0], nil
}
