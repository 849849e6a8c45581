package validator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// configKeys are the function's config keys whose flags a corpus entry may give (fn/config's
// Keys); a flag not listed here fails the test, so that a new one is added rather than ignored.
var configKeys = []string{"selector", "provider", "clientIPTimeoutSeconds", "persistenceTimeoutSeconds", "mode", "promoteToLoadBalancer"}

// corpusCase reads corpus/<name>/flags (one --flag=value a line) as the config its entry is run
// with. mode is left out: the policy is validate mode.
func corpusCase(t *testing.T, dir string) policyCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "flags"))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(dir)
	c := policyCase{name: "corpus-" + name, config: map[string]string{}, probe: map[string]string{}, extra: true}
	for _, line := range strings.Fields(string(b)) {
		flag, value, _ := strings.Cut(strings.TrimPrefix(line, "--"), "=")
		key := ""
		for _, k := range configKeys {
			if flagName(k) == flag {
				key = k
			}
		}
		switch {
		case key == "":
			t.Fatalf("corpus/%s/flags: %s is no config key's flag this test knows; add it to configKeys", name, line)
		case key == "mode":
			continue
		case key == "promoteToLoadBalancer" && value == "":
			value = "true"
		}
		c.config[key] = value
	}
	// The probe must be selected: the corpus's selectors are key=value lists (or empty).
	if sel := c.config["selector"]; sel != "" {
		for _, req := range strings.Split(sel, ",") {
			k, v, ok := strings.Cut(req, "=")
			if !ok || strings.ContainsAny(k, "!<> ") {
				t.Fatalf("corpus/%s: selector %q: the probe can only be made for key=value selectors", name, sel)
			}
			c.probe[k] = v
		}
	} else if _, set := c.config["selector"]; !set {
		c.probe[stickyLabel] = "true"
	}
	return c
}

// TestPolicyCorpusFlags runs each real-world corpus entry (corpus/<name>/rendered.yaml) under the
// config it is run with (its flags file): its Services are judged as in
// TestPolicyAgreesWithValidateMode, with the policy that config generates.
func TestPolicyCorpusFlags(t *testing.T) {
	needServer(t)
	files := corpusFiles(t)
	if len(files) == 0 {
		t.Skip("no corpus/*/rendered.yaml in this checkout")
	}
	all := policyCorpus(t)
	judged := 0
	for _, file := range files {
		dir := filepath.Dir(file)
		if _, err := os.Stat(filepath.Join(dir, "flags")); err != nil {
			continue
		}
		c := corpusCase(t, dir)
		var services []policyService
		// The goldens read the corpus's ResourceList runs too (corpus/<name> input and output);
		// the rendered file adds what they do not hold (the Services inside a kubectl List).
		entry := "corpus/" + filepath.Base(dir)
		for _, s := range all {
			if strings.HasPrefix(s.origin, entry+"/") || strings.HasPrefix(s.origin, entry+" ") {
				services = append(services, s)
			}
		}
		if len(services) == 0 {
			t.Errorf("%s: no Service found in the corpus entry", entry)
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			for _, s := range services {
				theServerJudge.ensureNamespace(t, t.Context(), s.requestNamespace())
			}
			policy, binding := generatePolicy(t, c)
			remove := installPolicy(t, c, policy, binding)
			defer remove()
			tally := policyTally{excluded: map[string]int{}}
			checkAgreement(t, c, services, &tally, map[string]bool{}, theServerJudge)
			checkMutateOutput(t, c, services, &tally, theServerJudge)
			judged += tally.judged
			report("policy "+c.name, "%d of %d Services judged at admission under %v (%d admitted, %d denied); excluded %v; mutate output: %d admitted",
				tally.judged, len(services), c.flags(), tally.admitted, tally.denied, tally.excluded, tally.mutateAdmitted)
		})
	}
	report("policy corpus flags", "%d corpus Services judged under their own entries' flags", judged)
}
