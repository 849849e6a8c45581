package provider

import (
	"strings"
	"testing"
)

// TestAWSRefusalNamesEveryMarker: the error for an AWS Service the aws-load-balancer-controller
// does not handle names every marker that hands a Service to it, and the one-line fix (issue 17,
// symptom 8).
func TestAWSRefusalNamesEveryMarker(t *testing.T) {
	c := AWS.Controller
	for _, class := range c.Classes {
		if class != "" && !strings.Contains(c.Unhandled, "loadBalancerClass "+class) {
			t.Errorf("the refusal does not name class %s: %s", class, c.Unhandled)
		}
	}
	for _, m := range c.Markers {
		if !strings.Contains(c.Unhandled, m.Key) || !strings.Contains(c.Unhandled, m.Value) {
			t.Errorf("the refusal does not name marker %s: %s: %s", m.Key, m.Value, c.Unhandled)
		}
	}
	if !strings.Contains(c.Unhandled, "; add annotation "+awsType+": external") {
		t.Errorf("the refusal gives no fix: %s", c.Unhandled)
	}
}

// TestSignalsAreWellFormed: each signal is a class or a prefix, names a provider that exists, and
// within a family every annotation signal names the same provider (a family's annotations name
// the family; only a class narrows it).
func TestSignalsAreWellFormed(t *testing.T) {
	byFamily := map[string]string{}
	for _, s := range Signals {
		if (s.Class == "") == (s.Prefix == "") {
			t.Errorf("signal %+v: want exactly one of Class and Prefix", s)
		}
		if _, ok := Lookup(s.Provider); !ok {
			t.Errorf("signal %+v names no provider", s)
		}
		if s.Source == "" || s.Controller == "" {
			t.Errorf("signal %+v: every signal says what reads it and where that is documented", s)
		}
		if s.Prefix == "" {
			continue
		}
		if p, ok := byFamily[s.Family]; ok && p != s.Provider {
			t.Errorf("family %s: annotations imply both %s and %s", s.Family, p, s.Provider)
		}
		byFamily[s.Family] = s.Provider
	}
}

// TestFindReportsEachFamilyOnce: a class decides its family's evidence before annotations; among
// annotations the first key in sorted order is named, so the message does not depend on map order.
func TestFindReportsEachFamilyOnce(t *testing.T) {
	got := Find("alibabacloud.com/nlb", []string{alibabaPrefix + "z", alicloudPrefix + "a", "metallb.io/address-pool", "app"})
	if len(got) != 2 || got[0].What() != "loadBalancerClass alibabacloud.com/nlb" || got[0].Provider != "alibaba-nlb" ||
		got[1].What() != "annotation metallb.io/address-pool" || got[1].Provider != "generic" {
		t.Errorf("got %+v", got)
	}
	got = Find("", []string{alicloudPrefix + "scheduler", alibabaPrefix + "spec"})
	if len(got) != 1 || got[0].Key != alibabaPrefix+"spec" || got[0].Provider != "alibaba" {
		t.Errorf("got %+v", got)
	}
	if got := Find("example.com/lb", []string{"app.kubernetes.io/name"}); len(got) != 0 {
		t.Errorf("no signal: got %+v", got)
	}
}
