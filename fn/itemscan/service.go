package itemscan

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ServiceText is what a core Service's text says, exactly, of the parts that selection and the
// warnings for unselected Services read (fn/selection, rules.WarnMisplaced): its top-level keys,
// metadata.labels, the local-config annotation, and the keys of spec.selector. With it, the fast
// path leaves an unselected Service undecoded when there is nothing to warn about.
type ServiceText struct {
	TopKeys      [][]byte
	Labels       [][2][]byte // key, value
	LocalConfig  []byte      // nil when the annotation is absent
	SelectorKeys [][]byte
}

const localConfig = "config.kubernetes.io/local-config"

// Node builds the Service as far as t says: the recorded keys and values, every other value null.
func (t *ServiceText) Node() *yaml.Node {
	obj := mapping()
	for _, k := range t.TopKeys {
		v := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull}
		switch string(k) {
		case "metadata":
			v = mapping()
			labels, annotations := mapping(), mapping()
			for _, l := range t.Labels {
				add(labels, l[0], str(l[1]))
			}
			if t.LocalConfig != nil {
				add(annotations, []byte(localConfig), str(t.LocalConfig))
			}
			add(v, []byte("labels"), labels)
			add(v, []byte("annotations"), annotations)
		case "spec":
			v = mapping()
			selector := mapping()
			for _, sk := range t.SelectorKeys {
				add(selector, sk, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull})
			}
			add(v, []byte("selector"), selector)
		}
		add(obj, k, v)
	}
	return obj
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap} }

func str(v []byte) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: string(v)}
}

func add(m *yaml.Node, key []byte, v *yaml.Node) {
	m.Content = append(m.Content, str(key), v)
}

// serviceNotes collects a ServiceText while itemScanner reads an item. Anything written in a way
// it does not record exactly (a flow or nested value, a duplicate, a null, escapes) makes it
// unsure, and the Service is decoded.
type serviceNotes struct {
	ServiceText
	unsure  bool
	tracked [5]bool // metadata, spec, labels, annotations, selector seen
	// labelSet indexes Labels once there are many, so that finding a duplicate stays linear in
	// the number of labels.
	labelSet map[string]struct{}
}

// manyLabels is where a set beats a scan of the labels seen so far.
const manyLabels = 16

const (
	seenMetadata = iota
	seenSpec
	seenLabels
	seenAnnotations
	seenSelector
)

// note takes a key of the item at stack's depth; v is its value on the same line, nil when the
// value follows on later lines.
func (n *serviceNotes) note(stack []frame, name keyName, v *scalar) {
	switch len(stack) {
	case 2:
		n.TopKeys = append(n.TopKeys, name.text)
		n.opening(name, v, "metadata", seenMetadata)
		n.opening(name, v, "spec", seenSpec)
	case 3:
		switch parentKey(stack[2]) {
		case "metadata":
			n.exactName(name)
			n.opening(name, v, "labels", seenLabels)
			n.opening(name, v, "annotations", seenAnnotations)
		case "spec":
			n.exactName(name)
			n.opening(name, v, "selector", seenSelector)
		}
	case 4:
		n.entry(parentKey(stack[2]), parentKey(stack[3]), name, v)
	}
}

// opening records a key whose value is a mapping read further down: it must appear once, and
// its value must follow on later lines (or be written `{}`).
func (n *serviceNotes) opening(name keyName, v *scalar, key string, seen int) {
	if string(name.text) != key {
		return
	}
	if n.tracked[seen] || v != nil && string(v.text) != "{}" {
		n.unsure = true
	}
	n.tracked[seen] = true
}

func (n *serviceNotes) exactName(name keyName) {
	if !name.exact {
		n.unsure = true
	}
}

// entry records a key of labels, annotations or selector.
func (n *serviceNotes) entry(grandparent, parent string, name keyName, v *scalar) {
	if grandparent != "metadata" && grandparent != "spec" {
		return
	}
	n.exactName(name)
	switch grandparent + "." + parent {
	case "metadata.labels":
		if !exactValue(v) || n.hasLabel(name.text) {
			n.unsure = true
			return
		}
		n.Labels = append(n.Labels, [2][]byte{name.text, v.text})
	case "metadata.annotations":
		if string(name.text) != localConfig || n.LocalConfig != nil {
			return // only the first counts, as yaml.v3 lookups find the first
		}
		if !exactValue(v) {
			n.unsure = true
			return
		}
		n.LocalConfig = v.text
	case "spec.selector":
		n.SelectorKeys = append(n.SelectorKeys, name.text)
	}
}

// hasLabel reports whether key is a label already seen, and records it otherwise.
func (n *serviceNotes) hasLabel(key []byte) bool {
	if n.labelSet != nil {
		if _, ok := n.labelSet[string(key)]; ok {
			return true
		}
		n.labelSet[string(key)] = struct{}{}
		return false
	}
	for _, l := range n.Labels {
		if bytes.Equal(l[0], key) {
			return true
		}
	}
	if len(n.Labels) >= manyLabels {
		n.labelSet = make(map[string]struct{}, 2*len(n.Labels))
		for _, l := range n.Labels {
			n.labelSet[string(l[0])] = struct{}{}
		}
		n.labelSet[string(key)] = struct{}{}
	}
	return false
}

// exactValue: a scalar on the key's line whose text is its value, and not a null.
func exactValue(v *scalar) bool {
	if v == nil || !v.exact {
		return false
	}
	if v.plain {
		switch string(v.text) {
		case "", "~", "null", "Null", "NULL":
			return false
		}
	}
	return true
}

// pushed checks a collection opened under a key: a list where a tracked mapping belongs is not
// recorded.
func (n *serviceNotes) pushed(stack []frame) {
	f := stack[len(stack)-1]
	if !f.list {
		return
	}
	key := parentKey(f)
	switch len(stack) {
	case 3:
		n.unsure = n.unsure || key == "metadata" || key == "spec"
	case 4:
		under := parentKey(stack[2])
		n.unsure = n.unsure || under == "metadata" && (key == "labels" || key == "annotations") || under == "spec" && key == "selector"
	}
}

func parentKey(f frame) string {
	if !f.key.exact {
		return ""
	}
	return string(f.key.text)
}
