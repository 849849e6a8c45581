package edit

import (
	"errors"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// A mapping with merge keys (`<<: *base`, `<<: [*a, *b]`, `<<: {k: v}`) reads its own keys first
// and the merged mappings' keys it does not set itself after them, as yaml.v3 reads it. Its edits
// keep every merge key as written: a key of its own is edited where it stands, and a merged key
// that is to read otherwise gets a key of its own, added at the end of the mapping, which yaml.v3
// reads before the merged one. What a merge key cannot say, a merged key removed (or a merged
// mapping that no longer reads anything), is said by writing the merge keys out: their lines
// go, and each key they gave that is to stay is added as a key of the mapping's own. The
// mapping's own keys and comments stay where they are.

// mergedOrExpanded is what the merge keys of the mapping b give it (merged), as the edit to a
// keeps them; or, when a merge key cannot stay, nil after the edits that remove the merge keys,
// so that every key of a that b does not set itself is added.
func (d *differ) mergedOrExpanded(b, a *yaml.Node, flow bool) (map[string]*yaml.Node, error) {
	merged, err := d.merged(b)
	if err != nil && !errors.Is(err, errReplace) {
		return nil, err
	}
	if err == nil {
		keys := make(map[string]bool, len(a.Content)/2)
		for i := 0; i+1 < len(a.Content); i += 2 {
			keys[a.Content[i].Value] = true
		}
		removed := false
		for key := range merged {
			removed = removed || !keys[key]
		}
		if !removed {
			return merged, nil
		}
	}
	if flow {
		return nil, errReplace // a flow mapping, on its line, is written anew
	}
	for i := 0; i+1 < len(b.Content); i += 2 {
		if isMergeKey(b.Content[i]) {
			d.lose(b.Content[i+1], d.path)
			d.handleAliases(b.Content[i+1], false)
			if err := d.deletePair(b, i, flow); err != nil {
				return nil, err
			}
		}
	}
	return nil, nil
}

// merged is what the merge keys of mapping m give it: each key the merged mappings hold with
// the value yaml.v3 reads for it after the session's edits so far, whether or not m sets the key
// itself; nil when m has no merge key. A merged mapping whose anchor was written anew reads
// nothing after the edits: errReplace.
func (d *differ) merged(m *yaml.Node) (map[string]*yaml.Node, error) {
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		value, ok := d.asEdited(m.Content[i+1])
		if !ok {
			return nil, errReplace
		}
		merges = append(merges, m.Content[i], value)
		d.handleAliases(m.Content[i+1], true) // what they read after the edits is what is compared
	}
	if merges == nil {
		return nil, nil
	}
	view := node.ResolveUnbounded(&yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: merges})
	values := make(map[string]*yaml.Node, len(view.Content)/2)
	for i := 0; i+1 < len(view.Content); i += 2 {
		values[view.Content[i].Value] = view.Content[i+1]
	}
	return values, nil
}

// asEdited is n as it reads after the session's edits so far: an anchored node an edit changed
// reads as the edit left it. ok is false when such a node was written anew or removed, so what
// reads it reads nothing. n itself is returned when nothing in it changed.
func (d *differ) asEdited(n *yaml.Node) (*yaml.Node, bool) {
	if d.session == nil || len(d.session.changed) == 0 {
		return n, true
	}
	if an := d.session.changed[n]; an != nil {
		return an.After, an.After != nil
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return d.asEdited(n.Alias)
	}
	var content []*yaml.Node
	for i, c := range n.Content {
		x, ok := d.asEdited(c)
		if !ok {
			return nil, false
		}
		if x != c && content == nil {
			content = append(make([]*yaml.Node, 0, len(n.Content)), n.Content[:i]...)
		}
		if content != nil {
			content = append(content, x)
		}
	}
	if content == nil {
		return n, true
	}
	copied := *n
	copied.Content = content
	return &copied, true
}

// handleAliases records that the aliases in n (not those in what they read) read right after the
// edits: n is written anew or removed, or what they read was taken into account. With
// changedOnly, only the aliases to anchors already changed: one changed later is still to be
// checked (Conflicts).
func (d *differ) handleAliases(n *yaml.Node, changedOnly bool) {
	if d.session == nil {
		return
	}
	walkPaths(n, nil, func(x *yaml.Node, _ node.Path) {
		if x.Kind == yaml.AliasNode && (!changedOnly || d.session.changed[x.Alias] != nil) {
			d.session.handle(x)
		}
	})
}

// isMergeKey reports whether k is a merge key: a plain `<<`, which yaml.v3 tags !!merge.
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "tag:yaml.org,2002:merge")
}
