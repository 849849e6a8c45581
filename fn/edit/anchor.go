package edit

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// A Session diffs the objects of one text in order, so that an edit inside an anchored node and
// the aliases to it, in the same object or in later ones, are seen together: an alias reads what
// its anchor reads after the edit. Where that is what the alias's object is to say, the alias is
// kept as written; where it is not, and the alias's object changes too, the alias is written out
// as its object's value. An alias in an object that does not change cannot be written out without
// touching that object: the caller learns of it from Conflicts.
type Session struct {
	src     *source
	calls   int
	changed map[*yaml.Node]*Anchor // anchored nodes an edit changed (or removed)
	handled map[*yaml.Node]bool    // aliases to a changed anchor that read right after the edits
	// undo takes back what the running Diff recorded: a Diff that fails (ErrCannotEdit) leaves
	// the session as it found it, and its object gets the next call number, Rewrite's.
	undo []func()
}

// Anchor is an anchored node an edit changed: what aliases to it read changes too.
type Anchor struct {
	Node  *yaml.Node // as decoded from the text
	After *yaml.Node // its content after the edit; nil when the edit removed it
	Path  string     // its field, in the API server's notation
	Owner int        // the Diff call (0, 1, ...) whose object holds it
}

// NewSession starts diffing the objects decoded from text.
func NewSession(text []byte) *Session {
	return &Session{src: newSource(text), changed: map[*yaml.Node]*Anchor{}, handled: map[*yaml.Node]bool{}}
}

// Diff is Diff for the session's next object. When it fails, the object is still the next one:
// nothing of the attempt stays in the session.
func (s *Session) Diff(before, after *yaml.Node) ([]Edit, error) {
	s.undo = s.undo[:0]
	edits, err := diff(&differ{src: s.src, step: indentStep(before), session: s, owner: -1}, before, after)
	if err != nil {
		s.rollback(0)
		return nil, err
	}
	s.calls++
	return edits, nil
}

// Rewrite is Rewrite for the session's next object: the anchors inside it are written out with
// it, so aliases elsewhere to them would no longer find them; its own aliases are written out as
// the values they read, so none of them reads an edit.
func (s *Session) Rewrite(before, after *yaml.Node) ([]Edit, error) {
	defer func() { s.calls++ }()
	s.undo = s.undo[:0]
	d := &differ{session: s}
	d.lose(before, "")
	d.handleAliases(before, false)
	return rewrite(s.src, before, after)
}

// mark is where the running Diff's record stands, for rollback.
func (s *Session) mark() int {
	if s == nil {
		return 0
	}
	return len(s.undo)
}

// rollback takes back what the running Diff recorded since mark.
func (s *Session) rollback(mark int) {
	if s == nil {
		return
	}
	for i := len(s.undo) - 1; i >= mark; i-- {
		s.undo[i]()
	}
	s.undo = s.undo[:mark]
}

// change records that the anchored node n now reads as an says.
func (s *Session) change(n *yaml.Node, an *Anchor) {
	old, had := s.changed[n]
	s.changed[n] = an
	s.undo = append(s.undo, func() {
		if had {
			s.changed[n] = old
		} else {
			delete(s.changed, n)
		}
	})
}

// handle records that the alias n reads right after the edits.
func (s *Session) handle(n *yaml.Node) {
	if s.handled[n] {
		return
	}
	s.handled[n] = true
	s.undo = append(s.undo, func() { delete(s.handled, n) })
}

// Conflicts lists, for each anchor an edit changed, an alias to it that would read the change
// although its object says otherwise, with the path of the alias in root (an object the caller
// names). Each anchor is listed once, with the first such alias.
func (s *Session) Conflicts(root *yaml.Node) []Conflict {
	if len(s.changed) == 0 {
		return nil // the usual case: no edit touched an anchor, and no walk is needed
	}
	var found []Conflict
	seen := map[*Anchor]bool{}
	walkPaths(root, nil, func(n *yaml.Node, path node.Path) {
		if a := s.changed[n.Alias]; n.Kind == yaml.AliasNode && a != nil && !s.handled[n] && !seen[a] {
			seen[a] = true
			found = append(found, Conflict{Anchor: a, AliasPath: path.String()})
		}
	})
	return found
}

// Conflict is an alias that would read an anchor's edit it should not.
type Conflict struct {
	Anchor    *Anchor
	AliasPath string
}

// anchored records that the edit of the anchored node b makes it read as a.
func (d *differ) anchored(b, a *yaml.Node) {
	if d.session == nil || b.Anchor == "" || a != nil && node.Equal(b, a) {
		return
	}
	if an := d.session.changed[b]; an != nil {
		if a == nil && an.After != nil {
			lost := *an
			lost.After = nil // written anew after all, without its anchor
			d.session.change(b, &lost)
		}
		return
	}
	d.session.change(b, &Anchor{Node: b, After: a, Path: d.path, Owner: d.session.calls})
}

// lose records the anchors inside n, a value written anew or removed: aliases to them lose them.
func (d *differ) lose(n *yaml.Node, path string) {
	walkPaths(n, nil, func(x *yaml.Node, p node.Path) {
		if x.Anchor != "" {
			saved := d.path
			d.path = p.Under(path)
			d.anchored(x, nil)
			d.path = saved
		}
	})
}

// alias decides an alias b whose anchor an edit changed: kept when the anchor now reads as a,
// else written out. ok is false when b's anchor did not change.
func (d *differ) alias(b, a *yaml.Node) (ok bool, err error) {
	if d.session == nil || b.Kind != yaml.AliasNode || d.session.changed[b.Alias] == nil {
		return false, nil
	}
	d.session.handle(b)
	if after := d.session.changed[b.Alias].After; after != nil && node.Equal(after, a) {
		return true, nil
	}
	return true, errReplace
}

// walkPaths calls visit for n and each node under it with its path (written out by String when
// needed); keys are not visited.
func walkPaths(n *yaml.Node, path node.Path, visit func(*yaml.Node, node.Path)) {
	visit(n, path)
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkPaths(n.Content[i+1], path.Key(n.Content[i].Value), visit)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkPaths(c, path.Index(i), visit)
		}
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkPaths(c, path, visit)
		}
	}
}
