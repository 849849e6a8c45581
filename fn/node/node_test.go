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
	if v, ok := Scalar(AsWritten(root, "spec", "selector", "app")); !ok || v != "web" {
		t.Errorf("Get spec.selector.app = %q, %v", v, ok)
	}
	if AsWritten(root, "spec", "list", "x") != nil {
		t.Error("Get through a list must return nil")
	}
	EnsureMap(root, "spec", "sessionAffinityConfig", "clientIP")
	if removed := Remove(AsWritten(root, "spec", "selector"), "app"); removed == nil || removed.Value != "web" {
		t.Errorf("Remove returned %v", removed)
	}
	want := "spec:\n  selector: {}\n  list: [a]\n  sessionAffinityConfig:\n    clientIP: {}\n"
	if got := rn.MustString(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestInt: every form yaml.v3 (and the API server's yaml v2) reads as an integer is one, with the
// value those libraries give; quoted strings, floats and other types are not integers.
func TestInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
		text string
	}{
		{"10800", 10800, true, "10800"},
		{"+10800", 10800, true, "+10800 (10800)"},
		{"0x2A30", 10800, true, "0x2A30 (10800)"},
		{"0o25060", 10800, true, "0o25060 (10800)"},
		{"025060", 10800, true, "025060 (10800)"}, // YAML 1.1 octal, which yaml.v3 still reads
		{"0b10101000110000", 10800, true, "0b10101000110000 (10800)"},
		{"10_800", 10800, true, "10_800 (10800)"},
		{"-0x50", -80, true, "-0x50 (-80)"},
		{"!!int \"0x50\"", 80, true, "0x50 (80)"}, // an explicit tag makes it an integer
		{"\"10800\"", 0, false, ""},               // quoted: a string
		{"'0x2A30'", 0, false, ""},
		{"1e4", 0, false, ""}, // a float
		{"10800.0", 0, false, ""},
		{"true", 0, false, ""},
		{"null", 0, false, ""},
		{"[1]", 0, false, ""},
		{"99999999999999999999", 0, false, ""}, // past int64: yaml.v3 calls it a float
	} {
		t.Run(tc.in, func(t *testing.T) {
			rn, err := yaml.Parse("v: " + tc.in + "\n")
			if err != nil {
				t.Fatal(err)
			}
			v := AsWritten(rn.YNode(), "v")
			got, ok := Int(v)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Int = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
			if text, _ := IntText(v); text != tc.text {
				t.Errorf("IntText = %q, want %q", text, tc.text)
			}
			// The library's own reading of the document is the reference.
			var doc map[string]any
			if err := yaml.Unmarshal([]byte("v: "+tc.in+"\n"), &doc); err != nil {
				t.Fatal(err)
			}
			if i, isInt := doc["v"].(int); isInt != tc.ok || isInt && int64(i) != tc.want {
				t.Errorf("yaml.v3 reads %#v", doc["v"])
			}
		})
	}
}

func TestBool(t *testing.T) {
	for _, tc := range []struct {
		in       string
		want, ok bool
	}{
		{"false", false, true},
		{"False", false, true},
		{"FALSE", false, true},
		{"true", true, true},
		{"True", true, true},
		{"!!bool \"false\"", false, true}, // an explicit tag makes it a boolean
		{"\"false\"", false, false},       // quoted: a string
		{"no", false, false},              // YAML 1.1's no is a string to yaml.v3
		{"0", false, false},
		{"null", false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			rn, err := yaml.Parse("v: " + tc.in + "\n")
			if err != nil {
				t.Fatal(err)
			}
			got, ok := Bool(AsWritten(rn.YNode(), "v"))
			if got != tc.want || ok != tc.ok {
				t.Errorf("Bool = %v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
			// The library's own reading of the document is the reference.
			var doc map[string]any
			if err := yaml.Unmarshal([]byte("v: "+tc.in+"\n"), &doc); err != nil {
				t.Fatal(err)
			}
			if b, isBool := doc["v"].(bool); isBool != tc.ok || isBool && b != tc.want {
				t.Errorf("yaml.v3 reads %#v", doc["v"])
			}
		})
	}
}
