package node

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestSetScalar(t *testing.T) {
	for _, tc := range []struct {
		name, in, key, value, tag, want string
	}{
		{"new key goes at the end", "a: 1\n", "b", "x", yaml.NodeTagString, "a: 1\nb: x\n"},
		{"a string that reads as a number is quoted", "a: 1\n", "b", "1800", yaml.NodeTagString, "a: 1\nb: \"1800\"\n"},
		{"single quotes are kept", "b: '900' # old\n", "b", "1800", yaml.NodeTagString, "b: '1800' # old\n"},
		{"double quotes are kept", "b: \"None\"\n", "b", "ClientIP", yaml.NodeTagString, "b: \"ClientIP\"\n"},
		{"a quoted string becomes a plain integer", "b: '900'\n", "b", "1800", yaml.NodeTagInt, "b: 1800\n"},
		{"an integer becomes a quoted string", "b: 900 # keep\n", "b", "1800", yaml.NodeTagString, "b: \"1800\" # keep\n"},
		{"a plain string stays plain", "b: rr\n", "b", "wrr", yaml.NodeTagString, "b: wrr\n"},
		{"a boolean-looking string is quoted", "b: x\n", "b", "on", yaml.NodeTagString, "b: \"on\"\n"},
		{"JSON is single-quoted", "a: 1\n", "b", `{"t":"30"}`, yaml.NodeTagString, "a: 1\nb: '{\"t\":\"30\"}'\n"},
		{"a map value is replaced by the scalar", "b: {c: d} # c\n", "b", "x", yaml.NodeTagString, "b: x # c\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rn, err := yaml.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			SetScalar(rn.YNode(), tc.key, tc.value, tc.tag)
			if got := rn.MustString(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGetEnsureRemove(t *testing.T) {
	rn, err := yaml.Parse("spec:\n  selector: {app: web}\n  list: [a]\n")
	if err != nil {
		t.Fatal(err)
	}
	root := rn.YNode()
	if v, ok := Scalar(Get(root, "spec", "selector", "app")); !ok || v != "web" {
		t.Errorf("Get spec.selector.app = %q, %v", v, ok)
	}
	if Get(root, "spec", "list", "x") != nil {
		t.Error("Get through a list must return nil")
	}
	EnsureMap(root, "spec", "sessionAffinityConfig", "clientIP")
	if removed := Remove(Get(root, "spec", "selector"), "app"); removed == nil || removed.Value != "web" {
		t.Errorf("Remove returned %v", removed)
	}
	want := "spec:\n  selector: {}\n  list: [a]\n  sessionAffinityConfig:\n    clientIP: {}\n"
	if got := rn.MustString(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
