// Package processor is the function from input to output, in one path:
//
//  1. fn/input finds the pieces of the text: a ResourceList's items or a stream's documents;
//  2. each piece that may hold a core Service is decoded, its objects (and the objects of any
//     List in it) are selected and handed to fn/rules, and every object the rules changed is
//     turned into byte edits of the piece by fn/edit;
//  3. fn/output writes the input with the edits made, and the results.
//
// Pieces are independent, so step 2 runs on every core.
package processor

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/edit"
	"github.com/sticky-services/set-session-affinity/fn/input"
	"github.com/sticky-services/set-session-affinity/fn/itemscan"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/output"
	"github.com/sticky-services/set-session-affinity/fn/parallel"
	"github.com/sticky-services/set-session-affinity/fn/report"
	"github.com/sticky-services/set-session-affinity/fn/rules"
	"github.com/sticky-services/set-session-affinity/fn/selection"
	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// Name prefixes what the function prints on stderr.
const Name = report.FunctionName

// StreamOptions is how the command line configures a run over plain YAML documents; a ResourceList
// carries its own functionConfig and gives its results to the orchestrator, so it refuses both.
type StreamOptions struct {
	// Config is the stream's config (nil for defaults).
	Config *yaml.Node
	// Origin says where Config's values came from (flags, a --config file), for messages; a
	// ResourceList's functionConfig is always named by its keys.
	Origin config.Origin
	// FromCommandLine says Config holds --config or flags.
	FromCommandLine bool
	// Output is where results go besides the stderr lines (--results, --verbose).
	Output report.Destinations
}

// checkList refuses, for a ResourceList, what only a stream takes.
func (s StreamOptions) checkList() error {
	switch {
	case s.FromCommandLine:
		return errors.New("--config and config flags apply to plain YAML input only; a ResourceList carries its own functionConfig")
	case s.Output != report.Destinations{}:
		return errors.New("--results and --verbose apply to plain YAML input only; with a ResourceList the orchestrator shows the results")
	}
	return nil
}

// Plan is a run with everything decided and nothing written.
type Plan struct {
	Input   *input.Input
	Edits   []edit.Edit
	Results fn.Results
	// Rewritten counts the objects written anew because their change could not be written as
	// edits (fn/edit.Rewrite); tests hold it to zero on the inputs they know.
	Rewritten int
	// ConfigInvalid says the results are the config's errors: the run did not start.
	ConfigInvalid bool
	// Counts sum up the run; its results end with report.RunResults of them.
	Counts report.Counts
}

// Run runs the function over in and writes the output: for a ResourceList the list and its
// results on stdout, and each warning and error on stderr unless kpt sent it (kpt shows the
// results, and stderr besides); for a stream the documents on stdout unless there is an error, and
// each warning and error on stderr (and where s.Output says). It returns the exit code: for a
// ResourceList 1 on any failure, as kpt and kustomize expect; for a stream 1 for error findings and
// 2 for unusable input or config (exitCode).
func Run(in []byte, s StreamOptions, stdout, stderr io.Writer) int {
	if yamltext.CROnly(in) {
		stdout = yamltext.CRWriter(stdout) // Process reads it with \n; the output goes back to \r
	}
	o, err := Process(in, s)
	if err == nil {
		out := s.Output
		if o.Input.Shape == input.ResourceList {
			out.ResultsShown = report.ShownByKpt(o.Input.Text)
		}
		err = output.Write(stdout, stderr, o.Input, o.Edits, o.Results, out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", Name, err)
	}
	return exitCode(in, o, err)
}

// exitCode is a run's exit code: 0 ok (warnings allowed), 1 error findings, 2 input or config the
// run could not use. Under a ResourceList every failure is 1: the KRM functions specification
// asks only for non-zero, and this function has always exited 1 there.
func exitCode(in []byte, o *Plan, err error) int {
	list := o != nil && o.Input.Shape == input.ResourceList
	if o == nil {
		inp, readErr := input.Read(in)
		list = readErr != nil || inp.Shape == input.ResourceList
	}
	switch {
	case list && (err != nil || o.Results.ExitCode() != 0):
		return 1
	case err != nil || o.ConfigInvalid:
		return 2
	}
	return o.Results.ExitCode()
}

// Process decides a run over in. An error means the input as a whole is unusable.
func Process(in []byte, s StreamOptions) (*Plan, error) {
	if yamltext.CROnly(in) {
		in = yamltext.ToLF(in)
	}
	inp, err := input.Read(in)
	if err != nil {
		return nil, err
	}
	if inp.Shape == input.ResourceList {
		if err := s.checkList(); err != nil {
			return nil, err
		}
	}
	o, err := process(inp, s.Config, s.Origin)
	switch {
	case errors.Is(err, errResourceList):
		// A stream document is a ResourceList: fine when it is the whole input (one written in a
		// form the first look does not spot, such as JSON).
		if documents(inp) > 1 {
			return nil, errors.New("a ResourceList among other documents; give either one ResourceList or plain documents")
		}
		if err := s.checkList(); err != nil {
			return nil, err
		}
	case err != nil && inp.Shape == input.ResourceList && inp.Pieces[0].Form() == input.Entry && !errors.As(err, new(*input.TooLargeError)):
		// An item that does not read alone may read within its list: an alias to an anchor in
		// another item. yaml.v3 decides, on the whole list. An item too large stays refused:
		// read whole, it would take the memory its bound is there to save.
	default:
		return o, err
	}
	whole, err := input.ReadWholeList(in, err)
	if err != nil {
		return nil, err
	}
	return process(whole, nil, config.Origin{})
}

// process runs over the pieces of inp; fc is the config of a stream, its values from origin.
func process(inp *input.Input, fc *yaml.Node, origin config.Origin) (*Plan, error) {
	if inp.Shape == input.ResourceList {
		fc, origin = inp.FunctionConfig, config.Origin{}
	}
	cfg, errs := config.Decode(fc, origin)
	r := &job{in: inp, cfg: cfg, configOK: len(errs) == 0}
	o := &Plan{Input: inp}
	var counts report.Counts
	var peers []peer
	var err error
	// The pieces' outcomes are folded into the run's as they come, in input order: a piece that
	// gives only a count (an unselected Service) leaves nothing behind, and 400,000 items hold no
	// outcome each.
	parallel.Each(len(inp.Pieces), r.piece, func(po pieceOutcome) bool {
		if err = po.err; err != nil {
			return false
		}
		o.Edits = append(o.Edits, po.edits...)
		o.Results = append(o.Results, po.results...)
		o.Rewritten += po.rewritten
		counts.Add(po.counts)
		peers = append(peers, po.peers...)
		return true
	})
	if err != nil {
		return nil, err
	}
	adviseUnsupported(cfg, peers)
	o.Counts = counts
	if !r.configOK {
		o.Results, o.ConfigInvalid = configErrors(errs, fc), true
	} else {
		o.Results = append(o.Results, report.RunResults(counts, cfg)...)
	}
	return o, nil
}

// errResourceList: a stream document is a ResourceList.
var errResourceList = errors.New("a document of the stream is a ResourceList")

// documents counts the stream's documents that hold more than comments.
func documents(inp *input.Input) int {
	n := 0
	for _, p := range inp.Pieces {
		if doc, err := input.DecodeOne(inp.Text[p.Start():p.End()]); err != nil || len(doc.Content) > 0 {
			n++
		}
	}
	return n
}

// job is one run's shared state: read-only but for what its results share.
type job struct {
	in       *input.Input
	cfg      config.Config
	configOK bool
	shared   report.Shared
}

// pieceOutcome is what processing one piece gave.
type pieceOutcome struct {
	edits     []edit.Edit // in the input's offsets
	results   fn.Results
	counts    report.Counts
	rewritten int
	peers     []peer // the selected Services, for the advice on unsupported ones
	err       error  // the input is unusable
}

// peer is a selected Service as adviseUnsupported needs it: its labels, packed in one string
// (selection.PackLabels), so that a large run keeps no node of a decoded piece for advice it
// rarely gives.
type peer struct {
	labels string
	// unsupported is the rules' mark on an unsupported Service, and error the result whose
	// message the advice completes; both nil for a supported Service.
	unsupported *rules.Unsupported
	error       *fn.Result
}

// adviseUnsupported completes the error of each unsupported Service with a selector that leaves
// it out and keeps every other selected Service: only the whole run knows them, so it runs after
// the pieces, over what they collected.
func adviseUnsupported(cfg config.Config, peers []peer) {
	var errs []*fn.Result
	for _, p := range peers {
		if p.unsupported != nil {
			errs = append(errs, p.error)
		}
	}
	if len(errs) == 0 {
		return // the usual run: no labels to read
	}
	all := make([]rules.Peer, len(peers))
	for i, p := range peers {
		all[i] = rules.Peer{Labels: selection.UnpackLabels(p.labels), Unsupported: p.unsupported}
	}
	for i, msg := range rules.Advise(cfg, all) {
		errs[i].Message = msg
	}
}

// object is an object of a piece with the name messages give it. An item that is not an object
// stands in the list too, with the error result it gets (notObject), so that results keep the
// input's order whatever form the piece was read in.
type object struct {
	name      string
	node      *yaml.Node
	notObject *fn.Result
}

// piece decodes piece i when it may hold a Service and processes its objects.
func (r *job) piece(i int) (po pieceOutcome) {
	p := r.in.Pieces[i]
	text := r.in.Text[p.Start():p.End()]
	class, err := r.in.Classify(p)
	if err != nil {
		po.err = err
		return po
	}
	if !class.Decode && !mayBeService(text) {
		return po
	}
	if r.configOK && class.Service != nil && quietlyUnselected(class.Service, text, r.cfg) {
		po.counts.NotSelected++
		return po
	}
	doc, err := r.in.Decode(p)
	if err != nil {
		po.err = err
		return po
	}
	objects, err := r.objects(p, doc)
	if err != nil || !r.configOK {
		po.err = err
		return po
	}
	var changes []change
	for _, obj := range objects {
		if obj.notObject != nil {
			changes = append(changes, change{obj: obj, results: fn.Results{obj.notObject}})
			continue
		}
		after, results, counts, peer := r.object(obj)
		if peer != nil {
			po.peers = append(po.peers, *peer)
		}
		changes = append(changes, change{obj, after, results, counts, ""}) // every object, in input order
	}
	edits, rewritten, err := r.edits(p, text, doc, changes)
	po.rewritten, po.err = rewritten, err
	for _, c := range changes {
		po.results = append(po.results, c.results...)
		po.counts.Add(c.counts)
	}
	if err != nil || len(edits) == 0 {
		return po
	}
	for _, e := range edits {
		e.Start += p.Start()
		e.End += p.Start()
		e.Text = r.shared.Text(e.Text)
		po.edits = append(po.edits, e)
	}
	return po
}

// change is an object of a piece with what the rules made of it: after is nil when they changed
// nothing. A piece keeps one for each of its objects, in input order, for the results and for the
// read-back check.
type change struct {
	obj     object
	after   *yaml.Node
	results fn.Results
	counts  report.Counts
	refused string // why the change is not written, when it is not
}

// edits turns the changes into edits of the piece's text and checks that the text reads back as
// the rules left every object. An edit inside an anchored node changes whatever aliases it: when
// an alias would read a change its object is not to have, the object that holds the anchor is
// refused (an error naming it, the field, the anchor and the reader), and the others are edited
// again without it.
func (r *job) edits(p input.Piece, text []byte, doc *yaml.Node, changes []change) ([]edit.Edit, int, error) {
	for {
		session := edit.NewSession(text)
		var edits []edit.Edit
		var written []int // the changes edited, by their session call
		rewritten := 0
		for i, c := range changes {
			if c.after == nil || c.refused != "" {
				continue
			}
			es, err := session.Diff(c.obj.node, c.after)
			if errors.Is(err, edit.ErrCannotEdit) {
				rewritten++
				es, err = session.Rewrite(c.obj.node, c.after)
			}
			if err != nil {
				return nil, 0, fmt.Errorf("%s: writing the change: %w", c.obj.name, err)
			}
			edits = append(edits, es...)
			written = append(written, i)
		}
		if !refuseConflicts(session, changes, written, p.Name(), doc) {
			if len(edits) == 0 {
				return nil, 0, nil
			}
			return edits, rewritten, r.verify(p, text, edits, changes)
		}
	}
}

// refuseConflicts refuses each change whose edit of an anchor an alias would read against its
// object's will, and reports whether it refused any. The readers are the piece's objects, then
// the rest of its document (doc, named piece): a List's own fields, a ResourceList's
// functionConfig.
func refuseConflicts(session *edit.Session, changes []change, written []int, piece string, doc *yaml.Node) bool {
	refused := false
	refuse := func(c edit.Conflict, reader string) {
		owner := &changes[written[c.Anchor.Owner]]
		if owner.refused != "" {
			return
		}
		owner.refused = fmt.Sprintf("the anchor &%s here is also read by %s at %s, through *%s, which the change would change too; nothing is changed: give one of them its own copy of the value instead of the alias",
			c.Anchor.Node.Anchor, reader, c.AliasPath, c.Anchor.Node.Anchor)
		owner.refuse(c.Anchor.Path)
		refused = true
	}
	for _, reader := range changes {
		for _, c := range session.Conflicts(reader.obj.node) {
			refuse(c, fmt.Sprintf("%s (%s)", reader.obj.name, describe(reader.obj.node)))
		}
	}
	// An alias inside an object was seen above, and its anchor's owner refused; what is left are
	// aliases outside every object.
	for _, c := range session.Conflicts(doc) {
		refuse(c, piece)
	}
	return refused
}

// refuse turns a change into an error at path: the results that said what changed go, and the
// object counts as failed.
func (c *change) refuse(path string) {
	kept := fn.Results{}
	for _, res := range c.results {
		if res.Severity != fn.Info {
			kept = append(kept, res)
		}
	}
	sub := report.SubjectOf(c.obj.node)
	c.results = append(kept, report.Finding(sub, rules.Finding{Severity: fn.Error, Path: path, Message: c.refused}))
	c.counts.Updated--
	c.counts.Failed++
}

// describe names an object as the stderr lines do: apiVersion/kind/namespace/name.
func describe(n *yaml.Node) string {
	ref := report.SubjectOf(n).Ref
	if ref == nil {
		return "an object"
	}
	parts := []string{ref.APIVersion, ref.Kind}
	if ref.Namespace != "" {
		parts = append(parts, ref.Namespace)
	}
	return strings.Join(append(parts, ref.Name), "/")
}

// objects lists the objects of a decoded piece: the document's, the entry, or the whole list's
// items; a List's items stand in for the List. A ResourceList item that is not an object is an
// error result; a stream document that is not an object makes the input unusable.
func (r *job) objects(p input.Piece, doc *yaml.Node) ([]object, error) {
	if len(doc.Content) == 0 {
		return nil, nil // comments only
	}
	root := doc.Content[0]
	var found []object
	add := func(name string, n *yaml.Node) {
		if node.Deref(n).Kind != yaml.MappingNode {
			found = append(found, object{name: name, node: n, notObject: &fn.Result{Severity: fn.Error,
				Message: fmt.Sprintf("%s is %s; every item must be an object (it is passed through unchanged)", name, node.Describe(n))}})
			return
		}
		found = append(found, listItems(name, n)...)
	}
	switch p.Form() {
	case input.Entry:
		if root.Kind != yaml.SequenceNode || len(root.Content) != 1 {
			return nil, fmt.Errorf("%s does not read as one list entry", p.Name())
		}
		add(p.Name(), root.Content[0])
	case input.WholeList:
		if items := node.AsWritten(root, "items"); items != nil && items.Kind == yaml.SequenceNode {
			for j, item := range items.Content {
				add(node.PathIndex("items", j), item)
			}
		}
	default:
		switch kind, _ := node.Scalar(node.AsDecoded(root, "kind")); {
		case root.Kind != yaml.MappingNode && !node.IsNull(root):
			return nil, fmt.Errorf("%s is %s; every document must be an object", p.Name(), node.Describe(root))
		case node.IsNull(root):
		case kind == "ResourceList":
			return nil, errResourceList
		default:
			found = listItems(p.Name(), root)
		}
	}
	return found, nil
}

// listItems is the object itself, or, for a List (v1 List, ServiceList, any *List kind), the
// objects among its items, nested Lists included.
func listItems(name string, n *yaml.Node) []object {
	kind, _ := node.Scalar(node.AsDecoded(n, "kind"))
	items := node.AsDecoded(n, "items")
	if !strings.HasSuffix(kind, "List") || items == nil || items.Kind != yaml.SequenceNode {
		return []object{{name: name, node: n}}
	}
	var found []object
	for j, item := range items.Content {
		if node.Deref(item).Kind == yaml.MappingNode {
			found = append(found, listItems(node.PathIndex(name+".items", j), item)...)
		}
	}
	return found
}

// object applies the rules to obj when it is a selected core Service, and returns the object as
// the rules left it (nil when they did not change it) with the results and counts, and the
// Service as a peer when it is selected.
func (r *job) object(obj object) (*yaml.Node, fn.Results, report.Counts, *peer) {
	var counts report.Counts
	if !selection.IsCoreService(obj.node) {
		return nil, r.notCore(obj.node), counts, nil
	}
	work, err := working(obj.node)
	if err != nil {
		counts.Failed++
		return nil, fn.Results{{Severity: fn.Error, Message: fmt.Sprintf("%s: %v", obj.name, err),
			ResourceRef: report.SubjectOf(obj.node).Ref}}, counts, nil
	}
	sub := report.SubjectOf(work)
	var findings []rules.Finding
	var outcome rules.Outcome
	var p *peer
	if selection.Selected(work, r.cfg.Selector) {
		p = &peer{labels: selection.PackLabels(node.AsWritten(work, "metadata", "labels"))}
		resolved := rules.ResolveProvider(work, r.cfg)
		outcome, findings = rules.Apply(work, r.cfg)
		countSelected(&counts, resolved, work, r.cfg, outcome)
	} else {
		counts.NotSelected++
		findings = append(rules.WarnMisplaced(work), warnings(selection.Misses(work, r.cfg.Selector))...)
	}
	findings = append(findings, warnings(selection.UnknownAnnotations(work, r.cfg.Selector))...)
	results := make(fn.Results, len(findings))
	for j, f := range findings {
		results[j] = report.Finding(sub, f)
		if f.Unsupported != nil {
			p.unsupported, p.error = f.Unsupported, results[j]
		}
	}
	r.shared.Results(results)
	if outcome != rules.Updated {
		return nil, results, counts, p
	}
	return work, results, counts, p
}

// working is the object the rules may change: a copy of its top, or, when it has aliases, the
// object with them resolved (within aliasBudget).
func working(n *yaml.Node) (*yaml.Node, error) {
	if node.HasAliases(n) {
		return node.Resolve(n, aliasBudget(n))
	}
	shallow := *n
	return &shallow, nil
}

// notCore warns of an object of kind Service that is not a core v1 Service and that the
// selector selects or nearly does: no label makes the function touch it. An object whose
// aliases do not resolve is not one the function reads, so nothing is said of it.
func (r *job) notCore(n *yaml.Node) fn.Results {
	if kind, _ := node.Scalar(node.AsDecoded(n, "kind")); kind != "Service" {
		return nil // no object of another kind is resolved: an alias bomb in a ConfigMap stays small
	}
	work, err := working(n)
	if err != nil {
		return nil
	}
	misses := selection.NotCore(work, r.cfg.Selector)
	if len(misses) == 0 {
		return nil
	}
	sub := report.SubjectOf(work)
	results := make(fn.Results, len(misses))
	for i, f := range warnings(misses) {
		results[i] = report.Finding(sub, f)
	}
	return results
}

// warnings turns selection's misses into findings: each a warning.
func warnings(misses []selection.Miss) []rules.Finding {
	findings := make([]rules.Finding, len(misses))
	for i, m := range misses {
		findings[i] = rules.Finding{Severity: fn.Warning, Path: m.Path, Message: m.Message}
	}
	return findings
}

// mayBeService reports whether an item that fn/input passes over (it is no core Service) may
// still be an object of kind Service, of another apiVersion, that notCore warns about: its text
// says Service, or escapes a character and so may spell it otherwise. Other items are not
// decoded at all.
func mayBeService(text []byte) bool {
	return bytes.Contains(text, []byte("Service")) || bytes.IndexByte(text, '\\') >= 0
}

// aliasBudget bounds how far a Service's aliases may expand: a node per byte of its text, and
// some room; an alias bomb goes far past it.
func aliasBudget(n *yaml.Node) int { return 10000 + 64*countNodes(n) }

func countNodes(n *yaml.Node) int {
	c := 1
	for _, x := range n.Content {
		c += countNodes(x)
	}
	return c
}

// verify decodes the piece as edited and checks that each object reads as the rules left it, or
// as it was when they did not change it: an edit that said something else would be a bug, and is
// refused rather than written. An unchanged object whose aliases expand past aliasBudget (an
// alias bomb in a ConfigMap) is not compared: expanding it is what the budget prevents, and an
// edit reaches it only through an anchor, which the session's conflict check guards.
func (r *job) verify(p input.Piece, text []byte, edits []edit.Edit, changes []change) error {
	want := make(map[string]*yaml.Node, len(changes))
	var names []string
	for _, c := range changes {
		switch {
		case c.after != nil && c.refused == "":
			want[c.obj.name] = c.after
			names = append(names, c.obj.name)
		case node.HasAliases(c.obj.node):
			if resolved, err := node.Resolve(c.obj.node, aliasBudget(c.obj.node)); err == nil {
				want[c.obj.name] = resolved
			}
		default:
			want[c.obj.name] = c.obj.node
		}
	}
	doc, err := input.DecodeOne(edit.Apply(text, edits))
	if err != nil {
		return fmt.Errorf("%s: writing the change to %s: the edited text does not decode: %w", p.Name(), strings.Join(names, ", "), err)
	}
	got, err := r.objects(p, doc)
	if err != nil {
		return err
	}
	for _, o := range got {
		if w := want[o.name]; w != nil && !node.Equal(o.node, w) {
			return fmt.Errorf("%s: the edited text does not say what the rules wrote", o.name)
		}
	}
	return nil
}

// quietlyUnselected reports, from what the text says of a Service, that object would only count
// it: it is not selected, carries no misplaced key to warn about, no label that nearly selects
// it, and its text mentions no key of ours or of the selector that an annotation could hold.
func quietlyUnselected(svc *itemscan.ServiceText, text []byte, cfg config.Config) bool {
	obj := svc.Node()
	return !selection.Selected(obj, cfg.Selector) && len(rules.WarnMisplaced(obj)) == 0 &&
		len(selection.Misses(obj, cfg.Selector)) == 0 && !selection.Mentions(text, cfg.Selector)
}

func configErrors(errs []*config.Error, fc *yaml.Node) fn.Results {
	results := make(fn.Results, len(errs))
	for i, e := range errs {
		results[i] = report.ConfigError(e, fc)
	}
	return results
}

// countSelected counts a selected Service: its outcome, its provider (resolved before the rules
// ran), and whether the provider's persistence timeout applies to it as the rules left it.
func countSelected(c *report.Counts, resolved rules.Resolution, after *yaml.Node, cfg config.Config, o rules.Outcome) {
	count(c, o)
	if resolved.Profile == nil {
		return
	}
	c.AddProvider(resolved.Profile.Name, resolved.Assumed)
	if resolved.Profile.Persistence != nil && rules.LoadBalancer(after, cfg) {
		c.LoadBalancers++
	}
}

func count(c *report.Counts, o rules.Outcome) {
	switch o {
	case rules.Updated:
		c.Updated++
	case rules.Compliant:
		c.Compliant++
	case rules.Failed:
		c.Failed++
	case rules.Skipped:
		c.Skipped++
	}
}
