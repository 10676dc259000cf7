package cryfttee

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"
)

// The "signature" field is decoded by the rule the request set, never guessed from its text.
func TestDecodeSignatureFollowsTheRequest(t *testing.T) {
	sig := bytes.Repeat([]byte{0xb9, 0x37, 0xab}, 32) // 96 bytes
	h := hex.EncodeToString(sig)                      // 192 hex digits: also valid base64
	if _, err := base64.StdEncoding.DecodeString(h); err != nil {
		t.Fatalf("the premise: %v", err)
	}
	got, err := decodeSignature(&signAnswer{Signature: h}, "", true)
	if err != nil || got.Encoding != EncodingHex || !bytes.Equal(got.Signature, sig) {
		t.Fatalf("by handle: %+v %v", got, err)
	}
	b64 := base64.StdEncoding.EncodeToString(sig)
	got, err = decodeSignature(&signAnswer{Signature: b64}, "", false)
	if err != nil || got.Encoding != EncodingBase64 || !bytes.Equal(got.Signature, sig) {
		t.Fatalf("by pubkey: %+v %v", got, err)
	}
	got, err = decodeSignature(&signAnswer{Signature: b64, SignatureHex: "0x" + h}, "BASE64", true)
	if err != nil || !bytes.Equal(got.Signature, sig) {
		t.Fatalf("explicit base64 with signature_hex: %+v %v", got, err)
	}
	other := append([]byte{}, sig...)
	other[0] ^= 1
	if _, err := decodeSignature(&signAnswer{Signature: h, SignatureHex: "0x" + hex.EncodeToString(other)}, "", true); err == nil {
		t.Fatal("signature and signature_hex disagree, yet accepted")
	}
	if _, err := decodeSignature(&signAnswer{Signature: "zz"}, "", true); err == nil {
		t.Fatal("non-hex accepted as hex")
	}
	if _, err := decodeSignature(&signAnswer{}, "", true); err == nil {
		t.Fatal("an answer without a signature accepted")
	}
}

func TestAPIErrorShapes(t *testing.T) {
	e := apiError("POST", "/v1/staking/bls/sign", 404,
		[]byte(`{"success":false,"code":"key_not_found","error":"no key","module_id":"m"}`), 1)
	if e.Code != "key_not_found" || e.Message != "no key" || e.ModuleID != "m" || ErrorCode(e) != "key_not_found" || HTTPStatus(e) != 404 {
		t.Fatalf("%+v", e)
	}
	// A module's own shape: {"error": "<code>", "message": "..."}.
	e = apiError("POST", "/x", 400, []byte(`{"success":false,"error":"invalid_mode","message":"mode 7"}`), 1)
	if e.Code != "invalid_mode" || e.Message != "mode 7" {
		t.Fatalf("%+v", e)
	}
	// Not JSON (not the daemon): the status stands in for the code.
	e = apiError("GET", "/x", 502, []byte("Bad Gateway"), 2)
	if e.Code != "http_502" || e.Message != "Bad Gateway" || e.Attempts != 2 {
		t.Fatalf("%+v", e)
	}
	// 200 with success false is an error too.
	err := decodeAnswer("GET", "/x", 200, []byte(`{"success":false,"error":"why"}`), 1, nil)
	if ErrorCode(err) != "request_failed" {
		t.Fatalf("%v", err)
	}
}
