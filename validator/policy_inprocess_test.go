package validator_test

import (
	"context"
	"fmt"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/sticky-services/set-session-affinity/validator"
)

// An admission judge without a server: the in-process validator for what the server checks
// before admission, then the generated ValidatingAdmissionPolicy compiled and run by the API
// server's own admission code (k8s.io/apiserver admission/plugin/policy/validating), on the
// Service as admission sees it: decoded and defaulted as v1 (so ClientIP without a timeout holds
// 10800). It lets a plain `go test` run the proof that make test-apiserver runs on the real
// server; what it cannot stand in for is the server's own compile check at creation, which the
// compile errors here approximate.

type policyJudge struct {
	policy    string
	validator validating.Validator
}

var (
	serviceGVK = corev1.SchemeGroupVersion.WithKind("Service")
	serviceGVR = corev1.SchemeGroupVersion.WithResource("services")
)

func (j *policyJudge) name() string { return "policy " + j.policy + " in process" }

// compilePolicy compiles the policy document as the admission plugin does (compilePolicy in
// validating/plugin.go), failing the test on any compile error.
func compilePolicy(t testing.TB, document []byte) *policyJudge {
	t.Helper()
	var p admissionregistrationv1.ValidatingAdmissionPolicy
	if err := sigsyaml.UnmarshalStrict(document, &p); err != nil {
		t.Fatalf("the generated policy does not decode: %v", err)
	}
	compiler, err := plugincel.NewCompositedCompiler(environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()))
	if err != nil {
		t.Fatal(err)
	}
	opts := plugincel.OptionalVariableDeclarations{}
	mode := environment.NewExpressions // as the server checks a policy it creates
	var vars []plugincel.NamedExpressionAccessor
	for _, v := range p.Spec.Variables {
		vars = append(vars, &validating.Variable{Name: v.Name, Expression: v.Expression})
	}
	compiler.CompileAndStoreVariables(vars, opts, mode)
	var conds []plugincel.ExpressionAccessor
	for i := range p.Spec.MatchConditions {
		conds = append(conds, (*matchconditions.MatchCondition)(&p.Spec.MatchConditions[i]))
	}
	var checks, messages []plugincel.ExpressionAccessor
	for _, v := range p.Spec.Validations {
		checks = append(checks, &validating.ValidationCondition{Expression: v.Expression, Message: v.Message, Reason: v.Reason})
		var m plugincel.ExpressionAccessor
		if v.MessageExpression != "" {
			m = &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression}
		}
		messages = append(messages, m)
	}
	matchFilter := compiler.CompileCondition(conds, opts, mode)
	checkFilter := compiler.CompileCondition(checks, opts, mode)
	messageFilter := compiler.CompileCondition(messages, opts, mode)
	for _, f := range []plugincel.ConditionEvaluator{matchFilter, checkFilter, messageFilter} {
		for _, err := range f.CompilationErrors() {
			t.Errorf("policy %s: %v", p.Name, err)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	matcher := matchconditions.NewMatcher(matchFilter, p.Spec.FailurePolicy, "policy", "validate", p.Name)
	return &policyJudge{policy: p.Name, validator: validating.NewValidator(checkFilter, matcher,
		compiler.CompileCondition(nil, opts, mode), messageFilter, p.Spec.FailurePolicy, nil)}
}

// judge answers as the server would: the validator's refusal, or the policy's denial worded as
// the server words it, or acceptance.
func (j *policyJudge) judge(t testing.TB, namespace string, manifest []byte) validator.Verdict {
	t.Helper()
	v := inProcess.Validate(namespace, manifest)
	if !v.Accepted {
		return v
	}
	obj, _, err := legacyscheme.Codecs.UniversalDecoder(corev1.SchemeGroupVersion).Decode(manifest, &serviceGVK, nil)
	if err != nil {
		t.Fatalf("the validator accepts a Service that does not decode: %v", err)
	}
	svc, ok := obj.(*corev1.Service)
	if !ok {
		t.Fatalf("decoded %T, not a Service", obj)
	}
	if svc.Namespace == "" {
		svc.Namespace = namespace
	}
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(svc)
	if err != nil {
		t.Fatal(err)
	}
	object := &unstructured.Unstructured{Object: content}
	attr := admission.NewAttributesRecord(object, nil, serviceGVK, namespace, svc.Name, serviceGVR, "", admission.Create,
		&metav1.CreateOptions{}, true, nil)
	versioned := &admission.VersionedAttributes{Attributes: attr, VersionedObject: admission.NewLazyObject(object), VersionedKind: serviceGVK}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}
	result := j.validator.Validate(context.Background(), serviceGVR, versioned, nil, ns, celconfig.RuntimeCELCostBudget, nil)
	for _, d := range result.Decisions {
		if d.Action == validating.ActionDeny {
			return validator.Verdict{Code: 422, Reason: metav1.StatusReasonInvalid, Message: fmt.Sprintf(
				"services %q is forbidden: ValidatingAdmissionPolicy '%s' with binding '%s' denied request: %s", svc.Name, j.policy, j.policy, d.Message)}
		}
	}
	return v
}

// TestPolicyAgreesWithValidateModeInProcess is the proof of TestPolicyAgreesWithValidateMode
// with the in-process admission judge: for each case, every Service of the corpus is denied by
// the policy exactly when validate mode fails it, and every Service mutate mode writes is
// admitted. Issue 17's cases are in the corpus and the cases: Services that state their own
// timeouts, ClientIP without a timeout, load-balancer annotations on ClusterIP, legacy keys.
func TestPolicyAgreesWithValidateModeInProcess(t *testing.T) {
	services := policyCorpus(t)
	for _, c := range policyCases(t) {
		t.Run(c.name, func(t *testing.T) {
			document, _ := generatePolicy(t, c)
			j := compilePolicy(t, document)
			tally := policyTally{excluded: map[string]int{}}
			checkAgreement(t, c, services, &tally, map[string]bool{}, j)
			checkMutateOutput(t, c, services, &tally, j)
			report("in-process policy "+c.name, "%d judged at admission (%d admitted, %d denied); %d refused before admission; excluded %v; mutate output: %d admitted",
				tally.judged, tally.admitted, tally.denied, tally.refusedBefore, tally.excluded, tally.mutateAdmitted)
		})
	}
}
