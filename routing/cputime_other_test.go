//go:build !unix

package routing_test

import "time"

// processCPU is unknown here.
func processCPU() (time.Duration, bool) { return 0, false }
