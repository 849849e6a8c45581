package rules

import (
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/sticky-services/set-session-affinity/fn/node"
)

// SourceRangesAnnotation is the older form of spec.loadBalancerSourceRanges (k8s.io/api core/v1
// AnnotationLoadBalancerSourceRangesKey), read by every cloud's load balancer controller.
const SourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

// sourceRangesAnnotationInForce says ValidateService (pkg/apis/core/validation) reads the
// annotation: it does only when spec.loadBalancerSourceRanges is empty, and then forbids it on a
// Service whose type is not LoadBalancer ("may only be used when `type` is 'LoadBalancer'").
func sourceRangesAnnotationInForce(s *service) bool {
	_, set := s.annotation(SourceRangesAnnotation)
	ranges := s.get("spec", "loadBalancerSourceRanges")
	return set && (node.IsNull(ranges) || len(ranges.Content) == 0)
}

// checkSourceRanges: ValidateService holds each source range of a LoadBalancer Service, in the
// field or else in the annotation (comma-separated), to IsValidCIDRForLegacyField, strict since
// Kubernetes v1.36 (StrictIPCIDRValidation beta, on by default): a value that is not one is
// refused. A value holding a template placeholder ($VAR, {{ }}) is a warning instead, since
// envsubst or a templating step after this one may fill it in before the Service is applied.
func checkSourceRanges(s *service) {
	if sourceRangesAnnotationInForce(s) {
		value, _ := s.annotation(SourceRangesAnnotation)
		if value = strings.TrimSpace(value); value != "" {
			for _, cidr := range strings.Split(value, ",") {
				checkSourceRange(s, node.AnnotationPath(SourceRangesAnnotation), cidr)
			}
		}
		return
	}
	ranges := s.get("spec", "loadBalancerSourceRanges")
	if node.IsNull(ranges) {
		return
	}
	for i, r := range ranges.Content {
		if v, ok := node.Scalar(r); ok {
			checkSourceRange(s, node.PathIndex("spec.loadBalancerSourceRanges", i), v)
		}
	}
}

func checkSourceRange(s *service, path, cidr string) {
	cidr = strings.TrimSpace(cidr)
	errs := validation.IsValidCIDRForLegacyField(field.NewPath("x"), cidr, true, nil)
	if len(errs) == 0 {
		return
	}
	detail := errs[0].Detail
	if strings.Contains(cidr, "$") || strings.Contains(cidr, "{{") {
		s.warnf(path, "%q looks like a template placeholder, not a CIDR: the API server rejects the Service unless it is filled in before the Service is applied (%s)", cidr, detail)
		return
	}
	since := ""
	if len(validation.IsValidCIDRForLegacyField(field.NewPath("x"), cidr, false, nil)) == 0 {
		since = " from v1.36 on (StrictIPCIDRValidation; earlier servers accept it)"
	}
	s.errorf(path, "%q is not a CIDR (%s), so the API server rejects the Service%s; write source ranges such as 10.0.0.0/8 or 2001:db8::/32", cidr, detail, since)
}
