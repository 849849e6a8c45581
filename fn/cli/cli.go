// Package cli is the command line around the function: a ResourceList on stdin runs as a KRM
// function; plain YAML documents run as a stream, configured by --config and flags that mirror
// the config keys. No flag changes the ResourceList contract.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/processor"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// options are the parsed command line.
type options struct {
	help, version bool
	configFile    string
	// out is where plain mode sends results besides the stderr lines.
	out report.Destinations
	// keys holds the config keys set by flags, by config key name.
	keys map[string]string
	// flagOrder keeps the order the keys were documented in, for a stable config.
	flagOrder []string
	// paths are the files and directories to read ("-" is stdin); none means stdin.
	paths []string
	// inPlace writes changed files back instead of printing them.
	inPlace bool
	// output is how findings are shown: text, json, sarif or github.
	output string
}

// flagName turns a config key into its flag: clientIPTimeoutSeconds -> client-ip-timeout-seconds.
func flagName(key string) string { return config.FlagName(key) }

func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{keys: map[string]string{}}
	fs := flag.NewFlagSet(processor.Name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.StringVar(&o.configFile, "config", "", "")
	fs.StringVar(&o.out.ResultsFile, "results", "", "")
	fs.BoolVar(&o.out.Verbose, "verbose", false, "")
	fs.BoolVar(&o.out.Verbose, "v", false, "")
	fs.BoolVar(&o.inPlace, "in-place", false, "")
	fs.StringVar(&o.output, "output", "text", "")
	o.configFlags(fs)
	paths, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	o.paths = paths
	return o, checkOutput(o.output)
}

// configFlags defines a flag for each config key, recording the values given in o.keys.
func (o *options) configFlags(fs *flag.FlagSet) {
	for _, k := range config.Keys() {
		key := k.Name
		o.flagOrder = append(o.flagOrder, key)
		if k.Type == "boolean" {
			fs.BoolFunc(flagName(key), "", func(v string) error { o.keys[key] = v; return nil })
		} else {
			fs.Func(flagName(key), "", func(v string) error { o.keys[key] = v; return nil })
		}
	}
}

// Main runs the command and returns its exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer, version string) int {
	if len(args) > 0 && args[0] == PolicyCommand {
		return runPolicy(args[1:], stdout, stderr)
	}
	if len(args) == 1 && args[0] == "help" {
		args = []string{"--help"}
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
		fmt.Fprintf(stdout, "%s %s\n", processor.Name, fullVersion(version))
		return 0
	case !(len(o.paths) == 0 || len(o.paths) == 1 && o.paths[0] == "-") || o.output != "text" || o.inPlace:
		// Files, or a report format: each finding placed in its file. Stdin alone, as kpt,
		// kustomize and Helm send it, keeps its one path below (a ResourceList among them).
		return runInputs(o, stdin, stdout, stderr, fullVersion(version))
	}
	hintTerminal(stdin, stderr)
	in, err := readAll(stdin)
	if err != nil {
		return fail(stderr, fmt.Errorf("reading stdin: %w", err))
	}
	limitMemory(len(in))
	fc, err := o.functionConfig()
	if err != nil {
		return fail(stderr, err)
	}
	return processor.Run(in, processor.StreamOptions{Config: fc, Origin: o.origin(), FromCommandLine: o.configured(), Output: o.out}, stdout, stderr)
}

// readAll reads the input into a buffer of its size: a file's size is known up front; a pipe is
// read in chunks joined once, so the input is never held in a buffer grown by doubling. Chunks
// start small and double up to 4 MiB: a one-item run then touches a few pages, not 4 MiB.
func readAll(r io.Reader) ([]byte, error) {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			in := make([]byte, fi.Size())
			n, err := io.ReadFull(f, in)
			if err == nil || errors.Is(err, io.ErrUnexpectedEOF) {
				rest, err := io.ReadAll(f) // a file that grew meanwhile
				return append(in[:n], rest...), err
			}
			return nil, err
		}
	}
	var chunks [][]byte
	size := 0
	for chunkSize := 64 << 10; ; chunkSize = min(2*chunkSize, 4<<20) {
		chunk := make([]byte, chunkSize)
		n, err := io.ReadFull(r, chunk)
		chunks, size = append(chunks, chunk[:n]), size+n
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	in := make([]byte, 0, size)
	for _, c := range chunks {
		in = append(in, c...)
	}
	if size >= largeInput {
		// The chunks are garbage now (nothing reads them past the loop), as large as the
		// input: collected at once, their memory is what the run allocates next, instead of
		// more (a 57 MB list on a pipe peaked 54 MB higher than the same list as a file).
		runtime.GC()
	}
	return in, nil
}

// largeInput is the size from which the run tunes its memory (limitMemory).
const largeInput = 8 << 20

// limitMemory keeps the heap near what a large run holds: the input, held throughout, the pieces
// being decoded and the results. Go's default lets the heap reach twice what is live before it
// collects; collecting at a quarter more keeps peak memory near 2 to 3 times the input
// (BENCHMARKS.md). The memory limit is the bound the function promises, 3 times the input and
// 32 MiB, less the 8 MiB its code takes: should what is live come near it, the collector works
// harder rather than let the run pass it. A small input is left at the default: lowering the
// target below the heap start-up leaves costs a collection that a one-item run would feel.
func limitMemory(inputSize int) {
	if inputSize >= largeInput {
		debug.SetGCPercent(25)
		debug.SetMemoryLimit(int64(3*inputSize) + 24<<20)
	}
}

// fail reports what the user must fix before the function can run: exit code 2.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", processor.Name, err)
	return exitUsage
}

// functionConfig builds the config for stream mode: the --config file, with flags on top. Where
// its values came from is not in it: origin says that.
func (o *options) functionConfig() (*yaml.Node, error) {
	fc, err := o.readConfigFile()
	if err != nil {
		return nil, err
	}
	if fc == nil {
		fc = &yaml.Node{Kind: yaml.MappingNode}
		node.SetScalar(fc, "apiVersion", "v1", yaml.NodeTagString)
		node.SetScalar(fc, "kind", "ConfigMap", yaml.NodeTagString)
		node.SetScalar(node.EnsureMap(fc, "metadata"), "name", "flags", yaml.NodeTagString)
	}
	flags := o.flagKeys()
	if len(flags) == 0 {
		return fc, nil
	}
	typed := node.AsWritten(fc, "kind") != nil && node.AsWritten(fc, "kind").Value == config.Kind
	target := fc
	if !typed {
		target = node.EnsureMap(fc, "data")
	}
	docs := map[string]config.Doc{}
	for _, k := range config.Keys() {
		docs[k.Name] = k
	}
	for _, key := range flags {
		node.SetScalar(target, key, o.keys[key], tagFor(docs[key].Type, typed))
	}
	return fc, nil
}

// flagKeys are the config keys set by flags, in the order they are documented.
func (o *options) flagKeys() []string {
	var flags []string
	for _, key := range o.flagOrder {
		if _, ok := o.keys[key]; ok {
			flags = append(flags, key)
		}
	}
	return flags
}

// origin says where the values of functionConfig came from, so that messages name the flag, or
// the file and key, the user typed.
func (o *options) origin() config.Origin {
	flags := map[string]bool{}
	for _, key := range o.flagKeys() {
		flags[key] = true
	}
	return config.Origin{Plain: true, File: o.configFile, Flags: flags}
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

// configured says the command line sets config (--config or a config flag), which a ResourceList,
// carrying its own functionConfig, refuses.
func (o *options) configured() bool { return o.configFile != "" || len(o.keys) > 0 }
