package edit

import (
	"bytes"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// A value written anew (a pair replaced, an object rewritten) is rendered by yaml.v3, which writes
// the comments a node carries. The comments of what it replaces are carried over to the nodes that
// stand in their place, so they are written with it; blank lines are not kept.

// carryComments sets on the nodes of a, a bare copy of what replaces b, the comments of b's nodes
// that stand in the same place (the same key, or the same index of a list as long as b's), when
// they are in span, the text a replaces: a comment outside it stays where it is in the text.
func carryComments(b, a *yaml.Node, span []byte) {
	if b == nil || a == nil || b.Kind == yaml.AliasNode {
		return
	}
	a.HeadComment = commentIn(span, b.HeadComment)
	a.LineComment = commentIn(span, b.LineComment)
	a.FootComment = commentIn(span, b.FootComment)
	switch {
	case b.Kind == yaml.MappingNode && a.Kind == yaml.MappingNode:
		at := make(map[string]int, len(a.Content)/2)
		for i := 0; i+1 < len(a.Content); i += 2 {
			at[a.Content[i].Value] = i
		}
		for i := 0; i+1 < len(b.Content); i += 2 {
			if j, ok := at[b.Content[i].Value]; ok && !isMergeKey(b.Content[i]) {
				carryComments(b.Content[i], a.Content[j], span)
				carryComments(b.Content[i+1], a.Content[j+1], span)
			}
		}
	case b.Kind == yaml.SequenceNode && a.Kind == yaml.SequenceNode && len(a.Content) == len(b.Content):
		for i := range b.Content {
			carryComments(b.Content[i], a.Content[i], span)
		}
	}
}

// commentIn is comment when each of its lines is in span, else "".
func commentIn(span []byte, comment string) string {
	if comment == "" {
		return ""
	}
	for _, line := range strings.Split(comment, "\n") {
		if line = strings.TrimSpace(line); line != "" && !bytes.Contains(span, []byte(line)) {
			return ""
		}
	}
	return comment
}

// encodeWithComments writes withComments as yaml.v3 does when what it writes reads as bare (the
// same node without comments) says; else bare. yaml.v3 places some comments where they do not
// read (between a key and its tag), and a comment is not worth a change of meaning.
func encodeWithComments(withComments, bare *yaml.Node, indent int) ([]byte, error) {
	if text, err := encode(withComments, indent); err == nil {
		var doc yaml.Node
		if yaml.Unmarshal(text, &doc) == nil && len(doc.Content) == 1 && node.Equal(doc.Content[0], bare) {
			return text, nil
		}
	}
	return encode(bare, indent)
}

// hasComments reports whether n or a node under it carries a comment.
func hasComments(n *yaml.Node) bool {
	if n.HeadComment != "" || n.LineComment != "" || n.FootComment != "" {
		return true
	}
	for _, c := range n.Content {
		if hasComments(c) {
			return true
		}
	}
	return false
}
