package rules

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sticky-services/set-session-affinity/fn/jsontext"
	"github.com/sticky-services/set-session-affinity/fn/provider"
)

// setJSONField sets field to want inside a JSON object annotation, keeping its other fields. An
// equal number counts as the same value, so `30` and `"30"` are both left alone.
func setJSONField(current string, present bool, field, want string) (string, error) {
	if !present {
		b, err := json.Marshal(map[string]string{field: want})
		return string(b), err
	}
	obj := map[string]any{}
	if err := json.Unmarshal([]byte(current), &obj); err != nil {
		return "", fmt.Errorf("is not a JSON object (%w); want for example {%q: %q}", err, field, want)
	}
	if fmt.Sprint(obj[field]) == want {
		return current, nil
	}
	// The user's other members stay as written: decoding and encoding again would round big
	// numbers, rewrite 1e2 as 100, sort the keys and escape < (issue 18.4).
	return jsontext.SetField(current, field, want)
}

// jsonField returns the field of a JSON object annotation as text, when it is a whole number
// written in digits: the string "30" or the number 30 (30.0 reads as 30). The admission policy
// reads the same shapes (fn/policy).
func jsonField(annotation, field string) (string, bool) {
	obj := map[string]any{}
	if json.Unmarshal([]byte(annotation), &obj) != nil {
		return "", false
	}
	var text string
	switch v := obj[field].(type) {
	case string:
		text = v
	case float64:
		text = fmt.Sprint(v)
	default:
		return "", false
	}
	if text == "" || strings.Trim(text, "0123456789") != "" {
		return "", false
	}
	return text, true
}

// jsonTrue reports whether the JSON object annotation's field is true.
func jsonTrue(annotation, field string) bool {
	obj := map[string]any{}
	return json.Unmarshal([]byte(annotation), &obj) == nil && obj[field] == true
}

// mergeListItems merges key=value items into a comma-separated list, as the
// aws-load-balancer-controller reads target group attributes: other items are kept in place, an
// item with the same key gets the wanted value, missing ones are appended.
func mergeListItems(current string, want []string) (string, error) {
	var items []string
	if strings.TrimSpace(current) != "" {
		for _, item := range strings.Split(current, ",") {
			k, _, ok := strings.Cut(item, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return "", fmt.Errorf("item %q is not key=value; want a comma-separated list such as %s", item, strings.Join(want, ","))
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
		return current, nil
	}
	return merged, nil
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

// replacesItems reports whether writing want into the annotation's current value changes a value
// the input set: the whole value (Plain), the JSON field, or a list item with the same key.
// Adding a field or an item that was missing is no replacement.
func replacesItems(current string, set provider.Set, want string) bool {
	switch set.Format {
	case provider.JSONField:
		obj := map[string]any{}
		if json.Unmarshal([]byte(current), &obj) != nil {
			return false
		}
		v, ok := obj[set.Field]
		return ok && fmt.Sprint(v) != want
	case provider.ListItems:
		have := map[string]string{}
		for _, item := range strings.Split(current, ",") {
			if k, v, ok := strings.Cut(item, "="); ok {
				have[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		for _, w := range set.Items {
			k, v, _ := strings.Cut(w, "=")
			if old, ok := have[k]; ok && old != v {
				return true
			}
		}
		return false
	}
	return current != "" && current != want
}
