// Package edit writes a change to a YAML object as edits of the text the object was decoded
// from, so that every byte the change does not concern stays as it was: comments, blank lines,
// quoting, flow style, spacing, line ends.
//
// Diff compares the object as decoded (whose positions point into the text) with the object as
// changed, and returns the edits: a changed scalar is replaced where it stands, a new key is
// added at the end of its mapping in the mapping's own indentation (or inside its braces, as JSON
// when the mapping is JSON), a removed key's lines go. A scalar is replaced with its tag and all
// its lines (a block scalar's too); a mapping or list keeps its standard tag (!!map, !!seq). What
// cannot be written so (a collection under a tag of its own, a block scalar that sets its
// indentation) is ErrCannotEdit, and Rewrite writes the object anew in its place instead.
//
// An anchored value is edited after its anchor, so its aliases read the edit too; a Session diffs
// the objects of one text in order, keeps an alias that reads what its object is to say, and lists
// the aliases that would not (Conflicts) for the caller to refuse (anchor.go).
//
// yaml.v3 gives each node's line and column but not where it ends; the ends come from the text
// (source.go, extent.go), read as yaml.v3 reads it.
package edit
