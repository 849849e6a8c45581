package input

import (
	"bytes"

	"github.com/sticky-services/set-session-affinity/fn/yamltext"
)

// chunk is one document's text in a stream: from its first line (comments and directives
// before its marker included) to the line before the next document's marker, or through its
// `...` end marker.
type chunk struct{ start, end int }

// cut splits a stream into its documents at the lines YAML reserves for markers: `---` (and
// `--- content`) starts a document, `...` ends one. Both are markers only at column 0, where
// yaml.v3 honours them whatever came before. Comments, blank lines and directives before a
// marker belong to the document it starts. As yaml.v3 reads a stream (libyaml's scanner), a
// directive at column 0 also ends the document before it when no `...` did, an end marker with
// no document open ends nothing (it is left out of every chunk, as it has nothing to decode), and
// a byte order mark before the first line is not content.
func cut(in []byte) []chunk {
	var chunks []chunk
	start, content := 0, false
	for pos := 0; pos < len(in); {
		end := bytes.IndexByte(in[pos:], '\n')
		if end < 0 {
			end = len(in)
		} else {
			end += pos + 1
		}
		line := in[pos:end]
		if pos == 0 {
			line = bytes.TrimPrefix(line, []byte(yamltext.BOM))
		}
		switch {
		case yamltext.Marker(line, yamltext.DirectivesEnd):
			if content {
				chunks = append(chunks, chunk{start, pos})
				start = pos
			}
			content = true
		case yamltext.Marker(line, yamltext.DocumentEnd):
			if content {
				chunks = append(chunks, chunk{start, end})
			}
			start, content = end, false
		case content && yamltext.Directive(line):
			chunks = append(chunks, chunk{start, pos})
			start, content = pos, false
		case !content:
			content = hasContent(line)
		}
		pos = end
	}
	if start < len(in) {
		chunks = append(chunks, chunk{start, len(in)})
	}
	return chunks
}

// hasContent reports whether a line holds more than blanks, a comment or a directive.
func hasContent(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n")
	return len(t) > 0 && t[0] != '#' && !(t[0] == '%' && len(t) == len(line))
}
