package itemscan

import (
	"bytes"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// The functions here read one line (without its newline) from index i. They accept only forms
// whose meaning is certain; "not ok" means "not understood", never "invalid". Lines of items
// reach them only without tabs (itemScanner.line).

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// plainStart reports whether a plain scalar may start at i: not with an indicator, except `-`,
// `?` or `:` directly followed by a letter, digit or dot.
func plainStart(line []byte, i int) bool {
	c := line[i]
	switch {
	case isAlnum(c):
		return true
	case bytes.IndexByte([]byte("$()+./;=\\^_~"), c) >= 0:
		return true
	case c == '-' || c == '?' || c == ':':
		return i+1 < len(line) && (isAlnum(line[i+1]) || line[i+1] == '.')
	}
	return false
}

// keyName is a mapping key; exact is false when quoting escapes hide its text.
type keyName struct {
	text  []byte
	exact bool
}

// special marks the bytes plain scalars and keys must look at: ':' may end a key or be an error,
// '#' may start a comment, a tab is not understood.
var special = [256]bool{':': true, '#': true, '\t': true}

// plainKey reads a plain key and its colon; after is the index past the colon, which is
// followed by a space or the end of the line.
func plainKey(line []byte, i int) (name []byte, after int, ok bool) {
	if i >= len(line) || !plainStart(line, i) {
		return nil, 0, false
	}
	for j := i + 1; j < len(line); j++ {
		if !special[line[j]] {
			continue
		}
		switch c := line[j]; {
		case c == ':' && (j+1 == len(line) || line[j+1] == ' '):
			if line[j-1] == ' ' || j-i > 1000 {
				return nil, 0, false // `a : b`, or longer than yaml.v3's simple keys
			}
			return line[i:j], j + 1, true
		case c == '#' && line[j-1] == ' ', c == '\t':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// blockKey reads a plain or quoted key and its colon.
func blockKey(line []byte, i int) (keyName, int, bool) {
	if c := line[i]; c == '"' || c == '\'' {
		j, exact, ok := quoted(line, i)
		if !ok || j >= len(line) || line[j] != ':' || j+1 < len(line) && line[j+1] != ' ' || j-i > 1000 {
			return keyName{}, 0, false
		}
		return keyName{text: line[i+1 : j-1], exact: exact}, j + 1, true
	}
	name, after, ok := plainKey(line, i)
	return keyName{text: name, exact: true}, after, ok
}

// scalar is a value that fits on its line.
type scalar struct {
	block bool   // a block scalar header: the content follows on the next lines
	exact bool   // text is the value exactly (a plain scalar, or quoted without escapes)
	plain bool   // written plain, so it may read as another type, null among them
	text  []byte // the value, or for a flow collection its text
}

// scalarValue reads the value at i, which must end the line (but for a comment).
func scalarValue(line []byte, i int) (scalar, bool) {
	switch line[i] {
	case '|', '>':
		j := i + 1
		if j < len(line) && (line[j] == '-' || line[j] == '+') {
			j++
		}
		return scalar{block: true}, yamltext.EndsValue(line, j)
	case '"', '\'':
		j, exact, ok := quoted(line, i)
		return scalar{exact: exact, text: line[i+1 : max(j-1, i+1)]}, ok && yamltext.EndsValue(line, j)
	case '[', '{':
		j, ok := flowCollection(line, i, 0)
		return scalar{text: line[i:max(j, i)]}, ok && yamltext.EndsValue(line, j)
	}
	if !plainStart(line, i) {
		return scalar{}, false
	}
	end := len(line)
	for j := i + 1; j < len(line); j++ {
		if !special[line[j]] {
			continue
		}
		if line[j] == '#' && line[j-1] == ' ' {
			end = j // a comment
			break
		}
		if line[j] == ':' && (j+1 == len(line) || line[j+1] == ' ') {
			return scalar{}, false // yaml.v3: mapping values are not allowed in this context
		}
	}
	text := bytes.TrimRight(line[i:end], " ")
	return scalar{exact: true, plain: true, text: text}, true
}

// quoted reads a single- or double-quoted scalar that closes on this line; j is past the closing
// quote. Double-quoted escapes are limited to the one-character ones yaml.v3 knows (YAML 1.1:
// no `\/`); a tab inside is not understood.
func quoted(line []byte, i int) (j int, exact bool, ok bool) {
	if j = yamltext.QuotedEnd(line, i); j < 0 {
		return 0, false, false
	}
	inner := line[i+1 : j-1]
	if bytes.IndexByte(inner, '\t') >= 0 {
		return 0, false, false
	}
	if line[i] == '\'' {
		return j, !bytes.Contains(inner, []byte("''")), true
	}
	exact = true
	for k := bytes.IndexByte(inner, '\\'); k >= 0 && k < len(inner); k++ {
		if inner[k] != '\\' {
			continue
		}
		if bytes.IndexByte([]byte(`0abtnvfre "'\N_LP`), inner[k+1]) < 0 {
			return 0, false, false
		}
		exact = false
		k++
	}
	return j, exact, true
}

// flowCollection reads a flow list or mapping that closes on this line: entries are plain
// scalars (without `:` or `#`), quoted scalars and nested collections; a mapping's entries are
// `key: value` or `key:` with a plain or quoted key.
func flowCollection(line []byte, i, depth int) (int, bool) {
	closing := byte(']')
	if line[i] == '{' {
		closing = '}'
	}
	j := yamltext.SkipSpaces(line, i+1)
	if j < len(line) && line[j] == closing {
		return j + 1, true
	}
	if depth > 16 {
		return 0, false
	}
	var keys [][]byte // a mapping's keys so far, to refuse one given twice
	for {
		var ok bool
		if closing == '}' {
			if keys, ok = flowKey(line, j, keys); !ok {
				return 0, false
			}
			j, ok = flowPair(line, j, depth)
		} else {
			j, ok = flowNode(line, j, depth)
		}
		if !ok {
			return 0, false
		}
		j = yamltext.SkipSpaces(line, j)
		switch {
		case j < len(line) && line[j] == closing:
			return j + 1, true
		case j < len(line) && line[j] == ',':
			j = yamltext.SkipSpaces(line, j+1)
			if j >= len(line) || line[j] == closing {
				return 0, false // a trailing comma
			}
		default:
			return 0, false
		}
	}
}

// maxFlowKeys bounds the keys of one flow mapping this package compares; a longer one is left to
// yaml.v3.
const maxFlowKeys = 32

// flowKey adds the plain key at j to keys; a quoted key (whose value its text may not show), a
// key given before, or too many keys are not understood here.
func flowKey(line []byte, j int, keys [][]byte) ([][]byte, bool) {
	if j >= len(line) || line[j] == '"' || line[j] == '\'' || len(keys) == maxFlowKeys {
		return keys, false
	}
	end, ok := flowScalar(line, j)
	if !ok {
		return keys, false
	}
	for _, k := range keys {
		if bytes.Equal(k, line[j:end]) {
			return keys, false
		}
	}
	return append(keys, line[j:end]), true
}

func flowPair(line []byte, j, depth int) (int, bool) {
	j, ok := flowScalar(line, j)
	if !ok || j >= len(line) || line[j] != ':' {
		return 0, false
	}
	j++
	switch {
	case j < len(line) && (line[j] == ',' || line[j] == '}'):
		return j, true
	case j < len(line) && line[j] == ' ':
		return flowNode(line, yamltext.SkipSpaces(line, j), depth)
	}
	return 0, false
}

func flowNode(line []byte, j, depth int) (int, bool) {
	if j < len(line) && (line[j] == '[' || line[j] == '{') {
		return flowCollection(line, j, depth+1)
	}
	return flowScalar(line, j)
}

// flowScalar reads a quoted scalar, or a plain one up to the next indicator (yaml.v3, as YAML 1.1,
// also ends flow plain scalars at `?`).
func flowScalar(line []byte, j int) (int, bool) {
	if j >= len(line) {
		return 0, false
	}
	if c := line[j]; c == '"' || c == '\'' {
		end, _, ok := quoted(line, j)
		return end, ok
	}
	if !plainStart(line, j) {
		return 0, false
	}
	k := j
	for k < len(line) && bytes.IndexByte([]byte(",?[]{}:#\t"), line[k]) < 0 {
		k++
	}
	if k < len(line) && (line[k] == '#' || line[k] == '\t') {
		return 0, false
	}
	for k > j && line[k-1] == ' ' {
		k--
	}
	return k, true
}
