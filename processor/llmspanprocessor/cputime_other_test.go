//go:build !unix

package llmspanprocessor

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
