package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// WriteGitHub writes each result as a GitHub Actions workflow command, which the runner turns
// into an annotation on the file and line: `::error file=k8s/web.yaml,line=9,col=3::message`.
// Errors are ::error, warnings ::warning, info ::notice. Escaping follows the runner's
// (actions/toolkit packages/core/src/command.ts: escapeData, escapeProperty).
func WriteGitHub(w io.Writer, results []Located) error {
	for _, l := range results {
		var props []string
		if p := l.Place; p.File != "" {
			props = append(props, "file="+escapeProperty(p.File))
			if p.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", p.Line), fmt.Sprintf("col=%d", p.Column))
			}
		}
		cmd := "::" + githubLevel(l.Result.Severity)
		if len(props) > 0 {
			cmd += " " + strings.Join(props, ",")
		}
		if _, err := fmt.Fprintf(w, "%s::%s\n", cmd, escapeData(Text(l.Result))); err != nil {
			return err
		}
	}
	return nil
}

func githubLevel(s fn.Severity) string {
	switch s {
	case fn.Error:
		return "error"
	case fn.Warning:
		return "warning"
	}
	return "notice"
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
