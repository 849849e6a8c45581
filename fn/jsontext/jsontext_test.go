package jsontext

import (
	"encoding/json"
	"testing"
)

// TestSetFieldKeepsEveryOtherByte (issue 18.4): Huawei's session-affinity-option was decoded and
// encoded again, so 9007199254740993 became ...992, 1e2 became 100, keys were sorted and < was
// escaped. Only the member set changes now.
func TestSetFieldKeepsEveryOtherByte(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"a value replaced, big numbers, exponents, key order and < kept",
			`{"z": 9007199254740993, "persistence_timeout": "30", "e": 1e2, "h": "<b>"}`,
			`{"z": 9007199254740993, "persistence_timeout": "60", "e": 1e2, "h": "<b>"}`},
		{"a number value replaced by the string", `{"persistence_timeout":30}`, `{"persistence_timeout":"60"}`},
		{"a member added in the object's spacing", `{"a": 1, "b": [1, {"c": "}"}]}`, `{"a": 1, "b": [1, {"c": "}"}], "persistence_timeout": "60"}`},
		{"a member added without spaces", `{"a":1}`, `{"a":1, "persistence_timeout":"60"}`},
		{"a member added one a line", "{\n  \"a\": 1\n}", "{\n  \"a\": 1,\n  \"persistence_timeout\": \"60\"\n}"},
		{"a member added one a line after two", "{\n\t\"a\": 1,\n\t\"b\": 2\n}", "{\n\t\"a\": 1,\n\t\"b\": 2,\n\t\"persistence_timeout\": \"60\"\n}"},
		{"an empty object", `{}`, `{"persistence_timeout":"60"}`},
		{"the last of a key given twice, the one encoding/json reads", `{"persistence_timeout": "1", "persistence_timeout": "2"}`, `{"persistence_timeout": "1", "persistence_timeout": "60"}`},
		{"an escaped key", `{"persistence\u005ftimeout": "1"}`, `{"persistence\u005ftimeout": "60"}`},
	} {
		got, err := SetField(tc.in, "persistence_timeout", "60")
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil || v["persistence_timeout"] != "60" {
			t.Errorf("%s: %q reads as %v, %v", tc.name, got, v, err)
		}
	}
}

func TestSetFieldRefusesWhatIsNotAnObject(t *testing.T) {
	for _, in := range []string{``, `[1]`, `"s"`, `{"a": }`, `{"a": 1`} {
		if got, err := SetField(in, "f", "v"); err == nil {
			t.Errorf("SetField(%q) = %q, want an error", in, got)
		}
	}
}

func FuzzSetField(f *testing.F) {
	f.Add(`{"a": 9007199254740993, "f": "x"}`)
	f.Add("{\n  \"a\": [1, {\"b\": \"]\"}]\n}")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := SetField(in, "f", "v")
		if err != nil {
			return
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(got), &v); err != nil || v["f"] != "v" {
			t.Errorf("SetField(%q) = %q: reads as %v, %v", in, got, v, err)
		}
	})
}
