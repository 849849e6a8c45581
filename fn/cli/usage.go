package cli

import (
	"fmt"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

func usage() string {
	var b strings.Builder
	b.WriteString(`set-session-affinity makes labelled Kubernetes Services sticky from the cloud load balancer
to the pod: ClientIP affinity, its timeout, externalTrafficPolicy: Local and the provider's
load-balancer annotations, all agreeing. It repairs affinity keys placed under spec.selector and
refuses what cannot work, naming the field.

Usage:
  set-session-affinity < resourcelist.yaml          a KRM function (kpt, kustomize): config in functionConfig
  set-session-affinity [flags] < manifests.yaml     plain YAML documents (helm template, CI): config from flags
  set-session-affinity policy [flags]               the same rules as a ValidatingAdmissionPolicy (see policy --help)

Flags (plain YAML input only; flags override --config):
`)
	line := func(flag, text string) { fmt.Fprintf(&b, "  %-36s %s\n", flag, text) }
	line("--config FILE", "a ConfigMap or fn.kpt.dev/v1alpha1 SetSessionAffinity")
	for _, k := range config.Keys() {
		value := " VALUE"
		if k.Type == "boolean" {
			value = ""
		}
		line("--"+flagName(k.Name)+value, fmt.Sprintf("%s; default %s; allowed %s", k.Summary, k.Default, k.Allowed))
	}
	line("--help", "this text")
	line("--version", "the version")
	b.WriteString(`
Results: with plain YAML, each warning and error is one line on stderr, and stdout gets the
documents only when no error was found. Exit code 1 when any error.

Examples:
  kpt fn eval pkg --exec set-session-affinity -- persistenceTimeoutSeconds=600
  kustomize build --enable-alpha-plugins --enable-exec overlay
  helm template app chart --post-renderer set-session-affinity
  set-session-affinity --mode validate < rendered.yaml
`)
	return b.String()
}
