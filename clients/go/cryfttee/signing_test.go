package cryfttee

// Registration and signing through the real daemon, with the results checked independently:
// P-256 ECDSA by Go's crypto/ecdsa and crypto/x509, BLS by blst (@chainsafe/blst through
// tests/client/bls_verify.mjs) when node and the npm dependencies are present.

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The compressed G1 generator: the public key of the BLS secret key 1.
const g1Generator = "0x97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"

// blsVerify runs blst on (pubkey, message, signature). It skips the check, saying why, when node
// or blst is not installed; otherwise it reports blst's verdict.
func blsVerify(t *testing.T, pubkey string, msg, sig []byte) bool {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("SKIPPED independent BLS check: node is not installed (scripts/install-deps.sh)")
	}
	root := os.Getenv("CRYFTTEE_SOURCE_DIR")
	if root == "" {
		root, _ = filepath.Abs(filepath.Join("..", "..", ".."))
	}
	cmd := exec.Command(node, filepath.Join("tests", "client", "bls_verify.mjs"),
		pubkey, hex.EncodeToString(msg), hex.EncodeToString(sig))
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return false
	default:
		t.Skipf("SKIPPED independent BLS check: bls_verify.mjs could not run (%v: %s); run npm ci", err, out)
		return false
	}
}

func TestBLSRegisterAndSign(t *testing.T) {
	c := shared(t)
	reg, err := c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeGenerate})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := reg.PublicKeyBytes()
	if err != nil || len(pub) != 48 || !strings.HasPrefix(reg.KeyHandle, "bls-") {
		t.Fatalf("registered %+v (%d-byte key, %v)", reg, len(pub), err)
	}
	msg := []byte("go client: staking message \x00\x01\xff")

	// The same signature three ways: named by handle (hex), by public key (base64), by handle
	// with base64 asked for. BLS signing is deterministic.
	byHandle, err := c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: reg.KeyHandle, Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	byPubkey, err := c.SignBLS(ctx(t), BLSSignRequest{PublicKey: reg.PublicKey, Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	asBase64, err := c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: reg.KeyHandle, Message: msg, SignatureEncoding: EncodingBase64})
	if err != nil {
		t.Fatal(err)
	}
	if byHandle.Encoding != EncodingHex || byPubkey.Encoding != EncodingBase64 || asBase64.Encoding != EncodingBase64 {
		t.Fatalf("encodings %s %s %s", byHandle.Encoding, byPubkey.Encoding, asBase64.Encoding)
	}
	if len(byHandle.Signature) != 96 || !bytes.Equal(byHandle.Signature, byPubkey.Signature) ||
		!bytes.Equal(byHandle.Signature, asBase64.Signature) || byPubkey.KeyHandle != reg.KeyHandle {
		t.Fatalf("signatures differ or are not 96 bytes: %x / %x / %x", byHandle.Signature, byPubkey.Signature, asBase64.Signature)
	}
	other, err := c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: reg.KeyHandle, Message: append(msg, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other.Signature, byHandle.Signature) {
		t.Fatal("two messages, one signature")
	}

	keys, err := c.Keys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.KeyHandle == reg.KeyHandle && k.SignCount < 4 {
			t.Fatalf("sign_count %d after 4 signatures", k.SignCount)
		}
	}

	// Errors: an unknown handle, an unknown registration mode, a bad encoding request.
	_, err = c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: "bls-0000000000000000", Message: msg})
	wantAPIError(t, err, 404, "key_not_found")
	_, err = c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: 7})
	wantAPIError(t, err, 400, "invalid_mode")
	_, err = c.SignBLS(ctx(t), BLSSignRequest{KeyHandle: reg.KeyHandle, Message: msg, SignatureEncoding: "base58"})
	wantAPIError(t, err, 400, "invalid_signature_encoding")

	// Last: blst accepts the signature and refuses it for another message (may skip, see above).
	if !blsVerify(t, reg.PublicKey, msg, byHandle.Signature) {
		t.Fatal("blst rejects the daemon's signature")
	}
	if blsVerify(t, reg.PublicKey, append(msg, 0), byHandle.Signature) {
		t.Fatal("blst accepts the signature for another message")
	}
}

func TestBLSImport(t *testing.T) {
	c := shared(t)
	// Secret key 1: its public key is the G1 generator, known without any BLS code.
	sk := make([]byte, 32)
	sk[31] = 1
	reg, err := c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeImport, KeyMaterial: sk})
	if err != nil {
		t.Fatal(err)
	}
	if reg.PublicKey != g1Generator {
		t.Fatalf("secret key 1 imported as %s", reg.PublicKey)
	}
	_, err = c.RegisterBLS(ctx(t), BLSRegisterRequest{Mode: ModeImport, KeyMaterial: sk[:31]})
	wantAPIError(t, err, 400, "invalid_secret_key")
}

func TestTLSRegisterAndSignP256(t *testing.T) {
	c := shared(t)
	reg, err := c.RegisterTLS(ctx(t), TLSRegisterRequest{Mode: ModeGenerate, KeyType: "p256"})
	if err != nil {
		t.Fatal(err)
	}
	pubBytes, err := reg.PublicKeyBytes()
	if err != nil || len(pubBytes) != 33 || reg.KeyType != "p256" {
		t.Fatalf("registered %+v (%v)", reg, err)
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), pubBytes)
	if x == nil {
		t.Fatalf("public key %s is not a compressed P-256 point", reg.PublicKey)
	}
	pub := &ecdsa.PublicKey{Curve: elliptic.P256(), X: x, Y: y}

	// The certificate is self-signed by the registered key.
	block, _ := pem.Decode([]byte(reg.Certificate))
	if block == nil {
		t.Fatalf("certificate is not PEM: %q", reg.Certificate)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if certKey, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !certKey.Equal(pub) {
		t.Fatalf("certificate key %v is not the registered key", cert.PublicKey)
	}
	// CheckSignatureFrom would demand a CA certificate; this one is a leaf signed by its own key.
	if err := cert.CheckSignature(cert.SignatureAlgorithm, cert.RawTBSCertificate, cert.Signature); err != nil {
		t.Fatalf("certificate self-signature: %v", err)
	}
	// The key list shows the certificate and NodeID that registration answered.
	keys, err := c.Keys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, k := range keys {
		if k.KeyHandle == reg.KeyHandle {
			found = true
			if k.Certificate != reg.Certificate || k.NodeID != reg.NodeID || k.NodeID == "" {
				t.Fatalf("listed certificate/NodeID %q differ from registration's %q", k.NodeID, reg.NodeID)
			}
		}
	}
	if !found {
		t.Fatalf("registered key %s not listed", reg.KeyHandle)
	}

	digest := sha256.Sum256([]byte("go client: certificate body"))
	der, err := c.SignTLS(ctx(t), TLSSignRequest{KeyHandle: reg.KeyHandle, Digest: digest[:]})
	if err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(pub, digest[:], der.Signature) {
		t.Fatalf("DER signature %x does not verify", der.Signature)
	}
	other := sha256.Sum256([]byte("something else"))
	if ecdsa.VerifyASN1(pub, other[:], der.Signature) {
		t.Fatal("the signature verifies for another digest")
	}
	compact, err := c.SignTLS(ctx(t), TLSSignRequest{PublicKey: reg.PublicKey, Digest: digest[:], Format: "compact"})
	if err != nil {
		t.Fatal(err)
	}
	if compact.Encoding != EncodingBase64 || len(compact.Signature) != 64 {
		t.Fatalf("compact signature by public key: %s, %d bytes", compact.Encoding, len(compact.Signature))
	}
	r := new(big.Int).SetBytes(compact.Signature[:32])
	s := new(big.Int).SetBytes(compact.Signature[32:])
	if !ecdsa.Verify(pub, digest[:], r, s) {
		t.Fatalf("compact signature %x does not verify", compact.Signature)
	}

	_, err = c.SignTLS(ctx(t), TLSSignRequest{KeyHandle: reg.KeyHandle, Digest: digest[:31]})
	wantAPIError(t, err, 400, "invalid_digest")
	_, err = c.RegisterTLS(ctx(t), TLSRegisterRequest{Mode: ModeGenerate, KeyType: "rsa"})
	wantAPIError(t, err, 400, "invalid_key_type")
}

func TestTLSRegisterSecp256k1(t *testing.T) {
	c := shared(t)
	reg, err := c.RegisterTLS(ctx(t), TLSRegisterRequest{Mode: ModeGenerate})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := reg.PublicKeyBytes()
	if err != nil || len(pub) != 33 || (pub[0] != 2 && pub[0] != 3) || reg.KeyType != "secp256k1" {
		t.Fatalf("registered %+v (%v)", reg, err)
	}
	if !strings.HasPrefix(reg.NodeID, "NodeID-") {
		t.Fatalf("node_id %q", reg.NodeID)
	}
	digest := sha256.Sum256([]byte("go client: secp256k1"))
	sig, err := c.SignTLS(ctx(t), TLSSignRequest{KeyHandle: reg.KeyHandle, Digest: digest[:]})
	if err != nil {
		t.Fatal(err)
	}
	// Go's standard library has no secp256k1; check the DER shape: SEQUENCE of two INTEGERs.
	if len(sig.Signature) < 8 || len(sig.Signature) > 72 || sig.Signature[0] != 0x30 || int(sig.Signature[1]) != len(sig.Signature)-2 {
		t.Fatalf("not a DER ECDSA signature: %x", sig.Signature)
	}
	_, err = c.SignTLS(ctx(t), TLSSignRequest{KeyHandle: "secp256k1-0000000000000000", Digest: digest[:]})
	wantAPIError(t, err, 404, "key_not_found")
}
