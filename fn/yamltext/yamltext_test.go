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
