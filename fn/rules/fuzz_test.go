package rules

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// FuzzListenerProtocol: the protocol-port parser never panics, and what it returns is a protocol
// the listener knows or the port's own, lowercased.
func FuzzListenerProtocol(f *testing.F) {
	for _, seed := range []string{"", "http:80", "https:443,http:80", "TCP:80", "tcp:80,nonsense", "a:b:c", ",", ":"} {
		f.Add(seed, "80", "TCP")
	}
	f.Fuzz(func(t *testing.T, annotation, port, portProtocol string) {
		for _, p := range []*provider.Profile{provider.Alibaba, provider.AlibabaNLB} {
			got, err := listenerProtocol(annotation, port, portProtocol, p.Listener)
			if err != nil {
				continue
			}
			if _, ok := known(p.Listener, got); !ok && got != strings.ToLower(portProtocol) {
				t.Errorf("%s: %q for port %q gave %q", p.Name, annotation, port, got)
			}
		}
	})
}
