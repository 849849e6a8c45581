package rules

import (
	"strings"
	"testing"

	"github.com/sticky-services/set-session-affinity/fn/config"
)

// Integers mean what yaml.v3 says they mean, and what the API server reads (sigs.k8s.io/yaml,
// yaml v2, resolves the same forms): a plain +10800, 0x2A30, 0o25060, 025060 or 10_800 is 10800.
// A Service that says so is compliant and stays as written; a quoted "10800" is a string.
var intFormCases = func() []ruleCase {
	var cases []ruleCase
	for _, form := range []string{"+10800", "0x2A30", "0o25060", "025060", "10_800", "0b10101000110000", `!!int "0x2A30"`} {
		cases = append(cases, ruleCase{
			name:    "timeoutSeconds: " + form + " is 10800: compliant, left as written",
			in:      strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: "+form, 1),
			outcome: Compliant,
		})
	}
	return append(cases,
		ruleCase{
			name:     "timeoutSeconds: 0x0E10 is 3600, which an explicit config value replaces",
			cfg:      explicit,
			in:       strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 0x0E10", 1),
			want:     compliantLB,
			outcome:  Updated,
			findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		},
		ruleCase{
			name:     "timeoutSeconds: \"0x2A30\" quoted is a string, rewritten as the integer",
			in:       strings.Replace(compliantLB, "timeoutSeconds: 10800", `timeoutSeconds: "0x2A30"`, 1),
			want:     compliantLB,
			outcome:  Updated,
			findings: []string{"warning spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		},
		ruleCase{
			name: "port: 0x50 is port 80, so the protocol-port entry http:80 names it",
			in: strings.Replace(lb(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: "http:80"
`, ""), "port: 80", "port: 0x50", 1),
			outcome:  Failed,
			findings: []string{"error metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port]"},
		},
		ruleCase{
			name: "port: 0x50 with tcp:80 is a TCP listener: compliant",
			in: strings.Replace(strings.Replace(compliantLB, "port: 80", "port: 0x50", 1), "  annotations:\n",
				"  annotations:\n    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: \"http:8080,tcp:80\"\n", 1),
			outcome: Compliant,
		},
		ruleCase{
			name: "a misplaced timeoutSeconds: 10800 agrees with 0x2A30 in spec: it is removed, not a conflict",
			in: strings.Replace(strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 0x2A30", 1),
				"  type: LoadBalancer\n", "  type: LoadBalancer\n  selector:\n    app: web\n    timeoutSeconds: 10800\n", 1),
			want: strings.Replace(strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 0x2A30", 1),
				"  type: LoadBalancer\n", "  type: LoadBalancer\n  selector:\n    app: web\n", 1),
			outcome:  Updated,
			findings: []string{"warning spec.selector.timeoutSeconds"},
		},
	)
}()

func init() { ruleCases = append(ruleCases, intFormCases...) }

// TestIntMessagesShowBothForms: a message about an integer written in another form than its
// decimal value shows it as written and as read.
func TestIntMessagesShowBothForms(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"the listener names the port as written and as read",
			strings.Replace(lb(`    service.beta.kubernetes.io/alibaba-cloud-loadbalancer-protocol-port: "http:80"
`, ""), "port: 80", "port: 0x50", 1),
			"port 0x50 (80) has an http listener, which proxies the connection, so nodes never see the client IP; use tcp:80"},
		{"a conflicting misplaced timeout names both forms",
			strings.Replace(strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 0x2A30", 1),
				"  type: LoadBalancer\n", "  type: LoadBalancer\n  selector:\n    app: web\n    timeoutSeconds: 3600\n", 1),
			"spec.selector.timeoutSeconds is 3600 here but 0x2A30 (10800) at spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, findings := Apply(parse(t, tc.in), config.Default())
			if got := messages(findings); !strings.Contains(got, tc.want) {
				t.Errorf("messages do not say %q:\n%s", tc.want, got)
			}
		})
	}
}

// TestIntChangeKeepsTheWrittenForm: the change's current value is the integer as read, and the
// text as written rides along for the message.
func TestIntChangeKeepsTheWrittenForm(t *testing.T) {
	in := strings.Replace(compliantLB, "timeoutSeconds: 10800", "timeoutSeconds: 0x0E10", 1)
	cfg := config.Default()
	explicit(&cfg)
	_, findings := Apply(parse(t, in), cfg)
	for _, f := range findings {
		if f.Path != timeoutPath {
			continue
		}
		if f.Change == nil || f.Change.Current != 3600 || f.Change.Written != "0x0E10" || f.Change.Proposed != 10800 {
			t.Fatalf("change %+v; want current 3600 written 0x0E10, proposed 10800", f.Change)
		}
		return
	}
	t.Fatalf("no finding for %s:\n%s", timeoutPath, messages(findings))
}
