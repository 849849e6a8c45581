// Package output is where edits become output: the input's bytes with the edits made, and the
// results. A ResourceList gets its results appended as the list's `results` (and its warnings and
// errors as stderr lines, where report.Output says); a stream gets them as stderr lines, and no
// documents at all when any is an error, so a pipeline never applies half a result. Every byte no
// edit touches is copied through as it came.
package output

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// Write writes a run's output. edits are sorted, in the input's offsets. A stream's results also
// go where out says.
func Write(stdout, stderr io.Writer, in *input.Input, edits []edit.Edit, results fn.Results, out report.Output) error {
	if in.Shape == input.Stream {
		return writeStream(stdout, stderr, in.Text, edits, results, out)
	}
	return writeList(stdout, stderr, in, edits, results, out)
}

func writeStream(stdout, stderr io.Writer, text []byte, edits []edit.Edit, results fn.Results, out report.Output) error {
	if err := out.Write(stderr, results); err != nil {
		return err
	}
	if results.ExitCode() != 0 {
		return nil
	}
	bw := bufio.NewWriterSize(stdout, 64<<10)
	writeEdited(bw, text, edits)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

func writeList(stdout, stderr io.Writer, in *input.Input, edits []edit.Edit, results fn.Results, out report.Output) error {
	tail := results
	if !appendable(in) {
		// Results go into the list as yaml.v3 reads it: joined to the results it already has, or
		// inside a list written in flow style, or before its end marker.
		e, err := resultsEdits(in, results)
		if err != nil {
			return err
		}
		edits, tail = merge(edits, e), nil
	}
	lineBreak := "\n"
	if bytes.HasSuffix(in.Text, []byte("\r\n")) {
		lineBreak = "\r\n"
	}
	bw := bufio.NewWriterSize(stdout, 64<<10)
	writeEdited(bw, in.Text, edits)
	if err := report.WriteYAML(bw, tail, lineBreak); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return out.WriteLines(stderr, results)
}

// appendable reports whether results can follow the list's last line as a top-level key.
func appendable(in *input.Input) bool {
	t := in.Text
	if len(t) == 0 || t[len(t)-1] != '\n' || in.Root.Style&yaml.FlowStyle != 0 || node.Get(in.Root, "results") != nil {
		return false
	}
	// A list is one document (fn/input), so an end marker can only be its last line of content.
	for rest := bytes.TrimRight(t, " \t\r\n"); len(rest) > 0; {
		line := rest[bytes.LastIndexByte(rest, '\n')+1:]
		if trimmed := bytes.TrimLeft(line, " \t"); len(trimmed) > 0 && trimmed[0] != '#' {
			return !(bytes.HasPrefix(line, []byte("...")) && len(bytes.TrimRight(line[3:], " \t\r")) == 0)
		}
		rest = bytes.TrimRight(rest[:len(rest)-len(line)], " \t\r\n")
	}
	return true
}

// resultsEdits writes the results into the list's root mapping, after the results it has.
func resultsEdits(in *input.Input, results fn.Results) ([]edit.Edit, error) {
	resultsText, err := report.AppendYAML(nil, results)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(resultsText, &doc); err != nil {
		return nil, err
	}
	after := *in.Root
	after.Content = append([]*yaml.Node(nil), in.Root.Content...)
	ours := node.Get(doc.Content[0], "results")
	if ours == nil {
		return nil, nil
	}
	if theirs := node.Get(&after, "results"); theirs != nil && theirs.Kind == yaml.SequenceNode {
		joined := *theirs
		joined.Content = append(append([]*yaml.Node(nil), theirs.Content...), ours.Content...)
		node.Remove(&after, "results")
		node.Append(&after, "results", &joined)
	} else {
		node.Remove(&after, "results")
		node.Append(&after, "results", ours)
	}
	es, err := edit.Diff(in.Text, in.Root, &after)
	if err != nil {
		return nil, fmt.Errorf("adding the results to the list: %w", err)
	}
	return es, nil
}

// merge joins two sorted lists of edits that do not overlap.
func merge(a, b []edit.Edit) []edit.Edit {
	out := make([]edit.Edit, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].Start <= b[0].Start {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// writeEdited writes text with the edits made, straight from the input's bytes. A buffered
// writer keeps its first error and returns it again from Flush, which the callers check.
func writeEdited(bw *bufio.Writer, text []byte, edits []edit.Edit) {
	pos := 0
	for _, e := range edits {
		_, _ = bw.Write(text[pos:e.Start])
		_, _ = bw.Write(e.Text)
		pos = e.End
	}
	_, _ = bw.Write(text[pos:])
}
