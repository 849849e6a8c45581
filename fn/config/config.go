package config

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

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
	DefaultProvider                  = "alibaba"
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
	Selector                  labels.Selector
	Provider                  *provider.Profile
	ClientIPTimeoutSeconds    int
	PersistenceTimeoutSeconds int
	// PersistenceSet is true when the config names persistenceTimeoutSeconds, which is then an
	// error for a provider without a persistence timeout.
	PersistenceSet        bool
	Mode                  Mode
	PromoteToLoadBalancer bool
}

// Default returns the configuration used when none is given.
func Default() Config {
	sel, err := labels.Parse(DefaultSelector)
	if err != nil {
		panic(err) // a constant that does not parse is a bug caught by every test
	}
	return Config{
		Selector:                  sel,
		Provider:                  provider.Alibaba,
		ClientIPTimeoutSeconds:    DefaultClientIPTimeoutSeconds,
		PersistenceTimeoutSeconds: DefaultPersistenceTimeoutSeconds,
		Mode:                      Mutate,
	}
}

// ForService applies a Service's override annotations to c: its provider, for mixed clusters,
// and its timeouts. get returns an annotation's value and whether it is set. Each error names the
// annotation, the value and what is allowed.
func (c Config) ForService(get func(key string) (string, bool)) (Config, []*Error) {
	var errs []*Error
	fail := func(key, msg string) {
		errs = append(errs, &Error{Path: "metadata.annotations[" + key + "]", Key: "annotation " + key, Msg: msg})
	}
	providerSet := false
	if v, ok := get(ProviderAnnotation); ok {
		if p, ok := provider.Lookup(v); ok {
			c.Provider, providerSet = p, true
		} else {
			fail(ProviderAnnotation, fmt.Sprintf("%q is not supported; allowed %s", v, strings.Join(provider.Names(), ", ")))
		}
	}
	if v, ok := get(ClientIPTimeoutAnnotation); ok {
		if n, problem := parseInRange(v, ClientIPTimeout, ""); problem != "" {
			fail(ClientIPTimeoutAnnotation, problem)
		} else {
			c.ClientIPTimeoutSeconds = n
		}
	}
	p := c.Provider.Persistence
	v, ok := get(PersistenceTimeoutAnnotation)
	switch {
	case ok && p == nil:
		fail(PersistenceTimeoutAnnotation, "provider "+c.Provider.Name+" has no load-balancer persistence timeout; remove the annotation")
	case ok:
		n, err := strconv.Atoi(v)
		if err != nil {
			fail(PersistenceTimeoutAnnotation, fmt.Sprintf("%q is not a whole number; allowed %s for provider %s", v, p.Allowed(), c.Provider.Name))
		} else if _, problem := p.InUnit(n); problem != "" {
			fail(PersistenceTimeoutAnnotation, problem+" for provider "+c.Provider.Name)
		} else {
			c.PersistenceTimeoutSeconds = n
		}
	case providerSet && p != nil:
		if _, problem := p.InUnit(c.PersistenceTimeoutSeconds); problem != "" {
			fail(ProviderAnnotation, fmt.Sprintf("persistenceTimeoutSeconds from the config: %s for provider %s; set %s on this Service", problem, c.Provider.Name, PersistenceTimeoutAnnotation))
		}
	}
	return c, errs
}

// parseInRange parses a decimal string the way Kubernetes and the CCM do (strconv.Atoi: no spaces,
// no units) and checks it against r.
func parseInRange(s string, r provider.Range, rangeNote string) (int, string) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Sprintf("%q is not a whole number; allowed %s%s", s, r, rangeNote)
	}
	if !r.Contains(n) {
		return 0, fmt.Sprintf("%d is out of range; allowed %s%s", n, r, rangeNote)
	}
	return n, ""
}
