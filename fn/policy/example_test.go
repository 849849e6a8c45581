package policy_test

import (
	"fmt"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/config"
	"github.com/sticky-services/set-session-affinity/fn/policy"
)

// Build turns the function's config into the policy and its binding; Render writes them for
// kubectl apply.
func ExampleBuild() {
	cfg := config.Default() // selector session-affinity.kpt.dev/sticky=true, provider alibaba
	pol, binding, err := policy.Build(cfg, policy.Options{ValidationActions: []string{"Warn", "Audit"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := pol.Spec.(policy.PolicySpec)
	fmt.Println(pol.Kind, pol.Metadata.Name)
	fmt.Println("objectSelector:", spec.MatchConstraints.ObjectSelector.MatchLabels)
	fmt.Println("operations:", spec.MatchConstraints.ResourceRules[0].Operations)
	fmt.Println(binding.Kind, binding.Spec.(policy.BindingSpec).ValidationActions)
	out, _ := policy.Render(pol, binding)
	fmt.Println(strings.Count(string(out), "\n---\n")+1, "documents")
	// Output:
	// ValidatingAdmissionPolicy set-session-affinity
	// objectSelector: map[session-affinity.kpt.dev/sticky:true]
	// operations: [CREATE UPDATE]
	// ValidatingAdmissionPolicyBinding [Warn Audit]
	// 2 documents
}
