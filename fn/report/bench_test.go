package report

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// typicalResults are what 200 changed Services produce.
func typicalResults() fn.Results {
	var results fn.Results
	for i := 0; i < 200; i++ {
		ref := &fn.ResourceRef{APIVersion: "v1", Kind: "Service", Name: "checkout", Namespace: "shop"}
		file := &fn.File{Path: "shop/checkout.yaml", Index: i % 3}
		for _, f := range []fn.Field{
			{Path: "spec.sessionAffinity", CurrentValue: "None", ProposedValue: "ClientIP"},
			{Path: "spec.sessionAffinityConfig.clientIP.timeoutSeconds", ProposedValue: 10800},
			{Path: "metadata.annotations[service.beta.kubernetes.io/alibaba-cloud-loadbalancer-persistence-timeout]", ProposedValue: "1800"},
		} {
			results = append(results, &fn.Result{Severity: fn.Info, ResourceRef: ref, File: file, Field: &f,
				Message: `changed from "None" to "ClientIP": kube-proxy keeps each client IP on one pod`})
		}
	}
	return results
}

// BenchmarkAppendYAML and BenchmarkAppendYAMLViaYAMLv3 write the same bytes; compare them.
func BenchmarkAppendYAML(b *testing.B) {
	results := typicalResults()
	for b.Loop() {
		if _, err := AppendYAML(nil, results); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendYAMLViaYAMLv3(b *testing.B) {
	results := typicalResults()
	for b.Loop() {
		viaYAMLv3(b, results)
	}
}
