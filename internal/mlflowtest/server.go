// Package mlflowtest runs a real MLflow tracking server for tests: the mlflow of the repository's
// virtualenv (make venv), on a free loopback port, with SQLite and artifacts in a temporary
// directory.
//
// Starting one takes 10-20 s, so a package's tests share one: a single test calls Start and runs
// the scenarios as its subtests, each in its own experiment.
package mlflowtest // import "github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflowtest"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otelcol-mlflow/otelcol-mlflow/internal/mlflow"
)

const (
	// EnvMLflowBin overrides the mlflow executable (default: <repo>/.venv/bin/mlflow).
	EnvMLflowBin = "MLFLOW_BIN"

	startTimeout = 2 * time.Minute
	stopTimeout  = 10 * time.Second
	logTailBytes = 8 << 10
)

// errNoMLflow is returned when no mlflow executable is found.
var errNoMLflow = errors.New("mlflow not found")

// Server is a running tracking server.
type Server struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:40123.
	URL string
	// Client talks to the server's REST API.
	Client *mlflow.Client

	hc      *http.Client
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
}

// Start launches a server owned by t: it stops when t's cleanup runs, and its log is printed
// if t failed. Without an mlflow executable, t fails when env CI is set and is skipped
// otherwise.
func Start(t testing.TB) *Server {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return start(t, port)
}

// StartAt is Start on a given loopback address ("127.0.0.1:port"), for tests that point a
// collector at a server before it runs.
func StartAt(t testing.TB, addr string) *Server {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return start(t, port)
}

// Options adjusts a server started with StartWith.
type Options struct {
	// Addr is the loopback address ("127.0.0.1:port"); empty: a free port.
	Addr string
	// Dir holds the SQLite store, artifacts and log; a server started again on the same Dir
	// finds what the previous one stored. Empty: a new t.TempDir().
	Dir string
	// AppName is passed as --app-name (e.g. "basic-auth"); empty: the plain server.
	AppName string
	// Env is added to the server's environment ("KEY=value").
	Env []string
}

// StartWith is Start with Options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	port := 0
	var err error
	if opts.Addr != "" {
		var p string
		if _, p, err = net.SplitHostPort(opts.Addr); err == nil {
			port, err = strconv.Atoi(p)
		}
	} else {
		port, err = freePort()
	}
	if err != nil {
		t.Fatal(err)
	}
	return startOpts(t, port, opts)
}

func start(t testing.TB, port int) *Server {
	t.Helper()
	return startOpts(t, port, Options{})
}

func startOpts(t testing.TB, port int, opts Options) *Server {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	s, err := launch(opts.Dir, port, opts)
	if err != nil {
		skipOrFatal(t, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mlflow server log (tail):\n%s", s.LogTail())
		}
		s.Stop()
	})
	return s
}

func skipOrFatal(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, errNoMLflow) && os.Getenv("CI") == "" {
		t.Skipf("%v; run `make venv` to test against a real MLflow server", err)
	}
	t.Fatal(err)
}

// launch starts mlflow server in dir on port and waits until it is healthy.
func launch(dir string, port int, opts Options) (*Server, error) {
	bin, err := mlflowBin()
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL: "http://127.0.0.1:" + strconv.Itoa(port),
		// Its own transport, so Stop can close its connections (goleak).
		hc:      &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second},
		logPath: filepath.Join(dir, "mlflow.log"),
		exited:  make(chan struct{}),
	}
	s.Client = mlflow.NewClient(s.URL, s.hc)
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()

	args := []string{"server",
		"--backend-store-uri", "sqlite:///" + filepath.Join(dir, "mlflow.db"),
		"--artifacts-destination", filepath.Join(dir, "artifacts"),
		"--serve-artifacts",
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(port),
		"--workers", "1",
	}
	if opts.AppName != "" {
		args = append(args, "--app-name", opts.AppName)
	}
	s.cmd = exec.Command(bin, args...)
	// No background job runner: it forks a dozen workers tests never use.
	s.cmd.Env = append(append(os.Environ(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false"), opts.Env...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Its own process group, so Stop reaches uvicorn and every worker.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitHealthy(); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w\nmlflow server log (tail):\n%s", err, s.LogTail())
	}
	return s, nil
}

func (s *Server) waitHealthy() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		if s.healthy(ctx) {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("mlflow server exited during start: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("mlflow server at %s not healthy after %s", s.URL, startTimeout)
		case <-tick.C:
		}
	}
}

func (s *Server) healthy(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/health", http.NoBody)
	if err != nil {
		return false
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	return resp.StatusCode == http.StatusOK && strings.TrimSpace(string(body)) == "OK"
}

// Stop terminates the server's process group: SIGTERM, then SIGKILL for what is left.
func (s *Server) Stop() {
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(stopTimeout):
	}
	// Workers can outlive the main process; the group is gone once this fails.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	s.hc.CloseIdleConnections()
}

// LogTail returns the end of the server's log.
func (s *Server) LogTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > logTailBytes {
		b = b[len(b)-logTailBytes:]
	}
	return string(b)
}

// mlflowBin finds the mlflow executable: $MLFLOW_BIN, else .venv/bin/mlflow at the root of
// the repository (the directory holding go.mod).
func mlflowBin() (string, error) {
	if bin := os.Getenv(EnvMLflowBin); bin != "" {
		return bin, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(root, ".venv", "bin", "mlflow")
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("%w at %s", errNoMLflow, bin)
	}
	return bin, nil
}

// Bin returns the mlflow executable the servers run, for tests that run its other commands
// (mlflow gc); t fails if there is none.
func Bin(t testing.TB) string {
	t.Helper()
	bin, err := mlflowBin()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// RepoRoot returns the repository's root, the directory holding go.mod above the test's working
// directory; t fails if there is none.
func RepoRoot(t testing.TB) string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", errNoMLflow)
		}
		dir = parent
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
