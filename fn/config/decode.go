package config

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/sticky-services/set-session-affinity/fn/node"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// The typed form's identity.
const (
	Group   = "fn.kpt.dev"
	Version = "v1alpha1"
	Kind    = "SetSessionAffinity"
)

// Error is one problem with the config. Path is where it sits in the config object
// (`data.mode` in a ConfigMap, `mode` in the typed form).
type Error struct {
	Path string
	Key  string
	Msg  string
	// Where names the value in the user's words when it came from a flag (`--mode x`) or a
	// --config file (`--config cfg.yaml data.mode`); "" for a functionConfig key, named by Path.
	Where string
}

func (e *Error) Error() string { return e.Key + ": " + e.Msg }

// form is how one wire form spells a key's value.
type form struct {
	typed      bool   // values carry their own YAML types
	pathPrefix string // where the keys sit, for field paths
}

// key is one config key: how it is documented and how it decodes into Config.
type key struct {
	Doc
	set func(c *Config, f form, v *yaml.Node) error // the error's text is the config error's Msg
}

// Doc describes one config key for people and schemas: --help, the README table and the
// published OpenAPI schema are checked against it.
type Doc struct {
	Name string
	// Type is the key's type in the typed form: string, integer, boolean, or selector (a string,
	// or an object with matchLabels and matchExpressions).
	Type    string
	Default string
	Allowed string
	Summary string
}

var keys = []key{
	{Doc{"selector", "selector", DefaultSelector, "a label selector; \"\" selects every Service",
		"which Services to make sticky"}, setSelector},
	{Doc{"provider", "string", DefaultProvider, providerValues(),
		"the load balancer's controller; auto reads each Service's from its loadBalancerClass and annotations"}, setProvider},
	{Doc{"clientIPTimeoutSeconds", "integer", strconv.Itoa(DefaultClientIPTimeoutSeconds), ClientIPTimeout.String(),
		"spec.sessionAffinityConfig.clientIP.timeoutSeconds"},
		func(c *Config, f form, v *yaml.Node) error {
			return setInt(&c.ClientIPTimeoutSeconds, f, v, ClientIPTimeout.String())
		}},
	{Doc{"persistenceTimeoutSeconds", "integer", strconv.Itoa(DefaultPersistenceTimeoutSeconds), "by provider: " + provider.PersistenceRanges(),
		"the load balancer's session persistence"},
		func(c *Config, f form, v *yaml.Node) error {
			// Parsed and checked with the provider, by the code that checks the per-Service
			// annotation (Config.persistence), once every key is read.
			s, err := scalar(f, v, yaml.NodeTagInt, "an integer, a number of seconds in the provider's range")
			c.PersistenceSet, c.persistenceText = err == nil, s
			return err
		}},
	{Doc{"mode", "string", string(Mutate), string(Mutate) + ", " + string(Validate),
		"validate changes nothing and reports each needed change as an error"}, setOneOf(func(c *Config) *Mode { return &c.Mode }, Mutate, Validate)},
	{Doc{"promoteToLoadBalancer", "boolean", "false", "true, false",
		"turn ClusterIP Services carrying load-balancer fields into LoadBalancer Services"},
		setBool(func(c *Config) *bool { return &c.PromoteToLoadBalancer })},
	{Doc{"onUnsupported", "string", string(UnsupportedError), string(UnsupportedError) + ", " + string(UnsupportedSkip),
		"what a selected headless or ExternalName Service gets: an error, or skip (a warning, passed through)"}, setOneOf(func(c *Config) *OnUnsupported { return &c.OnUnsupported }, UnsupportedError, UnsupportedSkip)},
}

// Keys documents every config key, in the order of the contract.
func Keys() []Doc {
	docs := make([]Doc, len(keys))
	for i, k := range keys {
		docs[i] = k.Doc
	}
	return docs
}

func keyNames() string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// Decode reads and validates the functionConfig, whose values came from origin: the zero Origin
// for a ResourceList's functionConfig, what the command line says for the config it builds. A nil,
// null or empty object, or a ConfigMap without data, means all defaults. On any error the returned
// Config must not be used.
func Decode(fc *yaml.Node, origin Origin) (Config, []*Error) {
	c := Default()
	c.Origin = origin
	c.Origin.Keys = map[string]bool{}
	if fc == nil || fc.Kind == 0 || yaml.IsYNodeTaggedNull(fc) || yaml.IsYNodeEmptyMap(fc) {
		return c, nil
	}
	if fc.Kind != yaml.MappingNode {
		return c, []*Error{{Path: "functionConfig", Key: "functionConfig", Msg: "must be an object: a ConfigMap or a " + Group + "/" + Version + " " + Kind}}
	}
	obj := yaml.NewRNode(fc)
	apiVersion, kind := obj.GetApiVersion(), obj.GetKind()
	var errs []*Error
	switch {
	case kind == "ConfigMap" && apiVersion == "v1":
		errs = decodeConfigMap(&c, obj)
	case kind == Kind && apiVersion == Group+"/"+Version:
		errs = decodeFields(&c, fc, form{typed: true}, "apiVersion", "kind", "metadata")
		errs = append(errs, checkMetadata(fc)...)
	default:
		return c, []*Error{{Path: "kind", Key: "functionConfig", Msg: fmt.Sprintf(
			"unsupported kind %q (apiVersion %q); allowed: ConfigMap (v1) or %s (%s/%s)", kind, apiVersion, Kind, Group, Version)}}
	}
	values := fc
	c.Origin.Prefix = pathPrefix(kind)
	if kind == "ConfigMap" {
		values = node.AsWritten(fc, "data")
	}
	for _, f := range node.Fields(values) {
		if _, ok := lookupKey(f.Key); ok && !c.Origin.Flags[f.Key] {
			c.Origin.Keys[f.Key] = true
		}
	}
	c.Sources = sourcesOf(values)
	if len(errs) == 0 {
		errs = checkRanges(&c, form{typed: kind == Kind, pathPrefix: pathPrefix(kind)})
	}
	nameWhere(errs, values, c.Origin)
	return c, errs
}

// nameWhere names each key's error in the user's words when its value came from a flag or a
// --config file (Error.Where).
func nameWhere(errs []*Error, values *yaml.Node, o Origin) {
	for _, e := range errs {
		if _, ok := lookupKey(e.Key); ok {
			v, _ := node.Scalar(node.AsWritten(values, e.Key))
			if where := o.Blame(e.Key, e.Path, v); where != e.Path {
				e.Where = where
			}
		}
	}
}

// sourcesOf records which timeouts the config object sets. Flags and a --config file reach here
// as keys of the object the command line builds, so every explicit setting is a key.
func sourcesOf(values *yaml.Node) Sources {
	var s Sources
	if node.AsWritten(values, "clientIPTimeoutSeconds") != nil {
		s.ClientIPTimeout = FromConfig
	}
	if node.AsWritten(values, "persistenceTimeoutSeconds") != nil {
		s.PersistenceTimeout = FromConfig
	}
	return s
}

func pathPrefix(kind string) string {
	if kind == "ConfigMap" {
		return "data."
	}
	return ""
}

// checkMetadata: the object's metadata is the orchestrators' (ignored), but it must be an object.
func checkMetadata(fc *yaml.Node) []*Error {
	if m := node.AsWritten(fc, "metadata"); !node.IsNull(m) && m.Kind != yaml.MappingNode {
		return []*Error{{Path: "metadata", Key: "metadata", Msg: "must be an object, got " + node.Describe(m)}}
	}
	return nil
}

func decodeConfigMap(c *Config, obj *yaml.RNode) []*Error {
	errs := checkMetadata(obj.YNode())
	for _, field := range node.Fields(obj.YNode()) {
		switch field.Key {
		case "apiVersion", "kind", "metadata":
		case "data":
			if yaml.IsYNodeTaggedNull(field.Value) {
				continue
			}
			if field.Value.Kind != yaml.MappingNode {
				errs = append(errs, &Error{Path: "data", Key: "data", Msg: "must be a map of strings"})
				continue
			}
			errs = append(errs, decodeFields(c, field.Value, form{pathPrefix: "data."})...)
		default:
			errs = append(errs, &Error{Path: field.Key, Key: field.Key, Msg: "unknown field in a ConfigMap config; allowed apiVersion, kind, metadata, data"})
		}
	}
	return errs
}

// decodeFields decodes the config keys of m; names in skip are the object's own fields.
func decodeFields(c *Config, m *yaml.Node, f form, skip ...string) []*Error {
	var errs []*Error
	for _, field := range node.Fields(m) {
		if slices.Contains(skip, field.Key) {
			continue
		}
		k, ok := lookupKey(field.Key)
		if !ok {
			errs = append(errs, &Error{Path: f.pathPrefix + field.Key, Key: field.Key, Msg: "unknown key; allowed " + keyNames()})
			continue
		}
		if err := k.set(c, f, field.Value); err != nil {
			errs = append(errs, &Error{Path: f.pathPrefix + field.Key, Key: field.Key, Msg: err.Error()})
		}
	}
	return errs
}

// checkRanges validates what depends on more than one key.
func checkRanges(c *Config, f form) []*Error {
	var errs []*Error
	if !ClientIPTimeout.Contains(c.ClientIPTimeoutSeconds) {
		errs = append(errs, &Error{Path: f.pathPrefix + "clientIPTimeoutSeconds", Key: "clientIPTimeoutSeconds",
			Msg: fmt.Sprintf("%d is out of range; allowed %s", c.ClientIPTimeoutSeconds, ClientIPTimeout)})
	}
	if err := checkPersistence(c); err != nil {
		errs = append(errs, &Error{Path: f.pathPrefix + "persistenceTimeoutSeconds", Key: "persistenceTimeoutSeconds", Msg: err.Error()})
	}
	return errs
}

// checkPersistence parses the persistence timeout, given or defaulted, for the provider, once
// every key is read, and sets it.
func checkPersistence(c *Config) error {
	text := strconv.Itoa(c.PersistenceTimeoutSeconds)
	if c.PersistenceSet {
		text = c.persistenceText
	}
	if c.ProviderAuto {
		// Each Service's provider is known only per Service, where the value is checked again
		// (ForService); here it must fit at least one provider's range.
		n, err := persistenceAnyProvider(text)
		c.PersistenceTimeoutSeconds = n
		return err
	}
	n, err := c.persistence(text)
	switch {
	case err == nil:
		c.PersistenceTimeoutSeconds = n
	case c.Provider.Persistence == nil && c.PersistenceSet:
		return fmt.Errorf("%w; %s", err, c.Origin.Drop("persistenceTimeoutSeconds"))
	case c.Provider.Persistence != nil:
		return err
	}
	return nil
}

func lookupKey(name string) (key, bool) {
	for _, k := range keys {
		if k.Name == name {
			return k, true
		}
	}
	return key{}, false
}

// scalar returns v's text when it has the type the form requires: any scalar in a ConfigMap
// (all values are strings there), the given YAML tag in the typed form.
func scalar(f form, v *yaml.Node, tag, want string) (string, error) {
	if v.Kind != yaml.ScalarNode || (yaml.IsYNodeTaggedNull(v) && tag != yaml.NodeTagNull) {
		return "", fmt.Errorf("got %s; want %s", node.Describe(v), want)
	}
	if f.typed && v.Tag != tag {
		return "", fmt.Errorf("got %s %q; want %s", node.TagName(v.Tag), v.Value, want)
	}
	return v.Value, nil
}

func setInt(dst *int, f form, v *yaml.Node, allowed string) error {
	s, err := scalar(f, v, yaml.NodeTagInt, "an integer, "+allowed)
	if err != nil {
		return err
	}
	n, ok := parseInt(s)
	if !ok {
		return fmt.Errorf("%q is not a whole number; want an integer, %s", s, allowed)
	}
	*dst = n
	return nil
}

func setBool(field func(*Config) *bool) func(*Config, form, *yaml.Node) error {
	return func(c *Config, f form, v *yaml.Node) error {
		s, err := scalar(f, v, yaml.NodeTagBool, "true or false")
		if err != nil {
			return err
		}
		switch s {
		case "true":
			*field(c) = true
		case "false":
			*field(c) = false
		default:
			return fmt.Errorf("%q is not allowed; allowed true, false", s)
		}
		return nil
	}
}

// setOneOf sets a string key that takes one of a few values.
func setOneOf[T ~string](field func(*Config) *T, allowed ...T) func(*Config, form, *yaml.Node) error {
	words := make([]string, len(allowed))
	for i, a := range allowed {
		words[i] = string(a)
	}
	return func(c *Config, f form, v *yaml.Node) error {
		s, err := scalar(f, v, yaml.NodeTagString, strings.Join(words, " or "))
		if err != nil {
			return err
		}
		if !slices.Contains(allowed, T(s)) {
			return fmt.Errorf("%q is not allowed; allowed %s", s, strings.Join(words, ", "))
		}
		*field(c) = T(s)
		return nil
	}
}

// providerValues are the `provider` key's allowed values: auto, then the providers.
func providerValues() string {
	return provider.Auto + ", " + strings.Join(provider.Names(), ", ")
}

func setProvider(c *Config, f form, v *yaml.Node) error {
	allowed := providerValues()
	s, err := scalar(f, v, yaml.NodeTagString, "one of "+allowed)
	if err != nil {
		return err
	}
	if s == provider.Auto {
		c.Provider, c.ProviderAuto = provider.Alibaba, true
		return nil
	}
	p, ok := provider.Lookup(s)
	if !ok {
		return fmt.Errorf("%q is not supported; allowed %s", s, allowed)
	}
	c.Provider, c.ProviderAuto = p, false
	return nil
}

const selectorHelp = "a label selector such as `app=web,tier in (a,b),!legacy`"

func setSelector(c *Config, f form, v *yaml.Node) error {
	if f.typed && v.Kind == yaml.MappingNode {
		sel, err := structuredSelector(v)
		if err == nil {
			c.Selector = sel
		}
		return err
	}
	want := selectorHelp
	if f.typed {
		want += ", or {matchLabels, matchExpressions}"
	}
	s, err := scalar(f, v, yaml.NodeTagString, want)
	if err != nil {
		return err
	}
	sel, err := labels.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a valid label selector (%w); want %s", s, err, want)
	}
	c.Selector = sel
	return nil
}

// structuredSelector reads the {matchLabels, matchExpressions} form of metav1.LabelSelector.
func structuredSelector(m *yaml.Node) (labels.Selector, error) {
	sel := labels.NewSelector()
	for _, field := range node.Fields(m) {
		var reqs []labels.Requirement
		var err error
		switch field.Key {
		case "matchLabels":
			reqs, err = matchLabels(field.Value)
		case "matchExpressions":
			reqs, err = matchExpressions(field.Value)
		default:
			err = fmt.Errorf("unknown field %q; allowed matchLabels, matchExpressions", field.Key)
		}
		if err != nil {
			return nil, err
		}
		sel = sel.Add(reqs...)
	}
	return sel, nil
}

func matchLabels(m *yaml.Node) ([]labels.Requirement, error) {
	if m.Kind != yaml.MappingNode {
		return nil, errors.New("matchLabels: want a map of label keys to values, got " + node.Describe(m))
	}
	var reqs []labels.Requirement
	for _, field := range node.Fields(m) {
		if field.Value.Kind != yaml.ScalarNode || field.Value.Tag != yaml.NodeTagString {
			return nil, fmt.Errorf("matchLabels.%s: want a string, got %s", field.Key, node.Describe(field.Value))
		}
		r, err := labels.NewRequirement(field.Key, selection.Equals, []string{field.Value.Value})
		if err != nil {
			return nil, fmt.Errorf("matchLabels.%s: %w", field.Key, err)
		}
		reqs = append(reqs, *r)
	}
	return reqs, nil
}

func stringField(v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag != yaml.NodeTagString {
		return "", errors.New("want a string, got " + node.Describe(v))
	}
	return v.Value, nil
}

func stringList(v *yaml.Node) ([]string, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, errors.New("want a list of strings, got " + node.Describe(v))
	}
	values := make([]string, len(v.Content))
	for i, item := range v.Content {
		s, err := stringField(item)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", node.PathIndex("", i), err)
		}
		values[i] = s
	}
	return values, nil
}

var operators = map[string]selection.Operator{
	"In": selection.In, "NotIn": selection.NotIn, "Exists": selection.Exists, "DoesNotExist": selection.DoesNotExist,
}

func matchExpressions(s *yaml.Node) ([]labels.Requirement, error) {
	if s.Kind != yaml.SequenceNode {
		return nil, errors.New("matchExpressions: want a list of {key, operator, values}, got " + node.Describe(s))
	}
	reqs := make([]labels.Requirement, len(s.Content))
	for i, e := range s.Content {
		r, err := matchExpression(node.PathIndex("matchExpressions", i), e)
		if err != nil {
			return nil, err
		}
		reqs[i] = *r
	}
	return reqs, nil
}

// matchExpression reads one {key, operator, values}; at names it in errors.
func matchExpression(at string, e *yaml.Node) (*labels.Requirement, error) {
	if e.Kind != yaml.MappingNode {
		return nil, errors.New(at + ": want {key, operator, values}, got " + node.Describe(e))
	}
	var k, op string
	var values []string
	for _, field := range node.Fields(e) {
		var err error
		switch field.Key {
		case "key":
			k, err = stringField(field.Value)
		case "operator":
			op, err = stringField(field.Value)
		case "values":
			values, err = stringList(field.Value)
		default:
			return nil, fmt.Errorf("%s: unknown field %q; allowed key, operator, values", at, field.Key)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", node.PathField(at, field.Key), err)
		}
	}
	operator, ok := operators[op]
	if !ok {
		return nil, fmt.Errorf("%s: %q is not allowed; allowed In, NotIn, Exists, DoesNotExist", node.PathField(at, "operator"), op)
	}
	r, err := labels.NewRequirement(k, operator, values)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", at, err)
	}
	return r, nil
}
