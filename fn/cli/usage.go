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
  set-session-affinity [flags] FILE|DIR|-...        the same for files; directories are searched for *.yaml,
                                                    *.yml and *.json (kustomizations, their patches, Helm
                                                    charts and files of partial objects are skipped; -v says)
  set-session-affinity policy [flags]               the same rules as a ValidatingAdmissionPolicy (see policy --help)

Config keys: each key of a functionConfig (ConfigMap data, or fn.kpt.dev/v1alpha1
SetSessionAffinity), of a --config file, or of kpt's ` + "`-- key=value`" + `, and its flag for plain
YAML input (flags override --config):
`)
	for _, k := range config.Keys() {
		value := " VALUE"
		if k.Type == "boolean" {
			value = ""
		}
		fmt.Fprintf(&b, "  %s (%s)\n      --%s%s\n      %s; default %s; allowed %s\n", k.Name, k.Type, flagName(k.Name), value, k.Summary, k.Default, k.Allowed)
	}
	b.WriteString(`
Other flags (plain YAML input only):
`)
	line := func(flag, text string) { fmt.Fprintf(&b, "  %-22s %s\n", flag, text) }
	line("--config FILE", "a ConfigMap or fn.kpt.dev/v1alpha1 SetSessionAffinity")
	line("--results FILE", "write the results there, as kpt writes results.yaml (a FunctionResultList)")
	line("-v, --verbose", "print info results on stderr too: what was changed, not only warnings and errors")
	line("--in-place", "write changed files back instead of printing them (nothing is written when any file has an error)")
	line("--output FORMAT", "how findings are shown: text (stderr lines, file:line:column: first), json, sarif (SARIF 2.1.0)")
	line("", "or github (workflow commands: annotations); all but text go to stdout, so in mutate mode they need --in-place")
	line("-h, --help, help", "this text")
	line("--version", "the version")
	b.WriteString(`
Results: with plain YAML, each warning and error is one line on stderr (info too with -v), and
stdout gets the documents only when no error was found. Helm drops a post-renderer's stderr when
it succeeds: use --results to keep what changed. With a ResourceList, results go in the
ResourceList (kpt prints them), and each error is also one stderr line, which is all kustomize
shows.

Exit codes: 0 ok (warnings allowed); 1 findings (a validate failure, a refused Service); 2 usage
or unreadable input (a bad flag or config, a file that cannot be read, input that is not valid
YAML). With a ResourceList every failure is 1, as kpt and kustomize expect.

Examples:
  kpt fn eval pkg --exec set-session-affinity -- persistenceTimeoutSeconds=600
  kustomize build --enable-alpha-plugins --enable-exec overlay
  helm template app chart --post-renderer set-session-affinity
  set-session-affinity --mode validate < rendered.yaml
  set-session-affinity --mode validate --output github k8s/
  set-session-affinity --in-place k8s/
  helm template app chart --post-renderer set-session-affinity --post-renderer-args=--results=results.yaml
`)
	return b.String()
}
