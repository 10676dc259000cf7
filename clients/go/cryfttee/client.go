package cryfttee

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults shared with the daemon and the seed (cryftgo-integration.md, "Connection Defaults").
const (
	DefaultSocketPath = "/tmp/cryfttee.sock"
	DefaultTimeout    = 30 * time.Second
	// maxAnswerBytes bounds what the client reads from one answer; the largest real answers
	// (schema, status with panels) are a few tens of KiB.
	maxAnswerBytes = 16 << 20
)

// Options configure a Client. The zero value of each field means its default.
type Options struct {
	// Timeout bounds each attempt (connect, send, read the answer). Default 30 s, as the seed.
	// The context passed to a method bounds the whole call, retries included.
	Timeout time.Duration
	// Retry is the policy for retryable failures. A zero value means SeedRetry().
	Retry RetryPolicy
	// TLSConfig is used for an https base URL (CA pool, client certificate). Nil: system roots.
	TLSConfig *tls.Config
	// UserAgent, if set, is sent on every request.
	UserAgent string
}

// Client talks to one daemon. Create it with NewUnix or NewHTTP; it is safe for concurrent use
// and keeps idle connections for reuse (Close releases them).
type Client struct {
	base     string // "http://localhost" for the socket, else the base URL without a trailing /
	endpoint string // socket path or base URL, for messages
	http     *http.Client
	opts     Options
}

// dialError marks a failure to connect: nothing was sent, so a retry cannot repeat an action.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func newClient(base, endpoint string, dial func(ctx context.Context, network, addr string) (net.Conn, error), opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Retry.MaxAttempts == 0 && opts.Retry.InitialDelay == 0 && opts.Retry.MaxDelay == 0 {
		onRetry := opts.Retry.OnRetry
		opts.Retry = SeedRetry()
		opts.Retry.OnRetry = onRetry
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dial(ctx, network, addr)
			if err != nil {
				return nil, &dialError{err}
			}
			return c, nil
		},
		TLSClientConfig:       opts.TLSConfig,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ResponseHeaderTimeout: 0, // the per-attempt context deadline governs
		ForceAttemptHTTP2:     false,
	}
	return &Client{base: base, endpoint: endpoint, http: &http.Client{Transport: tr}, opts: opts}
}

// NewUnix returns a client for the daemon's Unix socket at path ("" means DefaultSocketPath).
// Nothing is dialled until the first call, so the daemon may start later (the retry policy
// waits for it).
func NewUnix(path string, opts Options) *Client {
	if path == "" {
		path = DefaultSocketPath
	}
	var d net.Dialer
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return d.DialContext(ctx, "unix", path)
	}
	return newClient("http://localhost", path, dial, opts)
}

// NewHTTP returns a client for a daemon serving --api-transport http or https at baseURL, e.g.
// "https://127.0.0.1:8443". Only the scheme and host of baseURL are used.
func NewHTTP(baseURL string, opts Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("cryfttee: base URL %q: %w", baseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("cryfttee: base URL %q: want http:// or https:// and a host", baseURL)
	}
	var d net.Dialer
	base := u.Scheme + "://" + u.Host
	return newClient(base, base, d.DialContext, opts), nil
}

// Endpoint is the socket path or base URL the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// Close releases idle connections. The client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Do sends one request to any route with the client's retry policy and decodes a 2xx JSON
// answer into out (if not nil). body, if not nil, is marshalled to JSON. A non-2xx answer or
// {"success": false} is an *APIError. The typed methods are built on it; it is exported for
// routes this version does not model.
func (c *Client) Do(ctx context.Context, method, path string, body, out interface{}) error {
	return c.do(ctx, c.opts.Retry, method, path, body, out)
}

func (c *Client) do(ctx context.Context, policy RetryPolicy, method, path string, body, out interface{}) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("cryfttee: %s %s: encoding the request: %w", method, path, err)
		}
		// The body may hold key material or a keystore password: wipe our copy when done.
		defer wipe(payload)
	}
	attempts := policy.attempts()
	for attempt := 1; ; attempt++ {
		status, answer, err := c.once(ctx, method, path, payload)
		var failure error
		retryable := false
		if err != nil {
			var de *dialError
			retryable = errors.As(err, &de) && ctx.Err() == nil
			failure = &TransportError{Method: method, Path: path, Retryable: retryable, Attempts: attempt, Err: err}
		} else if status < 200 || status >= 300 {
			failure = apiError(method, path, status, answer, attempt)
			retryable = retryableStatus(status)
		} else {
			return decodeAnswer(method, path, status, answer, attempt, out)
		}
		if !retryable || attempt >= attempts {
			return failure
		}
		delay := policy.DelayAfter(attempt)
		if policy.OnRetry != nil {
			policy.OnRetry(attempt, delay, failure)
		}
		if err := sleep(ctx, delay); err != nil {
			return &TransportError{Method: method, Path: path, Attempts: attempt, Err: fmt.Errorf("%w while waiting to retry after: %v", err, failure)}
		}
	}
}

// once makes one attempt bounded by Options.Timeout and returns the status and body.
func (c *Client) once(ctx context.Context, method, path string, payload []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.opts.UserAgent != "" {
		req.Header.Set("User-Agent", c.opts.UserAgent)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// A dial failure reaches us wrapped in *url.Error; keep the marker reachable.
		return 0, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return 0, nil, err
	}
	if len(answer) > maxAnswerBytes {
		return 0, nil, fmt.Errorf("answer larger than %d bytes", maxAnswerBytes)
	}
	return resp.StatusCode, answer, nil
}

// errorBody is the daemon's failure shape: {"success": false, "error": "...", "code": "..."}.
// Modules answer {"error": "<code>", "message": "..."}; the daemon normally rewrites that, but
// both are read.
type errorBody struct {
	Success  *bool  `json:"success"`
	Code     string `json:"code"`
	Error    string `json:"error"`
	Message  string `json:"message"`
	ModuleID string `json:"module_id"`
}

func apiError(method, path string, status int, answer []byte, attempt int) *APIError {
	e := &APIError{Method: method, Path: path, HTTPStatus: status, Attempts: attempt}
	var b errorBody
	if json.Unmarshal(answer, &b) == nil {
		e.Code, e.Message, e.ModuleID = b.Code, b.Error, b.ModuleID
		if e.Code == "" && b.Message != "" {
			e.Code, e.Message = b.Error, b.Message
		}
	} else if t := strings.TrimSpace(string(answer)); len(t) <= 200 {
		e.Message = t // e.g. a plain-text 404 from something that is not the daemon
	}
	if e.Code == "" {
		e.Code = fmt.Sprintf("http_%d", status)
	}
	return e
}

func decodeAnswer(method, path string, status int, answer []byte, attempt int, out interface{}) error {
	var b errorBody
	if err := json.Unmarshal(answer, &b); err != nil {
		return &ResponseError{Method: method, Path: path, Err: err}
	}
	if b.Success != nil && !*b.Success {
		e := apiError(method, path, status, answer, attempt)
		if e.Code == fmt.Sprintf("http_%d", status) {
			e.Code = "request_failed"
		}
		return e
	}
	if out == nil {
		return nil
	}
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append((*raw)[:0], answer...)
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return &ResponseError{Method: method, Path: path, Err: err}
	}
	return nil
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
