package processor

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

// originService is a selected ClusterIP Service with a load-balancer field: its error advises
// promoteToLoadBalancer, named as the user sets it.
const originService = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {session-affinity.kpt.dev/sticky: \"true\"}\n" +
	"spec:\n  selector: {app: web}\n  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports: [{port: 80}]\n"

// TestFunctionConfigAnnotationsNameNoFlags: a ResourceList whose functionConfig carries the
// annotations fn/cli once used to mark the config it built (internal.session-affinity.kpt.dev/*)
// gets messages naming the functionConfig's keys, as any ResourceList does: a kpt or kustomize
// user has no flags and no --config. Before, the config decoder read the origin from those
// annotations and named `--client-ip-timeout-seconds 100000` and `--promote-to-load-balancer`.
func TestFunctionConfigAnnotationsNameNoFlags(t *testing.T) {
	list := func(data string) string {
		return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " +
			strings.ReplaceAll(strings.TrimSuffix(originService, "\n"), "\n", "\n  ") + "\nfunctionConfig:\n" +
			"  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cfg\n    annotations:\n" +
			"      internal.session-affinity.kpt.dev/plain: \"true\"\n" +
			"      internal.session-affinity.kpt.dev/config-file: cfg.yaml\n" +
			"      internal.session-affinity.kpt.dev/flags: \"clientIPTimeoutSeconds,promoteToLoadBalancer\"\n" +
			"  data: {" + data + "}\n"
	}
	for _, tc := range []struct{ name, data, want string }{
		{"invalid key", `clientIPTimeoutSeconds: "100000"`, "invalid config: 100000 is out of range"},
		{"advice", "", "make this a LoadBalancer Service with promoteToLoadBalancer: true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := Run([]byte(list(tc.data)), StreamOptions{}, &out, &errOut); code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, errOut.String())
			}
			if text := out.String() + errOut.String(); strings.Contains(text, "--") {
				t.Errorf("a message names a flag or --config, which a ResourceList's user does not have:\n%s", text)
			}
		})
	}
}

// TestStreamOriginNamesFlags: the origin the command line passes beside a stream's config names
// the flag the user typed, in the config error and in the advice; the same config with no origin
// is named by its keys.
func TestStreamOriginNamesFlags(t *testing.T) {
	flags := config.Origin{Plain: true, Flags: map[string]bool{"clientIPTimeoutSeconds": true}}
	for _, tc := range []struct {
		name   string
		data   string
		origin config.Origin
		code   int
		want   string
	}{
		{"flag", `  clientIPTimeoutSeconds: "100000"` + "\n", flags, 2, "--client-ip-timeout-seconds 100000: 100000 is out of range"},
		{"flag advice", "  mode: mutate\n", flags, 1, "make this a LoadBalancer Service with --promote-to-load-balancer"},
		{"no origin", `  clientIPTimeoutSeconds: "100000"` + "\n", config.Origin{}, 2, "invalid config: 100000 is out of range"},
		{"no origin advice", "  mode: mutate\n", config.Origin{}, 1, "make this a LoadBalancer Service with promoteToLoadBalancer: true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			s := StreamOptions{Config: configMap(t, tc.data), Origin: tc.origin}
			if code := Run([]byte(originService), s, &out, &errOut); code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr does not say %q:\n%s", tc.want, errOut.String())
			}
		})
	}
}
