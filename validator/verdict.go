package validator

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Verdict is the answer to one create request, in the terms of the server's reply.
type Verdict struct {
	Accepted bool
	// Code is the HTTP status: 201 when accepted, 400 for a body that does not decode, 422 for an
	// invalid Service, 500 for an allocation failure.
	Code     int
	Reason   metav1.StatusReason
	Message  string
	Causes   []metav1.StatusCause
	Warnings []string
}

// Accepted is the Verdict for a Service the server would create.
func accepted(warnings []string) Verdict {
	return Verdict{Accepted: true, Code: 201, Warnings: warnings}
}

// FromStatus makes the Verdict for a server's failure Status.
func FromStatus(s metav1.Status) Verdict {
	v := Verdict{Code: int(s.Code), Reason: s.Reason, Message: s.Message}
	if s.Details != nil {
		v.Causes = s.Details.Causes
	}
	return v
}

// fromError makes the Verdict for an error of the server's own code.
func fromError(err error) Verdict {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return FromStatus(status.Status())
	}
	return FromStatus(apierrors.NewInternalError(err).Status())
}

// Decode errors carry no causes; their fields are in the message, in these forms:
//
//	json: cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string
//	strict decoding error: unknown field "spec.timeoutSeconds", unknown field "spec.x"
//	strict decoding error: yaml: unmarshal errors:\n  line 8: key "type" already set in map
var (
	structFieldRE    = regexp.MustCompile(`Go struct field \w+\.([A-Za-z0-9_.\[\]]+) of type`)
	unknownFieldRE   = regexp.MustCompile(`unknown field "([^"]+)"`)
	duplicateKeyRE   = regexp.MustCompile(`key "([^"]+)" already set in map`)
	duplicateFieldRE = regexp.MustCompile(`duplicate field "([^"]+)"`)
)

// Fields lists the fields the server names as the reason, in its notation
// (spec.ports[0].nodePort, metadata.annotations[key]), without duplicates. For a decode error it
// reads them out of the message. A duplicate YAML key names only the key, which is all the server
// says.
func (v Verdict) Fields() []string {
	var fields []string
	for _, c := range v.Causes {
		if c.Field != "" {
			fields = append(fields, c.Field)
		}
	}
	for _, re := range []*regexp.Regexp{structFieldRE, unknownFieldRE, duplicateKeyRE, duplicateFieldRE} {
		for _, m := range re.FindAllStringSubmatch(v.Message, -1) {
			fields = append(fields, m[1])
		}
	}
	slices.Sort(fields)
	return slices.Compact(fields)
}

// String is one line for a log: the outcome, and the reason when refused.
func (v Verdict) String() string {
	if v.Accepted {
		return fmt.Sprintf("accepted (%d)", v.Code)
	}
	return fmt.Sprintf("refused (%d %s): %s", v.Code, v.Reason, strings.ReplaceAll(v.Message, "\n", " "))
}

// Names reports whether one of the Verdict's fields is path, in the sense of FieldMatches.
func (v Verdict) Names(path string) bool {
	for _, f := range v.Fields() {
		if FieldMatches(f, path) {
			return true
		}
	}
	return false
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

// FieldMatches reports whether a field the server names and a field path in the API server's
// notation are the same reason:
//   - the same field, or one inside the other: the server's spec.selector and our
//     spec.selector.timeoutSeconds, metadata.annotations and metadata.annotations[key];
//   - a decode error leaves out list indexes: spec.ports.port is spec.ports[0].port;
//   - a duplicate-key error (and a few causes) give a bare key: externalTrafficPolicy is
//     spec.externalTrafficPolicy.
func FieldMatches(serverField, path string) bool {
	if SameField(serverField, path) || SameField(serverField, listIndex.ReplaceAllString(path, "")) {
		return true
	}
	bare := !strings.ContainsAny(serverField, ".[")
	return bare && serverField != "" && strings.HasSuffix(path, "."+serverField)
}

// SameField reports whether two field paths are equal or one is inside the other.
func SameField(a, b string) bool {
	return a == b || isInside(a, b) || isInside(b, a)
}

func isInside(inner, outer string) bool {
	if len(inner) <= len(outer) || !strings.HasPrefix(inner, outer) {
		return false
	}
	next := inner[len(outer)]
	return next == '.' || next == '['
}
