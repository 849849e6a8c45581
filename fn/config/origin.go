package config

import "strings"

// Origin says where the config's values came from, so that messages name what the user typed:
// the flag, or the --config file and its key. The command line builds it and hands it to Decode
// beside the config object; it is never read from the object, so a functionConfig (from kpt or
// kustomize) is always named by its keys, whatever its metadata says.
type Origin struct {
	// Plain is true for plain YAML input (Helm, CI), where the user has flags and --config.
	Plain bool
	// File is the --config file, "" when none.
	File string
	// Flags are the keys set by flags.
	Flags map[string]bool
	// Keys are the keys the config object itself sets (in the file or the functionConfig);
	// Decode fills them.
	Keys map[string]bool
	// Prefix is where the keys sit in the config object: "data." in a ConfigMap, "" typed;
	// Decode fills it.
	Prefix string
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
