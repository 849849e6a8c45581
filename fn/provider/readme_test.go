package provider

import (
	"os"
	"strings"
	"testing"
)

// providersDoc is where the provider and signal tables live (the README links to it).
const providersDoc = "../../docs/providers.md"

// TestProviderDocTable: docs/providers.md's provider table has one row per profile, no row for a
// provider that does not exist, and states each persistence range as the profile has it.
func TestProviderDocTable(t *testing.T) {
	b, err := os.ReadFile(providersDoc)
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
			t.Errorf("docs/providers.md's provider table has no row for %s", name)
			continue
		}
		delete(rows, name)
		p, _ := Lookup(name)
		if p.Persistence != nil && !strings.Contains(row, "persistence "+p.Persistence.Allowed()) {
			t.Errorf("docs/providers.md's row for %s does not state its persistence range %q:\n%s", name, "persistence "+p.Persistence.Allowed(), row)
		}
		if p.Persistence == nil && strings.Contains(row, "persistence 1..") {
			t.Errorf("docs/providers.md's row for %s states a persistence range, and the profile has none", name)
		}
	}
	for name := range rows {
		t.Errorf("docs/providers.md's provider table has a row for %s, which is no provider", name)
	}
}

// signalRows renders Signals as docs/providers.md's signal table rows.
func signalRows() string {
	var b strings.Builder
	for _, s := range Signals {
		signal := "`loadBalancerClass: " + s.Class + "`"
		if s.Class == "" {
			signal = "annotation `" + s.Prefix + "*`"
		}
		b.WriteString("| " + signal + " | `" + s.Provider + "` | " + s.Family + " | " + s.Controller + " | " + s.Source + " |\n")
	}
	return b.String()
}

// TestProviderDocSignalTable: docs/providers.md's table of provider signals is provider.Signals,
// row for row.
func TestProviderDocSignalTable(t *testing.T) {
	b, err := os.ReadFile(providersDoc)
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "<!-- provider signals: generated from provider.Signals -->\n", "<!-- end of provider signals -->"
	text := string(b)
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatal("docs/providers.md has no provider signal table between its markers")
	}
	table := text[i+len(start) : j]
	header := "| signal | provider | family | read by | source |\n|---|---|---|---|---|\n"
	if want := header + signalRows(); table != want {
		t.Errorf("docs/providers.md's signal table differs from provider.Signals:\n--- got\n%s--- want\n%s", table, want)
	}
}
