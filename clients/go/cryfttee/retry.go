package cryfttee

import (
	"context"
	"net/http"
	"time"
)

// RetryPolicy is the seed's withRetry (cryftgo-integration.md, "Error Handling"): wait
// InitialDelay after the first failure, double each time up to MaxDelay, give up after
// MaxAttempts attempts. Which failures count is fixed, not configurable, because it is what keeps
// retries safe: a connection that could not be made (the request never left) and HTTP 503 (the
// daemon is up but not ready; it refused before acting). Everything else is returned at once.
type RetryPolicy struct {
	InitialDelay time.Duration
	MaxDelay     time.Duration
	MaxAttempts  int // values below 1 mean 1
	// OnRetry, if set, is called before each wait with the attempt that failed (1-based), the
	// wait, and the failure (*TransportError or *APIError). For logging; must not block.
	OnRetry func(attempt int, delay time.Duration, err error)
}

// SeedRetry returns the seed's numbers: 100 ms, doubling, capped at 5 s, 10 attempts.
func SeedRetry() RetryPolicy {
	return RetryPolicy{InitialDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second, MaxAttempts: 10}
}

// NoRetry makes one attempt (what an interactive tool or a poll loop wants).
func NoRetry() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// DelayAfter is the wait after failed attempt n (1-based): InitialDelay * 2^(n-1), capped at
// MaxDelay.
func (p RetryPolicy) DelayAfter(n int) time.Duration {
	d := p.InitialDelay
	for i := 1; i < n && d < p.MaxDelay; i++ {
		d *= 2
	}
	if p.MaxDelay > 0 && d > p.MaxDelay {
		d = p.MaxDelay
	}
	return d
}

func (p RetryPolicy) attempts() int {
	if p.MaxAttempts < 1 {
		return 1
	}
	return p.MaxAttempts
}

// retryableStatus: only 503, the daemon's "unavailable" category (vault not open, module not
// loaded yet, reload in progress), is answered before any action is taken.
func retryableStatus(status int) bool { return status == http.StatusServiceUnavailable }

// sleep waits d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
