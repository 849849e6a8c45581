// Package yamltext is the one place that reads YAML text without a parser: what the function
// needs to know of the bytes themselves, where a tree from yaml.v3 does not say it or costs too
// much to build. Every other package asks it instead of keeping its own idea of:
//
//   - documents: the markers `---` and `...`, directives, a byte order mark, and so where each
//     document of a stream starts and ends (Documents), and where text can be added after the
//     last one (Appendable);
//   - lines: line breaks (LF, CRLF, and the lone CR of old Mac files), lines, indentation, blank
//     and comment lines, and a text's lines indexed so that yaml.v3's positions become offsets
//     (Text);
//   - values: where a quoted, plain, flow or block value ends, what a property (anchor, tag)
//     takes, and whether a quote opens a scalar or stands inside a plain one (the apostrophe of
//     `[it 's]`).
//
// Each answer is meant to be the one yaml.v3 (libyaml's scanner) gives for the same bytes: the
// table tests say so case by case, and FuzzDocuments holds the document split to yaml.v3's
// reading of any text (TestDirectiveInsideAScalarIsRefusedNotMisread is the one known exception).
package yamltext

import "bytes"

// The two document markers (YAML 1.2 §9.1.4, 6.9 "c-directives-end", "c-document-end").
const (
	DirectivesEnd = "---"
	DocumentEnd   = "..."
)

// BOM is the UTF-8 byte order mark, which yaml.v3 reads past at the start of a stream.
const BOM = "\xef\xbb\xbf"

// Directive reports whether line is a directive: `%YAML` or `%TAG` at column 0, then a blank.
// libyaml's scanner (yaml.v3) reads a % at column 0 as a directive wherever a token starts, and
// refuses any other name; where no token starts, inside a scalar that spans lines (`0` then `%0`
// is the plain scalar "0 %0"), the line is the scalar's. So any other % line is a scalar's text,
// or an error either way.
func Directive(line []byte) bool {
	return Indicator(line, "%YAML") || Indicator(line, "%TAG")
}

// Marker reports whether line is a document marker: the indicator at column 0 standing alone.
// yaml.v3 honours a marker so written whatever came before it; `---x` or `...x` is plain content.
func Marker(line []byte, indicator string) bool { return Indicator(line, indicator) }

// OnlyMarker reports whether line is the marker and nothing else but blanks: no content, no
// comment after it.
func OnlyMarker(line []byte, indicator string) bool {
	return Marker(line, indicator) && len(bytes.TrimRight(line, " \t\r\n")) == len(indicator)
}

// Indicator reports whether text starts with indicator standing alone: followed by a blank, a
// line break (LF, CR) or the end of the text, as a block sequence entry's `-` or a marker is.
func Indicator(text []byte, indicator string) bool {
	if len(text) < len(indicator) || string(text[:len(indicator)]) != indicator {
		return false
	}
	return len(text) == len(indicator) || blankOrBreak(text[len(indicator)])
}

// Dash reports whether a block sequence entry's `-` is at line[i]: followed by a blank, a line
// break or the end of the line.
func Dash(line []byte, i int) bool {
	return i < len(line) && line[i] == '-' && (i+1 == len(line) || blankOrBreak(line[i+1]))
}

func blankOrBreak(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
