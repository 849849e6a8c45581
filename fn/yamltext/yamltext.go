// Package yamltext knows YAML text where the function reads it without a parser: document
// markers and line ends. The other packages ask it instead of keeping their own idea of them.
package yamltext

import (
	"bytes"
	"io"
)

// The two document markers (YAML 1.2 §9.1.4, 6.9 "c-directives-end", "c-document-end").
const (
	DirectivesEnd = "---"
	DocumentEnd   = "..."
)

// BOM is the UTF-8 byte order mark, which yaml.v3 reads past at the start of a stream.
const BOM = "\xef\xbb\xbf"

// Directive reports whether line is a directive (`%YAML 1.1`, `%TAG ...`): a % at column 0, which
// libyaml's scanner reads as a directive wherever a line starts with it outside a scalar.
func Directive(line []byte) bool { return len(line) > 0 && line[0] == '%' }

// Marker reports whether line is a document marker: the indicator at column 0 standing alone.
// yaml.v3 honours a marker so written whatever came before it; `---x` or `...x` is plain content.
func Marker(line []byte, indicator string) bool { return Indicator(line, indicator) }

// Indicator reports whether text starts with indicator standing alone: followed by a blank, a
// line break (LF, CR) or the end of the text, as a block sequence entry's `-` or a marker is.
func Indicator(text []byte, indicator string) bool {
	if !bytes.HasPrefix(text, []byte(indicator)) {
		return false
	}
	rest := text[len(indicator):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

// CROnly reports whether text breaks its lines with a lone carriage return only (old Mac files):
// it has a \r and no \n. Such a text reads as the same text with each \r turned into \n, which
// the function reads instead (ToLF), and its output goes back through CRWriter: a one-to-one
// swap, so every byte no edit touched comes back as it came.
func CROnly(text []byte) bool {
	return bytes.IndexByte(text, '\r') >= 0 && bytes.IndexByte(text, '\n') < 0
}

// ToLF is text with each \r turned into \n.
func ToLF(text []byte) []byte {
	return bytes.ReplaceAll(text, []byte{'\r'}, []byte{'\n'})
}

// CRWriter writes to w what it is given with each \n turned into \r.
func CRWriter(w io.Writer) io.Writer { return crWriter{w} }

type crWriter struct{ w io.Writer }

func (c crWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte{'\n'}, []byte{'\r'})); err != nil {
		return 0, err
	}
	return len(p), nil
}
