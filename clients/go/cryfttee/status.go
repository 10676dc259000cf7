package cryfttee

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ModuleStatus is one entry of StakingStatus.Modules.
type ModuleStatus struct {
	ID           string       `json:"id"`
	Version      string       `json:"version"`
	Loaded       bool         `json:"loaded"`
	Enabled      bool         `json:"enabled"`
	Capabilities []string     `json:"capabilities"`
	Compatible   bool         `json:"compatible"`
	Degraded     bool         `json:"degraded"`
	Trusted      bool         `json:"trusted"`
	PublisherID  string       `json:"publisher_id"`
	StatusPanel  *StatusPanel `json:"status_panel,omitempty"`
}

// HasCapability reports whether the module offers capability (e.g. "bls_sign").
func (m *ModuleStatus) HasCapability(capability string) bool {
	for _, c := range m.Capabilities {
		if c == capability {
			return true
		}
	}
	return false
}

// KeyInfo is StakingStatus.Keys.BLS / .TLS: the default key of that type, if any.
type KeyInfo struct {
	Available bool   `json:"available"`
	PublicKey string `json:"public_key,omitempty"` // "0x..." hex
	KeyHandle string `json:"key_handle,omitempty"` // empty when the vault holds no copy
	Backend   string `json:"backend,omitempty"`    // "local-vault", "web3signer", ...
	VaultCopy bool   `json:"vault_copy,omitempty"`
	Label     string `json:"label,omitempty"`
	Created   string `json:"created,omitempty"`
	// A TLS key's own certificate (PEM, as RegisterTLS answered it) and its NodeID; empty for
	// BLS keys and for ECDSA keys stored without a certificate.
	Certificate string `json:"certificate,omitempty"`
	NodeID      string `json:"node_id,omitempty"`
}

// Web3SignerStatus is StakingStatus.Web3Signer.
type Web3SignerStatus struct {
	Configured bool   `json:"configured"`
	Connected  bool   `json:"connected"`
	URL        string `json:"url"`
	LastError  string `json:"last_error,omitempty"`
}

// StakingStatus is GET /v1/staking/status: the union of both seeds' status shapes.
type StakingStatus struct {
	CryftteeVersion string           `json:"cryfttee_version"`
	UptimeSeconds   int64            `json:"uptime_seconds"`
	Connection      ConnectionStatus `json:"connection"`
	Modules         []ModuleStatus   `json:"modules"`
	Defaults        struct {
		BLS string `json:"bls"`
		TLS string `json:"tls"`
	} `json:"defaults"`
	Keys struct {
		BLS *KeyInfo `json:"bls,omitempty"`
		TLS *KeyInfo `json:"tls,omitempty"`
	} `json:"keys"`
	Ready               bool             `json:"ready"`
	Reason              string           `json:"reason,omitempty"`
	BLSPubkeys          []string         `json:"bls_pubkeys"`
	TLSPubkeys          []string         `json:"tls_pubkeys"`
	BLSBackend          string           `json:"bls_backend"`
	Capabilities        []string         `json:"capabilities"` // bls_signing, tls_signing, key_generation
	ModuleVersion       string           `json:"module_version"`
	SignerModuleID      string           `json:"signer_module_id"`
	Web3SignerURL       string           `json:"web3signer_url"`
	Web3SignerConnected bool             `json:"web3signer_connected"`
	Web3Signer          Web3SignerStatus `json:"web3signer"`
}

// SignerModule is the module serving bls_sign: the daemon's default for "bls" when it is loaded
// and enabled, else the first loaded and enabled module offering bls_sign. Nil when none.
func (s *StakingStatus) SignerModule() *ModuleStatus {
	var first *ModuleStatus
	for i := range s.Modules {
		m := &s.Modules[i]
		if !m.Loaded || !m.Enabled || !m.HasCapability("bls_sign") {
			continue
		}
		if m.ID == s.Defaults.BLS {
			return m
		}
		if first == nil {
			first = m
		}
	}
	return first
}

// SignerReady applies the seed's readiness rule (binary-attestation.md VerifySignerReady): a
// signer module is loaded, the daemon says ready, and a configured Web3Signer is connected.
// When not ready it returns a reason.
func (s *StakingStatus) SignerReady() (bool, string) {
	m := s.SignerModule()
	switch {
	case m == nil:
		return false, "no loaded and enabled module offers bls_sign"
	case !s.Ready:
		if s.Reason != "" {
			return false, s.Reason
		}
		return false, "the daemon reports not ready"
	case m.ID == "web3signer_v1" && !s.Web3SignerConnected:
		return false, "Web3Signer is not connected"
	}
	return true, ""
}

// Status reads GET /v1/staking/status.
func (c *Client) Status(ctx context.Context) (*StakingStatus, error) {
	var s StakingStatus
	if err := c.Do(ctx, "GET", "/v1/staking/status", nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// WaitForSigner polls Status every poll (500 ms if 0) until SignerReady, the seed's
// WaitForSignerModule. The poll loop is the retry here, so each poll is one attempt. It gives up
// at once on a 4xx (waiting will not fix it) and when ctx is done, returning the last reason.
func (c *Client) WaitForSigner(ctx context.Context, poll time.Duration) (*StakingStatus, error) {
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	why := "no answer yet"
	for {
		var s StakingStatus
		err := c.do(ctx, NoRetry(), "GET", "/v1/staking/status", nil, &s)
		if err == nil {
			ok, reason := s.SignerReady()
			if ok {
				return &s, nil
			}
			why = reason
		} else {
			if st := HTTPStatus(err); st >= 400 && st < 500 {
				return nil, err
			}
			why = err.Error()
		}
		if err := sleep(ctx, poll); err != nil {
			return nil, fmt.Errorf("cryfttee: signer not ready (%v): %s", err, why)
		}
	}
}

// KeyEntry is one key of GET /v1/staking/keys (public data only).
type KeyEntry struct {
	KeyHandle string `json:"key_handle"` // empty without a vault copy
	KeyType   string `json:"key_type"`   // "bls", "secp256k1", "p256"
	PublicKey string `json:"public_key"` // "0x..." hex
	Backend   string `json:"backend"`
	VaultCopy bool   `json:"vault_copy"`
	Label     string `json:"label"`
	Created   string `json:"created"` // RFC 3339, "" if unknown
	SignCount uint64 `json:"sign_count"`
	LastSign  string `json:"last_sign"` // RFC 3339, "" if never
	// As in KeyInfo: a TLS key's certificate (PEM) and NodeID, empty when there is none.
	Certificate string `json:"certificate,omitempty"`
	NodeID      string `json:"node_id,omitempty"`
}

// Keys lists every key the daemon knows (GET /v1/staking/keys).
func (c *Client) Keys(ctx context.Context) ([]KeyEntry, error) {
	var r struct {
		Keys []KeyEntry `json:"keys"`
	}
	if err := c.Do(ctx, "GET", "/v1/staking/keys", nil, &r); err != nil {
		return nil, err
	}
	return r.Keys, nil
}

// StatusPanel is GET /v1/modules/{id}/status-panel: content a module renders for operators.
type StatusPanel struct {
	ModuleID      string          `json:"module_id"`
	ModuleVersion string          `json:"module_version"`
	Title         string          `json:"title"`
	Sections      []StatusSection `json:"sections"`
}

// StatusSection is a headed group of panel items.
type StatusSection struct {
	Heading string       `json:"heading"`
	Items   []StatusItem `json:"items"`
}

// StatusItem is one panel line; Type says which fields are set: "key_value" (Key, Value),
// "public_key" (KeyType, PublicKey, Label, Created, KeyHandle, Algorithm) or "status_indicator"
// (Status "ok"|"warning"|"error", Message).
type StatusItem struct {
	Type      string `json:"type"`
	Key       string `json:"key,omitempty"`
	Value     string `json:"value,omitempty"`
	KeyType   string `json:"key_type,omitempty"`
	PublicKey string `json:"public_key,omitempty"`
	KeyHandle string `json:"key_handle,omitempty"`
	Algorithm string `json:"algorithm,omitempty"`
	Label     string `json:"label,omitempty"`
	Created   string `json:"created,omitempty"`
	Status    string `json:"status,omitempty"`
	Message   string `json:"message,omitempty"`
}

// ModuleStatusPanel fetches one module's panel. Daemon codes: "module_not_found" (404).
func (c *Client) ModuleStatusPanel(ctx context.Context, moduleID string) (*StatusPanel, error) {
	var p StatusPanel
	if err := c.Do(ctx, "GET", "/v1/modules/"+pathEscape(moduleID)+"/status-panel", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ModuleSchema is GET /v1/schema/modules: the ABI and every module's manifest entry and health.
// Modules holds each entry as JSON (its shape follows the manifest and grows with it).
type ModuleSchema struct {
	ABIVersion      int               `json:"abi_version"`
	CryftteeVersion string            `json:"cryfttee_version"`
	ImportNamespace string            `json:"import_namespace"`
	ManifestHash    string            `json:"manifest_hash"`
	Generation      int64             `json:"generation"`
	Defaults        map[string]string `json:"defaults"`
	Modules         []json.RawMessage `json:"modules"`
}

// Schema reads GET /v1/schema/modules.
func (c *Client) Schema(ctx context.Context) (*ModuleSchema, error) {
	var s ModuleSchema
	if err := c.Do(ctx, "GET", "/v1/schema/modules", nil, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ReloadResult is POST /v1/admin/reload-modules: what the reload changed.
type ReloadResult struct {
	Generation    int64             `json:"generation"`
	ManifestHash  string            `json:"manifest_hash"`
	LoadedModules []string          `json:"loaded_modules"`
	Added         []string          `json:"added"`
	Changed       []string          `json:"changed"`
	Removed       []string          `json:"removed"`
	Refused       []json.RawMessage `json:"refused"` // modules the trust policy refused, with reasons
}

// ReloadModules re-reads the manifest and swaps in the new module set (an admin call: any
// local process that can open the socket may make it).
func (c *Client) ReloadModules(ctx context.Context) (*ReloadResult, error) {
	var r ReloadResult
	if err := c.Do(ctx, "POST", "/v1/admin/reload-modules", struct{}{}, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
