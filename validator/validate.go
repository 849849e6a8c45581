package validator

import (
	"fmt"
	"net/netip"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	apiservice "k8s.io/kubernetes/pkg/api/service"
	api "k8s.io/kubernetes/pkg/apis/core"
	_ "k8s.io/kubernetes/pkg/apis/core/install" // registers v1 defaults and conversions
	"k8s.io/kubernetes/pkg/apis/core/validation"
)

// DefaultServiceCIDR is the Service CIDR the validator assumes unless told otherwise. It must be
// the kube-apiserver's --service-cluster-ip-range (hack/apiserver/start.sh uses the same). It holds
// 10.68.121.217, the cluster IP the vendor article hard-codes, so that IP is judged on the rules,
// not on our choice of range.
const DefaultServiceCIDR = "10.64.0.0/12"

// Config describes the cluster the validator stands in for.
type Config struct {
	// ServiceCIDR is the IPv4 Service range (single stack); the zero value means DefaultServiceCIDR.
	ServiceCIDR netip.Prefix
}

// Validator judges Service manifests. It is safe for concurrent use.
type Validator struct {
	serviceCIDR netip.Prefix
	decoder     runtime.Decoder
}

var v1Service = schema.GroupVersionKind{Version: "v1", Kind: "Service"}

// New makes a Validator for the cluster cfg describes.
func New(cfg Config) (*Validator, error) {
	cidr := cfg.ServiceCIDR
	if !cidr.IsValid() {
		cidr = netip.MustParsePrefix(DefaultServiceCIDR)
	}
	if !cidr.Addr().Is4() {
		return nil, fmt.Errorf("service CIDR %s: only a single-stack IPv4 cluster is emulated", cidr)
	}
	// The server decodes a request body with the strict serializer when fieldValidation=Strict,
	// then defaults and converts to the internal version: the same two steps as here.
	strictYAML := json.NewSerializerWithOptions(json.DefaultMetaFactory, legacyscheme.Scheme, legacyscheme.Scheme,
		json.SerializerOptions{Yaml: true, Strict: true})
	internal := schema.GroupVersion{Group: api.GroupName, Version: runtime.APIVersionInternal}
	return &Validator{
		serviceCIDR: cidr.Masked(),
		decoder:     legacyscheme.Codecs.DecoderToVersion(strictYAML, internal),
	}, nil
}

// Validate judges one Service manifest (YAML or JSON) as a create in namespace, the namespace of
// the request URL.
func (v *Validator) Validate(namespace string, manifest []byte) Verdict {
	svc, err := v.decode(manifest)
	if err != nil {
		return fromError(err)
	}
	// The storage layer allocates before the strategy runs (registry Store.create: BeginCreate,
	// then BeforeCreate), so its errors come first.
	if err := newDryRunAllocation(v.serviceCIDR).allocateCreate(svc); err != nil {
		return fromError(err)
	}
	if err := setNamespace(svc, namespace); err != nil {
		return fromError(err)
	}
	svc.Status = api.ServiceStatus{} // svcStrategy.PrepareForCreate
	if errs := validation.ValidateServiceCreate(svc); len(errs) > 0 {
		return fromError(apierrors.NewInvalid(api.Kind("Service"), svc.Name, errs))
	}
	return accepted(apiservice.GetWarningsForService(svc, nil))
}

// decode does what the create handler does with the body (apiserver endpoints/handlers/create.go):
// decode strictly, default, convert, and word a failure as the server does.
func (v *Validator) decode(manifest []byte) (*api.Service, error) {
	obj, gvk, err := v.decoder.Decode(manifest, &v1Service, &api.Service{})
	if err != nil {
		return nil, decodeError(err, gvk)
	}
	if gvk.GroupVersion() != v1Service.GroupVersion() {
		return nil, apierrors.NewBadRequest(fmt.Sprintf(
			"the API version in the data (%s) does not match the expected API version (%s)", gvk.GroupVersion(), v1Service.GroupVersion()))
	}
	svc, ok := obj.(*api.Service)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Service: %T", obj))
	}
	return svc, nil
}

func decodeError(err error, gvk *schema.GroupVersionKind) error {
	if gvk != nil && gvk.Kind != "" {
		return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a Service: %v", gvk.Kind, gvk.Version, err))
	}
	return apierrors.NewBadRequest(fmt.Sprintf("the object provided is unrecognized (must be of type Service): %v", err))
}

// setNamespace is rest.EnsureObjectNamespaceMatchesRequestNamespace for a namespaced kind.
func setNamespace(svc *api.Service, namespace string) error {
	switch svc.Namespace {
	case "":
		svc.Namespace = namespace
	case namespace:
	default:
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	return nil
}
