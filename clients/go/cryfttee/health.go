package cryfttee

import (
	"context"
	"encoding/json"
	"net/http"
)

// Readiness is GET /readyz: whether the daemon can sign, and each check's state.
type Readiness struct {
	Ready    bool              `json:"ready"`
	Checks   map[string]string `json:"checks"`    // e.g. "signer": "ready", "module:<id>": "loaded"
	NotReady []string          `json:"not_ready"` // names of the failing checks
}

// Healthz probes GET /healthz (the process is alive and serving). One attempt: a probe reports
// the present, it does not wait for it.
func (c *Client) Healthz(ctx context.Context) error {
	return c.do(ctx, NoRetry(), "GET", "/healthz", nil, nil)
}

// Readyz probes GET /readyz. A daemon that is alive but not ready answers 503 with the same
// body; that is a Readiness with Ready false and a nil error, not an *APIError. One attempt.
func (c *Client) Readyz(ctx context.Context) (*Readiness, error) {
	const path = "/readyz"
	status, answer, err := c.once(ctx, "GET", path, nil)
	if err != nil {
		return nil, &TransportError{Method: "GET", Path: path, Attempts: 1, Err: err}
	}
	if status != http.StatusOK && status != http.StatusServiceUnavailable {
		return nil, apiError("GET", path, status, answer, 1)
	}
	var r Readiness
	if err := json.Unmarshal(answer, &r); err != nil {
		return nil, &ResponseError{Method: "GET", Path: path, Err: err}
	}
	return &r, nil
}
