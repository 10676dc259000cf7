// Package cryfttee is the Go client of the cryfttee signing sidecar: one typed method per /v1
// route of the daemon (docs/api.md), over its Unix socket or an http(s) base URL.
//
// It is what a Go node (cryftgo) embeds instead of hand-writing the seed's CryftteeClient, and it
// keeps that client's contract:
//
//   - Transport: HTTP/1.1 over the Unix socket (the Host header is ignored there, so requests go
//     to http://localhost), or to a base URL such as https://127.0.0.1:8443.
//   - Retry: the seed's withRetry numbers (100 ms doubling to 5 s, at most 10 attempts), applied
//     only where a retry cannot repeat an action: the connection could not be made (daemon not
//     running yet, socket missing) or the daemon answered 503. A 4xx, a timeout or a connection
//     lost after the request went out is returned at once; retrying a key registration could
//     create a second key. See RetryPolicy.
//   - Errors: every non-2xx answer, and every {"success": false}, is an *APIError carrying the
//     daemon's stable snake_case code (e.g. "key_not_found") and the HTTP status.
//   - Bytes: request bytes ([]byte fields) are sent as padded standard base64, as encoding/json
//     marshals them. Signatures come back hex (key named by handle) or base64 (key named by
//     public key, or on request); SignResult decodes both and prefers "signature_hex".
//
// Every method takes a context: its deadline bounds the whole call including retries, and
// Options.Timeout bounds each attempt. A Client is safe for concurrent use.
package cryfttee
