// Package validator answers, without a cluster, the question a kube-apiserver answers for
// `POST /api/v1/namespaces/NS/services?dryRun=All&fieldValidation=Strict`: would this Service be
// created, and if not, which fields are wrong?
//
// It runs the server's own code for every step that does not need storage, in the server's order:
//
//  1. strict decode of the YAML body (unknown fields, duplicate keys, wrong types), v1 defaulting
//     and conversion to the internal type, through the same codecs the server uses;
//  2. what the Service REST storage fills in before validation (k8s.io/kubernetes
//     pkg/registry/core/service/storage, alloc.go), emulated for a single-stack IPv4 cluster on a
//     dry run: IP family policy and families, the cluster IP (checked against the Service CIDR),
//     node ports and the health-check node port;
//  3. the namespace from the request, status cleared (the strategy's PrepareForCreate);
//  4. k8s.io/kubernetes/pkg/apis/core/validation.ValidateServiceCreate, and the warnings
//     pkg/api/service.GetWarningsForService adds.
//
// Errors come back as the metav1.Status the server would send, so a Verdict from here and one
// from a real server compare field by field (see package apiserver and the agreement test).
//
// What it cannot see: admission (a namespace that does not exist), and other objects (a node port
// or IP another Service already holds). Neither concerns the shape of one Service.
package validator
