package validator_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// propertyConfigs are the function configurations the property test runs; together they reach
// every rule that rewrites a Service.
var propertyConfigs = []struct {
	name   string
	config map[string]string
}{
	{"alibaba defaults", map[string]string{}},
	{"alibaba promote", map[string]string{"promoteToLoadBalancer": "true"}},
	{"alibaba short timeouts", map[string]string{"clientIPTimeoutSeconds": "60", "persistenceTimeoutSeconds": "600", "promoteToLoadBalancer": "true"}},
	{"generic", map[string]string{"provider": "generic"}},
	{"generic promote", map[string]string{"provider": "generic", "promoteToLoadBalancer": "true", "clientIPTimeoutSeconds": "86400"}},
	{"validate mode", map[string]string{"mode": "validate"}},
}

// propertySeed is fixed so that CI is repeatable; SSA_PROPERTY_SEED=N explores others.
func propertySeed(t *testing.T) uint64 {
	t.Helper()
	s := os.Getenv("SSA_PROPERTY_SEED")
	if s == "" {
		return 1
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("SSA_PROPERTY_SEED=%q: %v", s, err)
	}
	return n
}

const servicesPerConfig = 150

// TestPropertyOutputsAreAccepted runs the function over random Services and holds every run to the
// golden rules: what the function changed is created by the API server, and what it refuses for
// an API rule is refused by the server for a field it named.
func TestPropertyOutputsAreAccepted(t *testing.T) {
	seed := propertySeed(t)
	for _, j := range judges() {
		t.Run(j.name(), func(t *testing.T) {
			var outputs outputCounts
			var refusals refusalCounts
			for k, pc := range propertyConfigs {
				t.Run(pc.name, func(t *testing.T) {
					input := newServiceGen(seed+uint64(k)).resourceList(servicesPerConfig, pc.config)
					output := runFunction(t, input)
					checkOutputs(t, j, pc.name, input, output, &outputs)
					checkRefusals(t, j, pc.name, input, output, &refusals)
				})
			}
			where := fmt.Sprintf("property runs (seed %d, %d Services x %d configs)", seed, servicesPerConfig, len(propertyConfigs))
			report("property outputs ("+j.name()+")", "%s", outputs.summary(where))
			report("property refusals ("+j.name()+")", "%s", refusals.summary(where))
		})
	}
}

// runFunction runs the function binary; exit code 1 (error results) is a normal outcome.
func runFunction(t testing.TB, input []byte) []byte {
	t.Helper()
	out, err := runFunctionOnce(input)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runFunctionOnce(input []byte) ([]byte, error) {
	cmd := exec.Command(functionBin)
	cmd.Stdin = bytes.NewReader(input)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) {
		return nil, fmt.Errorf("set-session-affinity: %w\n%s", err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}
