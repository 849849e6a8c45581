package validator

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	apiservice "k8s.io/kubernetes/pkg/api/service"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/core/validation"
)

// This file emulates, for a create on a dry run in a single-stack IPv4 cluster, what the Service
// REST storage does before validation (k8s.io/kubernetes pkg/registry/core/service/storage:
// beginCreate, alloc.go allocateCreate). Without it, valid Services fail validation
// ("spec.healthCheckNodePort: Required value") because the storage fills those fields in. The
// code follows the original's order and wording; only the allocators are replaced by their
// dry-run behaviour, which needs no storage.

// errPortAllocated is portallocator.ErrAllocated's text.
var errPortAllocated = errors.New("provided port is already allocated")

// dryRunAllocation stands for one create's allocator operations on a dry run.
type dryRunAllocation struct {
	serviceCIDR netip.Prefix
	nodePorts   []int // what this operation has taken, as portallocator.PortAllocationOperation keeps
}

func newDryRunAllocation(serviceCIDR netip.Prefix) *dryRunAllocation {
	return &dryRunAllocation{serviceCIDR: serviceCIDR}
}

func (a *dryRunAllocation) allocateCreate(svc *api.Service) error {
	normalizeClusterIPs(svc)
	if err := a.initIPFamilyFields(svc); err != nil {
		return err
	}
	if err := a.allocClusterIPs(svc); err != nil {
		return err
	}
	return a.allocNodePorts(svc)
}

// normalizeClusterIPs: an old client sets only clusterIP.
func normalizeClusterIPs(svc *api.Service) {
	if svc.Spec.ClusterIP != "" && len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
}

// initIPFamilyFields defaults ipFamilyPolicy and ipFamilies and refuses what a single-stack IPv4
// cluster cannot serve.
func (a *dryRunAllocation) initIPFamilyFields(svc *api.Service) error {
	if svc.Spec.Type == api.ServiceTypeExternalName {
		return nil
	}
	headlessSelectorless := svc.Spec.ClusterIP == api.ClusterIPNone && len(svc.Spec.Selector) == 0
	if svc.Spec.IPFamilyPolicy == nil {
		policy := api.IPFamilyPolicySingleStack
		if headlessSelectorless {
			policy = api.IPFamilyPolicyRequireDualStack
		}
		svc.Spec.IPFamilyPolicy = &policy
	}
	if el := validation.ValidateServiceClusterIPsRelatedFields(svc, nil); len(el) != 0 {
		return invalid(svc, el)
	}
	var el field.ErrorList
	if *svc.Spec.IPFamilyPolicy == api.IPFamilyPolicySingleStack {
		if len(svc.Spec.ClusterIPs) == 2 {
			el = append(el, field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), svc.Spec.IPFamilyPolicy,
				"must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"))
		}
		if len(svc.Spec.IPFamilies) == 2 {
			el = append(el, field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), svc.Spec.IPFamilyPolicy,
				"must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"))
		}
	}
	el = append(el, inferIPFamilies(svc)...)
	if len(el) > 0 {
		return invalid(svc, el)
	}
	if headlessSelectorless {
		defaultHeadlessSelectorlessFamilies(svc)
		return nil
	}
	if *svc.Spec.IPFamilyPolicy == api.IPFamilyPolicyRequireDualStack {
		el = append(el, field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), svc.Spec.IPFamilyPolicy,
			"this cluster is not configured for dual-stack services"))
	}
	for i, family := range svc.Spec.IPFamilies {
		if family != api.IPv4Protocol {
			el = append(el, field.Invalid(field.NewPath("spec", "ipFamilies").Index(i), family, "not configured on this cluster"))
		}
	}
	if len(el) > 0 {
		return invalid(svc, el)
	}
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []api.IPFamily{api.IPv4Protocol}
	}
	return nil
}

// inferIPFamilies adds the family of each given cluster IP that has none.
func inferIPFamilies(svc *api.Service) field.ErrorList {
	var el field.ErrorList
	for i, ip := range svc.Spec.ClusterIPs {
		if ip == api.ClusterIPNone {
			break
		}
		if i < len(svc.Spec.IPFamilies) {
			continue
		}
		family := familyOf(ip)
		if family != api.IPv4Protocol {
			el = append(el, field.Invalid(field.NewPath("spec", "clusterIPs").Index(i), svc.Spec.ClusterIPs,
				fmt.Sprintf("%s is not configured on this cluster", family)))
			continue
		}
		svc.Spec.IPFamilies = append(svc.Spec.IPFamilies, family)
	}
	return el
}

// defaultHeadlessSelectorlessFamilies: such a Service may name both families even on a
// single-stack cluster.
func defaultHeadlessSelectorlessFamilies(svc *api.Service) {
	if len(svc.Spec.IPFamilies) == 0 {
		svc.Spec.IPFamilies = []api.IPFamily{api.IPv4Protocol}
	}
	if len(svc.Spec.IPFamilies) < 2 && *svc.Spec.IPFamilyPolicy != api.IPFamilyPolicySingleStack {
		other := api.IPv6Protocol
		if svc.Spec.IPFamilies[0] == api.IPv6Protocol {
			other = api.IPv4Protocol
		}
		svc.Spec.IPFamilies = append(svc.Spec.IPFamilies, other)
	}
}

func familyOf(ip string) api.IPFamily {
	if addr, err := netip.ParseAddr(ip); err == nil && addr.Is4() {
		return api.IPv4Protocol
	}
	return api.IPv6Protocol
}

// allocClusterIPs gives a Service without a cluster IP one from the range, and checks a requested
// one against the range, as the dry-run IP allocator does (it does not check "already allocated").
func (a *dryRunAllocation) allocClusterIPs(svc *api.Service) error {
	if svc.Spec.Type == api.ServiceTypeExternalName {
		return nil
	}
	if len(svc.Spec.ClusterIPs) > 0 && svc.Spec.ClusterIPs[0] == api.ClusterIPNone {
		return nil
	}
	if len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{""}
	}
	requested := svc.Spec.ClusterIPs[0]
	if requested == "" {
		svc.Spec.ClusterIPs[0] = a.anyServiceIP().String()
		svc.Spec.ClusterIP = svc.Spec.ClusterIPs[0]
		return nil
	}
	addr, err := netip.ParseAddr(requested)
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("failed to parse service IP %q", requested))
	}
	if !a.isAssignable(addr) {
		msg := fmt.Sprintf("failed to allocate IP %v: the provided IP (%v) is not in the valid range. The range of valid IPs is %s",
			requested, requested, a.serviceCIDR)
		return invalid(svc, field.ErrorList{field.Invalid(field.NewPath("spec", "clusterIPs"), svc.Spec.ClusterIPs, msg)})
	}
	svc.Spec.ClusterIP = requested
	return nil
}

// isAssignable: inside the range, and neither its network nor its broadcast address.
func (a *dryRunAllocation) isAssignable(addr netip.Addr) bool {
	if !a.serviceCIDR.Contains(addr) {
		return false
	}
	return addr != a.serviceCIDR.Addr() && addr != lastAddr(a.serviceCIDR)
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().As4()
	hostBits := 32 - p.Bits()
	for i := 3; i >= 0 && hostBits > 0; i-- {
		n := min(hostBits, 8)
		b[i] |= byte(1<<n - 1)
		hostBits -= n
	}
	return netip.AddrFrom4(b)
}

// anyServiceIP stands for the IP the allocator would pick; its value does not matter to
// validation, only that it is a valid address of the right family.
func (a *dryRunAllocation) anyServiceIP() netip.Addr {
	return a.serviceCIDR.Addr().Next().Next()
}

// allocNodePorts is txnAllocNodePorts: node ports for NodePort and LoadBalancer Services, then the
// health-check node port when the Service needs one.
func (a *dryRunAllocation) allocNodePorts(svc *api.Service) error {
	if svc.Spec.Type == api.ServiceTypeNodePort || svc.Spec.Type == api.ServiceTypeLoadBalancer {
		if err := a.initNodePorts(svc); err != nil {
			return err
		}
	}
	if !apiservice.NeedsHealthCheck(svc) {
		return nil
	}
	if hc := int(svc.Spec.HealthCheckNodePort); hc != 0 {
		if err := a.allocatePort(hc); err != nil {
			return apierrors.NewInternalError(fmt.Errorf("failed to allocate requested HealthCheck NodePort %v: %w", hc, err))
		}
		return nil
	}
	svc.Spec.HealthCheckNodePort = int32(a.allocateNextPort())
	return nil
}

// initNodePorts follows storage/alloc.go initNodePorts: ports with the same number share a node
// port, a requested one is reserved, a missing one is allocated unless the Service opted out.
func (a *dryRunAllocation) initNodePorts(svc *api.Service) error {
	byServicePort := map[int32]int{}
	for i := range svc.Spec.Ports {
		port := &svc.Spec.Ports[i]
		if port.NodePort == 0 && !shouldAllocateNodePorts(svc) {
			continue
		}
		taken := byServicePort[port.Port]
		switch {
		case taken == 0:
			np, err := a.nodePortFor(svc, i)
			if err != nil {
				return err
			}
			port.NodePort = int32(np)
			byServicePort[port.Port] = np
		case int(port.NodePort) == taken:
		case port.NodePort == 0:
			port.NodePort = int32(taken)
		default:
			if err := a.allocatePort(int(port.NodePort)); err != nil {
				return nodePortInvalid(svc, i, port.NodePort, err)
			}
		}
	}
	return nil
}

// nodePortFor reserves the node port requested for ports[i]'s number (by any port with that
// number), or allocates one.
func (a *dryRunAllocation) nodePortFor(svc *api.Service, i int) (int, error) {
	requested := findRequestedNodePort(svc.Spec.Ports[i].Port, svc.Spec.Ports)
	if requested == 0 {
		return a.allocateNextPort(), nil
	}
	if err := a.allocatePort(requested); err != nil {
		return 0, nodePortInvalid(svc, i, int32(requested), err)
	}
	return requested, nil
}

func findRequestedNodePort(port int32, ports []api.ServicePort) int {
	for _, p := range ports {
		if p.Port == port && p.NodePort != 0 {
			return int(p.NodePort)
		}
	}
	return 0
}

func shouldAllocateNodePorts(svc *api.Service) bool {
	switch svc.Spec.Type {
	case api.ServiceTypeNodePort:
		return true
	case api.ServiceTypeLoadBalancer:
		return svc.Spec.AllocateLoadBalancerNodePorts == nil || *svc.Spec.AllocateLoadBalancerNodePorts
	}
	return false
}

func nodePortInvalid(svc *api.Service, i int, nodePort int32, err error) error {
	path := field.NewPath("spec", "ports").Index(i).Child("nodePort")
	return invalid(svc, field.ErrorList{field.Invalid(path, nodePort, err.Error())})
}

// allocatePort is PortAllocationOperation.Allocate on a dry run: it refuses only a port this
// operation already took. The range is not checked on a dry run (a real create checks it).
func (a *dryRunAllocation) allocatePort(port int) error {
	for _, taken := range a.nodePorts {
		if taken == port {
			return errPortAllocated
		}
	}
	a.nodePorts = append(a.nodePorts, port)
	return nil
}

// allocateNextPort is PortAllocationOperation.AllocateNext on a dry run: a dummy port above the
// highest this operation holds, starting at 32769.
func (a *dryRunAllocation) allocateNextPort() int {
	last := 32768
	if len(a.nodePorts) > 0 {
		last = slices.Max(a.nodePorts)
	}
	a.nodePorts = append(a.nodePorts, last+1)
	return last + 1
}

func invalid(svc *api.Service, el field.ErrorList) error {
	return apierrors.NewInvalid(api.Kind("Service"), svc.Name, el)
}
