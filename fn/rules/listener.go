package rules

import (
	"fmt"
	"slices"
	"strings"
)

// listenerProtocol returns the protocol of the listener a load balancer controller builds for a
// Service port, reading the protocol-port annotation exactly as the Alibaba CCM does
// (protocol() in pkg/controller/service/clbv1/listeners.go): entries `proto:port` separated by
// commas, checked in order until one names this port, protocols compared case-sensitively, the
// port compared as a decimal string. A port no entry names keeps its own protocol, lowercased.
func listenerProtocol(annotation, port, portProtocol string, protocols []string) (string, error) {
	if annotation == "" {
		return strings.ToLower(portProtocol), nil
	}
	for _, entry := range strings.Split(annotation, ",") {
		pp := strings.Split(entry, ":")
		if len(pp) < 2 {
			return "", fmt.Errorf("port and protocol format must be like 'https:443' with colon separated. got=%v", pp)
		}
		if !slices.Contains(protocols, pp[0]) {
			return "", fmt.Errorf("port protocol format must be either [%s], protocol not supported wit [%s]", strings.Join(protocols, "|"), pp[0])
		}
		if pp[1] == port {
			return pp[0], nil
		}
	}
	return strings.ToLower(portProtocol), nil
}
