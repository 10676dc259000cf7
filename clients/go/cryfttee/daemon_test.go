package cryfttee

// The tests run the real daemon binary (CRYFTTEE_BUILD_DIR/bin/cryfttee with the build's signed
// modules) on a Unix socket in a temporary directory, as tests/support/daemon_process.cc does
// for the C++ suites. Without CRYFTTEE_BUILD_DIR they skip, saying so.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const sealPassword = "go-client-test seal password"

type daemon struct {
	cmd     *exec.Cmd
	dir     string
	socket  string
	logPath string
	done    chan struct{}
}

// buildDir returns CRYFTTEE_BUILD_DIR or skips the test loudly.
func buildDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("CRYFTTEE_BUILD_DIR")
	if dir == "" {
		t.Skip("SKIPPED: CRYFTTEE_BUILD_DIR is not set; these tests need the daemon " +
			"(CRYFTTEE_BUILD_DIR=/path/to/build go test ./...)")
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", "cryfttee")); err != nil {
		t.Fatalf("CRYFTTEE_BUILD_DIR=%s has no bin/cryfttee: %v", dir, err)
	}
	return dir
}

// spawnDaemon starts the daemon in dir serving on socket; withModules false gives it an empty
// module directory (a daemon that runs but cannot sign: /readyz answers 503). extra flags are
// appended last.
func spawnDaemon(build, dir, socket string, withModules bool, extra ...string) (*daemon, error) {
	args := []string{
		"--data-dir", filepath.Join(dir, "data"),
		"--api-transport", "uds", "--uds-path", socket,
		"--kiosk-addr", "off", "--metrics-addr", "",
		"--log-level", "info", "--shutdown-grace-seconds", "5",
	}
	if withModules {
		args = append(args, "--module-dir", filepath.Join(build, "modules"),
			"--trust-config", filepath.Join(build, "config", "trust.toml"))
	} else {
		empty := filepath.Join(dir, "no-modules")
		if err := os.MkdirAll(empty, 0o700); err != nil {
			return nil, err
		}
		args = append(args, "--module-dir", empty, "--trust-config", filepath.Join(dir, "no-trust.toml"))
	}
	// Later flags win (CLI11), so extra overrides the above.
	args = append(args, extra...)
	cmd := exec.Command(filepath.Join(build, "bin", "cryfttee"), args...)
	// The daemon reads CRYFTTEE_* settings from the environment: pass none but the seal password.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CRYFTTEE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CRYFTTEE_SEAL_PASSWORD="+sealPassword)
	logPath := filepath.Join(dir, "daemon.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// If the test binary dies (panic, ctest timeout), the daemon goes with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the daemon: %w", err)
	}
	d := &daemon{cmd: cmd, dir: dir, socket: socket, logPath: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(d.done) }()
	return d, nil
}

// waitReady polls attestation (one attempt each) until the daemon answers; on failure it stops
// the daemon and returns an error carrying its log.
func (d *daemon) waitReady(timeout time.Duration) error {
	c := NewUnix(d.socket, Options{Retry: NoRetry(), Timeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-d.done:
			return fmt.Errorf("the daemon exited during start-up; log:\n%s", d.log())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Attestation(ctx, "")
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			d.stop()
			return fmt.Errorf("the daemon did not answer within %v (%v); log:\n%s", timeout, err, d.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *daemon) log() string {
	b, _ := os.ReadFile(d.logPath)
	return string(b)
}

// stop asks for a graceful shutdown and kills after 5 s.
func (d *daemon) stop() {
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// startDaemon runs a private daemon for one test and stops it at the test's end.
func startDaemon(t *testing.T, withModules bool) *daemon {
	t.Helper()
	build := buildDir(t)
	dir := t.TempDir()
	d, err := spawnDaemon(build, dir, filepath.Join(dir, "cryfttee.sock"), withModules)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	if err := d.waitReady(15 * time.Second); err != nil {
		t.Fatal(err)
	}
	return d
}

// The shared daemon: most tests only read or add keys, so one daemon serves them all.
var (
	sharedOnce   sync.Once
	sharedD      *daemon
	sharedDir    string
	sharedErr    error
	sharedClient *Client
)

// shared returns a client of the shared daemon, starting it on first use.
func shared(t *testing.T) *Client {
	t.Helper()
	build := buildDir(t)
	sharedOnce.Do(func() {
		if sharedDir, sharedErr = os.MkdirTemp("", "cryfttee-goclient-"); sharedErr != nil {
			return
		}
		d, err := spawnDaemon(build, sharedDir, filepath.Join(sharedDir, "cryfttee.sock"), true)
		if err == nil {
			err = d.waitReady(15 * time.Second)
		}
		if sharedErr = err; err != nil {
			return
		}
		sharedD = d
		sharedClient = NewUnix(d.socket, Options{Timeout: 10 * time.Second})
	})
	if sharedErr != nil {
		t.Fatalf("shared daemon: %v", sharedErr)
	}
	return sharedClient
}

func TestMain(m *testing.M) {
	if os.Getenv("CRYFTTEE_BUILD_DIR") == "" {
		fmt.Fprintln(os.Stderr, "*** cryfttee Go client: CRYFTTEE_BUILD_DIR is not set; "+
			"the tests that need the daemon are SKIPPED ***")
	}
	code := m.Run()
	if sharedD != nil {
		sharedClient.Close()
		sharedD.stop()
		if code != 0 {
			fmt.Fprintf(os.Stderr, "shared daemon log:\n%s\n", sharedD.log())
		}
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}
