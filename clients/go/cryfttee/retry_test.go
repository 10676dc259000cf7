package cryfttee

// The retry policy: what is retried (no connection, HTTP 503), what is not (an answer, a timeout
// or a connection lost after the request went out), and that the context bounds it all.

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestDelayAfterFollowsTheSeed(t *testing.T) {
	p := SeedRetry()
	if p.InitialDelay != 100*time.Millisecond || p.MaxDelay != 5*time.Second || p.MaxAttempts != 10 {
		t.Fatalf("seed policy %+v", p)
	}
	want := []time.Duration{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000}
	for i, w := range want {
		if got := p.DelayAfter(i + 1); got != w*time.Millisecond {
			t.Fatalf("delay after attempt %d: %v, want %v", i+1, got, w*time.Millisecond)
		}
	}
}

// retryLog records OnRetry calls.
type retryLog struct {
	mu     sync.Mutex
	delays []time.Duration
	errs   []error
}

func (l *retryLog) policy(initial, max time.Duration, attempts int) RetryPolicy {
	return RetryPolicy{InitialDelay: initial, MaxDelay: max, MaxAttempts: attempts,
		OnRetry: func(_ int, d time.Duration, err error) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.delays = append(l.delays, d)
			l.errs = append(l.errs, err)
		}}
}

func (l *retryLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.delays)
}

func TestRetriesUntilTheDaemonListens(t *testing.T) {
	build := buildDir(t)
	dir := t.TempDir()
	socket := filepath.Join(dir, "late.sock")
	var log retryLog
	c := NewUnix(socket, Options{Retry: log.policy(50*time.Millisecond, 200*time.Millisecond, 100)})
	defer c.Close()

	type result struct {
		a   *Attestation
		err error
	}
	done := make(chan result, 1)
	go func() {
		a, err := c.Attestation(ctx(t), "late-start")
		done <- result{a, err}
	}()
	time.Sleep(300 * time.Millisecond) // the client is now retrying "no such socket"
	d, err := spawnDaemon(build, dir, socket, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	r := <-done
	if r.err != nil {
		t.Fatalf("%v; daemon log:\n%s", r.err, d.log())
	}
	if r.a.Nonce != "late-start" || log.count() < 2 {
		t.Fatalf("nonce %q after %d retries", r.a.Nonce, log.count())
	}
	for _, e := range log.errs {
		var te *TransportError
		if !errors.As(e, &te) || !te.Retryable {
			t.Fatalf("retried a failure that is not a connection failure: %v", e)
		}
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	var log retryLog
	c := NewUnix(filepath.Join(t.TempDir(), "absent.sock"), Options{Retry: log.policy(10*time.Millisecond, time.Second, 3)})
	_, err := c.Status(ctx(t))
	var te *TransportError
	if !errors.As(err, &te) || !te.Retryable || te.Attempts != 3 {
		t.Fatalf("want a retryable transport error after 3 attempts, got %v", err)
	}
	if log.count() != 2 || log.delays[0] != 10*time.Millisecond || log.delays[1] != 20*time.Millisecond {
		t.Fatalf("waits %v, want [10ms 20ms]", log.delays)
	}
}

func TestContextBoundsTheRetries(t *testing.T) {
	c := NewUnix(filepath.Join(t.TempDir(), "absent.sock"), Options{}) // seed policy: ~45 s in all
	cx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Connection(cx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the context's deadline, got %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the call outlived its context by far: %v", took)
	}
}

// A server that takes the request and never answers, or drops the connection: the daemon may
// have acted, so neither is retried.
func TestNoRetryOnceTheRequestWasSent(t *testing.T) {
	for _, mode := range []string{"silent", "hang-up"} {
		t.Run(mode, func(t *testing.T) {
			socket := filepath.Join(t.TempDir(), "s.sock")
			ln, err := net.Listen("unix", socket)
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var accepted sync.WaitGroup
			accepts := 0
			var mu sync.Mutex
			accepted.Add(1)
			go func() {
				defer accepted.Done()
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					mu.Lock()
					accepts++
					mu.Unlock()
					buf := make([]byte, 4096)
					_, _ = conn.Read(buf) // the request reached the "daemon"
					if mode == "hang-up" {
						conn.Close()
					} else {
						defer conn.Close()
					}
				}
			}()
			var log retryLog
			c := NewUnix(socket, Options{Timeout: 200 * time.Millisecond, Retry: log.policy(10*time.Millisecond, time.Second, 10)})
			_, err = c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeGenerate})
			var te *TransportError
			if !errors.As(err, &te) || te.Retryable || te.Attempts != 1 || log.count() != 0 {
				t.Fatalf("want one non-retryable attempt, got %v (retries %d)", err, log.count())
			}
			if mode == "silent" && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("want a timeout, got %v", err)
			}
			ln.Close()
			accepted.Wait()
			if accepts != 1 {
				t.Fatalf("%d connections for one call", accepts)
			}
		})
	}
}

// A daemon without modules is up but not ready: 503, which the policy retries.
func TestRetries503FromTheDaemon(t *testing.T) {
	d := startDaemon(t, false)
	var log retryLog
	c := NewUnix(d.socket, Options{Retry: log.policy(10*time.Millisecond, time.Second, 3)})
	defer c.Close()
	err := c.Do(ctx(t), "GET", "/readyz", nil, nil)
	var api *APIError
	if !errors.As(err, &api) || api.HTTPStatus != 503 || api.Attempts != 3 || log.count() != 2 {
		t.Fatalf("want 503 after 3 attempts, got %v (retries %d)", err, log.count())
	}
	// The probe itself reports the 503 as "not ready", once.
	r, err := c.Readyz(ctx(t))
	if err != nil || r.Ready || len(r.NotReady) == 0 {
		t.Fatalf("readyz %+v, %v", r, err)
	}
	if log.count() != 2 {
		t.Fatal("Readyz retried")
	}
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err = c.WaitForSigner(short, 20*time.Millisecond); err == nil {
		t.Fatal("a daemon without modules has a signer")
	}
}
