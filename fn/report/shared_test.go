package report

import (
	"testing"
	"unsafe"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// TestSharedHoldsOneCopy: equal messages, fields and object names of results become one copy;
// a field whose value cannot be compared (a mapping that was removed) is left as it is; equal
// texts become one, and a text is kept at its own length.
func TestSharedHoldsOneCopy(t *testing.T) {
	var s Shared
	result := func(msg string, proposed any) *fn.Result {
		return &fn.Result{Message: string([]byte(msg)), Severity: fn.Info,
			ResourceRef: &fn.ResourceRef{APIVersion: string([]byte("v1")), Kind: "Service", Name: "a"},
			Field:       &fn.Field{Path: "spec.sessionAffinity", ProposedValue: proposed}}
	}
	a, b := fn.Results{result("set", "ClientIP")}, fn.Results{result("set", "ClientIP")}
	s.Results(a)
	s.Results(b)
	if a[0].Field != b[0].Field || unsafeData(a[0].Message) != unsafeData(b[0].Message) || unsafeData(a[0].ResourceRef.APIVersion) != unsafeData(b[0].ResourceRef.APIVersion) {
		t.Error("equal results do not share their message, field and apiVersion")
	}
	c := fn.Results{result("set", "None")}
	s.Results(c)
	if c[0].Field == a[0].Field || c[0].Field.ProposedValue != "None" {
		t.Error("a field with another value was shared")
	}
	m1, m2 := fn.Results{result("removed", map[string]any{"x": 1})}, fn.Results{result("removed", map[string]any{"x": 1})}
	s.Results(m1)
	s.Results(m2)
	if m1[0].Field == m2[0].Field {
		t.Error("a field holding a mapping was shared")
	}

	grown := append(make([]byte, 0, 64), "  sessionAffinity: ClientIP\n"...)
	first := s.Text(grown)
	if cap(first) >= cap(grown) || string(first) != string(grown) {
		t.Errorf("Text kept %d bytes of capacity for %d (the text grown to %d)", cap(first), len(grown), cap(grown))
	}
	if again := s.Text([]byte("  sessionAffinity: ClientIP\n")); &again[0] != &first[0] {
		t.Error("an equal text is not shared")
	}
	if other := s.Text([]byte("  type: NodePort\n")); string(other) != "  type: NodePort\n" {
		t.Errorf("another text came back as %q", other)
	}
}

// unsafeData is where a string's bytes are: two strings share a copy when it is the same.
func unsafeData(s string) *byte { return unsafe.StringData(s) }
