package provider

import (
	"os"
	"strings"
	"testing"
)

// TestREADMEProviderTable: README's provider table has one row per profile, no row for a
// provider that does not exist, and states each persistence range as the profile has it.
func TestREADMEProviderTable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	inTable := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "| provider | what is set |"):
			inTable = true
		case inTable && !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable && strings.HasPrefix(line, "| `"):
			name := strings.SplitN(strings.TrimPrefix(line, "| `"), "`", 2)[0]
			rows[name] = line
		}
	}
	for _, name := range Names() {
		row, ok := rows[name]
		if !ok {
			t.Errorf("README's provider table has no row for %s", name)
			continue
		}
		delete(rows, name)
		p, _ := Lookup(name)
		if p.Persistence != nil && !strings.Contains(row, "persistence "+p.Persistence.Allowed()) {
			t.Errorf("README's row for %s does not state its persistence range %q:\n%s", name, "persistence "+p.Persistence.Allowed(), row)
		}
		if p.Persistence == nil && strings.Contains(row, "persistence 1..") {
			t.Errorf("README's row for %s states a persistence range, and the profile has none", name)
		}
	}
	for name := range rows {
		t.Errorf("README's provider table has a row for %s, which is no provider", name)
	}
}
