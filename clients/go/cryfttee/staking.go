package cryfttee

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// Registration modes (the seed's "mode" field).
const (
	ModeGenerate = 0
	ModeImport   = 1
)

// Signature encodings of the "signature" answer field.
const (
	EncodingHex    = "hex"
	EncodingBase64 = "base64"
)

// BLSRegisterRequest is the body of POST /v1/staking/bls/register.
type BLSRegisterRequest struct {
	Mode int `json:"mode"` // ModeGenerate or ModeImport
	// KeyMaterial (import): the 32-byte secret key, or an EIP-2335 keystore's JSON with Password.
	// Sent as base64; the client wipes its encoded copy, the caller owns this slice.
	KeyMaterial []byte `json:"key_material,omitempty"`
	Password    string `json:"password,omitempty"`
	Label       string `json:"label,omitempty"`
	ModuleID    string `json:"module_id,omitempty"` // "" = the daemon's default for "bls"
}

// TLSRegisterRequest is the body of POST /v1/staking/tls/register.
type TLSRegisterRequest struct {
	Mode        int    `json:"mode"`
	KeyType     string `json:"key_type,omitempty"` // "secp256k1" (daemon default) or "p256"
	KeyMaterial []byte `json:"key_material,omitempty"`
	CSRPEM      string `json:"csr_pem,omitempty"` // optional CSR to certify
	Label       string `json:"label,omitempty"`
	ModuleID    string `json:"module_id,omitempty"`
}

// RegisterResult is the answer of both register routes.
type RegisterResult struct {
	PublicKey   string `json:"public_key"` // "0x..." hex: 48 bytes BLS, 33 compressed EC
	KeyHandle   string `json:"key_handle"` // what SignBLS/SignTLS take; stable across restarts
	KeyType     string `json:"key_type"`   // "BLS", "secp256k1", "p256"
	ModuleID    string `json:"module_id"`
	Certificate string `json:"certificate,omitempty"` // TLS: PEM
	NodeID      string `json:"node_id,omitempty"`     // TLS: "NodeID-..." as the daemon derived it
}

// PublicKeyBytes decodes PublicKey.
func (r *RegisterResult) PublicKeyBytes() ([]byte, error) { return DecodeHex(r.PublicKey) }

// RegisterBLS generates or imports a BLS key. Not retried after it reached the daemon (a retry
// could create a second key). Module codes include "invalid_mode", "invalid_key_material".
func (c *Client) RegisterBLS(ctx context.Context, req BLSRegisterRequest) (*RegisterResult, error) {
	var r RegisterResult
	if err := c.Do(ctx, "POST", "/v1/staking/bls/register", req, &r); err != nil {
		return nil, err
	}
	if r.PublicKey == "" {
		return nil, &ResponseError{Method: "POST", Path: "/v1/staking/bls/register", Err: fmt.Errorf("no public_key")}
	}
	return &r, nil
}

// RegisterTLS generates or imports a TLS key (and certifies CSRPEM if given). Module codes
// include "invalid_key_type", "invalid_mode".
func (c *Client) RegisterTLS(ctx context.Context, req TLSRegisterRequest) (*RegisterResult, error) {
	var r RegisterResult
	if err := c.Do(ctx, "POST", "/v1/staking/tls/register", req, &r); err != nil {
		return nil, err
	}
	if r.PublicKey == "" {
		return nil, &ResponseError{Method: "POST", Path: "/v1/staking/tls/register", Err: fmt.Errorf("no public_key")}
	}
	return &r, nil
}

// BLSSignRequest is the body of POST /v1/staking/bls/sign. Name the key by KeyHandle (canonical)
// or by PublicKey (the attestation seed's client).
type BLSSignRequest struct {
	KeyHandle string `json:"key_handle,omitempty"`
	PublicKey string `json:"pubkey,omitempty"` // "0x..." hex
	Message   []byte `json:"message"`          // the bytes to sign (sent as base64)
	Type      string `json:"type,omitempty"`   // e.g. "PROOF_OF_POSSESSION"
	ModuleID  string `json:"module_id,omitempty"`
	// SignatureEncoding asks for "hex" or "base64" in "signature"; "" keeps the daemon's rule
	// (hex when named by handle, base64 when named by public key).
	SignatureEncoding string `json:"signature_encoding,omitempty"`
}

// TLSSignRequest is the body of POST /v1/staking/tls/sign.
type TLSSignRequest struct {
	KeyHandle         string `json:"key_handle,omitempty"`
	PublicKey         string `json:"pubkey,omitempty"`
	Digest            []byte `json:"digest"`              // 32 bytes, SHA-256 of the signed data
	Algorithm         string `json:"algorithm,omitempty"` // "" means "ecdsa-sha256"
	Format            string `json:"format,omitempty"`    // "" or "der" (ASN.1 DER), "compact" (r||s)
	ModuleID          string `json:"module_id,omitempty"`
	SignatureEncoding string `json:"signature_encoding,omitempty"`
}

// SignResult is the answer of both sign routes.
type SignResult struct {
	Signature []byte // decoded; BLS: 96 bytes compressed G2; TLS: DER or 64-byte compact
	// Encoding is how the answer's "signature" field was encoded ("hex" or "base64").
	Encoding  string
	KeyHandle string
	ModuleID  string
}

type signAnswer struct {
	Signature    string `json:"signature"`
	SignatureHex string `json:"signature_hex"`
	KeyHandle    string `json:"key_handle"`
	ModuleID     string `json:"module_id"`
}

// decodeSignature reads the answer the way the daemon's modules write it. "signature_hex"
// ("0x...") is unambiguous and preferred. "signature" is decoded by the rule the request set,
// never by guessing from its text: a hex string is often valid base64 as well. When both are
// present they must agree.
func decodeSignature(a *signAnswer, requested string, byHandle bool) (*SignResult, error) {
	enc := strings.ToLower(requested)
	if enc == "" {
		enc = EncodingBase64
		if byHandle {
			enc = EncodingHex
		}
	}
	out := &SignResult{Encoding: enc, KeyHandle: a.KeyHandle, ModuleID: a.ModuleID}
	var fromSig []byte
	if a.Signature != "" {
		var err error
		if enc == EncodingHex {
			fromSig, err = DecodeHex(a.Signature)
		} else {
			fromSig, err = base64.StdEncoding.DecodeString(a.Signature)
		}
		if err != nil {
			return nil, fmt.Errorf("signature is not %s: %w", enc, err)
		}
	}
	if a.SignatureHex != "" {
		b, err := DecodeHex(a.SignatureHex)
		if err != nil {
			return nil, fmt.Errorf("signature_hex: %w", err)
		}
		if fromSig != nil && string(fromSig) != string(b) {
			return nil, fmt.Errorf("signature and signature_hex disagree")
		}
		out.Signature = b
		return out, nil
	}
	if fromSig == nil {
		return nil, fmt.Errorf("the answer has no signature")
	}
	out.Signature = fromSig
	return out, nil
}

func (c *Client) sign(ctx context.Context, path string, body interface{}, encoding string, byHandle bool) (*SignResult, error) {
	var a signAnswer
	if err := c.Do(ctx, "POST", path, body, &a); err != nil {
		return nil, err
	}
	r, err := decodeSignature(&a, encoding, byHandle)
	if err != nil {
		return nil, &ResponseError{Method: "POST", Path: path, Err: err}
	}
	return r, nil
}

// SignBLS signs Message with a BLS key (proof-of-possession scheme, DST
// BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_). Signing is deterministic, so the policy's
// retries cannot produce a different result. Codes: "key_not_found" (404), "missing_field",
// "invalid_base64" (400), "invalid_signature_encoding".
func (c *Client) SignBLS(ctx context.Context, req BLSSignRequest) (*SignResult, error) {
	if req.Message == nil {
		req.Message = []byte{} // "message": "" rather than null: an empty message is a message
	}
	return c.sign(ctx, "/v1/staking/bls/sign", req, req.SignatureEncoding, req.KeyHandle != "")
}

// SignTLS signs a 32-byte digest with a TLS key (ECDSA over secp256k1 or P-256).
func (c *Client) SignTLS(ctx context.Context, req TLSSignRequest) (*SignResult, error) {
	if req.Algorithm == "" {
		req.Algorithm = "ecdsa-sha256"
	}
	if req.Digest == nil {
		req.Digest = []byte{}
	}
	return c.sign(ctx, "/v1/staking/tls/sign", req, req.SignatureEncoding, req.KeyHandle != "")
}

// DecodeHex decodes hex with or without a "0x" prefix.
func DecodeHex(s string) ([]byte, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	return hex.DecodeString(s)
}

// pathEscape escapes one path segment (a module id is [a-z0-9_] in practice, but the caller's
// text must not be able to change the route).
func pathEscape(s string) string { return url.PathEscape(s) }
