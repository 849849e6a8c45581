package yamltext

import "testing"

func TestMarker(t *testing.T) {
	for _, tc := range []struct {
		line      string
		indicator string
		want      bool
	}{
		{"...", DocumentEnd, true},
		{"...\n", DocumentEnd, true},
		{"...\r\n", DocumentEnd, true},
		{"...\r", DocumentEnd, true},
		{"... # end of list", DocumentEnd, true},
		{"...\t# end", DocumentEnd, true},
		{"....", DocumentEnd, false},
		{"...x", DocumentEnd, false},
		{" ...", DocumentEnd, false},
		{"---", DirectivesEnd, true},
		{"--- !!map", DirectivesEnd, true},
		{"---x", DirectivesEnd, false},
		{"- --", DirectivesEnd, false},
		{"", DocumentEnd, false},
		{"..", DocumentEnd, false},
	} {
		if got := Marker([]byte(tc.line), tc.indicator); got != tc.want {
			t.Errorf("Marker(%q, %q) = %v, want %v", tc.line, tc.indicator, got, tc.want)
		}
	}
}

func TestOnlyMarker(t *testing.T) {
	for line, want := range map[string]bool{"---": true, "---\n": true, "--- \r\n": true, "--- # c": false, "--- a": false, "---x": false, "...": false} {
		if got := OnlyMarker([]byte(line), DirectivesEnd); got != want {
			t.Errorf("OnlyMarker(%q) = %v, want %v", line, got, want)
		}
	}
}

func TestIndicator(t *testing.T) {
	for _, tc := range []struct {
		text, indicator string
		want            bool
	}{
		{"- a", "-", true}, {"-\n", "-", true}, {"-\t", "-", true}, {"-", "-", true}, {"-a", "-", false},
		{": x", ":", true}, {":x", ":", false}, {"", ":", false},
	} {
		if got := Indicator([]byte(tc.text), tc.indicator); got != tc.want {
			t.Errorf("Indicator(%q, %q) = %v, want %v", tc.text, tc.indicator, got, tc.want)
		}
	}
}

func TestDash(t *testing.T) {
	for _, tc := range []struct {
		line string
		i    int
		want bool
	}{
		{"- a", 0, true}, {"  - a", 2, true}, {"  -", 2, true}, {"-\tx", 0, true}, {"-a", 0, false},
		{"--", 0, false}, {"  - a", 0, false}, {"a", 5, false},
	} {
		if got := Dash([]byte(tc.line), tc.i); got != tc.want {
			t.Errorf("Dash(%q, %d) = %v, want %v", tc.line, tc.i, got, tc.want)
		}
	}
}

func TestDirective(t *testing.T) {
	for line, want := range map[string]bool{"%YAML 1.1\n": true, "%TAG ! tag:x,2000:": true, "%YAML\t1.2": true, " %YAML": false, "a: %x": false, "": false,
		"%0": false, "%YAMLx 1.1": false, "%FOO bar": false} {
		if got := Directive([]byte(line)); got != want {
			t.Errorf("Directive(%q) = %v, want %v", line, got, want)
		}
	}
}
