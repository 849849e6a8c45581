package rules

import "testing"

// TestJSONOptionKeepsOtherMembersAsWritten (issue 18.4): Huawei's session-affinity-option was
// decoded and encoded again to set persistence_timeout, so 9007199254740993 became ...992, 1e2
// became 100, keys were sorted and < escaped. Only the one member's value may change now.
func TestJSONOptionKeepsOtherMembersAsWritten(t *testing.T) {
	for _, tc := range []struct{ name, current, want string }{
		{"replaced in place",
			`{"type": "SOURCE_IP", "persistence_timeout": "5", "big": 9007199254740993, "e": 1e2, "note": "<a>"}`,
			`{"type": "SOURCE_IP", "persistence_timeout": "30", "big": 9007199254740993, "e": 1e2, "note": "<a>"}`},
		{"added after the last member, spaced as the others",
			`{"z": 1e2,  "a": "<"}`,
			`{"z": 1e2,  "a": "<",  "persistence_timeout": "30"}`},
		{"an equal number is left alone", `{"persistence_timeout": 30, "e": 1e2}`, `{"persistence_timeout": 30, "e": 1e2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := setJSONField(tc.current, true, "persistence_timeout", "30")
			if err != nil || got != tc.want {
				t.Errorf("got %q (%v), want %q", got, err, tc.want)
			}
		})
	}
	if got, _ := setJSONField("", false, "persistence_timeout", "30"); got != `{"persistence_timeout":"30"}` {
		t.Errorf("a missing annotation: got %q", got)
	}
}
