package rules

import (
	"encoding/json"
	"fmt"
	"strings"
)

// setJSONField sets field to want inside a JSON object annotation, keeping its other fields. An
// equal number counts as the same value, so `30` and `"30"` are both left alone.
func setJSONField(current string, present bool, field, want string) (string, string) {
	obj := map[string]any{}
	if present {
		if err := json.Unmarshal([]byte(current), &obj); err != nil {
			return "", fmt.Sprintf("is not a JSON object (%v); want for example {%q: %q}", err, field, want)
		}
		if fmt.Sprint(obj[field]) == want {
			return current, ""
		}
	}
	obj[field] = want
	b, err := json.Marshal(obj) // sorted keys: deterministic
	if err != nil {
		return "", err.Error()
	}
	return string(b), ""
}

// mergeListItems merges key=value items into a comma-separated list, as the
// aws-load-balancer-controller reads target group attributes: other items are kept in place, an
// item with the same key gets the wanted value, missing ones are appended.
func mergeListItems(current string, want []string) (string, string) {
	var items []string
	if strings.TrimSpace(current) != "" {
		for _, item := range strings.Split(current, ",") {
			k, _, ok := strings.Cut(item, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return "", fmt.Sprintf("item %q is not key=value; want a comma-separated list such as %s", item, strings.Join(want, ","))
			}
			items = append(items, strings.TrimSpace(item))
		}
	}
	for _, w := range want {
		key, _, _ := strings.Cut(w, "=")
		found := false
		for i, item := range items {
			if k, _, _ := strings.Cut(item, "="); strings.TrimSpace(k) == key {
				items[i], found = w, true
			}
		}
		if !found {
			items = append(items, w)
		}
	}
	merged := strings.Join(items, ",")
	if sameItems(current, merged) {
		return current, ""
	}
	return merged, ""
}

// sameItems compares two lists ignoring the spaces around items, so a list that already holds
// the wanted items is not rewritten.
func sameItems(a, b string) bool {
	norm := func(s string) string {
		parts := strings.Split(s, ",")
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
		}
		return strings.Join(parts, ",")
	}
	return norm(a) == norm(b)
}
