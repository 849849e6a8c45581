package edit

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// source is the text the objects were decoded from, its lines indexed (fn/yamltext), so that a
// node's position becomes an offset and a value's text can be measured.
type source struct {
	*yamltext.Text
	text []byte
}

func newSource(text []byte) *source { return &source{Text: yamltext.Index(text), text: text} }

// offset is the byte offset of n's position.
func (s *source) offset(n *yaml.Node) (int, error) {
	off, err := s.Offset(n.Line, n.Column)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrCannotEdit, err)
	}
	return off, nil
}
