package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/policy"
	"github.com/sticky-services/set-session-affinity/fn/processor"
)

// PolicyCommand is the subcommand that prints the admission policy.
const PolicyCommand = "policy"

// runPolicy is `set-session-affinity policy [flags]`: the ValidatingAdmissionPolicy and binding
// for the config given by the same sources as plain YAML mode (flags over --config over defaults).
func runPolicy(args []string, stdout, stderr io.Writer) int {
	o := &options{keys: map[string]string{}}
	var help bool
	var name, actions, namespaces string
	validating, mutating := true, true
	fs := flag.NewFlagSet(processor.Name+" "+PolicyCommand, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&help, "help", false, "")
	fs.BoolVar(&help, "h", false, "")
	fs.StringVar(&o.configFile, "config", "", "")
	fs.StringVar(&name, "name", policy.DefaultName, "")
	fs.StringVar(&actions, "validation-actions", policy.Deny, "")
	fs.StringVar(&namespaces, "namespace-selector", "", "")
	fs.BoolVar(&validating, "validating", true, "")
	fs.BoolVar(&mutating, "mutating", true, "")
	o.configFlags(fs)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	if help {
		fmt.Fprint(stdout, policyUsage())
		return 0
	}
	if len(rest) > 0 {
		return fail(stderr, fmt.Errorf("%s: unexpected argument %q; see %s --help", PolicyCommand, rest[0], PolicyCommand))
	}
	fc, err := o.functionConfig()
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	cfg, errs := config.Decode(fc, o.origin())
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(stderr, "%s %s: %v\n", processor.Name, PolicyCommand, e)
		}
		return exitUsage
	}
	var list []string
	for _, a := range strings.Split(actions, ",") {
		if a = strings.TrimSpace(a); a != "" {
			list = append(list, a)
		}
	}
	objs, err := buildPolicies(cfg, name, list, namespaces, validating, mutating)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	out, err := policy.Render(objs...)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	if _, err := stdout.Write(out); err != nil {
		return fail(stderr, err)
	}
	return 0
}

// buildPolicies returns the mutating policy and binding, then the validating ones, each pair
// unless left out: in that order the reader sees what is written before what is judged.
func buildPolicies(cfg config.Config, name string, actions []string, namespaces string, validating, mutating bool) ([]policy.Object, error) {
	if !validating && !mutating {
		return nil, fmt.Errorf("--validating=false and --mutating=false leave nothing to print; keep at least one")
	}
	opts := policy.Options{Name: name, ValidationActions: actions}
	if namespaces != "" {
		sel, err := labels.Parse(namespaces)
		if err != nil {
			return nil, fmt.Errorf("--namespace-selector %q: %s; want a label selector such as team=web or env notin (dev)", namespaces, err.Error())
		}
		opts.NamespaceSelector = sel
	}
	var objs []policy.Object
	if mutating {
		p, b, err := policy.BuildMutating(cfg, opts)
		if err != nil {
			return nil, err
		}
		objs = append(objs, p, b)
	}
	if validating {
		p, b, err := policy.Build(cfg, opts)
		if err != nil {
			return nil, err
		}
		objs = append(objs, p, b)
	}
	return objs, nil
}

func policyUsage() string {
	var b strings.Builder
	b.WriteString(`set-session-affinity policy prints a MutatingAdmissionPolicy and its binding
(admissionregistration.k8s.io/v1; Kubernetes 1.36 or newer) that write into a CREATE or UPDATE of a
core v1 Service what the function would write, then a ValidatingAdmissionPolicy and its binding
(Kubernetes 1.30 or newer) that deny one --mode validate would fail, with the same selector,
provider, timeouts and messages. The API server runs mutating admission first, so the validating
policy judges the mutated Service. What only the function does is listed in each policy's
` + policy.LimitsAnnotation + ` annotation.

Usage:
  set-session-affinity policy [flags] > policy.yaml && kubectl apply -f policy.yaml

Flags (the function's config, as in plain YAML mode; flags override --config):
`)
	line := func(flag, text string) { fmt.Fprintf(&b, "  %-36s %s\n", flag, text) }
	line("--config FILE", "a ConfigMap or fn.kpt.dev/v1alpha1 SetSessionAffinity")
	for _, k := range config.Keys() {
		value := " VALUE"
		switch {
		case k.Name == "mode":
			line("--mode VALUE", "accepted and ignored: the policy judges as validate mode does")
			continue
		case k.Type == "boolean":
			value = ""
		}
		line("--"+flagName(k.Name)+value, fmt.Sprintf("%s; default %s", k.Summary, k.Default))
	}
	line("--validation-actions LIST", "the binding's validationActions: Deny, Warn, Audit, comma separated; default Deny")
	line("--namespace-selector SELECTOR", "both bindings apply only in namespaces whose labels match (kubectl syntax); default every namespace")
	line("--mutating=false", "leave out the MutatingAdmissionPolicy and its binding (clusters before 1.36)")
	line("--validating=false", "leave out the ValidatingAdmissionPolicy and its binding")
	line("--name NAME", "the policies' and the bindings' name; default "+policy.DefaultName)
	line("--help", "this text")
	return b.String()
}
