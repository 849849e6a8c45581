package rules

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// The cases follow protocol() in the Alibaba CCM (clbv1/listeners.go) line by line.
func TestListenerProtocol(t *testing.T) {
	clb := provider.Alibaba.Listener
	for _, tc := range []struct {
		annotation, port, portProtocol string
		want, wantErr                  string
	}{
		{annotation: "", port: "80", portProtocol: "TCP", want: "tcp"},
		{annotation: "", port: "53", portProtocol: "UDP", want: "udp"},
		{annotation: "http:80", port: "80", portProtocol: "TCP", want: "http"},
		{annotation: "https:443,http:80", port: "80", portProtocol: "TCP", want: "http"},
		{annotation: "https:443", port: "80", portProtocol: "TCP", want: "tcp"},
		{annotation: "tcp:80", port: "80", portProtocol: "UDP", want: "tcp"},
		// Entries after the match are not looked at, as in the CCM.
		{annotation: "tcp:80,nonsense", port: "80", portProtocol: "TCP", want: "tcp"},
		// A port no entry names walks every entry, so a bad one anywhere fails.
		{annotation: "tcp:80,nonsense", port: "81", portProtocol: "TCP", wantErr: "port and protocol format must be like 'https:443' with colon separated. got=[nonsense]"},
		{annotation: "HTTP:80", port: "80", portProtocol: "TCP", wantErr: "port protocol format must be either [http|https|tcp|udp], protocol not supported wit [HTTP]"},
		// Spaces are not trimmed, so " http:80" is an unknown protocol.
		{annotation: "tcp:81, http:80", port: "80", portProtocol: "TCP", wantErr: "protocol not supported wit [ http]"},
		// A third field is allowed (len(pp) < 2 is the only format check) and ignored.
		{annotation: "http:80:x", port: "80", portProtocol: "TCP", want: "http"},
		// The port is compared as text: "080" never matches port 80.
		{annotation: "http:080", port: "80", portProtocol: "TCP", want: "tcp"},
	} {
		got, err := listenerProtocol(tc.annotation, tc.port, tc.portProtocol, clb)
		switch {
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q port %s: error %v, want %q", tc.annotation, tc.port, err, tc.wantErr)
		case tc.wantErr == "" && (err != nil || got != tc.want):
			t.Errorf("%q port %s: got %q, %v; want %q", tc.annotation, tc.port, got, err, tc.want)
		}
	}
}
