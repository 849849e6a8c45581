// Package stream lets the function run where manifests are plain multi-document YAML, such as
// `helm template` output and Helm's --post-renderer: it wraps the documents in a ResourceList,
// runs the same processor, and unwraps the result, with results as readable stderr lines.
package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/processor"
	"github.com/sticky-services/set-session-affinity/fn/report"
)

// ErrResourceList means the input is one ResourceList, which the caller runs as it is.
var ErrResourceList = errors.New("input is a ResourceList")

// Document is one document of the stream: its text as given and, unless it holds only comments,
// its object.
type Document struct {
	raw    []byte
	object *yaml.Node
	before string // the object as encoded before processing, to tell whether it changed
}

// Split cuts a YAML stream at its document markers (a line starting with ---, which YAML
// reserves at column 0) and parses each document on its own, so that a document the function
// does not change, or one of comments only, goes back out byte for byte.
func Split(in []byte) ([]*Document, error) {
	var docs []*Document
	for i, raw := range cut(in) {
		doc := &Document{raw: raw}
		var parsed yaml.Node
		err := yaml.Unmarshal(raw, &parsed)
		switch {
		case err != nil:
			return nil, fmt.Errorf("document %d is not valid YAML: %w", i+1, err)
		case len(parsed.Content) == 0 || node.IsNull(parsed.Content[0]):
			// comments only, or empty: kept as it is
		case parsed.Content[0].Kind != yaml.MappingNode:
			return nil, fmt.Errorf("document %d is %s; every document must be an object", i+1, node.Describe(parsed.Content[0]))
		default:
			doc.object = parsed.Content[0]
			doc.before = encode(doc.object)
		}
		docs = append(docs, doc)
	}
	return docs, checkKinds(docs)
}

// cut splits in before every line that starts a document; the text before the first marker is
// a document of its own when there is any.
func cut(in []byte) [][]byte {
	var docs [][]byte
	start := 0
	for pos := 0; pos < len(in); {
		end := bytes.IndexByte(in[pos:], '\n')
		if end < 0 {
			end = len(in)
		} else {
			end += pos + 1
		}
		if isMarker(in[pos:end]) && pos > start {
			docs = append(docs, in[start:pos])
			start = pos
		}
		pos = end
	}
	if start < len(in) {
		docs = append(docs, in[start:])
	}
	return docs
}

func isMarker(line []byte) bool {
	return bytes.HasPrefix(line, []byte("---")) && (len(line) == 3 || strings.IndexByte(" \t\r\n", line[3]) >= 0)
}

func encode(n *yaml.Node) string {
	s, err := yaml.String(n)
	if err != nil {
		return ""
	}
	return s
}

func objectsOf(docs []*Document) []*yaml.Node {
	var objects []*yaml.Node
	for _, d := range docs {
		if d.object != nil {
			objects = append(objects, d.object)
		}
	}
	return objects
}

func checkKinds(docs []*Document) error {
	objects := objectsOf(docs)
	if len(objects) == 0 {
		return errors.New("input is empty; want a ResourceList or YAML documents")
	}
	for i, obj := range objects {
		if kind, _ := node.Scalar(node.Get(obj, "kind")); kind == "ResourceList" {
			if len(objects) == 1 {
				return ErrResourceList
			}
			return fmt.Errorf("document %d is a ResourceList among %d other documents; give either one ResourceList or plain documents", i+1, len(objects)-1)
		}
	}
	return nil
}

// Run processes the documents with the functionConfig fc (nil for defaults). It writes the
// documents to stdout only when no error result was found, and each warning and error to
// stderr as one line (and info too, and a results file, as out says); it returns the exit code.
func Run(docs []*Document, fc *yaml.Node, stdout, stderr io.Writer, out report.Output) int {
	objects := objectsOf(docs)
	list, err := wrap(objects, fc)
	if err != nil {
		return fail(stderr, err)
	}
	var listOut, ignored bytes.Buffer
	if code := processor.Run(list, &listOut, &ignored); code != 0 && listOut.Len() == 0 {
		stderr.Write(ignored.Bytes())
		return code
	}
	items, results, err := unwrap(listOut.Bytes())
	if err != nil {
		return fail(stderr, err)
	}
	if err := out.Write(stderr, processor.Name, results); err != nil {
		return fail(stderr, err)
	}
	switch {
	case results.ExitCode() != 0:
		return 1
	case len(items) != len(objects):
		return fail(stderr, fmt.Errorf("%d documents came back for %d", len(items), len(objects)))
	}
	if _, err := stdout.Write(join(docs, items)); err != nil {
		return fail(stderr, fmt.Errorf("writing output: %w", err))
	}
	return 0
}

func fail(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "%s: %v\n", processor.Name, err)
	return 1
}

func wrap(objects []*yaml.Node, fc *yaml.Node) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	node.SetScalar(root, "apiVersion", "config.kubernetes.io/v1", yaml.NodeTagString)
	node.SetScalar(root, "kind", "ResourceList", yaml.NodeTagString)
	node.Append(root, "items", &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq, Content: objects})
	if fc != nil {
		node.Append(root, "functionConfig", fc)
	}
	var b bytes.Buffer
	if err := yaml.NewEncoder(&b).Encode(root); err != nil {
		return nil, fmt.Errorf("wrapping the documents: %w", err)
	}
	return b.Bytes(), nil
}

func unwrap(out []byte) ([]*yaml.Node, fn.Results, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(out, &root); err != nil || len(root.Content) == 0 {
		return nil, nil, fmt.Errorf("reading the function's output: %v", err)
	}
	var results fn.Results
	if r := node.Get(root.Content[0], "results"); r != nil {
		if err := r.Decode(&results); err != nil {
			return nil, nil, fmt.Errorf("reading results: %w", err)
		}
	}
	var items []*yaml.Node
	if list := node.Get(root.Content[0], "items"); list != nil {
		items = list.Content
	}
	return items, results, nil
}

// join puts the stream back together: a document the function did not change goes out exactly
// as it came in, a changed one as its marker line and the new object.
func join(docs []*Document, items []*yaml.Node) []byte {
	var b bytes.Buffer
	for _, d := range docs {
		if d.object == nil {
			b.Write(d.raw)
			continue
		}
		changed := encode(items[0]) != d.before
		item := items[0]
		items = items[1:]
		if !changed {
			b.Write(d.raw)
			continue
		}
		b.Write(marker(d.raw))
		b.Write(encodeLike(item, d.raw))
	}
	return b.Bytes()
}

// encodeLike writes a changed object with the list indentation of its original text, the one
// formatting choice a YAML encoder otherwise imposes on the whole document.
func encodeLike(n *yaml.Node, original []byte) []byte {
	style := yaml.SequenceIndentStyle(yaml.DeriveSeqIndentStyle(string(original)))
	out, err := yaml.MarshalWithOptions(n, &yaml.EncoderOptions{SeqIndent: style})
	if err != nil {
		return []byte(encode(n))
	}
	return out
}

// marker returns the document's marker line, if it starts with one.
func marker(raw []byte) []byte {
	if !isMarker(raw) {
		return nil
	}
	if i := bytes.IndexByte(raw, '\n'); i >= 0 {
		return raw[:i+1]
	}
	return append(append([]byte{}, raw...), '\n')
}
