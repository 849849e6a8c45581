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
		{"- a", "-", true},
		{"-\n", "-", true},
		{"-a", "-", false},
	} {
		if got := Marker([]byte(tc.line), tc.indicator); got != tc.want {
			t.Errorf("Marker(%q, %q) = %v, want %v", tc.line, tc.indicator, got, tc.want)
		}
	}
}

func TestDirective(t *testing.T) {
	for line, want := range map[string]bool{"%YAML 1.1\n": true, "%TAG ! tag:x,2000:": true, " %YAML": false, "a: %x": false, "": false} {
		if got := Directive([]byte(line)); got != want {
			t.Errorf("Directive(%q) = %v, want %v", line, got, want)
		}
	}
}
