package rules

import "github.com/kptdev/krm-functions-sdk/go/fn"

// Finding is one thing a rule found about a Service: a change or a problem.
type Finding struct {
	Severity fn.Severity
	// Path is the field, in the API server's notation: spec.ports[0].nodePort,
	// metadata.annotations[key].
	Path string
	// Message says why, in words a platform engineer acts on.
	Message string
	// Change is set when the finding changes the Service.
	Change *Change
	// Unsupported is set on the error for an unsupported Service, whose advice the run completes
	// (Advise).
	Unsupported *Unsupported
}

// Change is what a finding does to its field.
type Change struct {
	// Current is the value before, nil when the field was absent.
	Current any
	// Written is Current as the input writes it, when that reads as another value: an integer
	// written 0x2A30 is 10800. Empty otherwise.
	Written string
	// Proposed is the value after, nil when the field is removed.
	Proposed any
	// MovedTo is the field's new place, when the value moves rather than changes.
	MovedTo string
	// Pending is true when the change was not made: validate mode, or the Service has errors.
	Pending bool
}

// Outcome sums up what happened to one Service.
type Outcome int

const (
	Compliant Outcome = iota // nothing to change
	Updated                  // changed
	Failed                   // an error result names it; left as it was
	Skipped                  // unsupported (headless, ExternalName) and passed through: onUnsupported is skip
)
