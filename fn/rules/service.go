package rules

import (
	"fmt"
	"strconv"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// service is the working copy of one Service while the rules run, with what they found.
type service struct {
	obj      *yaml.Node
	cfg      config.Config
	findings []Finding
	stopped  bool // a rule found that nothing else can apply
	promoted bool // the Service becomes a LoadBalancer in this run
	skipped  bool // unsupported, passed through (onUnsupported: skip)
	// assumed is 1 + the index of the finding that says the provider was assumed; 0 when a
	// signal, the override annotation or the config named it.
	assumed int
	// kept marks the timeouts the Service states itself, kept because no config key set them.
	kept struct{ clientIP, persistence bool }
	// nodePortLocal is set when this run gives a NodePort Service externalTrafficPolicy: Local.
	nodePortLocal bool
}

func (s *service) profile() *provider.Profile { return s.cfg.Provider }

// spec returns the spec map, creating it when asked to write.
func (s *service) spec() *yaml.Node { return node.EnsureMap(s.obj, "spec") }

func (s *service) get(path ...string) *yaml.Node { return node.AsWritten(s.obj, path...) }

func (s *service) specString(key string) string {
	v, _ := node.Scalar(s.get("spec", key))
	return v
}

// serviceType is spec.type with the API server's default.
func (s *service) serviceType() string {
	if t := s.specString("type"); t != "" {
		return t
	}
	return "ClusterIP"
}

func (s *service) ports() []*yaml.Node {
	ports := s.get("spec", "ports")
	if ports == nil || ports.Kind != yaml.SequenceNode {
		return nil
	}
	return ports.Content
}

// annotation returns a string annotation; values of other types are reported by checkValueTypes.
func (s *service) annotation(key string) (string, bool) {
	v := s.get("metadata", "annotations", key)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag != yaml.NodeTagString {
		return "", false
	}
	return v.Value, true
}

// providerAnnotation reads a provider annotation the way its controller does: under the current
// prefix first, then the legacy ones. It returns the key it was found under.
func (s *service) providerAnnotation(key string) (found, value string, ok bool) {
	for _, alias := range s.profile().Aliases(key) {
		if value, ok := s.annotation(alias); ok {
			return alias, value, true
		}
	}
	return "", "", false
}

// matches reports whether any of the annotation matches holds ("" matches any value).
func (s *service) matches(ms []provider.Match) bool {
	for _, m := range ms {
		if _, v, ok := s.providerAnnotation(m.Key); ok && (m.Value == "" || v == m.Value) {
			return true
		}
	}
	return false
}

// bypassed reports whether the load balancer sends this Service's traffic straight to pods.
func (s *service) bypassed() bool {
	b := s.profile().Bypass
	return b != nil && s.serviceType() == "LoadBalancer" && s.matches(b.Matches)
}

func (s *service) add(sev fn.Severity, path, format string, args ...any) {
	s.findings = append(s.findings, Finding{Severity: sev, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (s *service) errorf(path, format string, args ...any) { s.add(fn.Error, path, format, args...) }
func (s *service) warnf(path, format string, args ...any)  { s.add(fn.Warning, path, format, args...) }
func (s *service) infof(path, format string, args ...any)  { s.add(fn.Info, path, format, args...) }

func (s *service) changed(sev fn.Severity, path, why string, c Change) {
	s.findings = append(s.findings, Finding{Severity: sev, Path: path, Message: why, Change: &c})
}

// setSpecString sets spec.<key> to a string, recording a change when it differs.
func (s *service) setSpecString(key, want, why string) {
	cur := s.get("spec", key)
	if v, ok := node.Scalar(cur); ok && v == want && cur.Tag == yaml.NodeTagString {
		return
	}
	s.changed(replacing(cur, want), node.PathField("spec", key), why, change(cur, want))
	node.SetScalar(s.spec(), key, want, yaml.NodeTagString)
}

// replacing is the severity of a change: a warning when it replaces a value the input set
// explicitly with another one (the result names both), info when it fills a missing field or
// only retypes the same value.
func replacing(cur *yaml.Node, want string) fn.Severity {
	if v, ok := node.Scalar(cur); ok && !node.IsNull(cur) && v != "" && v != want {
		return fn.Warning
	}
	return fn.Info
}

// setAnnotation sets a string annotation, recording a change when it differs: a warning when it
// replaces another value.
func (s *service) setAnnotation(key, want, why string) {
	s.setAnnotationAs(key, want, why, replacing(s.get("metadata", "annotations", key), want))
}

// setAnnotationAs is setAnnotation with the severity the caller decided.
func (s *service) setAnnotationAs(key, want, why string, sev fn.Severity) {
	if v, ok := s.annotation(key); ok && v == want {
		return
	}
	cur := s.get("metadata", "annotations", key)
	s.changed(sev, node.AnnotationPath(key), why, change(cur, want))
	node.SetScalar(node.EnsureMap(s.obj, "metadata", "annotations"), key, want, yaml.NodeTagString)
}

// valueOf turns a scalar node into the Go value a result shows: an int for integers (as yaml.v3
// reads them: 0x2A30 is 10800), a string otherwise, nil when absent.
func valueOf(n *yaml.Node) any {
	v, ok := node.Scalar(n)
	if !ok {
		if n == nil || node.IsNull(n) {
			return nil
		}
		return node.Describe(n)
	}
	if i, ok := node.Int(n); ok {
		return int(i)
	}
	return v
}

// was is the change's current value read from n, with the text as written when it reads as
// another value (0x2A30 is 10800), so the message shows both.
func was(n *yaml.Node) Change {
	c := Change{Current: valueOf(n)}
	if i, ok := node.Int(n); ok && strconv.FormatInt(i, 10) != n.Value {
		c.Written = n.Value
	}
	return c
}

// change is the change of n's value to proposed.
func change(n *yaml.Node, proposed any) Change {
	c := was(n)
	c.Proposed = proposed
	return c
}

// shown is a value as a message shows it: an integer as written and as read when they differ.
func shown(n *yaml.Node) string {
	if text, ok := node.IntText(n); ok {
		return text
	}
	return fmt.Sprint(valueOf(n))
}

func portPath(i int, field string) string { return node.PathField(portItemPath(i), field) }

func portItemPath(i int) string { return node.PathIndex("spec.ports", i) }
