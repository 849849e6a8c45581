// Package rules rewrites one selected Service so that session affinity holds from the cloud load
// balancer to the pod (spec section 4), and reports every change and every problem as a Finding.
//
// Apply works on a copy and touches the Service only when no rule found an error, so a Service is
// never half-rewritten. The steps run in the order of the contract: repair misplaced keys, check
// the type, set ClientIP affinity, set Local traffic, then the provider's load-balancer rules.
package rules
