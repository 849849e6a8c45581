package validator_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sticky-services/set-session-affinity/validator"
	"github.com/sticky-services/set-session-affinity/validator/apiserver"
)

// repoRoot is the function's repository; this module lives in its validator/ directory.
const repoRoot = ".."

var (
	// functionBin is the set-session-affinity binary built from repoRoot for the property tests.
	functionBin string
	// inProcess is the validator every test run uses.
	inProcess *validator.Validator
	// server is the real kube-apiserver, when hack/apiserver/test.sh started one (nil otherwise).
	server *apiserver.Client
	// serverCIDR is the server's --service-cluster-ip-range, which the validator must share.
	serverCIDR string
)

func TestMain(m *testing.M) {
	code, err := setUpAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validator tests:", err)
		code = 1
	}
	printSummary()
	os.Exit(code)
}

func setUpAndRun(m *testing.M) (int, error) {
	tmp, err := os.MkdirTemp("", "validator-test-")
	if err != nil {
		return 1, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	if functionBin, err = buildFunction(tmp); err != nil {
		return 1, err
	}
	if err := connectServer(); err != nil {
		return 1, err
	}
	if inProcess, err = validator.New(validator.Config{ServiceCIDR: mustPrefix(serverCIDR)}); err != nil {
		return 1, err
	}
	return m.Run(), nil
}

// buildFunction builds the function with the repository's own go.mod, so this module never
// depends on the function's packages (and never needs tidying when they change).
func buildFunction(dir string) (string, error) {
	bin := filepath.Join(dir, "set-session-affinity")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the function: %w\n%s", err, out)
	}
	return bin, nil
}

// Environment set by hack/apiserver/test.sh (from the state directory start.sh writes).
const (
	envServerURL      = "SSA_APISERVER_URL"
	envServerToken    = "SSA_APISERVER_TOKEN"
	envServerCA       = "SSA_APISERVER_CA"
	envServerCIDR     = "SSA_APISERVER_SERVICE_CIDR"
	envServerRequired = "SSA_APISERVER_REQUIRED" // 1: no server is a failure, not a skip
	envSummaryFile    = "SSA_SUMMARY_FILE"
)

func connectServer() error {
	serverCIDR = os.Getenv(envServerCIDR)
	if serverCIDR == "" {
		serverCIDR = validator.DefaultServiceCIDR
	}
	url := os.Getenv(envServerURL)
	if url == "" {
		if os.Getenv(envServerRequired) == "1" {
			return fmt.Errorf("%s=1 but %s is not set: start a server with hack/apiserver/test.sh", envServerRequired, envServerURL)
		}
		return nil
	}
	c, err := apiserver.NewClient(apiserver.Server{URL: url, Token: os.Getenv(envServerToken), CAFile: os.Getenv(envServerCA)})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	version, err := c.Version(ctx)
	if err != nil {
		return fmt.Errorf("kube-apiserver at %s: %w", url, err)
	}
	fmt.Fprintf(os.Stderr, "validator tests: real kube-apiserver %s at %s, service CIDR %s\n", version, url, serverCIDR)
	server = c
	return nil
}

// needServer skips a test that needs the real server when there is none (a plain `go test`).
func needServer(t *testing.T) {
	t.Helper()
	if server == nil {
		t.Skipf("no kube-apiserver (%s unset); run `make test-apiserver`", envServerURL)
	}
}

// summary collects the counts and timings the tests report at the end of the run.
var summary = struct {
	sync.Mutex
	lines map[string]string
}{lines: map[string]string{}}

// report records one line of the closing summary under a key that orders it.
func report(key, format string, args ...any) {
	summary.Lock()
	defer summary.Unlock()
	summary.lines[key] = fmt.Sprintf(format, args...)
}

func printSummary() {
	summary.Lock()
	defer summary.Unlock()
	if len(summary.lines) == 0 {
		return
	}
	keys := make([]string, 0, len(summary.lines))
	for k := range summary.lines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%-34s %s\n", k+":", summary.lines[k])
	}
	fmt.Print(b.String())
	if file := os.Getenv(envSummaryFile); file != "" {
		_ = os.WriteFile(file, []byte(b.String()), 0o644)
	}
}
