package config

import (
	"fmt"
	"strconv"

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
	ClientIPTimeoutAnnotation    = "session-affinity.kpt.dev/client-ip-timeout-seconds"
	PersistenceTimeoutAnnotation = "session-affinity.kpt.dev/persistence-timeout-seconds"
)

// Config is the validated configuration.
type Config struct {
	Selector                  labels.Selector
	Provider                  *provider.Profile
	ClientIPTimeoutSeconds    int
	PersistenceTimeoutSeconds int
	Mode                      Mode
	PromoteToLoadBalancer     bool
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

// ForService applies a Service's override annotations to c. get returns an annotation's value and
// whether it is set. Each error names the annotation, the value and the allowed range.
func (c Config) ForService(get func(key string) (string, bool)) (Config, []*Error) {
	var errs []*Error
	fail := func(key, msg string) {
		errs = append(errs, &Error{Path: "metadata.annotations[" + key + "]", Key: "annotation " + key, Msg: msg})
	}
	if v, ok := get(ClientIPTimeoutAnnotation); ok {
		if n, problem := parseInRange(v, ClientIPTimeout, ""); problem != "" {
			fail(ClientIPTimeoutAnnotation, problem)
		} else {
			c.ClientIPTimeoutSeconds = n
		}
	}
	if v, ok := get(PersistenceTimeoutAnnotation); ok {
		if r, ok := c.persistenceRange(); !ok {
			fail(PersistenceTimeoutAnnotation, "provider "+c.Provider.Name+" has no load-balancer persistence timeout; remove the annotation")
		} else if n, problem := parseInRange(v, r, " for provider "+c.Provider.Name); problem != "" {
			fail(PersistenceTimeoutAnnotation, problem)
		} else {
			c.PersistenceTimeoutSeconds = n
		}
	}
	return c, errs
}

func (c Config) persistenceRange() (provider.Range, bool) {
	if c.Provider.Persistence == nil {
		return provider.Range{}, false
	}
	return c.Provider.Persistence.Range, true
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
