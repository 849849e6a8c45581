// Package policy generates a ValidatingAdmissionPolicy and its binding
// (admissionregistration.k8s.io/v1, CEL) that admit a core v1 Service exactly when the function's
// validate mode passes it: the same selector, the same provider profiles (fn/provider), the same
// timeouts and ranges, and the same reasons (fn/rules' shared data), so a Service that reaches the
// cluster without going through a render step (kubectl apply, kubectl edit, a plain helm install)
// is held to the same rules.
//
// BuildMutating makes the MutatingAdmissionPolicy and its binding from the same config and data:
// JSON patches that write what mutate mode writes, which the API server applies before the
// validating policy judges the Service (mutating.go).
//
// Build turns a validated config.Config into the two objects; Render writes them as YAML. The
// policy takes no parameters: the config is compiled into its expressions.
//
// What CEL cannot see is listed in the policy's description (Limits): the YAML a Service was
// written in (anchors, aliases, duplicate keys, quoting), values the API server drops or fills in
// before admission (a timeoutSeconds it defaults, a zero nodePort, an empty loadBalancerIP), and a
// JSON annotation nested deeper than one level.
package policy
