package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) as GitHub code scanning
// reads it: one run, the function as its tool, one rule per field the findings name, and each
// result at its file, line and column.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// InformationURI is where the function is documented.
	InformationURI = "https://github.com/sticky-services/set-session-affinity"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
}

// index is a list index in a field path: spec.ports[0].port and spec.ports[1].port are one rule.
var index = regexp.MustCompile(`\[[0-9]+\]`)

// RuleID is the rule a result belongs to: its field path without list indexes, or the function's
// name for a result about no field (the config, the run).
func RuleID(r *fn.Result) string {
	if r.Field == nil || r.Field.Path == "" {
		return FunctionName
	}
	return index.ReplaceAllString(r.Field.Path, "[]")
}

// WriteSARIF writes the results as a SARIF 2.1.0 log; version is the function's.
func WriteSARIF(w io.Writer, results []Located, version string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: FunctionName, Version: version, InformationURI: InformationURI,
		Rules: []sarifRule{}}}, Results: []sarifResult{}}
	rules := map[string]bool{}
	for _, l := range results {
		id := RuleID(l.Result)
		if !rules[id] {
			rules[id] = true
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id, ShortDescription: sarifMessage{Text: ruleText(id)}})
		}
		res := sarifResult{RuleID: id, Level: sarifLevel(l.Result.Severity), Message: sarifMessage{Text: Text(l.Result)}}
		if p := l.Place; p.File != "" {
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(p.File)}}}
			if p.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: p.Line, StartColumn: p.Column}
			}
			res.Locations = []sarifLocation{loc}
		}
		run.Results = append(run.Results, res)
	}
	sort.SliceStable(run.Tool.Driver.Rules, func(i, j int) bool { return run.Tool.Driver.Rules[i].ID < run.Tool.Driver.Rules[j].ID })
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func ruleText(id string) string {
	if id == FunctionName {
		return "the function's config and run"
	}
	return "a selected Service's " + id
}

func sarifLevel(s fn.Severity) string {
	switch s {
	case fn.Error:
		return "error"
	case fn.Warning:
		return "warning"
	}
	return "note"
}

// fileURI is a relative path as a URI reference: slashes, and spaces and the like escaped.
func fileURI(path string) string {
	return (&url.URL{Path: filepath.ToSlash(path)}).String()
}
