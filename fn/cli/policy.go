package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

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
	var name, actions string
	fs := flag.NewFlagSet(processor.Name+" "+PolicyCommand, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.BoolVar(&help, "help", false, "")
	fs.BoolVar(&help, "h", false, "")
	fs.StringVar(&o.configFile, "config", "", "")
	fs.StringVar(&name, "name", policy.DefaultName, "")
	fs.StringVar(&actions, "validation-actions", policy.Deny, "")
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
	cfg, errs := config.Decode(fc)
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
	pol, binding, err := policy.Build(cfg, policy.Options{Name: name, ValidationActions: list})
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	out, err := policy.Render(pol, binding)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", PolicyCommand, err))
	}
	if _, err := stdout.Write(out); err != nil {
		return fail(stderr, err)
	}
	return 0
}

func policyUsage() string {
	var b strings.Builder
	b.WriteString(`set-session-affinity policy prints a ValidatingAdmissionPolicy and a ValidatingAdmissionPolicyBinding
(admissionregistration.k8s.io/v1, CEL; Kubernetes 1.30 or newer) that deny a CREATE or UPDATE of a
core v1 Service that --mode validate would fail, with the same selector, provider, timeouts and
messages. What only the function can check is listed in the policy's
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
	line("--name NAME", "the policy's and the binding's name; default "+policy.DefaultName)
	line("--help", "this text")
	return b.String()
}
