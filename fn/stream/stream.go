// Package stream lets the function run where manifests are plain multi-document YAML, such as
// `helm template` output and Helm's --post-renderer: it wraps the documents in a ResourceList,
// runs the same processor, and unwraps the result, with results as readable stderr lines.
package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/processor"
)

// ErrResourceList means the input is one ResourceList, which the caller runs as it is.
var ErrResourceList = errors.New("input is a ResourceList")

// Documents parses a YAML stream into its objects. Each document's own comments move onto its
// object, so they survive the round trip through a ResourceList.
func Documents(in []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(in))
	var objects []*yaml.Node
	for i := 1; ; i++ {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("input is not valid YAML: %w", err)
		}
		if len(doc.Content) == 0 {
			continue // a document of comments only: nothing to process or to keep in order
		}
		obj := doc.Content[0]
		if obj.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d is %s; every document must be an object", i, node.Describe(obj))
		}
		obj.HeadComment = join(doc.HeadComment, obj.HeadComment)
		obj.FootComment = join(obj.FootComment, doc.FootComment)
		objects = append(objects, obj)
	}
	return objects, checkKinds(objects)
}

func join(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n\n" + b
}

func checkKinds(objects []*yaml.Node) error {
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

// Run processes objects with the functionConfig fc (nil for defaults). It writes the documents
// to stdout only when no error result was found, and each warning and error to stderr as one
// line; it returns the exit code.
func Run(objects []*yaml.Node, fc *yaml.Node, stdout, stderr io.Writer) int {
	list, err := wrap(objects, fc)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", processor.Name, err)
		return 1
	}
	var out, ignored bytes.Buffer
	if code := processor.Run(list, &out, &ignored); code != 0 && out.Len() == 0 {
		stderr.Write(ignored.Bytes())
		return code
	}
	items, results, err := unwrap(out.Bytes())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", processor.Name, err)
		return 1
	}
	for _, r := range results {
		if r.Severity != fn.Info {
			fmt.Fprintln(stderr, r.String())
		}
	}
	if results.ExitCode() != 0 {
		return 1
	}
	return write(stdout, stderr, items)
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

// write prints the documents in one go, so a failure leaves stdout empty rather than cut.
func write(stdout, stderr io.Writer, items []*yaml.Node) int {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	for _, item := range items {
		if err := enc.Encode(item); err != nil {
			fmt.Fprintf(stderr, "%s: writing documents: %v\n", processor.Name, err)
			return 1
		}
	}
	if err := enc.Close(); err != nil {
		fmt.Fprintf(stderr, "%s: writing documents: %v\n", processor.Name, err)
		return 1
	}
	if _, err := stdout.Write(b.Bytes()); err != nil {
		fmt.Fprintf(stderr, "%s: writing output: %v\n", processor.Name, err)
		return 1
	}
	return 0
}
