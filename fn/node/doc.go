// Package node holds the few YAML node operations the function needs that kyaml's filters do not
// offer in the form required here: reading without allocating, and writing a scalar in place so
// that its comments and quoting survive.
package node
