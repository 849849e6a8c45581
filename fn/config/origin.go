package config

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// The command line marks the functionConfig it builds for plain YAML input with these annotations,
// so that messages name what the user typed: the flag, or the file and its key. A ResourceList's
// own functionConfig carries neither, and its keys are named as keys.
const (
	// FlagsAnnotation lists the config keys set by flags, comma-separated.
	FlagsAnnotation = "internal.session-affinity.kpt.dev/flags"
	// FileAnnotation is the --config file.
	FileAnnotation = "internal.session-affinity.kpt.dev/config-file"
	// PlainAnnotation marks a config built by the command line for plain YAML input.
	PlainAnnotation = "internal.session-affinity.kpt.dev/plain"
)

// Origin says where the config's values came from.
type Origin struct {
	// Plain is true for plain YAML input (Helm, CI), where the user has flags and --config.
	Plain bool
	// File is the --config file, "" when none.
	File string
	// Flags are the keys set by flags.
	Flags map[string]bool
	// Keys are the keys the config object itself sets (in the file or the functionConfig).
	Keys map[string]bool
	// Prefix is where the keys sit in the config object: "data." in a ConfigMap, "" typed.
	Prefix string
}

func originOf(fc *yaml.Node) Origin {
	text := func(key string) string {
		v, _ := node.Scalar(node.AsWritten(fc, "metadata", "annotations", key))
		return v
	}
	o := Origin{Plain: text(PlainAnnotation) == "true", File: text(FileAnnotation), Flags: map[string]bool{}, Keys: map[string]bool{}}
	for _, k := range strings.Split(text(FlagsAnnotation), ",") {
		if k != "" {
			o.Flags[k] = true
		}
	}
	return o
}

// FlagName turns a config key into its flag: clientIPTimeoutSeconds -> client-ip-timeout-seconds.
func FlagName(key string) string {
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

// Blame names where key's value came from, in the user's words: `--client-ip-timeout-seconds
// 100000`, `config.yaml data.clientIPTimeoutSeconds`, or the functionConfig key.
func (o Origin) Blame(key, path, value string) string {
	switch {
	case o.Flags[key]:
		if value == "" {
			return "--" + FlagName(key)
		}
		return "--" + FlagName(key) + " " + value
	case o.File != "":
		return "--config " + o.File + " " + path
	}
	return path
}

// Knob says how the user sets key to value: the flag in plain mode unless their --config file
// already sets it, else the functionConfig key.
func (o Origin) Knob(key, value string) string {
	switch {
	case o.Plain && o.File != "" && o.Keys[key]:
		return key + ": " + value + " in " + o.File
	case o.Plain && value == "true":
		return "--" + FlagName(key)
	case o.Plain:
		return "--" + FlagName(key) + " " + value
	}
	return key + ": " + value
}

// Drop says how the user removes key's value: the flag, the file's key, or the functionConfig key.
func (o Origin) Drop(key string) string {
	switch {
	case o.Flags[key]:
		return "drop --" + FlagName(key)
	case o.File != "":
		return "remove " + key + " from " + o.File
	}
	return "remove the key " + key
}
