package cryfttee

import (
	"errors"
	"fmt"
)

// APIError is an answer of the daemon that is not a success: an HTTP status of 300 or more, or a
// 2xx body with "success": false. Code is the daemon's stable snake_case code (docs/api.md lists
// them; modules add their own such as "key_not_found"); callers branch on Code, never on Message.
type APIError struct {
	Method     string // "GET", "POST"
	Path       string // request path and query, e.g. "/v1/staking/bls/sign"
	HTTPStatus int    // the status line's code
	Code       string // "invalid_field", "key_not_found", ...; "http_<status>" if the body had none
	Message    string // the daemon's human text ("error"); never contains secrets
	ModuleID   string // the module that refused, when a module answered
	Attempts   int    // attempts made (more than 1 only after retryable failures)
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("cryfttee: %s %s: HTTP %d %s", e.Method, e.Path, e.HTTPStatus, e.Code)
	if e.Message != "" && e.Message != e.Code {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// ErrorCode returns the daemon's code when err is (or wraps) an *APIError, else "".
func ErrorCode(err error) string {
	var api *APIError
	if errors.As(err, &api) {
		return api.Code
	}
	return ""
}

// HTTPStatus returns the HTTP status when err is (or wraps) an *APIError, else 0.
func HTTPStatus(err error) int {
	var api *APIError
	if errors.As(err, &api) {
		return api.HTTPStatus
	}
	return 0
}

// TransportError is a call that got no HTTP answer. Retryable reports whether the request
// never left the client (the connection could not be made), which is what the retry policy
// retries; when false the daemon may have received and acted on the request. Err is the cause
// (context.DeadlineExceeded for a timeout, a *net.OpError, ...).
type TransportError struct {
	Method    string
	Path      string
	Retryable bool
	Attempts  int
	Err       error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("cryfttee: %s %s: %v", e.Method, e.Path, e.Err)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }

// ResponseError is an HTTP 2xx answer whose body this client could not read as the route's
// shape (not JSON, or a field of the wrong type): a daemon/client version mismatch or a bug.
type ResponseError struct {
	Method string
	Path   string
	Err    error
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("cryfttee: %s %s: malformed answer: %v", e.Method, e.Path, e.Err)
}

func (e *ResponseError) Unwrap() error { return e.Err }
