package cryfttee

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Attestation is GET /v1/runtime/attestation: which code the daemon runs.
type Attestation struct {
	CoreBinaryHash   string            `json:"core_binary_hash"`   // "sha256:<hex>"
	BinaryHashSource string            `json:"binary_hash_source"` // "parent" or "self"
	ManifestHash     string            `json:"manifest_hash"`      // "" until a manifest was read
	ModuleHashes     map[string]string `json:"module_hashes"`      // module id -> "sha256:<hex>"
	LoadedModules    []string          `json:"loaded_modules"`
	CryftteeVersion  string            `json:"cryfttee_version"`
	// Timestamp is kept as the daemon wrote it: the nonce binding hashes this exact text.
	Timestamp    string `json:"timestamp"`
	Nonce        string `json:"nonce,omitempty"`
	NonceBinding string `json:"nonce_binding,omitempty"`
}

// Time parses Timestamp (RFC 3339).
func (a *Attestation) Time() (time.Time, error) { return time.Parse(time.RFC3339Nano, a.Timestamp) }

// ExpectedNonceBinding recomputes nonce_binding from the answer's fields and the caller's own
// nonce (docs/api.md, "Nonce binding").
func (a *Attestation) ExpectedNonceBinding(nonce string) string {
	var b strings.Builder
	b.WriteString("cryfttee-attestation-v1\n")
	b.WriteString("core_binary_hash=" + a.CoreBinaryHash + "\n")
	b.WriteString("binary_hash_source=" + a.BinaryHashSource + "\n")
	b.WriteString("manifest_hash=" + a.ManifestHash + "\n")
	ids := make([]string, 0, len(a.ModuleHashes))
	for id := range a.ModuleHashes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		b.WriteString("module_hash=" + id + ":" + a.ModuleHashes[id] + "\n")
	}
	b.WriteString("cryfttee_version=" + a.CryftteeVersion + "\n")
	b.WriteString("timestamp=" + a.Timestamp + "\n")
	b.WriteString("nonce=" + nonce + "\n")
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ErrNonceMismatch: the answer does not echo the caller's nonce or its binding does not match
// the answer's fields (stale, replayed or altered in transit).
var ErrNonceMismatch = errors.New("cryfttee: attestation nonce binding mismatch")

// Attestation fetches the attestation. With a non-empty nonce (1..256 printable ASCII characters,
// no space; percent-encoded here) it also checks that the daemon echoed the nonce and that
// nonce_binding matches the fields, returning an error wrapping ErrNonceMismatch otherwise. Daemon codes: "invalid_nonce" (400).
func (c *Client) Attestation(ctx context.Context, nonce string) (*Attestation, error) {
	path := "/v1/runtime/attestation"
	if nonce != "" {
		path += "?nonce=" + url.QueryEscape(nonce)
	}
	var a Attestation
	if err := c.Do(ctx, "GET", path, nil, &a); err != nil {
		return nil, err
	}
	if nonce != "" {
		if a.Nonce != nonce {
			return &a, fmt.Errorf("%w: nonce %q echoed as %q", ErrNonceMismatch, nonce, a.Nonce)
		}
		if want := a.ExpectedNonceBinding(nonce); a.NonceBinding != want {
			return &a, fmt.Errorf("%w: got %s, computed %s", ErrNonceMismatch, a.NonceBinding, want)
		}
	}
	return &a, nil
}

// HeartbeatRequest is the body of POST /v1/runtime/heartbeat (every field optional).
type HeartbeatRequest struct {
	CryftgoVersion string `json:"cryftgo_version,omitempty"`
	NodeID         string `json:"node_id,omitempty"` // "NodeID-..."; at most 128 characters
	// Timestamp is the send time in Unix milliseconds; 0 means "now" (filled in by Heartbeat).
	Timestamp int64 `json:"timestamp,omitempty"`
}

// HeartbeatResponse is the daemon's acknowledgement.
type HeartbeatResponse struct {
	Acknowledged    bool   `json:"acknowledged"`
	CryftteeVersion string `json:"cryfttee_version"`
	SignerReady     bool   `json:"signer_ready"`
	Timestamp       int64  `json:"timestamp"` // the daemon's clock, Unix milliseconds
	// RoundTrip is measured by this client (not part of the answer).
	RoundTrip time.Duration `json:"-"`
}

// ErrNotAcknowledged: the daemon answered a heartbeat without acknowledging it.
var ErrNotAcknowledged = errors.New("cryfttee: heartbeat not acknowledged")

// Heartbeat sends the node's liveness signal (the seed sends one every 5 s). Daemon codes:
// "invalid_field", "field_too_long" (400).
func (c *Client) Heartbeat(ctx context.Context, req HeartbeatRequest) (*HeartbeatResponse, error) {
	if req.Timestamp == 0 {
		req.Timestamp = time.Now().UnixMilli()
	}
	start := time.Now()
	var r HeartbeatResponse
	if err := c.Do(ctx, "POST", "/v1/runtime/heartbeat", req, &r); err != nil {
		return nil, err
	}
	r.RoundTrip = time.Since(start)
	if !r.Acknowledged {
		return &r, ErrNotAcknowledged
	}
	return &r, nil
}

// ConnectionStatus is GET /v1/runtime/connection (the seed's ConnectionStatusResponse). "Never"
// times are the zero time.Time.
type ConnectionStatus struct {
	Connected              bool      `json:"connected"`
	Transport              string    `json:"transport"` // "uds", "http", "https"
	Endpoint               string    `json:"endpoint"`
	LastSeen               time.Time `json:"last_seen"`
	LastHeartbeat          time.Time `json:"last_heartbeat"`
	LatencyMS              int64     `json:"latency_ms"`
	CryftgoVersion         string    `json:"cryftgo_version"`
	CryftgoNodeID          string    `json:"cryftgo_node_id"`
	RequestCount           uint64    `json:"request_count"`
	ErrorCount             uint64    `json:"error_count"`
	HeartbeatCount         uint64    `json:"heartbeat_count"`
	LastError              string    `json:"last_error"`
	LastErrorTime          time.Time `json:"last_error_time"`
	ConnectedWindowSeconds int64     `json:"connected_window_seconds"`
	SignerReady            bool      `json:"signer_ready"`
	SignerModuleID         string    `json:"signer_module_id"`
}

// Connection reads the node connection as the daemon sees it.
func (c *Client) Connection(ctx context.Context) (*ConnectionStatus, error) {
	var s ConnectionStatus
	if err := c.Do(ctx, "GET", "/v1/runtime/connection", nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
