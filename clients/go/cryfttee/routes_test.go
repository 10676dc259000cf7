package cryfttee

// Every /v1 route through the real daemon: a success whose content is checked against something
// computed here, and at least one refusal with its stable code and HTTP status.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// wantAPIError fails unless err is an *APIError with this status and code.
func wantAPIError(t *testing.T, err error, status int, code string) *APIError {
	t.Helper()
	var api *APIError
	if !errors.As(err, &api) {
		t.Fatalf("want HTTP %d %s, got %v (%T)", status, code, err, err)
	}
	if api.HTTPStatus != status || api.Code != code {
		t.Fatalf("want HTTP %d %s, got HTTP %d %s (%s)", status, code, api.HTTPStatus, api.Code, api.Message)
	}
	if api.Attempts != 1 {
		t.Fatalf("a %d answer must not be retried; attempts = %d", status, api.Attempts)
	}
	return api
}

func TestAttestation(t *testing.T) {
	c := shared(t)
	a, err := c.Attestation(ctx(t), "go-client-nonce-1:/?&=")
	if err != nil {
		t.Fatal(err) // includes a nonce-binding mismatch computed by the client
	}
	// The daemon hashes its own executable when no launcher vouched for it: recompute that.
	if a.BinaryHashSource == "self" {
		bin, err := os.ReadFile(filepath.Join(buildDir(t), "bin", "cryfttee"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(bin)
		if want := "sha256:" + hex.EncodeToString(sum[:]); a.CoreBinaryHash != want {
			t.Fatalf("core_binary_hash %s, file hashes to %s", a.CoreBinaryHash, want)
		}
	}
	for _, id := range a.LoadedModules {
		if !strings.HasPrefix(a.ModuleHashes[id], "sha256:") {
			t.Fatalf("loaded module %s has no hash in %v", id, a.ModuleHashes)
		}
	}
	if _, err := a.Time(); err != nil {
		t.Fatalf("timestamp %q: %v", a.Timestamp, err)
	}
	// The binding covers the nonce: another nonce gives another binding.
	if a.ExpectedNonceBinding("another-nonce") == a.NonceBinding {
		t.Fatal("the nonce binding does not depend on the nonce")
	}

	_, err = c.Attestation(ctx(t), strings.Repeat("n", 257))
	wantAPIError(t, err, 400, "invalid_nonce")
}

func TestHeartbeatAndConnection(t *testing.T) {
	c := shared(t)
	nodeID := "NodeID-GoClientTest" + time.Now().Format("150405.000")
	ack, err := c.Heartbeat(ctx(t), HeartbeatRequest{CryftgoVersion: "go-client-test/1", NodeID: nodeID})
	if err != nil {
		t.Fatal(err)
	}
	if !ack.SignerReady || ack.CryftteeVersion == "" {
		t.Fatalf("ack %+v", ack)
	}
	if skew := time.Since(time.UnixMilli(ack.Timestamp)); skew < -time.Minute || skew > time.Minute {
		t.Fatalf("daemon timestamp %d is %v away from this clock", ack.Timestamp, skew)
	}

	conn, err := c.Connection(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !conn.Connected || conn.CryftgoNodeID != nodeID || conn.CryftgoVersion != "go-client-test/1" ||
		conn.HeartbeatCount < 1 || conn.Transport != "uds" || conn.Endpoint != sharedD.socket {
		t.Fatalf("connection after a heartbeat: %+v", conn)
	}
	if conn.LastHeartbeat.IsZero() || time.Since(conn.LastHeartbeat) > time.Minute {
		t.Fatalf("last_heartbeat %v", conn.LastHeartbeat)
	}

	_, err = c.Heartbeat(ctx(t), HeartbeatRequest{NodeID: strings.Repeat("x", 129)})
	wantAPIError(t, err, 400, "field_too_long")
	// The refusal is what the connection view now reports as the last error.
	conn, err = c.Connection(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(conn.LastError, "/v1/runtime/heartbeat") || conn.ErrorCount < 1 {
		t.Fatalf("last_error %q, error_count %d", conn.LastError, conn.ErrorCount)
	}
	err = c.Do(ctx(t), "POST", "/v1/runtime/connection", struct{}{}, nil)
	wantAPIError(t, err, 405, "method_not_allowed")
}

func TestStatusKeysAndPanel(t *testing.T) {
	c := shared(t)
	st, err := c.WaitForSigner(ctx(t), 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	signer := st.SignerModule()
	if signer == nil || signer.ID != st.Defaults.BLS || st.SignerModuleID != signer.ID {
		t.Fatalf("signer %+v, defaults %+v, signer_module_id %q", signer, st.Defaults, st.SignerModuleID)
	}
	if st.UptimeSeconds < 0 || st.CryftteeVersion == "" || st.Connection.Transport != "uds" {
		t.Fatalf("status %+v", st)
	}

	// A fresh key shows up in the key list and in the module's panel.
	reg, err := c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeGenerate, Label: "panel check"})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.Keys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var entry *KeyEntry
	for i := range keys {
		if keys[i].KeyHandle == reg.KeyHandle {
			entry = &keys[i]
		}
	}
	if entry == nil || entry.PublicKey != reg.PublicKey || entry.KeyType != "bls" || entry.Label != "panel check" {
		t.Fatalf("key %s not listed as registered: %+v", reg.KeyHandle, keys)
	}
	panel, err := c.ModuleStatusPanel(ctx(t), signer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if panel.ModuleID != signer.ID || panel.Title == "" || len(panel.Sections) == 0 {
		t.Fatalf("panel %+v", panel)
	}
	found := false
	for _, s := range panel.Sections {
		for _, it := range s.Items {
			found = found || (it.Type == "public_key" && it.PublicKey == reg.PublicKey)
		}
	}
	if !found {
		t.Fatalf("the panel does not show key %s: %+v", reg.PublicKey, panel.Sections)
	}

	_, err = c.ModuleStatusPanel(ctx(t), "no_such_module")
	wantAPIError(t, err, 404, "module_not_found")
	err = c.Do(ctx(t), "POST", "/v1/staking/status", struct{}{}, nil)
	wantAPIError(t, err, 405, "method_not_allowed")
	err = c.Do(ctx(t), "DELETE", "/v1/staking/keys", nil, nil)
	wantAPIError(t, err, 405, "method_not_allowed")
	err = c.Do(ctx(t), "GET", "/v1/no/such/route", nil, nil)
	wantAPIError(t, err, 404, "not_found")
}

func TestSchemaAndReload(t *testing.T) {
	c := shared(t)
	schema, err := c.Schema(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	att, err := c.Attestation(ctx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	if schema.ABIVersion < 1 || schema.ManifestHash != att.ManifestHash || len(schema.Modules) < len(att.LoadedModules) {
		t.Fatalf("schema abi %d manifest %s (attestation %s), %d modules for %d loaded",
			schema.ABIVersion, schema.ManifestHash, att.ManifestHash, len(schema.Modules), len(att.LoadedModules))
	}

	reload, err := c.ReloadModules(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if reload.Generation != schema.Generation+1 || reload.ManifestHash != schema.ManifestHash ||
		len(reload.LoadedModules) != len(att.LoadedModules) || len(reload.Added)+len(reload.Removed) != 0 {
		t.Fatalf("reload of an unchanged manifest: %+v (schema generation %d)", reload, schema.Generation)
	}
	after, err := c.Schema(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if after.Generation != reload.Generation {
		t.Fatalf("schema generation %d after reload to %d", after.Generation, reload.Generation)
	}

	err = c.Do(ctx(t), "POST", "/v1/schema/modules", struct{}{}, nil)
	wantAPIError(t, err, 405, "method_not_allowed")
	err = c.Do(ctx(t), "GET", "/v1/admin/reload-modules", nil, nil)
	wantAPIError(t, err, 405, "method_not_allowed")
}

func TestHealth(t *testing.T) {
	c := shared(t)
	if err := c.Healthz(ctx(t)); err != nil {
		t.Fatal(err)
	}
	r, err := c.Readyz(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ready || r.Checks["signer"] != "ready" {
		t.Fatalf("readyz %+v", r)
	}
}
