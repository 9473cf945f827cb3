//go:build unix

package llmspanprocessor

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, on all its threads (the garbage
// collector's workers included), and whether the platform reports it.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
