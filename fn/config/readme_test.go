package config

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite README.md's config key table from Keys()")

const readmePath = "../../README.md"

// keyTable is README's Configuration table, generated from the key table that also makes the
// flags, --help and the schema.
func keyTable() string {
	var b strings.Builder
	b.WriteString("| key | flag (plain YAML) | type | default | allowed | what it does |\n|---|---|---|---|---|---|\n")
	for _, k := range Keys() {
		flagText := "`--" + FlagName(k.Name) + "`"
		if k.Type != "boolean" {
			flagText = "`--" + FlagName(k.Name) + " VALUE`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | `%s` | %s | %s |\n", k.Name, flagText, k.Type, k.Default,
			strings.ReplaceAll(k.Allowed, "|", `\|`), strings.ReplaceAll(k.Summary, "|", `\|`))
	}
	return b.String()
}

// TestREADMEConfigTable: README's table of config keys is the one Keys() gives; `go test
// ./fn/config -run TestREADMEConfigTable -update-readme` rewrites it between its markers.
func TestREADMEConfigTable(t *testing.T) {
	const begin, end = "<!-- config keys: generated from config.Keys() -->\n", "<!-- end of config keys -->\n"
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q and %q", begin, end)
	}
	want := keyTable()
	if got := readme[i+len(begin) : j]; got != want {
		if *updateReadme {
			if err := os.WriteFile(readmePath, []byte(readme[:i+len(begin)]+want+readme[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's config table differs from Keys() (-update-readme rewrites it):\n--- got\n%s--- want\n%s", got, want)
	}
}
