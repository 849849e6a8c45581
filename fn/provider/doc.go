// Package provider holds the cloud provider profiles as data: which annotations a provider's load
// balancer controller reads, under which prefixes, and the ranges of the values it accepts.
//
// A profile only describes; the rules package decides what to do with it. Adding a provider
// whose load balancer has the same shape as an existing one means adding a Profile value here.
package provider
