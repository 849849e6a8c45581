package provider

import (
	"fmt"
	"sort"
	"strings"
)

// Range is an inclusive range of whole numbers, in the unit its owner names.
type Range struct {
	Min, Max int
}

// Contains reports whether n lies within the range.
func (r Range) Contains(n int) bool { return r.Min <= n && n <= r.Max }

func (r Range) String() string { return fmt.Sprintf("%d..%d", r.Min, r.Max) }

// Annotation names one load-balancer annotation by the part after the provider's prefix, so that
// it can be looked up under every prefix the provider's controller reads.
type Annotation string

// Profile describes what one provider's load balancer controller needs for end-to-end stickiness.
type Profile struct {
	// Name is the value of the `provider` config key.
	Name string

	// Prefixes are the annotation prefixes the controller reads, in the order it reads them: a key
	// under the first prefix wins over the same name under a later (legacy) one.
	Prefixes []string

	// Persistence is the load balancer's own session persistence, or nil when the provider has
	// none that an annotation can set.
	Persistence *Persistence

	// PodBackends marks Services whose load balancer sends traffic straight to pods, bypassing
	// kube-proxy, so externalTrafficPolicy does not matter on the load balancer path.
	PodBackends *Match

	// Scheduler is the scheduling algorithm that weights nodes by their local pods, which
	// externalTrafficPolicy: Local needs; empty when the provider sets weights itself.
	Scheduler Scheduler

	// Listener describes the per-port listener protocol annotation, nil when the provider has none.
	Listener *Listener

	// ClassController names the controller that ignores a Service with any spec.loadBalancerClass;
	// empty when the class does not matter to the profile.
	ClassController string

	// NodePortBackends is true when the load balancer sends traffic to node ports (unless
	// PodBackends applies), so every port needs a nodePort.
	NodePortBackends bool

	// Obsolete lists annotations that have nothing to do with stickiness but are often copied
	// with it, with the reason they deserve a warning.
	Obsolete map[Annotation]string
}

// Persistence is the load balancer's session persistence timeout annotation.
type Persistence struct {
	Annotation Annotation
	Range      Range // in seconds
}

// Match is an annotation key and the value that makes it apply.
type Match struct {
	Key, Value string
}

// Scheduler is a scheduler annotation and the value that Local traffic needs.
type Scheduler struct {
	Annotation Annotation
	Want       string
}

// Listener describes the annotation that overrides each port's listener protocol.
type Listener struct {
	Annotation Annotation
	// Protocols are the accepted protocol names, compared case-sensitively.
	Protocols []string
	// Proxying are the protocols whose listener terminates the connection, hiding the client IP.
	Proxying []string
}

// Key returns the annotation key under the provider's current (first) prefix.
func (p *Profile) Key(a Annotation) string {
	if len(p.Prefixes) == 0 {
		return ""
	}
	return p.Prefixes[0] + string(a)
}

// Keys returns the annotation's key under every prefix, current first.
func (p *Profile) Keys(a Annotation) []string {
	keys := make([]string, len(p.Prefixes))
	for i, prefix := range p.Prefixes {
		keys[i] = prefix + string(a)
	}
	return keys
}

// OwnsAnnotation reports whether key is one of the provider's load-balancer annotations.
func (p *Profile) OwnsAnnotation(key string) bool {
	for _, prefix := range p.Prefixes {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return p.PodBackends != nil && key == p.PodBackends.Key
}

var profiles = map[string]*Profile{}

func register(p *Profile) *Profile {
	profiles[p.Name] = p
	return p
}

// Lookup returns the profile called name.
func Lookup(name string) (*Profile, bool) {
	p, ok := profiles[name]
	return p, ok
}

// Names lists the known provider names, sorted.
func Names() []string {
	names := make([]string, 0, len(profiles))
	for name := range profiles {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
