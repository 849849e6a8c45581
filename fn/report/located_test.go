package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

var (
	web       = &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Name: "web", Namespace: "shop"}
	anError   = &fn.Result{Severity: fn.Error, ResourceRef: web, Field: &fn.Field{Path: "spec.ports[1].nodePort"}, Message: "may not be used"}
	aWarning  = &fn.Result{Severity: fn.Warning, ResourceRef: web, Field: &fn.Field{Path: "spec.selector.sessionAffinity"}, Message: "belongs at spec.sessionAffinity"}
	anInfo    = &fn.Result{Severity: fn.Info, Message: "provider alibaba, mode validate: 0 Services updated"}
	tricky    = &fn.Result{Severity: fn.Error, Message: "50% off,\nsecond line"}
	findings  = []Located{{anError, Place{"k8s/web.yaml", 9, 5}}, {aWarning, Place{"k8s/web.yaml", 12, 5}}, {anInfo, Place{File: "k8s/web.yaml"}}}
	fromStdin = []Located{{anError, Place{Line: 3, Column: 1}}}
	oddNames  = []Located{{tricky, Place{"a dir/x,y:z.yaml", 1, 1}}}
	formatted = map[string]func([]Located) string{"text": text, "github": github}
	text      = func(l []Located) string { var b bytes.Buffer; _ = WriteText(&b, l); return b.String() }
	github    = func(l []Located) string { var b bytes.Buffer; _ = WriteGitHub(&b, l); return b.String() }
)

// TestFindingFormats pins the text and github forms: a place first (file:line:column), and
// workflow commands GitHub turns into annotations, escaped as the runner unescapes them.
func TestFindingFormats(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		in           []Located
		want         string
	}{
		{"text: file:line:column first", "text", findings,
			"k8s/web.yaml:9:5: [error] v1/Service/shop/web spec.ports[1].nodePort: may not be used\n" +
				"k8s/web.yaml:12:5: [warning] v1/Service/shop/web spec.selector.sessionAffinity: belongs at spec.sessionAffinity\n" +
				"k8s/web.yaml: [info]: provider alibaba, mode validate: 0 Services updated\n"},
		{"text: stdin has a line, no file", "text", fromStdin, "3:1: [error] v1/Service/shop/web spec.ports[1].nodePort: may not be used\n"},
		{"github: ::error, ::warning, ::notice at file, line and column", "github", findings,
			"::error file=k8s/web.yaml,line=9,col=5::v1/Service/shop/web spec.ports[1].nodePort: may not be used\n" +
				"::warning file=k8s/web.yaml,line=12,col=5::v1/Service/shop/web spec.selector.sessionAffinity: belongs at spec.sessionAffinity\n" +
				"::notice file=k8s/web.yaml::provider alibaba, mode validate: 0 Services updated\n"},
		{"github: stdin has no file to annotate", "github", fromStdin, "::error::v1/Service/shop/web spec.ports[1].nodePort: may not be used\n"},
		{"github: %, newlines, commas and colons escaped", "github", oddNames, "::error file=a dir/x%2Cy%3Az.yaml,line=1,col=1::50%25 off,%0Asecond line\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := formatted[tc.format](tc.in); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestSARIFLog pins the SARIF shape code scanning reads: version, tool, one rule per field
// (list indexes dropped), levels, and locations with line and column. schema/ checks the whole
// log against the SARIF 2.1.0 JSON schema.
func TestSARIFLog(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSARIF(&b, append(findings, oddNames...), "v0.2.0"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name, Version string
					Rules         []struct{ ID string }
				}
			}
			Results []struct {
				RuleID, Level string
				Message       struct{ Text string }
				Locations     []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if log.Version != "2.1.0" || run.Tool.Driver.Name != FunctionName || run.Tool.Driver.Version != "v0.2.0" {
		t.Errorf("version %q, tool %+v", log.Version, run.Tool.Driver)
	}
	var rules []string
	for _, r := range run.Tool.Driver.Rules {
		rules = append(rules, r.ID)
	}
	if got, want := rules, []string{"set-session-affinity", "spec.ports[].nodePort", "spec.selector.sessionAffinity"}; !equal(got, want) {
		t.Errorf("rules %q, want %q", got, want)
	}
	first := run.Results[0]
	loc := first.Locations[0].PhysicalLocation
	if first.RuleID != "spec.ports[].nodePort" || first.Level != "error" || loc.ArtifactLocation.URI != "k8s/web.yaml" || loc.Region.StartLine != 9 || loc.Region.StartColumn != 5 {
		t.Errorf("first result %+v", first)
	}
	if run.Results[1].Level != "warning" || run.Results[2].Level != "note" || run.Results[2].Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("levels or the info's region: %+v", run.Results[1:3])
	}
	if uri := run.Results[3].Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "a%20dir/x,y:z.yaml" {
		t.Errorf("uri %q, want the path escaped as a relative URI reference", uri)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
