package yamltext

import "bytes"

// Span is the bytes [Start, End) of a text.
type Span struct{ Start, End int }

// Documents splits a stream into its documents at the lines YAML reserves for markers, as yaml.v3
// reads a stream (libyaml's scanner): `---` (and `--- content`) starts a document, `...` ends one,
// both only at column 0, where yaml.v3 honours them whatever came before. Each span runs from the
// document's first line (comments and directives before its marker included) to the line before
// the next document's marker, or through its `...` end marker. A directive at column 0 also ends
// the document before it when no `...` did; an end marker with no document open ends nothing (it
// is in no span, as it has nothing to decode); a byte order mark before the first line is not
// content. Comments and blank lines after the last document are a span of their own, which holds
// no document.
func Documents(text []byte) []Span {
	var spans []Span
	start, content := 0, false
	for pos := 0; pos < len(text); {
		line, end := Line(text, pos)
		if pos == 0 {
			line = bytes.TrimPrefix(line, []byte(BOM))
		}
		switch {
		case Marker(line, DirectivesEnd):
			if content {
				spans = append(spans, Span{start, pos})
				start = pos
			}
			content = true
		case Marker(line, DocumentEnd):
			if content {
				spans = append(spans, Span{start, end})
			}
			start, content = end, false
		case content && Directive(line):
			spans = append(spans, Span{start, pos})
			start, content = pos, false
		case !content:
			content = HasContent(line) && !Directive(line)
		}
		pos = end
	}
	if start < len(text) {
		spans = append(spans, Span{start, len(text)})
	}
	return spans
}

// Appendable reports whether a line written after text belongs to text's last document: text
// ends with a line break, and its last line with content is not a `...` end marker.
func Appendable(text []byte) bool {
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return false
	}
	for rest := bytes.TrimRight(text, " \t\r\n"); len(rest) > 0; {
		line := rest[bytes.LastIndexByte(rest, '\n')+1:]
		if HasContent(line) {
			return !Marker(line, DocumentEnd)
		}
		rest = bytes.TrimRight(rest[:len(rest)-len(line)], " \t\r\n")
	}
	return true
}

// TopLevelValue is the value of the first line that starts with key and a colon at column 0, as
// written but for its quotes and a comment after it; ok is false when no line does. A guess, for
// spotting a document's kind before it is decoded.
func TopLevelValue(text []byte, key string) (value []byte, ok bool) {
	for pos := 0; pos < len(text); {
		line, next := Line(text, pos)
		if len(line) > len(key) && string(line[:len(key)]) == key && line[len(key)] == ':' {
			value = bytes.TrimSpace(line[len(key)+1:])
			if i := bytes.Index(value, []byte(" #")); i >= 0 {
				value = bytes.TrimSpace(value[:i])
			}
			return bytes.Trim(value, `"'`), true
		}
		pos = next
	}
	return nil, false
}
