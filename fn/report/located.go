package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Place is where a finding is in the input: the file ("" for stdin) and the 1-based line and
// column of the field, or of its object when the field is not there; Line 0 when unknown.
type Place struct {
	File         string
	Line, Column int
}

// String is "file:line:column", the form editors and compilers use; as much of it as is known.
func (p Place) String() string {
	var parts []string
	if p.File != "" {
		parts = append(parts, p.File)
	}
	if p.Line > 0 {
		parts = append(parts, strconv.Itoa(p.Line), strconv.Itoa(p.Column))
	}
	return strings.Join(parts, ":")
}

// Located is a result with its place.
type Located struct {
	Result *fn.Result
	Place  Place
}

// Shown keeps the results as severe as least (errors, then warnings, then info).
func Shown(all []Located, least fn.Severity) []Located {
	var kept []Located
	for _, l := range all {
		if rank(l.Result.Severity) >= rank(least) {
			kept = append(kept, l)
		}
	}
	return kept
}

// WriteText writes one line per result, as the stderr lines of a stream, prefixed with its place
// when it has one: `k8s/web.yaml:9:3: [error] v1/Service/web spec.sessionAffinity: ...`.
func WriteText(w io.Writer, results []Located) error {
	for _, l := range results {
		prefix := ""
		if s := l.Place.String(); s != "" {
			prefix = s + ": "
		}
		if _, err := fmt.Fprintln(w, prefix+l.Result.String()); err != nil {
			return err
		}
	}
	return nil
}

// Text is a result's text without its severity: `v1/Service/web spec.sessionAffinity: ...`.
func Text(r *fn.Result) string {
	s := r.String()
	if i := strings.Index(s, "] "); strings.HasPrefix(s, "[") && i >= 0 {
		return s[i+2:]
	}
	return strings.TrimPrefix(strings.TrimPrefix(s, "["+string(r.Severity)+"]"), ": ")
}

// jsonFinding is one result in --output json: the KRM result's fields, and its place.
type jsonFinding struct {
	Severity    fn.Severity     `json:"severity"`
	Message     string          `json:"message"`
	File        string          `json:"file,omitempty"`
	Line        int             `json:"line,omitempty"`
	Column      int             `json:"column,omitempty"`
	ResourceRef *fn.ResourceRef `json:"resourceRef,omitempty"`
	Field       *fn.Field       `json:"field,omitempty"`
}

// WriteJSON writes the results as one JSON object: {"exitCode": n, "findings": [...]}, every
// result (info too) with its place, for tools that filter for themselves.
func WriteJSON(w io.Writer, results []Located, exitCode int) error {
	out := struct {
		ExitCode int           `json:"exitCode"`
		Findings []jsonFinding `json:"findings"`
	}{ExitCode: exitCode, Findings: []jsonFinding{}}
	for _, l := range results {
		r := l.Result
		out.Findings = append(out.Findings, jsonFinding{Severity: r.Severity, Message: r.Message, File: l.Place.File,
			Line: l.Place.Line, Column: l.Place.Column, ResourceRef: r.ResourceRef, Field: r.Field})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
