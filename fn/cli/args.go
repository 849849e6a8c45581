package cli

import (
	"flag"
	"fmt"
	"strings"
)

// Exit codes of a plain run, so that CI tells "policy failed" from "tool misused". Under the KRM
// protocol (a ResourceList on stdin) any failure is 1: kpt and kustomize read only zero or not.
const (
	exitOK       = 0 // nothing wrong; warnings allowed
	exitFindings = 1 // a validate failure, a refused Service: an error result
	exitUsage    = 2 // bad flags or config, an unreadable file, input that is not valid YAML
)

// parseArgs sets the flags in args on fs and returns the other arguments, in order: flags and
// paths may be mixed (`set-session-affinity k8s/ --mode validate`), `--` ends the flags, and `-`
// is stdin. Unlike flag.FlagSet.Parse it names a flag as the user typed it (--bogus, not -bogus).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			return append(paths, args[i+1:]...), nil
		case arg == "-" || !strings.HasPrefix(arg, "-"):
			paths = append(paths, arg)
			continue
		}
		typed, value, hasValue := strings.Cut(arg, "=")
		f := fs.Lookup(strings.TrimLeft(typed, "-"))
		if f == nil || strings.HasPrefix(typed, "---") {
			return nil, fmt.Errorf("unknown flag %s; see --help", typed)
		}
		if !hasValue && !isBool(f) {
			if i+1 == len(args) {
				return nil, fmt.Errorf("flag %s needs a value; see --help", typed)
			}
			i++
			value = args[i]
		} else if !hasValue {
			value = "true"
		}
		if err := fs.Set(f.Name, value); err != nil {
			return nil, fmt.Errorf("flag %s: invalid value %q: %w", typed, value, err)
		}
	}
	return paths, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// outputFormats are the values of --output: how findings are shown.
var outputFormats = []string{"text", "json", "sarif", "github"}

func checkOutput(format string) error {
	for _, f := range outputFormats {
		if f == format {
			return nil
		}
	}
	return fmt.Errorf("--output %s: allowed %s", format, strings.Join(outputFormats, ", "))
}
