package peakrss

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestMain is also the command the test measures: with PEAKRSS_TEST_TOUCH_MIB it touches that
// many MiB, prints how many bytes its stdin had and exits 3.
func TestMain(m *testing.M) {
	Serve()
	if n, err := strconv.Atoi(os.Getenv("PEAKRSS_TEST_TOUCH_MIB")); err == nil {
		touched := make([]byte, n<<20)
		for i := 0; i < len(touched); i += 4096 {
			touched[i] = 1
		}
		in, _ := io.ReadAll(os.Stdin)
		fmt.Print(len(in))
		runtime.KeepAlive(touched)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// TestMeasureChargesTheCommandAlone: a command that touches 64 MiB peaks at 64 MiB or more,
// while this process holds 256 MiB, which a child it started itself would be charged with
// (Linux counts a vforked child's parent at exec); the command's exit code comes back, and its
// input reaches it whole from a file and on a pipe. It allocates 256 MiB, so it runs with `make
// test-scaling` (SSA_SCALING=1), not `make test`.
func TestMeasureChargesTheCommandAlone(t *testing.T) {
	if os.Getenv("SSA_SCALING") == "" {
		t.Skip("holds 256 MiB and reads peak RSS; set SSA_SCALING=1 (make test-scaling)")
	}
	held := make([]byte, 256<<20)
	for i := 0; i < len(held); i += 4096 {
		held[i] = 1
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(t.TempDir(), "input")
	if err := os.WriteFile(input, bytes.Repeat([]byte("x"), 300000), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, pipe := range []bool{false, true} {
		f, err := os.Open(input)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		cmd := exec.Command(self)
		cmd.Env = append(os.Environ(), "PEAKRSS_TEST_TOUCH_MIB=64")
		cmd.Stdin, cmd.Stdout = f, &out
		s, err := Measure(cmd, pipe)
		_ = f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if s.ExitCode != 3 || out.String() != "300000" || s.MaxRSS < 64<<20 || s.MaxRSS > 160<<20 || s.Wall <= 0 {
			t.Errorf("pipe %v: exit %d, stdin %q bytes, peak RSS %d MiB (want 64 to 160), wall %v", pipe, s.ExitCode, out.String(), s.MaxRSS>>20, s.Wall)
		}
	}
	runtime.KeepAlive(held)
}
