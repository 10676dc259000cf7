package cryfttee_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/cryft-labs/cryfttee/clients/go/cryfttee"
)

// A node's start-up: attestation with a fresh nonce, wait for the signer, one key, one signature.
// (Compiled by go test; not run, as it needs a daemon at the socket.)
func ExampleNewUnix() {
	c := cryfttee.NewUnix("/var/run/cryfttee.sock", cryfttee.Options{})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	att, err := c.Attestation(ctx, fmt.Sprintf("node-%d", time.Now().UnixNano()))
	if err != nil {
		log.Fatal(err) // includes a nonce-binding mismatch
	}
	if _, err := c.WaitForSigner(ctx, 500*time.Millisecond); err != nil {
		log.Fatal(err)
	}
	key, err := c.RegisterBLS(ctx, cryfttee.BLSRegisterRequest{Mode: cryfttee.ModeGenerate})
	if err != nil {
		log.Fatal(err)
	}
	sig, err := c.SignBLS(ctx, cryfttee.BLSSignRequest{KeyHandle: key.KeyHandle, Message: []byte("block")})
	if cryfttee.ErrorCode(err) == "key_not_found" {
		log.Fatal("the key is gone: register again")
	} else if err != nil {
		log.Fatal(err) // *APIError with another code, *TransportError or *ResponseError
	}
	fmt.Println(att.CryftteeVersion, key.PublicKey, len(sig.Signature))
}
