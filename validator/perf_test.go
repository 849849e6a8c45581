package validator_test

import (
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sticky-services/set-session-affinity/validator/internal/goldens"
)

const (
	thousand = 1000
	// The budgets of the issue: the in-process validator under 1 s for 1,000 Services, the real
	// server under 10 s for 1,000 dry runs over one connection.
	validatorBudget = time.Second
	serverBudget    = 10 * time.Second
)

// thousandServices are the function's output for 1,000 random Services with promoteToLoadBalancer
// (so nearly all come back rewritten), made once per test binary.
var thousandServices = sync.OnceValues(func() ([]goldens.Service, error) {
	input := newServiceGen(1000).resourceList(thousand, map[string]string{"promoteToLoadBalancer": "true"})
	output, err := runFunctionOnce(input)
	if err != nil {
		return nil, err
	}
	return goldens.Services(output)
})

func loadThousand(t *testing.T) []goldens.Service {
	t.Helper()
	services, err := thousandServices()
	if err != nil {
		t.Fatal(err)
	}
	if len(services) != thousand {
		t.Fatalf("want %d Services out of the function, got %d", thousand, len(services))
	}
	return services
}

// TestValidatorThousandServices holds the validator to its budget in CPU time, which other work
// on a shared machine does not inflate; the wall time is reported beside it.
func TestValidatorThousandServices(t *testing.T) {
	services := loadThousand(t)
	startCPU, start := cpuTime(t), time.Now()
	accepted := 0
	for _, svc := range services {
		if inProcess.Validate(svc.RequestNamespace(), svc.Manifest).Accepted {
			accepted++
		}
	}
	wall, cpu := time.Since(start), cpuTime(t)-startCPU
	report("timing validator", "%d Services: %v CPU, %v wall (%d accepted); budget %v",
		len(services), cpu.Round(time.Millisecond), wall.Round(time.Millisecond), accepted, validatorBudget)
	if cpu > validatorBudget {
		t.Errorf("validating %d Services took %v of CPU; budget %v", len(services), cpu, validatorBudget)
	}
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkValidate(b *testing.B) {
	services, err := thousandServices()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		svc := services[i%len(services)]
		inProcess.Validate(svc.RequestNamespace(), svc.Manifest)
	}
}
