package provider

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Profile describes what one provider's load balancer needs for stickiness from the client to
// the pod. Every field is optional; a nil or empty field means the provider has no such thing.
type Profile struct {
	// Name is the value of the `provider` config key and of the per-Service override.
	Name string
	// Summary says in one line what the profile sets.
	Summary string

	// Prefixes are the prefixes of the load balancer controller's annotations. On a ClusterIP
	// Service they are load-balancer-only fields.
	Prefixes []string
	// Legacy maps a current annotation prefix to an older one the controller still reads, after
	// the current one.
	Legacy map[string]string

	// Controller says which Services the load balancer controller handles.
	Controller *Controller
	// Persistence is the load balancer's own session persistence timeout.
	Persistence *Persistence
	// Annotations are set on every LoadBalancer Service the controller handles.
	Annotations []Set
	// Bypass marks Services whose load balancer sends traffic straight to pods, past kube-proxy.
	Bypass *Bypass
	// Listener describes the per-port listener protocol annotation.
	Listener *Listener
	// Scheduler is the scheduling algorithm annotation.
	Scheduler *Scheduler
	// Refusals are annotation values that break stickiness: each is an error.
	Refusals []Refusal
	// Checks validate annotations the user sets, by range.
	Checks []Check
	// Warnings are annotations worth a warning when present.
	Warnings []Warning
	// Notes are said (as info) about every LoadBalancer Service the profile rewrites.
	Notes []string
	// NodePortBackends is true when, without Bypass, the load balancer sends traffic to node
	// ports, so every port needs a nodePort.
	NodePortBackends bool
	// Proxies are annotations that put a proxying load balancer in front of the Service, which
	// ProxyAdvice explains with a warning.
	Proxies     []Proxy
	ProxyAdvice string
}

// Match is an annotation key and the value that makes it apply ("" matches any value).
type Match struct {
	Key, Value string
}

// Controller describes which LoadBalancer Services a load balancer controller handles.
type Controller struct {
	// Name names the controller in messages.
	Name string
	// Classes are the spec.loadBalancerClass values it handles; "" stands for no class.
	Classes []string
	// Markers are annotations that hand a Service without a class to it. When set, a Service
	// with neither a handled class nor a marker is refused with Unhandled.
	Markers   []Match
	Unhandled string
}

// Unit is a unit a provider measures a timeout in.
type Unit struct {
	Name    string
	Seconds int
}

var (
	Seconds = Unit{Name: "seconds", Seconds: 1}
	Minutes = Unit{Name: "minutes", Seconds: 60}
)

// Persistence is the load balancer's session persistence timeout: its range, in its unit.
type Persistence struct {
	Range Range
	Unit  Unit
	// TCPOnly is true when the load balancer applies persistence to TCP listeners only.
	TCPOnly bool
}

// InUnit converts the configured seconds into the provider's unit, or says why it cannot.
func (p *Persistence) InUnit(seconds int) (int, error) {
	if seconds%p.Unit.Seconds != 0 {
		return 0, fmt.Errorf("%d is not a whole number of %s; allowed %s", seconds, p.Unit.Name, p.Allowed())
	}
	n := seconds / p.Unit.Seconds
	if !p.Range.Contains(n) {
		return 0, fmt.Errorf("%d is out of range; allowed %s", seconds, p.Allowed())
	}
	return n, nil
}

// Allowed describes the allowed seconds: "1..3600", or "60..3600 in whole minutes (1..60 minutes)".
func (p *Persistence) Allowed() string {
	if p.Unit == Seconds {
		return p.Range.String()
	}
	return fmt.Sprintf("%d..%d in whole %s (%s %s)", p.Range.Min*p.Unit.Seconds, p.Range.Max*p.Unit.Seconds, p.Unit.Name, p.Range, p.Unit.Name)
}

// Format is how a Set writes its value into the annotation.
type Format int

const (
	// Plain: the annotation's value is the value.
	Plain Format = iota
	// JSONField: the annotation holds a JSON object; the value goes into Field, as a string.
	JSONField
	// ListItems: the annotation holds comma-separated key=value items; Items are merged in.
	ListItems
)

// Set is one annotation the profile sets.
type Set struct {
	Key    string
	Format Format
	// Value is the value for Plain; Persistence uses the persistence timeout instead.
	Value       string
	Persistence bool
	Field       string   // JSONField
	Items       []string // ListItems, as key=value
	Why         string
}

// Bypass describes when the load balancer targets pods directly.
type Bypass struct {
	Matches []Match
	// Affinity is false when ClientIP is left alone too, not only externalTrafficPolicy.
	Affinity bool
	Why      string
}

// Listener describes the annotation that overrides each port's listener protocol.
type Listener struct {
	Key string
	// Protocols are the accepted protocol names.
	Protocols       []string
	CaseInsensitive bool
	// Proxying are the protocols whose listener terminates the connection, hiding the client IP.
	Proxying []string
	// Unsupported is the controller's error for an unknown protocol, with %s for it.
	Unsupported string
}

// Scheduler is the scheduler annotation: the value Local traffic needs, or "" to leave the
// choice to the user with Advice.
type Scheduler struct {
	Key    string
	Want   string
	Advice string
	// Suggest is the value Advice recommends; a Service that has it gets no warning.
	Suggest string
}

// Refusal is an annotation value that breaks stickiness.
type Refusal struct {
	Match
	Why string
}

// Check validates an annotation the user sets.
type Check struct {
	Key   string
	Range Range
	Unit  Unit
	Why   string
}

// Warning is an annotation worth a warning when present.
type Warning struct {
	Key string
	Why string
}

// Aliases returns key and the legacy keys the controller reads after it, in that order.
func (p *Profile) Aliases(key string) []string {
	keys := []string{key}
	for current, legacy := range p.Legacy {
		if strings.HasPrefix(key, current) {
			keys = append(keys, legacy+strings.TrimPrefix(key, current))
		}
	}
	return keys
}

// OwnsAnnotation reports whether key belongs to the provider's load balancer controller.
func (p *Profile) OwnsAnnotation(key string) bool {
	for _, prefix := range p.Prefixes {
		if strings.HasPrefix(key, prefix) {
			return true
		}
	}
	return false
}

// Range is an inclusive range of whole numbers, in the unit its owner names.
type Range struct {
	Min, Max int
}

// Contains reports whether n lies within the range.
func (r Range) Contains(n int) bool { return r.Min <= n && n <= r.Max }

func (r Range) String() string { return fmt.Sprintf("%d..%d", r.Min, r.Max) }

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

// ForClass returns the profile whose controller handles loadBalancerClass class.
func ForClass(class string) (*Profile, bool) {
	for _, name := range Names() {
		if c := profiles[name].Controller; c != nil && class != "" && slices.Contains(c.Classes, class) {
			return profiles[name], true
		}
	}
	return nil, false
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

// PersistenceRanges says each provider's persistence timeout range, from the profiles: "alibaba
// 1..3600; huawei 60..3600 in whole minutes (1..60 minutes); aws, gke have none". --help, the
// config key's documentation and the schema all say it in these words.
func PersistenceRanges() string {
	var with, without []string
	for _, name := range Names() {
		if p := profiles[name].Persistence; p != nil {
			with = append(with, name+" "+p.Allowed())
		} else {
			without = append(without, name)
		}
	}
	return strings.Join(with, "; ") + "; " + strings.Join(without, ", ") + " have no persistence timeout"
}
