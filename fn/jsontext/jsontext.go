// Package jsontext edits a JSON object held as text (an annotation such as Huawei's
// kubernetes.io/elb.session-affinity-option) the way fn/edit edits YAML: one member's value is
// replaced, or one member added, and every other byte stays as written. Decoding into Go values
// and encoding again would not: 9007199254740993 becomes 9007199254740992, 1e2 becomes 100, keys
// are sorted and < is escaped (issue 18.4).
package jsontext

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// SetField returns the JSON object text with its member field set to the string want: the last
// member of that name has its value replaced (the one encoding/json reads), or, when there is
// none, a member is added after the last one, spaced as the object spaces its members.
func SetField(text, field, want string) (string, error) {
	if !json.Valid([]byte(text)) {
		return "", errors.New("not valid JSON")
	}
	value, err := encodeString(want)
	if err != nil {
		return "", err
	}
	members, open, err := scanObject(text)
	if err != nil {
		return "", err
	}
	for i := len(members) - 1; i >= 0; i-- {
		if members[i].name == field {
			m := members[i]
			return text[:m.valueStart] + value + text[m.valueEnd:], nil
		}
	}
	key, err := encodeString(field)
	if err != nil {
		return "", err
	}
	if len(members) == 0 {
		return text[:open+1] + key + ":" + value + text[open+1:], nil
	}
	last := members[len(members)-1]
	colon := text[last.keyEnd:last.valueStart] // `: `, `:` or ` : `
	sep := ", "
	if len(members) > 1 {
		sep = text[members[len(members)-2].valueEnd:members[len(members)-1].keyStart]
	} else if before := text[open+1 : last.keyStart]; strings.Contains(before, "\n") {
		sep = "," + before
	}
	return text[:last.valueEnd] + sep + key + colon + value + text[last.valueEnd:], nil
}

// member is where one member of the object stands in the text.
type member struct {
	name                 string
	keyStart, keyEnd     int // the key's quotes included
	valueStart, valueEnd int
}

// scanObject finds the members of the JSON object text (valid JSON, checked by the caller), and
// the offset of its opening brace.
func scanObject(text string) (members []member, open int, err error) {
	i := skipSpace(text, 0)
	if i >= len(text) || text[i] != '{' {
		return nil, 0, errors.New("not a JSON object")
	}
	open = i
	i = skipSpace(text, i+1)
	for i < len(text) && text[i] != '}' {
		var m member
		m.keyStart = i
		m.keyEnd = skipValue(text, i)
		if err := json.Unmarshal([]byte(text[m.keyStart:m.keyEnd]), &m.name); err != nil {
			return nil, 0, err
		}
		i = skipSpace(text, m.keyEnd) + 1 // the colon
		m.valueStart = skipSpace(text, i)
		m.valueEnd = skipValue(text, m.valueStart)
		members = append(members, m)
		i = skipSpace(text, m.valueEnd)
		if i < len(text) && text[i] == ',' {
			i = skipSpace(text, i+1)
		}
	}
	return members, open, nil
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
		i++
	}
	return i
}

// skipValue is the end of the JSON value at i: a string, a number or literal, an object or an
// array (with the strings inside them).
func skipValue(text string, i int) int {
	switch text[i] {
	case '"':
		for j := i + 1; j < len(text); j++ {
			switch text[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return len(text)
	case '{', '[':
		depth := 0
		for j := i; j < len(text); j++ {
			switch text[j] {
			case '"':
				j = skipValue(text, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(text)
	}
	j := i
	for j < len(text) && !strings.ContainsRune(",}] \t\n\r", rune(text[j])) {
		j++
	}
	return j
}

// encodeString writes s as a JSON string without escaping <, > and &, as the rest of the text
// is not HTML either.
func encodeString(s string) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", fmt.Errorf("encoding %q: %w", s, err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}
