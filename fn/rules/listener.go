package rules

import (
	"fmt"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// known returns the protocol's canonical spelling when the listener accepts it.
func known(l *provider.Listener, proto string) (string, bool) {
	for _, p := range l.Protocols {
		if p == proto || (l.CaseInsensitive && strings.EqualFold(p, proto)) {
			return strings.ToLower(p), true
		}
	}
	return "", false
}

// listenerProtocol returns the protocol of the listener a load balancer controller builds for a
// Service port, reading the protocol-port annotation exactly as the Alibaba CCM does
// (protocol() in pkg/controller/service/clbv1/listeners.go): entries `proto:port` separated by
// commas, checked in order until one names this port, protocols compared case-sensitively, the
// port compared as a decimal string. A port no entry names keeps its own protocol, lowercased.
// The NLB controller reads the same shape case-insensitively (nlbListenerProtocol in nlbv2).
func listenerProtocol(annotation, port, portProtocol string, l *provider.Listener) (string, error) {
	if annotation == "" {
		return strings.ToLower(portProtocol), nil
	}
	for _, entry := range strings.Split(annotation, ",") {
		pp := strings.Split(entry, ":")
		if len(pp) < 2 {
			return "", fmt.Errorf("port and protocol format must be like 'https:443' with colon separated. got=%v", pp)
		}
		proto, ok := known(l, pp[0])
		if !ok {
			return "", fmt.Errorf(l.Unsupported, pp[0])
		}
		if pp[1] == port {
			return proto, nil
		}
	}
	return strings.ToLower(portProtocol), nil
}
