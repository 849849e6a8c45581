package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// Mode says whether the function rewrites Services or only reports what it would change.
type Mode string

const (
	Mutate   Mode = "mutate"
	Validate Mode = "validate"
)

// The defaults of spec section 2.
const (
	DefaultSelector                  = "session-affinity.kpt.dev/sticky=true"
	DefaultProvider                  = provider.Auto
	DefaultClientIPTimeoutSeconds    = 10800
	DefaultPersistenceTimeoutSeconds = 1800
)

// ClientIPTimeout is the range Kubernetes accepts for sessionAffinityConfig.clientIP.timeoutSeconds
// (MaxClientIPServiceAffinitySeconds in pkg/apis/core/validation).
var ClientIPTimeout = provider.Range{Min: 1, Max: 86400}

// Per-Service override annotations: the owner of one Service keeps a value of their own.
const (
	ProviderAnnotation           = "session-affinity.kpt.dev/provider"
	ClientIPTimeoutAnnotation    = "session-affinity.kpt.dev/client-ip-timeout-seconds"
	PersistenceTimeoutAnnotation = "session-affinity.kpt.dev/persistence-timeout-seconds"
)

// Config is the validated configuration.
type Config struct {
	Selector labels.Selector
	// Provider is the configured provider; with ProviderAuto, the one assumed for a Service
	// without signals (Alibaba CLB, the product's default).
	Provider *provider.Profile
	// ProviderAuto is true when each Service's provider is read from the Service (provider: auto).
	ProviderAuto              bool
	ClientIPTimeoutSeconds    int
	PersistenceTimeoutSeconds int
	// PersistenceSet is true when the config names persistenceTimeoutSeconds, which is then an
	// error for a provider without a persistence timeout.
	PersistenceSet bool
	// persistenceText is the key's value as given, parsed with the provider by persistence.
	persistenceText       string
	Mode                  Mode
	PromoteToLoadBalancer bool
	OnUnsupported         OnUnsupported
	// Origin says where the values came from, so messages name the user's flag, file or key.
	Origin Origin
	// Sources says which timeouts the user set, and where: a value a Service already states is
	// kept unless its key was set explicitly.
	Sources Sources
}

// Source says where a timeout's value came from.
type Source int

const (
	// Defaulted: nobody set it. A valid value the Service already states is kept; the default
	// only fills a gap.
	Defaulted Source = iota
	// FromConfig: a flag, a --config file key or a functionConfig key set it. It replaces the
	// Service's own value, with a warning naming both.
	FromConfig
	// FromOverride: the Service's own override annotation set it. It wins over everything.
	FromOverride
)

// Sources records, for each timeout, whether the user set it explicitly: the one record the rules
// and the admission policy read to decide whether a Service's own value is kept.
type Sources struct {
	ClientIPTimeout    Source
	PersistenceTimeout Source
}

// OnUnsupported says what happens to a selected Service where affinity cannot apply (headless,
// ExternalName): an error, or a warning and the Service passed through.
type OnUnsupported string

const (
	UnsupportedError OnUnsupported = "error"
	UnsupportedSkip  OnUnsupported = "skip"
)

// Default returns the configuration used when none is given.
func Default() Config {
	sel, err := labels.Parse(DefaultSelector)
	if err != nil {
		panic(err) // a constant that does not parse is a bug caught by every test
	}
	return Config{
		Selector:                  sel,
		Provider:                  provider.Alibaba,
		ProviderAuto:              true,
		ClientIPTimeoutSeconds:    DefaultClientIPTimeoutSeconds,
		PersistenceTimeoutSeconds: DefaultPersistenceTimeoutSeconds,
		Mode:                      Mutate,
		OnUnsupported:             UnsupportedError,
	}
}

// ProviderName is the `provider` key's value: auto, or the configured provider's name.
func (c Config) ProviderName() string {
	if c.ProviderAuto {
		return provider.Auto
	}
	return c.Provider.Name
}

// LookupOverride reads a Service's provider override annotation value: a known provider, or an
// error naming the annotation and the allowed values.
func LookupOverride(v string) (*provider.Profile, *Error) {
	if p, ok := provider.Lookup(v); ok {
		return p, nil
	}
	return nil, &Error{Path: node.AnnotationPath(ProviderAnnotation), Key: "annotation " + ProviderAnnotation,
		Msg: fmt.Sprintf("%q is not supported; allowed %s", v, strings.Join(provider.Names(), ", "))}
}

// ForService returns c for one Service whose provider is p (read from the Service, its override
// annotation or the config), with the Service's timeout override annotations applied. get returns
// an annotation's value and whether it is set. The config's persistence timeout was checked
// against the configured provider only, so it is checked again against any other p. Each error
// names the annotation, the value and what is allowed.
func (c Config) ForService(p *provider.Profile, get func(key string) (string, bool)) (Config, []*Error) {
	var errs []*Error
	fail := func(key, msg string) {
		errs = append(errs, &Error{Path: node.AnnotationPath(key), Key: "annotation " + key, Msg: msg})
	}
	recheck := c.ProviderAuto || p != c.Provider
	c.Provider = p
	if v, ok := get(ClientIPTimeoutAnnotation); ok {
		if n, err := parseInRange(v, ClientIPTimeout); err != nil {
			fail(ClientIPTimeoutAnnotation, err.Error())
		} else {
			c.ClientIPTimeoutSeconds, c.Sources.ClientIPTimeout = n, FromOverride
		}
	}
	v, ok := get(PersistenceTimeoutAnnotation)
	switch {
	case ok:
		if n, err := c.persistence(v); p.Persistence == nil {
			fail(PersistenceTimeoutAnnotation, err.Error()+"; remove the annotation")
		} else if err != nil {
			fail(PersistenceTimeoutAnnotation, err.Error())
		} else {
			c.PersistenceTimeoutSeconds, c.Sources.PersistenceTimeout = n, FromOverride
		}
	case recheck && p.Persistence != nil:
		if _, err := c.persistence(strconv.Itoa(c.PersistenceTimeoutSeconds)); err != nil {
			fail(PersistenceTimeoutAnnotation, fmt.Sprintf("not set, and persistenceTimeoutSeconds from the config: %v; set the annotation on this Service", err))
		}
	}
	return c, errs
}

// persistence parses and checks a persistence timeout for c's provider: the one check behind the
// config key and the per-Service annotation.
func (c Config) persistence(v string) (int, error) {
	p := c.Provider.Persistence
	if p == nil {
		return 0, errors.New("provider " + c.Provider.Name + " has no load-balancer persistence timeout")
	}
	n, ok := parseInt(v)
	if !ok {
		return 0, fmt.Errorf("%q is not a whole number; allowed %s for provider %s", v, p.Allowed(), c.Provider.Name)
	}
	if _, err := p.InUnit(n); err != nil {
		return 0, fmt.Errorf("%w for provider %s", err, c.Provider.Name)
	}
	return n, nil
}

// persistenceAnyProvider checks a persistence timeout that applies to each Service under the
// provider it resolves to: it must be a whole number that at least one provider takes.
func persistenceAnyProvider(v string) (int, error) {
	n, ok := parseInt(v)
	if !ok {
		return 0, fmt.Errorf("%q is not a whole number; allowed by provider: %s", v, provider.PersistenceRanges())
	}
	for _, name := range provider.Names() {
		p, _ := provider.Lookup(name)
		if per := p.Persistence; per != nil {
			if _, err := per.InUnit(n); err == nil {
				return n, nil
			}
		}
	}
	return 0, fmt.Errorf("%d fits no provider's range; allowed by provider: %s", n, provider.PersistenceRanges())
}

// parseInt is the one integer parser of config keys and override annotations: strconv.Atoi, as
// Kubernetes and the CCM parse (no spaces, no units).
func parseInt(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseInRange parses a decimal string the way Kubernetes and the CCM do (strconv.Atoi: no spaces,
// no units) and checks it against r.
func parseInRange(s string, r provider.Range) (int, error) {
	n, ok := parseInt(s)
	if !ok {
		return 0, fmt.Errorf("%q is not a whole number; allowed %s", s, r)
	}
	if !r.Contains(n) {
		return 0, fmt.Errorf("%d is out of range; allowed %s", n, r)
	}
	return n, nil
}
